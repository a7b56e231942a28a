"""The public read API as a whole (participation.api): every endpoint walked as anonymous (and as
a signed-in editor who passed a page's password: the API still serves only what is public), no
private field or value reachable, every key documented in the OpenAPI document, throttling,
pagination and bad input."""

import json
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction

from consultations import services
from consultations.demo_questionnaire import qid, recognition_questionnaire
from consultations.models import (
    ConsultationIndexPage,
    ConsultationPage,
    OutcomeItem,
    Redaction,
    Response,
)
from monitoring.models import Commitment, CommitmentFollow, MonitoringBoardPage, ProgressUpdate
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse
from themes.models import Theme

pytestmark = pytest.mark.django_db
API = "/api/v2/"
PROPOSAL, APPLIED = qid("proposal"), qid("applied")

# Names of fields that must never appear anywhere in the API's JSON.
PRIVATE_KEYS = {
    "email", "emails", "user", "user_id", "users", "username", "password", "access_key",
    "ip", "ip_address", "remote_addr", "client_ip", "session", "token", "created_by",
    "updated_by", "reviewer", "reviewers", "review", "scores", "conflicts", "followers",
    "follows", "notified_state", "moderation", "spam", "publication", "publish_attachments",
    "redactions", "redacted_text", "original_text", "reason", "search_text", "remind_me",
    "reminded_at", "tags", "campaign", "text_languages", "detected_language",
    "personal_data_erased_at", "erase_personal_data_on", "contact_email", "contact_details",
    "answers_version", "receipt_number", "version", "withdrawn_at", "created_at", "updated_at",
    "live", "has_unpublished_changes", "latest_revision", "locked", "locked_by",
    "questionnaire_snapshot", "view_restrictions", "grace_minutes", "draft", "drafts",
    "languages_version", "allow_anonymous", "owner_organisation_id", "members", "membership",
    "facilitator", "facilitator_id", "receipt_email", "consent_given",
}  # fmt: skip
# Values planted where the public must not read them.
SECRETS = [
    "SECRET-PRIVATE-ANSWER",
    "SECRET-PENDING-ANSWER",
    "SECRET-REJECTED-ANSWER",
    "SECRET-SPAM-ANSWER",
    "SECRET-WITHDRAWN-ANSWER",
    "SECRET-DRAFT-ANSWER",
    "0170 1234567",  # redacted away
    "Hidden Person",  # an anonymous author's name
    "Org Admin Person",  # the person behind an organisation's answer
    "@example.org",  # any email address
    "SECRET-ACCESS-KEY",
    "SECRET-PASSWORD-PAGE",
    "SECRET-PASSWORD-ANSWER",
    "SECRET-LOGIN-SECTION",
    "SECRET-GROUP-PAGE",
    "SECRET-UNPUBLISHED-PAGE",
    "SECRET-RECEIPT",
    "SECRET-UPDATE-AUTHOR",
    "SECRET-REDACTION-REASON",
    "203.0.113.9",
]


def _answer(page, user, text, n, *, organisation=None, status="submitted", **fields):
    fields.setdefault("moderation", "approved")
    fields.setdefault("publication", "named")
    submitted = status == "submitted"
    return Response.objects.create(
        consultation=page,
        user=user,
        updated_by=user,
        organisation=organisation,
        respondent_type="organisation" if organisation else "individual",
        status=status,
        answers={PROPOSAL: text, APPLIED: True},
        questionnaire_snapshot=snapshot(parse(page.questionnaire)),
        receipt_number=fields.pop("receipt", f"CONS-API{n:04d}") if status != "draft" else "",
        submitted_at=timezone.now() if submitted else None,
        withdrawn_at=timezone.now() if status == "withdrawn" else None,
        country="DE",
        language="en",
        access_key=f"SECRET-ACCESS-KEY-{n}",
        **fields,
    )


def _consultation(parent, title, slug, live=True):
    now = timezone.now()
    page = parent.add_child(
        instance=ConsultationPage(
            title=title,
            slug=slug,
            intro="Intro",
            opens_at=now - timedelta(days=5),
            closes_at=now + timedelta(days=5),
            questionnaire=recognition_questionnaire(),
            contact_email="contact@example.org",
            live=live,
        )
    )
    if live:
        page.save_revision().publish()
    return ConsultationPage.objects.get(pk=page.pk)


@pytest.fixture
def world(home_page, make_user, make_organisation):
    """A public consultation with answers in every state, consultations behind a password, a
    sign-in, a group and not yet published, an outcome and the board's commitments."""
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="consultations"))
    public = _consultation(index, "Recognition of qualifications", "recognition")
    public.themes.set(
        Theme.objects.filter(locale=Locale.get_default(), slug="education-and-training")
    )
    people = {
        name: make_user(f"{slug}@example.org", display_name=name)
        for slug, name in [
            ("named", "Nadia Named"),
            ("hidden", "Hidden Person"),
            ("admin", "Org Admin Person"),
            ("private", "Private Person"),
            ("pending", "Pending Person"),
            ("rejected", "Rejected Person"),
            ("spam", "Spam Person"),
            ("withdrawn", "Withdrawn Person"),
            ("draft", "Draft Person"),
        ]
    }
    organisation = make_organisation(people["Org Admin Person"], name="Migrant Voices")
    named = _answer(public, people["Nadia Named"], "Named proposal", 1)
    anonymous = _answer(
        public, people["Hidden Person"], "Call me at 0170 1234567", 2, publication="anonymous"
    )
    Redaction.objects.create(
        response=anonymous,
        question_id=PROPOSAL,
        redacted_text="Call me at [phone number removed]",
        reason="SECRET-REDACTION-REASON",
    )
    _answer(
        public, people["Org Admin Person"], "Organisation proposal", 3, organisation=organisation
    )
    private = _answer(
        public,
        people["Private Person"],
        "SECRET-PRIVATE-ANSWER",
        4,
        publication="private",
        receipt="SECRET-RECEIPT-1",
    )
    _answer(public, people["Pending Person"], "SECRET-PENDING-ANSWER", 5, moderation="pending")
    _answer(public, people["Rejected Person"], "SECRET-REJECTED-ANSWER", 6, moderation="rejected")
    _answer(public, people["Spam Person"], "SECRET-SPAM-ANSWER", 7, spam=True)
    _answer(public, people["Withdrawn Person"], "SECRET-WITHDRAWN-ANSWER", 8, status="withdrawn")
    _answer(public, people["Draft Person"], "SECRET-DRAFT-ANSWER", 9, status="draft")
    services.count_added(Response.objects.filter(consultation=public))
    item = OutcomeItem.objects.create(
        page=public,
        title="Faster recognition",
        text="<p>Done in spring.</p>",
        question_keys="applied",
        receipts=f"{named.receipt_number}\n{private.receipt_number}",
    )
    ConsultationPage.objects.filter(pk=public.pk).update(
        publish_outcome=True, outcome_published_at=timezone.now()
    )

    password = _consultation(index, "SECRET-PASSWORD-PAGE", "password")
    PageViewRestriction.objects.create(
        page=password, restriction_type=PageViewRestriction.PASSWORD, password="open-sesame"
    )
    _answer(password, make_user("p1@example.org"), "SECRET-PASSWORD-ANSWER", 10)
    section = home_page.add_child(instance=ConsultationIndexPage(title="Members", slug="members"))
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    members_only = _consultation(section, "SECRET-LOGIN-SECTION", "members-only")
    _answer(members_only, make_user("p2@example.org"), "SECRET-LOGIN-SECTION answer", 11)
    group_page = _consultation(index, "SECRET-GROUP-PAGE", "group")
    group = Group.objects.create(name="Partners")
    restriction = PageViewRestriction.objects.create(
        page=group_page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    unpublished = _consultation(index, "SECRET-UNPUBLISHED-PAGE", "unpublished", live=False)
    _answer(unpublished, make_user("p3@example.org"), "SECRET-UNPUBLISHED-PAGE answer", 12)

    board = home_page.add_child(
        instance=MonitoringBoardPage(title="Progress", slug="progress", licence="CC0-1.0")
    )
    board.licence_url = "https://creativecommons.org/publicdomain/zero/1.0/"
    board.save_revision().publish()
    commitment = Commitment.objects.create(
        title="Faster recognition, tracked",
        outcome_item_id=item.pk,
        consultation=public,
        status="in_progress",
        progress=40,
        owner_organisation=organisation,
        owner_department="Recognition office",
    )
    follower = make_user("follower@example.org", display_name="A Follower")
    CommitmentFollow.objects.create(commitment=commitment, user=follower)
    editor = make_user("editor@example.org", display_name="SECRET-UPDATE-AUTHOR")
    ProgressUpdate.objects.create(
        commitment=commitment,
        date=timezone.now().date(),
        text="Law drafted",
        status="in_progress",
        progress=40,
        created_by=editor,
    )
    Commitment.objects.create(title="Behind a password", consultation=password, progress=0)
    return {
        "public": public,
        "hidden": [password, members_only, group_page, unpublished],
        "group": group,
        "password": password,
        "commitment": commitment,
        "item": item,
    }


def _strings(data):
    if isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    elif isinstance(data, str):
        yield data


def _keys(data):
    if isinstance(data, dict):
        for key, value in data.items():
            yield key
            yield from _keys(value)
    elif isinstance(data, list):
        for value in data:
            yield from _keys(value)


def _local(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.path.startswith(API):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def walk(client, extra=()) -> dict:
    """Every address of the API reachable from its index (links, details, next pages), with
    ``?fields=*`` on listings, plus ``extra``: {address: (status, JSON)}."""
    seen, queue, found = set(), [API, *extra], {}
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json"), url
        found[url] = (response.status_code, response.json())
        for text in _strings(found[url][1]):
            local = _local(text)
            if local and local not in seen:
                queue.append(local)
        if url == API + "consultations/":
            queue.append(url + "?fields=*")  # every field a listing may show
    return found


def _hidden_addresses(world) -> list[str]:
    urls = []
    for page in world["hidden"]:
        base = f"{API}consultations/{page.pk}/"
        urls += [base, base + "answers/", base + "what-we-heard/", base + "outcome/"]
    return urls


def _assert_nothing_private(found):
    for url, (status, data) in found.items():
        assert status in (200, 404), (url, status, data)
        # The schema is documentation: its keys name operations and types, not data.
        keys = set() if url == API + "schema/" else set(_keys(data))
        assert not PRIVATE_KEYS & keys, (url, PRIVATE_KEYS & keys)
        text = json.dumps(data, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in text, (url, secret)


def test_api_walked_as_anonymous_shows_nothing_private(client, world):
    found = walk(client, extra=_hidden_addresses(world))
    public = world["public"].pk
    # The walk reached every kind of endpoint, each with data.
    for path in [
        f"{API}consultations/{public}/answers/",
        f"{API}consultations/{public}/what-we-heard/",
        f"{API}consultations/{public}/outcome/",
        f"{API}commitments/{world['commitment'].pk}/",
        f"{API}schema/",
    ]:
        assert found[path][0] == 200, path
    assert len(found) >= 12
    for url in _hidden_addresses(world):
        assert found[url] == (404, {"message": "Not found."}), url
    _assert_nothing_private(found)
    answers = found[f"{API}consultations/{public}/answers/"][1]
    assert [a["author"] for a in answers["items"]] == ["Nadia Named", None, "Migrant Voices"]
    texts = {a["key"]: a["text"] for a in answers["items"][1]["answers"]}
    assert texts == {"applied": "Yes", "proposal": "Call me at [phone number removed]"}
    outcome = found[f"{API}consultations/{public}/outcome/"][1]["items"][0]
    assert outcome["published_receipts"] == ["CONS-API0001"] and outcome["answers"] == 2


def test_api_walked_by_a_signed_in_partner_with_the_password_shows_only_the_public(
    client, world, make_user
):
    """The API is the public's: a session that passed a password, a sign-in or a group
    membership open nothing more."""
    partner = make_user("partner@example.org")
    partner.groups.add(world["group"])
    client.force_login(partner)
    password = world["password"]
    passed = client.post(
        f"/_util/authenticate_with_password/{password.get_view_restrictions()[0].pk}/{password.pk}/",
        {"password": "open-sesame", "return_url": password.url},
    )
    assert passed.status_code == 302
    # The pages themselves are open to this person.
    for page in world["hidden"][:3]:
        assert client.get(page.url).status_code == 200, page
    found = walk(client, extra=_hidden_addresses(world))
    for url in _hidden_addresses(world):
        assert found[url][0] == 404, url
    _assert_nothing_private(found)


# --- The OpenAPI document describes every key served --------------------------------------------


def _resolve(schema, document):
    while "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        schema = document["components"]["schemas"][name]
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(_resolve(part, document).get("properties", {}))
        return merged
    return schema


def _check(data, schema, document, where):
    schema = _resolve(schema, document)
    if data is None:
        return
    if isinstance(data, dict) and "properties" in schema:
        undocumented = set(data) - set(schema["properties"])
        assert not undocumented, (where, undocumented)
        for key, value in data.items():
            _check(value, schema["properties"][key], document, f"{where}.{key}")
    elif isinstance(data, list) and "items" in schema:
        for value in data:
            _check(value, schema["items"], document, f"{where}[]")


def test_every_key_served_is_in_the_openapi_document(client, world):
    document = client.get(API + "schema/").json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["license"]["name"] == "CC-BY-4.0"
    templates = [
        (re.compile("^" + re.sub(r"\{\w+\}", r"\\d+", path) + "$"), operations)
        for path, operations in document["paths"].items()
    ]
    checked = 0
    for url, (status, data) in walk(client).items():
        path = urlsplit(url).path
        if status != 200 or path in (API, API + "schema/"):
            continue
        operations = [ops for pattern, ops in templates if pattern.match(path)]
        assert operations, f"{path} is not documented"
        schema = operations[0]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        _check(data, schema, document, path)
        checked += 1
    assert checked >= 8


def test_index_lists_the_endpoints_and_the_schema(client, world):
    index = client.get(API).json()
    assert set(index["endpoints"]) == {"consultations", "commitments"}
    assert index["schema"].endswith("/api/v2/schema/")
    assert index["meta"]["licence"] == "CC-BY-4.0"


# --- Throttling -----------------------------------------------------------------------------------


def test_api_answers_429_with_a_message_past_the_rate(client, world, settings):
    settings.PARTICIPATION_API_RATE = "3/minute"
    for _n in range(3):
        assert client.get(API + "consultations/").status_code == 200
    refused = client.get(f"{API}consultations/{world['public'].pk}/answers/")
    assert refused.status_code == 429
    assert "(at most 3/minute)" in refused.json()["message"]
    assert int(refused["Retry-After"]) > 0
    # Counted per client address: another one still gets answers.
    assert client.get(API, REMOTE_ADDR="198.51.100.7").status_code == 200


# --- Bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "limit=1000000",
        "limit=0",
        "limit=-1",
        "limit=abc",
        "limit=1e3",
        "limit=%D9%A3",  # an Arabic-Indic digit
        "offset=-5",
        "offset=99999999999999999999999999",
        "offset=1.5",
        "state=bogus",
        "theme=no-such-theme",
        "locale=xx",
        "order=email",
        "order=user__email",
        "order=themes",  # a join: one row per theme
        "order=title,state",
        "fields=themes(name)",
        "fields=title(",
        "fields=links(answers)",
        "fields=user",
        "fields=contact_email",
        "fields=questions",  # detail only
        "translation_of=abc",
        "translation_of=99999999999999999999",
        "owner=1",
        "search=x&search_operator=xor",
    ],
)
def test_bad_query_gets_400_with_a_message(client, world, query):
    response = client.get(f"{API}consultations/?{query}")
    assert response.status_code == 400, response.content
    assert response.json()["message"]


@pytest.mark.parametrize(
    "path",
    [
        "commitments/?limit=1000000",
        "commitments/?status=bogus",
        "commitments/?consultation=abc",
        "commitments/?consultation=99999999999999999999999",
        "commitments/?outcome_item=-1",
        "commitments/?theme=nope",
        "commitments/?user=1",
        "commitments/1/?fields=*",
        "consultations/{id}/answers/?limit=101",
        "consultations/{id}/answers/?moderation=pending",
        "consultations/{id}/answers/?offset=x",
        "consultations/{id}/what-we-heard/?question=1",
        "consultations/{id}/?state=open",
        "?x=1",
        "schema/?format=yaml",
    ],
)
def test_bad_query_of_any_endpoint_gets_400_with_a_message(client, world, path):
    response = client.get(API + path.format(id=world["public"].pk))
    assert response.status_code == 400, response.content
    assert response.json()["message"]


@pytest.mark.parametrize("path", ["consultations/0/answers/", "commitments/12345678/"])
def test_unknown_ids_get_404_in_json(client, world, path):
    response = client.get(API + path)
    assert response.status_code == 404
    assert response.json()["message"]


def test_ids_longer_than_any_database_id_get_404(client, world):
    # participation.middleware turns them away before any view (an OverflowError on SQLite).
    assert client.get(API + "consultations/99999999999999999999/").status_code == 404


def test_writes_are_refused_in_json(client, world):
    for method in (client.post, client.put, client.delete, client.options):
        response = method(API + "consultations/")
        assert response.status_code == 405
        assert response.json()["message"] == "Only GET is allowed."


def test_json_whatever_the_client_accepts(client, world):
    response = client.get(API + "consultations/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"


def test_detail_keeps_its_licence_whatever_the_fields_asked(client, world):
    data = client.get(f"{API}consultations/{world['public'].pk}/?fields=_,title").json()
    assert data == {
        "title": "Recognition of qualifications",
        "meta": {
            "licence": "CC-BY-4.0",
            "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        },
    }
    listed = client.get(f"{API}consultations/?fields=_,title&order=-title,id").json()
    assert listed["items"] == [{"title": "Recognition of qualifications"}]


JUNK = ["x" * 20000, "\x00\x01\x02", "<script>alert(1)</script>", "١٢٣ ሰላም Привіт", "%00", "../.."]
JUNK_PATHS = [
    "consultations/?search={junk}",
    "consultations/?search={junk}&search_operator=and",
    "consultations/?state={junk}&theme={junk}",
    "consultations/?locale={junk}",
    "consultations/?order={junk}",
    "consultations/?fields={junk}",
    "consultations/?translation_of={junk}",
    "consultations/?limit={junk}&offset={junk}",
    "consultations/?{junk}={junk}",
    "consultations/{id}/?fields={junk}",
    "consultations/{id}/answers/?limit={junk}",
    "consultations/{id}/what-we-heard/?offset={junk}",
    "commitments/?theme={junk}&status={junk}&consultation={junk}&outcome_item={junk}",
    "commitments/?locale={junk}",
]


def test_junk_in_any_parameter_gets_json_never_a_500(client, world, settings):
    settings.PARTICIPATION_API_RATE = "100000/minute"
    from urllib.parse import quote

    for junk in JUNK:
        for template in JUNK_PATHS:
            path = API + template.format(id=world["public"].pk, junk=quote(junk))
            response = client.get(path)
            assert response.status_code < 500, path[:200]
            if "\x00" not in junk:  # NUL bytes are refused before any view (a plain 400)
                assert response["Content-Type"] == "application/json", path[:200]
