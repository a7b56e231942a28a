"""Assisted entry: a consultation's facilitators enter answers on behalf of people without an
account (at a workshop, from a paper form, on the phone, in an interview, from an email).

The role is a page permission ("Enter answers", codename ``enter_answers_page``) that an editor
grants a group (e.g. "Facilitators") on a consultation, or on the index above several, in the
group's page permissions. The answer itself goes through the views of ``respond.py`` in their
facilitators' mode (``respond.ASSISTED``): same questionnaire, validation, drafts and receipts.
Each answer records its channel, its facilitator, the person's consent and language, and the
address the person gave for the receipt (``tasks.send_confirmation``); the audit trail too.
While the consultation is open, the facilitator who entered an answer can change it (it is a
draft again) or withdraw it when the person asks, as people do with their own answers.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from participation.accounts.languages import language_choices, language_name
from participation.audit.services import record

from . import respond
from .forms import UNNAMED
from .models import Response

# The page permission: "enter_answers" + "_page", on Wagtail's Page content type, so that the
# group editor's page permissions offer it beside Add, Edit, Publish...
ACTION = "enter_answers"
CODENAME = f"{ACTION}_page"
PERMISSION_TYPE = (
    ACTION,
    gettext_lazy("Enter answers"),
    gettext_lazy("Enter answers to consultations on behalf of people (assisted entry)"),
)
GROUP = "Facilitators"
# Channels a facilitator chooses from: "online" is the person's own, "import" the bulk import's.
ASSISTED_CHANNELS = [
    (value, label)
    for value, label in Response.Channel.choices
    if value not in (Response.Channel.ONLINE, Response.Channel.IMPORT)
]
LAST_CHOICES = "consultations_assist_last"  # in the session: the last channel and language


def register_permission_type() -> None:
    """Add "Enter answers" to Wagtail's page permission types (at start-up, before the admin's
    forms are used). Wagtail lists a fixed set and offers no hook for more, so the list and the
    two places that copied it when imported are brought up to date; kept sorted by codename,
    as the group editor pairs its columns with the permissions ordered by codename."""
    from django.contrib.auth.models import Permission
    from wagtail.models import Page
    from wagtail.models.pages import PAGE_PERMISSION_TYPES
    from wagtail.users import forms as user_forms

    if all(codename != ACTION for codename, *_rest in PAGE_PERMISSION_TYPES):
        PAGE_PERMISSION_TYPES.append(PERMISSION_TYPE)
        PAGE_PERMISSION_TYPES.sort(key=lambda permission_type: permission_type[0])
    field = user_forms.PagePermissionsForm.base_fields["permissions"]
    field.queryset = (
        Permission.objects.filter(
            content_type__app_label=Page._meta.app_label,
            content_type__model=Page._meta.model_name,
            codename__in=Page.permission_codenames,
        )
        .select_related("content_type")
        .order_by("codename")
    )
    user_forms.BaseGroupPagePermissionFormSet.permission_types = Page.permission_types


def can_facilitate(user, page) -> bool:
    """A superuser, or someone with "Enter answers" on the consultation (or a page above it;
    for a translation, on it or on its original)."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if not user.is_authenticated or not user.is_active:
        return False
    policy = PagePermissionPolicy()  # the user's page permissions: one query, then cached
    return any(
        policy.user_has_permission_for_instance(user, ACTION, each)
        for each in {page, page.submissions_page()}
    )


def is_facilitator_anywhere(user) -> bool:
    """For the MFA rule (wagtail_hooks): a facilitator reads and types other people's answers."""
    from wagtail.models import GroupPagePermission

    return GroupPagePermission.objects.filter(
        group__user=user, permission__codename=CODENAME
    ).exists()


def facilitating(view):
    """Signed in (else to the sign-in page), a facilitator of this consultation (else 403), and
    the answer views in their facilitators' mode. The MFA middleware has run before."""

    @wraps(view)
    def wrapped(request, page, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_facilitate(request.user, page):
            raise PermissionDenied(_("Only the consultation's facilitators can enter answers."))
        setattr(request, respond.ASSISTED, True)
        return view(request, page, *args, **kwargs)

    return wrapped


class AssistedStartForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How the answer reaches us"), choices=ASSISTED_CHANNELS
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language the person answers in"),
        help_text=gettext_lazy("The language of the person's own words, not of this page."),
    )
    country = CountryField(blank=True).formfield(label=gettext_lazy("Country the person lives in"))
    consent = forms.BooleanField(
        label=gettext_lazy(
            "The person agrees that I enter their answers and that they are used for this "
            "consultation"
        ),
        required=False,  # refused in clean_consent, with words that say what to do
    )
    publication = forms.ChoiceField(
        label=gettext_lazy("May we publish the answer? (ask the person)"),
        choices=UNNAMED,  # no account, no name to publish it under
        widget=forms.RadioSelect,
    )
    receipt_email = forms.EmailField(
        label=gettext_lazy("Email address for the receipt (optional)"),
        help_text=gettext_lazy("Only if the person wants the receipt by email."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = language_choices()

    def clean_consent(self):
        if not self.cleaned_data.get("consent"):
            raise forms.ValidationError(
                _(
                    "An answer can only be entered with the person's consent. Ask them; if "
                    "they do not agree, their answer cannot be recorded."
                )
            )
        return True


def _entered(page, user):
    return (
        Response.objects.filter(consultation=page.submissions_page(), facilitator=user)
        .exclude(status=Response.Status.WITHDRAWN)
        .order_by("-created_at", "-pk")
    )


@facilitating
def start(request, page):
    """The answers this facilitator entered, and the form that starts the next one."""
    last = request.session.get(LAST_CHOICES, {})
    form = AssistedStartForm(
        request.POST or None,
        initial={
            "channel": last.get("channel", Response.Channel.WORKSHOP),
            "language": last.get("language", translation.get_language()),
        },
    )
    if request.method == "POST":
        if not page.is_open:
            messages.error(request, _("This consultation is not open for answers."))
        elif form.is_valid():
            response = _create(request, page, form.cleaned_data)
            return redirect(respond.FLOW.url(page, request, "step", response.pk, 0))
    entered = Paginator(_entered(page, request.user), 50).get_page(request.GET.get("page"))
    for response in entered:
        response.language_label = language_name(response.language) or response.language
    return render(
        request,
        "consultations/assist_start.html",
        {"page": page, "form": form, "entered": entered},
        status=400 if form.errors else 200,
    )


def _create(request, page, data):
    response = Response.objects.create(
        consultation=page.submissions_page(),
        respondent_type=Response.RespondentType.INDIVIDUAL,
        channel=data["channel"],
        language=data["language"],
        country=data["country"],
        publication=data["publication"],
        consent_given=True,
        receipt_email=data["receipt_email"],
        facilitator=request.user,
        updated_by=request.user,
    )
    # The address itself stays out of the trail (it outlives the erasure of personal data).
    record(
        response,
        request.user,
        "assisted.started",
        channel=response.channel,
        language=response.language,
        consent=True,
        publication=response.publication,
        receipt_email=bool(response.receipt_email),
    )
    request.session[LAST_CHOICES] = {"channel": response.channel, "language": response.language}
    return response


# The answer's own views, in the facilitators' mode (respond.py does the work). Change and
# withdraw: the person calls back to correct their answer or take it back, while it is open.
step = facilitating(respond.step)
review = facilitating(respond.review)
done = facilitating(respond.done)
receipt = facilitating(respond.receipt)
change = facilitating(respond.change)
withdraw = facilitating(respond.withdraw)
