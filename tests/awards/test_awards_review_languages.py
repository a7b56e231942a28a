"""A jury's process in the juror's language: named after the edition's translation and its copy of
the category, the English name (marked lang="en") where there is none; its dates in the
edition's time zone, named; the public vote's dates likewise."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Locale

from awards import services
from awards.models import AwardEditionPage
from participation.review import services as review

pytestmark = pytest.mark.django_db

TRANSLATIONS = {
    "fr": ("Prix de l’intégration 2026", ["Écoles", "Communautés locales", "Culture", "Sport"]),
    "ar": ("جائزة الاندماج 2026", ["المدارس", "المجتمعات المحلية", "الثقافة", "الرياضة"]),
}


def translate(edition, language):
    """What a translator does: a copy of the edition, its title and category names translated,
    published."""
    title, names = TRANSLATIONS[language]
    copy = edition.copy_for_translation(
        Locale.objects.get(language_code=language), copy_parents=True
    )
    page = AwardEditionPage.objects.get(pk=copy.pk)
    categories = list(page.categories.all())
    for category, name in zip(categories, names, strict=False):
        category.name = name
    page.categories = categories
    page.title = title
    page.save_revision().publish()
    return AwardEditionPage.objects.get(pk=page.pk)


def workspace(client, user, language):
    client.force_login(user)
    with translation.override(language):
        url = reverse("review:workspace")
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def assign(category, reviewer, editor, number=1):
    process = category.review_process
    phase = process.phases.get(position=0)
    item = process.items.get(number=number)
    return review.add_assignment(phase, item, reviewer, editor)


def test_french_and_arabic_jurors_read_the_process_under_its_translated_name(client, juried):
    translate(juried.edition, "fr")
    translate(juried.edition, "ar")
    assign(juried.first, juried.reviewers[0], juried.editor)

    french = workspace(client, juried.jurors[0], "fr")
    assert "Prix de l’intégration 2026 · Écoles" in french
    assert "Integration Award 2026" not in french
    arabic = workspace(client, juried.jurors[0], "ar")
    assert "جائزة الاندماج 2026 · المدارس" in arabic
    assert '<span lang="en"' not in arabic

    # The item's page and the stored identifier.
    with translation.override("fr"):
        item_url = reverse("review:item", args=[juried.first.review_process_id, 1])
    assert "Prix de l’intégration 2026 · Écoles" in client.get(item_url).content.decode()
    juried.first.review_process.refresh_from_db()
    assert juried.first.review_process.name == "Integration Award 2026 · Schools"


def test_without_a_translation_the_english_name_is_marked_english(client, juried):
    translate(juried.edition, "fr")  # French only: an Arabic juror gets the stored name
    assign(juried.first, juried.reviewers[0], juried.editor)
    arabic = workspace(client, juried.jurors[0], "ar")
    assert '<span lang="en" dir="ltr">Integration Award 2026 · Schools</span>' in arabic


def test_a_draft_translation_is_not_shown(client, juried):
    copy = juried.edition.copy_for_translation(
        Locale.objects.get(language_code="fr"), copy_parents=True
    )
    AwardEditionPage.objects.filter(pk=copy.pk).update(title="Brouillon")
    assign(juried.first, juried.reviewers[0], juried.editor)
    french = workspace(client, juried.jurors[0], "fr")
    assert "Brouillon" not in french
    assert '<span lang="en" dir="ltr">Integration Award 2026 · Schools</span>' in french


def test_names_of_a_copied_edition_do_not_leak_into_this_one(client, juried):
    """Next year's edition copied from this one keeps the categories' keys: its French
    translation must not name this edition's process."""
    following = juried.edition.copy(
        update_attrs={"title": "Integration Award 2027", "slug": "integration-award-2027"}
    )
    translate(AwardEditionPage.objects.get(pk=following.pk), "fr")
    assign(juried.first, juried.reviewers[0], juried.editor)
    french = workspace(client, juried.jurors[0], "fr")
    assert "Prix de l’intégration 2026" not in french  # the copy's translation, not this one's
    assert "Integration Award 2026 · Schools" in french


def test_workspace_queries_do_not_grow_with_processes(client, juried, make_nomination):
    """One juror in one, then in four categories' processes: same number of queries, with the
    translated names and the edition's time zone."""
    translate(juried.edition, "fr")
    juror = juried.jurors[0]
    categories = list(juried.edition.categories.all())
    assign(juried.first, juried.reviewers[0], juried.editor)

    def count():
        workspace(client, juror, "fr")  # warm-up (sessions, caches)
        with CaptureQueriesContext(connection) as queries:
            page = workspace(client, juror, "fr")
        return len(queries), page

    small, page = count()
    assert page.count("Prix de l’intégration 2026 · ") == 1
    for category in categories[1:]:
        if category.review_process_id is None:
            make_nomination(juried.edition, category, f"Club of {category.name}")
            services.import_nominations(category, juried.editor)
            category.refresh_from_db()
        reviewer = review.add_reviewer(category.review_process, juror, juried.editor)
        assign(category, reviewer, juried.editor)
    large, page = count()
    assert page.count("Prix de l’intégration 2026 · ") == 4
    assert "Communautés locales" in page and "Sport" in page
    assert small == large


def test_round_dates_are_in_the_editions_zone_and_name_it(client, juried):
    AwardEditionPage.objects.filter(pk=juried.edition.pk).update(time_zone="America/Toronto")
    assign(juried.first, juried.reviewers[0], juried.editor)
    page = workspace(client, juried.jurors[0], "en")
    phase = juried.first.review_process.phases.get(position=0)
    local = phase.opens_at.astimezone(ZoneInfo("America/Toronto"))
    assert f"{local:%H:%M}" in page
    assert "Eastern" in page and "Time)" in page  # "Eastern Standard Time", named
    french = workspace(client, juried.jurors[0], "fr")
    assert "heure" in french and "de l’Est" in french


def test_public_vote_dates_name_the_editions_zone(client, make_edition):
    now = timezone.now()
    edition = make_edition(
        "Integration Award 2028",
        audience_prize=True,
        vote_opens_at=now + timedelta(days=30),
        vote_closes_at=now + timedelta(days=40),
        time_zone="Europe/Lisbon",
    )
    edition.save_revision().publish()
    page = client.get(edition.url).content.decode()
    vote = page[page.index("Public vote") :][:600]
    assert vote.count("<time datetime=") == 2
    assert "Western European" in vote


def test_a_french_jury_booklet_carries_the_french_name(juried):
    import io

    from pypdf import PdfReader

    from participation.documents.services import build_now

    translate(juried.edition, "fr")
    phase = juried.first.review_process.phases.get(position=0)
    params = {"category": juried.first.pk, "phase": phase.pk, "lang": "fr"}
    booklet = build_now("awards.jury_booklet", params)
    reader = PdfReader(io.BytesIO(booklet.content))
    assert reader.metadata.title == "Dossier du jury : Prix de l’intégration 2026 · Écoles"
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Prix de l’intégration 2026 · Écoles" in text


def test_an_items_category_reads_in_the_jurors_language(client, juried):
    """On a nomination's page the "Category" field names the category as the edition's
    translation does; without a translation, as written."""
    from awards.models import Nomination

    translate(juried.edition, "fr")
    assignment = assign(juried.first, juried.reviewers[0], juried.editor)
    review.declare_conflict(assignment.item, juried.reviewers[0], "none")
    client.force_login(juried.jurors[0])
    for language, name in (("fr", "Écoles"), ("ar", "Schools")):
        with translation.override(language):
            item_url = reverse("review:item", args=[juried.first.review_process_id, 1])
            heading = f"<h3>{translation.gettext('Category')}</h3>"
        html = client.get(item_url).content.decode()
        field = html[html.index(heading) :][:300]  # the field, not the process's name above
        assert f">{name}</p>" in field, (language, field)
    nomination = Nomination.objects.filter(category=juried.first).first()
    with translation.override("fr"):
        assert nomination.category.name_in() == "Écoles"
    assert nomination.category.name_in("en") == "Schools"
