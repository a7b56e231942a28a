"""The board's list of commitments is cached per version (monitoring/versions.py): every change
it shows is seen at once, and a warm board reads the same queries whatever the data."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring import services, versions
from monitoring.models import CommitmentTranslation, ProgressUpdateTranslation


def _main(client, path="/progress/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode().split("<main", 1)[1]


def test_board_list_shows_every_change_at_once(
    client, board, make_commitment, make_organisation, editor, themes
):
    first = make_commitment("Interpreters in hospitals")
    assert "Interpreters in hospitals" in _main(client)
    assert "Interpreters in hospitals" in _main(client)  # served from the cache

    second = make_commitment("Rent deposits")  # a new commitment
    assert "Rent deposits" in _main(client)

    first.title = "Interpreters in every hospital"  # an edit
    first.save()
    assert "Interpreters in every hospital" in _main(client)

    update = services.add_update(first, editor, text="Budget agreed.", status="done", progress=1)
    main = _main(client)  # a progress update, with the status it carries
    assert "Budget agreed." in main and 'value="100"' in main

    update.text = "Budget voted."  # an update edited afterwards
    update.save()
    assert "Budget voted." in _main(client)

    ProgressUpdateTranslation.objects.create(parent=update, language="fr", text="Budget voté.")
    assert "Budget voté." in _main(client, "/fr/progress/")
    CommitmentTranslation.objects.create(parent=second, language="fr", title="Cautions")
    assert "Cautions" in _main(client, "/fr/progress/")

    second.themes.add(themes["health"])  # its themes
    assert "Rent deposits" in _main(client, "/progress/health/")

    owner = make_organisation(editor, name="City of Ghent")  # its owner, and the owner's name
    second.owner_organisation = owner
    second.save()
    assert "City of Ghent" in _main(client)
    owner.name = "City of Gent"
    owner.save()
    assert "City of Gent" in _main(client)
    owner.delete()
    assert "City of Gent" not in _main(client)

    second.delete()
    assert "Rent deposits" not in _main(client)
    update.delete()
    assert "Budget voted." not in _main(client)


def test_board_list_filtered_or_paged_far_is_rendered_not_cached(client, board, make_commitment):
    make_commitment("Going", status="in_progress", progress=40)
    _main(client, "/progress/?status=done")
    from django.core.cache import cache

    keys = [k for k in cache._cache if "monitoring:commitments" in k]  # LocMemCache
    assert keys == []
    assert "Going" not in _main(client, "/progress/?status=done")
    assert "Going" in _main(client, "/progress/?page=1")


@pytest.mark.parametrize("path", ["/progress/", "/fr/progress/housing/"])
def test_board_warm_queries_do_not_grow_and_are_fewer_than_cold(
    client, board, make_commitment, editor, path
):
    def fill(n):
        for i in range(n):
            commitment = make_commitment(f"C{n}-{i}", status="in_progress", progress=1)
            services.add_update(commitment, editor, text=f"U{n}-{i}", status="done", progress=1)

    fill(1)
    client.get(path)
    client.get(path)
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    fill(25)
    client.get(path)  # renders the list again, once
    with CaptureQueriesContext(connection) as many:
        main = _main(client, path)
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert "C25-24" in main and 'class="pagination"' in main
    versions.bump()
    with CaptureQueriesContext(connection) as cold:
        client.get(path)
    # The list's counts, commitments, themes, updates and their translations: five queries.
    assert len(cold) >= len(many) + 5


def test_board_indicators_and_filters_show_every_change_at_once(client, board, make_indicator):
    from decimal import Decimal

    from monitoring import imports
    from monitoring.models import IndicatorValue

    indicator = make_indicator(values=[("DE", 2020, 10), ("DE", 2021, 11)])
    versions.bump()  # make_indicator writes its values in bulk, as a test fixture
    main = _main(client, "/progress/housing/")
    assert "Overcrowding" in main and 'value="2021"' in main
    _main(client, "/progress/housing/")  # served from the cache

    report = imports.import_values(b"indicator,country,year,value\novercrowding,PL,2023,7.5\n")
    assert report.created == 1  # an import (bulk writes): a new year among the filters
    main = _main(client, "/progress/housing/")
    assert 'value="2023"' in main and "7.5" in main

    value = IndicatorValue.objects.get(country="PL")  # a value edited one by one
    value.value = Decimal("31.5")
    value.save()
    assert "31.5" in _main(client, "/progress/housing/")

    indicator.name = "Overcrowding rate"  # the indicator's texts
    indicator.save()
    assert "Overcrowding rate" in _main(client, "/progress/housing/")
    value.delete()
    assert 'value="2023"' not in _main(client, "/progress/housing/")


def test_board_themes_follow_a_new_translation_at_once(client, board, make_commitment, themes):
    from wagtail.models import Locale

    make_commitment("Going", status="in_progress", progress=40)
    assert "Logement (traduit)" not in _main(client, "/fr/progress/housing/")
    french, _created = Locale.objects.get_or_create(language_code="fr")
    translation = themes["housing"].copy_for_translation(french)
    translation.name = "Logement (traduit)"
    translation.save()
    main = _main(client, "/fr/progress/housing/")
    assert main.count("Logement (traduit)") >= 3  # the heading, the tab and the tag
    assert client.get("/progress/no-such-theme/").status_code == 404
