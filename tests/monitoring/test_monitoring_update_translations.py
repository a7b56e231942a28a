"""Progress updates in the reader's language: a translation row per language
(``ProgressUpdateTranslation``), edited in the admin beside the updates, read on the board, the
commitment's page, the progress report and the followers' emails; the original, marked with its
language, where a language has no row."""

import io

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import services, versions
from monitoring.models import ProgressUpdateTranslation

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


@pytest.fixture
def updated(make_commitment, editor):
    commitment = make_commitment("Interpreters in hospitals", status="in_progress", progress=10)
    first = services.add_update(
        commitment, editor, text="Budget agreed.", status="in_progress", progress=20
    )
    latest = services.add_update(
        commitment,
        editor,
        text="Ten hospitals pay interpreters.",
        status="in_progress",
        progress=40,
    )
    ProgressUpdateTranslation.objects.create(
        parent=latest, language="fr", text="Dix hôpitaux paient des interprètes."
    )
    ProgressUpdateTranslation.objects.create(
        parent=latest, language="ar", text="عشرة مستشفيات تدفع للمترجمين."
    )
    return commitment, first, latest


def test_commitment_page_shows_updates_in_french_and_marks_the_untranslated_one(
    client, board, updated
):
    commitment, _first, _latest = updated
    page = _main(client.get(f"/fr/progress/commitments/{commitment.pk}/"))
    assert "Dix hôpitaux paient des interprètes." in page
    assert "Ten hospitals pay interpreters." not in page
    # The first update has no French row: the English text, marked English.
    before = page[: page.index("Budget agreed.")]
    assert before.rstrip().endswith(
        '<div class="user-text-block" lang="en"><p class="user-text" dir="ltr">'
    )
    arabic = _main(client.get(f"/ar/progress/commitments/{commitment.pk}/"))
    assert "عشرة مستشفيات تدفع للمترجمين." in arabic
    english = _main(client.get(f"/progress/commitments/{commitment.pk}/"))
    assert "Ten hospitals pay interpreters." in english and 'lang="en"' not in english


def test_the_board_shows_each_commitments_latest_update_in_the_readers_language(
    client, board, updated
):
    main = _main(client.get("/fr/progress/housing/"))
    assert "Dix hôpitaux paient des interprètes." in main
    assert "Budget agreed." not in main  # only the latest
    german = _main(client.get("/de/progress/housing/"))
    assert (
        '<div class="user-text-block" lang="en"><p class="user-text" dir="ltr">Ten hospitals'
        in (german)
    )


def test_board_queries_do_not_grow_with_updates_and_their_translations(
    client, board, make_commitment, editor
):
    def fill(n):
        for i in range(n):
            commitment = make_commitment(f"C{n}-{i}", status="in_progress", progress=1)
            for k in range(2):
                update = services.add_update(
                    commitment, editor, text=f"U{n}-{i}-{k}", status="in_progress", progress=2 + k
                )
                ProgressUpdateTranslation.objects.create(
                    parent=update, language="fr", text=f"FR{n}-{i}-{k}"
                )

    fill(1)
    client.get("/fr/progress/")
    versions.bump()  # the cached list is rendered again, as after the changes below
    with CaptureQueriesContext(connection) as one:
        assert client.get("/fr/progress/").status_code == 200
    fill(12)
    with CaptureQueriesContext(connection) as many:
        main = _main(client.get("/fr/progress/"))
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]
    assert "FR12-11-1" in main and "U12-11-1" not in main


def test_the_report_is_rebuilt_when_an_updates_translation_changes(board, updated):
    from participation.documents.registry import get

    _commitment, first, latest = updated
    kind = get("monitoring.progress_report")
    params = {"theme": "housing", "lang": "fr"}
    before = kind.fingerprint(params)
    assert kind.fingerprint(params) == before
    row = ProgressUpdateTranslation.objects.create(parent=first, language="fr", text="Budget.")
    added = kind.fingerprint(params)
    assert added != before
    row.text = "Budget voté."
    row.save()
    changed = kind.fingerprint(params)
    assert changed != added
    row.delete()
    assert kind.fingerprint(params) != changed


def test_progress_report_prints_the_french_update(board, updated):
    from pypdf import PdfReader

    from participation.documents.services import build_now

    built = build_now("monitoring.progress_report", {"theme": "housing", "lang": "fr"})
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(built.content)).pages
    )
    assert "Dix hôpitaux paient des interprètes." in text
    assert "Budget agreed." in text  # untranslated: the original


def test_follow_email_gives_the_update_in_the_followers_language(
    board, outcome_item, make_user, make_response, editor, django_capture_on_commit_callbacks
):
    from monitoring.tasks import notify_followers

    commitment = services.commitment_from_outcome(outcome_item)
    person = make_user("fr@example.org", preferred_language="fr")
    make_response(person)
    services.follow(person, commitment)
    update = services.add_update(
        commitment, editor, text="Agreed.", status="in_progress", progress=30
    )
    ProgressUpdateTranslation.objects.create(parent=update, language="fr", text="Convenu.")
    mail.outbox.clear()
    notify_followers.call(commitment.pk)
    assert "Convenu." in mail.outbox[0].body and "Agreed." not in mail.outbox[0].body


def _formset(update, rows):
    data = {
        "translations-TOTAL_FORMS": str(len(rows)),
        "translations-INITIAL_FORMS": str(sum(1 for r in rows if r.get("id"))),
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        for name, value in row.items():
            data[f"translations-{number}-{name}"] = value
        data[f"translations-{number}-parent"] = str(update.pk)
    return data


def test_admin_edits_an_updates_translations(admin_client, updated):
    commitment, first, latest = updated
    listing = admin_client.get(reverse("monitoring_update", args=[commitment.pk])).content.decode()
    url = reverse("monitoring_update_translations", args=[first.pk])
    assert url in listing and "2 languages" in listing  # the latest's two rows
    page = admin_client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Budget agreed." in body and 'name="translations-TOTAL_FORMS"' in body
    response = admin_client.post(
        url,
        _formset(
            first,
            [{"language": "fr", "text": "Budget voté."}, {"language": "de", "text": ""}],
        ),
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert list(first.translations.values_list("language", "text")) == [("fr", "Budget voté.")]
    # Edit it, and delete the Arabic row of the latest.
    row = first.translations.get()
    response = admin_client.post(
        url,
        _formset(first, [{"id": str(row.pk), "language": "fr", "text": "Budget adopté."}]),
    )
    assert response.status_code == 302
    assert first.translations.get().text == "Budget adopté."
    arabic = latest.translations.get(language="ar")
    french = latest.translations.get(language="fr")
    response = admin_client.post(
        reverse("monitoring_update_translations", args=[latest.pk]),
        _formset(
            latest,
            [
                {"id": str(arabic.pk), "language": "ar", "text": arabic.text, "DELETE": "on"},
                {"id": str(french.pk), "language": "fr", "text": french.text},
            ],
        ),
    )
    assert response.status_code == 302
    assert list(latest.translations.values_list("language", flat=True)) == ["fr"]


def test_admin_refuses_two_rows_of_one_language_without_a_500(admin_client, updated):
    _commitment, first, _latest = updated
    url = reverse("monitoring_update_translations", args=[first.pk])
    twice = _formset(first, [{"language": "fr", "text": "Un"}, {"language": "fr", "text": "Deux"}])
    assert admin_client.post(url, twice).status_code == 400
    english = _formset(first, [{"language": "en", "text": "Same"}])
    assert admin_client.post(url, english).status_code == 400
    assert not first.translations.exists()
    assert (
        admin_client.get(reverse("monitoring_update_translations", args=[99999])).status_code == 404
    )


def test_only_editors_reach_the_translations(client, updated, make_user):
    _commitment, first, _latest = updated
    client.force_login(make_user("someone@example.org"))
    response = client.get(reverse("monitoring_update_translations", args=[first.pk]))
    assert response.status_code in (302, 403)
