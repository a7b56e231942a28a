"""The edition page: states, categories with criteria and prizes, languages, jurors' links, and
categories that cannot vanish under their nominations."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from awards import services
from awards.models import AwardEditionPage

pytestmark = pytest.mark.django_db


def test_states_follow_dates_and_publication(make_edition, editor, make_nomination):
    assert make_edition("Later", opens=5, closes=30).state == AwardEditionPage.State.FORTHCOMING
    edition = make_edition("Now")
    assert edition.state == AwardEditionPage.State.OPEN and edition.is_open
    nomination = make_nomination(edition)
    edition.closes_at = timezone.now() - timedelta(hours=1)
    edition.save()
    assert edition.state == AwardEditionPage.State.JUDGING
    services.import_nominations(edition.categories.first(), editor)
    services.set_outcomes(edition.categories.first(), {nomination.pk: ("winner", "")}, editor)
    services.publish(edition, "shortlist", editor)
    edition.refresh_from_db()
    assert edition.state == AwardEditionPage.State.SHORTLIST
    services.publish(edition, "winners", editor)
    edition.refresh_from_db()
    assert edition.state == AwardEditionPage.State.WINNERS
    # Publishing a new revision of the page keeps the announcements.
    edition.save_revision().publish()
    edition.refresh_from_db()
    assert edition.state == AwardEditionPage.State.WINNERS


def test_page_shows_categories_criteria_and_prizes(client, edition):
    category = edition.categories.first()
    category.prize = "€10,000 and a film"
    category.save()
    page = client.get(edition.url).content.decode()
    for text in (
        "Schools",
        "Local communities",
        "Artistic and cultural organisations",
        "Sports and youth clubs",
        "Impact",
        "€10,000 and a film",
        "Nominations open",
    ):
        assert text in page
    assert "nominate/" in page


def test_page_in_french_and_arabic(client, edition):
    path = edition.url  # before a request leaves another language active in this thread
    assert "Candidatures ouvertes" in client.get("/fr" + path).content.decode()
    page = client.get("/ar" + path).content.decode()
    assert "الترشيحات مفتوحة" in page and 'dir="rtl"' in page


def test_templates_have_no_inline_script_or_style():
    from pathlib import Path

    import awards

    for template in Path(awards.__file__).parent.glob("templates/**/*.html"):
        text = template.read_text()
        if "/print/" in str(template):
            continue  # PDFs, never served to a browser
        assert "<script" not in text and "<style" not in text and "style=" not in text, template


def test_jurors_find_their_jury_room_on_the_page(client, juried):
    client.force_login(juried.jurors[2])
    page = client.get(juried.edition.url).content.decode()
    assert juried.edition.route_url("jury_notes", juried.second.pk) in page
    assert juried.edition.route_url("jury_notes", juried.first.pk) not in page


def test_vote_dates_are_required_for_an_audience_prize(edition):
    edition.audience_prize = True
    with pytest.raises(ValidationError):
        edition.clean()
    edition.vote_opens_at = timezone.now()
    edition.vote_closes_at = timezone.now() - timedelta(days=1)
    with pytest.raises(ValidationError):
        edition.clean()


def _form(edition, editor, delete_first):
    form_class = AwardEditionPage.get_edit_handler().get_form_class()
    categories = list(edition.categories.all())
    data = nested_form_data(
        {
            "title": edition.title,
            "slug": edition.slug,
            "intro": edition.intro,
            "opens_at": edition.opens_at.strftime("%Y-%m-%d %H:%M"),
            "closes_at": edition.closes_at.strftime("%Y-%m-%d %H:%M"),
            "time_zone": edition.time_zone,
            "grace_minutes": 0,
            "confirmation_days": 14,
            "eligibility": rich_text(""),
            "prizes": rich_text(""),
            "winners_intro": rich_text(""),
            "categories": inline_formset(
                [
                    {
                        "id": c.pk,
                        "name": c.name,
                        "description": "",
                        "criteria": "",
                        "prize": "",
                        "ORDER": n,
                        **({"DELETE": "on"} if delete_first and n == 0 else {}),
                    }
                    for n, c in enumerate(categories)
                ],
                initial=len(categories),
                min=1,
            ),
        }
    )
    return form_class(data, instance=edition, parent_page=edition.get_parent(), for_user=editor)


def test_a_category_with_nominations_cannot_be_removed(edition, editor, make_nomination):
    form = _form(edition, editor, delete_first=True)
    assert form.is_valid(), form.errors
    make_nomination(edition)
    form = _form(edition, editor, delete_first=True)
    assert not form.is_valid()
    assert "has nominations" in str(form.errors)


@pytest.mark.parametrize("path", ["awards/999999/", "awards/categories/999999/"])
def test_admin_hostile_ids_are_404(client, editor, path):
    client.force_login(editor)
    assert client.get("/admin/" + path).status_code == 404


def test_admin_category_page_shows_the_ranking(client, juried):
    client.force_login(juried.editor)
    url = reverse("awards_admin:category", args=[juried.first.pk])
    page = client.get(url + "?phase=abc").content.decode()
    assert "Club 0" in page and "No submitted reviews" in page
    response = client.post(url, {"action": "note", "text": "Met on Monday."})
    assert response.status_code == 302
    assert "Met on Monday." in client.get(url).content.decode()
