"""The questionnaire engine: plain functions over a parsed questionnaire and a dict of answers.

No request objects and no storage here. A caller (a consultation, an application, a nomination)
keeps ``answers``: a JSON dict keyed by question block id. One step of a form goes like this::

    questionnaire = parse(page.questionnaire)
    form = make_form(questionnaire, step_index, answers, data=request.POST, files=request.FILES)
    if form.is_valid():
        answers = save_step(questionnaire, answers, form, store_file=my_storage_function)
        step_index = next_step(questionnaire, step_index, answers)

Conditions ("show if an earlier answer is X") are evaluated here, on the server, so everything
works without JavaScript. A question whose condition depends on an answer in the *same* step is
shown with a note ("Answer this only if ...") and checked when the step is submitted; one that
depends only on earlier steps is simply left out when its condition is not met. A hidden
question is never required and its answer is dropped on save. Answers of questions that no
longer exist in the questionnaire are kept, so that exports still show them.
"""

import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _

from .blocks import OTHER
from .fields import (
    FileAnswer,
    initial_value,
    is_empty,
    make_field,
    parse_number,
    required_message,
)
from .structure import Condition, Question, Questionnaire, Step, parse

logger = logging.getLogger("participation.questionnaire")

__all__ = [
    "Progress",
    "QuestionnaireStepForm",
    "StepProgress",
    "clamp_step",
    "condition_met",
    "condition_text",
    "drop_hidden",
    "form_class",
    "make_form",
    "missing_required",
    "next_step",
    "parse",
    "previous_step",
    "progress",
    "save_step",
    "visible_ids",
    "visible_steps",
]


# -- conditions ---------------------------------------------------------------------------------


def _tokens(question: Question, answer) -> set[str]:
    """What a condition's value is compared with, casefolded."""
    kind = question.type
    if kind == "single_choice" and isinstance(answer, dict):
        return {OTHER} if "other" in answer else {str(answer.get("choice") or "")}
    if kind == "multiple_choice" and isinstance(answer, dict):
        tokens = {str(v).casefold() for v in answer.get("choices") or []}
        if answer.get("other"):
            tokens.add(OTHER)
        return tokens
    if kind == "ranking" and isinstance(answer, list):
        return {str(v).casefold() for v in answer}
    if kind in ("yes_no", "consent"):
        return {"yes" if answer else "no"}
    return {str(answer).casefold()}


def _equals(question: Question, wanted: str, answer) -> bool:
    kind = question.type
    wanted = wanted.strip()
    if kind == "number":
        target = parse_number(wanted)
        try:
            return target is not None and Decimal(str(answer)) == target
        except ArithmeticError:  # a stored answer that is not a number: it does not match
            return False
    if kind == "date":
        try:
            return date.fromisoformat(wanted) == date.fromisoformat(str(answer))
        except ValueError:
            return False
    if kind == "ranking" and isinstance(answer, list):
        return bool(answer) and str(answer[0]).casefold() == wanted.casefold()
    if kind in ("short_text", "long_text"):
        return " ".join(str(answer).split()).casefold() == " ".join(wanted.split()).casefold()
    return wanted.casefold() in {t.casefold() for t in _tokens(question, answer)}


def condition_met(source: Question, condition: Condition, answer) -> bool:
    """Whether ``answer`` (the stored answer of ``source``, or None) meets ``condition``.

    "equals" (is): the answer is the value; for multiple choice, the value is among those
    chosen; for a ranking, it is ranked first. "contains" (includes): text contains the value;
    for choices and rankings, the value is among those chosen or ranked. "not_equals" (is not):
    the opposite of "equals", and true for an unanswered question.
    """
    if is_empty(source, answer) and source.type != "consent":
        return condition.operator == "not_equals"
    if condition.operator == "not_equals":
        return not _equals(source, condition.value, answer)
    if condition.operator == "contains":
        if source.type in ("short_text", "long_text"):
            return condition.value.casefold() in str(answer).casefold()
        if source.type == "ranking":
            return condition.value.casefold() in _tokens(source, answer)
    return _equals(source, condition.value, answer)


def visible_ids(questionnaire, answers: Mapping) -> set[str]:
    """The ids of the questions shown for these answers. A question whose condition depends on
    a hidden question is hidden too; a condition on an unknown key (refused when the page is
    saved, so only in broken data) does not hide anything."""
    q = parse(questionnaire)
    visible: dict[str, bool] = {}

    def check(condition: Condition | None) -> bool:
        if condition is None:
            return True
        source = q.by_key.get(condition.key)
        if source is None:
            return True
        if not visible.get(source.id, True):
            return False
        return condition_met(source, condition, answers.get(source.id))

    for step in q.steps:
        step_shown = check(step.condition)
        for question in step.questions:
            visible[question.id] = step_shown and check(question.condition)
    return {question_id for question_id, shown in visible.items() if shown}


def condition_text(questionnaire, question: Question) -> str:
    """A sentence for respondents: when they should answer a question shown with a condition."""
    q = parse(questionnaire)
    condition = question.condition
    if condition is None:
        return ""
    source = q.by_key.get(condition.key)
    if source is None:
        return ""
    shown = condition.value
    if source.type in ("single_choice", "multiple_choice", "ranking"):
        shown = source.other_label if shown == OTHER else source.option_label(shown)
    elif source.type in ("yes_no", "consent"):
        shown = _("Yes") if shown.casefold() == "yes" else _("No")
    params = {"question": source.label, "value": shown}
    if condition.operator == "not_equals":
        return _("Answer this only if your answer to “%(question)s” is not “%(value)s”.") % params
    if condition.operator == "contains":
        return _("Answer this only if your answer to “%(question)s” includes “%(value)s”.") % params
    return _("Answer this only if your answer to “%(question)s” is “%(value)s”.") % params


def drop_hidden(questionnaire, answers: Mapping) -> dict:
    """``answers`` without the answers of questions hidden by their conditions. Answers of
    questions no longer in the questionnaire are kept (exports still show them)."""
    q = parse(questionnaire)
    shown = visible_ids(q, answers)
    return {k: v for k, v in answers.items() if k not in q.by_id or k in shown}


def missing_required(questionnaire, answers: Mapping) -> list[Question]:
    """The shown, required questions without an answer: check this before a final submission
    (the questionnaire may have changed since the respondent saw a step)."""
    q = parse(questionnaire)
    shown = visible_ids(q, answers)
    return [
        question
        for question in q.questions
        if question.required
        and question.id in shown
        and is_empty(question, answers.get(question.id))
    ]


# -- steps and progress -------------------------------------------------------------------------


def _step_shown(q: Questionnaire, step: Step, shown: set[str]) -> bool:
    if not step.questions:
        # A section without questions (an introduction) is shown if its own condition is met.
        if step.condition is None:
            return True
        source = q.by_key.get(step.condition.key)
        return source is None or (source.id in shown)
    return any(question.id in shown for question in step.questions)


def visible_steps(questionnaire, answers: Mapping) -> list[Step]:
    """The steps that have something to show for these answers."""
    q = parse(questionnaire)
    shown = visible_ids(q, answers)
    return [step for step in q.steps if _step_shown(q, step, shown)]


def next_step(questionnaire, step_index: int, answers: Mapping) -> int | None:
    """The index of the next step to show after ``step_index``, or None after the last."""
    later = [s.index for s in visible_steps(questionnaire, answers) if s.index > step_index]
    return later[0] if later else None


def previous_step(questionnaire, step_index: int, answers: Mapping) -> int | None:
    earlier = [s.index for s in visible_steps(questionnaire, answers) if s.index < step_index]
    return earlier[-1] if earlier else None


@dataclass(frozen=True)
class StepProgress:
    index: int  # the step's index in the questionnaire
    number: int  # 1-based among the visible steps
    heading: str
    current: bool
    done: bool  # before the current step, with every shown required question answered
    complete: bool  # every shown required question of the step answered


@dataclass(frozen=True)
class Progress:
    current: int  # 1-based number of the current step among the visible ones
    current_index: int  # the current step's index in the questionnaire
    total: int
    steps: tuple[StepProgress, ...]
    answered: int  # shown questions with an answer
    questions: int  # shown questions
    required: int  # shown required questions
    required_answered: int

    @property
    def percent(self) -> int:
        if not self.required:
            return 100 * (self.current - 1) // max(self.total, 1)
        return 100 * self.required_answered // self.required


def clamp_step(questionnaire, step_index) -> int:
    """A step index that exists: whatever came from a URL or a form (or a questionnaire that
    lost steps since) is brought into range, so it can never cause an error."""
    q = parse(questionnaire)
    try:
        step_index = int(step_index)
    except (TypeError, ValueError):
        step_index = 0
    return max(0, min(step_index, len(q.steps) - 1))


_EMPTY_STEP = Step(index=0, id=None, heading="", help_text="", condition=None, questions=())


def progress(questionnaire, step_index: int, answers: Mapping) -> Progress:
    """Where the respondent is: step i of n (only steps shown for these answers count), and
    how many shown questions are answered."""
    q = parse(questionnaire)
    step_index = clamp_step(q, step_index)
    shown = visible_ids(q, answers)
    steps = [step for step in q.steps if _step_shown(q, step, shown)]
    if step_index not in {s.index for s in steps}:
        # The current step has just become hidden: count from where it would be.
        steps = sorted([*steps, q.steps[step_index]], key=lambda s: s.index) if q.steps else []
    items, current = [], 0
    for number, step in enumerate(steps, start=1):
        questions = [question for question in step.questions if question.id in shown]
        complete = all(
            not is_empty(question, answers.get(question.id))
            for question in questions
            if question.required
        )
        if step.index == step_index:
            current = number
        items.append(
            StepProgress(
                index=step.index,
                number=number,
                heading=step.heading,
                current=step.index == step_index,
                done=step.index < step_index and complete,
                complete=complete,
            )
        )
    shown_questions = [question for question in q.questions if question.id in shown]
    answered = {qu.id for qu in shown_questions if not is_empty(qu, answers.get(qu.id))}
    required = [qu for qu in shown_questions if qu.required]
    return Progress(
        current=current,
        current_index=step_index,
        total=len(items),
        steps=tuple(items),
        answered=len(answered),
        questions=len(shown_questions),
        required=len(required),
        required_answered=sum(1 for qu in required if qu.id in answered),
    )


# -- forms --------------------------------------------------------------------------------------

_UUID_HEAD = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-")
_SUFFIXES = ("-other", "-clear")
_RANK_SUFFIX = re.compile(r"_\d{1,3}$")


@dataclass(frozen=True)
class QuestionItem:
    """One question of a step form, for templates."""

    question: Question
    field: forms.BoundField
    condition_text: str  # a note when the question is conditional on this same step


class QuestionnaireStepForm(forms.Form):
    """The form of one step. Field names are question block ids.

    After ``is_valid()``: ``answers`` (this step's shown, answered questions: JSON values, or a
    ``FileAnswer`` for a new upload), ``new_files``, ``hidden_ids`` (this step's questions that
    are hidden: drop their answers), ``forged_fields`` (posted names that are not questions of
    this questionnaire: ignored, and logged).
    """

    template_name = "questionnaire/step.html"
    questionnaire: Questionnaire
    step: Step
    prior_answers: Mapping = {}
    pending_ids: frozenset = frozenset()
    excluded_ids: frozenset = frozenset()

    def __init__(self, data=None, files=None, *, prefix="q", **kwargs):
        initial = {
            question_id: initial_value(self.questionnaire.by_id[question_id], answer)
            for question_id, answer in self.prior_answers.items()
            if question_id in self.base_fields
        }
        initial.update(kwargs.pop("initial", None) or {})
        super().__init__(data, files, prefix=prefix, initial=initial, **kwargs)
        for question_id in self.pending_ids:
            note = condition_text(self.questionnaire, self.questionnaire.by_id[question_id])
            field = self.fields[question_id]
            field.help_text = "\n".join(t for t in (note, field.help_text) if t)
        self.forged_fields = self._find_forged() if self.is_bound else []
        if self.forged_fields:
            logger.warning(
                "Ignored %d posted field(s) that are not questions of this questionnaire: %s",
                len(self.forged_fields),
                ", ".join(repr(name[:80]) for name in self.forged_fields[:10]),
            )
        self.hidden_ids: set[str] = set(self.excluded_ids)

    def _is_ours(self, name: str) -> bool:
        if self.prefix:
            return name.startswith(f"{self.prefix}-")
        return bool(_UUID_HEAD.match(name))

    def _known(self, name: str) -> bool:
        if self.prefix:
            name = name[len(self.prefix) + 1 :]
        for suffix in _SUFFIXES:
            if name.endswith(suffix):
                name = name[: -len(suffix)]
                break
        else:
            if name not in self.questionnaire.by_id:
                name = _RANK_SUFFIX.sub("", name)
        return name in self.questionnaire.by_id

    def _find_forged(self) -> list[str]:
        names = list(self.data.keys()) + list(self.files.keys())
        return sorted({n for n in names if self._is_ours(n) and not self._known(n)})

    @property
    def step_questions(self) -> list[Question]:
        return [question for question in self.step.questions if question.id in self.fields]

    @property
    def items(self) -> list[QuestionItem]:
        return [
            QuestionItem(
                question=question,
                field=self[question.id],
                condition_text=(
                    condition_text(self.questionnaire, question)
                    if question.id in self.pending_ids
                    else ""
                ),
            )
            for question in self.step_questions
        ]

    def clean(self):
        cleaned = super().clean()
        step_ids = {question.id for question in self.step.questions}
        answers = {k: v for k, v in self.prior_answers.items() if k not in step_ids}
        for question in self.step_questions:
            if question.id in self._errors or question.type == "file_upload":
                continue
            value = cleaned.get(question.id)
            if not is_empty(question, value):
                answers[question.id] = value
        shown = visible_ids(self.questionnaire, answers)
        self.hidden_ids = {
            question.id for question in self.step.questions if question.id not in shown
        }
        for question in self.step_questions:
            if question.id in self.hidden_ids:
                self._errors.pop(question.id, None)
                cleaned.pop(question.id, None)
            elif (
                question.id in self.pending_ids
                and question.required
                and question.id not in self._errors
                and is_empty(question, cleaned.get(question.id))
            ):
                self.add_error(question.id, required_message(question))
        return cleaned

    @property
    def answers(self) -> dict:
        """This step's answers: shown questions with an answer. Only after ``is_valid()``."""
        return {
            question.id: self.cleaned_data[question.id]
            for question in self.step_questions
            if question.id not in self.hidden_ids
            and not is_empty(question, self.cleaned_data.get(question.id))
        }

    @property
    def new_files(self) -> dict[str, FileAnswer]:
        return {k: v for k, v in self.answers.items() if isinstance(v, FileAnswer)}


def form_class(questionnaire, step_index: int, answers: Mapping | None = None):
    """A Form class for one step, given the answers so far (which decide the conditions)."""
    q = parse(questionnaire)
    step_index = clamp_step(q, step_index)
    step = q.steps[step_index] if q.steps else _EMPTY_STEP
    answers = dict(answers or {})
    shown = visible_ids(q, answers)
    attrs, pending, excluded = {}, set(), set()
    step_source = q.by_key.get(step.condition.key) if step.condition else None
    step_shown = step_source is None or (
        step_source.id in shown
        and condition_met(step_source, step.condition, answers.get(step_source.id))
    )
    for question in step.questions:
        source = q.by_key.get(question.condition.key) if question.condition else None
        if not step_shown or (source is not None and source.id in excluded):
            excluded.add(question.id)
        elif source is not None and source.step == step_index and source.id in attrs:
            # Depends on an answer in this very step: shown with a note, decided on submit.
            pending.add(question.id)
            attrs[question.id] = make_field(question, required=False)
        elif question.id in shown:
            attrs[question.id] = make_field(question)
        else:
            excluded.add(question.id)
    attrs.update(
        questionnaire=q,
        step=step,
        prior_answers=answers,
        pending_ids=frozenset(pending),
        excluded_ids=frozenset(excluded),
    )
    return type("QuestionnaireStepForm", (QuestionnaireStepForm,), attrs)


def make_form(
    questionnaire, step_index: int, answers: Mapping | None = None, data=None, files=None, **kwargs
) -> QuestionnaireStepForm:
    """The form of one step, bound to ``data``/``files`` when given (e.g. request.POST/FILES).
    Its HTML field names carry the prefix "q-" unless you pass another ``prefix``."""
    return form_class(questionnaire, step_index, answers)(data, files, **kwargs)


def save_step(
    questionnaire,
    answers: Mapping,
    form: QuestionnaireStepForm,
    store_file: Callable[[Question, FileAnswer], dict] | None = None,
) -> dict:
    """The answers after a valid step: the step's old answers replaced by the form's, new
    uploads stored through ``store_file(question, file_answer) -> JSON`` (see
    ``FileAnswer.as_answer``), and answers of questions now hidden dropped everywhere.

    The engine never decides where files go. Answers that disappear (compare the keys) may
    point to stored files the caller wants to delete.
    """
    q = parse(questionnaire)
    step_ids = {question.id for question in form.step.questions}
    result = {k: v for k, v in answers.items() if k not in step_ids}
    for question_id, value in form.answers.items():
        if isinstance(value, FileAnswer):
            if store_file is None:
                raise ValueError("This step has a new file: pass store_file to save_step().")
            value = store_file(q.by_id[question_id], value)
        result[question_id] = value
    return drop_hidden(q, result)
