"""Points 4 to 6: screening in bulk with reasons, review and selection through the engine
(quotas on the plugin's attributes, reserve list, infeasible quotas), decisions, letters in the
applicant's language with per-criterion feedback, replacement from the reserve list."""

import pytest
from django.core import mail
from wagtail.models import Locale

from expertgroup import services
from expertgroup.models import Application, Decision, LetterTemplate, Screening
from participation.review import services as review
from participation.review.models import ItemStatus, Quota
from themes.figures import participation_figures

pytestmark = pytest.mark.django_db


def test_screening_bulk_records_per_criterion_with_reason(
    call, editor, make_user, make_application
):
    apps = [make_application(make_user(f"p{i}@example.org")) for i in range(3)]
    ids = [a.pk for a in apps]
    assert services.record_screening(call, ids, "residence", True, "", editor) == 3
    assert all(s.eligible is None for s in Screening.objects.all())  # one criterion to go
    services.record_screening(call, ids[:2], "experience", True, "", editor)
    services.record_screening(call, ids[2:], "experience", False, "Two years only.", editor)
    eligible = dict(Screening.objects.values_list("application_id", "eligible"))
    assert eligible == {ids[0]: True, ids[1]: True, ids[2]: False}
    assert services.unmet_reasons(Application.objects.get(pk=ids[2])) == [
        ("Five years of work", "Two years only.")
    ]


@pytest.mark.parametrize(
    "criterion, met, reason, message",
    [
        ("residence", False, "  ", "Give a reason"),
        ("unknown", True, "", "eligibility criteria"),
    ],
)
def test_screening_bad_input_refused(
    call, editor, make_user, make_application, criterion, met, reason, message
):
    application = make_application(make_user("p@example.org"))
    with pytest.raises(services.ScreeningError, match=message):
        services.record_screening(call, [application.pk], criterion, met, reason, editor)
    assert not Screening.objects.exists()


def test_screening_ignores_drafts_and_other_calls_ids(call, editor, make_user, make_application):
    draft = make_application(make_user("p@example.org"), submit=False)
    with pytest.raises(services.ScreeningError, match="at least one submitted"):
        services.record_screening(call, [draft.pk, 987654], "residence", True, "", editor)


def test_screening_admin_page_keeps_ticks_and_reason_on_error(
    client, call, editor, make_user, make_application
):
    from django.urls import reverse

    application = make_application(make_user("p@example.org"))
    client.force_login(editor)
    url = reverse("expertgroup_admin:screening", args=[call.pk])
    response = client.post(
        url,
        {
            "criterion": "residence",
            "met": "0",
            "reason": "",
            "applications": [str(application.pk), "x"],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        "Give a reason" in body
        and f'value="{application.pk}" id="app-{application.pk}" checked' in body
    )
    response = client.post(
        url,
        {
            "criterion": "residence",
            "met": "0",
            "reason": "Lives in Canada",
            "applications": [str(application.pk)],
        },
    )
    assert response.status_code == 302
    assert Screening.objects.get().eligible is False


def test_screening_notice_sent_with_reasons_once(
    call, editor, make_user, make_application, django_capture_on_commit_callbacks
):
    application = make_application(make_user("p@example.org"))
    services.record_screening(
        call, [application.pk], "residence", False, "Lives in Canada.", editor
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_screening_notices(call, editor) == 1
    assert len(mail.outbox) == 1
    assert "Lives in Canada." in mail.outbox[0].body and "Lives in the EU" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_screening_notices(call, editor) == 0
    application.refresh_from_db()
    assert application.decision == Decision.INELIGIBLE


def test_selection_imports_only_eligible_and_reviewers_never_see_the_ineligible(selection_world):
    world = selection_world
    goran = world.by_name["Goran Petrov"]
    assert goran.pk not in world.items
    assert len(world.items) == 6
    # Automatic assignment: every item has 2 active assignments.
    counts = {
        item.pk: item.assignments.filter(active=True).count() for item in world.items.values()
    }
    assert set(counts.values()) == {2}


def test_selection_with_quotas_reserve_decisions_and_letters(
    selection_world, django_capture_on_commit_callbacks, make_user
):
    world = selection_world
    # At least one woman among 3 seats, at most 2 academics: the top-3 by merit are Amal, Bilal
    # (academia, 5) and Chidi/Emre (4); quotas decide.
    Quota.objects.create(process=world.process, attribute="gender", value="woman", min=2)
    Quota.objects.create(process=world.process, attribute="profile", value="academia", max=1)
    run = review.run_selection(world.phase, 3, world.editor)
    assert run.feasible, run.result["explanation"]
    review.apply_selection(run, world.editor)

    def experts():
        return next(f.value for f in participation_figures() if f.key == "expertgroup.experts")

    assert experts() == 0  # the board keeps this until the group's figures change
    counts = services.sync_decisions(world.call, world.editor)
    assert counts[Decision.SELECTED] == 3
    assert experts() == 3  # decisions written in bulk: on the board at once
    selected = set(
        Application.objects.filter(decision=Decision.SELECTED).values_list("full_name", flat=True)
    )
    assert "Bilal Khan" not in selected or "Amal Saleh" not in selected  # at most one academic
    women = {"Amal Saleh", "Dana Ivanova", "Fatima Zahra"}
    assert len(selected & women) >= 2
    reserve = list(Application.objects.filter(decision=Decision.RESERVE).order_by("reserve_rank"))
    assert reserve and reserve[0].reserve_rank == 1
    # The call keeps only its reserve_size best-placed candidates in reserve.
    type(world.call).objects.filter(pk=world.call.pk).update(reserve_size=1)
    world.call.refresh_from_db()
    counts = services.sync_decisions(world.call, world.editor)
    assert counts[Decision.RESERVE] == 1 and counts[Decision.NOT_SELECTED] == 2
    reserve = list(Application.objects.filter(decision=Decision.RESERVE))

    # Letters: Amal prefers French and a French translation of the template exists.
    english = LetterTemplate.objects.create(
        kind="selected",
        subject="Welcome to {call}",
        body="Dear {name}, welcome.\n{feedback}",
        locale=Locale.get_default(),
    )
    french_locale = Locale.objects.get_or_create(language_code="fr")[0]
    english.copy_for_translation(french_locale).save()
    LetterTemplate.objects.filter(locale=french_locale).update(
        subject="Bienvenue dans {call}", body="Chère {name}, bienvenue.\n{feedback}"
    )
    for application in Application.objects.filter(decision=Decision.SELECTED):
        person = application.user
        person.preferred_language = "fr" if application.full_name == "Amal Saleh" else "de"
        person.save()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.send_decision_letters(world.call, world.editor)
    assert sent == Application.objects.exclude(decision__in=["", "ineligible"]).count()
    by_address = {m.to[0]: m for m in mail.outbox}
    amal = world.by_name["Amal Saleh"]
    if amal.full_name in selected:
        letter = by_address[amal.user.email]
        assert letter.subject.startswith("Bienvenue")
        # Per-criterion feedback: the mean of the committee's scores on each criterion.
        assert "5.0 / 5" in letter.body
    german = next(
        m
        for a in Application.objects.filter(decision=Decision.SELECTED).exclude(
            full_name="Amal Saleh"
        )
        for m in [by_address[a.user.email]]
    )
    assert german.subject.startswith("Welcome")  # no German translation: the default text
    reserve_letter = by_address[reserve[0].user.email]
    assert "number 1 on the reserve list" in reserve_letter.body
    # Sending again sends nothing twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_decision_letters(world.call, world.editor) == 0


def test_selection_infeasible_quotas_explained_and_nothing_applied(selection_world):
    world = selection_world
    Quota.objects.create(process=world.process, attribute="profile", value="trade_union", min=2)
    run = review.run_selection(world.phase, 3, world.editor)
    assert not run.feasible
    assert run.result["explanation"]
    assert any("trade_union" in c["description"] for c in run.result["conflicting"])
    with pytest.raises(review.ReviewError, match="no selection that meets the quotas"):
        review.apply_selection(run, world.editor)
    assert not Application.objects.exclude(decision__in=["", "ineligible"]).exists()


def test_selection_step_down_replaced_from_the_reserve_keeping_quotas(
    selection_world, django_capture_on_commit_callbacks
):
    world = selection_world
    Quota.objects.create(process=world.process, attribute="gender", value="woman", min=1)
    run = review.run_selection(world.phase, 3, world.editor)
    review.apply_selection(run, world.editor)
    services.sync_decisions(world.call, world.editor)
    woman = Application.objects.filter(decision=Decision.SELECTED, sensitive__gender="woman")
    member = woman.first()
    with django_capture_on_commit_callbacks(execute=True):
        replacement = services.step_down(member, world.editor, "moved abroad")
    member.refresh_from_db()
    assert member.decision == Decision.STEPPED_DOWN
    assert replacement is not None and replacement.decision == Decision.SELECTED
    assert Application.objects.filter(decision=Decision.SELECTED).count() == 3
    # The quota still holds after the replacement.
    assert Application.objects.filter(
        decision=Decision.SELECTED, sensitive__gender="woman"
    ).exists()
    item = world.items[member.pk]
    item.refresh_from_db()
    assert item.status == ItemStatus.WITHDRAWN
    assert any("reserve list" in m.body for m in mail.outbox)
    # Stepping down twice is refused with a clear message.
    with pytest.raises(services.ScreeningError, match="Only a selected member"):
        services.step_down(member, world.editor)


def test_selection_dashboard_actions(client, selection_world, django_assert_max_num_queries):
    from django.urls import reverse

    world = selection_world
    client.force_login(world.editor)
    url = reverse("expertgroup_admin:call", args=[world.call.pk])
    with django_assert_max_num_queries(45):
        response = client.get(url)
    assert response.status_code == 200
    assert "Amal Saleh" in response.content.decode()
    response = client.post(url, {"action": "announce"}, follow=True)
    assert "Nobody is selected yet" in response.content.decode()
    response = client.post(url, {"action": "bogus"}, follow=True)
    assert "Unknown action" in response.content.decode()
    run = review.run_selection(world.phase, 3, world.editor)
    review.apply_selection(run, world.editor)
    client.post(url, {"action": "sync"})
    client.post(url, {"action": "announce"})
    world.call.refresh_from_db()
    assert world.call.state == world.call.State.ANNOUNCED
    # The selection report (engine's committee report) is offered once a run is applied.
    assert "review.committee_report" in client.get(url).content.decode()


def test_selection_dashboard_forbidden_to_reviewers_and_plain_staff(
    client, selection_world, make_user
):
    from django.urls import reverse
    from expertgroup_helpers import with_totp

    world = selection_world
    url = reverse("expertgroup_admin:call", args=[world.call.pk])
    client.force_login(world.reviewers[0].user)
    assert client.get(url).status_code == 302
    staff = with_totp(make_user("staff@example.org", is_staff=True))
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code in (302, 403) and "Amal Saleh" not in response.content.decode()


def test_selection_run_page_shows_special_category_data_in_aggregate_only(client, selection_world):
    from django.urls import reverse

    world = selection_world
    run = review.run_selection(world.phase, 3, world.editor)
    client.force_login(world.editor)
    response = client.get(reverse("review_admin:selection_run", args=[world.process.pk, run.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    selected_table = body.split("<tbody>")[1].split("</tbody>")[0]
    # Ordinary quota attributes per member, named in words beside the stored key.
    assert "Profile (<code>profile</code>): " in selected_table
    assert "migrant_background" not in selected_table and "gender" not in selected_table
    assert "migrant_background" in body  # the aggregate summary for setting quotas


def test_selection_attributes_read_in_the_editors_words_and_language(client, selection_world):
    """Keys and values stay the identifiers quotas name; the call gives their labels: the
    profile, the region, the themes of expertise, gender and background, translated."""
    from django.urls import reverse
    from django.utils import translation

    from expertgroup.models import Application

    labels = Application.review_attribute_labels()
    assert set(labels) == {"profile", "region", "expertise", "gender", "migrant_background"}
    assert labels["profile"].value_label("individual") == "Individual expert"
    assert labels["region"].value_label("west") == "Western Europe"
    assert labels["expertise"].value_label("housing") == "Housing"
    assert labels["gender"].value_label("unknown-code") == "unknown-code"
    with translation.override("fr"):
        assert str(labels["region"].label) != "Region of residence"
        assert str(labels["region"].value_label("west")) != "Western Europe"

    world = selection_world
    run = review.run_selection(world.phase, 3, world.editor)
    client.force_login(world.editor)
    body = client.get(
        reverse("review_admin:selection_run", args=[world.process.pk, run.pk])
    ).content.decode()
    summary = body[body.index("Attributes of the candidates") :]
    assert "Region of residence (<code>region</code>)" in summary
    assert "Gender (<code>gender</code>)" in summary  # in aggregate only
    assert "Woman (<code>woman</code>)" in summary


def test_selection_conflicts_rounds_and_normalisation(
    selection_world, make_user, make_organisation
):
    """The organisation of an application conflicts its members out automatically; a second
    round (shortlist) takes only the kept items; normalised and raw merit are both offered."""
    from datetime import timedelta

    from django.utils import timezone

    from participation.review.models import Phase

    world = selection_world
    amal = world.by_name["Amal Saleh"]
    organisation = make_organisation(world.reviewers[0].user, name="Amal's Council")
    Application.objects.filter(pk=amal.pk).update(organisation=organisation)
    item = review.sync_item(world.process, Application.objects.get(pk=amal.pk))
    conflicts = review.pair_conflict(item, world.reviewers[0])
    assert conflicts.is_blocked(item.pk, world.reviewers[0].pk)

    raw = review.run_selection(world.phase, 2, world.editor, basis="raw")
    normalised = review.run_selection(world.phase, 2, world.editor)
    assert (raw.basis, normalised.basis) == ("raw", "normalised")
    now = timezone.now()
    shortlist = Phase.objects.create(
        process=world.process,
        kind=Phase.Kind.SHORTLIST,
        position=1,
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=3),
    )
    results = review.phase_results(world.phase, cutoff=4)
    kept = [row.item.pk for row in results.rows[:4]]
    review.advance(world.phase, kept, world.editor)
    assert set(review.phase_items(shortlist).values_list("pk", flat=True)) == set(kept)
    from expertgroup.documents import shortlist as dossier_items

    assert {i.pk for i in dossier_items(world.call)} == set(kept)


def test_selection_admin_index_step_down_by_http_and_screening_page_queries(
    client, selection_world, plain_editor, django_assert_max_num_queries
):
    from django.urls import reverse

    world = selection_world
    client.force_login(world.editor)
    index = client.get(reverse("expertgroup_admin:index"))
    assert index.status_code == 200 and world.call.title in index.content.decode()
    screening = reverse("expertgroup_admin:screening", args=[world.call.pk])
    with django_assert_max_num_queries(30):
        assert client.get(screening).status_code == 200
    run = review.run_selection(world.phase, 3, world.editor)
    review.apply_selection(run, world.editor)
    services.sync_decisions(world.call, world.editor)
    member = Application.objects.filter(decision=Decision.SELECTED).first()
    url = reverse("expertgroup_admin:application", args=[world.call.pk, member.pk])
    assert "Step down and replace" in client.get(url).content.decode()
    response = client.post(url, {"reason": "Moved to Canada"}, follow=True)
    assert "takes the seat" in response.content.decode()
    member.refresh_from_db()
    assert member.decision == Decision.STEPPED_DOWN
    response = client.post(url, {"reason": "again"}, follow=True)
    assert "Only a selected member" in response.content.decode()
    # Another editor in charge (without the sensitive-data permission) sees it too.
    client.force_login(plain_editor)
    assert world.call.title in client.get(reverse("expertgroup_admin:index")).content.decode()


def test_selection_candidates_read_in_fixed_queries(selection_world):
    """The engine loads every candidate's quota attributes (expertise, special-category data)
    with the plugin's review_queryset: no query per application."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from participation.review import services as review

    world = selection_world
    candidates, _ = review.selection_candidates(world.phase, "normalised")
    assert len(candidates) == 6 and any("gender" in c["attributes"] for c in candidates)
    assert all(c["attributes"]["expertise"] for c in candidates)
    # Six items cost what one does.
    items = list(review.phase_items(world.phase))
    with CaptureQueriesContext(connection) as again:
        subjects = review.subjects_of(items)
        for subject in subjects.values():
            subject.review_attributes()
    with CaptureQueriesContext(connection) as one:
        subjects = review.subjects_of(items[:1])
        for subject in subjects.values():
            subject.review_attributes()
    assert len(again) == len(one)
