"""The themes checkboxes of the page editor."""

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from wagtail.models import Locale

from .selectors import localized_names


class ThemeCheckboxes(forms.CheckboxSelectMultiple):
    """Each theme once, named in the editor's language. Content is tagged with the default
    locale's themes; the plain widget listed every translation of every theme (9 themes in 15
    languages: 135 boxes)."""

    def optgroups(self, name, value, attrs=None):
        listed = self.choices
        themes = [choice.instance for choice, _label in listed if hasattr(choice, "instance")]
        default = Locale.get_default().pk
        canonical = [theme for theme in themes if theme.locale_id == default]
        names = localized_names(canonical)
        self.choices = [(ModelChoiceIteratorValue(t.pk, t), names[t.pk]) for t in canonical]
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = listed
