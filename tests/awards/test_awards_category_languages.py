"""A category's name, description and criteria as a juror or an editor reads them: the edition's
translation's copy (same key), field by field; the original's text, marked with its language,
where the translation has none. Many categories at once in a fixed number of queries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from pypdf import PdfReader
from wagtail.models import Locale

from awards import services
from awards.models import AwardCategory, AwardEditionPage
from participation.documents.services import build_now

pytestmark = pytest.mark.django_db

FRENCH = [
    ("Écoles", "Pour les écoles qui accueillent.", "Effet durable\nParticipation des familles"),
    ("Communautés locales", "", ""),  # name only: description and criteria stay English
]


def describe(edition):
    for category in edition.categories.all():
        category.description = f"For {category.name.lower()} that welcome newcomers."
        category.save()


def translate_fr(edition, texts=FRENCH):
    copy = edition.copy_for_translation(Locale.objects.get(language_code="fr"), copy_parents=True)
    page = AwardEditionPage.objects.get(pk=copy.pk)
    categories = list(page.categories.all())
    for category, (name, description, criteria) in zip(categories, texts, strict=False):
        category.name = name
        category.description = description
        category.criteria = criteria
    page.categories = categories
    page.title = "Prix de l’intégration 2026"
    page.save_revision().publish()
    return AwardEditionPage.objects.get(pk=page.pk)


def test_categories_read_in_french_field_by_field(edition):
    describe(edition)
    translate_fr(edition)
    first, second, third, _fourth = list(edition.categories.all())
    shown = services.categories_in_language(edition, "fr")
    assert list(shown) == [c.pk for c in edition.categories.all()]  # the originals, in order
    assert shown[first.pk].name == "Écoles" and shown[first.pk].name.language == "fr"
    assert shown[first.pk].description == ("Pour les écoles qui accueillent.", "fr")
    assert shown[first.pk].criteria_list == ["Effet durable", "Participation des familles"]
    assert shown[first.pk].category == first
    # Translated name, untranslated description and criteria: the original's, in English.
    assert shown[second.pk].name == "Communautés locales"
    assert shown[second.pk].description == (second.description, "en")
    assert shown[second.pk].criteria_list == ["Impact", "Participation"]
    assert shown[second.pk].criteria_language == "en"
    # A category the translation does not have at all.
    assert (shown[third.pk].name, shown[third.pk].name.language) == (third.name, "en")
    # From the translation's page too; in English without any translation.
    assert services.categories_in_language(translate_page(edition), "fr")[first.pk].name == (
        "Écoles"
    )
    english = services.categories_in_language(edition, "en")
    assert english[first.pk].name == first.name and english[first.pk].description.language == "en"


def translate_page(edition):
    return AwardEditionPage.objects.get(
        translation_key=edition.translation_key, locale__language_code="fr"
    )


def test_a_draft_translation_is_not_read(edition):
    describe(edition)
    copy = edition.copy_for_translation(Locale.objects.get(language_code="fr"), copy_parents=True)
    AwardCategory.objects.filter(page_id=copy.pk).update(name="Brouillon")
    shown = services.categories_in_language(edition, "fr")
    assert all(item.name.language == "en" for item in shown.values())


def test_queries_do_not_grow_with_categories(edition, make_edition):
    """Four categories or twelve: the same number of queries."""
    describe(edition)
    translate_fr(edition)
    big = make_edition("Integration Award 2030")
    for n in range(8):
        AwardCategory.objects.create(page=big, name=f"Extra {n}", description="x", criteria="a")
    translate_fr(big)

    def count(page):
        page = AwardEditionPage.objects.get(pk=page.pk)
        with CaptureQueriesContext(connection) as queries:
            shown = services.categories_in_language(page, "fr")
            texts = [(s.name, s.description.text, s.criteria_list) for s in shown.values()]
        return len(queries), texts

    small, few = count(edition)
    large, many = count(big)
    assert len(few) == 4 and len(many) == 12
    assert small == large <= 2


def pdf_text(document):
    reader = PdfReader(io.BytesIO(document.content))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_a_french_booklet_prints_the_french_description_and_criteria(juried):
    describe(juried.edition)
    translate_fr(juried.edition)
    phase = juried.first.review_process.phases.get(position=0)
    params = {"category": juried.first.pk, "phase": phase.pk, "lang": "fr"}
    text = pdf_text(build_now("awards.jury_booklet", params))
    assert "Pour les écoles qui accueillent." in text
    assert "Effet durable" in text and "Participation des familles" in text
    assert "welcome newcomers" not in text


def test_booklet_html_marks_an_untranslated_description_english(juried):
    """Second category: its French copy has no description or criteria; the English ones
    printed in the French booklet carry lang="en"."""
    from django.template.loader import render_to_string

    describe(juried.edition)
    translate_fr(juried.edition)
    with translation.override("fr"):
        shown = services.category_in_language(juried.second, "fr")
        html = render_to_string(
            "awards/print/jury_booklet.html",
            {"category": shown, "phase": None, "entries": [], "criteria": []},
        )
    assert '<div class="user-text-block" lang="en">' in html
    assert "welcome newcomers" in html
    assert '<ul lang="en" dir="ltr"><li>Impact</li>' in html
    with translation.override("fr"):
        html = render_to_string(
            "awards/print/jury_booklet.html",
            {
                "category": services.category_in_language(juried.first, "fr"),
                "phase": None,
                "entries": [],
                "criteria": [],
            },
        )
    assert 'lang="en"' not in html and "Pour les écoles qui accueillent." in html


def test_the_booklet_is_rebuilt_when_the_translation_changes(juried):
    from participation.documents.registry import get

    describe(juried.edition)
    french = translate_fr(juried.edition)
    phase = juried.first.review_process.phases.get(position=0)
    params = {"category": juried.first.pk, "phase": phase.pk, "lang": "fr"}
    before = get("awards.jury_booklet").fingerprint(params)
    AwardCategory.objects.filter(page=french, key=juried.first.key).update(
        description="Pour les écoles ouvertes."
    )
    assert get("awards.jury_booklet").fingerprint(params) != before


def test_the_results_report_names_categories_in_its_language(juried):
    translate_fr(juried.edition)
    text = pdf_text(
        build_now("awards.results_report", {"edition": juried.edition.pk, "lang": "fr"})
    )
    assert "Écoles" in text and "Communautés locales" in text
    english = pdf_text(
        build_now("awards.results_report", {"edition": juried.edition.pk, "lang": "en"})
    )
    assert "Écoles" not in english and "Schools" in english


def test_the_jury_room_and_the_edition_page_name_the_category_in_french(client, juried):
    translate_fr(juried.edition)
    client.force_login(juried.jurors[0])
    french = translate_page(juried.edition)
    with translation.override("fr"):
        room = client.get(french.route_url("jury_notes", juried.first.pk))
        assert room.status_code == 200
        assert "Jury : Écoles" in room.content.decode().replace("\xa0", " ")
        page = client.get(french.url).content.decode().replace("\xa0", " ")
    assert "Jury : Écoles" in page
    client.force_login(juried.editor)
    with translation.override("fr"):
        admin = client.get(reverse("awards_admin:edition", args=[juried.edition.pk]))
    assert admin.status_code == 200


def test_the_jury_room_shows_what_the_jury_judges_in_the_jurors_language(client, juried):
    describe(juried.edition)
    translate_fr(juried.edition)
    french = translate_page(juried.edition)
    client.force_login(juried.jurors[0])
    with translation.override("fr"):
        room = client.get(french.route_url("jury_notes", juried.first.pk)).content.decode()
        scoring = [escape(c.label) for c in juried.first.review_process.criteria.all()]
    assert "Pour les écoles qui accueillent." in room and "welcome newcomers" not in room
    assert "<li>Effet durable</li>" in room and "<li>Participation des familles</li>" in room
    assert scoring and all(label in room for label in scoring)
    # The second category: nothing translated but its name, so its English text is marked.
    client.force_login(juried.editor)
    with translation.override("fr"):
        second = client.get(french.route_url("jury_notes", juried.second.pk)).content.decode()
    assert "welcome newcomers" in second
    assert 'lang="en"' in second.split('id="criteria-heading"')[1].split("</section>")[0]


def test_nomination_attributes_have_labels_for_the_selection_pages():
    """The award's quota attributes (country, kind) in words; the stored codes stay keys."""
    from awards.models import Nomination

    labels = Nomination.review_attribute_labels()
    assert set(labels) == {"country", "kind"}
    assert labels["country"].value_label("DE") == "Germany"
    assert labels["kind"].value_label("self") == Nomination.Kind.SELF.label
    with translation.override("fr"):
        assert str(labels["country"].value_label("DE")) == "Allemagne"
        assert str(labels["country"].label) == translation.gettext("Country of the nominee")
        assert str(labels["country"].label) != "Country of the nominee"
