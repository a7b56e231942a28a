"""An award edition translated with simple_translation: nominations made on the French copy go to
the original edition and its categories (juries, results), shown under the French names; the
audience vote on the copy counts for the original."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from i18n_calls_helpers import french, page_route, translate_tree

from awards import services
from awards.models import AudienceVote, AwardCategory, AwardEditionPage, AwardIndexPage, Nomination

pytestmark = pytest.mark.django_db

FRENCH_NAMES = ["Écoles", "Communautés locales", "Culture", "Sport et jeunesse"]


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
    for position, name in enumerate(["Schools", "Local communities", "Culture", "Sports"]):
        AwardCategory.objects.create(page=page, name=name, sort_order=position)
    page.save_revision().publish()
    return AwardEditionPage.objects.get(pk=page.pk)


def _with_french_categories(copy):
    """The translator's work: the edition's title and its categories' names."""
    page = copy.get_latest_revision_as_object()
    categories = list(page.categories.all())
    for category, name in zip(categories, FRENCH_NAMES, strict=True):
        category.name = name
    page.categories = categories
    page.title = "Prix de l’intégration 2027"
    page.save_revision().publish()
    return AwardEditionPage.objects.get(pk=page.pk)


@pytest.fixture
def french_edition(editor_client, edition):
    return _with_french_categories(translate_tree(editor_client, edition, french()))


def _nominate_in_french(client, page, category_position=0, name="Théâtre des Exilés"):
    start_page = client.get(page_route(page, "nominate_start")).content.decode()
    assert FRENCH_NAMES[category_position] in start_page  # the French categories
    category = page.categories.all()[category_position]
    response = client.post(
        page_route(page, "nominate_start"), {"category": category.pk, "kind": "self"}
    )
    assert response.status_code == 302 and response.url.startswith("/fr/"), response.content[:2000]
    nomination = Nomination.objects.latest("pk")
    data = {
        "version": nomination.version,
        "nominee_name": name,
        "nominee_country": "FR",
        "nominee_city": "Lyon",
        "nominee_website": "",
        "contact_name": "Lina",
        "contact_email": "lina@theatre.example",
        "project_title": "Des histoires sur scène",
        "description": "Réfugiés et voisins écrivent des pièces ensemble.",
        "results": "Quarante acteurs, six pièces.",
        "links": "",
        "publication_consent": "on",
        "action": "submit",
    }
    submitted = client.post(response.url, data)
    assert submitted.status_code == 302, submitted.content.decode()[:3000]
    assert submitted.url == page_route(page, "nominate_done", nomination.pk)
    nomination.refresh_from_db()
    return nomination


def test_translation_keeps_category_keys(edition, french_edition):
    originals = list(edition.categories.values_list("key", flat=True))
    copies = list(french_edition.categories.values_list("key", flat=True))
    assert copies == originals and len(set(originals)) == 4
    assert list(french_edition.categories.values_list("name", flat=True)) == FRENCH_NAMES


def test_nomination_on_the_french_copy_goes_to_the_original_category(
    client, nominator_user, edition, french_edition, editor_client
):
    client.force_login(nominator_user)
    nomination = _nominate_in_french(client, french_edition, category_position=2)
    original_category = edition.categories.all()[2]
    assert nomination.is_submitted and nomination.edition_id == edition.pk
    assert nomination.category_id == original_category.pk
    assert not Nomination.objects.filter(edition=french_edition).exists()
    # The person finds it again from the French page.
    assert (
        nomination.nominee_name
        in client.get(page_route(french_edition, "nominate_start")).content.decode()
    )
    assert client.get(page_route(french_edition, "nominate_done", nomination.pk)).status_code == 200
    # Editors: the French page's header leads to the original's juries and results, which
    # count the nomination in its category.
    edit = editor_client.get(
        reverse("wagtailadmin_pages:edit", args=[french_edition.pk])
    ).content.decode()
    assert reverse("awards_admin:edition", args=[edition.pk]) in edit
    results = editor_client.get(reverse("awards_admin:edition", args=[french_edition.pk]))
    counted = {c.pk: c.submitted for c in results.context["categories"]}
    assert counted[original_category.pk] == 1
    # The category's jury judges it.
    assert services.import_nominations(original_category, None) == 1


def test_french_shortlist_and_audience_vote_are_the_originals(
    client, nominator_user, make_user, edition, french_edition, editor
):
    client.force_login(nominator_user)
    nomination = _nominate_in_french(client, french_edition, category_position=0)
    now = timezone.now()
    AwardEditionPage.objects.filter(pk=edition.pk).update(
        audience_prize=True,
        vote_opens_at=now - timedelta(days=1),
        vote_closes_at=now + timedelta(days=1),
    )
    Nomination.objects.filter(pk=nomination.pk).update(outcome=Nomination.Outcome.SHORTLISTED)
    services.publish(AwardEditionPage.objects.get(pk=edition.pk), "shortlist", editor)
    shortlist = client.get(page_route(french_edition, "shortlist")).content.decode()
    assert "Théâtre des Exilés" in shortlist and "Écoles" in shortlist
    voter = make_user("voter@example.org", date_joined=timezone.now() - timedelta(days=30))
    client.force_login(voter)
    vote_page = client.get(page_route(french_edition, "vote"))
    assert vote_page.status_code == 200 and "Théâtre des Exilés" in vote_page.content.decode()
    response = client.post(page_route(french_edition, "vote"), {"nomination": nomination.pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    vote = AudienceVote.objects.get()
    assert vote.edition_id == edition.pk and vote.nomination_id == nomination.pk
    # One vote per person and edition, whichever language they vote in.
    client.post(page_route(edition, "vote"), {"nomination": nomination.pk})
    assert AudienceVote.objects.count() == 1
    AwardEditionPage.objects.filter(pk=edition.pk).update(
        vote_closes_at=timezone.now() - timedelta(minutes=1)
    )
    results = services.vote_results(AwardEditionPage.objects.get(pk=french_edition.pk))
    assert [(n.pk, n.vote_count) for n in results] == [(nomination.pk, 1)]


def test_an_edition_with_juries_translates(editor_client, edition, make_nomination_direct):
    """Categories with a jury (a one-to-one review process) are copied without it."""
    make_nomination_direct(edition)
    category = edition.categories.first()
    services.import_nominations(category, None)
    category.refresh_from_db()
    assert category.review_process_id
    french_edition = translate_tree(editor_client, edition, french())
    assert not french_edition.categories.filter(review_process__isnull=False).exists()
    # Closed: the translation is judging with its original, whatever its own copied dates.
    AwardEditionPage.objects.filter(pk=edition.pk).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )
    french_edition = AwardEditionPage.objects.get(pk=french_edition.pk)
    assert french_edition.state == AwardEditionPage.State.JUDGING


@pytest.fixture
def nominator_user(make_user):
    return make_user("nadia@example.org", display_name="Nadia")


@pytest.fixture
def make_nomination_direct(nominator_user):
    def make(edition):
        nomination = services.start(
            edition, nominator_user, category=edition.categories.first(), kind="self"
        )
        nomination = services.save(
            nomination,
            nominator_user,
            {"nominee_name": "Club", "description": "d", "results": "r"},
            nomination.version,
        )
        return services.submit(nomination, nominator_user)

    return make
