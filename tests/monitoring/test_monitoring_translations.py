"""The progress board in every language: commitments and indicators keep one object and get a
translation row per language (participation.translation_rows); right to left without breakage."""

import io
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from monitoring import services, versions
from monitoring.models import CommitmentTranslation, IndicatorTranslation
from participation.translation_rows import localised, with_translations

pytestmark = pytest.mark.django_db

FR_TITLE = "Des interprètes dans les hôpitaux"
AR_TITLE = "مترجمون في المستشفيات"


@pytest.fixture
def translated(make_commitment, make_indicator):
    commitment = make_commitment(
        "Interpreters in hospitals",
        status="in_progress",
        progress=40,
        description="Paid by the state.",
        owner_department="Ministry of Health",
    )
    CommitmentTranslation.objects.create(
        parent=commitment,
        language="fr",
        title=FR_TITLE,
        description="Payés par l’État.",
        owner_department="Ministère de la Santé",
    )
    CommitmentTranslation.objects.create(
        parent=commitment,
        language="ar",
        title=AR_TITLE,
        description="تدفعها الدولة.\nPaid by the state.",
    )
    indicator = make_indicator(
        values=[("DE", 2020, 10), ("DE", 2021, 12.5), ("FR", 2020, 20), ("FR", 2021, 18)],
        name="Overcrowding rate",
    )
    IndicatorTranslation.objects.create(
        parent=indicator, language="fr", name="Taux de surpeuplement", unit="%"
    )
    IndicatorTranslation.objects.create(parent=indicator, language="ar", name="معدل الاكتظاظ")
    return commitment, indicator


def _main(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


# --- localised() -----------------------------------------------------------------------------


def test_localised_reads_the_active_language_else_the_original(translated):
    commitment, _indicator = translated
    with translation.override("fr"):
        assert localised(commitment, "title") == (FR_TITLE, "fr")
    with translation.override("ar"):
        # A field the row leaves empty is the original's, in the default language.
        assert localised(commitment, "owner_department") == ("Ministry of Health", "en")
    with translation.override("de"):
        assert localised(commitment, "title") == ("Interpreters in hospitals", "en")
    assert localised(commitment, "title", "fr-be") == (FR_TITLE, "fr")  # its base language


def test_localised_needs_no_query_in_the_default_language(translated, django_assert_num_queries):
    commitment, _indicator = translated
    with translation.override("en"), django_assert_num_queries(0):
        assert localised(commitment, "title").text == "Interpreters in hospitals"


def test_with_translations_reads_only_the_active_languages_rows_in_one_query(
    translated, make_commitment, django_assert_num_queries
):
    from monitoring.models import Commitment

    make_commitment("Another")
    with translation.override("fr"):
        commitments = list(with_translations(Commitment.objects.order_by("pk")))
        with django_assert_num_queries(0):
            titles = [localised(c, "title").text for c in commitments]
    assert titles == [FR_TITLE, "Another"]
    assert [r.language for r in commitments[0].translations.all()] == ["fr"]


# --- The board, a commitment's page --------------------------------------------------------


@pytest.mark.parametrize(
    "code, title, name",
    [("fr", FR_TITLE, "Taux de surpeuplement"), ("ar", AR_TITLE, "معدل الاكتظاظ")],
)
def test_board_in_french_and_arabic_shows_translated_commitment_and_indicator(
    client, board, translated, code, title, name
):
    commitment, indicator = translated
    for path in (f"/{code}/progress/", f"/{code}/progress/housing/"):
        main = _main(client.get(path))
        assert f">{title}</a></h3>" in main  # the row's text, unmarked: it is the page's language
        assert f'<h3 id="indicator-{indicator.pk}">{name}</h3>' in main
        assert "Interpreters in hospitals" not in main and "Overcrowding rate" not in main
    # The charts' titles and tables too.
    theme_board = _main(client.get(f"/{code}/progress/housing/"))
    assert f"<caption>{name}" in theme_board
    page = _main(client.get(f"/{code}/progress/commitments/{commitment.pk}/"))
    assert f"<h1>{title}</h1>" in page


def test_board_without_a_row_falls_back_to_the_original_marked_english(client, board, translated):
    commitment, indicator = translated
    main = _main(client.get("/de/progress/housing/"))
    assert '<span lang="en" dir="ltr">Interpreters in hospitals</span>' in main
    assert (
        f'<h3 id="indicator-{indicator.pk}"><span lang="en" dir="ltr">Overcrowding rate</span>'
        in main
    )
    page = _main(client.get(f"/de/progress/commitments/{commitment.pk}/"))
    assert '<h1><span lang="en" dir="ltr">Interpreters in hospitals</span></h1>' in page
    assert '<div class="user-text-block" lang="en">' in page  # the description
    # Arabic has a title but no department: the department alone is marked.
    page = _main(client.get(f"/ar/progress/commitments/{commitment.pk}/"))
    assert '<span lang="en" dir="ltr">Ministry of Health</span>' in page
    # English: nothing marked.
    english = _main(client.get("/progress/housing/"))
    assert 'lang="en"' not in english and "Interpreters in hospitals" in english


def _fill(make_commitment, n):
    for i in range(n):
        commitment = make_commitment(f"C{n}-{i}", status="in_progress", progress=i)
        CommitmentTranslation.objects.create(parent=commitment, language="fr", title=f"F{n}-{i}")
        CommitmentTranslation.objects.create(parent=commitment, language="ar", title=f"A{n}-{i}")


@pytest.mark.parametrize("path", ["/fr/progress/", "/fr/progress/housing/", "/ar/progress/"])
def test_board_query_count_is_the_same_for_1_and_20_translated_commitments(
    client, board, make_commitment, make_indicator, path
):
    indicator = make_indicator(values=[("DE", 2020, 10), ("DE", 2021, 11)])
    IndicatorTranslation.objects.create(parent=indicator, language="fr", name="Surpeuplement")
    _fill(make_commitment, 1)
    client.get(path)  # warm: site root paths and the like
    versions.bump()  # the cached list is rendered again, as after the changes below
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    _fill(make_commitment, 19)
    with CaptureQueriesContext(connection) as twenty:
        main = _main(client.get(path))
    assert len(twenty) == len(one), [q["sql"] for q in twenty.captured_queries]
    assert main.count('class="card commitment') == 20


def test_commitment_page_query_count_does_not_grow_with_languages(
    client, board, translated, django_assert_max_num_queries
):
    commitment, _indicator = translated
    url = f"/fr/progress/commitments/{commitment.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for code in ("de", "uk", "es", "it", "pl"):
        CommitmentTranslation.objects.create(parent=commitment, language=code, title=code)
    with django_assert_max_num_queries(len(before)):
        assert FR_TITLE in client.get(url).content.decode()


def test_indicator_texts_changed_by_an_editor_show_at_once_despite_the_chart_cache(
    client, board, translated
):
    _commitment, indicator = translated
    assert "Taux de surpeuplement" in client.get("/fr/progress/housing/").content.decode()
    row = IndicatorTranslation.objects.get(parent=indicator, language="fr")
    row.name = "Surpeuplement des logements"
    row.save()  # as the admin's inline panel writes it (monitoring/versions.py)
    body = client.get("/fr/progress/housing/").content.decode()
    assert "Surpeuplement des logements" in body and "Taux de surpeuplement" not in body


# --- Right to left ---------------------------------------------------------------------------


def test_board_in_arabic_isolates_numbers_with_units_and_directs_each_line(
    client, board, translated
):
    commitment, indicator = translated
    main = _main(client.get("/ar/progress/"))
    assert '<bdi dir="ltr" class="quantity">40 %</bdi>' in main  # the commitment's progress
    # The latest value with its unit in one piece inside the Arabic sentence.
    latest = re.search(r'<p class="trend-latest">(.*?)</p>', main, re.S).group(1)
    assert '<bdi dir="ltr" class="quantity">15,3 %</bdi>' in latest, latest
    page = _main(client.get(f"/ar/progress/commitments/{commitment.pk}/"))
    # The description: an Arabic line right to left, the English line after it left to right.
    assert '<span class="user-line" dir="rtl">تدفعها الدولة.</span>' in page
    assert '<span class="user-line" dir="ltr">Paid by the state.</span>' in page


def test_a_unit_written_right_to_left_is_read_after_its_number(client, board, make_indicator):
    indicator = make_indicator(values=[("DE", 2020, 3), ("DE", 2021, 4)], unit="years")
    IndicatorTranslation.objects.create(parent=indicator, language="ar", unit="سنوات")
    main = _main(client.get("/ar/progress/"))
    assert '<bdi dir="rtl" class="quantity">4 سنوات</bdi>' in main


def test_dropped_reason_and_updates_each_line_in_its_direction(
    client, board, make_commitment, editor
):
    commitment = make_commitment("Lists", progress=10)
    services.add_update(
        commitment, editor, text="Study done.\nدراسة.", status="in_progress", progress=10
    )
    services.add_update(
        commitment,
        editor,
        text="Stopped.",
        status="dropped",
        progress=10,
        dropped_reason="Segregation.\nفصل.",
    )
    for path in ("/ar/progress/housing/", f"/ar/progress/commitments/{commitment.pk}/"):
        main = _main(client.get(path))
        assert '<span class="user-line" dir="ltr">Segregation.</span>' in main
        assert '<span class="user-line" dir="rtl">فصل.</span>' in main
    page = _main(client.get(f"/ar/progress/commitments/{commitment.pk}/"))
    assert '<div class="user-text-block" lang="en"><p class="user-text" dir="ltr">' in page
    assert '<span class="user-line" dir="rtl">دراسة.</span>' in page


def test_charts_are_drawn_left_to_right_in_right_to_left_languages(client, board, translated):
    """Chosen: every chart is isolated left to right (time runs left to right, bars grow from
    the left), as statistics offices and textbooks in Arabic, Persian and Hebrew draw them; its
    labels stay Arabic and its table follows the page's direction."""
    for code in ("ar", "fa", "ps"):
        theme_board = _main(client.get(f"/{code}/progress/housing/"))
        plots = re.findall(r'<div class="chart-plot" dir="(\w+)"><svg', theme_board)
        assert plots == ["ltr", "ltr"], plots  # over time, and by place
        assert '<table class="chart-table">' in theme_board.split('class="chart-plot"', 1)[1]
        whole = _main(client.get(f"/{code}/progress/"))
        assert '<div class="trend-plot" dir="ltr">' in whole
    # The chart's own title (its text alternative) is in the reader's language.
    arabic = _main(client.get("/ar/progress/housing/"))
    assert re.search(r'<title id="[^"]+">معدل الاكتظاظ', arabic)


# --- Open data, PDF, emails --------------------------------------------------------------------


def test_open_data_keeps_english_columns_and_adds_the_readers_label(client, board, translated):
    commitment, indicator = translated
    text = b"".join(
        client.get("/fr/progress/housing/data/commitments/csv/").streaming_content
    ).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.endswith(",licence,label,label_lang")
    assert row.startswith(f"{commitment.pk},Interpreters in hospitals,")
    assert row.endswith(f",CC-BY-4.0,{FR_TITLE},fr")
    text = b"".join(
        client.get("/de/progress/housing/data/indicators/csv/").streaming_content
    ).decode("utf-8-sig")
    assert text.splitlines()[1].endswith(",CC-BY-4.0,Overcrowding rate,en")
    data = client.get("/ar/progress/data/json/").json()
    assert data["commitments"][0]["title"] == "Interpreters in hospitals"
    assert (data["commitments"][0]["label"], data["commitments"][0]["label_lang"]) == (
        AR_TITLE,
        "ar",
    )
    assert data["indicators"][0]["indicator"] == "overcrowding"
    assert data["indicators"][0]["label"] == "معدل الاكتظاظ"


def test_progress_report_pdf_in_french_and_arabic_shows_the_translations(
    client, board, translated, user
):
    from pypdf import PdfReader

    from participation.documents.models import GeneratedDocument

    client.force_login(user)
    for code, title in (("fr", FR_TITLE), ("ar", AR_TITLE)):
        client.post(
            "/documents/generated/request/monitoring.progress_report/",
            {"theme": "housing", "lang": code},
        )
        document = GeneratedDocument.objects.order_by("-pk").first()
        assert document.status == GeneratedDocument.Status.DONE, document.error_message
        reader = PdfReader(io.BytesIO(document.file.read()))
        text = "".join(page.extract_text() for page in reader.pages)
        words = title.split()
        assert all(word in text for word in words), (code, text[:500])
        assert "Interpreters in hospitals" not in text


def test_follow_email_in_each_followers_language(
    board, outcome_item, make_user, make_response, editor, django_capture_on_commit_callbacks
):
    commitment = services.commitment_from_outcome(outcome_item)
    CommitmentTranslation.objects.create(
        parent=commitment, language="fr", title="Un fonds de garantie"
    )
    for email, code in (("fr@example.org", "fr"), ("de@example.org", "de")):
        person = make_user(email, preferred_language=code)
        make_response(person)
        services.follow(person, commitment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.add_update(commitment, editor, text="Agreed.", status="in_progress", progress=30)
    sent = {m.to[0]: m for m in mail.outbox}
    assert "\u2068Un fonds de garantie\u2069" in sent["fr@example.org"].subject
    assert "Un fonds de garantie" in sent["fr@example.org"].body
    assert "\u206630 %\u2069" in sent["fr@example.org"].body  # isolated left to right
    assert "A deposit fund" in sent["de@example.org"].subject  # no German row: the original


# --- The admin -------------------------------------------------------------------------------


def _commitment_form(commitment, **extra):
    return {
        "title": commitment.title,
        "description": "",
        "themes": [t.pk for t in commitment.themes.all()],
        "owner_department": "",
        "status": commitment.status,
        "progress": str(commitment.progress),
        "dropped_reason": "",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        **extra,
    }


def _row(number, language, **fields):
    prefix = f"translations-{number}-"
    return {
        prefix + "language": language,
        prefix + "ORDER": str(number + 1),
        prefix + "DELETE": "",
        prefix + "id": "",
        **{prefix + name: value for name, value in fields.items()},
    }


def test_admin_saves_a_commitments_translation_row(admin_client, make_commitment):
    commitment = make_commitment()
    url = f"/admin/snippets/monitoring/commitment/edit/{commitment.pk}/"
    body = admin_client.get(url).content.decode()
    assert "In other languages" in body and 'name="translations-TOTAL_FORMS"' in body
    response = admin_client.post(
        url,
        _commitment_form(
            commitment,
            **{"translations-TOTAL_FORMS": "1"},
            **_row(0, "fr", title="Des interprètes", description="Payés."),
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    row = CommitmentTranslation.objects.get(parent=commitment)
    assert (row.language, row.title, row.description) == ("fr", "Des interprètes", "Payés.")


def test_admin_refuses_two_rows_of_one_language_and_the_default_language(
    admin_client, make_commitment
):
    commitment = make_commitment()
    url = f"/admin/snippets/monitoring/commitment/edit/{commitment.pk}/"
    twice = _commitment_form(
        commitment,
        **{"translations-TOTAL_FORMS": "2"},
        **_row(0, "fr", title="Un"),
        **_row(1, "fr", title="Deux"),
    )
    response = admin_client.post(url, twice)
    assert response.status_code == 200  # the form again, with a message; never a 500
    assert not CommitmentTranslation.objects.exists()
    english = _commitment_form(
        commitment, **{"translations-TOTAL_FORMS": "1"}, **_row(0, "en", title="Same")
    )
    response = admin_client.post(url, english)
    assert response.status_code == 200
    assert not CommitmentTranslation.objects.exists()


def test_admin_saves_an_indicators_translation_row(admin_client, make_indicator):
    indicator = make_indicator(values=[("DE", 2020, 1)])
    url = f"/admin/snippets/monitoring/indicator/edit/{indicator.pk}/"
    value = indicator.values.get()
    form = {
        "theme": indicator.theme_id,
        "name": indicator.name,
        "slug": indicator.slug,
        "definition": "",
        "unit": "%",
        "higher_is_better": "on",
        "source": "",
        "source_url": "",
        "sort_order": "0",
        "translations-TOTAL_FORMS": "1",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        **_row(0, "ar", name="معدل الاكتظاظ", unit="٪"),
        "values-TOTAL_FORMS": "1",
        "values-INITIAL_FORMS": "1",
        "values-MIN_NUM_FORMS": "0",
        "values-MAX_NUM_FORMS": "1000",
        "values-0-id": str(value.pk),
        "values-0-country": "DE",
        "values-0-city": "",
        "values-0-year": "2020",
        "values-0-value": "1",
        "values-0-ORDER": "1",
        "values-0-DELETE": "",
    }
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.content.decode()[-3000:]
    row = IndicatorTranslation.objects.get(parent=indicator)
    assert (row.language, row.name, row.unit) == ("ar", "معدل الاكتظاظ", "٪")
