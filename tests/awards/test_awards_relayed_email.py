"""The nominee's confirmation goes to an address the nominator typed: it is limited (per
nomination, per nominator) and names the nominator by name or organisation, never by address."""

import pytest
from django.core import mail

from awards import services
from awards.models import Nomination

pytestmark = pytest.mark.django_db

NOMINEE = "contact@club.example"


def to_nominee():
    return [m for m in mail.outbox if m.to == [NOMINEE]]


def third_party(edition, user, name="Youth Club Aurora", **fields):
    nomination = services.start(
        edition, user, category=edition.categories.first(), kind="third_party"
    )
    values = {
        "nominee_name": name,
        "description": "We train together every week.",
        "results": "120 young people joined.",
        "contact_email": NOMINEE,
        **fields,
    }
    return services.save(nomination, user, values, nomination.version)


def edit_form(nomination, action):
    return {
        "version": nomination.version,
        "nominee_name": nomination.nominee_name,
        "nominee_country": "FR",
        "contact_email": nomination.contact_email,
        "description": nomination.description,
        "results": nomination.results,
        "action": action,
    }


@pytest.fixture
def small_sender_cap(settings):
    # Four relayed emails a day per sender instead of twenty: the cap is reached quickly.
    rates = "3/d/key,4/d/user,50/d/ip"
    settings.PARTICIPATION_RATE_LIMITS = {
        **settings.PARTICIPATION_RATE_LIMITS,
        "participation_relayed_email": rates,
    }
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "participation_relayed_email": rates,
    }


def test_relayed_email_resend_is_limited_per_nomination(client, edition, nominator):
    pending = services.submit(third_party(edition, nominator), nominator)
    assert len(to_nominee()) == 1
    client.force_login(nominator)
    url = edition.route_url("nominate_resend", pending.pk)
    for _ in range(3):
        client.post(url)
    assert len(to_nominee()) == 4
    pending.refresh_from_db()
    nonce = pending.confirmation_nonce
    for _ in range(5):  # eight presses in all: the last five send nothing
        response = client.post(url, follow=True)
    assert len(to_nominee()) == 4
    assert response.status_code == 200
    assert "No email was sent" in response.content.decode()
    pending.refresh_from_db()
    assert pending.confirmation_nonce == nonce  # the last link sent still works


def test_relayed_email_daily_cap_per_sender(client, edition, nominator, small_sender_cap):
    first = services.submit(third_party(edition, nominator, "Club One"), nominator)
    second = services.submit(third_party(edition, nominator, "Club Two"), nominator)
    client.force_login(nominator)
    for _ in range(3):
        client.post(edition.route_url("nominate_resend", first.pk))
    client.post(edition.route_url("nominate_resend", second.pk))  # the sender's fourth
    assert len(to_nominee()) == 2 + 4
    refused = client.post(edition.route_url("nominate_resend", second.pk), follow=True)
    assert "No email was sent" in refused.content.decode()
    assert len(to_nominee()) == 6


def test_relayed_email_submit_over_the_cap_keeps_the_draft(
    client, edition, nominator, small_sender_cap
):
    client.force_login(nominator)
    pending = services.submit(third_party(edition, nominator, "Club One"), nominator)
    for _ in range(3):
        client.post(edition.route_url("nominate_resend", pending.pk))
    draft = third_party(edition, nominator, "Club Two")
    url = edition.route_url("nominate_edit", draft.pk)
    assert client.post(url, edit_form(draft, "submit")).status_code == 302  # the fourth email
    later = third_party(edition, nominator, "Club Three")
    response = client.post(edition.route_url("nominate_edit", later.pk), edit_form(later, "submit"))
    assert response.status_code == 200
    assert "Your draft is saved but not submitted yet" in response.content.decode()
    later.refresh_from_db()
    assert later.status == Nomination.Status.DRAFT and later.nominee_name == "Club Three"
    assert len(to_nominee()) == 1 + 3 + 1


def test_relayed_email_names_no_part_of_the_nominators_address(edition, make_user):
    anonymous = make_user("jane.q.doe@example.org")  # no display name, no first/last name
    services.submit(third_party(edition, anonymous), anonymous)
    body = to_nominee()[-1].body
    assert "jane.q.doe" not in body and "Nominated by" not in body


def test_relayed_email_names_the_nominator_by_name_and_organisation(
    edition, nominator, make_organisation
):
    organisation = make_organisation(nominator, name="Welcome Network")
    services.submit(third_party(edition, nominator), nominator)
    assert "Nominated by: Nadia Nominator" in to_nominee()[-1].body
    nomination = services.start(
        edition,
        nominator,
        category=edition.categories.last(),
        kind="third_party",
        organisation=organisation,
    )
    nomination = services.save(
        nomination,
        nominator,
        {
            "nominee_name": "Choir Polyphonia",
            "description": "d",
            "results": "r",
            "contact_email": NOMINEE,
        },
        nomination.version,
    )
    services.submit(nomination, nominator)
    assert "Nominated by: Nadia Nominator (Welcome Network)" in to_nominee()[-1].body
