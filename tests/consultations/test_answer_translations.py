"""Machine translation of the answers (consultations.machine_translation): after their languages
are detected, a task on the analysis queue translates the free texts into the editors'
languages through a LibreTranslate-compatible server on loopback; editors see the translation
labelled, the original one click away; published answers show the original, then the
translation labelled as machine-made; nothing changes with the backend "none"."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations import languages
from consultations import machine_translation as answers_mt
from consultations.demo_questionnaire import qid
from consultations.models import Redaction, Response
from participation.machine_translation.models import MachineTranslation

PROPOSAL = qid("proposal")
UK = "Визнання наших дипломів триває надто довго і коштує занадто багато грошей."
AR = "الاعتراف بشهاداتنا يستغرق وقتا طويلا جدا ويكلف الكثير من المال."
EN = "Recognition of our diplomas takes far too long and costs too much money."
PHONE = "Зателефонуйте мені за номером 0170 1234567, я розповім про наші курси мови."
REDACTED = "Зателефонуйте мені за номером [номер вилучено], я розповім про наші курси мови."


@pytest.fixture
def answered(answer, make_user, editor):
    """Ukrainian, Arabic and English answers, approved for publication, languages detected."""
    made = [
        answer(make_user(f"mt{n}@example.org"), {PROPOSAL: text}, moderation="approved")
        for n, text in enumerate([UK, AR, EN])
    ]
    languages.detect_due()
    return made


@pytest.mark.django_db
def test_answers_are_translated_in_the_background_once(translating, answered):
    signature = answers_mt.mt.signature(answers_mt.mt.target_languages())
    assert answers_mt.due(signature).count() == 3
    assert answers_mt.queue_translation() == "queued"  # tests run tasks at once
    assert not answers_mt.due(signature).exists() and answers_mt.queue_translation() == ""
    # Into the editor's language (English): the English answer is not sent.
    assert sorted(translating.texts_sent) == sorted([UK, AR])
    assert set(MachineTranslation.objects.values_list("source_language", "target_language")) == {
        ("uk", "en"),
        ("ar", "en"),
    }
    # A changed answer is due again; its unchanged text is read from the cache.
    translating.requests.clear()
    Response.objects.filter(pk=answered[0].pk).update(
        version=answered[0].version + 1, languages_version=answered[0].version + 1
    )
    report = answers_mt.translate_due()
    assert (report["answers"], report["sent"], report["cached"]) == (1, 0, 1)
    assert translating.requests == []  # the same text is never sent twice


@pytest.mark.django_db
def test_answers_wait_for_their_language_to_be_detected(translating, answer, make_user, editor):
    answer(make_user("early@example.org"), {PROPOSAL: UK})
    assert answers_mt.queue_translation() == ""
    assert translating.requests == []


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["error", "slow", "garbage"])
def test_a_failing_service_caches_nothing_and_is_tried_again(
    client, translating, answered, editor, mode
):
    translating.mode = mode
    report = answers_mt.translate_due()
    assert report["error"]
    assert not MachineTranslation.objects.exists()
    signature = answers_mt.mt.signature(answers_mt.mt.target_languages())
    # Still due: the next run tries again (the English answer needed nothing sent; a service
    # that does not answer stops the run before it is even looked at).
    still_due = set(answers_mt.due(signature).values_list("pk", flat=True))
    assert {answered[0].pk, answered[1].pk} <= still_due
    assert report["answers"] == 3 - len(still_due)
    client.force_login(editor)
    page = client.get(f"/admin/consultations/responses/edit/{answered[0].pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert UK in body and "Machine translation" not in body
    translating.mode = "ok"
    assert answers_mt.translate_due()["answers"] == len(still_due)
    assert not answers_mt.due(signature).exists()


@pytest.mark.django_db
def test_the_none_backend_changes_nothing(client, settings, libretranslate, answered, editor):
    server = libretranslate
    settings.PARTICIPATION_MACHINE_TRANSLATION = {"BACKEND": "none", "URL": server.url}
    with CaptureQueriesContext(connection) as queries:
        assert answers_mt.queue_translation() == ""
    assert len(queries) == 0
    assert answers_mt.translate_due()["answers"] == 0 and server.requests == []
    client.force_login(editor)
    body = client.get(f"/admin/consultations/responses/edit/{answered[0].pk}/").content.decode()
    assert "Machine translation" not in body and "<details>" not in body


@pytest.mark.django_db
def test_editors_see_the_translation_labelled_with_the_original_one_click_away(
    client, translating, answered, editor
):
    answers_mt.translate_due()
    client.force_login(editor)
    body = client.get(f"/admin/consultations/responses/edit/{answered[0].pk}/").content.decode()
    assert "Machine translation from Ukrainian" in body
    translated = body.index(f"[en] {UK}")
    details = body.index("<details><summary>Original in Ukrainian</summary>")
    original = body.index(f'lang="uk"><p class="user-text" dir="ltr">{UK}')
    assert translated < details < original
    assert '<div class="user-text-block" lang="en">' in body
    # Arabic: the translation reads left to right, the original right to left.
    body = client.get(f"/admin/consultations/responses/edit/{answered[1].pk}/").content.decode()
    assert "Machine translation from Arabic" in body
    assert f'lang="ar"><p class="user-text" dir="rtl">{AR}' in body
    # The English answer is the editor's language: shown as written.
    body = client.get(f"/admin/consultations/responses/edit/{answered[2].pk}/").content.decode()
    assert EN in body and "Machine translation" not in body


@pytest.mark.django_db
def test_published_answers_show_the_original_then_the_labelled_translation(
    client, translating, answered, consultation
):
    url = consultation.url + "responses/"
    before = client.get(url).content.decode()
    assert UK in before and "Machine translation" not in before
    answers_mt.translate_due()
    body = client.get(url).content.decode()  # the cached page follows new translations
    label = "Machine translation from Ukrainian, not checked by a person:"
    assert body.index(UK) < body.index(label) < body.index(f"[en] {UK}")
    assert "Machine translation from Arabic, not checked by a person:" in body
    assert body.count("not checked by a person") == 2  # not the English answer
    assert '<dd class="machine-translation">' in body and 'lang="en"><p' in body
    # Each original marked with the language it is written in.
    assert f'<dd class="user-text-block" lang="ar"><p class="user-text" dir="rtl">{AR}' in body


@pytest.mark.django_db
def test_a_redacted_answer_is_translated_as_published(
    client, translating, answer, make_user, editor, consultation
):
    phone = answer(make_user("phone@example.org"), {PROPOSAL: PHONE}, moderation="approved")
    languages.detect_due()
    answers_mt.translate_due()
    Redaction.objects.create(
        response=phone, question_id=PROPOSAL, redacted_text=REDACTED, reason="personal data"
    )
    signature = answers_mt.mt.signature(answers_mt.mt.target_languages())
    assert answers_mt.due(signature).count() == 1  # the published text changed
    translating.requests.clear()
    answers_mt.translate_due()
    assert translating.texts_sent == [REDACTED]
    body = client.get(consultation.url + "responses/").content.decode()
    assert f"[en] {REDACTED}" in body and "1234567" not in body


@pytest.mark.django_db
def test_published_page_queries_do_not_grow_with_translated_answers(
    client, translating, answer, make_user, editor, consultation
):
    url = consultation.url + "responses/"

    def queries_for(count, start):
        for n in range(count):
            text = f"{UK} Відповідь {start + n}."
            answer(make_user(f"p{start + n}@example.org"), {PROPOSAL: text}, moderation="approved")
        languages.detect_due()
        answers_mt.translate_due()
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).content.decode()
        assert body.count("not checked by a person") == Response.objects.count()
        return len(queries)

    queries_for(1, 0)  # what is read once per process (site, content types, ...)
    assert queries_for(2, 10) == queries_for(6, 100)


@pytest.mark.django_db
def test_one_text_the_service_fails_on_holds_up_no_other(
    client, translating, answer, make_user, editor
):
    poison = "Цей текст сервіс ніколи не перекладе, бо на ньому він щоразу падає з помилкою."
    made = [
        answer(make_user(f"poison{n}@example.org"), {PROPOSAL: text})
        for n, text in enumerate([UK, poison, PHONE])
    ]
    languages.detect_due()
    translating.poison = {poison}
    signature = answers_mt.mt.signature(answers_mt.mt.target_languages())
    report = answers_mt.translate_due()
    assert (report["answers"], report["failed"], report["error"]) == (2, 1, "")
    assert list(answers_mt.due(signature).values_list("pk", flat=True)) == [made[1].pk]
    # Alone, it fails without the service translating anything else: not counted against it.
    report = answers_mt.translate_due()
    assert report["answers"] == 0 and "HTTP 500" in report["error"]
    # New answers come first; failing while they are translated counts, and the third time
    # it is given up with the reason.
    for n in range(2):
        answer(make_user(f"later{n}@example.org"), {PROPOSAL: f"{UK} Ще {n}."})
        languages.detect_due()
        report = answers_mt.translate_due()
        assert report["answers"] == 1
    assert report["skipped"] == [
        f"answer {made[1].pk}: LibreTranslate: HTTP 500 Cannot translate text: internal error"
    ]
    assert not answers_mt.due(signature).exists()
    # Its page still shows it, as written.
    client.force_login(editor)
    body = client.get(f"/admin/consultations/responses/edit/{made[1].pk}/").content.decode()
    assert poison in body and "Machine translation" not in body


@pytest.mark.django_db
def test_a_busy_service_stops_the_run_at_once(translating, answered):
    translating.mode = "busy"
    report = answers_mt.translate_due()
    assert "HTTP 503" in report["error"] and report["failed"] == 0
    assert len(translating.requests) == 1  # not tried answer by answer


@pytest.mark.django_db
def test_answers_flagged_as_spam_are_not_sent(translating, answer, make_user, editor):
    answer(make_user("spam@example.org"), {PROPOSAL: UK}, spam=True)
    languages.detect_due()
    assert answers_mt.queue_translation() == ""
    assert answers_mt.translate_due()["answers"] == 0 and translating.requests == []


@pytest.mark.django_db
def test_translations_of_deleted_answers_are_erased(translating, answered, answer, make_user):
    from participation.machine_translation.services import prune_unused

    twin = answer(make_user("twin@example.org"), {PROPOSAL: AR}, moderation="approved")
    languages.detect_due()
    answers_mt.translate_due()
    assert MachineTranslation.objects.count() == 2  # Ukrainian, Arabic (the twin: cached)
    answered[0].delete()  # the Ukrainian answer goes
    answered[1].delete()  # one of the two Arabic ones
    assert prune_unused() == "1 unused machine translations erased"
    assert list(MachineTranslation.objects.values_list("source_language", flat=True)) == ["ar"]
    assert twin.pk and answers_mt.translations_for([(AR, "ar")], "en")
    assert prune_unused() == "0 unused machine translations erased"


@pytest.mark.django_db
def test_an_arabic_speaking_editor_reads_the_answers_in_arabic(
    client, translating, answered, editor
):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "ar"
    profile.save()
    assert answers_mt.mt.target_languages() == ["ar"]
    answers_mt.translate_due()
    assert ("ar", "ar") not in MachineTranslation.objects.values_list(
        "source_language", "target_language"
    )
    client.force_login(editor)
    body = client.get(f"/admin/consultations/responses/edit/{answered[0].pk}/").content.decode()
    assert "ترجمة آلية (لغة الأصل:" in body  # labelled in the editor's language
    assert (
        f'<div class="user-text-block" lang="ar"><p class="user-text" dir="ltr">[ar] {UK}' in body
    )
    # The Arabic answer is the editor's language: shown as written.
    body = client.get(f"/admin/consultations/responses/edit/{answered[1].pk}/").content.decode()
    assert "ترجمة آلية" not in body and AR in body
