"""One Django form field per question type. Each field's ``clean()`` returns the answer as it
is stored (JSON-ready), or ``None`` for no answer; file fields return a ``FileAnswer`` for a new
upload, which the caller stores.

Stored answers, by type:

========================  ==============================================================
short_text, long_text     ``"text"`` (line breaks as ``\\n``)
single_choice             ``{"choice": "<option value>"}`` or ``{"other": "text"}``
multiple_choice           ``{"choices": ["<value>", ...]}``, plus ``"other": "text"`` if given
scale                     an integer, or ``"dont_know"``
ranking                   ``["<value ranked 1>", "<value ranked 2>", ...]``
yes_no                    ``true`` / ``false``
number                    an integer (whole numbers only) or a decimal as a string ``"12.5"``
date                      ``"YYYY-MM-DD"``
file_upload               what the caller stored: ``{"name", "content_type", "size", ...}``
consent                   ``true`` (ticked) / ``false`` (an optional consent left unticked)
========================  ==============================================================
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import date_format, number_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from participation.files.checks import check_upload, file_size
from participation.files.kinds import FAMILIES, FileKind, kinds_of

from . import conf
from .blocks import DONT_KNOW
from .characters import count_characters, too_long
from .structure import Question

# The HTML value of the "Other" radio button or checkbox; never stored.
OTHER_HTML = "__other__"


def required_message(question: Question) -> str:
    if question.type in ("single_choice", "scale", "yes_no"):
        return _("Choose an answer.")
    if question.type == "multiple_choice":
        return _("Choose at least one option.")
    if question.type == "ranking":
        return _("Rank the options.")
    if question.type == "file_upload":
        return _("Choose a file to upload.")
    if question.type == "consent":
        return _("Tick the box to agree; you cannot go on without it.")
    return _("Answer this question.")


def _not_offered():
    return ValidationError(
        _("That choice is not offered here. Choose one of the options."), code="invalid_choice"
    )


def _clean_text(value) -> str:
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    if "\x00" in text:
        raise ValidationError(_("The text contains a null character; remove it."), code="null")
    return text


def _check_length(text: str, limit: int, what: str | None = None):
    if too_long(text, limit):
        params = {
            "limit": number_format(limit, force_grouping=True),
            "count": number_format(count_characters(text), force_grouping=True),
        }
        if what:
            params["what"] = what
            message = _("Use at most %(limit)s characters for “%(what)s”; you used %(count)s.")
        else:
            message = _("Use at most %(limit)s characters; you used %(count)s.")
        raise ValidationError(message % params, code="max_length")


# -- text ---------------------------------------------------------------------------------------


class TextAnswerField(forms.CharField):
    """Text with a limit counted in user-perceived characters (see ``characters.py``)."""

    def __init__(self, *, max_chars: int, **kwargs):
        self.max_chars = max_chars
        kwargs.setdefault("strip", True)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("dir", "auto")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # The browser counts UTF-16 units, never fewer than we do: it cannot let too much in.
        attrs["maxlength"] = str(self.max_chars)
        return attrs

    def to_python(self, value):
        return _clean_text(value) or None

    def validate(self, value):
        super().validate(value)
        if value:
            _check_length(value, self.max_chars)


# -- choices ------------------------------------------------------------------------------------


class _OtherMixin:
    """Renders a text box for the free "Other" answer after the options, in the same fieldset,
    and reads it back: the widget's value is a dict ``{"choice"|"choices": ..., "other": ...}``.
    """

    template_name = "questionnaire/widgets/choices.html"
    value_key = "choice"

    def __init__(self, *args, other_label=None, other_max_length=500, **kwargs):
        super().__init__(*args, **kwargs)
        self.other_label = other_label
        self.other_max_length = other_max_length

    def use_required_attribute(self, initial):
        # With "Other", typing its text is an answer too: let the server decide.
        return self.other_label is None and super().use_required_attribute(initial)

    def value_from_datadict(self, data, files, name):
        picked = super().value_from_datadict(data, files, name)
        return {self.value_key: picked, "other": data.get(f"{name}-other", "")}

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}-other" not in data

    def get_context(self, name, value, attrs):
        other = ""
        if isinstance(value, dict):
            other = value.get("other") or ""
            value = value.get(self.value_key)
        context = super().get_context(name, value, attrs)
        if self.other_label is not None:
            base_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
            context["widget"]["other"] = {
                "name": f"{name}-other",
                "id": f"{base_id}_other",
                "value": other,
                "label": _("%(other)s: please specify") % {"other": self.other_label},
                "maxlength": self.other_max_length,
            }
        return context


class RadioOtherWidget(_OtherMixin, forms.RadioSelect):
    value_key = "choice"


class CheckboxOtherWidget(_OtherMixin, forms.CheckboxSelectMultiple):
    value_key = "choices"


class SingleChoiceField(forms.Field):
    widget = RadioOtherWidget

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        self.allow_other = bool(question.settings.get("allow_other"))
        self.other_max_length = conf.get("OTHER_MAX_LENGTH")
        super().__init__(**kwargs)
        choices = [(o.value, o.label) for o in question.options]
        if self.allow_other:
            choices.append((OTHER_HTML, question.other_label))
        self.widget = RadioOtherWidget(
            choices=choices,
            other_label=question.other_label if self.allow_other else None,
            other_max_length=self.other_max_length,
        )

    def clean(self, value):
        if isinstance(value, dict):
            choice, other = value.get("choice") or "", value.get("other")
        else:
            choice, other = value or "", ""
        choice = str(choice)
        other = _clean_text(other) if self.allow_other else ""
        if not choice and other:
            choice = OTHER_HTML
        if not choice:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if choice == OTHER_HTML and self.allow_other:
            if not other:
                raise ValidationError(
                    _("You chose “%(other)s”: please say what it is.")
                    % {"other": self.question.other_label},
                    code="other_missing",
                )
            _check_length(other, self.other_max_length, self.question.other_label)
            return {"other": other}
        if choice not in self.question.option_values:
            raise _not_offered()
        if other:
            raise ValidationError(
                _(
                    "You chose “%(label)s” and also wrote an answer for “%(other)s”. Choose "
                    "“%(other)s”, or clear its text."
                )
                % {"label": self.question.option_label(choice), "other": self.question.other_label},
                code="other_conflict",
            )
        return {"choice": choice}


class MultipleChoiceField(forms.Field):
    widget = CheckboxOtherWidget

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        self.allow_other = bool(question.settings.get("allow_other"))
        self.other_max_length = conf.get("OTHER_MAX_LENGTH")
        self.min_selections = question.settings.get("min_selections") or 0
        self.max_selections = question.settings.get("max_selections") or 0
        super().__init__(**kwargs)
        choices = [(o.value, o.label) for o in question.options]
        if self.allow_other:
            choices.append((OTHER_HTML, question.other_label))
        self.widget = CheckboxOtherWidget(
            choices=choices,
            other_label=question.other_label if self.allow_other else None,
            other_max_length=self.other_max_length,
        )

    def clean(self, value):
        if isinstance(value, dict):
            picked, other = value.get("choices") or [], value.get("other")
        else:
            picked, other = value or [], ""
        if isinstance(picked, str):
            picked = [picked]
        picked = list(dict.fromkeys(str(p) for p in picked if p))
        other = _clean_text(other) if self.allow_other else ""
        if other and OTHER_HTML not in picked:
            picked.append(OTHER_HTML)
        valid = set(self.question.option_values)
        if self.allow_other:
            valid.add(OTHER_HTML)
        if any(p not in valid for p in picked):
            raise _not_offered()
        if not picked:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if OTHER_HTML in picked and not other:
            raise ValidationError(
                _("You chose “%(other)s”: please say what it is.")
                % {"other": self.question.other_label},
                code="other_missing",
            )
        if self.min_selections and len(picked) < self.min_selections:
            raise ValidationError(
                _("Choose at least %(min)d options; you chose %(count)d.")
                % {"min": self.min_selections, "count": len(picked)},
                code="min_selections",
            )
        if self.max_selections and len(picked) > self.max_selections:
            raise ValidationError(
                _("Choose at most %(max)d options; you chose %(count)d.")
                % {"max": self.max_selections, "count": len(picked)},
                code="max_selections",
            )
        answer = {"choices": [v for v in self.question.option_values if v in picked]}
        if other:
            _check_length(other, self.other_max_length, self.question.other_label)
            answer["other"] = other
        return answer


class ScaleField(forms.ChoiceField):
    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        settings = question.settings
        low, high = settings.get("scale_min") or 0, settings.get("scale_max") or 5
        if settings.get("scale_min") is None:
            low = 1
        choices = []
        for n in range(low, high + 1):
            label = str(n)
            if n == low and settings.get("min_label"):
                label = f"{n} – {settings['min_label']}"
            elif n == high and settings.get("max_label"):
                label = f"{n} – {settings['max_label']}"
            choices.append((str(n), label))
        if settings.get("allow_dont_know"):
            choices.append((DONT_KNOW, question.dont_know_label))
        kwargs.setdefault("widget", forms.RadioSelect(attrs={"class": "scale"}))
        super().__init__(choices=choices, **kwargs)
        self.error_messages["invalid_choice"] = _not_offered().message

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        return value if value == DONT_KNOW else int(value)


class YesNoField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.RadioSelect)
        super().__init__(choices=[("yes", _("Yes")), ("no", _("No"))], **kwargs)
        self.error_messages["invalid_choice"] = _not_offered().message

    def clean(self, value):
        value = super().clean(value)
        return None if not value else value == "yes"


class RankingWidget(forms.Widget):
    """One drop-down per rank; works without JavaScript."""

    template_name = "questionnaire/widgets/ranking.html"
    use_fieldset = True

    def __init__(self, rank_count: int, choices, attrs=None):
        super().__init__(attrs)
        self.rank_count = rank_count
        self.choices = list(choices)

    def value_from_datadict(self, data, files, name):
        return [data.get(f"{name}_{i}", "") for i in range(self.rank_count)]

    def value_omitted_from_data(self, data, files, name):
        return not any(f"{name}_{i}" in data for i in range(self.rank_count))

    def id_for_label(self, id_):
        return f"{id_}_0" if id_ else id_

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        values = list(value) if isinstance(value, list | tuple) else []
        values += [""] * (self.rank_count - len(values))
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["widget"]["ranks"] = [
            {
                "name": f"{name}_{i}",
                "id": f"{base_id}_{i}",
                "label": _("Rank %(rank)d") % {"rank": i + 1},
                "value": str(values[i] or ""),
            }
            for i in range(self.rank_count)
        ]
        context["widget"]["choices"] = self.choices
        context["widget"]["invalid"] = context["widget"]["attrs"].get("aria-invalid")
        return context


class RankingField(forms.Field):
    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        super().__init__(**kwargs)
        self.widget = RankingWidget(
            question.rank_count, [(o.value, o.label) for o in question.options]
        )

    def clean(self, value):
        values = [str(v or "").strip() for v in (value or [])][: self.question.rank_count]
        if not any(values):
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        if any(v and v not in self.question.option_values for v in values):
            raise _not_offered()
        seen = set()
        for v in values:
            if v and v in seen:
                raise ValidationError(
                    _("You gave “%(label)s” more than one rank; give each option one rank only.")
                    % {"label": self.question.option_label(v)},
                    code="duplicate",
                )
            seen.add(v)
        if len(values) < self.question.rank_count or not all(values):
            raise ValidationError(
                _("Choose an option for every rank (%(count)d in all).")
                % {"count": self.question.rank_count},
                code="incomplete",
            )
        return values


# -- numbers and dates --------------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009\u2007'’_"), None)
_SIGNS = str.maketrans({"\u2212": "-", "\u066b": ".", "\u066c": ",", "\uff0c": ",", "\uff0e": "."})


def parse_number(text: str) -> Decimal | None:
    """A number as people type it: "1 234,5", "1,234.5", "1.234,5", "−3", "١٢٣"; or None."""
    text = text.translate(_SIGNS).translate(_SPACES)
    if not text or len(text) > 40:
        return None
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        text = text.replace(grouping, "").replace(decimal_mark, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        # 1,000,000 or 1.000.000: grouping only.
        groups = text.replace(",", ".").lstrip("+-").split(".")
        if len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
            return None
        text = text.replace(",", "").replace(".", "")
    if "e" in text.lower():
        return None  # nobody types exponents; "1e999" is not an answer
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


class NumberField(forms.CharField):
    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        settings = question.settings
        self.integer_only = bool(settings.get("integer_only"))
        self.min_value = settings.get("min_value")
        self.max_value = settings.get("max_value")
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "numeric" if self.integer_only else "decimal", "dir": "auto"}
            ),
        )
        super().__init__(max_length=None, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return None
        number = parse_number(text)
        if number is None:
            raise ValidationError(
                _("Enter a whole number, like 12.")
                if self.integer_only
                else _("Enter a number, like 12 or 3.5."),
                code="invalid",
            )
        if self.integer_only and number != number.to_integral_value():
            raise ValidationError(_("Enter a whole number, like 12."), code="integer")
        if self.min_value is not None and number < Decimal(self.min_value):
            raise ValidationError(
                _("Enter a number of at least %(min)s.") % {"min": _plain(self.min_value)},
                code="min_value",
            )
        if self.max_value is not None and number > Decimal(self.max_value):
            raise ValidationError(
                _("Enter a number of at most %(max)s.") % {"max": _plain(self.max_value)},
                code="max_value",
            )
        if self.integer_only:
            return int(number)
        return _plain(number)


def _plain(number) -> str:
    """A Decimal as plain digits: no exponent, no trailing ".0" noise added."""
    text = format(Decimal(number), "f")
    return text


class DateAnswerField(forms.DateField):
    input_formats = ["%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y"]

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        self.min_date = question.settings.get("min_date")
        self.max_date = question.settings.get("max_date")
        attrs = {"type": "date"}
        if self.min_date:
            attrs["min"] = self.min_date.isoformat()
        if self.max_date:
            attrs["max"] = self.max_date.isoformat()
        kwargs.setdefault("widget", forms.DateInput(attrs=attrs, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Enter a real date, for example %(example)s.") % {
            "example": "2026-03-31"
        }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        if self.min_date and value < self.min_date:
            raise ValidationError(
                _("Enter a date on or after %(date)s.") % {"date": date_format(self.min_date)},
                code="min_date",
            )
        if self.max_date and value > self.max_date:
            raise ValidationError(
                _("Enter a date on or before %(date)s.") % {"date": date_format(self.max_date)},
                code="max_date",
            )
        return value.isoformat()


# -- files --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FileAnswer:
    """A new, validated upload. The engine never stores it: the caller does, then records
    ``as_answer(...)`` (or any JSON with at least a "name") as the answer."""

    question_id: str
    file: File  # what to store: the upload, or the re-encoded image
    kind: FileKind
    name: str  # the name it was uploaded with (for display only)
    size: int

    @property
    def content_type(self) -> str:
        return self.kind.content_type

    @property
    def extension(self) -> str:
        return self.kind.extension

    def as_answer(self, **reference) -> dict:
        """The JSON answer: name, sniffed content type and size, plus whatever the caller
        needs to find the stored file again (e.g. ``path=...`` or ``id=...``)."""
        return {
            "name": self.name,
            "content_type": self.content_type,
            "size": self.size,
            **reference,
        }


class FileWidget(forms.ClearableFileInput):
    template_name = "questionnaire/widgets/file.html"
    clear_checkbox_label = gettext_lazy("Remove this file")
    initial_text = gettext_lazy("Current file")
    input_text = gettext_lazy("Replace it with")

    def is_initial(self, value):
        return isinstance(value, dict) and bool(value.get("name"))

    def format_value(self, value):
        return value if self.is_initial(value) else None


class QuestionFileField(forms.FileField):
    widget = FileWidget

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        families = question.settings.get("allowed_types") or list(FAMILIES)
        self.kinds = list(kinds_of(families))
        cap = conf.get("MAX_UPLOAD_MB")
        self.max_bytes = min(question.settings.get("max_size_mb") or 10, cap) * 1024 * 1024
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(
            dict.fromkeys([k.extension for k in self.kinds] + [k.content_type for k in self.kinds])
        )

    @property
    def allowed_description(self) -> str:
        return get_text_list([k.description for k in self.kinds], _("or"))

    def clean(self, data, initial=None):
        result = super().clean(data, initial)
        if result is False or not result:
            return None
        if not isinstance(result, UploadedFile):
            return result  # the file stored before, kept
        checked = check_upload(result, kinds=self.kinds, max_bytes=self.max_bytes)
        return FileAnswer(
            question_id=self.question.id,
            file=checked.content,  # a re-encoded image, or the upload itself
            kind=checked.kind,
            name=checked.name,
            size=checked.size,
        )


class ConsentField(forms.BooleanField):
    def clean(self, value):
        return bool(super().clean(value))


# -- per type -----------------------------------------------------------------------------------


def hint(question: Question) -> str:
    """What a respondent should know before answering: limits, allowed files."""
    settings = question.settings
    kind = question.type
    if kind in ("short_text", "long_text"):
        return _("At most %(limit)s characters.") % {
            "limit": number_format(question.max_length, force_grouping=True)
        }
    if kind == "multiple_choice":
        low, high = settings.get("min_selections") or 0, settings.get("max_selections") or 0
        if low and high:
            return _("Choose between %(min)d and %(max)d.") % {"min": low, "max": high}
        if low:
            return _("Choose at least %(min)d.") % {"min": low}
        if high:
            return _("Choose up to %(max)d.") % {"max": high}
    if kind == "ranking":
        return _("Rank 1 is your first choice. Give each option one rank only.")
    if kind == "number":
        low, high = settings.get("min_value"), settings.get("max_value")
        parts = [_("A whole number.") if settings.get("integer_only") else ""]
        if low is not None and high is not None:
            parts.append(_("From %(min)s to %(max)s.") % {"min": _plain(low), "max": _plain(high)})
        elif low is not None:
            parts.append(_("At least %(min)s.") % {"min": _plain(low)})
        elif high is not None:
            parts.append(_("At most %(max)s.") % {"max": _plain(high)})
        return " ".join(p for p in parts if p)
    if kind == "date":
        low, high = settings.get("min_date"), settings.get("max_date")
        if low and high:
            return _("Between %(min)s and %(max)s.") % {
                "min": date_format(low),
                "max": date_format(high),
            }
        if low:
            return _("On or after %(min)s.") % {"min": date_format(low)}
        if high:
            return _("On or before %(max)s.") % {"max": date_format(high)}
    if kind == "file_upload":
        field = QuestionFileField(question=question, required=False)
        return _("%(types)s; at most %(max)s.") % {
            "types": field.allowed_description,
            "max": file_size(field.max_bytes),
        }
    return ""


def make_field(question: Question, *, required: bool | None = None) -> forms.Field:
    """The form field of one question. ``required=False`` makes a required question optional in
    the field itself, when the form decides later (its condition depends on the same step).
    Its help text is the editor's, followed by a hint on limits (``hint()``)."""
    kwargs = {
        "label": question.label,
        "help_text": "\n".join(t for t in (question.help_text, hint(question)) if t),
        "required": question.required if required is None else required,
    }
    kind = question.type
    if kind == "short_text":
        field = TextAnswerField(max_chars=question.max_length, **kwargs)
    elif kind == "long_text":
        field = TextAnswerField(
            max_chars=question.max_length, widget=forms.Textarea(attrs={"rows": 6}), **kwargs
        )
    elif kind == "single_choice":
        field = SingleChoiceField(question=question, **kwargs)
    elif kind == "multiple_choice":
        field = MultipleChoiceField(question=question, **kwargs)
    elif kind == "scale":
        field = ScaleField(question=question, **kwargs)
    elif kind == "ranking":
        field = RankingField(question=question, **kwargs)
    elif kind == "yes_no":
        field = YesNoField(**kwargs)
    elif kind == "number":
        field = NumberField(question=question, **kwargs)
    elif kind == "date":
        field = DateAnswerField(question=question, **kwargs)
    elif kind == "file_upload":
        field = QuestionFileField(question=question, **kwargs)
    elif kind == "consent":
        field = ConsentField(**kwargs)
    else:  # pragma: no cover - QUESTION_BLOCKS and this list move together
        raise ValueError(f"Unknown question type {kind!r}")
    field.error_messages["required"] = required_message(question)
    return field


def initial_value(question: Question, answer):
    """What a field shows for a stored answer (the reverse of its ``clean()``)."""
    if answer is None:
        return None
    kind = question.type
    if kind == "single_choice" and isinstance(answer, dict):
        if "other" in answer:
            return {"choice": OTHER_HTML, "other": answer["other"]}
        return {"choice": answer.get("choice"), "other": ""}
    if kind == "multiple_choice" and isinstance(answer, dict):
        choices = list(answer.get("choices") or [])
        if answer.get("other"):
            choices.append(OTHER_HTML)
        return {"choices": choices, "other": answer.get("other") or ""}
    if kind == "yes_no":
        return "yes" if answer else "no"
    if kind in ("scale", "number"):
        return str(answer)
    if kind == "date" and isinstance(answer, str):
        try:
            return date.fromisoformat(answer)
        except ValueError:
            return answer
    return answer


def is_empty(question: Question, answer) -> bool:
    if answer is None or answer == "" or answer == [] or answer == {}:
        return True
    return question.type == "consent" and answer is False
