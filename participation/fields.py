"""Model fields shared by the plugins."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class MultipleChoiceJSONField(models.JSONField):
    """A list of codes (languages, audiences, ...) stored as JSON; edited as checkboxes or a
    multiple select; works the same on SQLite and PostgreSQL.

    `choices_callable` returns [(code, label)] when a form is built, so labels follow the
    reader's language and long lists (all languages) stay out of migrations.
    """

    def __init__(self, *args, choices_callable=None, widget=None, **kwargs):
        self.choices_callable = choices_callable
        self.widget = widget
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["choices_callable"] = self.choices_callable
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.choices_callable or (),
            required=not self.blank,
            label=capfirst(self.verbose_name),
            help_text=self.help_text,
            # A panel's or form's own widget (FieldPanel(widget=...)) wins; it was ignored.
            widget=kwargs.get("widget") or self.widget or forms.CheckboxSelectMultiple,
        )

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if not isinstance(value, list):
            raise ValidationError(_("Expected a list."))
        if self.choices_callable:
            allowed = {code for code, _label in self.choices_callable()}
            unknown = [v for v in value if v not in allowed]
            if unknown:
                raise ValidationError(
                    _("Unknown value: %(values)s") % {"values": ", ".join(map(str, unknown))}
                )


class NameFormField(forms.CharField):
    """A name other people will read (display names, organisations, nominees, applicants):
    cleaned by ``participation.text.clean_name`` (bidi controls removed; a name of invisible
    characters only is refused with a clear message)."""

    def clean(self, value):
        from participation.text import clean_name

        return clean_name(super().clean(value))
