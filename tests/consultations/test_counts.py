"""The answer counts (consultations.counts) against a full recount, after every kind of change."""

import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from consultations import counts, languages, services
from consultations.models import AnswerCount, Response
from participation.accounts.services import delete_account
from participation.organisations.models import Organisation
from participation.questionnaire.export import snapshot
from participation.questionnaire.structure import parse
from participation.submissions.services import start_or_resume

TEXTS = [
    "We ask the Commission to cut fees and decide every application within three months.",
    "We ask the Commission to cut fees and decide every application within three months!",
    "Interpreters in every office, please.",
    "ترجمة المستندات مجاناً",
    "Визнавайте дипломи швидше.",
]
COUNTRIES = ["DE", "FR", "SY", "UA", "AF", "ER", ""]
LANGUAGES = ["en", "ar", "uk", "fr", ""]


def random_answers(rng, snap) -> dict:
    """Answers to the questionnaire of `snap`, some left out, some "other" texts."""
    answers = {}
    for question_id, question in snap.items():
        if rng.random() < 0.2:
            continue
        kind, values = question["type"], [o["value"] for o in question["options"]]
        settings = question.get("settings") or {}
        if kind == "yes_no":
            answers[question_id] = rng.random() < 0.6
        elif kind == "single_choice":
            if settings.get("allow_other") and rng.random() < 0.2:
                answers[question_id] = {"choice": "", "other": rng.choice(TEXTS)}
            else:
                answers[question_id] = {"choice": rng.choice(values)}
        elif kind == "multiple_choice":
            answer = {"choices": rng.sample(values, rng.randint(0, len(values)))}
            if settings.get("allow_other") and rng.random() < 0.2:
                answer["other"] = rng.choice(TEXTS)
            answers[question_id] = answer
        elif kind == "scale":
            low, high = settings.get("scale_min", 1), settings.get("scale_max", 5)
            answers[question_id] = rng.choice([*range(low, high + 1), "dont_know"])
        elif kind == "ranking":
            answers[question_id] = rng.sample(values, len(values))
        elif kind in {"short_text", "long_text"}:
            answers[question_id] = rng.choice(TEXTS)
    return answers


def grouped(queryset, column):
    rows = queryset.exclude(**{column: ""}).values_list(column).annotate(n=Count("pk"))
    return dict(rows.order_by())


def assert_counts_right(consultation):
    """The table equals a recount from the answers, and its totals equal plain GROUP BYs."""
    assert counts.current(consultation.pk) == counts.recount(consultation.pk)
    heard = counts.summary(consultation.pk)
    counted = Response.objects.filter(consultation=consultation, status="submitted", spam=False)
    assert heard["totals"] == counted.aggregate(
        responses=Count("pk"),
        organisations=Count("organisation", distinct=True),
        individuals=Count("pk", filter=Q(organisation__isnull=True)),
    )
    assert heard["by_country"] == grouped(counted, "country")
    assert heard["by_language"] == grouped(counted, "language")
    assert heard["by_detected_language"] == grouped(counted, "detected_language")
    assert heard["by_channel"] == grouped(counted, "channel")
    assert heard["by_organisation_kind"] == dict(
        counted.filter(organisation__isnull=False)
        .values_list("organisation__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    assert {c["campaign"]: c["n"] for c in heard["campaigns"]} == {
        campaign: n for campaign, n in grouped(counted, "campaign").items() if n > 1
    }
    assert not AnswerCount.objects.filter(n__lt=0).exists()


class World:
    """People, organisations and their answers to one consultation, changed at random."""

    def __init__(self, consultation, make_user, make_organisation, rng):
        self.consultation = consultation
        self.snap = snapshot(parse(consultation.questionnaire))
        self.rng = rng
        self.make_user = make_user
        self.people = [self.new_person() for _ in range(24)]
        self.organisations = []
        for n in range(4):
            admin = self.new_person()
            kind = rng.choice(Organisation.Kind.values)
            self.organisations.append(make_organisation(admin, name=f"Organisation {n}", kind=kind))

    def new_person(self):
        self.made = getattr(self, "made", 0) + 1
        return self.make_user(f"p{self.made}@example.org")

    def admin_of(self, organisation):
        return organisation.memberships.get(role="admin").user

    def live(self):
        return Response.objects.filter(consultation=self.consultation).exclude(status="withdrawn")

    def submitted(self):
        return list(self.live().filter(status="submitted").order_by("pk"))

    def author(self, response):
        if response.organisation_id:
            return self.admin_of(response.organisation)
        return response.user

    def with_author(self, responses):
        """Those someone can still change (not those of deleted accounts)."""
        return [r for r in responses if r.organisation_id or r.user_id]

    def fill_and_submit(self, response, user):
        Response.objects.filter(pk=response.pk).update(
            answers=random_answers(self.rng, self.snap),
            questionnaire_snapshot=self.snap,
            country=self.rng.choice(COUNTRIES),
            language=self.rng.choice(LANGUAGES),
        )
        response.refresh_from_db()
        services.submit_response(response, user, self.rng.choice(["named", "private"]))

    # The operations -------------------------------------------------------------------------

    def submit(self):
        rng = self.rng
        if self.organisations and rng.random() < 0.25:
            organisation = rng.choice(self.organisations)
            user = self.admin_of(organisation)
        else:
            organisation, user = None, rng.choice(self.people)
        response, _ = start_or_resume(
            Response,
            "consultation",
            self.consultation,
            user,
            organisation,
            respondent_type="organisation" if organisation else "individual",
        )
        if response.is_draft:
            self.fill_and_submit(response, user)

    def change(self):
        if submitted := self.with_author(self.submitted()):
            response = self.rng.choice(submitted)
            user = self.author(response)
            draft = services.reopen_response(response, user)
            if self.rng.random() < 0.8:  # some stay drafts
                self.fill_and_submit(draft, user)

    def withdraw(self):
        if live := self.with_author(self.live().order_by("pk")):
            response = self.rng.choice(live)
            services.withdraw_response(response, self.author(response))

    def spam(self):
        if submitted := self.submitted():
            response = self.rng.choice(submitted)
            services.update_responses(
                Response.objects.filter(pk=response.pk), spam=not response.spam
            )

    def channel(self):  # an answer entered or imported by the team, or corrected
        if live := list(self.live().order_by("pk")):
            response = self.rng.choice(live)
            services.update_responses(
                Response.objects.filter(pk=response.pk),
                channel=self.rng.choice(Response.Channel.values),
            )

    def campaigns(self):
        services.detect_campaigns(self.consultation)

    def erase(self):
        services.erase_personal_data(self.consultation)

    def detect_languages(self):  # the background job (consultations.languages)
        languages.detect_due(batch=7)

    def delete_person(self):
        people = [p for p in self.people if p.pk]
        person = self.rng.choice(people)
        self.people.remove(person)
        delete_account(person)  # its answers are anonymised first (a hook), then it goes
        self.people.append(self.new_person())

    def organisation_kind(self):
        if self.organisations:
            organisation = self.rng.choice(self.organisations)
            organisation.kind = self.rng.choice(Organisation.Kind.values)
            with transaction.atomic():
                organisation.save()

    def delete_answer(self):  # an editor deletes one in the admin
        if live := list(self.live().order_by("pk")):
            self.rng.choice(live).delete()

    def delete_organisation(self):  # its answers stay, without an organisation
        if self.organisations:
            self.organisations.pop(self.rng.randrange(len(self.organisations))).delete()


OPERATIONS = [
    ("submit", 40),
    ("change", 12),
    ("withdraw", 8),
    ("spam", 10),
    ("channel", 5),
    ("campaigns", 3),
    ("erase", 1),
    ("detect_languages", 5),
    ("delete_person", 3),
    ("organisation_kind", 4),
    ("delete_answer", 2),
    ("delete_organisation", 1),
]


def test_counts_equal_a_recount_after_random_operations(consultation, make_user, make_organisation):
    rng = random.Random(21)
    world = World(consultation, make_user, make_organisation, rng)
    names, weights = zip(*OPERATIONS, strict=True)
    done = []
    for _batch in range(12):
        for _ in range(30):
            name = rng.choices(names, weights)[0]
            getattr(world, name)()
            done.append(name)
        assert_counts_right(consultation)
    assert set(done) == set(names)  # every kind of change was made
    assert counts.summary(consultation.pk)["totals"]["responses"] > 10


def test_rebuild_command_corrects_the_table(consultation, make_user, make_organisation):
    world = World(consultation, make_user, make_organisation, random.Random(5))
    for _ in range(12):
        world.submit()
    right = counts.current(consultation.pk)
    AnswerCount.objects.filter(consultation=consultation, dimension=counts.ANSWER).update(n=99)
    AnswerCount.objects.filter(consultation=consultation, dimension=counts.COUNTRY).delete()
    AnswerCount.objects.create(consultation=consultation, dimension="country", value="XX", n=3)
    out = StringIO()
    call_command("rebuild_answer_counts", "--consultation", str(consultation.pk), stdout=out)
    assert "counts corrected" in out.getvalue()
    assert counts.current(consultation.pk) == right == counts.recount(consultation.pk)
    out = StringIO()
    call_command("rebuild_answer_counts", stdout=out)
    assert "the counts were right" in out.getvalue()


def test_rebuild_command_names_an_unknown_consultation(db):
    with pytest.raises(CommandError, match="No consultation has the page id 999999"):
        call_command("rebuild_answer_counts", "--consultation", "999999")


def _add_answers(consultation, count, rng):
    """Submitted answers inserted in bulk and counted (as the bench data is)."""
    snap = snapshot(parse(consultation.questionnaire))
    have = Response.objects.count()
    with transaction.atomic():
        added = Response.objects.bulk_create(
            Response(
                consultation=consultation,
                respondent_type="individual",
                status="submitted",
                country=rng.choice(COUNTRIES),
                language=rng.choice(LANGUAGES),
                answers=random_answers(rng, snap),
                questionnaire_snapshot=snap,
                receipt_number=f"CONS-T-{have + n:06d}",
            )
            for n in range(count)
        )
        services.count_added(Response.objects.filter(pk__in=[r.pk for r in added]))


def test_what_we_heard_queries_are_the_same_at_10_and_200_answers(client, consultation):
    from django.core.cache import cache

    rng = random.Random(7)
    page = consultation.url + "what-we-heard/"
    client.get(page)  # the first request of a site creates its settings
    sizes = {}
    for size in (10, 200):
        _add_answers(consultation, size - Response.objects.count(), rng)
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            heard = services.what_we_heard(consultation)
        with CaptureQueriesContext(connection) as warm:
            assert services.what_we_heard(consultation) == heard
        cache.clear()
        with CaptureQueriesContext(connection) as cold_page:
            assert client.get(page).status_code == 200
        sizes[size] = (len(cold), len(warm), len(cold_page))
        assert heard["totals"]["responses"] == size
    assert sizes[10] == sizes[200]
    assert sizes[10][:2] == (2, 1)  # the answers' version, then the counts table


def test_a_submit_shows_in_what_we_heard_at_once(consultation, answer, make_user):
    first = answer(make_user("a@example.org"), {}, country="SY")
    assert services.what_we_heard(consultation)["by_country"] == {"SY": 1}  # now cached
    answer(make_user("b@example.org"), {}, country="SY")
    assert services.what_we_heard(consultation)["by_country"] == {"SY": 2}
    services.update_responses(Response.objects.filter(pk=first.pk), spam=True)
    assert services.what_we_heard(consultation)["by_country"] == {"SY": 1}


def test_editor_flags_spam_in_the_admin_and_the_counts_follow(
    client, editor, consultation, answer, make_user
):
    done = answer(make_user("a@example.org"), {}, country="ER")
    client.force_login(editor)
    edit = f"/admin/consultations/responses/edit/{done.pk}/"
    form = {
        "moderation": "approved",
        "spam": "on",
        "tags": "",
        "redactions-TOTAL_FORMS": "0",
        "redactions-INITIAL_FORMS": "0",
        "redactions-MIN_NUM_FORMS": "0",
        "redactions-MAX_NUM_FORMS": "1000",
    }
    assert client.post(edit, form).status_code == 302
    done.refresh_from_db()
    assert done.spam
    assert services.what_we_heard(consultation)["totals"]["responses"] == 0
    assert_counts_right(consultation)
    del form["spam"]
    assert client.post(edit, form).status_code == 302
    assert services.what_we_heard(consultation)["by_country"] == {"ER": 1}
    assert_counts_right(consultation)


def test_answers_by_channel_in_what_we_heard_once_another_channel_is_there(
    client, consultation, answer, make_user
):
    """Channels (issue 20 point 4): counted like every other dimension; what we heard shows
    the table only once an answer came another way than online."""
    first = answer(make_user("a@example.org"), {})
    answer(make_user("b@example.org"), {})
    page = consultation.url + "what-we-heard/"
    assert services.what_we_heard(consultation)["by_channel"] == {"online": 2}
    assert "How the answers reached us" not in client.get(page).content.decode()
    services.update_responses(Response.objects.filter(pk=first.pk), channel="paper")
    assert services.what_we_heard(consultation)["by_channel"] == {"online": 1, "paper": 1}
    body = client.get(page).content.decode()
    assert "How the answers reached us" in body
    assert '<th scope="row">Paper</th><td>1</td>' in body


def test_migration_counts_every_earlier_answer_as_online(consultation, answer, make_user):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("consultations.migrations.0018_response_channel")
    answer(make_user("a@example.org"), {})
    answer(make_user("b@example.org"), {})
    AnswerCount.objects.filter(dimension=counts.CHANNEL).delete()  # as before the migration
    migration.count_online(apps, None)
    assert counts.summary(consultation.pk)["by_channel"] == {"online": 2}
    assert counts.current(consultation.pk) == counts.recount(consultation.pk)


def test_moderation_lists_and_filters_answers_by_channel(
    client, editor, consultation, answer, make_user
):
    online = answer(make_user("a@example.org"), {})
    paper = answer(make_user("b@example.org"), {})
    services.update_responses(Response.objects.filter(pk=paper.pk), channel="paper")
    client.force_login(editor)
    index = "/admin/consultations/responses/"
    body = client.get(index, {"channel": "paper"}).content.decode()
    assert paper.receipt_number in body and online.receipt_number not in body
    body = client.get(index).content.decode()
    assert "Channel" in body and "Paper" in body  # the column and the filter's choices
