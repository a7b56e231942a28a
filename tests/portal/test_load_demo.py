"""load_demo never leaves a production site with the README's password or TOTP secret."""

import io
import re

import pytest
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.models import Page

from portal.management.commands.load_demo import DEMO_PASSWORD, DEMO_TOTP_SECRET


def _totp_secrets(user):
    adapter = get_mfa_adapter()
    return [
        adapter.decrypt(a.data["secret"])
        for a in Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP)
    ]


@pytest.mark.django_db
def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="--allow-production"):
        call_command("load_demo", stdout=io.StringIO())
    assert not get_user_model().objects.exists()
    assert Page.objects.count() == pages


@pytest.mark.django_db
def test_load_demo_in_production_gives_random_passwords_and_a_new_totp_secret_printed_once(
    settings,
):
    settings.DEBUG = True  # first a demo with the README's accounts in this database...
    call_command("load_demo", "--languages", "none", stdout=io.StringIO())
    User = get_user_model()
    assert User.objects.get(email="editor@example.org").check_password(DEMO_PASSWORD)

    settings.DEBUG = False  # ...then on a real site: nothing from the repository signs in
    out = io.StringIO()
    call_command("load_demo", "--allow-production", "--languages", "none", stdout=out)
    printed = dict(re.findall(r"^(\S+@example\.org)  password: (\S+)", out.getvalue(), re.M))
    assert set(printed) == {
        "editor@example.org",
        "amina@example.org",
        "oleksandr@example.org",
        "samira@example.org",
        "miriam.reviewer@example.org",
    }
    for email, password in printed.items():
        user = User.objects.get(email=email)
        assert not user.check_password(DEMO_PASSWORD)
        assert user.check_password(password)
    assert len(set(printed.values())) == 5
    editor = User.objects.get(email="editor@example.org")
    secrets = _totp_secrets(editor)
    assert len(secrets) == 1 and secrets[0] != DEMO_TOTP_SECRET
    assert f"TOTP secret (add it to an authenticator app): {secrets[0]}" in out.getvalue()
    assert DEMO_PASSWORD not in out.getvalue()

    # Printed once: a second run changes and shows nothing.
    again = io.StringIO()
    call_command("load_demo", "--allow-production", "--languages", "none", stdout=again)
    assert "password:" not in again.getvalue()
    assert _totp_secrets(editor) == secrets
    editor.refresh_from_db()
    assert editor.check_password(printed["editor@example.org"])


@pytest.mark.django_db
def test_demo_totp_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_totp", stdout=io.StringIO())
