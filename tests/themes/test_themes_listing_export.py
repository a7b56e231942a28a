"""The themes listing downloads as CSV (Wagtail's listing export), kinds by their labels."""

import csv
import io

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.urls import reverse

from themes.models import Theme

pytestmark = pytest.mark.django_db


def test_themes_export(client, make_user):
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(editor)
    response = client.get(reverse("wagtailsnippets_themes_theme:list"), {"export": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="themes.csv"'
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8"))))
    assert rows[0][:3] == ["Name", "Kind", "Slug"]
    assert len(rows) == 1 + Theme.objects.count()
    housing = next(row for row in rows if row[2] == "housing")
    assert housing[1] == "Sectoral"
