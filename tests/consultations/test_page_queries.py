"""The consultation page reads its themes (its own and its outcome items') at once, in the
reader's language, and links back to its index without reading it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from consultations.models import ConsultationPage, OutcomeItem
from themes.models import Theme

pytestmark = pytest.mark.django_db

SLUGS = ["health", "housing", "eu-funding", "digital-tools"]


def _publish(consultation, themes, items):
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.themes.set(Theme.objects.filter(slug__in=themes))
    outcome = []
    for n in range(items):
        item = OutcomeItem(title=f"Step {n}")
        item.themes.set(Theme.objects.filter(slug__in=SLUGS[: n % 4 + 1]))
        outcome.append(item)
    page.outcome_items = outcome
    page.publish_outcome = bool(items)
    page.save_revision().publish()
    return page


def _queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_consultation_page_queries_do_not_grow_with_themes_and_outcome_items(client, consultation):
    page = _publish(consultation, SLUGS[:1], 1)
    few = _queries(client, page.url)
    page = _publish(consultation, SLUGS, 6)
    assert _queries(client, page.url) == few
    html = client.get(page.url).content.decode()
    assert "Step 5" in html and html.count('href="/themes/digital-tools/"') >= 2
    assert '<a href="/consultations/">' in html  # the index, without reading it


def test_consultation_page_themes_in_the_readers_language_and_link_to_the_index(
    client, consultation
):
    french, _created = Locale.objects.get_or_create(language_code="fr")
    health = Theme.objects.get(slug="health")
    translated = health.copy_for_translation(french)
    translated.name = "Santé (traduit)"
    translated.save()
    page = _publish(consultation, ["health"], 1)
    html = client.get("/fr" + page.url).content.decode()
    # The page's theme and its outcome item's, both translated.
    assert html.count('<a href="/fr/themes/health/">Santé (traduit)</a>') >= 2
    assert '/fr/themes/health/">Health</a>' not in html
    assert '<a href="/fr/consultations/">' in html
