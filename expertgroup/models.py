"""Thin models of the Migrant Expert Group call; the rules live in services.py and rules.py."""

import os
import string
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries import countries
from django_countries.fields import CountryField
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, TranslatableMixin
from wagtail.search import index

from participation.accounts.languages import language_choices
from participation.calls.models import CallWindowMixin
from participation.calls.panels import TimeZonePanel
from participation.fields import MultipleChoiceJSONField
from participation.files.storage import private_storage
from participation.i18n import InterfaceLanguageURLMixin, with_submissions_pages
from participation.questionnaire.blocks import QuestionnaireBlock
from participation.submissions.models import SubmissionBase
from participation.submissions.routes import submission_routes
from participation.widgets import country_chooser, language_chooser
from themes.widgets import ThemeCheckboxes

from .choices import gender_choices, migrant_background_choices, profile_choices


def country_choices():
    return list(countries)


class ExpertCallIndexPage(InterfaceLanguageURLMixin, Page):
    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types = ["expertgroup.ExpertCallPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("expert group calls")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Translated calls show their original's state: resolved in one query, not one a call.
        context["calls"] = with_submissions_pages(
            ExpertCallPage.objects.child_of(self).live().public().order_by("-opens_at")
        )
        return context


# Applying (expertgroup/apply.py on the core's participation.submissions.flow) at apply/...
ApplyRoutes = submission_routes(
    "expertgroup.apply",
    "apply",
    [
        "start",
        ("details", "<int:submission_id>/details/"),
        ("step", "<int:submission_id>/questions/<int:step>/"),
        "review",
        "receipt",
        "change",
        "withdraw",
    ],
)


class ExpertCallPage(
    InterfaceLanguageURLMixin, ApplyRoutes, RoutablePageMixin, CallWindowMixin, Page
):
    """An open call for a Migrant Expert Group: who is sought, for how long, and until when."""

    class State(models.TextChoices):
        FORTHCOMING = "forthcoming", _("Forthcoming")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        IN_SELECTION = "in_selection", _("In selection")
        ANNOUNCED = "announced", _("Members announced")

    intro = models.TextField(
        _("summary"), max_length=600, help_text=_("One paragraph: what the group does.")
    )
    body = RichTextField(_("the call"), blank=True)
    profiles_sought = MultipleChoiceJSONField(
        _("profiles sought"), choices_callable=profile_choices
    )
    seats = models.PositiveSmallIntegerField(_("number of seats"), default=24)
    reserve_size = models.PositiveSmallIntegerField(
        _("length of the reserve list"),
        default=12,
        help_text=_("The best-placed candidates the selection keeps in reserve, in order."),
    )
    term_of_office = models.CharField(
        _("term of office"), max_length=255, blank=True, help_text=_("E.g. two years, renewable.")
    )
    themes = ParentalManyToManyField(
        "themes.Theme", verbose_name=_("themes"), blank=True, related_name="expert_calls"
    )
    questionnaire = StreamField(QuestionnaireBlock(), blank=True, verbose_name=_("extra questions"))
    contact_email = models.EmailField(_("contact email"), blank=True)
    erase_sensitive_data_on = models.DateField(
        _("erase sensitive data on"),
        null=True,
        blank=True,
        help_text=_(
            "On this date the migrant-background declarations, gender and nationalities of "
            "every applicant are erased (manage.py erase_expertgroup_data)."
        ),
    )
    review_process = models.OneToOneField(
        "review.ReviewProcess",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert_call",
        editable=False,
    )
    members_announced_at = models.DateTimeField(
        _("members announced"), null=True, blank=True, editable=False
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
                FieldRowPanel([TimeZonePanel(), FieldPanel("grace_minutes")]),
            ],
            heading=_("When"),
        ),
        FieldRowPanel(
            [FieldPanel("seats"), FieldPanel("reserve_size"), FieldPanel("term_of_office")]
        ),
        FieldPanel("themes", widget=ThemeCheckboxes),
        FieldPanel("profiles_sought"),
        FieldPanel("body"),
        InlinePanel(
            "eligibility_criteria", heading=_("Eligibility criteria"), label=_("Criterion")
        ),
        FieldPanel("contact_email"),
        FieldPanel("erase_sensitive_data_on"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=pgettext_lazy("expert call", "Call")),
            ObjectList([FieldPanel("questionnaire")], heading=_("Extra questions")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["expertgroup.ExpertCallIndexPage"]
    subpage_types = []

    # Facts of the call, not content: a translation (a copy) has its original's, read from it.
    exclude_fields_in_copy = ["review_process", "members_announced_at"]

    class Meta:
        verbose_name = _("expert group call")

    def with_content_json(self, content):
        """Publishing a revision keeps the facts that are not content."""
        page = super().with_content_json(content)
        page.review_process_id = self.review_process_id
        page.members_announced_at = self.members_announced_at
        return page

    @property
    def state(self) -> str:
        source = self.submissions_page()  # a translation is in its original's state
        if source.members_announced_at:
            return self.State.ANNOUNCED
        window = self.State(self.window_state().value)
        if window == self.State.CLOSED and source.review_process_id:
            return self.State.IN_SELECTION
        return window

    def get_state_display(self):
        return self.State(self.state).label

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    # Shown to review editors in aggregate only, never per member (review engine's run page).
    review_aggregate_only_attributes = ("gender", "migrant_background")

    def criteria(self):
        return list(self.eligibility_criteria.all())

    @classmethod
    def review_process_titles(cls, processes, language):
        """For the review engine: the processes' names in ``language``, the title of each
        call's live translation (one query for all)."""
        from participation.i18n import live_translations

        found = live_translations(
            cls.objects.only("title", "translation_key"),
            [p.owner.translation_key for p in processes],
            language,
        )
        titles = {}
        for process in processes:
            page = found.get(process.owner.translation_key)
            if page is not None:
                titles[process.pk] = page.title
        return titles

    def review_documents(self, user):
        """For the review workspace: what a committee member may ask for (their own copy of
        the dossier, without their conflicts)."""
        from .documents import committee_documents

        return committee_documents(self, user)

    def review_special_category_permission(self, user) -> str:
        """For the review engine: the permission by which ``user`` may open applicants'
        special-category data (staff holding it, whichever call they edit), or ""."""
        from .rules import SENSITIVE_PERMISSION

        if user.is_active and user.is_staff and user.has_perm(SENSITIVE_PERMISSION):
            return str(_("Can see applicants' special-category data"))
        return ""

    def review_subjects(self, process):
        """Applications the review engine imports: submitted and found eligible."""
        return (
            self.applications.filter(status=Application.Status.SUBMITTED, screening__eligible=True)
            .select_related("user", "organisation", "call")
            .prefetch_related("expertise")
            .order_by("submitted_at", "pk")
        )

    def get_context(self, request, *args, **kwargs):
        from .choices import profile_choices

        context = super().get_context(request, *args, **kwargs)
        labels = dict(profile_choices())
        context["profiles"] = [labels.get(code, code) for code in self.profiles_sought]
        return context

    @path("members/")
    def members(self, request):
        from . import public

        return public.members(request, self)

    @path("members/<int:application_id>/photo/")
    def member_photo(self, request, application_id):
        from . import public

        return public.photo(request, self, application_id)


class EligibilityCriterion(Orderable):
    page = ParentalKey(
        ExpertCallPage, on_delete=models.CASCADE, related_name="eligibility_criteria"
    )
    key = models.SlugField(_("key"), max_length=64, help_text=_("Stable name, e.g. residence."))
    text = models.CharField(_("criterion"), max_length=500)

    panels = [FieldRowPanel([FieldPanel("key"), FieldPanel("text")])]

    class Meta(Orderable.Meta):
        verbose_name = _("eligibility criterion")
        constraints = [
            models.UniqueConstraint(fields=["page", "key"], name="expertgroup_criterion_key")
        ]

    def __str__(self):
        return self.text


def _upload_to(instance, filename):
    # A random name: the applicant's file name may hold their name; the extension is ours.
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"expertgroup/{instance.call_id}/{uuid.uuid4().hex}{extension}"


class Decision(models.TextChoices):
    NONE = "", _("Not decided")
    INELIGIBLE = "ineligible", _("Not eligible")
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve list")
    NOT_SELECTED = "not_selected", _("Not selected")
    STEPPED_DOWN = "stepped_down", _("Stepped down")


class Application(SubmissionBase):
    """An application to an expert call, by one signed-in person (optionally for an organisation).

    Special-category data lives apart, in :class:`SensitiveDeclaration`, so that no listing,
    export or reviewer page can load it by accident.
    """

    Decision = Decision

    call = models.ForeignKey(ExpertCallPage, on_delete=models.PROTECT, related_name="applications")
    full_name = models.CharField(_("full name"), max_length=200)
    profile_type = models.CharField(_("profile"), max_length=32, choices=profile_choices)
    expertise = models.ManyToManyField(
        "themes.Theme", blank=True, related_name="+", verbose_name=_("areas of expertise")
    )
    languages = MultipleChoiceJSONField(
        _("languages you work in"), choices_callable=language_choices, widget=language_chooser()
    )
    country = CountryField(_("country of residence"))
    motivation = models.TextField(_("motivation"), max_length=3000)
    experience = models.TextField(
        _("experience with migration, asylum and integration"), max_length=3000
    )
    # Private files, all three: the photo too, shown on the members' page only through a view
    # that checks consent and membership at each request (expertgroup.public.photo).
    cv = models.FileField(
        _("CV (PDF)"), upload_to=_upload_to, storage=private_storage, blank=True, max_length=255
    )
    supporting_document = models.FileField(
        _("supporting document (PDF)"),
        upload_to=_upload_to,
        storage=private_storage,
        blank=True,
        max_length=255,
    )
    photo = models.FileField(
        _("photo"), upload_to=_upload_to, storage=private_storage, blank=True, max_length=255
    )
    public_profile_consent = models.BooleanField(
        _(
            "if I am selected, show my name, profile, country, expertise and photo on the public "
            "page of members"
        ),
        default=False,
    )
    questionnaire_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    decision = models.CharField(
        _("decision"), max_length=16, choices=Decision.choices, blank=True, default=""
    )
    reserve_rank = models.PositiveIntegerField(_("reserve rank"), null=True, blank=True)
    decision_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    sensitive_erased_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("application")
        permissions = [
            ("view_sensitive_data", _("Can see applicants' special-category data")),
        ]
        constraints = [
            # One live application per person and call (a withdrawn one may be followed by a new).
            models.UniqueConstraint(
                fields=["call", "user"],
                condition=models.Q(user__isnull=False) & ~models.Q(status="withdrawn"),
                name="expertgroup_one_live_application",
            ),
        ]
        indexes = [models.Index(fields=["call", "status", "decision"])]

    def __str__(self):
        return self.receipt_number or str(_("Draft application %(pk)s") % {"pk": self.pk})

    def get_call(self):
        return self.call

    def get_profile_type_display_safe(self):
        return dict(profile_choices()).get(self.profile_type, self.profile_type)

    # --- the review engine's interface (participation/review/interface.py) ---
    # Nothing from SensitiveDeclaration is ever returned by review_fields.

    @classmethod
    def review_queryset(cls, queryset):
        # review_attributes reads the expertise and the sensitive row of every candidate.
        return queryset.select_related(
            "sensitive", "user", "organisation", "call"
        ).prefetch_related("expertise")

    def review_title(self):
        return self.full_name

    def review_fields(self, blind):
        from participation.review.interface import ReviewField

        from .services import answer_rows

        themes = ", ".join(t.name for t in self.expertise.all())
        fields = [
            ReviewField("name", _("Name"), self.full_name, identifying=True),
            ReviewField(
                "organisation",
                _("Organisation"),
                self.organisation.name if self.organisation_id else "",
                identifying=True,
            ),
            ReviewField("profile_type", _("Profile"), self.get_profile_type_display_safe()),
            ReviewField("expertise", _("Areas of expertise"), themes),
            ReviewField("country", _("Country of residence"), self.country.name),
            ReviewField("motivation", _("Motivation"), self.motivation),
            ReviewField("experience", _("Experience"), self.experience),
        ]
        fields += [ReviewField(f"q:{key}", label, text) for key, label, text in answer_rows(self)]
        return fields

    def review_organisation(self):
        return self.organisation

    def review_people(self):
        return [self.user] if self.user_id else []

    def review_tags(self):
        return [t.slug for t in self.expertise.all()]

    def review_languages(self):
        return list(self.languages)

    @classmethod
    def review_attribute_labels(cls):
        """What editors read for the keys and values of ``review_attributes``."""
        from participation.review.interface import AttributeLabels
        from themes.selectors import canonical_themes, localized

        from .choices import region_choices

        # Expertise values are theme slugs: the themes' names in the reader's language.
        themes = {canonical.slug: shown.name for canonical, shown in localized(canonical_themes())}
        return {
            "profile": AttributeLabels(_("Profile"), dict(profile_choices())),
            "region": AttributeLabels(_("Region of residence"), dict(region_choices())),
            "expertise": AttributeLabels(_("Areas of expertise"), themes),
            "gender": AttributeLabels(_("Gender"), dict(gender_choices())),
            "migrant_background": AttributeLabels(
                _("Migrant background"), dict(migrant_background_choices())
            ),
        }

    def review_attributes(self):
        """For quotas only (editors run the selection); never shown to reviewers. Special-
        category data is used here in aggregate and disappears once erased."""
        from .choices import region_of

        attributes = {
            "profile": self.profile_type,
            "region": region_of(self.country.code),
            "expertise": [t.slug for t in self.expertise.all()],
        }
        sensitive = getattr(self, "sensitive", None) if self.pk else None
        if sensitive is not None and not self.sensitive_erased_at:
            if sensitive.gender:
                attributes["gender"] = sensitive.gender
            if sensitive.migrant_background:
                attributes["migrant_background"] = sensitive.migrant_background
        return attributes


class SensitiveDeclaration(models.Model):
    """Special-category data of one application: seen only by editors in charge, each reading
    recorded; used in aggregate for quotas; erased on the call's retention date."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="sensitive"
    )
    migrant_background = models.CharField(
        _("migrant background"), max_length=32, blank=True, choices=migrant_background_choices
    )
    gender = models.CharField(_("gender"), max_length=32, blank=True, choices=gender_choices)
    gender_self_described = models.CharField(_("gender, in your words"), max_length=100, blank=True)
    nationalities = MultipleChoiceJSONField(
        _("nationality or nationalities"),
        choices_callable=country_choices,
        widget=country_chooser(),
    )

    class Meta:
        verbose_name = _("special-category data")
        verbose_name_plural = _("special-category data")

    def __str__(self):
        return str(
            _("Special-category data of %(application)s") % {"application": self.application_id}
        )


class Screening(models.Model):
    """The editors' eligibility check of one application: per criterion, met or not, and why."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="screening"
    )
    results = models.JSONField(default=dict, blank=True)  # {criterion key: {"met", "reason"}}
    eligible = models.BooleanField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("screening")

    def __str__(self):
        return f"{self.application_id}: {self.eligible}"


PLACEHOLDERS = {
    "name": _("the applicant's name"),
    "call": _("the title of the call"),
    "receipt": _("the receipt number"),
    "reserve_rank": _("the place on the reserve list"),
    "feedback": _("the committee's mean score per criterion"),
    "reasons": _("the eligibility criteria not met, with reasons"),
    "members_url": _("the address of the public page of members"),
}


class LetterTemplate(TranslatableMixin, models.Model):
    """The text of a letter to applicants; translate it (Wagtail locales) to send it in their
    language. Placeholders in braces, e.g. {name}; see the help text."""

    class Kind(models.TextChoices):
        SELECTED = "selected", _("Selected")
        RESERVE = "reserve", _("Reserve list")
        NOT_SELECTED = "not_selected", _("Not selected")
        INELIGIBLE = "ineligible", _("Not eligible (screening notice)")
        REPLACEMENT = "replacement", _("Moved from the reserve list to the group")

    kind = models.CharField(_("letter"), max_length=16, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_(
            "Placeholders: {name}, {call}, {receipt}, {reserve_rank}, {feedback}, {reasons}, "
            "{members_url}."
        ),
    )

    panels = [FieldPanel("kind"), FieldPanel("subject"), FieldPanel("body")]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("letter to applicants")
        verbose_name_plural = _("letters to applicants")
        constraints = [
            models.UniqueConstraint(fields=["kind", "locale"], name="expertgroup_letter_per_locale")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.locale.language_code})"

    def clean(self):
        super().clean()
        for name, text in (("subject", self.subject), ("body", self.body)):
            try:
                unknown = sorted(
                    {
                        field
                        for _lit, field, _spec, _conv in string.Formatter().parse(text or "")
                        if field is not None and field not in PLACEHOLDERS
                    }
                )
            except ValueError:
                raise ValidationError(
                    {name: _("Unbalanced braces: write {{ and }} for literal braces.")}
                ) from None
            if unknown:
                raise ValidationError(
                    {name: _("Unknown placeholders: %(names)s") % {"names": ", ".join(unknown)}}
                )
