"""Names people give (display names, organisations, nominees, applicants) cannot carry bidi
controls that reverse the text after them; every name shown to others is isolated."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from participation.organisations import services as organisations
from participation.organisations.models import Organisation
from participation.text import clean_name, isolate_text

RLO, LRE, PDF, RLI, PDI, LRM = "\u202e", "\u202a", "\u202c", "\u2067", "\u2069", "\u200e"
CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def test_clean_name_removes_every_bidi_control_and_keeps_the_marks():
    assert clean_name(f" {RLO}Amina{PDF} {RLI}Ali{PDI} ") == "Amina Ali"
    assert clean_name(f"Club 7{LRM}") == f"Club 7{LRM}"  # a mark has no scope: kept
    assert clean_name("مرحبا Café") == "مرحبا Café"
    assert clean_name("") == ""


@pytest.mark.parametrize("only", [CONTROLS, RLO, f"{RLO} {LRE}", f"{LRM}\u200b{RLO}"])
def test_clean_name_of_control_characters_only_is_a_clear_error(only):
    with pytest.raises(ValidationError) as refused:
        clean_name(only)
    assert "visible letter" in refused.value.messages[0]


def test_isolate_text_wraps_in_fsi_pdi_and_drops_controls():
    assert isolate_text(f"{RLO}evil") == "\u2068evil\u2069"
    assert isolate_text("") == ""


@pytest.mark.django_db
def test_display_name_with_an_override_is_stored_without_it(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": f"{RLO}Amina{PDF}"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.display_name == "Amina"


@pytest.mark.django_db
def test_display_name_of_controls_only_is_refused_and_nothing_changes(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"display_name": CONTROLS})
    assert response.status_code == 200
    assert "visible letter" in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Amina"


@pytest.mark.django_db
def test_organisation_name_is_cleaned_and_a_control_only_name_refused(client, user):
    client.force_login(user)
    form = {"kind": "migrant_led", "country": "DE"}
    refused = client.post(reverse("organisations:create"), {**form, "name": f"{RLO}{PDF}"})
    assert refused.status_code == 200 and "visible letter" in refused.content.decode()
    assert not Organisation.objects.exists()
    created = client.post(reverse("organisations:create"), {**form, "name": f"{RLO}Voices"})
    assert created.status_code == 302
    assert Organisation.objects.get().name == "Voices"


@pytest.mark.django_db
def test_names_stored_before_cleaning_are_isolated_on_pages_and_in_emails(
    client, user, make_organisation, django_capture_on_commit_callbacks
):
    organisation = make_organisation(user, name="Voices")
    Organisation.objects.filter(pk=organisation.pk).update(name=f"{RLO}Voices")  # legacy row
    organisation.refresh_from_db()
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "<h1><bdi>Voices</bdi></h1>" in page and RLO not in page
    with django_capture_on_commit_callbacks(execute=True):
        organisations.invite(organisation, user, "new@example.org")
    sent = mail.outbox[-1]
    assert RLO not in sent.subject + sent.body
    assert "\u2068Voices\u2069" in sent.subject and "\u2068Voices\u2069" in sent.body


def test_nominee_contact_and_applicant_names_use_the_name_field():
    from awards.forms import NominationForm
    from expertgroup.forms import ApplicationForm
    from participation.accounts.forms import ProfileForm
    from participation.fields import NameFormField
    from participation.organisations.forms import OrganisationForm

    for form, name in (
        (NominationForm, "nominee_name"),
        (NominationForm, "contact_name"),
        (ApplicationForm, "full_name"),
        (ProfileForm, "display_name"),
        (OrganisationForm, "name"),
    ):
        field = form.base_fields[name]
        assert isinstance(field, NameFormField), (form, name)
        assert field.clean(f"{RLO}Club{PDF}") == "Club"
