"""What nominators and nominees of a translated award edition see: the translation's category
names on every nomination page, receipt and email, and the nominee's confirmation link on the
translation (the signed token is checked against the original edition)."""

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from i18n_calls_helpers import french, page_route, translate_tree
from pypdf import PdfReader

from awards import services
from awards.models import AwardCategory, AwardEditionPage, AwardIndexPage, Nomination

pytestmark = pytest.mark.django_db

ENGLISH_NAMES = ["Schools", "Local communities", "Culture", "Sports"]
FRENCH_NAMES = ["Écoles", "Communautés locales", "Culture", "Sport et jeunesse"]
FRENCH_TITLE = "Prix de l’intégration 2027"
NOMINEE = "nominee@theatre.example"


@pytest.fixture
def edition(home_page):
    index = home_page.add_child(instance=AwardIndexPage(title="Award", slug="award"))
    now = timezone.now()
    page = AwardEditionPage(
        title="Integration Award 2027",
        slug="award-2027",
        intro="Honouring integration work.",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=20),
    )
    index.add_child(instance=page)
    for position, name in enumerate(ENGLISH_NAMES):
        AwardCategory.objects.create(page=page, name=name, sort_order=position)
    page.save_revision().publish()
    return AwardEditionPage.objects.get(pk=page.pk)


@pytest.fixture
def french_edition(editor_client, edition):
    """The translator's work: the title and the categories' names (keys are kept)."""
    copy = translate_tree(editor_client, edition, french()).get_latest_revision_as_object()
    categories = list(copy.categories.all())
    for category, name in zip(categories, FRENCH_NAMES, strict=True):
        category.name = name
    copy.categories = categories
    copy.title = FRENCH_TITLE
    copy.save_revision().publish()
    return AwardEditionPage.objects.get(pk=copy.pk)


@pytest.fixture
def nominator(make_user):
    return make_user("nadia@example.org", display_name="Nadia")  # no preferred language


def _path(url):
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def _link_in(message, part):
    return next(line.strip() for line in message.body.splitlines() if part in line)


def _pdf_text(content: bytes) -> str:
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def _nominate_someone_in_french(client, page, position=1):
    """A third party's nomination, started, filled in and submitted on the French page."""
    response = client.post(
        page_route(page, "nominate_start"),
        {"category": page.categories.all()[position].pk, "kind": "third_party"},
    )
    assert response.status_code == 302 and response.url.startswith("/fr/"), response.content[:2000]
    nomination = Nomination.objects.latest("pk")
    draft = client.get(response.url).content.decode()
    assert FRENCH_NAMES[position] in draft and ENGLISH_NAMES[position] not in draft
    submitted = client.post(
        response.url,
        {
            "version": nomination.version,
            "nominee_name": "Théâtre des Exilés",
            "nominee_country": "FR",
            "nominee_city": "Lyon",
            "nominee_website": "",
            "contact_name": "Lina",
            "contact_email": NOMINEE,
            "project_title": "Des histoires sur scène",
            "description": "Réfugiés et voisins écrivent des pièces ensemble.",
            "results": "Quarante acteurs, six pièces.",
            "links": "",
            "publication_consent": "on",
            "action": "submit",
        },
    )
    assert submitted.status_code == 302, submitted.content.decode()[:3000]
    nomination.refresh_from_db()
    assert nomination.is_submitted and nomination.language == "fr"
    return nomination


def test_nomination_pages_receipt_and_emails_name_the_french_categories(
    client, nominator, edition, french_edition
):
    client.force_login(nominator)
    nomination = _nominate_someone_in_french(client, french_edition, position=1)
    # Stored in the original's category...
    assert nomination.category == edition.categories.all()[1]
    # ... and named as the French page names it, wherever the nominator looks from there.
    for html in (
        client.get(page_route(french_edition, "nominate_start")).content.decode(),
        client.get(page_route(french_edition, "nominate_done", nomination.pk)).content.decode(),
    ):
        assert "Communautés locales" in html and "Local communities" not in html
    receipt = client.get(page_route(french_edition, "nominate_receipt", nomination.pk))
    text = _pdf_text(receipt.content)
    assert "Communautés locales" in text and FRENCH_TITLE in text
    assert "Local communities" not in text
    # The original's pages keep the original's names.
    english = client.get(page_route(edition, "nominate_done", nomination.pk)).content.decode()
    assert "Local communities" in english and "Communautés locales" not in english
    # The receipt email, in the nomination's language: the French page, its names.
    message = next(m for m in mail.outbox if m.to == [nominator.email])
    assert "Communautés locales" in message.body and FRENCH_TITLE in message.subject
    assert _path(_link_in(message, "/nominate/")).startswith("/fr/")
    attached = _pdf_text(message.attachments[0][1])
    assert "Communautés locales" in attached and "Local communities" not in attached


def test_nominee_confirms_from_the_french_link(client, nominator, edition, french_edition):
    client.force_login(nominator)
    nomination = _nominate_someone_in_french(client, french_edition, position=1)
    client.logout()
    message = next(m for m in mail.outbox if m.to == [NOMINEE])
    assert FRENCH_TITLE in message.subject and "Communautés locales" in message.body
    link = _path(_link_in(message, "/confirm/"))
    assert link.startswith(page_route(french_edition, "nominate_start").removesuffix("nominate/"))
    # The nominee opens the French link (nothing changes), then confirms there.
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200 and "Théâtre des Exilés" in html
    assert "Communautés locales" in html and "Local communities" not in html
    nomination.refresh_from_db()
    assert nomination.confirmed_at is None
    answered = client.post(link, {"answer": "confirm"})
    assert answered.status_code == 200, answered.content.decode()[:3000]
    nomination.refresh_from_db()
    assert nomination.is_confirmed and nomination.edition_id == edition.pk
    # The link was used once, in whichever language it is opened again.
    english_link = page_route(edition, "confirm", *link.rstrip("/").split("/")[-3:])
    assert client.post(english_link, {"answer": "confirm"}).status_code == 410


def test_shortlist_emails_and_vote_name_the_french_categories(
    client,
    nominator,
    make_user,
    edition,
    french_edition,
    editor,
    django_capture_on_commit_callbacks,
):
    client.force_login(nominator)
    nomination = _nominate_someone_in_french(client, french_edition, position=3)
    now = timezone.now()
    Nomination.objects.filter(pk=nomination.pk).update(
        confirmed_at=now, outcome=Nomination.Outcome.SHORTLISTED
    )
    AwardEditionPage.objects.filter(pk=edition.pk).update(
        audience_prize=True,
        vote_opens_at=now - timedelta(days=1),
        vote_closes_at=now + timedelta(days=1),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.publish(AwardEditionPage.objects.get(pk=edition.pk), "shortlist", editor)
    # The nominee (the nomination's language) reads the French shortlist; the nominator, who
    # chose no language, the original's.
    to_nominee = next(m for m in mail.outbox if m.to == [NOMINEE])
    assert "Sport et jeunesse" in to_nominee.body and FRENCH_TITLE in to_nominee.subject
    assert _path(_link_in(to_nominee, "/shortlist/")) == page_route(french_edition, "shortlist")
    to_nominator = next(m for m in mail.outbox if m.to == [nominator.email])
    assert "Sports" in to_nominator.body and "Sport et jeunesse" not in to_nominator.body
    assert _path(_link_in(to_nominator, "/shortlist/")) == page_route(edition, "shortlist")
    # The vote on the French page offers the nomination under its French category.
    client.force_login(
        make_user("voter@example.org", date_joined=timezone.now() - timedelta(days=30))
    )
    vote = client.get(page_route(french_edition, "vote")).content.decode()
    assert "Théâtre des Exilés (Sport et jeunesse)" in vote and "(Sports)" not in vote
    client.post(page_route(french_edition, "vote"), {"nomination": nomination.pk})
    AwardEditionPage.objects.filter(pk=edition.pk).update(
        vote_closes_at=timezone.now() - timedelta(minutes=1)
    )
    results = client.get(page_route(french_edition, "vote")).content.decode()
    assert "(Sport et jeunesse)" in results and "(Sports)" not in results
