"""Points 1, 6 (public members page), 7 (statistics, charts) and the shared hooks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from expertgroup import services
from expertgroup.models import Application, Decision, ExpertCallPage
from themes.figures import participation_figures
from themes.models import Theme
from themes.selectors import themed_content

pytestmark = pytest.mark.django_db


def url(page, route, *args):
    return page.url + page.reverse_subpage(route, args=args)


@pytest.mark.parametrize(
    "opens, closes, process, announced, state",
    [
        (5, 10, False, False, "forthcoming"),
        (-5, 10, False, False, "open"),
        (-10, -1, False, False, "closed"),
        (-10, -1, True, False, "in_selection"),
        (-10, -1, True, True, "announced"),
    ],
)
def test_call_page_states(client, call, editor, opens, closes, process, announced, state):
    now = timezone.now()
    ExpertCallPage.objects.filter(pk=call.pk).update(
        opens_at=now + timedelta(days=opens),
        closes_at=now + timedelta(days=closes),
        members_announced_at=now if announced else None,
    )
    call.refresh_from_db()
    if process:
        services.ensure_process(call, editor)
        call.refresh_from_db()
    assert call.state == state
    response = client.get(call.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert str(call.get_state_display()) in body
    assert ("Apply</a>" in body) == (state == "open")
    assert "Lives in the EU" in body and "Term of office" not in body or call.term_of_office


def test_call_page_publishing_keeps_process_and_announcement(call, editor):
    services.ensure_process(call, editor)
    call.refresh_from_db()
    ExpertCallPage.objects.filter(pk=call.pk).update(members_announced_at=timezone.now())
    call.refresh_from_db()
    call.title = "Renamed"
    call.save_revision().publish()
    call.refresh_from_db()
    assert call.review_process_id and call.members_announced_at


def test_index_page_lists_calls(client, call):
    response = client.get(call.get_parent().url)
    assert response.status_code == 200 and call.title in response.content.decode()


def _announce(call, make_user, make_application, n, consent=True):
    members = []
    for i in range(n):
        application = make_application(
            make_user(f"m{i}@example.org"), name=f"Member Nº{i}", consent=consent if i else False
        )
        members.append(application)
    Application.objects.filter(pk__in=[a.pk for a in members]).update(decision=Decision.SELECTED)
    ExpertCallPage.objects.filter(pk=call.pk).update(members_announced_at=timezone.now())
    call.refresh_from_db()
    return [Application.objects.get(pk=a.pk) for a in members]


def test_members_page_only_consenting_members(client, call, make_user, make_application):
    assert client.get(url(call, "members")).status_code == 404  # not announced yet
    _announce(call, make_user, make_application, 3)
    reserve = make_application(make_user("r@example.org"), name="Reserve Person")
    Application.objects.filter(pk=reserve.pk).update(decision=Decision.RESERVE)
    response = client.get(url(call, "members"))
    body = response.content.decode()
    assert "Member Nº1" in body and "Member Nº2" in body
    assert "Member Nº0" not in body  # did not consent
    assert "Reserve Person" not in body
    assert "Academia and research" in body and "Germany" in body


def test_members_page_query_count_does_not_grow(
    client, call, make_user, make_application, django_assert_num_queries
):
    _announce(call, make_user, make_application, 3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url(call, "members"))  # warm caches (site root, locales)
    with CaptureQueriesContext(connection) as few:
        client.get(url(call, "members"))
    for i in range(3, 10):
        application = make_application(make_user(f"x{i}@example.org"), name=f"X{i}")
        Application.objects.filter(pk=application.pk).update(decision=Decision.SELECTED)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url(call, "members"))
    assert "X9" in response.content.decode()


def test_members_photo_only_for_listed_members(client, call, make_user, make_application):
    from django.core.files.base import ContentFile
    from expertgroup_helpers import PNG

    members = _announce(call, make_user, make_application, 2)
    for member in members:
        member.photo.save("x.png", ContentFile(PNG))
    hidden, listed = members
    assert client.get(url(call, "member_photo", listed.pk)).status_code == 200
    assert client.get(url(call, "member_photo", hidden.pk)).status_code == 404
    assert client.get(call.url + "members/99999999999999999/photo/").status_code == 404


def test_themed_content_lists_open_calls(call):
    theme = Theme.objects.get(slug="housing", locale__language_code="en")
    sections = themed_content(theme)
    assert any(call.title in [i.title for i in s.items] for s in sections)
    ExpertCallPage.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(days=1))
    sections = themed_content(theme)
    assert not any(call.title in [i.title for i in s.items] for s in sections)


def test_participation_figures_per_theme_fixed_queries(
    call, make_user, make_application, themes, django_assert_num_queries
):
    from expertgroup.wagtail_hooks import expert_figures

    first = make_application(make_user("a@example.org"), expertise=themes[:1])
    make_application(make_user("b@example.org"), expertise=themes[1:2])
    Application.objects.filter(pk=first.pk).update(decision=Decision.SELECTED)
    with django_assert_num_queries(1):
        figures = {f.key: f.value for f in expert_figures(themes[0])}
    assert figures == {"expertgroup.applicants": 1, "expertgroup.experts": 1}
    for i in range(5):
        make_application(make_user(f"c{i}@example.org"), expertise=themes[:2])
    with django_assert_num_queries(1):
        figures = {f.key: f.value for f in expert_figures(None)}
    assert figures == {"expertgroup.applicants": 7, "expertgroup.experts": 1}
    assert any(f.key == "expertgroup.applicants" for f in participation_figures(None))


def test_statistics_by_country_profile_theme_gender_with_charts(
    client, call, editor, plain_editor, make_user, make_application, django_assert_max_num_queries
):
    make_application(make_user("a@example.org"), country="FR", gender="man", background="refugee")
    make_application(make_user("b@example.org"), country="FR", profile="business")
    make_application(make_user("c@example.org"), country="PL")
    stats = services.statistics(call)
    assert stats["total"] == 3
    assert ("France", 2) in stats["country"]
    assert ("Academia and research", 2) in stats["profile"]
    assert ("Woman", 2) in [(str(k), v) for k, v in stats["gender"]]
    assert "migrant_background" not in stats
    client.force_login(editor)
    page = reverse("expertgroup_admin:statistics", args=[call.pk])
    with django_assert_max_num_queries(40):
        response = client.get(page)
    body = response.content.decode()
    assert response.status_code == 200 and "<svg" in body
    assert "Applications by migrant background" in body
    client.force_login(plain_editor)
    body = client.get(page).content.decode()
    assert "Applications by gender" in body and "Applications by migrant background" not in body


def test_letter_template_unknown_placeholder_refused():
    from django.core.exceptions import ValidationError
    from wagtail.models import Locale

    from expertgroup.models import LetterTemplate

    letter = LetterTemplate(
        kind="selected", subject="Hi {name}", body="{secret_field}", locale=Locale.get_default()
    )
    with pytest.raises(ValidationError, match="secret_field"):
        letter.clean()
    letter.body = "Broken {name"
    with pytest.raises(ValidationError, match="braces"):
        letter.clean()


@pytest.mark.parametrize(
    "lang, text",
    [
        ("fr", "Qui peut postuler"),
        ("de", "Wer sich bewerben kann"),
        ("ar", "من يحق له التقديم"),
        ("uk", "Хто може подати заявку"),
    ],
)
def test_call_page_translated(client, call, lang, text):
    from django.utils import translation

    with translation.override(lang):
        path = call.url
    response = client.get(path if path.startswith(f"/{lang}/") else f"/{lang}{call.url}")
    assert response.status_code == 200
    assert text in response.content.decode()


def test_default_letter_in_the_applicants_language(call, make_user, make_application):
    application = make_application(make_user("u@example.org", preferred_language="uk"))
    Application.objects.filter(pk=application.pk).update(decision=Decision.NOT_SELECTED)
    application.refresh_from_db()
    subject, body, language = services.render_letter(application, "not_selected")
    assert language == "uk" and subject.startswith("Ваша заявка") and "На жаль" in body


def test_board_figures_follow_every_change_of_an_application(
    call, make_user, make_application, themes, editor
):
    """The board keeps the group's figures between changes (themes/figures.py); each way an
    application changes what is counted shows at once: submit, expertise, a decision, withdraw,
    an account deleted (decisions written in bulk: test_expertgroup_selection)."""

    def counted(theme=None):
        found = {f.key: f.value for f in participation_figures(theme)}
        return found["expertgroup.applicants"], found["expertgroup.experts"]

    first = make_application(make_user("a@example.org"), submit=False)
    assert counted() == (0, 0)  # a draft does not count
    first = services.submit_application(first, first.user)  # one UPDATE, no signal
    assert counted() == (1, 0)
    assert counted(themes[1]) == (0, 0)
    first.expertise.add(themes[1])
    assert counted(themes[1]) == (1, 0)
    second = make_application(make_user("b@example.org"))
    assert counted() == (2, 0)
    second.decision = Decision.SELECTED
    second.save(update_fields=["decision"])
    assert counted() == (2, 1)
    from participation.submissions import services as submissions

    submissions.withdraw(first, first.user)
    assert counted()[0] == 1
    second.user.delete()  # the application stays, its applicant is gone
    assert counted()[0] == 0
