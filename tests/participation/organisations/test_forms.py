import pytest
from django import forms

from participation.organisations.forms import OrganisationOfUserField

pytestmark = pytest.mark.django_db


def _form_for(user, **field_kwargs):
    class OnBehalfForm(forms.Form):
        organisation = OrganisationOfUserField(user, **field_kwargs)

    return OnBehalfForm


def test_on_behalf_field_offers_only_my_organisations(user, make_user, make_organisation):
    other = make_user("other@example.org")
    mine = make_organisation(user, name="Mine")
    make_organisation(other, name="Theirs")
    Form = _form_for(user)
    assert list(Form().fields["organisation"].queryset) == [mine]
    assert Form({"organisation": mine.pk}).is_valid()
    assert Form({"organisation": ""}).is_valid()  # as an individual


@pytest.mark.parametrize("forged", ["theirs", "999999", "1 OR 1=1", "'; DROP TABLE x;--", "١٢"])
def test_forged_organisation_id_is_refused_with_a_clear_message(
    user, make_user, make_organisation, forged
):
    other = make_user("other@example.org")
    make_organisation(user, name="Mine")
    theirs = make_organisation(other, name="Theirs")
    value = theirs.pk if forged == "theirs" else forged
    form = _form_for(user)({"organisation": value})
    assert not form.is_valid()
    assert form.errors["organisation"] == ["Choose one of your own organisations."]


def test_on_behalf_field_can_require_the_admin_role(user, make_user, make_organisation):
    admin = make_user("admin@example.org")
    as_member = make_organisation(admin, name="Member Of", members=[user])
    as_admin = make_organisation(user, name="Admin Of")
    Form = _form_for(user, role="admin")
    assert list(Form().fields["organisation"].queryset) == [as_admin]
    assert not Form({"organisation": as_member.pk}).is_valid()
