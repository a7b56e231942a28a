"""Fixtures of the translated-call tests: an editor who can use the admin (TOTP set up)."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from i18n_calls_helpers import TOTP_SECRET


@pytest.fixture
def editor(make_user):
    editor = make_user(
        "editor@example.org", is_staff=True, is_superuser=True, display_name="Eddie Editor"
    )
    TOTP.activate(editor, TOTP_SECRET)
    return editor


@pytest.fixture
def editor_client(editor):
    from django.test import Client

    client = Client()
    client.force_login(editor)
    return client
