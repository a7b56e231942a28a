"""A list of short codes (tags, language codes, field keys) stored as JSON, typed as text."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[,;\n]+")
MAX_ITEMS = 100
MAX_LENGTH = 64


def split_codes(text) -> list[str]:
    """'health, housing\\nlang:ar' -> ['health', 'housing', 'lang:ar'] (trimmed, no repeats)."""
    if isinstance(text, list | tuple):
        parts = [str(part) for part in text]
    else:
        parts = _SEPARATORS.split(str(text or ""))
    seen = {}
    for part in parts:
        code = " ".join(part.split()).strip()
        if code:
            seen.setdefault(code, None)
    return list(seen)


class CodeListFormField(forms.CharField):
    widget = forms.TextInput

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(v) for v in value)
        return value

    def to_python(self, value):
        if any(unicodedata.category(ch) == "Cc" for ch in str(value or "") if ch != "\n"):
            raise ValidationError(_("Use letters, digits and punctuation only."))
        codes = split_codes(value)
        if len(codes) > MAX_ITEMS:
            raise ValidationError(_("At most %(n)s entries.") % {"n": MAX_ITEMS})
        too_long = [code for code in codes if len(code) > MAX_LENGTH]
        if too_long:
            raise ValidationError(
                _("Entries must be at most %(n)s characters long.") % {"n": MAX_LENGTH}
            )
        return codes

    def validate(self, value):
        if self.required and not value:
            raise ValidationError(self.error_messages["required"], code="required")


class CodeListField(models.JSONField):
    """Stored as a JSON list of strings; edited as text separated by commas or new lines."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return CodeListFormField(
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            max_length=MAX_ITEMS * (MAX_LENGTH + 2),
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValidationError(_("Expected a list of texts."))
