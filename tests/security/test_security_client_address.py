"""Client addresses behind proxies, and failed sign-ins that slow the source, not the victim.

The proxy in front of the site appends the address it sees to X-Forwarded-For; anything to the
left of it was written by the client. Every rate limit takes its address from allauth's
get_client_ip, told by ALLAUTH_TRUSTED_PROXY_COUNT (TRUSTED_PROXY_COUNT in production) how many
entries on the right are the proxies'.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # REMOTE_ADDR of every request that came through the proxy
STRANGER = "203.0.113.7"
VICTIM_HOME = "198.51.100.20"


def through_proxy(real, *fake):
    """The request headers the proxy sends when `real` connects with `fake` entries of its own."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ", ".join([*fake, real])}


def login(client, email, password, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def test_client_address_spoofed_entries_count_against_the_real_address(client, user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        login(client, user.email, "wrong", **through_proxy(STRANGER, f"192.0.2.{i}")).status_code
        for i in range(7)
    ]
    # Every request claims another address; the limit still counts the one the proxy saw.
    assert statuses == [200] * 5 + [429] * 2


def test_client_address_per_ip_limit_ignores_forged_entries(client, make_user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        login(
            client, f"guess{i}@example.org", "wrong", **through_proxy(STRANGER, f"192.0.2.{i}")
        ).status_code
        for i in range(11)
    ]
    # Ten failures a minute per source, whichever addresses it tries and claims.
    assert statuses == [200] * 10 + [429]
    other = login(client, "guess0@example.org", "wrong", **through_proxy("198.51.100.99"))
    assert other.status_code == 200  # another client behind the same proxy is not blocked


def test_client_address_header_ignored_without_trusted_proxy(client, user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    statuses = [
        login(
            client, user.email, "wrong", REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}"
        ).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_client_address_short_header_is_not_a_server_error(client, user, settings):
    # Two proxies configured, a request that bypassed one of them: no 500, still limited.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 2
    statuses = [
        login(
            client, user.email, "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER
        ).status_code
        for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]


def test_login_lockout_stranger_cannot_lock_out_the_owner(client, user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for _ in range(5):
        assert login(client, user.email, "wrong", **through_proxy(STRANGER)).status_code == 200
    refused = login(client, user.email, "wrong", **through_proxy(STRANGER))
    assert refused.status_code == 429
    assert "Too many attempts came from your connection" in refused.content.decode()
    # The stranger's next guess, even the right password, is refused from their connection...
    assert login(client, user.email, PASSWORD, **through_proxy(STRANGER)).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...while the owner, from home, signs in.
    owner = client.__class__()
    response = login(owner, user.email, PASSWORD, **through_proxy(VICTIM_HOME))
    assert response.status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


def test_login_lockout_owner_typing_wrong_is_slowed_from_their_own_connection(client, user):
    for _ in range(5):
        login(client, user.email, "wrong", REMOTE_ADDR=VICTIM_HOME)
    assert login(client, user.email, PASSWORD, REMOTE_ADDR=VICTIM_HOME).status_code == 429


def test_login_lockout_ipv6_neighbours_are_one_source(client, user, settings):
    # Rotating addresses inside one /64 does not buy more guesses at one account.
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    statuses = [
        login(client, user.email, "wrong", **through_proxy(f"2001:db8:1:2::{i + 1}")).status_code
        for i in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    other = client.__class__()
    response = login(other, user.email, PASSWORD, **through_proxy("2001:db8:9:9::1"))
    assert response.status_code == 302


def _production_settings(**env):
    """Import the production settings in a fresh interpreter; (returncode, stdout, stderr)."""
    environ = {
        **os.environ,
        "PYTHONPATH": f"{ROOT}{os.pathsep}{ROOT / 'site'}",
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": "prod-key-for-a-settings-test-" + "k9Xq2vLp7wRt" * 3,
        "EMAIL_HOST": "smtp.example.org",
        "ALLOWED_HOSTS": "participation.example.org",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
    }
    environ.pop("TRUSTED_PROXY_COUNT", None)
    environ.pop("REDIS_URL", None)
    environ.update(env)
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    done = subprocess.run(  # noqa: S603 - our own interpreter, fixed arguments
        [sys.executable, "-c", code], env=environ, capture_output=True, text=True, timeout=120
    )
    return done.returncode, done.stdout.strip(), done.stderr.strip()


@pytest.mark.parametrize("given, expected", [(None, "0"), ("1", "1"), (" 2 ", "2")])
def test_trusted_proxy_count_sets_allauths_setting(given, expected):
    env = {} if given is None else {"TRUSTED_PROXY_COUNT": given}
    code, out, err = _production_settings(**env)
    assert (code, out) == (0, expected), err


@pytest.mark.parametrize("wrong", ["-1", "one", "1.5", ""])
def test_trusted_proxy_count_wrong_value_stops_the_start(wrong):
    code, _out, err = _production_settings(TRUSTED_PROXY_COUNT=wrong)
    if wrong == "":
        assert code == 0  # empty means unset: 0
        return
    assert code != 0
    last = err.splitlines()[-1]
    assert "TRUSTED_PROXY_COUNT must be a whole number" in last and repr(wrong) in last
