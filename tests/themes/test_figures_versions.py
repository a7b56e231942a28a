"""The board keeps a plugin's participation figures until the plugin's version moves
(themes/figures.py): counted once per version, theme and language; exact at every change."""

import pytest
from django.utils import translation
from wagtail import hooks

from themes.figures import (
    PARTICIPATION_FIGURES_HOOK,
    Figure,
    bump,
    participation_figures,
    versioned,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted():
    """A versioned plugin and an unversioned one, each counting how often it was asked."""
    calls = {"kept": 0, "live": 0}

    @versioned("fake")
    def kept(theme):
        calls["kept"] += 1
        return [Figure("fake.kept", str(translation.gettext("Answers")), calls["kept"])]

    def live(theme):
        calls["live"] += 1
        return [Figure("fake.live", "Live", calls["live"])]

    with (
        hooks.register_temporarily(PARTICIPATION_FIGURES_HOOK, kept),
        hooks.register_temporarily(PARTICIPATION_FIGURES_HOOK, live),
    ):
        yield calls


def _values(theme=None):
    return {f.key: f.value for f in participation_figures(theme) if f.key.startswith("fake.")}


def test_versioned_figures_are_counted_once_per_version(counted):
    assert _values() == {"fake.kept": 1, "fake.live": 1}
    assert _values() == {"fake.kept": 1, "fake.live": 2}  # kept; the other one asked again
    bump("fake")
    assert _values() == {"fake.kept": 2, "fake.live": 3}
    assert _values() == {"fake.kept": 2, "fake.live": 4}
    bump("another plugin")  # another plugin's change leaves these alone
    assert _values()["fake.kept"] == 2


def test_versioned_figures_are_kept_per_theme_and_language(counted):
    from themes.models import Theme

    theme = Theme.objects.first()
    _values()
    _values(theme)
    assert counted["kept"] == 2
    with translation.override("fr"):
        labels = {f.key: f.label for f in participation_figures(theme)}
    assert counted["kept"] == 3
    assert labels["fake.kept"] == "Réponses"  # counted in the reader's language
    _values(theme)
    assert counted["kept"] == 3


def test_versions_of_every_plugin_are_read_in_one_query(counted, django_assert_num_queries):
    from consultations.wagtail_hooks import consultation_figures

    participation_figures()
    with django_assert_num_queries(1):  # consultations keep versions of their own
        consultation_figures(None)
    # Kept figures (awards, expert group, the fake one): one query for all their versions.
    with django_assert_num_queries(2):
        participation_figures()
