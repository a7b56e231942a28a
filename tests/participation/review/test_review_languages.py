"""The review engine in the reader's language: a process's name (marked English when its owner
offers no translation), the algorithms' reasons, dates in the call's zone, and each line of a
free text in its own direction."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from review_doubles import CallDouble
from review_helpers import assign_pair, submit
from wagtail.users.models import UserProfile

from participation.review import reasons, services
from participation.review.models import Assignment, ConflictDeclaration, Quota

pytestmark = pytest.mark.django_db

MIXED = "هذا الطلب قوي جدا.\nThe budget is realistic.\nالخبرة ممتازة."


def page(client, name, *args, language="en"):
    with translation.override(language):
        url = reverse(name, args=args)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_an_owner_without_translations_gives_the_stored_name_marked_english(client, world):
    """The call double offers no ``review_process_titles``: a French reviewer reads the stored
    name, marked English; an English one reads it plainly."""
    alice = world.reviewers[0]
    assign_pair(world, world.items[0], alice)
    client.force_login(alice.user)
    french = page(client, "review:workspace", language="fr")
    assert '<span lang="en" dir="ltr">Migrant Expert Group 2026</span>' in french
    english = page(client, "review:workspace")
    assert "Migrant Expert Group 2026" in english
    assert '<span lang="en" dir="ltr">Migrant Expert Group 2026' not in english


def test_item_noun_is_read_in_the_readers_language(world):
    with translation.override("fr"):
        assert world.items[0].label == "Candidature 1"  # "Application": a catalogue's text
    world.process.item_noun = "Dossier de candidature spécial"  # an editor's own word
    assert world.items[0].label == "Dossier de candidature spécial 1"


def test_phase_dates_name_the_owners_zone(client, world, monkeypatch):
    monkeypatch.setattr(CallDouble, "time_zone", "Asia/Kolkata", raising=False)
    alice = world.reviewers[0]
    assign_pair(world, world.items[0], alice)
    client.force_login(alice.user)
    workspace = page(client, "review:workspace")
    assert "India Standard Time" in workspace
    local = world.phase.closes_at.astimezone(timezone.get_fixed_timezone(330))
    assert f"{local:%H:%M}" in workspace
    item = page(client, "review:item", world.process.pk, world.items[0].number)
    assert "India Standard Time" in item


def test_assignment_reason_in_french(world):
    world.process.reviews_per_item = 4  # only three reviewers
    world.process.save()
    with translation.override("fr"), pytest.raises(services.ReviewError) as caught:
        services.assign_reviewers(world.phase, world.editor)
    assert str(caught.value) == (
        "Aucune attribution ne respecte les règles : chaque dossier demande 4 évaluateurs "
        "différents, mais le nombre d’évaluateurs est de 3."
    )


def test_conflicted_items_are_named_in_french(world):
    for reviewer in world.reviewers[:2]:
        services.declare_conflict(
            world.items[2], reviewer, ConflictDeclaration.Kind.PERSONAL, actor=reviewer.user
        )
    with translation.override("fr"), pytest.raises(services.ReviewError) as caught:
        services.assign_reviewers(world.phase, world.editor)
    message = str(caught.value)
    assert "sans conflit d’intérêts ni paire exclue (1) : Candidature 3 (évaluateurs " in message
    assert "possibles : 1)" in message
    assert "Application" not in message


def _infeasible(world):
    services.assign_reviewers(world.phase, world.editor, seed=1)
    for assignment in Assignment.objects.filter(phase=world.phase, active=True):
        submit(assignment)
    Quota.objects.create(process=world.process, attribute="gender", value="f", min=5)
    return services.run_selection(world.phase, 2, world.editor)


def test_selection_reasons_in_french(client, world):
    run = _infeasible(world)
    assert not run.feasible
    assert "The quotas cannot all be met" in run.result["explanation"]  # stored as computed
    with translation.override("fr"):
        described = reasons.described(run.result)
    assert described["explanation"].startswith(
        "Les quotas ne peuvent pas tous être respectés. Ces limites ne peuvent pas être "
        "respectées ensemble : gender = f : au moins 5"
    )
    assert [c["description"] for c in described["relaxation"]] == [
        "gender = f : abaisser « au moins » de 5 à 2"
    ]
    # The editor's page, in French.
    profile = UserProfile.get_for_user(world.editor)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(world.editor)
    shown = client.get(
        reverse("review_admin:selection_run", args=[world.process.pk, run.pk])
    ).content.decode()
    assert "gender = f : abaisser « au moins » de 5 à 2" in shown
    assert "lower gender=f" not in shown


def test_a_feasible_selection_explained_in_french():
    result = {"feasible": True, "n": 3, "merit": 12.5, "price_of_diversity": 0.75}
    with translation.override("fr"):
        text = reasons.selection_explanation(result)
    assert text == (
        "Sélectionnés : 3 ; mérite total 12,50, soit 0,75 de moins que les 3 premiers au seul "
        "mérite."
    )


def test_a_comment_mixing_arabic_and_english_lines_gets_a_direction_per_line(client, world):
    alice = world.reviewers[0]
    assignment = assign_pair(world, world.items[0], alice)
    services.declare_conflict(
        world.items[0], alice, ConflictDeclaration.Kind.NONE, actor=alice.user
    )
    submit(assignment, comments=MIXED)
    world.phase.closes_at = timezone.now() - timedelta(minutes=1)  # read, not edited
    world.phase.opens_at = timezone.now() - timedelta(days=3)
    world.phase.save()
    client.force_login(alice.user)
    item = page(client, "review:item", world.process.pk, world.items[0].number, language="ar")
    assert '<span class="user-line" dir="rtl">هذا الطلب قوي جدا.</span>' in item
    assert '<span class="user-line" dir="ltr">The budget is realistic.</span>' in item


def test_conflict_details_and_waiver_reasons_in_the_admin_get_a_direction_per_line(client, world):
    bruno = world.reviewers[1]
    services.declare_conflict(
        world.items[1], bruno, ConflictDeclaration.Kind.OTHER, MIXED, actor=bruno.user
    )
    services.grant_waiver(world.items[1], bruno, "Distant relation.\nقرابة بعيدة.", world.editor)
    client.force_login(world.editor)
    shown = client.get(reverse("review_admin:conflicts", args=[world.process.pk])).content.decode()
    assert '<span class="user-line" dir="ltr">The budget is realistic.</span>' in shown
    assert '<span class="user-line" dir="rtl">قرابة بعيدة.</span>' in shown


def test_admin_index_queries_do_not_grow_with_processes(client, world, make_process):
    """In French (names looked up for every process) the listing costs the same with one or
    four processes."""
    profile = UserProfile.get_for_user(world.editor)
    profile.preferred_language = "fr"
    profile.save()
    client.force_login(world.editor)
    url = reverse("review_admin:index")

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries), response.content.decode()

    small, shown = count()
    assert shown.count('<span lang="en" dir="ltr">') == 1
    for i in range(3):
        make_process(name=f"Call {i}", owner=CallDouble.objects.create(name=f"Call {i}"))
    large, shown = count()
    assert shown.count('<span lang="en" dir="ltr">') == 4
    assert small == large


INFEASIBLE = {
    # code: (items, reviewers, k, conflicts, fixed, forbidden)
    "no_reviewers": ([0], "", 1, [], [], []),
    "too_few_reviewers": ([0], "ab", 3, [], [], []),
    "fixed_conflicted": ([0], "ab", 1, [(0, "a")], [(0, "a")], []),
    "fixed_forbidden": ([0], "ab", 1, [], [(0, "a")], [(0, "a")]),
    "items_short": ([0, 1], "abc", 2, [(1, "a"), (1, "b")], [], []),
    "too_many_fixed": ([0, 1, 2, 3], "abc", 1, [], [(0, "a"), (0, "b")], []),
    "fixed_overload": ([0, 1, 2, 3], "ab", 1, [], [(0, "a"), (1, "a"), (2, "a")], []),
    "unbalanced_loads": ([0, 1, 2, 3], "abcd", 1, [(i, "d") for i in range(4)], [], []),
}


@pytest.mark.parametrize("code", sorted(INFEASIBLE))
def test_every_assignment_failure_is_written_from_the_catalogues(code):
    """Each code the pure algorithm gives has its sentence, in French and Arabic, with the ids
    (never the English fallback)."""
    from participation.review.algorithms import AssignmentInfeasible, Item, Reviewer, assign

    items, names, k, conflicts, fixed, forbidden = INFEASIBLE[code]
    with pytest.raises(AssignmentInfeasible) as caught:
        assign(
            [Item(i) for i in items],
            [Reviewer(name) for name in names],
            k,
            conflicts,
            fixed=fixed,
            forbidden=forbidden,
        )
    error = caught.value
    assert error.code == code
    for language in ("fr", "ar"):
        with translation.override(language):
            text = reasons.assignment_reason(error, lambda key: f"Reviewer {key.upper()}")
        assert text and text != error.reason
        assert "%(" not in text
        if error.reviewers:
            assert f"Reviewer {error.reviewers[0].upper()}" in text


def test_long_lists_are_cut_with_a_count_in_the_readers_language():
    with translation.override("fr"):
        text = reasons.names([f"Dossier {i}" for i in range(25)])
    assert text.startswith("Dossier 0, Dossier 1") and text.endswith("et 5 de plus")
