import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages

from consultations.models import Response

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def with_file(consultation, answer, user):
    def make(**fields):
        stored = storages["private"].save(
            "consultations/responses/test/evidence.pdf", ContentFile(PDF)
        )
        file_answer = {
            "name": "evidence.pdf",
            "content_type": "application/pdf",
            "size": len(PDF),
            "path": stored,
        }
        done = answer(user, {}, **fields)
        Response.objects.filter(pk=done.pk).update(answers={"file-q": file_answer})
        done.refresh_from_db()
        return done

    return make


def url(page, response):
    return page.url + page.reverse_subpage("attachment", args=[response.pk, "file-q"])


def test_author_downloads_their_attachment_as_a_download(client, consultation, user, with_file):
    done = with_file()
    client.force_login(user)
    response = client.get(url(consultation, done))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="evidence.pdf"')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_public_only_with_consent_and_publication(client, consultation, with_file, make_user):
    private = with_file(moderation="approved")  # attachments not consented
    assert client.get(url(consultation, private)).status_code == 404
    Response.objects.filter(pk=private.pk).update(publish_attachments=True)
    assert client.get(url(consultation, private)).status_code == 200
    Response.objects.filter(pk=private.pk).update(moderation="pending")
    assert client.get(url(consultation, private)).status_code == 404
    client.force_login(make_user("stranger@example.org"))
    assert client.get(url(consultation, private)).status_code == 404
    assert (
        client.get(
            consultation.url + consultation.reverse_subpage("attachment", args=[private.pk, "nope"])
        ).status_code
        == 404
    )


def test_published_page_links_consented_attachments(client, consultation, with_file):
    from consultations.demo_questionnaire import recognition_questionnaire
    from consultations.models import ConsultationPage

    page = ConsultationPage.objects.get(pk=consultation.pk)
    evidence = {
        "type": "file_upload",
        "id": "file-q",
        "value": {"label": "Evidence", "required": False},
    }
    page.questionnaire = [*recognition_questionnaire(), evidence]
    page.save_revision().publish()
    consultation.refresh_from_db()
    done = with_file(moderation="approved", publish_attachments=True)
    html = client.get(consultation.url + "responses/").content.decode()
    assert f'href="{url(consultation, done)}" download>evidence.pdf</a>' in html
