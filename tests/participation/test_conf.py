"""participation.conf.read: the prefixed name first, a renamed setting's old name for one
release, then the app's default."""

import pytest

from participation.conf import read

DEFAULTS = {"SIZE": 5, "MODE": "on"}
RENAMED = {"SIZE": "OLD_SIZE"}


def test_read_gives_the_default_when_nothing_is_set():
    assert read("PARTICIPATION_TESTAPP_", DEFAULTS, "SIZE", RENAMED) == 5


def test_read_prefers_the_prefixed_name_over_the_old_one(settings):
    settings.PARTICIPATION_TESTAPP_SIZE = 7
    settings.OLD_SIZE = 9
    assert read("PARTICIPATION_TESTAPP_", DEFAULTS, "SIZE", RENAMED) == 7


def test_read_old_name_when_the_new_one_is_unset_with_a_warning(settings):
    settings.OLD_SIZE = 9
    with pytest.warns(DeprecationWarning, match="OLD_SIZE is now PARTICIPATION_TESTAPP_SIZE"):
        assert read("PARTICIPATION_TESTAPP_", DEFAULTS, "SIZE", RENAMED) == 9


def test_read_none_counts_as_set(settings):
    settings.PARTICIPATION_TESTAPP_MODE = None  # None may mean "off": not the default
    assert read("PARTICIPATION_TESTAPP_", DEFAULTS, "MODE") is None


def test_read_unknown_name_is_a_key_error():
    with pytest.raises(KeyError):
        read("PARTICIPATION_TESTAPP_", DEFAULTS, "NOPE")
