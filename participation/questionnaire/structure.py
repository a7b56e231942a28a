"""A questionnaire read from its StreamField value: steps, questions, options, conditions.

Plain, immutable data: everything else in the engine works on these, never on blocks.
"""

import json
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils.translation import gettext

from . import conf
from .blocks import QUESTION_BLOCKS, QuestionnaireBlock, option_value

COMMON_FIELDS = ("label", "help_text", "required", "key", "show_if", "options")


@dataclass(frozen=True)
class Option:
    value: str  # stable: what answers store
    label: str  # free to change


@dataclass(frozen=True)
class Condition:
    key: str  # the key of an earlier question
    operator: str  # "equals", "contains" or "not_equals"
    value: str


@dataclass(frozen=True, eq=False)
class Question:
    id: str  # the StreamField block id: the key of its answers, forever
    type: str  # the block type, e.g. "single_choice"
    label: str
    help_text: str = ""
    required: bool = False
    key: str = ""
    condition: Condition | None = None
    options: tuple[Option, ...] = ()
    settings: Mapping = field(default_factory=dict)  # the type's own settings
    step: int = 0  # index of its step
    position: int = 0  # index among all questions

    def option_label(self, value: str) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return value

    @property
    def option_values(self) -> list[str]:
        return [option.value for option in self.options]

    @property
    def other_label(self) -> str:
        return self.settings.get("other_label") or gettext("Other")

    @property
    def dont_know_label(self) -> str:
        return self.settings.get("dont_know_label") or gettext("Don't know")

    @property
    def rank_count(self) -> int:
        return min(self.settings.get("rank_count") or len(self.options), len(self.options))

    @property
    def max_length(self) -> int:
        default = conf.get(
            "LONG_TEXT_MAX_LENGTH" if self.type == "long_text" else "SHORT_TEXT_MAX_LENGTH"
        )
        return self.settings.get("max_length") or default


@dataclass(frozen=True, eq=False)
class Step:
    index: int
    id: str | None  # the section's block id; None for questions before the first section
    heading: str
    help_text: str
    condition: Condition | None
    questions: tuple[Question, ...]

    @property
    def number(self) -> int:
        return self.index + 1


class Questionnaire:
    """The parsed questionnaire. Build it with ``parse()``."""

    def __init__(self, steps: Iterable[Step]):
        self.steps: tuple[Step, ...] = tuple(steps)
        self.questions: tuple[Question, ...] = tuple(q for s in self.steps for q in s.questions)
        self.by_id: dict[str, Question] = {q.id: q for q in self.questions}
        self.by_key: dict[str, Question] = {}
        for question in self.questions:
            if question.key:
                self.by_key.setdefault(question.key, question)

    def __len__(self):
        return len(self.questions)

    def __contains__(self, question_id):
        return question_id in self.by_id

    def question(self, question_id: str) -> Question | None:
        return self.by_id.get(question_id)

    def __repr__(self):
        return f"<Questionnaire: {len(self.steps)} steps, {len(self.questions)} questions>"


def _condition(raw) -> Condition | None:
    if not raw:
        return None
    key = (raw.get("key") or "").strip()
    if not key:
        return None
    return Condition(
        key=key,
        operator=raw.get("operator") or "equals",
        value=(raw.get("value") or "").strip(),
    )


def _child_id(child) -> str:
    if not child.id:
        # Never saved: give it the id Wagtail would give it on save, so that this parse and
        # the next save agree. Questionnaires should be saved before they are answered.
        child.id = str(uuid.uuid4())
    return str(child.id)


def parse(questionnaire) -> Questionnaire:
    """A ``Questionnaire`` from a StreamField value of ``QuestionnaireBlock`` (or its raw JSON
    list, as stored in a revision). A ``Questionnaire`` is returned as it is."""
    if isinstance(questionnaire, Questionnaire):
        return questionnaire
    if questionnaire is None:
        questionnaire = []
    if isinstance(questionnaire, list | tuple):
        questionnaire = QuestionnaireBlock().to_python(list(questionnaire))

    steps: list[Step] = []
    heading, help_text, section_id, section_condition = "", "", None, None
    current: list[Question] = []
    position = 0

    def close():
        steps.append(
            Step(
                index=len(steps),
                id=section_id,
                heading=heading,
                help_text=help_text,
                condition=section_condition,
                questions=tuple(current),
            )
        )

    started = False
    for child in questionnaire:
        value = child.value
        if child.block_type == "section":
            if started or current:
                close()
            started = True
            current = []
            heading = value.get("heading") or ""
            help_text = value.get("help_text") or ""
            section_id = _child_id(child)
            section_condition = _condition(value.get("show_if"))
            continue
        if child.block_type not in QUESTION_BLOCKS:
            continue
        started = True
        current.append(
            Question(
                id=_child_id(child),
                type=child.block_type,
                label=value.get("label") or "",
                help_text=value.get("help_text") or "",
                required=bool(value.get("required")),
                key=(value.get("key") or "").strip(),
                condition=_condition(value.get("show_if")),
                options=tuple(
                    Option(value=option_value(option), label=option.get("label") or "")
                    for option in value.get("options") or []
                ),
                settings={k: v for k, v in value.items() if k not in COMMON_FIELDS},
                step=len(steps),
                position=position,
            )
        )
        position += 1
    if started:
        close()
    return Questionnaire(steps)


@lru_cache(maxsize=64)
def parse_stored(text: str) -> Questionnaire:
    """``parse()`` of a questionnaire as the database stores it (its JSON text), once per
    process for each text: a busy submit path then never parses the same questionnaire again,
    and an edited questionnaire is a new text, so nothing stale is ever served. Safe to share
    because a ``Questionnaire`` is never changed once built."""
    return parse(json.loads(text))
