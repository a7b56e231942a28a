"""Reports in the Wagtail admin: Wagtail's own ``ReportView`` (a listing with django-filter
filters and the CSV/XLSX download buttons, ``?export=csv|xlsx``), the house's way of showing a
read-only listing or a table of figures.

A report about one object (a review process's audit trail, a call's statistics) is mounted at
that object's URL: ``ObjectReportView`` reverses its index URLs with the URL's own arguments, so
its filters, pagination and exports stay on the object's page. Each report keeps the permission
check of the pages around it (a mixin's ``dispatch``).
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from wagtail.admin.views.reports import ReportView


def json_cell(value) -> str:
    """A dict or list as one spreadsheet cell (JSON, keys as they are stored)."""
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)


class ObjectReportView(ReportView):
    """A report about the object named by the URL's arguments (``self.kwargs``)."""

    def get_index_url(self):
        if self.index_url_name:
            return reverse(self.index_url_name, kwargs=self.kwargs)

    def get_index_results_url(self):
        if self.index_results_url_name:
            return reverse(self.index_results_url_name, kwargs=self.kwargs)


def listing_export(model, fields) -> tuple[list, dict]:
    """``list_export`` and ``export_headings`` for a ViewSet's listing export: the model's
    fields as a reader of the spreadsheet expects them, headed by their verbose names. A field
    with choices exports its label, a country its name, a relation the related object's text
    (the listing's queryset selects it: one query for the whole export)."""
    from django.core.exceptions import FieldDoesNotExist
    from django.utils.text import capfirst
    from django_countries.fields import CountryField

    columns, headings = [], {}
    for name in fields:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            columns.append(name)
            continue
        if isinstance(field, CountryField):
            column = f"{name}.name"
        elif field.choices:
            column = f"get_{name}_display"
        else:
            column = name
        columns.append(column)
        headings[column] = capfirst(field.verbose_name)
    return columns, headings
