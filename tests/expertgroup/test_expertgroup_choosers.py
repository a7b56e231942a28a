"""Issue 18, point 1: the application's languages and nationalities are checkbox choosers; a
forged value gets a field error and keeps the other answers; the review page shows them."""

import re

import pytest
from django.utils import translation
from test_expertgroup_apply import details_data, url

from expertgroup.models import Application, SensitiveDeclaration

pytestmark = pytest.mark.django_db


def _started(client, call, user):
    client.force_login(user)
    client.post(url(call, "apply_start"))
    return Application.objects.get(call=call, user=user)


def test_languages_and_nationalities_are_labelled_checkboxes(client, call, user):
    application = _started(client, call, user)
    html = client.get(url(call, "apply_details", application.pk)).content.decode()
    assert "Hold Ctrl" not in html
    assert "<select" not in html.split('name="languages"')[0].rsplit("<fieldset", 1)[-1]
    for name, value, label in (("languages", "ar", "Arabic"), ("nationalities", "SY", "Syria")):
        checkbox = rf'<input type="checkbox" name="{name}" value="{value}"[^>]*id="([^"]+)"'
        box = re.search(checkbox, html)
        assert box, f"no checkbox {name}={value}"
        assert re.search(rf'<label for="{box.group(1)}">{label}</label>', html)
    # Inside a fieldset whose legend names the question, with the filter texts for chooser.js.
    assert re.search(r"<legend>Languages you work in", html)
    assert "data-chooser" in html and 'data-filter-label="Filter the list"' in html
    # The filter also matches the language's own name and the English one.
    assert re.search(r'value="ar"[^>]*data-search="ar Arabic العربية"', html)


def test_names_follow_the_reader_s_language(client, call, user):
    application = _started(client, call, user)
    with translation.override("fr"):
        html = client.get(
            url(call, "apply_details", application.pk), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
    if 'lang="fr"' not in html:
        pytest.skip("this URL does not switch language by header")
    assert re.search(r'value="de"[^>]*>\s*<label[^>]*>allemand</label>', html)


def test_a_forged_value_is_a_field_error_and_keeps_the_other_answers(client, call, user, themes):
    application = _started(client, call, user)
    response = client.post(
        url(call, "apply_details", application.pk),
        details_data(themes, languages=["ar", "xx-forged"], nationalities=["SY", "ZZ"]),
    )
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert "xx-forged" in " ".join(form.errors["languages"])
    assert "ZZ" in " ".join(form.errors["nationalities"])
    assert 'id="id_languages_error"' in html and 'id="id_nationalities_error"' in html
    # The other answers are still there: the motivation, the genuine ticks.
    assert "I want to bring the voice of refugees." in html
    assert re.search(r'value="ar"[^>]*checked', html)
    assert re.search(r'value="SY"[^>]*checked', html)
    application.refresh_from_db()
    assert application.languages == []  # nothing stored from a refused form


def test_the_review_page_shows_every_answer(client, call, user, themes):
    application = _started(client, call, user)
    response = client.post(
        url(call, "apply_details", application.pk),
        details_data(themes, languages=["ar", "uk"], nationalities=["SY", "UA"]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SensitiveDeclaration.objects.get(application=application).nationalities == ["SY", "UA"]
    html = client.get(url(call, "apply_review", application.pk)).content.decode()
    assert re.search(r"<dt>Languages you work in</dt><dd>Arabic, Ukrainian</dd>", html)
    assert re.search(r"<dt>Nationality or nationalities</dt><dd>Syria, Ukraine</dd>", html)
    assert re.search(r"<dt>Shown on the public page of members if selected</dt><dd>Yes</dd>", html)
    assert "<dt>Supporting document</dt>" in html and "<dt>Photo</dt>" in html
