"""Selection under quotas: candidates, the pure run, storing, applying and relaxing it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from participation.audit.services import record

from .. import algorithms
from ..interface import adapter_for
from ..models import ItemStatus, Phase, Quota, ReviewItem, SelectionRun
from .access import subjects_of
from .errors import ReviewError
from .items import phase_items
from .results import phase_results


def _attribute_value(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(str(v) for v in value)
    return str(value)


@dataclass(frozen=True)
class ShownAttribute:
    """An attribute as editors read it: the stored ``key`` (what quotas name) and its label,
    with its values as (stored value, label) pairs."""

    key: str
    label: object
    values: tuple = ()

    @property
    def labelled(self) -> bool:
        return str(self.label) != self.key


def attribute_labels_of(process) -> dict:
    """The plugin's labels for the attributes of ``process``'s items (one query: the items'
    model), in the active language when shown."""
    from ..interface import attribute_labels

    type_id = (
        ReviewItem.objects.filter(process=process)
        .values_list("subject_content_type_id", flat=True)
        .first()
    )
    if type_id is None:
        return {}
    return attribute_labels(ContentType.objects.get_for_id(type_id).model_class())


def shown_attribute(labels: dict, key: str, values=()) -> ShownAttribute:
    """``key`` and its ``values`` (a stored value, a list of them, or (value, count) pairs)
    with the plugin's words for them; what it has no word for stays as stored."""
    found = labels.get(key)
    if isinstance(values, str):
        values = [values]

    def word(value):
        return found.value_label(value) if found is not None else value

    pairs = tuple(
        (v[0], word(v[0]), *v[1:]) if isinstance(v, tuple | list) else (v, word(v)) for v in values
    )
    return ShownAttribute(key, found.label if found is not None else key, pairs)


def selection_candidates(phase: Phase, basis: str) -> tuple[list[dict], list[str]]:
    """Candidates (items of the phase with a merit) with their plugin attributes; and the labels
    of items left out because they have no counted review. The attributes keep the stored keys
    and values (quotas name them, runs are re-computed from them); pages show them through
    ``attribute_labels_of`` and ``shown_attribute``."""
    results = phase_results(phase, n_resamples=1)
    merits = results.merits(basis)
    items = list(phase_items(phase).select_related("process"))
    subjects = subjects_of(items)
    candidates, missing = [], []
    for item in items:
        if item.pk not in merits:
            missing.append(item.label)
            continue
        attributes = {}
        if subjects[item.pk] is not None:
            raw = adapter_for(subjects[item.pk]).review_attributes() or {}
            attributes = {
                str(k): _attribute_value(v)
                for k, v in raw.items()
                if _attribute_value(v) is not None
            }
        candidates.append(
            {
                "id": item.pk,
                "number": item.number,
                "merit": float(merits[item.pk]),
                "attributes": attributes,
            }
        )
    return candidates, missing


def compute_selection(inputs: dict) -> dict:
    """The pure part of a run: stored inputs in, JSON-ready result out (re-runnable)."""
    candidates = [
        algorithms.Candidate(id=c["id"], merit=c["merit"], attributes=c["attributes"])
        for c in inputs["candidates"]
    ]
    quotas = [
        algorithms.Quota(attribute=q["attribute"], value=q["value"], min=q["min"], max=q["max"])
        for q in inputs["quotas"]
    ]
    result = algorithms.select(candidates, inputs["n"], quotas, seed=inputs["seed"])

    def quota_json(quota):
        return {
            "attribute": quota.attribute,
            "value": quota.value,
            "min": quota.min,
            "max": quota.max,
        }

    return {
        "feasible": result.feasible,
        "n": result.n,
        "selected": list(result.selected),
        "merit": result.merit,
        "unconstrained_top": list(result.unconstrained_top),
        "unconstrained_merit": result.unconstrained_merit,
        "price_of_diversity": result.price_of_diversity,
        "relative_price_of_diversity": result.relative_price_of_diversity,
        "quota_table": [
            {
                **quota_json(row.quota),
                "achieved": row.achieved,
                "in_unconstrained_top": row.in_unconstrained_top,
                "available": row.available,
                "satisfied": row.satisfied,
            }
            for row in result.quota_table
        ],
        "reserve": [
            {
                "candidate": entry.candidate,
                "merit": entry.merit,
                "can_replace": list(entry.can_replace),
            }
            for entry in result.reserve
        ],
        "replacements": [
            [member, replacement] for member, replacement in result.replacements.items()
        ],
        "unreplaceable": list(result.unreplaceable),
        "conflicting": [
            {
                "kind": bound.kind,
                "quota": quota_json(bound.quota) if bound.quota else None,
                "value": bound.value,
                "description": bound.describe(),
            }
            for bound in result.conflicting
        ],
        "relaxation": [
            {
                "quota": quota_json(change.quota),
                "kind": change.kind,
                "current": change.current,
                "proposed": change.proposed,
                "description": change.describe(),
            }
            for change in result.relaxation
        ],
        "explanation": result.explanation,
    }


@transaction.atomic
def run_selection(
    phase: Phase,
    n: int,
    actor,
    *,
    seed: int | None = None,
    basis: str = SelectionRun.Basis.NORMALISED,
) -> SelectionRun:
    """Select ``n`` items of the phase by merit under the process's quotas; store every input
    and the result, so the run can be shown, re-checked and applied later."""
    process = phase.process
    if n < 1:
        raise ReviewError(_("Select at least one."))
    candidates, missing = selection_candidates(phase, basis)
    if not candidates:
        raise ReviewError(_("No item of this phase has a submitted review yet; nothing to select."))
    quotas = [
        {"attribute": q.attribute, "value": q.value, "min": q.min, "max": q.max}
        for q in process.quotas.all()
    ]
    inputs = {
        "phase": phase.pk,
        "basis": basis,
        "n": n,
        "seed": seed,
        "candidates": candidates,
        "quotas": quotas,
        "left_out": missing,
    }
    result = compute_selection(inputs)
    run = SelectionRun.objects.create(
        process=process,
        phase=phase,
        n=n,
        seed=seed,
        basis=basis,
        inputs=inputs,
        result=result,
        feasible=result["feasible"],
        created_by=actor,
    )
    numbers = {c["id"]: c["number"] for c in candidates}
    record(
        process,
        actor,
        "selection.run",
        run=run.pk,
        phase=phase.pk,
        n=n,
        seed=seed,
        basis=basis,
        feasible=result["feasible"],
        quotas=quotas,
        selected=[numbers[i] for i in result["selected"]],
        price_of_diversity=result["price_of_diversity"],
    )
    return run


def rerun_matches(run: SelectionRun) -> bool:
    """Whether computing the run again from its stored inputs gives the stored result."""
    return compute_selection(run.inputs) == run.result


@transaction.atomic
def apply_selection(run: SelectionRun, actor) -> None:
    """Mark the run's selected items Selected, its reserve list Reserve (in order), the other
    candidates Not selected."""
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if not run.feasible:
        raise ReviewError(_("This run found no selection that meets the quotas; nothing to apply."))
    if not rerun_matches(run):
        raise ReviewError(_("Re-computing this run gives a different result; run it again."))
    selected = set(run.result["selected"])
    reserve = [entry["candidate"] for entry in run.result["reserve"]]
    ids = [c["id"] for c in run.inputs["candidates"]]
    items = {item.pk: item for item in ReviewItem.objects.select_for_update().filter(pk__in=ids)}
    for item_id, item in items.items():
        if not item.is_running:
            continue
        if item_id in selected:
            item.status, item.reserve_rank = ItemStatus.SELECTED, None
        elif item_id in reserve:
            item.status, item.reserve_rank = ItemStatus.RESERVE, reserve.index(item_id) + 1
        else:
            item.status, item.reserve_rank = ItemStatus.NOT_SELECTED, None
    ReviewItem.objects.bulk_update(items.values(), ["status", "reserve_rank"])
    run.applied_at, run.applied_by = timezone.now(), actor
    run.save(update_fields=["applied_at", "applied_by"])
    record(
        run.process,
        actor,
        "selection.applied",
        run=run.pk,
        selected=sorted(items[i].number for i in selected if i in items),
        reserve=[items[i].number for i in reserve if i in items],
    )


@transaction.atomic
def apply_relaxation(run: SelectionRun, actor) -> int:
    """Change the process's quota bounds as the run's proposed relaxation says."""
    changed = 0
    for change in run.result.get("relaxation", []):
        quota = change["quota"]
        rows = Quota.objects.filter(
            process=run.process, attribute=quota["attribute"], value=quota["value"]
        )
        changed += rows.update(**{change["kind"]: change["proposed"]})
    record(
        run.process,
        actor,
        "selection.quotas_relaxed",
        run=run.pk,
        changes=[c["description"] for c in run.result.get("relaxation", [])],
    )
    return changed
