"""Admin wiring: editors list, search and verify organisations in the Wagtail admin."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from participation.admin_reports import listing_export
from participation.listings import IsolatedColumnsMixin
from participation.text import clean_name

from .models import Organisation
from .services import deletion_blockers

# Wagtail's model permissions, registered (not a fallback made on first use).
register_permission_policy(Organisation)


class OrganisationAdminForm(WagtailAdminModelForm):
    def clean_name(self):
        return clean_name(self.cleaned_data.get("name"))

    def save(self, commit=True):
        # Record who verified and when, the moment the box is ticked.
        if "verified" in self.changed_data:
            self.instance.verified_at = timezone.now() if self.instance.verified else None
            self.instance.verified_by = self.for_user if self.instance.verified else None
        return super().save(commit)


class OrganisationIndexView(IsolatedColumnsMixin, IndexView):
    name_columns = ("name",)


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    index_view_class = OrganisationIndexView
    icon = "group"
    menu_label = _("Organisations")
    menu_order = 250
    add_to_admin_menu = True
    edit_handler = ObjectList(
        [
            FieldPanel(name)
            for name in ["name", "kind", "country", "register_number", "website", "description"]
        ]
        + [FieldPanel("verified", help_text=_("Tick once you have checked the organisation."))],
        base_form_class=OrganisationAdminForm,
    )
    list_display = ["name", "kind", "country", "verified", "created_at"]
    list_filter = ["verified", "kind"]
    search_fields = ["name", "description", "register_number"]
    list_export, export_headings = listing_export(
        Organisation,
        [
            "name",
            "slug",
            "kind",
            "country",
            "register_number",
            "website",
            "verified",
            "verified_at",
        ],
    )
    export_filename = "organisations"


@hooks.register("register_admin_viewset")
def register_organisation_viewset():
    return OrganisationViewSet("organisations_admin", url_prefix="organisations")


@hooks.register("participation_account_deletion_blockers")
def last_admin_blocks_deletion(user):
    return deletion_blockers(user)


@hooks.register("participation_personal_data")
def membership_data(user):
    return "organisations", [
        {
            "organisation": m.organisation.name,
            "role": m.role,
            "joined_at": m.joined_at.isoformat(),
        }
        for m in user.memberships.select_related("organisation")
    ]
