"""Public pages of a consultation rendered from the cache (participation.fragments): every change
of what they show appears at once, each language has its own copy, the CSP nonce is never
cached, and the queries of a page do not grow with the answers."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from consultations import services
from consultations.demo_questionnaire import qid
from consultations.models import Redaction, Response
from participation.fragments import NONCE_PLACEHOLDER

pytestmark = pytest.mark.django_db
APPLIED, PROPOSAL = qid("applied"), qid("proposal")


def _answers_shown(html: str) -> int:
    match = re.search(r"<dt>[^<]+</dt><dd>(\d+)</dd>", html)
    assert match, html[:2000]
    return int(match.group(1))


def _csp_nonces(response) -> set[str]:
    return set(re.findall(r"'nonce-([^']+)'", response["Content-Security-Policy"]))


def test_what_we_heard_shows_a_submit_and_a_withdrawal_at_once(
    client, consultation, answer, make_user
):
    url = consultation.url + "what-we-heard/"
    answer(make_user("a@example.org"), {APPLIED: True})
    assert _answers_shown(client.get(url).content.decode()) == 1
    assert _answers_shown(client.get(url).content.decode()) == 1  # from the cache
    second = answer(make_user("b@example.org"), {APPLIED: False})
    assert _answers_shown(client.get(url).content.decode()) == 2
    services.withdraw_response(second, second.user)
    assert _answers_shown(client.get(url).content.decode()) == 1


def test_what_we_heard_follows_moderation_of_spam(client, consultation, answer, make_user):
    url = consultation.url + "what-we-heard/"
    done = answer(make_user("a@example.org"), {APPLIED: True})
    answer(make_user("b@example.org"), {APPLIED: True})
    assert _answers_shown(client.get(url).content.decode()) == 2
    services.update_responses(Response.objects.filter(pk=done.pk), spam=True)
    assert _answers_shown(client.get(url).content.decode()) == 1


def test_what_we_heard_follows_an_edit_of_the_questionnaire(client, consultation, answer, user):
    url = consultation.url + "what-we-heard/"
    answer(user, {APPLIED: True})
    from consultations.demo_questionnaire import recognition_questionnaire

    questionnaire = recognition_questionnaire()
    applied = next(block for block in questionnaire if block["id"] == APPLIED)
    label = applied["value"]["label"]
    assert label in client.get(url).content.decode()
    applied["value"]["label"] = "An edited question"
    consultation.questionnaire = questionnaire
    consultation.save_revision().publish()
    html = client.get(url).content.decode()
    assert "An edited question" in html and label not in html


def test_each_language_gets_its_own_fragment(client, consultation, answer, user):
    answer(user, {APPLIED: True})
    path = consultation.url + "what-we-heard/"  # built before any French request
    english = client.get(path).content.decode()
    french = client.get("/fr" + path).content.decode()
    assert "<dt>Answers</dt>" in english and "<dt>Answers</dt>" not in french
    assert "<dt>Réponses</dt>" in french
    # and the English copy was not replaced by the French one (a new visitor: the language
    # chosen sticks to a client)
    assert "<dt>Answers</dt>" in Client().get(path).content.decode()


def test_nonce_is_new_in_every_response_and_matches_its_header(client, consultation, answer, user):
    answer(user, {APPLIED: True})
    url = consultation.url + "what-we-heard/"
    seen = []
    for _ in range(3):  # the first renders the fragment, the others read it from the cache
        response = client.get(url)
        html = response.content.decode()
        assert NONCE_PLACEHOLDER not in html
        nonces = set(re.findall(r'<style nonce="([^"]+)"', html))
        assert len(nonces) == 1, nonces
        assert nonces <= _csp_nonces(response)
        seen.append(nonces.pop())
    assert len(set(seen)) == 3


def _published(client, consultation) -> str:
    return client.get(consultation.url + "responses/").content.decode()


def test_published_answers_follow_submit_moderation_and_redaction(
    client, consultation, answer, make_user
):
    first = answer(
        make_user("a@example.org", display_name="Nadia"),
        {PROPOSAL: "Call me at 0170 1234567"},
        moderation="approved",
    )
    assert "0170 1234567" in _published(client, consultation)
    answer(make_user("b@example.org"), {PROPOSAL: "Second proposal"}, moderation="approved")
    assert "Second proposal" in _published(client, consultation)  # a new answer, at once

    redaction = Redaction.objects.create(
        response=first,
        question_id=PROPOSAL,
        redacted_text="Call me at [removed]",
        reason="personal data",
    )
    html = _published(client, consultation)
    assert "[removed]" in html and "0170 1234567" not in html
    redaction.delete()
    assert "0170 1234567" in _published(client, consultation)

    services.update_responses(
        Response.objects.filter(pk=first.pk), moderation=Response.Moderation.REJECTED
    )
    html = _published(client, consultation)
    assert "0170 1234567" not in html and "Second proposal" in html


def test_published_answers_follow_a_withdrawal_and_a_new_name(
    client, consultation, answer, make_user, make_organisation
):
    person = make_user("a@example.org", display_name="Nadia")
    done = answer(person, {PROPOSAL: "My proposal"}, moderation="approved")
    admin = make_user("admin@example.org")
    organisation = make_organisation(admin, name="Voices")
    answer(admin, {PROPOSAL: "Our proposal"}, organisation, moderation="approved")
    html = _published(client, consultation)
    assert "Nadia" in html and "Voices" in html

    person.display_name = "Nadia K."
    person.save()
    organisation.name = "Voices United"
    organisation.save()
    html = _published(client, consultation)
    assert "Nadia K." in html and "Voices United" in html

    services.withdraw_response(done, person)
    assert "My proposal" not in _published(client, consultation)


def test_editor_moderation_form_shows_at_once(client, consultation, answer, make_user):
    from allauth.mfa.totp.internal.auth import TOTP

    response = answer(make_user("a@example.org"), {PROPOSAL: "Call me on 0170 123"})
    assert "0170 123" not in _published(client, consultation)  # not moderated yet
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    result = client.post(
        f"/admin/consultations/responses/edit/{response.pk}/",
        {
            "moderation": "approved",
            "tags": "",
            "redactions-TOTAL_FORMS": "0",
            "redactions-INITIAL_FORMS": "0",
            "redactions-MIN_NUM_FORMS": "0",
            "redactions-MAX_NUM_FORMS": "1000",
        },
    )
    assert result.status_code == 302, result.content.decode()[:2000]
    client.logout()
    assert "0170 123" in _published(client, consultation)


def test_odd_page_numbers_answer_and_are_not_cached(client, consultation, answer, user):
    answer(user, {PROPOSAL: "My proposal"}, moderation="approved")
    for number in ["abc", "0", "-1", "999999", ""]:
        response = client.get(consultation.url + "responses/", {"page": number})
        assert response.status_code == 200 and "My proposal" in response.content.decode()


@pytest.mark.parametrize("path", ["what-we-heard/", "responses/"])
def test_queries_do_not_grow_with_answers(client, consultation, answer, make_user, path):
    url = consultation.url + path

    def warm_queries() -> int:
        client.get(url)  # fills the cache for this version
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    answer(make_user("first@example.org"), {APPLIED: True, PROPOSAL: "x"}, moderation="approved")
    few = warm_queries()
    for n in range(12):
        answer(
            make_user(f"more{n}@example.org"),
            {APPLIED: n % 2 == 0, PROPOSAL: f"p{n}"},
            moderation="approved",
        )
    assert warm_queries() == few
