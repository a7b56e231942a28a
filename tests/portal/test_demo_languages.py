"""The demo as a migrant sees it, in every interface language (issue 17, point 2).

load_demo copies every demo page, theme and letter with Wagtail's copy_for_translation and
replaces each text by its translation from portal/demo_content/<code>.json; strings.json lists
what translators translate. Answers given on a translation land on the one call.
"""

import io
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import translation
from django.utils.html import escape
from wagtail.models import Locale, Page, Revision

from awards.models import AwardEditionPage
from consultations.demo_questionnaire import qid
from consultations.models import ConsultationPage, Response
from expertgroup.models import ExpertCallPage, LetterTemplate
from monitoring.models import Commitment, CommitmentTranslation, IndicatorTranslation
from portal import demo_localise
from themes.models import Theme

OTHER_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

APPLIED, OUTCOME, PRIORITIES = qid("applied"), qid("outcome"), qid("priorities")
PROPOSAL, CONSENT = qid("proposal"), qid("consent")
RECOGNITION = "Recognition of qualifications obtained outside the EU"
APPLIED_LABEL = "Have you applied for recognition of a qualification in the EU?"


def english_texts() -> set[str]:
    return {text.text for text in demo_localise.read_strings()}


def complete_languages() -> list[str]:
    """Offered languages whose content file translates every text of strings.json."""
    texts = english_texts()
    return [
        code
        for code in demo_localise.content_languages()
        if all(demo_localise.read_translations(code).get(text) for text in texts)
    ]


# --- The content files (no database) ----------------------------------------------------------


def test_strings_json_is_sorted_unique_and_noted():
    entries = json.loads(demo_localise.STRINGS_FILE.read_text(encoding="utf-8"))
    texts = [entry["text"] for entry in entries]
    assert len(texts) == len(set(texts)) > 100
    assert all(set(entry) == {"text", "note"} and entry["note"] for entry in entries)
    assert demo_localise.strings_json(demo_localise.read_strings()) == (
        demo_localise.STRINGS_FILE.read_text(encoding="utf-8")
    )


@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_content_file_keeps_tags_placeholders_and_lines_and_has_no_stale_text(code):
    if not demo_localise.content_file(code).exists():
        pytest.skip(f"no content file for {code} yet (see the completeness test)")
    texts = english_texts()
    translations = demo_localise.read_translations(code)
    stale = sorted(set(translations) - texts)
    assert not stale, f"{code}.json translates texts the demo no longer has: {stale}"
    broken = {
        english: problems
        for english, translated in translations.items()
        if translated and (problems := demo_localise.format_problems(english, translated))
    }
    assert not broken, f"{code}.json: {json.dumps(broken, ensure_ascii=False, indent=1)}"


@pytest.mark.parametrize(
    "code",
    OTHER_LANGUAGES,
)
def test_content_file_translates_every_text(code):
    path = demo_localise.content_file(code)
    assert path.exists(), f"{path.name} is missing: translate portal/demo_content/strings.json"
    translations = demo_localise.read_translations(code)
    missing = sorted(text for text in english_texts() if not translations.get(text))
    assert not missing, f"{path.name} lacks {len(missing)} texts: {missing}"


def test_format_problems_finds_lost_tags_placeholders_and_lines():
    check = demo_localise.format_problems
    assert check("<p>Hello {name}</p>", "<p>Bonjour {name}</p>") == []
    assert check("<p>Hello</p>", "Bonjour") == ["HTML tags differ"]
    assert check("Dear {name}", "Bonjour {nom}") == ["placeholders differ"]
    assert check("One\nTwo", "Un, deux") == ["number of lines differs"]


# --- The demo, loaded once for the module --------------------------------------------------------


@pytest.fixture(scope="module")
def demo_site(django_db_setup, django_db_blocker):
    """load_demo in every offered language with a content file, rolled back at the end."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            out = io.StringIO()
            call_command("load_demo", "--allow-production", stdout=out)
            yield out.getvalue()
            transaction.set_rollback(True)


def _in(code, page):
    return type(page).objects.get(translation_key=page.translation_key, locale__language_code=code)


def _route(page, name, *args):
    with translation.override(page.locale.language_code):
        return page.url + page.reverse_subpage(name, args=args)


def test_strings_json_is_the_english_demos_text(demo_site, db):
    extracted = demo_localise.strings_json(demo_localise.demo_strings())
    assert extracted == demo_localise.STRINGS_FILE.read_text(encoding="utf-8"), (
        "strings.json is not current: run manage.py demo_strings"
    )


def test_demo_strings_checks_and_rewrites_strings_json(demo_site, db, tmp_path, monkeypatch):
    from django.core.management import CommandError

    out = io.StringIO()
    call_command("demo_strings", "--this-database", "--check", stdout=out)
    assert "strings.json is current" in out.getvalue() and "fr: 0 missing" in out.getvalue()
    stale, real = tmp_path / "strings.json", demo_localise.STRINGS_FILE
    entries = json.loads(real.read_text(encoding="utf-8"))
    stale.write_text(json.dumps([{"text": "Gone", "note": ""}, *entries[1:]]), encoding="utf-8")
    monkeypatch.setattr(demo_localise, "STRINGS_FILE", stale)
    with pytest.raises(CommandError) as error:
        call_command("demo_strings", "--this-database", "--check", stdout=io.StringIO())
    assert f"+ {entries[0]['text']!r}" in str(error.value) and "- 'Gone'" in str(error.value)
    call_command("demo_strings", "--this-database", stdout=io.StringIO())
    assert stale.read_text(encoding="utf-8") == real.read_text(encoding="utf-8")


def test_extraction_leaves_keys_values_conditions_and_addresses_alone(demo_site, db):
    page = ConsultationPage.objects.get(
        slug="recognition-of-qualifications", locale__language_code="en"
    )
    texts = {text.text for text in demo_localise.translatable_strings(page)}
    assert {RECOGNITION, APPLIED_LABEL, "Partly recognised", "Your experience"} <= texts
    assert "Very difficult" in texts and "Something else" in texts  # scale and "other" labels
    identifiers = {"applied", "outcome", "partial", "yes", "equals", page.slug, APPLIED}
    identifiers |= {page.contact_email, "en", "fr"}
    assert not identifiers & texts
    housing = ConsultationPage.objects.get(slug="housing-for-newcomers", locale__language_code="en")
    outcome = {text.text for text in demo_localise.translatable_strings(housing)}
    # Child objects' text (the outcome items), not the question keys or receipts they cite.
    assert "Discrimination testing of landlords and agencies" in outcome
    assert not {"first", "discrimination"} & outcome


@pytest.mark.parametrize("code", ["fr", "de", "ar"])
def test_every_demo_page_theme_and_letter_exists_in_each_complete_language(demo_site, db, code):
    if code not in complete_languages():
        pytest.skip(f"{code}.json is not complete yet")
    default = Locale.get_default()
    english = Page.objects.filter(locale=default, depth__gt=1)
    translated = Page.objects.filter(locale__language_code=code)
    assert set(translated.values_list("translation_key", flat=True)) == set(
        english.values_list("translation_key", flat=True)
    )
    assert all(translated.values_list("live", flat=True))
    for model in (Theme, LetterTemplate):
        assert model.objects.filter(locale__language_code=code).count() == (
            model.objects.filter(locale=default).count()
        )
    texts = demo_localise.read_translations(code)
    letter = LetterTemplate.objects.get(kind="selected", locale__language_code=code)
    assert letter.subject == texts["You have been selected: {call}"]


@pytest.mark.parametrize("code", ["fr", "ar"])
def test_consultation_and_its_questionnaire_in_the_readers_language(
    demo_site, db, client, make_user, code
):
    if code not in complete_languages():
        pytest.skip(f"{code}.json is not complete yet")
    texts = demo_localise.read_translations(code)
    original = ConsultationPage.objects.get(
        slug="recognition-of-qualifications", locale__language_code="en"
    )
    page = _in(code, original)
    html = client.get(f"/{code}/consultations/recognition-of-qualifications/").content.decode()
    assert texts[RECOGNITION] in html and RECOGNITION not in html
    assert f'lang="{code}"' in html
    client.force_login(make_user("reader@example.org"))
    start = client.post(_route(page, "respond_start"), {"country": "FR", "language": code})
    assert start.status_code == 302 and start.url.startswith(f"/{code}/"), start
    step = client.get(start.url).content.decode()
    assert texts[APPLIED_LABEL] in step and APPLIED_LABEL not in step
    assert texts["Partly recognised"] in step


def test_answer_on_the_french_consultation_lands_on_the_original(
    demo_site, db, client, make_user, django_capture_on_commit_callbacks
):
    original = ConsultationPage.objects.get(
        slug="recognition-of-qualifications", locale__language_code="en"
    )
    french = _in("fr", original)
    before = original.responses.count()
    client.force_login(make_user("reader@example.org"))
    with django_capture_on_commit_callbacks(execute=True):
        start = client.post(_route(french, "respond_start"), {"country": "FR", "language": "fr"})
        response = Response.objects.latest("pk")
        client.post(start.url, {"version": response.version, f"q-{APPLIED}": "no"})
        response.refresh_from_db()
        second = client.post(
            _route(french, "respond_step", response.pk, 1),
            {
                "version": response.version,
                f"q-{PRIORITIES}": ["time"],
                f"q-{PROPOSAL}": "Des traducteurs gratuits",
                f"q-{CONSENT}": "on",
            },
        )
        assert second.status_code == 302 and second.url.endswith("/review/"), second
        review = client.get(second.url).content.decode()
        assert "Des délais d’attente plus courts" in review  # the French option label
        done = client.post(f"/fr/responses/{response.pk}/submit/", {"publication": "named"})
    assert done.status_code == 302, done.content.decode()[:2000]
    response.refresh_from_db()
    assert response.is_submitted and response.consultation_id == original.pk
    assert original.responses.count() == before + 1
    assert not Response.objects.filter(consultation=french).exists()


def test_award_categories_and_expert_call_in_french(demo_site, db, client, make_user):
    fr = demo_localise.read_translations("fr")
    html = client.get("/fr/integration-award/award-2027/").content.decode()
    for english in ("Schools", "Local communities", "Sports and youth clubs"):
        assert fr[english] in html and english not in html
    assert "Résultats pour l’intégration" in html  # a category's criteria, one per line
    edition = _in("fr", AwardEditionPage.objects.get(slug="award-2027", locale__language_code="en"))
    client.force_login(make_user("nominator@example.org"))
    nominate = client.get(_route(edition, "nominate_start")).content.decode()
    assert fr["Local communities"] in nominate and "Local communities" not in nominate
    call = client.get("/fr/expert-group/expert-group-2027/").content.decode()
    assert fr["Call for the Migrant Expert Group 2027-2029"] in call
    assert fr["You live in an EU Member State."] in call and "You live in" not in call
    assert ExpertCallPage.objects.filter(locale__language_code="fr").count() == 3


@pytest.mark.parametrize("code", ["fr", "ar"])
def test_progress_board_items_have_a_row_in_each_language_from_the_content_files(
    demo_site, db, client, code
):
    """Commitments and indicators are not copied: each keeps one object and gets a row."""
    from monitoring.models import Indicator

    if code not in complete_languages():
        pytest.skip(f"{code}.json does not translate every text")
    texts = demo_localise.read_translations(code)
    assert Commitment.objects.count() == 6  # never one per language
    assert not Commitment.objects.exclude(translations__language=code).exists()
    assert not Indicator.objects.exclude(translations__language=code).exists()
    main = client.get(f"/{code}/progress/").content.decode().split("<main", 1)[1]
    for english in (
        "Separate municipal housing lists for newcomers",
        "Overcrowding rate",
        "Respondents showed that separate lists would segregate; common lists are reformed "
        "instead.",
    ):
        assert escape(texts[english]) in main and english not in main
    # Progress updates too: each has its row, shown on the board and the commitment's page.
    from monitoring.models import ProgressUpdate

    assert ProgressUpdate.objects.exists()
    assert not ProgressUpdate.objects.exclude(translations__language=code).exists()
    assert escape(texts["Legal study done."]) in main and "Legal study done." not in main
    courses = Commitment.objects.get(title="Language courses with childcare")
    page = client.get(f"/{code}/progress/commitments/{courses.pk}/").content.decode()
    for english in ("Courses in 40 towns.", "All regions covered."):
        assert escape(texts[english]) in page and english not in page


def test_juror_reads_the_default_criteria_in_their_language(demo_site, db, client):
    """Review criteria and rounds are not pages: their default names are catalogue texts,
    shown in each reviewer's language (Criterion.label, Phase.label)."""
    client.force_login(get_user_model().objects.get(email="oleksandr@example.org"))
    workspace = client.get("/fr/review/").content.decode()
    links = re.findall(r'href="(/fr/review/\d+/items/\d+/)"', workspace)
    assert links
    with translation.override("fr"):
        criterion = translation.gettext("Results for integration")
        longlist = translation.gettext("Longlist")
    assert criterion != "Results for integration" and longlist != "Longlist"
    assert escape(longlist) in workspace
    item = client.get(links[0]).content.decode()
    if 'name="kind"' in item:  # a conflict of interest is declared first
        client.post(links[0] + "conflict/", {"kind": "none"})
        item = client.get(links[0]).content.decode()
    assert escape(criterion) in item and "Results for integration" not in item


def test_load_demo_again_adds_nothing(demo_site, db):
    def counts():
        return (
            Page.objects.count(),
            Theme.objects.count(),
            LetterTemplate.objects.count(),
            Revision.objects.count(),
            Commitment.objects.count(),
            CommitmentTranslation.objects.count(),
            IndicatorTranslation.objects.count(),
        )

    before = counts()
    out = io.StringIO()
    call_command("load_demo", "--allow-production", stdout=out)
    assert counts() == before
    assert not re.search(r"[1-9]\d* translated now", out.getvalue()), out.getvalue()


def test_a_language_missing_a_text_keeps_that_page_in_english(demo_site, db, monkeypatch):
    """No half-translated page: the consultation whose question label is missing stays English
    (readers get the original), its siblings are translated, and load_demo says what lacks."""
    code = OTHER_LANGUAGES[-1]
    home = Page.objects.filter(locale__language_code=code, depth=2).first()
    if home is not None:  # translated by the module's load_demo: start again without it
        home.delete()
        Theme.objects.filter(locale__language_code=code).delete()
        LetterTemplate.objects.filter(locale__language_code=code).delete()
    texts = dict(demo_localise.read_translations("fr"))
    del texts[APPLIED_LABEL]
    monkeypatch.setattr(demo_localise, "read_translations", lambda _code: texts)
    monkeypatch.setattr(demo_localise, "content_languages", lambda: [code])
    out = io.StringIO()
    call_command("load_demo", "--allow-production", "--languages", code, stdout=out)
    assert f"{code}: 1 of {len(english_texts())} texts missing" in out.getvalue()
    assert "1 of 30 pages and snippets stay in English" in out.getvalue()
    pages = Page.objects.filter(locale__language_code=code)
    assert not pages.filter(slug="recognition-of-qualifications").exists()
    assert pages.filter(slug="housing-for-newcomers").exists()
    assert pages.filter(slug="consultations").exists()
    assert Theme.objects.filter(locale__language_code=code).count() == 9


def test_load_demo_refuses_a_language_it_cannot_translate(demo_site, db, monkeypatch):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="not among the offered"):
        call_command("load_demo", "--allow-production", "--languages", "xx", stdout=io.StringIO())
    monkeypatch.setattr(demo_localise, "content_languages", lambda: [])
    with pytest.raises(CommandError, match="no content file for fr"):
        call_command("load_demo", "--allow-production", "--languages", "fr", stdout=io.StringIO())
