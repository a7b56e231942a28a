"""How a person is named to others: the name they chose, never a part of their address."""

import pytest

from participation.accounts.models import sender_name

pytestmark = pytest.mark.django_db


def test_public_name_without_a_chosen_name_hides_the_address(make_user):
    person = make_user("jane.q.doe@example.org")
    assert "jane" not in person.public_name and "@" not in person.public_name
    assert person.public_name == f"Participant {person.pk}"
    assert str(person) == person.public_name


def test_public_name_prefers_display_name_then_full_name(make_user):
    assert make_user("a@example.org", display_name="Ана").public_name == "Ана"
    assert make_user("b@example.org", first_name="Omar", last_name="Haddad").public_name == (
        "Omar Haddad"
    )


def test_sender_name_is_chosen_name_and_organisation_or_nothing(make_user, make_organisation):
    named = make_user("a@example.org", display_name="Amina")
    unnamed = make_user("jane.q.doe@example.org")
    organisation = make_organisation(named, name="Welcome Network")
    assert sender_name(named) == "Amina"
    assert sender_name(named, organisation) == "Amina (Welcome Network)"
    assert sender_name(unnamed, organisation) == "Welcome Network"
    assert sender_name(unnamed) == "" and sender_name(None) == ""


def test_added_address_email_names_no_part_of_the_senders_address(client, make_user):
    from django.core import mail
    from django.urls import reverse

    person = make_user("jane.q.doe@example.org")
    client.force_login(person)
    response = client.post(
        reverse("account_email"), {"action_add": "", "email": "someone.else@example.net"}
    )
    assert response.status_code == 302
    sent = [m for m in mail.outbox if m.to == ["someone.else@example.net"]]
    assert len(sent) == 1
    assert "jane" not in sent[0].body and f"Participant {person.pk}" in sent[0].body


def test_adding_addresses_has_a_daily_cap(client, make_user):
    import time
    from unittest import mock

    from django.urls import reverse

    client.force_login(make_user("jane.q.doe@example.org"))
    start = time.time()
    statuses = []
    for i in range(31):  # two minutes apart: the ten-a-minute limit never applies
        with mock.patch("allauth.core.internal.ratelimit.time.time", return_value=start + 120 * i):
            response = client.post(
                reverse("account_email"), {"action_add": "", "email": f"other{i}@example.net"}
            )
        statuses.append(response.status_code)
    assert statuses == [302] * 30 + [429]


def test_staff_see_colleagues_by_name_or_address_never_participant_n(make_user):
    from wagtail.admin.utils import get_user_display_name

    from participation.review.models import Reviewer

    editor = make_user("e.editor@example.org", is_staff=True)
    named = make_user("n@example.org", display_name="Nadia")
    # In the admin (its own pages, ours, reviewer lists): a name staff can recognise.
    assert editor.colleague_name == "e.editor@example.org"
    assert named.colleague_name == "Nadia"
    assert Reviewer(user=editor).name == "e.editor@example.org"
    # Wagtail's admin names people by get_full_name: the display name counts.
    assert get_user_display_name(named) == "Nadia"
    assert named.get_full_name() == "Nadia"
    # On public pages the same people stay pseudonymous.
    assert editor.public_name == f"Participant {editor.pk}"
