"""The forms of answering a consultation: starting an answer, and the publication choice."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries.fields import CountryField

from participation.accounts.languages import language_choices
from participation.organisations.forms import OrganisationOfUserField

from .models import Response

UNNAMED = [
    (value, label)
    for value, label in Response.Publication.choices
    if value != Response.Publication.NAMED
]


class PublicationForm(forms.Form):
    publication = forms.ChoiceField(
        label=gettext_lazy("May we publish your answer?"),
        choices=Response.Publication.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Editors check answers before publishing them and may hide personal details."
        ),
    )
    publish_attachments = forms.BooleanField(
        label=gettext_lazy("My attachments may be published too"), required=False
    )

    def __init__(self, *args, has_attachments=False, named=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_attachments:  # nothing to publish: do not ask
            del self.fields["publish_attachments"]
        if not named:  # entered for someone without an account: no name to publish it under
            self.fields["publication"].choices = UNNAMED


class StartForm(forms.Form):
    country = CountryField(blank=True).formfield(label=gettext_lazy("Country you live in"))
    language = forms.ChoiceField(
        label=gettext_lazy("Language of your answers"),
        help_text=gettext_lazy("Answer in the language you write best."),
    )
    remind_me = forms.BooleanField(
        label=gettext_lazy("Email me three days before the deadline if I have not submitted yet"),
        required=False,
    )

    # A trap for robots: hidden from people (and from screen readers), filled in by scripts.
    website = forms.CharField(
        required=False,
        label=gettext_lazy("Leave this empty"),
        widget=forms.TextInput(attrs={"class": "trap", "tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_authenticated:
            self.fields = {"organisation": OrganisationOfUserField(user), **self.fields}
            del self.fields["website"]
        else:
            del self.fields["remind_me"]  # no account, no email to remind
        self.fields["language"].choices = language_choices()

    def clean_website(self):
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This form could not be sent. Please try again."))
        return ""
