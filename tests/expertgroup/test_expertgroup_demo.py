"""Point 8: the demo builds a completed call (about 400 applications, a committee of 9 with
scores, a selection of 24 with a reserve list, announced members), fast and idempotent."""

import time

import pytest
from wagtail.models import Locale

from expertgroup import demo, rules
from expertgroup.models import Application, Decision, ExpertCallPage, LetterTemplate
from participation.review.models import Review, Reviewer

pytestmark = pytest.mark.django_db


def test_demo_builds_a_completed_call_fast_and_idempotently(
    home_page, make_user, client, django_assert_max_num_queries
):
    editor = make_user(
        "editor@example.org", is_staff=True, is_superuser=True, display_name="Elena Editor"
    )
    amina = make_user("amina@example.org", display_name="Amina Yusuf", country="DE")
    Locale.objects.get_or_create(language_code="fr")
    started = time.monotonic()
    index = demo.load(home_page)
    elapsed = time.monotonic() - started
    assert elapsed < 40, elapsed  # about 10 s here; the bar leaves room for slow machines
    done = ExpertCallPage.objects.get(slug="expert-group-2026")
    assert ExpertCallPage.objects.get(slug="expert-group-2027").is_open
    assert Application.objects.filter(call=done).count() == 396
    assert Reviewer.objects.filter(process=done.review_process).count() == 9
    # The editor runs the call and may open special-category data: never on its committee.
    assert not Reviewer.objects.filter(process=done.review_process, user=editor).exists()
    assert rules.can_view_sensitive(editor, done)
    assert Review.objects.filter(assignment__phase__process=done.review_process).count() > 1000
    assert Application.objects.filter(call=done, decision=Decision.SELECTED).count() == 24
    assert Application.objects.filter(call=done, decision=Decision.RESERVE).exists()
    assert done.members_announced_at is not None
    names = "".join(Application.objects.filter(call=done).values_list("full_name", flat=True))
    for letter in (
        "ا",
        "О",
        "ሰ",
        "α",
        "王",
        "ş",
    ):  # Arabic, Cyrillic, Ethiopic, Greek, Han, Turkish
        assert letter in names
    amina_application = Application.objects.get(call=done, user=amina)
    assert amina_application.is_submitted and amina_application.receipt_number
    # Editable letters in English (load_demo translates them: tests/portal/test_demo_languages).
    assert LetterTemplate.objects.filter(locale=Locale.get_default()).count() == 5
    assert not LetterTemplate.objects.exclude(locale=Locale.get_default()).exists()

    demo.load(home_page)  # idempotent
    assert Application.objects.filter(call=done).count() == 396
    assert ExpertCallPage.objects.count() == 3 and index.get_children().count() == 3

    # A call whose scoring is open now: the demo's committee member has everything to score.
    current = ExpertCallPage.objects.get(slug=demo.UNDER_REVIEW_SLUG)
    phase = current.review_process.phases.get()
    assert phase.is_open()
    mine = Review.objects.filter(
        assignment__phase=phase, assignment__reviewer__user__email=demo.REVIEWER_EMAIL
    )
    assigned = phase.assignments.filter(reviewer__user__email=demo.REVIEWER_EMAIL)
    assert assigned.count() >= 10 and not mine.exists()
    assert Review.objects.filter(assignment__phase=phase).count() >= 2 * assigned.count() - 2

    client.force_login(amina)
    response = client.get(
        done.url + done.reverse_subpage("apply_review", args=[amina_application.pk])
    )
    assert response.status_code == 200
    assert amina_application.receipt_number in response.content.decode()
    members_url = done.url + done.reverse_subpage("members")
    client.get(members_url)
    with django_assert_max_num_queries(25):
        response = client.get(members_url)
    assert response.status_code == 200
