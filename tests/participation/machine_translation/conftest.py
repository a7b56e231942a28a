import pytest

from tests.participation.machine_translation.libretranslate_server import LibreTranslateServer


@pytest.fixture
def libretranslate():
    with LibreTranslateServer() as server:
        yield server


@pytest.fixture
def translating(settings, libretranslate):
    """The LibreTranslate backend pointed at the loopback server (a short timeout)."""
    settings.PARTICIPATION_MACHINE_TRANSLATION = {
        "BACKEND": "libretranslate",
        "URL": libretranslate.url,
        "TIMEOUT": 0.5,
    }
    return libretranslate
