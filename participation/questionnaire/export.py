"""Columns and cell text for spreadsheets and documents.

Answers are keyed by question block id. To show questions that editors later removed, callers
keep a *snapshot* of the questionnaire (``snapshot()``: labels, types and options by block id,
JSON-ready) with each response or with each published revision, and pass the snapshots they
have to ``columns()``. ``display_value()`` turns one stored answer into text; it does not
neutralise spreadsheet formulas (the documents engine does that when it writes CSV/XLSX).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from .structure import Question, parse

__all__ = ["Column", "columns", "display_value", "displayer", "merge_snapshots", "snapshot"]


def _json(value):
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _json(v) for k, v in value.items()}
    return value


def snapshot(questionnaire) -> dict[str, dict]:
    """``{block_id: {"label", "type", "key", "position", "step", "section", "options":
    [{"value", "label"}], "settings": {...}}}``: enough to label and display answers after the
    questionnaire changes. JSON-ready; store it with each response or published revision."""
    q = parse(questionnaire)
    return {
        question.id: {
            "label": question.label,
            "type": question.type,
            "key": question.key,
            "position": question.position,
            "step": question.step,
            "section": q.steps[question.step].heading,
            "options": [{"value": o.value, "label": o.label} for o in question.options],
            "settings": _json(dict(question.settings)),
        }
        for question in q.questions
    }


def merge_snapshots(snapshots: Iterable[Mapping]) -> dict[str, dict]:
    """One snapshot from several, oldest first: the last known entry of each question wins."""
    merged: dict[str, dict] = {}
    for snap in snapshots:
        for question_id, entry in (snap or {}).items():
            merged[question_id] = dict(entry)
    return merged


@dataclass(frozen=True)
class Column:
    id: str  # the question's block id: the key in answers
    label: str  # the current label, or the last known one of a removed question
    key: str  # the editor's key, or ""
    type: str  # the question type, or "" when nothing is known about a removed question
    removed: bool  # no longer in the questionnaire (answers remain)
    source: object  # the Question, or the snapshot entry of a removed question

    @property
    def header(self) -> str:
        """The header people read: the question as asked (its key is for scripts)."""
        return self.label


def _seen_ids(answers_seen) -> list[str]:
    ids: dict[str, None] = {}
    for item in answers_seen or ():
        if isinstance(item, Mapping):
            ids.update(dict.fromkeys(str(k) for k in item))
        else:
            ids[str(item)] = None
    return list(ids)


def columns(questionnaire, answers_seen=(), snapshots: Iterable[Mapping] = ()) -> list[Column]:
    """One column per question in questionnaire order, then one per removed question that has
    answers (``answers_seen``: block ids, or answer dicts), labelled from the ``snapshots``
    (oldest first). Sections are not columns."""
    q = parse(questionnaire)
    result = [
        Column(id=qu.id, label=qu.label, key=qu.key, type=qu.type, removed=False, source=qu)
        for qu in q.questions
    ]
    known = merge_snapshots(snapshots)
    removed = [question_id for question_id in _seen_ids(answers_seen) if question_id not in q.by_id]

    def order(question_id):
        entry = known.get(question_id)
        return (entry is None, (entry or {}).get("position", 0), question_id)

    for question_id in sorted(removed, key=order):
        entry = known.get(question_id) or {}
        result.append(
            Column(
                id=question_id,
                label=entry.get("label") or _("Removed question %(id)s") % {"id": question_id[:8]},
                key=entry.get("key") or "",
                type=entry.get("type") or "",
                removed=True,
                source=entry,
            )
        )
    return result


class _View:
    """What display needs of a question, from a ``Question`` or a snapshot entry, with every
    label already turned into text (translating per cell made exports slow)."""

    def __init__(self, source):
        if isinstance(source, Column):
            source = source.source
        if isinstance(source, Question):
            self.type = source.type
            self.options = {o.value: str(o.label) for o in source.options}
            settings = source.settings
        else:
            source = source or {}
            self.type = source.get("type") or ""
            self.options = {
                o.get("value"): str(o.get("label"))
                for o in source.get("options") or []
                if isinstance(o, Mapping)
            }
            settings = source.get("settings") or {}
        self.other_label = str(settings.get("other_label") or _("Other"))
        self.dont_know_label = str(settings.get("dont_know_label") or _("Don't know"))
        self.yes, self.no = str(_("Yes")), str(_("No"))

    def label(self, value) -> str:
        return self.options.get(value) or str(value)

    def __call__(self, answer) -> str:
        # The common answers first, with the result the general path below gives them: an
        # export calls this once per cell, a million times for a large consultation.
        kind_of = type(answer)
        if kind_of is str:
            if answer == "dont_know" and self.type == "scale":
                return self.dont_know_label
            return answer
        if kind_of is bool:
            return self.yes if answer else self.no
        if answer is None:
            return ""
        if kind_of is int:
            return str(answer)
        if kind_of is dict and answer:
            kind = self.type
            try:
                if kind == "single_choice" and "other" not in answer:
                    return self.label(answer.get("choice"))
                if kind == "multiple_choice" and not answer.get("other"):
                    choices = answer.get("choices")
                    if type(choices) is list:
                        options = self.options  # self.label, inline: once per choice
                        return "; ".join([options.get(v) or str(v) for v in choices])
            except TypeError:  # an unhashable value: the general path shows it as text
                pass
        return self._general(answer)

    def _general(self, answer) -> str:
        if answer == "" or answer == [] or answer == {}:
            return ""
        kind = self.type
        try:
            if kind == "single_choice" and isinstance(answer, Mapping):
                if "other" in answer:
                    return f"{self.other_label}: {answer['other']}"
                return self.label(answer.get("choice"))
            if kind == "multiple_choice" and isinstance(answer, Mapping):
                parts = [self.label(v) for v in answer.get("choices") or []]
                if answer.get("other"):
                    parts.append(f"{self.other_label}: {answer['other']}")
                return "; ".join(parts)
            if kind == "ranking" and isinstance(answer, list):
                return ", ".join(f"{n}. {self.label(v)}" for n, v in enumerate(answer, start=1))
            if kind in ("yes_no", "consent") and isinstance(answer, bool):
                return self.yes if answer else self.no
            if kind == "scale" and answer == "dont_know":
                return self.dont_know_label
            if kind == "file_upload" and isinstance(answer, Mapping):
                return str(answer.get("name") or "")
        except (TypeError, ValueError, AttributeError):
            pass
        if isinstance(answer, bool):
            return self.yes if answer else self.no
        if isinstance(answer, list):
            return ", ".join(str(v) for v in answer)
        if isinstance(answer, Mapping):
            return "; ".join(f"{k}: {v}" for k, v in answer.items())
        return str(answer)


def displayer(question_or_snapshot):
    """``display_value`` for many answers to one question: labels prepared once (exports)."""
    return _View(question_or_snapshot)


def display_value(question_or_snapshot, answer) -> str:
    """Human text for one stored answer: option labels, "Other: ...", "1. x, 2. y" for a
    ranking, Yes/No; "" for no answer. Never raises on unexpected data: it shows it as text."""
    return _View(question_or_snapshot)(answer)
