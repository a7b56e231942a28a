"""The call's time zone in the page editor: typed with suggestions, any IANA zone accepted, a
clear field error for anything else (participation/calls/panels.py)."""

import re
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.utils import timezone
from wagtail.blocks.base import BlockWidget
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from awards.models import AwardEditionPage
from consultations.models import ConsultationIndexPage, ConsultationPage
from expertgroup.models import ExpertCallPage
from participation.calls.panels import INVALID_ZONE

pytestmark = pytest.mark.django_db
CALL_PAGES = [ConsultationPage, ExpertCallPage, AwardEditionPage]


@pytest.fixture
def editor(make_user):
    editor = make_user("editor@example.org", is_staff=True, is_superuser=True)
    TOTP.activate(editor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")  # staff must have TOTP set up
    return editor


@pytest.fixture
def consultation(home_page):
    index = home_page.add_child(instance=ConsultationIndexPage(title="C", slug="consultations"))
    now = timezone.now()
    page = index.add_child(
        instance=ConsultationPage(
            title="Recognition",
            slug="recognition",
            intro="x",
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
            time_zone="Asia/Kabul",
        )
    )
    page.save_revision().publish()
    return page


def _form(model, editor, home_page, time_zone):
    form_class = model.get_edit_handler().get_form_class()
    data = {"title": "A call", "slug": "a-call", "time_zone": time_zone, "grace_minutes": "0"}
    for name, field in form_class.base_fields.items():
        if isinstance(field.widget, BlockWidget):  # a StreamField: empty
            data.update(nested_form_data({name: streamfield([])}))
    return form_class(data, instance=model(), parent_page=home_page, for_user=editor)


@pytest.mark.parametrize("model", CALL_PAGES)
def test_time_zone_is_a_text_box_with_europes_zones_and_the_current_one_suggested(
    model, editor, home_page
):
    page = model(time_zone="Asia/Kabul")
    form = model.get_edit_handler().get_form_class()(
        instance=page, parent_page=home_page, for_user=editor
    )
    html = str(form["time_zone"])
    assert "<select" not in html and len(html) < 4000  # the <select> of every zone: 35 KB
    field = re.search(r"<input [^>]*>", html).group(0)
    assert 'type="text"' in field and 'value="Asia/Kabul"' in field and 'dir="ltr"' in field
    list_id = re.search(r'list="([^"]+)"', field).group(1)
    suggested = re.search(rf'<datalist id="{list_id}">(.*?)</datalist>', html).group(1)
    zones = re.findall(r'<option value="([^"]+)">', suggested)
    assert {"Asia/Kabul", "Europe/Brussels", "Europe/Lisbon", "Atlantic/Canary"} <= set(zones)
    assert not any(zone.startswith("America/") for zone in zones)


@pytest.mark.parametrize("model", CALL_PAGES)
def test_any_iana_zone_is_accepted_spaces_around_it_dropped(model, editor, home_page):
    for typed, kept in [("America/La_Paz", "America/La_Paz"), (" Europe/Paris ", "Europe/Paris")]:
        form = _form(model, editor, home_page, typed)
        form.is_valid()
        assert "time_zone" not in form.errors
        assert form.cleaned_data["time_zone"] == kept


@pytest.mark.parametrize("model", CALL_PAGES)
@pytest.mark.parametrize(
    "typed", ["Mars/Olympus_Mons", "europe/paris", "../../etc/passwd", "Europe/" + "x" * 500]
)
def test_a_name_that_is_no_zone_is_a_clear_field_error(model, editor, home_page, typed):
    form = _form(model, editor, home_page, typed)
    assert not form.is_valid()
    assert form.errors["time_zone"] == [str(INVALID_ZONE)]


@pytest.mark.parametrize("model", CALL_PAGES)
def test_an_empty_zone_is_refused_even_for_a_draft(model, editor, home_page):
    form = _form(model, editor, home_page, "  ")
    assert not form.is_valid()
    assert form.errors["time_zone"] == ["This field is required."]


def test_editor_saving_an_unknown_zone_sees_the_error_and_nothing_is_saved(
    client, editor, consultation
):
    client.force_login(editor)
    url = f"/admin/pages/{consultation.pk}/edit/"
    data = nested_form_data(
        {
            "title": consultation.title,
            "slug": consultation.slug,
            "intro": rich_text("<p>x</p>"),
            "opens_at": "2026-03-01 09:00",
            "closes_at": "2026-03-31 18:00",
            "time_zone": "Mars/Olympus_Mons",
            "grace_minutes": "0",
            "documents": streamfield([]),
            "questionnaire": streamfield([]),
            "outcome_items": inline_formset([]),
        }
    )
    response = client.post(url, data)
    assert response.status_code == 200  # the editor again, with its errors; never a 500
    body = response.content.decode()
    assert str(INVALID_ZONE) in body
    assert 'value="Mars/Olympus_Mons"' in body  # what was typed stays, to be corrected
    consultation.refresh_from_db()
    assert consultation.time_zone == "Asia/Kabul"
    assert consultation.get_latest_revision().as_object().time_zone == "Asia/Kabul"
