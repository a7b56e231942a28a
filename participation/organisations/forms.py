from django import forms
from django.utils.translation import gettext_lazy as _

from participation.fields import NameFormField

from .models import Membership, Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "country", "register_number", "website", "description"]
        field_classes = {"name": NameFormField}
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["website"].assume_scheme = "https"


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class MemberActionForm(forms.Form):
    """Acts on one membership of *this* organisation; any other id is refused as invalid."""

    ACTIONS = [
        ("remove", _("Remove")),
        ("make_admin", _("Make administrator")),
        ("make_member", _("Make ordinary member")),
        ("transfer", _("Hand over the administrator role")),
    ]
    membership = forms.ModelChoiceField(queryset=Membership.objects.none())
    action = forms.ChoiceField(choices=ACTIONS)

    def __init__(self, organisation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = organisation.memberships.all()
        self.fields["membership"].error_messages["invalid_choice"] = _(
            "That person is not a member of this organisation."
        )


class OrganisationOfUserField(forms.ModelChoiceField):
    """Choose one of *my* organisations ("answer on behalf of ..."); any other id is refused.

    Call plugins use it for respondents, applicants and nominators acting for an organisation.
    """

    default_error_messages = {
        "invalid_choice": _("Choose one of your own organisations."),
    }

    def __init__(self, user, *, role=None, **kwargs):
        from .services import organisations_of

        kwargs.setdefault("label", _("On behalf of"))
        kwargs.setdefault("empty_label", _("Myself (as an individual)"))
        kwargs.setdefault("required", False)
        super().__init__(queryset=organisations_of(user, role=role).order_by("name"), **kwargs)
