"""Selection runs: quotas over plugin attributes, every run stored with its inputs and result,
re-running gives the same result, infeasibility explained, reserves, applying a run."""

import pytest
from review_helpers import make_application, score_candidates

from participation.audit.services import history
from participation.review import services
from participation.review.models import ItemStatus, Quota, SelectionRun

pytestmark = pytest.mark.django_db

PEOPLE = [  # name, relevance, experience, gender, regions
    ("P1", 5, 20, "m", ["north"]),
    ("P2", 5, 18, "m", ["north"]),
    ("P3", 4, 17, "m", ["south"]),
    ("P4", 3, 15, "f", ["south"]),
    ("P5", 2, 12, "f", ["north", "east"]),
    ("P6", 1, 5, "x", ["east"]),
]


@pytest.fixture
def scored(world, make_process):
    process = make_process(name="Expert group: final", seats=3)
    phase, items = score_candidates(
        world,
        process,
        [(n, r, e, {"gender": g, "region": regions}) for n, r, e, g, regions in PEOPLE],
    )
    world.final, world.final_phase, world.final_items = process, phase, items
    return world


def quota(process, attribute, value, low=None, high=None):
    return Quota.objects.create(
        process=process, attribute=attribute, value=value, min=low, max=high
    )


def test_selection_by_merit_under_quotas_with_price_of_diversity(scored):
    quota(scored.final, "gender", "f", low=2)
    run = services.run_selection(scored.final_phase, 3, scored.editor, basis="raw")
    result = run.result
    ids = {item.number: item.pk for item in scored.final_items}
    assert run.feasible and result["feasible"]
    assert result["selected"] == [ids[1], ids[4], ids[5]]
    assert result["unconstrained_top"] == [ids[1], ids[2], ids[3]]
    assert result["price_of_diversity"] == pytest.approx((30 + 28 + 25) - (30 + 21 + 16))
    row = result["quota_table"][0]
    assert (row["achieved"], row["in_unconstrained_top"], row["available"]) == (2, 0, 2)
    # Every selected member has a designated replacement that keeps the quotas, or none.
    replacements = dict(result["replacements"])
    assert replacements[ids[1]] == ids[2]
    assert replacements[ids[4]] is None and ids[4] in result["unreplaceable"]
    assert [e["candidate"] for e in result["reserve"]][:1] == [ids[2]]


def test_every_run_is_stored_with_its_inputs_and_re_running_gives_the_same_result(scored):
    quota(scored.final, "region", "north", high=2)
    run = services.run_selection(scored.final_phase, 3, scored.editor, seed=11)
    stored = SelectionRun.objects.get(pk=run.pk)
    assert stored.inputs["n"] == 3 and stored.inputs["seed"] == 11
    assert stored.inputs["quotas"] == [
        {"attribute": "region", "value": "north", "min": None, "max": 2}
    ]
    candidate = stored.inputs["candidates"][4]
    assert candidate["attributes"] == {"gender": "f", "region": ["east", "north"]}
    assert services.compute_selection(stored.inputs) == stored.result
    assert services.rerun_matches(stored)
    # Reviews changing later do not change what the stored run says.
    second = services.run_selection(scored.final_phase, 3, scored.editor, seed=11)
    assert second.result == stored.result and second.pk != stored.pk
    event = history(scored.final).filter(action="selection.run").first()
    assert event.data["run"] == run.pk and event.data["selected"]


def test_a_tampered_run_is_detected(scored):
    run = services.run_selection(scored.final_phase, 2, scored.editor)
    run.result["selected"] = list(reversed(run.result["selected"]))
    run.save()
    assert not services.rerun_matches(run)
    with pytest.raises(services.ReviewError, match="different result"):
        services.apply_selection(run, scored.editor)


def test_infeasible_quotas_are_explained_with_a_relaxation(scored):
    quota(scored.final, "gender", "f", low=3)  # only two women
    quota(scored.final, "gender", "x", low=1)
    run = services.run_selection(scored.final_phase, 3, scored.editor)
    result = run.result
    assert not run.feasible and result["selected"] == []
    assert "cannot all be met" in result["explanation"]
    descriptions = [c["description"] for c in result["conflicting"]]
    assert any("gender=f at least 3" in d for d in descriptions)
    assert result["relaxation"] == [
        {
            "quota": {"attribute": "gender", "value": "f", "min": 3, "max": None},
            "kind": "min",
            "current": 3,
            "proposed": 2,
            "description": "lower gender=f min from 3 to 2",
        }
    ]
    with pytest.raises(services.ReviewError, match="nothing to apply"):
        services.apply_selection(run, scored.editor)
    services.apply_relaxation(run, scored.editor)
    assert Quota.objects.get(value="f").min == 2
    assert services.run_selection(scored.final_phase, 3, scored.editor).feasible


def test_more_seats_than_candidates(scored):
    run = services.run_selection(scored.final_phase, 10, scored.editor)
    assert not run.feasible and "Only 6 candidates for 10 seats" in run.result["explanation"]


def test_no_reviews_no_selection(world):
    with pytest.raises(services.ReviewError, match="nothing to select"):
        services.run_selection(world.phase, 2, world.editor)


def test_seats_must_be_positive(scored):
    with pytest.raises(services.ReviewError):
        services.run_selection(scored.final_phase, 0, scored.editor)


def test_applying_marks_selected_reserve_and_not_selected(scored):
    quota(scored.final, "gender", "f", low=1)
    run = services.run_selection(scored.final_phase, 2, scored.editor, basis="raw")
    services.apply_selection(run, scored.editor)
    status = {item.number: (item.status, item.reserve_rank) for item in scored.final.items.all()}
    assert status[1] == (ItemStatus.SELECTED, None)
    assert status[4] == (ItemStatus.SELECTED, None)
    reserve = [n for n, (s, _r) in status.items() if s == ItemStatus.RESERVE]
    assert reserve and status[reserve[0]][1] >= 1
    run.refresh_from_db()
    assert run.applied_at and run.applied_by == scored.editor
    assert history(scored.final).filter(action="selection.applied").exists()


def test_items_without_counted_reviews_are_left_out_and_listed(scored):
    services.sync_item(scored.final, make_application(scored.call, name="Unreviewed"))
    run = services.run_selection(scored.final_phase, 2, scored.editor)
    assert run.inputs["left_out"] == ["Application 7"]
    assert len(run.inputs["candidates"]) == 6
