from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from participation.fields import NameFormField
from participation.organisations.forms import OrganisationOfUserField

from .models import Nomination

MAX_LINKS = 10


class StartForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of this edition's categories.")},
    )
    kind = forms.ChoiceField(
        label=_("Who do you nominate?"), choices=Nomination.Kind.choices, widget=forms.RadioSelect
    )

    def __init__(self, edition, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = edition.categories.all()
        self.fields["organisation"] = OrganisationOfUserField(
            user,
            help_text=_(
                "Nominate as yourself or for one of your organisations (its members can then "
                "work on the draft, and an administrator submits it)."
            ),
        )


class NominationForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    links = forms.CharField(
        label=_("Links to evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Web addresses (press articles, videos, reports), one per line."),
    )
    evidence_file = forms.FileField(
        label=_("Add a document as evidence"),
        required=False,
        help_text=_("PDF, image, ODT or DOCX, at most 10 MB."),
    )
    photo_file = forms.FileField(
        label=_("Add a photo"), required=False, help_text=_("PNG, JPEG or WebP, at most 10 MB.")
    )
    photo_caption = forms.CharField(label=_("Caption of the photo"), required=False, max_length=255)
    photo_credit = forms.CharField(
        label=_("Photographer or rights holder"), required=False, max_length=255
    )
    photo_rights = forms.BooleanField(
        label=_(
            "I hold the rights to this photo, or the rights holder and the people shown agreed "
            "to its use for the award"
        ),
        required=False,
    )

    class Meta:
        model = Nomination
        field_classes = {"nominee_name": NameFormField, "contact_name": NameFormField}
        fields = [
            "nominee_name",
            "nominee_country",
            "nominee_city",
            "nominee_website",
            "contact_name",
            "contact_email",
            "project_title",
            "description",
            "results",
            "publication_consent",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "results": forms.Textarea(attrs={"rows": 6}),
        }
        labels = {
            "publication_consent": _(
                "If the nomination is shortlisted, its description and photos may be published"
            ),
        }
        help_texts = {
            "contact_email": _(
                "For a nomination of someone else, we email this address to ask the nominee to "
                "confirm."
            ),
            "results": _("What changed for migrants and the community: figures, stories."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["links"] = "\n".join(self.instance.evidence_links)
            self.initial["version"] = self.instance.version
        if self.instance.kind == Nomination.Kind.THIRD_PARTY:
            self.fields["contact_email"].label = _("Nominee's contact email")

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MAX_LINKS:
            raise ValidationError(_("At most %(n)s links.") % {"n": MAX_LINKS})
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            try:
                validate(line)
            except ValidationError:
                raise ValidationError(
                    _("“%(line)s” is not a web address (starting with https://).")
                    % {"line": line[:80]}
                ) from None
        return lines

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("photo_file") and not cleaned.get("photo_rights"):
            self.add_error(
                "photo_rights",
                _("Confirm the rights to the photo, or it cannot be added."),
            )
        return cleaned

    def draft_fields(self) -> dict:
        fields = {name: self.cleaned_data[name] for name in self.Meta.fields}
        fields["evidence_links"] = self.cleaned_data["links"]
        return fields


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Deliberation note"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    phase = forms.ModelChoiceField(label=_("Round"), queryset=None, required=False)

    def __init__(self, process, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = process.phases.all() if process else None
        self.fields["phase"].empty_label = _("Not about one round")


class VoteForm(forms.Form):
    nomination = forms.ModelChoiceField(
        label=_("Your vote"),
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "invalid_choice": _("Choose one of the shortlisted nominations."),
            "required": _("Choose the nomination you vote for."),
        },
    )

    def __init__(self, choices, *args, names=None, **kwargs):
        """``names``: {category key: category} of a translation (services.translated_categories),
        so that the choices name categories in the page's language."""
        super().__init__(*args, **kwargs)
        names = names or {}
        self.fields["nomination"].queryset = choices
        self.fields["nomination"].label_from_instance = lambda n: (
            f"{n.nominee_name} ({names.get(n.category.key, n.category).name})"
        )
