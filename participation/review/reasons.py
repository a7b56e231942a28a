"""The algorithms' reasons written in the reader's language.

The pure algorithms (``algorithms/``) know no language: an infeasible assignment carries a
``code`` and ``params``; a selection result carries its conflicting bounds and proposed
changes as data (also in a stored run's JSON). These functions write them with the catalogues,
in the language active when a page, a message or a PDF is made, so that a run stored while an
editor read English reads French to a French editor later.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LIST_LIMIT = 20  # how many names a reason spells out


def names(values: Iterable, name_of: Callable = str) -> str:
    """“A, B, C and 4 more”, in the reader's language."""
    values = list(values)
    shown = ", ".join(name_of(value) for value in values[:LIST_LIMIT])
    more = len(values) - LIST_LIMIT
    if more <= 0:
        return shown
    return ngettext("%(names)s and %(count)s more", "%(names)s and %(count)s more", more) % {
        "names": shown,
        "count": more,
    }


def assignment_reason(error, reviewer_name: Callable = str) -> str:
    """Why no assignment meets the rules (an ``AssignmentInfeasible``). ``reviewer_name``
    turns the algorithm's reviewer ids into names people know. An error without a known code
    keeps its English reason (never an empty message)."""
    p = error.params

    def pairs(values):
        return names(values, lambda pair: f"{pair[0]} – {reviewer_name(pair[1])}")

    code = error.code
    if code == "no_reviewers":
        return _("there are no reviewers")
    if code == "too_few_reviewers":
        return ngettext(
            "each item needs %(k)s different reviewers, but there is only %(count)s",
            "each item needs %(k)s different reviewers, but there are only %(count)s",
            p["reviewers"],
        ) % {"k": p["k"], "count": p["reviewers"]}
    if code == "fixed_conflicted":
        return _("pairs set by an editor are also conflicts of interest: %(pairs)s") % {
            "pairs": pairs(p["pairs"])
        }
    if code == "fixed_forbidden":
        return _("pairs set by an editor are also excluded: %(pairs)s") % {
            "pairs": pairs(p["pairs"])
        }
    if code == "items_short":
        allowed = p["allowed"]
        listed = names(
            allowed,
            lambda entry: (
                ngettext(
                    "%(item)s (%(count)s possible reviewer)",
                    "%(item)s (%(count)s possible reviewers)",
                    entry[1],
                )
                % {"item": entry[0], "count": entry[1]}
            ),
        )
        return ngettext(
            "%(count)s item cannot get %(k)s reviewers without a conflict of interest or an "
            "excluded pair: %(items)s",
            "%(count)s items cannot get %(k)s reviewers without a conflict of interest or an "
            "excluded pair: %(items)s",
            len(allowed),
        ) % {"count": len(allowed), "k": p["k"], "items": listed}
    if code == "too_many_fixed":
        return _("items with more than %(k)s reviewers set by an editor: %(items)s") % {
            "k": p["k"],
            "items": names(p["items"]),
        }
    if code == "fixed_overload":
        return _(
            "reviewers given more items by an editor than the balanced load of at most "
            "%(load)s: %(names)s"
        ) % {"load": p["load"], "names": names(p["reviewers"], reviewer_name)}
    if code == "no_assignment":
        return _(
            "no assignment exists, even without balancing the loads (%(low)s to %(high)s items "
            "each)"
        ) % {"low": p["low"], "high": p["high"]}
    if code == "unbalanced_loads":
        needs = names(
            p["needs"],
            lambda entry: (
                _("%(name)s would need %(load)s")
                % {"name": reviewer_name(entry[0]), "load": entry[1]}
            ),
        )
        return _(
            "the loads cannot be balanced (%(low)s to %(high)s items each) given the conflicts "
            "of interest and the excluded and fixed pairs: %(needs)s"
        ) % {"low": p["low"], "high": p["high"], "needs": needs}
    return error.reason


def _quota(quota: dict, labels: dict | None) -> str:
    """ "Gender = Woman": the plugin's words (``AttributeLabels`` by key) for a quota's stored
    key and value; what it has no word for stays as stored."""
    found = (labels or {}).get(quota["attribute"])
    if found is None:
        return f"{quota['attribute']} = {quota['value']}"
    return f"{found.label} = {found.value_label(quota['value'])}"


def bound_text(bound: dict, labels: dict | None = None) -> str:
    """A bound of a stored selection result that cannot hold with the others."""
    values = {"value": bound["value"]}
    if bound.get("quota") is None:
        if bound["kind"] == "min":
            return _("at least %(value)s selected") % values
        return _("at most %(value)s selected") % values
    values["quota"] = _quota(bound["quota"], labels)
    if bound["kind"] == "min":
        return _("%(quota)s: at least %(value)s") % values
    return _("%(quota)s: at most %(value)s") % values


def change_text(change: dict, labels: dict | None = None) -> str:
    """A proposed change of a quota bound of a stored selection result."""
    values = {
        "quota": _quota(change["quota"], labels),
        "current": change["current"],
        "proposed": change["proposed"],
    }
    if change["kind"] == "min":
        return _("%(quota)s: lower “at least” from %(current)s to %(proposed)s") % values
    return _("%(quota)s: raise “at most” from %(current)s to %(proposed)s") % values


def selection_explanation(result: dict, labels: dict | None = None) -> str:
    """What a stored selection result says in a sentence (the pure algorithm's
    ``explanation``, in the reader's language, quotas in the plugin's words: ``labels``)."""
    n = result["n"]
    if result["feasible"]:
        return ngettext(
            "%(n)s selected; total merit %(merit)s, %(price)s below the top %(n)s by merit alone.",
            "%(n)s selected; total merit %(merit)s, %(price)s below the top %(n)s by merit alone.",
            n,
        ) % {
            "n": n,
            "merit": number_format(result["merit"], 2),
            "price": number_format(result["price_of_diversity"], 2),
        }
    conflicting = result.get("conflicting") or []
    if not any(bound.get("quota") for bound in conflicting):
        pool = len(result.get("unconstrained_top") or [])
        return ngettext(
            "Only %(pool)s candidate for %(n)s seats.",
            "Only %(pool)s candidates for %(n)s seats.",
            pool,
        ) % {"pool": pool, "n": n}
    text = _("The quotas cannot all be met. These bounds cannot hold together: %(bounds)s.") % {
        "bounds": "; ".join(bound_text(bound, labels) for bound in conflicting)
    }
    relaxation = result.get("relaxation") or []
    if relaxation:
        total = sum(abs(change["proposed"] - change["current"]) for change in relaxation)
        text += " " + _("Smallest change (total %(total)s): %(changes)s.") % {
            "total": total,
            "changes": "; ".join(change_text(change, labels) for change in relaxation),
        }
    return text


def described(result: dict, labels: dict | None = None) -> dict:
    """A copy of a stored selection result whose ``explanation`` and the ``description`` of
    its bounds and changes are written in the reader's language, with the plugin's words for
    the quotas' stored keys and values (``labels``: ``services.attribute_labels_of``); what
    pages and PDFs show. The stored English is left as it was stored."""
    return {
        **result,
        "explanation": selection_explanation(result, labels),
        "conflicting": [
            {**bound, "description": bound_text(bound, labels)}
            for bound in result.get("conflicting", [])
        ],
        "relaxation": [
            {**change, "description": change_text(change, labels)}
            for change in result.get("relaxation", [])
        ],
    }
