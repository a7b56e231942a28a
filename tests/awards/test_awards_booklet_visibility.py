"""Issue 16.1: a juror with a declared conflict never reads that nomination through the jury
booklet (the review engine's visibility decides what a booklet holds and who may have it)."""

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from participation.documents.models import GeneratedDocument
from participation.documents.services import can_access, request_document
from participation.review import services as review

pytestmark = pytest.mark.django_db

REQUEST = reverse("documents:request", args=["awards.jury_booklet"])


def _text(content: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    )


def _item_of(nomination):
    return review.ReviewItem.objects.get(
        process=nomination.category.review_process, subject_object_id=str(nomination.pk)
    )


def _conflict(juried, juror_index=0, nomination_index=0):
    item = _item_of(juried.nominations[nomination_index])
    review.declare_conflict(item, juried.reviewers[juror_index], "personal", "my cousin")
    return item


def _booklet_params(client, juried, juror_index=0):
    """The params the jury room's own button sends, read from the page."""
    client.force_login(juried.jurors[juror_index])
    page = client.get(juried.edition.route_url("jury_notes", juried.first.pk)).content.decode()
    form = page[page.index(REQUEST) :]
    form = form[: form.index("</form>")]
    return dict(re.findall(r'name="(category|phase|lang|viewer)" value="([^"]*)"', form))


def _download(client, document):
    response = client.get(reverse("documents:download", args=[document.public_id]))
    body = b"".join(response) if response.streaming else response.content
    return response, body


def test_booklet_leaves_out_the_nomination_the_juror_declared_a_conflict_with(client, juried):
    _conflict(juried)
    params = _booklet_params(client, juried)
    assert client.post(REQUEST, params).status_code == 302
    document = GeneratedDocument.objects.get(kind="awards.jury_booklet")
    response, body = _download(client, document)
    assert response.status_code == 200
    text = _text(body)
    assert "Club 1" in text and "Club 2" in text
    assert "Club 0" not in text
    # The editors' copy has all three.
    other = request_document("awards.jury_booklet", {**params, "viewer": ""}, juried.editor)
    assert "Club 0" in _text(_download(client_for(juried.editor), other)[1])


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_booklet_built_before_a_conflict_is_no_longer_served_to_that_juror(client, juried):
    params = _booklet_params(client, juried)
    client.post(REQUEST, params)
    before = GeneratedDocument.objects.get(kind="awards.jury_booklet")
    assert "Club 0" in _text(_download(client, before)[1])
    _conflict(juried)
    response, body = _download(client, before)
    assert response.status_code == 404 and b"Club 0" not in body
    for name in ("documents:status", "documents:progress"):
        assert client.get(reverse(name, args=[before.public_id])).status_code == 404
    # Asking again gives a new booklet without it.
    client.post(REQUEST, params)
    after = GeneratedDocument.objects.filter(kind="awards.jury_booklet").latest("pk")
    assert after.pk != before.pk
    assert "Club 0" not in _text(_download(client, after)[1])


def test_editors_booklet_is_not_open_to_a_juror(client, juried):
    phase = juried.first.review_process.phases.get(position=0)
    full = request_document(
        "awards.jury_booklet", {"category": juried.first.pk, "phase": phase.pk}, juried.editor
    )
    _conflict(juried)
    assert not can_access(juried.jurors[0], full)
    client.force_login(juried.jurors[0])
    assert _download(client, full)[0].status_code == 404
    assert can_access(juried.editor, full)


@pytest.mark.parametrize(
    "viewer",
    ["other", "999999", "abc", "-1", "1" * 40, "1.5", "<script>"],
)
def test_booklet_forged_viewer_refused_without_a_500(client, juried, viewer):
    params = _booklet_params(client, juried)
    params["viewer"] = str(juried.reviewers[1].pk) if viewer == "other" else viewer
    response = client.post(REQUEST, {**params, "next": "/"})
    assert response.status_code in (302, 403)
    assert not GeneratedDocument.objects.filter(kind="awards.jury_booklet").exists()


def test_booklet_juror_without_viewer_gets_no_booklet(client, juried):
    params = _booklet_params(client, juried)
    params.pop("viewer")
    assert client.post(REQUEST, params).status_code == 403
    assert not GeneratedDocument.objects.exists()


def test_booklet_editor_on_a_jury_cannot_run_its_edition(client, juried):
    """An editor who judges a category sees what a juror sees: not the edition's dashboard,
    not its results report, not the editors' booklet."""
    review.add_reviewer(juried.first.review_process, juried.editor, juried.editor)
    client.force_login(juried.editor)
    assert client.get(reverse("awards_admin:edition", args=[juried.edition.pk])).status_code in (
        302,
        403,
    )
    report = reverse("documents:request", args=["awards.results_report"])
    assert client.post(report, {"edition": juried.edition.pk}).status_code == 403
    phase = juried.first.review_process.phases.get(position=0)
    response = client.post(REQUEST, {"category": juried.first.pk, "phase": phase.pk})
    assert response.status_code == 403
    assert not GeneratedDocument.objects.exists()
