"""Content Security Policy, safe headers, CSRF, sanitised user text and `check --deploy`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'><svg onload=alert(2)>'


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_csp_public_pages_allow_no_inline_script_or_style(client, world):
    for url in [
        "/",
        world.page.url,
        world.page.url + "what-we-heard/",
        "/accounts/login/",
        "/accounts/signup/",
        "/organisations/",
        "/ar/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _csp(response)
        assert policy["script-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy["style-src"], url
        assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.django_db
def test_csp_chart_style_carries_the_nonce_of_its_response(client, world):
    response = client.get(world.page.url + "what-we-heard/")
    html = response.content.decode()
    nonces = set(re.findall(r'<style nonce="([^"]+)"', html))
    assert nonces, "the summary shows charts, each with pygal's <style>"
    (nonce,) = nonces
    assert f"'nonce-{nonce}'" in _csp(response)["style-src"]
    assert (
        client.get(world.page.url + "what-we-heard/")["Content-Security-Policy"]
        != response["Content-Security-Policy"]
    )  # a fresh nonce per response


@pytest.mark.django_db
def test_csp_rendered_public_pages_have_no_inline_script_or_style_attribute(client, world):
    client.force_login(world.users["member"])
    for url in [
        "/",
        world.page.url,
        world.page.url + "what-we-heard/",
        world.page.url + "responses/",
        reverse("accounts:profile"),
        reverse("organisations:members", args=[world.org.slug]),
        world.page.url + world.page.reverse_subpage("respond_step", args=[world.draft.pk, 0]),
    ]:
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle\s*=", html), url
        assert not re.search(r"<style(?![^>]*\bnonce=)", html), url
        assert not re.search(r"\son[a-z]+\s*=", html), url  # no inline event handlers


# Admin screens live in the Wagtail admin (looser policy); print templates go to WeasyPrint.
EXEMPT_TEMPLATE_PARTS = ("/admin/", "/print/", "/wagtailadmin/")


def test_csp_no_template_has_inline_script_or_style():
    offenders = []
    for folder in [
        "site",
        "participation",
        "themes",
        "consultations",
        "expertgroup",
        "awards",
        "monitoring",
    ]:
        for path in (ROOT / folder).rglob("templates/**/*.html"):
            relative = str(path.relative_to(ROOT))
            if any(part in "/" + relative for part in EXEMPT_TEMPLATE_PARTS):
                continue
            text = path.read_text(encoding="utf-8")
            if (
                re.search(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text)
                or re.search(r"<style\b", text)
                or re.search(r"\sstyle\s*=", text)
                or re.search(r"\son(click|load|submit|change|input)\s*=", text)
            ):
                offenders.append(relative)
    assert not offenders, "inline script or style (blocked by the CSP): " + ", ".join(offenders)


@pytest.mark.django_db
def test_csp_admin_gets_its_looser_policy_only_under_admin(client, world):
    client.force_login(world.users["editor"])
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "'unsafe-inline'" in _csp(response)["script-src"]
    assert "'unsafe-inline'" not in _csp(client.get("/"))["script-src"]


@pytest.mark.django_db
def test_csrf_refuses_posts_without_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["org_admin"])
    start = world.page.url + world.page.reverse_subpage("respond_start")
    for url, data in [
        (start, {"country": "DE", "language": "en"}),
        (reverse("organisations:create"), {"name": "Forged", "kind": "migrant_led"}),
        (reverse("accounts:delete"), {"password": "x"}),
        (reverse("organisations:invite", args=[world.org.slug]), {"email": "a@example.org"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    anonymous = Client(enforce_csrf_checks=True)
    assert (
        anonymous.post("/accounts/login/", {"login": "a@b.c", "password": "x"}).status_code == 403
    )


@pytest.mark.django_db
def test_sanitised_user_text_is_escaped_wherever_rendered(client, world):
    from consultations.demo_questionnaire import qid
    from consultations.models import Response
    from participation.organisations.models import Organisation

    Organisation.objects.filter(pk=world.org.pk).update(description=XSS, name="Org " + XSS[:40])
    world.users["member"].display_name = XSS[:100]
    world.users["member"].save()
    answers = dict(world.mine.answers, **{qid("proposal"): {"text": XSS}})
    Response.objects.filter(pk=world.mine.pk).update(
        answers=answers, publication="named", moderation="approved"
    )
    pages = [
        (None, world.page.url + "responses/"),
        (None, reverse("organisations:detail", args=[world.org.slug])),
        (None, "/organisations/"),
        ("org_admin", reverse("organisations:members", args=[world.org.slug])),
        (
            "owner",
            world.page.url + world.page.reverse_subpage("respond_done", args=[world.mine.pk]),
        ),
    ]
    for role, url in pages:
        client.logout()
        if role:
            client.force_login(world.users[role])
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, url
        assert "<svg onload" not in html, url
    # The published answer is there, escaped, not dropped.
    client.logout()
    assert "&lt;script&gt;alert" in client.get(world.page.url + "responses/").content.decode()


@pytest.mark.django_db
def test_sanitised_review_item_escapes_applicant_text(world):
    from review_doubles import ApplicationDouble

    ApplicationDouble.objects.update(motivation=XSS)
    client = Client()
    client.force_login(world.users["reviewer_assigned"])
    html = client.get(reverse("review:item", args=[world.process.pk, world.item.number])).content
    assert b"<script>alert" not in html and b"&lt;script&gt;alert" in html


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="k" * 20 + "-production-secret-for-the-check-only-9Zq!x",
        ALLOWED_HOSTS="participation.example.eu",
        DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.db'}",
        EMAIL_HOST="smtp.example.eu",
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "site/manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_production_settings_secure_cookies_hsts_and_csrf():
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        SECRET_KEY="s" * 20 + "-production-secret-for-the-check-only-7Hw!y",
        ALLOWED_HOSTS="participation.example.eu",
        DATABASE_URL="sqlite:////tmp/unused.db",
        EMAIL_HOST="smtp.example.eu",
    )
    code = (
        "import django;django.setup();from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.SECURE_SSL_REDIRECT, 'django.middleware.csrf.CsrfViewMiddleware' in s.MIDDLEWARE,"
        " 'portal.security.SiteCSPMiddleware' in s.MIDDLEWARE)"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT / "site",
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.split() == ["True"] * 6, done.stderr
