"""The questionnaire editors build in a StreamField.

A page adds ``StreamField(QuestionnaireBlock(), blank=True)``. Each child of the stream is a
section (which starts a new step) or a question. Answers are keyed by the child's block id,
a UUID that Wagtail keeps when the questionnaire is edited, so relabelling, reordering and
removing questions never changes the meaning of stored answers. Options of choice questions
carry a stable value (a slug) beside their label, for the same reason.

``QuestionnaireBlock.clean`` checks what single blocks cannot: keys are unique, and every
condition refers to an *earlier* question and to an answer that question can have.

In the page editor a condition is chosen, not typed: ``questionnaire/condition-chooser.js``
(attached to ``ConditionBlock`` through its telepath adapter) turns the key and answer fields
into selects of the questions above and of the chosen question's answers. What is stored stays
the key and answer strings, and the server's checks stay the authority.
"""

import hashlib
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail import blocks
from wagtail.admin.telepath import register
from wagtail.blocks.struct_block import StructBlockAdapter

from participation.files.kinds import FAMILY_CHOICES

from . import conf

OPERATORS = [
    ("equals", _("is")),
    ("contains", _("includes")),
    ("not_equals", _("is not")),
]

# The condition value that means the free "Other" answer of a choice question.
OTHER = "other"
# The stored answer of a scale question answered "Don't know".
DONT_KNOW = "dont_know"

QUESTION_SETTINGS = ["key", "show_if"]


def _layout(*specific, required=True):
    head = ["label", "help_text", *specific]
    if required:
        head.append("required")
    return blocks.BlockGroup(children=head, settings=QUESTION_SETTINGS)


class ConditionBlock(blocks.StructBlock):
    key = blocks.CharBlock(
        required=False,
        max_length=64,
        label=_("Show only if the answer to"),
        help_text=_(
            "A question above this one. A question without a key gets one when you choose it: "
            "the condition stores that key."
        ),
    )
    operator = blocks.ChoiceBlock(
        choices=OPERATORS, default="equals", required=False, label=_("Operator")
    )
    value = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Answer"),
        help_text=_(
            "Choose one of the question's answers; for text and number questions, type it; "
            "for dates, write YYYY-MM-DD."
        ),
    )

    class Meta:
        label = _("Condition")
        icon = "help"
        collapsed = True


def condition_chooser_texts() -> dict:
    """The words of the condition chooser, in the editor's language (``%(name)s`` placeholders
    are filled in by the script)."""
    return {
        "always": _("No condition: always shown"),
        "noKey": _("no key yet"),
        "untitled": _("(question without a title)"),
        "keyGiven": _(
            "“%(label)s” had no key; it now has the key “%(key)s” (in its settings), which this "
            "condition stores."
        ),
        "notAbove": _("“%(key)s”: no question above has this key"),
        "chooseAnswer": _("Choose an answer"),
        "chooseQuestionFirst": _("Choose a question first"),
        "notAnAnswer": _("“%(value)s”: not an answer of this question"),
        "noStoredValue": _("%(label)s (save the page first: this option has no stored value)"),
        "yes": _("Yes"),
        "no": _("No"),
        "other": _("Other"),
        "dontKnow": _("Don't know"),
    }


class ConditionBlockAdapter(StructBlockAdapter):
    """``ConditionBlock`` in the editor: Wagtail's StructBlock plus the condition chooser."""

    js_constructor = "participation.questionnaire.ConditionBlock"

    def js_args(self, block):
        name, children, meta = super().js_args(block)
        meta["chooser"] = condition_chooser_texts()
        return [name, children, meta]

    @cached_property
    def media(self):
        parent = super().media
        return forms.Media(
            js=[*parent._js, "questionnaire/condition-chooser.js"],
            css={"all": [*parent._css.get("all", []), "questionnaire/condition-chooser.css"]},
        )


register(ConditionBlockAdapter(), ConditionBlock)


class SectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=255, label=_("Heading"))
    help_text = blocks.TextBlock(required=False, label=_("Help text"))
    show_if = ConditionBlock(
        required=False,
        label=_("Show this section only if"),
        help_text=_("A condition on a question before this section."),
    )

    class Meta:
        label = _("Section (new step)")
        icon = "title"


class QuestionBlock(blocks.StructBlock):
    """What every question has. Subclasses add their own settings."""

    label = blocks.CharBlock(max_length=500, label=_("Question"))
    help_text = blocks.TextBlock(required=False, label=_("Help text"))
    required = blocks.BooleanBlock(required=False, default=False, label=_("Required"))
    key = blocks.CharBlock(
        required=False,
        max_length=64,
        validators=[validate_slug],
        label=_("Key"),
        help_text=_(
            "Optional short name (letters, digits, - and _) for conditions and export headers."
        ),
    )
    show_if = ConditionBlock(required=False, label=_("Condition"))

    class Meta:
        form_layout = _layout()


class OptionBlock(blocks.StructBlock):
    label = blocks.CharBlock(max_length=255, label=_("Label"))
    value = blocks.CharBlock(
        required=False,
        max_length=64,
        label=_("Stored value"),
        help_text=_(
            "Filled in from the label when empty. Do not change it once responses exist: "
            "answers store this value, so the label can change freely."
        ),
    )

    class Meta:
        label = _("Option")
        icon = "radio-full"

    def clean(self, value):
        value = super().clean(value)
        if not value.get("value") and value.get("label"):
            value["value"] = option_value(value)
        return value


def option_value(option) -> str:
    """An option's stored value; before the block is cleaned it may still be empty, and then
    it is what cleaning will fill in."""
    if option.get("value"):
        return option["value"]
    label = option.get("label") or ""
    slug = slugify(label, allow_unicode=True)[:64]
    if not slug and label:
        slug = "option-" + hashlib.sha256(label.encode()).hexdigest()[:8]
    return slug


def _options(min_num=1):
    return blocks.ListBlock(OptionBlock(), min_num=min_num, label=_("Options"))


class ShortTextBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(
        default=conf.DEFAULTS["SHORT_TEXT_MAX_LENGTH"],
        min_value=1,
        max_value=1000,
        label=_("Maximum length (characters)"),
    )

    class Meta:
        label = _("Short text")
        icon = "pilcrow"
        form_layout = _layout("max_length")


class LongTextBlock(QuestionBlock):
    max_length = blocks.IntegerBlock(
        default=conf.DEFAULTS["LONG_TEXT_MAX_LENGTH"],
        min_value=1,
        max_value=100_000,
        label=_("Maximum length (characters)"),
    )

    class Meta:
        label = _("Long text")
        icon = "doc-full"
        form_layout = _layout("max_length")


class _OtherMixin(blocks.StructBlock):
    allow_other = blocks.BooleanBlock(
        required=False, default=False, label=_("Offer “Other” with free text")
    )
    other_label = blocks.CharBlock(
        required=False,
        max_length=255,
        label=_("Label of “Other”"),
        help_text=_("Leave empty for “Other” in the reader's language."),
    )


def _check_options(struct_value, *, allow_other=False, min_count=1):
    """Errors of an options list: duplicate values, the value reserved for "Other"."""
    seen = set()
    for option in struct_value.get("options") or []:
        stored = option_value(option)
        if stored in seen:
            return _("Two options have the stored value “%(value)s”; each needs its own.") % {
                "value": stored
            }
        if allow_other and stored == OTHER:
            return _(
                "The value “other” is kept for the “Other” answer: give this option another "
                "value, or turn “Other” off."
            )
        seen.add(stored)
    if len(seen) < min_count:
        return _("Give at least %(count)d options.") % {"count": min_count}
    return None


class _ChoiceQuestionBlock(QuestionBlock):
    min_options = 1

    def clean(self, value):
        value = super().clean(value)
        message = _check_options(
            value, allow_other=bool(value.get("allow_other")), min_count=self.min_options
        )
        if message:
            raise blocks.StructBlockValidationError(
                block_errors={"options": ValidationError(message)}
            )
        return value


class SingleChoiceBlock(_ChoiceQuestionBlock, _OtherMixin):
    options = _options()

    class Meta:
        label = _("Single choice")
        icon = "radio-full"
        form_layout = _layout("options", "allow_other", "other_label")


class MultipleChoiceBlock(_ChoiceQuestionBlock, _OtherMixin):
    options = _options()
    min_selections = blocks.IntegerBlock(
        required=False, min_value=0, label=_("Choose at least (optional)")
    )
    max_selections = blocks.IntegerBlock(
        required=False, min_value=1, label=_("Choose at most (optional)")
    )

    class Meta:
        label = _("Multiple choice")
        icon = "tasks"
        form_layout = _layout(
            "options", "allow_other", "other_label", "min_selections", "max_selections"
        )

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_selections"), value.get("max_selections")
        if low and high and low > high:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "max_selections": ValidationError(
                        _("“At most” cannot be smaller than “at least”.")
                    )
                }
            )
        available = len(value.get("options") or []) + (1 if value.get("allow_other") else 0)
        if low and low > available:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "min_selections": ValidationError(
                        _("There are only %(count)d options to choose from.") % {"count": available}
                    )
                }
            )
        return value


class ScaleBlock(QuestionBlock):
    scale_min = blocks.IntegerBlock(default=1, min_value=0, max_value=1, label=_("From"))
    scale_max = blocks.IntegerBlock(default=5, min_value=2, max_value=10, label=_("To"))
    min_label = blocks.CharBlock(
        required=False,
        max_length=100,
        label=_("Label of the lowest point"),
        help_text=_("For example “Strongly disagree” or “Very poor”."),
    )
    max_label = blocks.CharBlock(
        required=False,
        max_length=100,
        label=_("Label of the highest point"),
        help_text=_("For example “Strongly agree” or “Excellent”."),
    )
    allow_dont_know = blocks.BooleanBlock(
        required=False, default=False, label=_("Offer “Don't know”")
    )
    dont_know_label = blocks.CharBlock(
        required=False,
        max_length=100,
        label=_("Label of “Don't know”"),
        help_text=_("Leave empty for “Don't know” in the reader's language."),
    )

    class Meta:
        label = _("Scale (rating or agreement)")
        icon = "order"
        form_layout = _layout(
            "scale_min",
            "scale_max",
            "min_label",
            "max_label",
            "allow_dont_know",
            "dont_know_label",
        )


class RankingBlock(_ChoiceQuestionBlock):
    options = _options(min_num=2)
    rank_count = blocks.IntegerBlock(
        required=False,
        min_value=1,
        label=_("How many to rank"),
        help_text=_("Leave empty to rank all options."),
    )
    min_options = 2

    class Meta:
        label = _("Ranking")
        icon = "list-ol"
        form_layout = _layout("options", "rank_count")

    def clean(self, value):
        value = super().clean(value)
        count = value.get("rank_count")
        if count and count > len(value.get("options") or []):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "rank_count": ValidationError(
                        _("There are only %(count)d options to rank.")
                        % {"count": len(value["options"])}
                    )
                }
            )
        return value


class YesNoBlock(QuestionBlock):
    class Meta:
        label = _("Yes / no")
        icon = "tick-inverse"
        form_layout = _layout()


class NumberBlock(QuestionBlock):
    min_value = blocks.DecimalBlock(required=False, label=_("Smallest allowed"))
    max_value = blocks.DecimalBlock(required=False, label=_("Largest allowed"))
    integer_only = blocks.BooleanBlock(required=False, default=True, label=_("Whole numbers only"))

    class Meta:
        label = pgettext_lazy("question type", "Number")
        icon = "decimal"
        form_layout = _layout("min_value", "max_value", "integer_only")

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_value"), value.get("max_value")
        if low is not None and high is not None and low > high:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "max_value": ValidationError(
                        _("The largest allowed number is smaller than the smallest.")
                    )
                }
            )
        return value


class DateQuestionBlock(QuestionBlock):
    min_date = blocks.DateBlock(required=False, label=_("Earliest allowed"))
    max_date = blocks.DateBlock(required=False, label=_("Latest allowed"))

    class Meta:
        label = _("Date")
        icon = "date"
        form_layout = _layout("min_date", "max_date")

    def clean(self, value):
        value = super().clean(value)
        low, high = value.get("min_date"), value.get("max_date")
        if low and high and low > high:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "max_date": ValidationError(_("The latest date is before the earliest."))
                }
            )
        return value


class FileUploadBlock(QuestionBlock):
    allowed_types = blocks.MultipleChoiceBlock(
        choices=FAMILY_CHOICES,
        default=[name for name, _label in FAMILY_CHOICES],
        label=_("Allowed types"),
        help_text=_("Checked from each file's content, not its name."),
    )
    max_size_mb = blocks.IntegerBlock(
        default=10,
        min_value=1,
        label=_("Largest file (MB)"),
    )

    class Meta:
        label = _("File upload")
        icon = "upload"
        form_layout = _layout("allowed_types", "max_size_mb")

    def clean(self, value):
        value = super().clean(value)
        cap = conf.get("MAX_UPLOAD_MB")
        if value.get("max_size_mb") and value["max_size_mb"] > cap:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "max_size_mb": ValidationError(
                        _("This site accepts files up to %(cap)d MB.") % {"cap": cap}
                    )
                }
            )
        return value


class ConsentBlock(QuestionBlock):
    label = blocks.CharBlock(
        max_length=500,
        label=_("Consent statement"),
        help_text=_("What the person agrees to by ticking the box, e.g. “I agree that ...”."),
    )
    help_text = blocks.TextBlock(
        required=False, label=_("Explanation"), help_text=_("Shown under the statement.")
    )
    required = blocks.BooleanBlock(required=False, default=True, label=_("Required"))

    class Meta:
        label = _("Consent")
        icon = "success"
        form_layout = _layout()


QUESTION_BLOCKS = {
    "short_text": ShortTextBlock,
    "long_text": LongTextBlock,
    "single_choice": SingleChoiceBlock,
    "multiple_choice": MultipleChoiceBlock,
    "scale": ScaleBlock,
    "ranking": RankingBlock,
    "yes_no": YesNoBlock,
    "number": NumberBlock,
    "date": DateQuestionBlock,
    "file_upload": FileUploadBlock,
    "consent": ConsentBlock,
}


def condition_values(block_type: str, value) -> list[str] | None:
    """The answers a condition on this question may test, or None when any text is fine.

    ``value`` is the question's StructValue (or a dict with the same keys).
    """
    if block_type in ("single_choice", "multiple_choice", "ranking"):
        allowed = [option_value(option) for option in value.get("options") or []]
        if value.get("allow_other"):
            allowed.append(OTHER)
        return [v for v in allowed if v]
    if block_type == "yes_no":
        return ["yes", "no"]
    if block_type == "consent":
        return ["yes"]
    if block_type == "scale":
        low, high = value.get("scale_min") or 0, value.get("scale_max") or 5
        allowed = [str(n) for n in range(low, high + 1)]
        if value.get("allow_dont_know"):
            allowed.append(DONT_KNOW)
        return allowed
    return None


def _condition_value_error(block_type, source_value, source_label, wanted):
    """A message when ``wanted`` is not an answer the source question can have."""
    if block_type == "file_upload":
        return _("A condition cannot depend on a file upload (“%(label)s”).") % {
            "label": source_label
        }
    allowed = condition_values(block_type, source_value)
    if allowed is not None:
        if wanted.casefold() not in {a.casefold() for a in allowed}:
            return _("“%(value)s” is not an answer of “%(label)s”. Use one of: %(allowed)s.") % {
                "value": wanted,
                "label": source_label,
                "allowed": ", ".join(allowed),
            }
        return None
    if block_type == "number":
        try:
            Decimal(wanted.strip().replace(",", "."))
        except InvalidOperation:
            return _("“%(label)s” takes a number; “%(value)s” is not one.") % {
                "label": source_label,
                "value": wanted,
            }
    if block_type == "date":
        from datetime import date

        try:
            date.fromisoformat(wanted.strip())
        except ValueError:
            return _("“%(label)s” takes a date: write it as YYYY-MM-DD.") % {"label": source_label}
    return None


class QuestionnaireBlock(blocks.StreamBlock):
    section = SectionBlock()
    short_text = ShortTextBlock()
    long_text = LongTextBlock()
    single_choice = SingleChoiceBlock()
    multiple_choice = MultipleChoiceBlock()
    scale = ScaleBlock()
    ranking = RankingBlock()
    yes_no = YesNoBlock()
    number = NumberBlock()
    date = DateQuestionBlock()
    file_upload = FileUploadBlock()
    consent = ConsentBlock()

    class Meta:
        label = _("Questionnaire")
        icon = "form"

    def clean(self, value):
        own_errors = self.structure_errors(value)
        try:
            cleaned = super().clean(value)
        except blocks.StreamBlockValidationError as error:
            for index, child_error in own_errors.items():
                error.block_errors.setdefault(index, child_error)
            raise
        if own_errors:
            raise blocks.StreamBlockValidationError(block_errors=own_errors)
        return cleaned

    @staticmethod
    def structure_errors(value) -> dict[int, ValidationError]:
        """Errors that span several children, by child index: duplicate keys and conditions
        that refer to a later or unknown question, or to an answer it cannot have."""
        children = list(value)
        all_keys = {}
        for index, child in enumerate(children):
            key = (child.value.get("key") or "") if child.block_type != "section" else ""
            all_keys.setdefault(key, index)
        earlier = {}  # key -> (block_type, value, label)
        errors = {}
        for index, child in enumerate(children):
            child_errors = {}
            condition = child.value.get("show_if") or {}
            wanted_key = (condition.get("key") or "").strip()
            if wanted_key:
                wanted = (condition.get("value") or "").strip()
                message = None
                if wanted_key not in earlier:
                    if all_keys.get(wanted_key) == index:
                        message = _("A question cannot depend on its own answer.")
                    elif wanted_key in all_keys:
                        message = _(
                            "The question with the key “%(key)s” comes after this one; a "
                            "condition can only depend on an earlier question."
                        ) % {"key": wanted_key}
                    else:
                        message = _("No earlier question has the key “%(key)s”.") % {
                            "key": wanted_key
                        }
                    child_errors["show_if"] = blocks.StructBlockValidationError(
                        block_errors={"key": ValidationError(message)}
                    )
                elif not wanted:
                    child_errors["show_if"] = blocks.StructBlockValidationError(
                        block_errors={
                            "value": ValidationError(_("Give the answer that shows this question."))
                        }
                    )
                else:
                    message = _condition_value_error(*earlier[wanted_key], wanted)
                    if message:
                        child_errors["show_if"] = blocks.StructBlockValidationError(
                            block_errors={"value": ValidationError(message)}
                        )
            if child.block_type != "section":
                key = (child.value.get("key") or "").strip()
                if key and key in earlier:
                    child_errors["key"] = ValidationError(
                        _("Another question already has the key “%(key)s”.") % {"key": key}
                    )
                elif key:
                    earlier[key] = (child.block_type, child.value, child.value.get("label"))
            if child_errors:
                errors[index] = blocks.StructBlockValidationError(block_errors=child_errors)
        return errors
