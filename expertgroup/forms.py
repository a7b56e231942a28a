"""The application form: details, special-category data and files, in one page."""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from participation.accounts.languages import language_choices
from participation.fields import NameFormField
from participation.files.checks import UploadRefused, check_upload
from participation.files.kinds import kinds_of
from participation.organisations.forms import OrganisationOfUserField
from participation.organisations.models import Membership
from participation.widgets import country_chooser, language_chooser
from themes.selectors import canonical_themes

from . import conf
from .choices import gender_choices, migrant_background_choices, profile_choices
from .models import Application

MAX_CV_BYTES = conf.get("MAX_UPLOAD_MB") * 1024 * 1024
MAX_PHOTO_BYTES = conf.get("MAX_PHOTO_MB") * 1024 * 1024


_NOT_THE_TYPE = ("type", "unknown", "executable", "macros")


def checked_upload(upload, *, kinds: tuple[str, ...], max_bytes: int, what: str):
    """What to store of the upload (the core's checks: content, never the name; images
    re-encoded), under a random name with the extension of its detected type."""
    if upload is None:
        return None
    try:
        checked = check_upload(upload, kinds=kinds_of(kinds), max_bytes=max_bytes)
    except UploadRefused as refused:
        if refused.reason == "too_big":
            message = _("%(what)s is too large (%(size)s); the limit is %(limit)s.") % {
                "what": what,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(max_bytes),
            }
        elif refused.reason in _NOT_THE_TYPE and kinds == ("pdf",):
            message = _(
                "%(what)s must be a PDF file; this file is not a PDF, whatever its name says."
            ) % {"what": what}
        elif refused.reason in _NOT_THE_TYPE:
            message = _("%(what)s must be a PNG, JPEG or WebP image.") % {"what": what}
        else:
            message = refused.messages[0]
        raise forms.ValidationError(message, code=refused.reason) from None
    content = checked.content
    content.name = "upload" + checked.extension  # _upload_to makes it random
    return content


class DescribedErrorsMixin:
    """Link each field to its error message (and help text) with aria-describedby, so screen
    readers read why a field was refused when it takes focus (portal/form_fields.html ids)."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            ids = [f"{bound.auto_id}_error"]
            if self.fields[name].help_text:
                ids.insert(0, f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


class ApplicationForm(DescribedErrorsMixin, forms.Form):
    full_name = NameFormField(label=_("Full name"), max_length=200)
    profile_type = forms.ChoiceField(label=_("Profile"), widget=forms.RadioSelect)
    expertise = forms.ModelMultipleChoiceField(
        label=_("Areas of expertise"),
        queryset=None,  # set per form: reading the default locale needs the database
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The themes of the EU Action Plan on Integration you know best."),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you work in"),
        widget=language_chooser(),
        help_text=_("Tick every language you can work in."),
    )
    country = forms.ChoiceField(label=_("Country of residence"))
    nationalities = forms.MultipleChoiceField(
        label=_("Nationality or nationalities"),
        required=False,
        widget=country_chooser(),
        help_text=_("Optional. Seen only by the editors in charge; never by the committee."),
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("Optional. Used only, in aggregate, to keep the group balanced."),
    )
    gender_self_described = forms.CharField(
        label=_("Gender, in your words"), max_length=100, required=False
    )
    migrant_background = forms.ChoiceField(
        label=_("Migrant background (self-declaration)"),
        widget=forms.RadioSelect,
        help_text=_(
            "Special-category data. Seen only by the editors in charge (each reading is "
            "recorded), never by the committee; used in aggregate to keep the group balanced; "
            "erased on the retention date."
        ),
    )
    motivation = forms.CharField(
        label=_("Motivation"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Why you want to join the group (at most 3,000 characters)."),
    )
    experience = forms.CharField(
        label=_("Experience with migration, asylum and integration"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("At most 3,000 characters."),
    )
    cv = forms.FileField(
        label=_("CV (PDF)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )
    supporting_document = forms.FileField(
        label=_("Supporting document (PDF, optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )
    photo = forms.FileField(
        label=_("Photo (optional)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text=_("Shown on the public page of members only if you are selected and agree."),
    )
    public_profile_consent = forms.BooleanField(
        label=capfirst(Application._meta.get_field("public_profile_consent").verbose_name),
        required=False,
    )

    def __init__(self, user, *args, application=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        # Only an administrator may commit an organisation (the shared submission rule), so
        # only organisations this person administers are offered.
        self.fields = {
            "organisation": OrganisationOfUserField(
                user,
                role=Membership.Role.ADMIN,
                help_text=_("Optional: an organisation you administer, if you apply for it."),
            ),
            **self.fields,
        }
        self.fields["expertise"].queryset = canonical_themes()
        self.fields["profile_type"].choices = profile_choices()
        self.fields["languages"].choices = language_choices()
        self.fields["country"].choices = [("", "—"), *countries]
        self.fields["nationalities"].choices = list(countries)
        self.fields["gender"].choices = gender_choices()
        self.fields["migrant_background"].choices = migrant_background_choices()
        limit = filesizeformat(MAX_CV_BYTES)
        for name in ("cv", "supporting_document"):
            stored = application is not None and getattr(application, name)
            self.fields[name].help_text = (
                _("A file is stored; choose another to replace it. PDF, at most %(limit)s.")
                if stored
                else _("PDF, at most %(limit)s.")
            ) % {"limit": limit}
        self.fields["cv"].label = _("CV (PDF)")

    @classmethod
    def initial_for(cls, application, sensitive):
        initial = {
            "organisation": application.organisation_id,
            "full_name": application.full_name,
            "profile_type": application.profile_type,
            "expertise": list(application.expertise.all()) if application.pk else [],
            "languages": application.languages,
            "country": application.country.code if application.country else "",
            "motivation": application.motivation,
            "experience": application.experience,
            "public_profile_consent": application.public_profile_consent,
        }
        if sensitive is not None:
            initial.update(
                migrant_background=sensitive.migrant_background,
                gender=sensitive.gender,
                gender_self_described=sensitive.gender_self_described,
                nationalities=sensitive.nationalities,
            )
        return initial

    def clean_cv(self):
        return checked_upload(
            self.cleaned_data.get("cv"), kinds=("pdf",), max_bytes=MAX_CV_BYTES, what=_("The CV")
        )

    def clean_supporting_document(self):
        return checked_upload(
            self.cleaned_data.get("supporting_document"),
            kinds=("pdf",),
            max_bytes=MAX_CV_BYTES,
            what=_("The supporting document"),
        )

    def clean_photo(self):
        return checked_upload(
            self.cleaned_data.get("photo"),
            kinds=("image",),
            max_bytes=MAX_PHOTO_BYTES,
            what=_("The photo"),
        )

    def clean(self):
        data = super().clean()
        if data.get("gender") == "self_described" and not data.get("gender_self_described"):
            self.add_error(
                "gender_self_described", _("Describe your gender, or choose another answer.")
            )
        if data.get("gender") != "self_described":
            data["gender_self_described"] = ""
        return data

    def model_fields(self) -> dict:
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "organisation",
                "full_name",
                "profile_type",
                "languages",
                "country",
                "motivation",
                "experience",
                "public_profile_consent",
            )
        }
        for name in ("cv", "supporting_document", "photo"):
            if data.get(name):
                fields[name] = data[name]
        return fields

    def sensitive_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "migrant_background": data["migrant_background"],
            "gender": data["gender"],
            "gender_self_described": data["gender_self_described"],
            "nationalities": data["nationalities"],
        }


class ScreeningForm(DescribedErrorsMixin, forms.Form):
    """One criterion, met or not, with a reason, for the ticked applications."""

    criterion = forms.ChoiceField(label=_("Criterion"))
    met = forms.TypedChoiceField(
        label=_("Result"),
        choices=[("1", _("Met")), ("0", _("Not met"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when not met: it is sent to the applicant."),
    )

    def __init__(self, page, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [(c.key, c.text) for c in page.criteria()]


class StepDownForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (for the audit trail)"), max_length=500, required=False
    )
