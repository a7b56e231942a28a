"""Nominating: start, draft, files checked by content, submit, receipt; and the bad input."""

import pytest
from awards_helpers import pdf_upload, png_upload
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from awards import services
from awards.models import Nomination, NominationFile
from participation.submissions.services import SubmissionError

pytestmark = pytest.mark.django_db


def form_data(nomination, **extra):
    data = {
        "version": nomination.version,
        "nominee_name": "Théâtre des Exilés",
        "nominee_country": "FR",
        "nominee_city": "Lyon",
        "nominee_website": "",
        "contact_name": "Lina",
        "contact_email": "lina@theatre.example",
        "project_title": "Stories on stage",
        "description": "Refugees and neighbours write plays together.",
        "results": "Forty actors, six plays, two jobs.",
        "links": "https://example.org/press",
        "publication_consent": "on",
        "action": "save",
    }
    data.update(extra)
    return data


def test_start_page_needs_sign_in(client, edition):
    response = client.get(edition.route_url("nominate_start"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_start_then_save_then_submit_gives_a_receipt_and_an_email(client, edition, nominator):
    client.force_login(nominator)
    category = edition.categories.all()[2]
    response = client.post(
        edition.route_url("nominate_start"), {"category": category.pk, "kind": "third_party"}
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302 and response.url == edition.route_url(
        "nominate_edit", nomination.pk
    )
    response = client.post(edition.route_url("nominate_edit", nomination.pk), form_data(nomination))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.is_draft and nomination.nominee_name == "Théâtre des Exilés"
    assert nomination.evidence_links == ["https://example.org/press"]
    response = client.post(
        edition.route_url("nominate_edit", nomination.pk), form_data(nomination, action="submit")
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.is_submitted and nomination.receipt_number.startswith("AWD-")
    assert nomination.confirmed_at is None  # a third party's nomination waits for the nominee
    subjects = [m.subject for m in mail.outbox]
    assert any("please confirm" in s for s in subjects)
    receipt = next(m for m in mail.outbox if nomination.receipt_number in m.subject)
    assert receipt.to == [nominator.email] and receipt.attachments[0][2] == "application/pdf"
    page = client.get(edition.route_url("nominate_done", nomination.pk)).content.decode()
    assert nomination.receipt_number in page and "Waiting for the nominee" in page
    pdf = client.get(edition.route_url("nominate_receipt", nomination.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_self_nomination_is_confirmed_at_submit(edition, make_nomination):
    nomination = make_nomination(edition)
    assert nomination.is_confirmed and nomination.kind == Nomination.Kind.SELF


def test_nomination_in_a_closed_edition_is_refused_with_a_message(client, make_edition, nominator):
    closed = make_edition("Award 2020", opens=-60, closes=-30)
    client.force_login(nominator)
    page = client.get(closed.route_url("nominate_start")).content.decode()
    assert "Nominations for this edition are closed." in page
    response = client.post(
        closed.route_url("nominate_start"),
        {"category": closed.categories.first().pk, "kind": "self"},
    )
    assert response.status_code == 200
    assert "closed" in response.content.decode() and not Nomination.objects.exists()


def test_draft_after_the_close_is_kept_and_not_submitted(edition, nominator):
    nomination = services.start(
        edition, nominator, category=edition.categories.first(), kind="self"
    )
    nomination = services.save(
        nomination,
        nominator,
        {"nominee_name": "X", "description": "d", "results": "r"},
        nomination.version,
    )
    edition.closes_at = timezone.now() - timezone.timedelta(minutes=1)
    edition.save()
    nomination.refresh_from_db()
    with pytest.raises(SubmissionError, match="deadline"):
        services.submit(nomination, nominator)
    nomination.refresh_from_db()
    assert nomination.is_draft and nomination.nominee_name == "X"


def test_duplicate_nominee_in_the_same_category_is_refused_and_the_draft_kept(
    edition, make_nomination, make_user
):
    make_nomination(edition, name="Football for All")
    other = make_user("other@example.org")
    category = edition.categories.first()
    draft = services.start(edition, other, category=category, kind="third_party")
    draft = services.save(
        draft,
        other,
        {
            "nominee_name": "  FOOTBALL for all! ",
            "description": "d",
            "results": "r",
            "contact_email": "x@example.org",
        },
        draft.version,
    )
    with pytest.raises(services.AwardError, match="already nominated"):
        services.submit(draft, other)
    draft.refresh_from_db()
    assert draft.is_draft and draft.description == "d"
    # The same nominee in another category is a different nomination.
    second = make_nomination(edition, edition.categories.all()[1], name="Football for All")
    assert second.is_submitted


def test_submit_says_what_is_missing(client, edition, nominator):
    client.force_login(nominator)
    nomination = services.start(
        edition, nominator, category=edition.categories.first(), kind="third_party"
    )
    data = form_data(nomination, action="submit", description="", contact_email="")
    response = client.post(edition.route_url("nominate_edit", nomination.pk), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "project description" in page and "contact email" in page
    nomination.refresh_from_db()
    assert nomination.is_draft and nomination.nominee_name == "Théâtre des Exilés"


def test_files_are_checked_by_content_and_photos_need_rights(client, edition, nominator):
    client.force_login(nominator)
    nomination = services.start(
        edition, nominator, category=edition.categories.first(), kind="self"
    )
    url = edition.route_url("nominate_edit", nomination.pk)
    program = SimpleUploadedFile("photo.png", b"MZ\x90\x00" + b"\x00" * 200)
    response = client.post(url, form_data(nomination, photo_file=program, photo_rights="on"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "is a program" in page and "Théâtre des Exilés" in page  # text kept
    assert not NominationFile.objects.exists()
    nomination.refresh_from_db()
    response = client.post(url, form_data(nomination, photo_file=png_upload()))
    assert "Confirm the rights" in response.content.decode()
    assert not NominationFile.objects.exists()
    nomination.refresh_from_db()
    response = client.post(
        url,
        form_data(
            nomination,
            photo_file=png_upload(),
            photo_rights="on",
            photo_credit="Ana",
            evidence_file=pdf_upload(),
        ),
    )
    assert response.status_code == 302
    kinds = sorted(NominationFile.objects.values_list("kind", "content_type"))
    assert kinds == [("evidence", "application/pdf"), ("photo", "image/png")]
    # A PDF is not a photo, whatever its name says.
    nomination.refresh_from_db()
    response = client.post(
        url, form_data(nomination, photo_file=pdf_upload("fake.jpg"), photo_rights="on")
    )
    assert "must be a PNG, JPEG or WebP" in response.content.decode()


def test_edit_conflict_keeps_what_was_typed(client, edition, nominator):
    client.force_login(nominator)
    nomination = services.start(
        edition, nominator, category=edition.categories.first(), kind="self"
    )
    stale = form_data(nomination, description="My version")
    services.save(nomination, nominator, {"description": "Their version"}, nomination.version)
    response = client.post(edition.route_url("nominate_edit", nomination.pk), stale)
    assert response.status_code == 200
    page = response.content.decode()
    assert "My version" in page and "Their version" in page
    nomination.refresh_from_db()
    assert nomination.description == "Their version"


@pytest.mark.parametrize("bad", ["999999", "abc", "-1"])
def test_hostile_nomination_ids_are_404(client, edition, nominator, make_user, bad):
    client.force_login(nominator)
    response = client.get(edition.url + f"nominate/{bad}/")
    assert response.status_code == 404


def test_someone_elses_nomination_is_404(client, edition, make_nomination, make_user):
    nomination = make_nomination(edition)
    client.force_login(make_user("stranger@example.org"))
    for route in ("nominate_edit", "nominate_done", "nominate_receipt"):
        assert client.get(edition.route_url(route, nomination.pk)).status_code == 404
    assert client.post(edition.route_url("nominate_withdraw", nomination.pk)).status_code == 404


def test_bad_links_and_category_are_refused_with_messages(client, edition, nominator, make_edition):
    client.force_login(nominator)
    other = make_edition("Award 2030")
    response = client.post(
        edition.route_url("nominate_start"),
        {"category": other.categories.first().pk, "kind": "self"},
    )
    assert "Choose one of this edition" in response.content.decode()
    nomination = services.start(
        edition, nominator, category=edition.categories.first(), kind="self"
    )
    response = client.post(
        edition.route_url("nominate_edit", nomination.pk),
        form_data(nomination, links="javascript:alert(1)"),
    )
    assert response.status_code == 200 and "is not a web address" in response.content.decode()


def test_edit_page_query_count_does_not_grow_with_files(
    client, edition, nominator, django_assert_max_num_queries
):
    client.force_login(nominator)
    nomination = services.start(
        edition, nominator, category=edition.categories.first(), kind="self"
    )
    url = edition.route_url("nominate_edit", nomination.pk)
    client.get(url)
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    for _i in range(6):
        services.add_file(nomination, nominator, "photo", png_upload(), rights_confirmed=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_withdraw_while_open(client, edition, make_nomination, nominator):
    nomination = make_nomination(edition)
    client.force_login(nominator)
    response = client.post(edition.route_url("nominate_withdraw", nomination.pk))
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


def test_a_duplicate_slipping_past_the_check_is_refused_by_the_database(
    edition, make_nomination, make_user, monkeypatch
):
    make_nomination(edition, name="Football for All")
    other = make_user("racer@example.org")
    draft = services.start(edition, other, category=edition.categories.first(), kind="self")
    draft = services.save(
        draft,
        other,
        {"nominee_name": "Football for all", "description": "d", "results": "r"},
        draft.version,
    )
    monkeypatch.setattr(services, "duplicate_of", lambda nomination: None)  # lose the race
    with pytest.raises(services.AwardError, match="just been nominated"):
        services.submit(draft, other)
    draft.refresh_from_db()
    assert draft.is_draft and draft.receipt_number is None and draft.description == "d"
    assert Nomination.objects.filter(status="submitted").count() == 1


def test_removing_a_file_keeps_what_was_typed(client, edition, nominator):
    client.force_login(nominator)
    nomination = services.start(
        edition, nominator, category=edition.categories.first(), kind="self"
    )
    stored = services.add_file(nomination, nominator, "photo", png_upload(), rights_confirmed=True)
    nomination.refresh_from_db()
    data = form_data(nomination, description="Typed just before removing", remove_file=stored.pk)
    response = client.post(edition.route_url("nominate_edit", nomination.pk), data)
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.description == "Typed just before removing"
    assert not nomination.files.exists()
    again = client.post(
        edition.route_url("nominate_edit", nomination.pk),
        form_data(nomination, remove_file="99999999"),
        follow=True,
    )
    assert "already removed" in again.content.decode()
