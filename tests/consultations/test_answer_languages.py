"""The language of every free-text answer: detected offline in the background, stored per
answer and per response, shown and filterable in moderation, counted in "what we heard"
beside the declared language; and the analyse_answers command."""

import json

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import counts, languages
from consultations.models import Response
from participation.analysis.languages import detect, dominant

PROPOSAL = "3282da9f-516f-5e12-a752-a22b9575bcf0"  # long text of the demo questionnaire
MULTIPLE = "16e0ec90-b354-5b74-b468-31990d406a93"  # multiple choice with an "other" text

# One sentence per language of the interface (and Amharic beside Tigrinya): what migrants and
# their organisations write in.
SENTENCES = {
    "en": "Recognition of our diplomas takes far too long and costs too much money.",
    "fr": "La reconnaissance de nos diplômes prend beaucoup trop de temps et coûte trop cher.",
    "de": "Die Anerkennung unserer Abschlüsse dauert viel zu lange und kostet zu viel Geld.",
    "ar": "الاعتراف بشهاداتنا يستغرق وقتا طويلا جدا ويكلف الكثير من المال.",
    "uk": "Визнання наших дипломів триває надто довго і коштує занадто багато грошей.",
    "fa": "به رسمیت شناختن مدارک ما خیلی طول می‌کشد و هزینه زیادی دارد.",
    "ps": "زموږ د ډیپلومونو پېژندنه ډېر وخت نیسي او ډېرې پیسې غواړي.",
    "ti": "ኣፍልጦ ዲፕሎማታትና ኣዝዩ ነዊሕ ግዜ ይወስድን ብዙሕ ገንዘብ ይሓትትን እዩ።",
    "am": "የዲፕሎማዎቻችን እውቅና በጣም ረጅም ጊዜ ይወስዳል እና ብዙ ገንዘብ ያስከፍላል።",
    "so": "Aqoonsiga shahaadooyinkayagu waqti dheer ayuu qaataa, lacag badanna wuu ku kacaa.",
    "tr": "Diplomalarımızın tanınması çok uzun sürüyor ve çok fazla paraya mal oluyor.",
    "ru": "Признание наших дипломов занимает слишком много времени и стоит слишком дорого.",
    "es": "El reconocimiento de nuestros títulos tarda demasiado y cuesta demasiado dinero.",
    "it": "Il riconoscimento dei nostri diplomi richiede troppo tempo e costa troppo denaro.",
    "pl": "Uznanie naszych dyplomów trwa zdecydowanie za długo i kosztuje za dużo pieniędzy.",
    "ro": "Recunoașterea diplomelor noastre durează mult prea mult și costă prea mulți bani.",
}


def test_each_language_of_the_platform_is_recognised():
    codes = list(SENTENCES)
    assert detect([SENTENCES[code] for code in codes]) == codes


def test_tigrinya_and_amharic_are_told_apart_without_the_glottal_a():
    # The demo's Tigrinya answer has no ኣ: its small words and throat letters tell.
    tigrinya = "ምፍላጥ ናይ ትምህርተይ ብዙሕ ግዜ ወሲዱ። ሓበሬታ ብቋንቋና ንደሊ።"
    amharic = "ቀን ለሚሰሩ አዋቂዎች የምሽት የቋንቋ ትምህርት ያስፈልገናል።"
    assert detect([tigrinya, amharic]) == ["ti", "am"]


def test_what_tells_nothing_is_unknown_never_a_guess():
    assert detect(["", "   ", "🙂🙂🙂", "12 345", "ok", "Wohnung " * 700, "ᐅ"]) == [""] * 7
    # Five thousand characters of text are read in their first thousand: still right.
    assert detect([SENTENCES["de"] * 60]) == ["de"]
    # Several scripts in one answer: the language of most of it.
    mixed = f"{SENTENCES['uk']}\n{SENTENCES['uk']}\n{SENTENCES['ar']}\nOK"
    assert detect([mixed]) == ["uk"]


def test_the_response_speaks_the_language_of_most_of_its_text():
    assert dominant([("short one", "en"), (SENTENCES["ar"] * 2, "ar"), ("?", "")]) == "ar"
    assert dominant([("x", ""), ("", "")]) == ""


@pytest.fixture
def answered(answer, make_user):
    """Four answers: Arabic, Ukrainian with an English "other" text, Tigrinya, and one with
    no free text at all."""
    made = []
    texts = [
        {PROPOSAL: SENTENCES["ar"]},
        {PROPOSAL: SENTENCES["uk"], MULTIPLE: {"choices": [], "other": SENTENCES["en"][:40]}},
        {PROPOSAL: SENTENCES["ti"]},
        {},
    ]
    for n, answers in enumerate(texts):
        made.append(answer(make_user(f"lang{n}@example.org"), answers))
    return made


@pytest.mark.django_db
def test_due_answers_are_detected_stored_and_counted(answered, consultation):
    assert languages.due().count() == 4  # submitting did not wait for the detection
    assert languages.queue_detection() == "queued"  # tests run tasks at once
    assert not languages.due().exists() and languages.queue_detection() == ""
    arabic, ukrainian, tigrinya, silent = (Response.objects.get(pk=r.pk) for r in answered)
    assert (arabic.detected_language, arabic.text_languages) == ("ar", {PROPOSAL: "ar"})
    assert ukrainian.detected_language == "uk"
    assert ukrainian.text_languages == {PROPOSAL: "uk", MULTIPLE: "en"}
    assert tigrinya.detected_language == "ti"
    assert (silent.detected_language, silent.text_languages) == ("", {})
    assert silent.languages_version == silent.version  # read, nothing to tell
    heard = counts.summary(consultation.pk)
    assert heard["by_detected_language"] == {"ar": 1, "uk": 1, "ti": 1}
    assert counts.current(consultation.pk) == counts.recount(consultation.pk)


@pytest.mark.django_db
def test_an_answer_changed_while_it_was_read_is_read_again(answered):
    rows = list(
        languages.due().order_by("pk").values("pk", "version", "answers", "questionnaire_snapshot")
    )
    found = languages.languages_of(rows)
    changed = answered[0]
    Response.objects.filter(pk=changed.pk).update(
        version=changed.version + 1, answers={PROPOSAL: SENTENCES["fr"]}
    )
    assert languages._store(rows, found) == 3
    assert Response.objects.get(pk=changed.pk).detected_language == ""  # not the stale "ar"
    assert list(languages.due().values_list("pk", flat=True)) == [changed.pk]
    languages.detect_due()
    assert Response.objects.get(pk=changed.pk).detected_language == "fr"


@pytest.mark.django_db
def test_queries_per_batch_do_not_grow_with_the_answers(answer, make_user):
    def run(count, start):
        for n in range(count):
            answer(make_user(f"q{start + n}@example.org"), {PROPOSAL: SENTENCES["es"]})
        with CaptureQueriesContext(connection) as queries:
            assert languages.detect_due(batch=100) == count
        return len(queries)

    run(1, 0)  # what is read once per process (content types, ...)
    assert run(3, 10) == run(12, 100)


@pytest.mark.django_db
def test_moderation_shows_and_filters_the_detected_language(client, answered, make_user):
    languages.detect_due()
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    index = "/admin/consultations/responses/"
    body = client.get(index, {"detected_language": "ti"}).content.decode()
    assert answered[2].receipt_number in body and answered[0].receipt_number not in body
    page = client.get(f"{index}edit/{answered[1].pk}/").content.decode()
    assert "written in Ukrainian" in page and 'lang="uk"' in page
    assert "written in English" in page


@pytest.mark.django_db
def test_what_we_heard_counts_declared_beside_detected(client, answered, consultation):
    languages.detect_due()
    body = client.get(consultation.url + "what-we-heard/").content.decode()
    assert "written in (detected)" in body
    assert '<th scope="row">Tigrinya</th><td>0</td><td>1</td>' in body


def test_the_command_analyses_a_file(tmp_path):
    letter = "We demand that the ministry recognises foreign diplomas within three months."
    answers = [{"id": n, "text": letter} for n in range(6)]
    answers += [{"id": "x", "text": SENTENCES["ti"]}, {"id": "y", "text": "🙂"}]
    source, target = tmp_path / "answers.json", tmp_path / "result.json"
    source.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    call_command("analyse_answers", input=str(source), output=str(target))
    result = json.loads(target.read_text(encoding="utf-8"))
    found = {entry["id"]: entry["language"] for entry in result["languages"]}
    assert found == {**{n: "en" for n in range(6)}, "x": "ti", "y": ""}
    assert result["campaigns"] == [{"id": 0, "size": 6, "member_ids": [0, 1, 2, 3, 4, 5]}]


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        '{"id": 1}',
        '[{"id": 1, "text": 5}]',
        '[{"id": 1, "text": "a"}, {"id": 1, "text": "b"}]',
    ],
)
def test_the_command_refuses_a_bad_file_with_the_reason(tmp_path, content):
    source = tmp_path / "answers.json"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("analyse_answers", input=str(source), output=str(tmp_path / "out.json"))
    assert not (tmp_path / "out.json").exists()
