"""Every role of the demo can act now: the juror and the committee member sign in as the README
says (password, then the code `demo_totp` prints), find an open phase with items assigned to
them, declare no conflict and score; what was scored reads with its scale."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from participation.review.models import Review, ReviewProcess
from portal.management.commands.load_demo import DEMO_PASSWORD


def _sign_in(client, email):
    code = io.StringIO()
    call_command("demo_totp", stdout=code)
    response = client.post(reverse("account_login"), {"login": email, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": code.getvalue().strip()})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def _score_first_open_item(client, process):
    workspace = client.get(reverse("review:workspace"))
    assert workspace.status_code == 200
    page = workspace.content.decode()
    assert process.name in page
    links = re.findall(rf'href="([^"]*/review/{process.pk}/items/\d+/)"', page)
    assert links, "no item of the open process in the workspace"
    url = links[0]
    item = client.get(url)
    assert item.status_code == 200
    assert b'name="kind"' in item.content  # conflicts first
    response = client.post(url + "conflict/", {"kind": "none"})
    assert response.status_code == 302
    form = client.get(url).content.decode()
    names = sorted(set(re.findall(r'name="(score_[a-z_]+)"', form)))
    assert names
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    data = {name: "3" for name in names} | {"version": version, "action": "submit"}
    data["comments"] = "Clear results; the neighbours decide together."
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return url


@pytest.mark.django_db
def test_demo_juror_and_committee_member_can_score_now(client, settings):
    settings.DEBUG = True
    call_command("load_demo", "--languages", "none", stdout=io.StringIO())

    _sign_in(client, "miriam.reviewer@example.org")
    committee = ReviewProcess.objects.get(name__contains="housing and reception")
    _score_first_open_item(client, committee)
    review = Review.objects.get(
        assignment__reviewer__user__email="miriam.reviewer@example.org",
        assignment__phase__process=committee,
    )
    assert review.is_submitted
    client.post(reverse("account_logout"))

    _sign_in(client, "oleksandr@example.org")
    jury = ReviewProcess.objects.get(name__startswith="Integration Award 2027")
    _score_first_open_item(client, jury)
    assert Review.objects.get(
        assignment__reviewer__user__email="oleksandr@example.org",
        assignment__phase__process=jury,
    ).is_submitted
    # Last year's jury round is closed: what he gave reads with its criterion and scale.
    past = ReviewProcess.objects.get(name__startswith="Integration Award 2026 · Local")
    page = client.get(reverse("review:workspace")).content.decode()
    link = re.search(rf'href="([^"]*/review/{past.pk}/items/\d+/)"', page).group(1)
    shown = client.get(link).content.decode()
    assert "Your submitted review:" in shown
    assert re.search(r"<dt>Results for integration</dt><dd>\d on a scale of 0 to 5</dd>", shown)
