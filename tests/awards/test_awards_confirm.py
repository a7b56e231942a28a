"""The nominee's confirmation: signed, expiring, single-use; unconfirmed nominations wait."""

from unittest import mock

import pytest
from django.core import mail, signing

from awards import services
from awards.models import Nomination

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(edition, make_nomination):
    return make_nomination(edition, name="Youth Club Aurora", confirmed=False)


def test_link_is_emailed_and_opening_it_changes_nothing(client, pending, edition):
    message = next(m for m in mail.outbox if m.to == ["contact@club.example"])
    line = next(line for line in message.body.splitlines() if "/confirm/" in line)
    url = "/" + line.strip().split("://", 1)[1].split("/", 1)[1]
    page = client.get(url)
    assert page.status_code == 200 and "Youth Club Aurora" in page.content.decode()
    pending.refresh_from_db()
    assert pending.confirmed_at is None
    assert client.post(url, {"answer": "confirm"}).status_code == 200


def test_confirm_once_then_the_link_is_used(client, pending, edition):
    url = edition.route_url("confirm", *services.confirmation_url_args(pending))
    response = client.post(url, {"answer": "confirm"})
    assert response.status_code == 200 and "is confirmed" in response.content.decode()
    pending.refresh_from_db()
    assert pending.is_confirmed
    again = client.post(url, {"answer": "confirm"})
    assert again.status_code == 410 and "already been used" in again.content.decode()


def test_decline_means_not_judged(client, pending, edition, editor):
    url = edition.route_url("confirm", *services.confirmation_url_args(pending))
    client.post(url, {"answer": "decline"})
    pending.refresh_from_db()
    assert pending.declined_at and not pending.is_confirmed
    assert services.import_nominations(pending.category, editor) == 0


def test_expired_link_says_so(client, pending, edition):
    url = edition.route_url("confirm", *services.confirmation_url_args(pending))
    later = signing.time.time() + 15 * 86400
    with mock.patch("django.core.signing.time.time", return_value=later):
        response = client.post(url, {"answer": "confirm"})
    assert response.status_code == 410 and "expired" in response.content.decode()
    pending.refresh_from_db()
    assert not pending.is_confirmed


def test_resend_replaces_the_old_link(client, pending, edition, nominator):
    old = services.confirmation_token(pending)
    client.force_login(nominator)
    client.post(edition.route_url("nominate_resend", pending.pk))
    pending.refresh_from_db()
    response = client.get(edition.route_url("confirm", *old.split("~")))
    assert response.status_code == 410 and "replaced" in response.content.decode()
    fresh = client.post(
        edition.route_url("confirm", *services.confirmation_url_args(pending)),
        {"answer": "confirm"},
    )
    assert fresh.status_code == 200


@pytest.mark.parametrize("token", ["garbage~x~y", "a" * 300 + "~b~c", "eyJuIjoxfQ~1abc~xyz"])
def test_tampered_links_are_refused_without_a_500(client, pending, edition, token):
    response = client.post(edition.route_url("confirm", *token.split("~")), {"answer": "confirm"})
    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_a_missing_answer_is_a_message(client, pending, edition):
    url = edition.route_url("confirm", *services.confirmation_url_args(pending))
    response = client.post(url, {"answer": "maybe"})
    assert response.status_code == 400 and "Choose confirm or decline" in response.content.decode()


def test_unconfirmed_nominations_are_not_imported(edition, pending, make_nomination, editor):
    confirmed = make_nomination(edition, name="Other Club")
    assert services.import_nominations(edition.categories.first(), editor) == 1
    process = edition.categories.first().review_process
    numbers = list(process.items.values_list("subject_object_id", flat=True))
    assert numbers == [str(confirmed.pk)]
    assert Nomination.objects.get(pk=pending.pk).confirmed_at is None


def test_editors_see_which_nominations_wait_for_confirmation(client, pending, edition, editor):
    from django.urls import reverse

    services.import_nominations(pending.category, editor)
    client.force_login(editor)
    page = client.get(reverse("awards_admin:category", args=[pending.category.pk])).content
    assert "Youth Club Aurora" in page.decode() and "Waiting for the nominee" in page.decode()
