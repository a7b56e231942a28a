"""Selection attributes with the plugin's words: ``review_attribute_labels`` names the keys and
values of ``review_attributes`` for editors; quotas and stored runs keep the identifiers."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from review_doubles import ApplicationDouble, PlainThing
from review_helpers import score_candidates

from participation.review import interface, services
from participation.review.interface import AttributeLabels, attribute_labels
from participation.review.models import Quota

PEOPLE = [("P1", 5, 20, "m"), ("P2", 4, 15, "f"), ("P3", 2, 12, "f"), ("P4", 1, 5, "x")]


def gender_labels(cls):
    return {
        "gender": AttributeLabels(
            gettext_lazy("Gender"), {"f": gettext_lazy("Woman"), "m": gettext_lazy("Man")}
        )
    }


@pytest.fixture
def labelled(monkeypatch):
    monkeypatch.setattr(
        ApplicationDouble, "review_attribute_labels", classmethod(gender_labels), raising=False
    )


def test_public_names_stay_importable():
    from participation.review.interface import (  # noqa: F401
        Reviewable,
        ReviewField,
        adapter_for,
        optional,
        register_adapter,
    )

    assert interface.AttributeLabels is AttributeLabels


def test_labels_from_the_model_from_an_adapter_or_none():
    assert attribute_labels(None) == {}
    assert attribute_labels(PlainThing) == {}  # no hook: identifiers shown as stored

    class Adapter:
        def __init__(self, obj):
            self.obj = obj

        @classmethod
        def review_attribute_labels(cls):
            return {"kind": AttributeLabels("Kind", {"a": "Alpha"})}

    interface.register_adapter(PlainThing, Adapter)
    try:
        assert attribute_labels(PlainThing)["kind"].value_label("a") == "Alpha"
        assert attribute_labels(PlainThing)["kind"].value_label("b") == "b"
    finally:
        interface.unregister_adapter(PlainThing)


def test_shown_attribute_keeps_the_identifiers_beside_the_words():
    labels = {"gender": AttributeLabels("Gender", {"f": "Woman"})}
    shown = services.shown_attribute(labels, "gender", "f")
    assert (shown.key, shown.label, shown.values, shown.labelled) == (
        "gender",
        "Gender",
        (("f", "Woman"),),
        True,
    )
    # Lists of values, counted values, unknown values and unknown keys.
    assert services.shown_attribute(labels, "gender", ["f", "x"]).values == (
        ("f", "Woman"),
        ("x", "x"),
    )
    assert services.shown_attribute(labels, "gender", [("f", 3)]).values == (("f", "Woman", 3),)
    other = services.shown_attribute(labels, "region", ["north"])
    assert other.label == "region" and not other.labelled and other.values == (("north", "north"),)


@pytest.fixture
def scored(world, make_process):
    process = make_process(name="Expert group: final", seats=2)
    phase, _items = score_candidates(
        world, process, [(n, r, e, {"gender": g}) for n, r, e, g in PEOPLE]
    )
    Quota.objects.create(process=process, attribute="gender", value="f", min=1)
    world.final, world.final_phase = process, phase
    return world


@pytest.mark.django_db
def test_run_and_selection_pages_show_the_plugins_words(client, scored, labelled):
    run = services.run_selection(scored.final_phase, 2, scored.editor)
    # What is stored stays the identifiers.
    assert all(set(c["attributes"]) == {"gender"} for c in run.inputs["candidates"])
    assert run.result["quota_table"][0]["attribute"] == "gender"
    client.force_login(scored.editor)
    body = client.get(
        reverse("review_admin:selection_run", args=[scored.final.pk, run.pk])
    ).content.decode()
    selected = body.split("<tbody>")[1].split("</tbody>")[0]
    assert "Gender (<code>gender</code>): " in selected
    assert "Man (<code>m</code>)" in selected or "Woman (<code>f</code>)" in selected
    quotas = body.split("<tbody>")[2].split("</tbody>")[0]
    assert "Gender (<code>gender</code>) = Woman (<code>f</code>)" in quotas
    summary = body[body.index("Attributes of the candidates") :]
    assert "Woman (<code>f</code>) (2)" in summary and "<code>x</code> (1)" in summary
    selection = client.get(reverse("review_admin:selection", args=[scored.final.pk]))
    assert "Gender (<code>gender</code>): " in selection.content.decode()
    # In the editor's language: the same identifiers, the words translated.
    with translation.override("fr"):
        url = reverse("review_admin:selection_run", args=[scored.final.pk, run.pk])
    french = client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "(<code>gender</code>)" in french


@pytest.mark.django_db
def test_without_labels_the_keys_are_shown_as_stored(client, scored):
    run = services.run_selection(scored.final_phase, 2, scored.editor)
    client.force_login(scored.editor)
    body = client.get(
        reverse("review_admin:selection_run", args=[scored.final.pk, run.pk])
    ).content.decode()
    quotas = body.split("<tbody>")[2].split("</tbody>")[0]
    assert "<code>gender</code> = <code>f</code>" in quotas


@pytest.mark.django_db
def test_committee_report_names_quotas_in_the_plugins_words(scored, labelled):
    from participation.review.report import selection_context

    run = services.run_selection(scored.final_phase, 2, scored.editor)
    assert selection_context(run)["quota_table"][0]["label"] == "Gender = Woman"


@pytest.mark.django_db
def test_why_no_selection_meets_the_quotas_in_the_plugins_words(client, scored, labelled):
    # Two seats, three women wanted and a man required too: infeasible, explained by quota.
    Quota.objects.filter(process=scored.final).update(min=2)
    Quota.objects.create(process=scored.final, attribute="gender", value="m", min=1)
    run = services.run_selection(scored.final_phase, 2, scored.editor)
    assert not run.feasible
    client.force_login(scored.editor)
    body = client.get(
        reverse("review_admin:selection_run", args=[scored.final.pk, run.pk])
    ).content.decode()
    assert "Gender = Woman: at least 2" in body and "Gender = Man: at least 1" in body
    assert "gender = f" not in body
    # The committee report (PDF) writes the same reasons.
    from participation.review.report import selection_context

    described = selection_context(run)["result"]
    assert "Gender = Woman: at least 2" in described["explanation"]
    assert [b["description"] for b in described["conflicting"] if b.get("quota")]
    assert all("gender =" not in b["description"] for b in described["conflicting"])


def test_reasons_without_labels_keep_the_stored_identifiers():
    from participation.review import reasons

    bound = {"kind": "min", "value": 2, "quota": {"attribute": "gender", "value": "f"}}
    assert reasons.bound_text(bound) == "gender = f: at least 2"
    labels = {"gender": AttributeLabels("Gender", {"f": "Woman"})}
    assert reasons.bound_text(bound, labels) == "Gender = Woman: at least 2"
    change = {**bound, "current": 2, "proposed": 1}
    assert reasons.change_text(change, labels) == "Gender = Woman: lower “at least” from 2 to 1"
