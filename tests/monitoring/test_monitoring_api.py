"""The progress board's commitments in the read API (monitoring/api.py): the open data's rows
under the board's licence, updates in the reader's language, a consultation named only while
it is public, constant queries."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from monitoring.models import (
    Commitment,
    CommitmentFollow,
    CommitmentTranslation,
    ProgressUpdate,
    ProgressUpdateTranslation,
)

pytestmark = pytest.mark.django_db
API = "/api/v2/commitments/"


@pytest.fixture
def tracked(board, consultation, outcome_item, themes, make_user):
    board.licence = "CC0-1.0"
    board.licence_url = "https://creativecommons.org/publicdomain/zero/1.0/"
    board.save_revision().publish()
    commitment = Commitment.objects.create(
        title="A deposit fund",
        outcome_item_id=outcome_item.pk,
        consultation=consultation,
        status="in_progress",
        progress=30,
        owner_department="Housing office",
        due_on=date(2027, 6, 1),
    )
    commitment.themes.set([themes["housing"]])
    CommitmentTranslation.objects.create(parent=commitment, language="fr", title="Un fonds")
    update = ProgressUpdate.objects.create(
        commitment=commitment,
        date=date(2026, 11, 2),
        text="Budget agreed",
        status="in_progress",
        progress=30,
        created_by=make_user("writer@example.org", display_name="Update Writer"),
    )
    ProgressUpdateTranslation.objects.create(parent=update, language="fr", text="Budget voté")
    CommitmentFollow.objects.create(commitment=commitment, user=make_user("f@example.org"))
    alone = Commitment.objects.create(title="Stand-alone", status="planned")
    return commitment, alone


def test_commitments_are_the_open_datas_rows_under_the_boards_licence(client, board, tracked):
    commitment, alone = tracked
    response = client.get(API)
    data = response.json()
    assert data["meta"]["licence"] == "CC0-1.0" and data["meta"]["total_count"] == 2
    assert response["Link"] == '<https://creativecommons.org/publicdomain/zero/1.0/>; rel="license"'
    first, second = data["items"]
    assert (first["id"], second["id"]) == (commitment.pk, alone.pk)
    opened = client.get(board.url + "data/json/").json()["commitments"]
    for row, served in zip(opened, data["items"], strict=True):
        for key in ("id", "title", "status", "progress", "dropped_reason", "label"):
            assert row[key] == served[key], key
    assert first["themes"] == ["housing"] and first["due_on"] == "2027-06-01"
    assert first["owner"] == "Housing office"
    assert first["outcome_item"] == commitment.outcome_item_id
    assert first["consultation"]["id"] == commitment.consultation_id
    assert first["consultation"]["api_url"].endswith(
        f"/api/v2/consultations/{commitment.consultation_id}/"
    )
    assert first["html_url"].endswith(f"/progress/commitments/{commitment.pk}/")
    text = response.content.decode()
    assert "@example.org" not in text and "Update Writer" not in text


def test_commitment_detail_gives_its_updates_in_the_readers_language(client, tracked):
    commitment, _alone = tracked
    english = client.get(f"{API}{commitment.pk}/").json()
    assert english["updates"] == [
        {
            "date": "2026-11-02",
            "status": "in_progress",
            "progress": 30,
            "text": "Budget agreed",
            "text_lang": "en",
        }
    ]
    assert english["meta"]["licence"] == "CC0-1.0"
    french = client.get(f"{API}{commitment.pk}/?locale=fr").json()
    assert french["updates"][0]["text"] == "Budget voté"
    assert french["updates"][0]["text_lang"] == "fr"
    assert (french["label"], french["label_lang"]) == ("Un fonds", "fr")
    assert french["title"] == "A deposit fund"  # the stable column stays as written


def test_a_restricted_consultation_is_never_named_nor_filtered_on(client, tracked, consultation):
    commitment, _alone = tracked
    PageViewRestriction.objects.create(
        page=consultation, restriction_type=PageViewRestriction.LOGIN
    )
    row = client.get(f"{API}{commitment.pk}/").json()
    assert row["consultation"] is None and row["outcome_item"] is None
    assert "Housing" not in client.get(API).content.decode().replace("Housing office", "")
    assert client.get(f"{API}?consultation={consultation.pk}").json()["items"] == []
    assert client.get(f"{API}?outcome_item={commitment.outcome_item_id}").json()["items"] == []


def test_commitments_filtered_by_status_theme_consultation_and_outcome_item(
    client, tracked, consultation
):
    commitment, alone = tracked

    def ids(query):
        return [c["id"] for c in client.get(f"{API}?{query}").json()["items"]]

    assert ids("status=planned") == [alone.pk]
    assert ids("status=in_progress") == [commitment.pk]
    assert ids("theme=housing") == [commitment.pk]
    assert ids("theme=health") == []
    assert ids(f"consultation={consultation.pk}") == [commitment.pk]
    assert ids(f"outcome_item={commitment.outcome_item_id}") == [commitment.pk]
    assert ids("limit=1&offset=1") == [alone.pk]


def test_commitments_are_not_served_while_the_board_is_not_public(client, board, tracked):
    PageViewRestriction.objects.create(page=board, restriction_type=PageViewRestriction.LOGIN)
    for url in (API, f"{API}{tracked[0].pk}/"):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json()["message"] == "The progress board is not published."
    PageViewRestriction.objects.all().delete()
    board.unpublish()
    assert client.get(API).status_code == 404


def test_commitments_listing_queries_do_not_grow_with_commitments(
    client, tracked, consultation, outcome_item, themes
):
    def queries():
        client.get(API + "?locale=fr")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(API + "?locale=fr&limit=100").status_code == 200
        return len(captured)

    few = queries()
    for n in range(12):
        more = Commitment.objects.create(title=f"More {n}", consultation=consultation, progress=n)
        more.themes.set([themes["housing"], themes["health"]])
        CommitmentTranslation.objects.create(parent=more, language="fr", title=f"Plus {n}")
    assert queries() == few
