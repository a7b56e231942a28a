"""A theme filter for any listing: `ThemeFilter` drops into a django-filter FilterSet."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from .selectors import canonical_themes, localized_names


class ThemeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        names = getattr(self, "_names", None)
        if names is None:
            names = self._names = localized_names(self.queryset)
        return names.get(obj.pk, obj.name)


class ThemeFilter(django_filters.ModelMultipleChoiceFilter):
    """Filter rows tagged with any of the chosen themes; themes are chosen by slug in the URL
    (`?theme=health&theme=housing`), so links stay readable and stable across languages."""

    field_class = ThemeChoiceField

    def __init__(self, field_name="themes", **kwargs):
        kwargs.setdefault("label", _("Themes"))
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        kwargs.setdefault("distinct", True)
        super().__init__(
            field_name=field_name, queryset=lambda request: canonical_themes(), **kwargs
        )

    def get_filter_predicate(self, v):
        # Filter by the theme itself; the slug is only how it travels in the URL.
        return {self.field_name: v}
