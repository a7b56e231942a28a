from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from participation.fields import NameFormField
from participation.widgets import language_chooser

from .languages import language_choices


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
