from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

from participation.fields import NameFormField
from participation.i18n import offered_language
from participation.widgets import language_chooser

from .languages import language_choices


def interface_language_choices() -> list[tuple[str, str]]:
    """The interface languages, each named in itself (a reader who does not read the current
    language still finds their own)."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class SignupForm(forms.Form):
    """allauth's ACCOUNT_SIGNUP_FORM_CLASS: the name others see and the language we write in.
    The adapter's save_user stores both (allauth then never needs a username from the person)."""

    display_name = NameFormField(
        label=_("Your name as others see it"),
        max_length=150,
        help_text=_("Any script is fine. You can change it later in your profile."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "dir": "auto"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Language of the site and of our emails to you"),
        choices=interface_language_choices,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_language"].initial = (
            offered_language(get_language()) or settings.LANGUAGE_CODE
        )

    def signup(self, request, user):
        """Required by allauth; the adapter's save_user has already stored the fields."""


class ProfileForm(forms.ModelForm):
    languages_spoken = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        required=False,
        widget=language_chooser(),
        help_text=_("Tick every language you speak."),
    )

    class Meta:
        model = get_user_model()
        fields = ["display_name", "country", "preferred_language", "languages_spoken"]
        field_classes = {"display_name": NameFormField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["languages_spoken"].choices = language_choices()


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that this cannot be undone."),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
