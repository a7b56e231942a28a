"""Machine translation, pluggable (participation.machine_translation): backends against a
LibreTranslate-compatible server on loopback (and a DeepL-shaped one), the cache that never
sends a text twice, the failures that store nothing, and the "none" default that does nothing."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.machine_translation import conf, services
from participation.machine_translation.backends import (
    DeepL,
    LibreTranslate,
    ServiceUnavailable,
    TranslationError,
    UnsupportedLanguage,
)
from participation.machine_translation.models import MachineTranslation

UK = "Визнання наших дипломів триває надто довго."
AR = "نحتاج دروس لغة في المساء."


def test_libretranslate_translates_a_batch_in_one_request(libretranslate):
    libretranslate.api_key = "secret"
    backend = LibreTranslate(libretranslate.url, api_key="secret", timeout=2)
    assert backend.translate([UK, "Дякую"], "uk", "en") == [
        "Recognition of our diplomas takes too long.",
        "[en] Дякую",
    ]
    (sent,) = libretranslate.requests
    assert sent == {
        "q": [UK, "Дякую"],
        "source": "uk",
        "target": "en",
        "format": "text",
        "api_key": "secret",
    }
    # Django's regional codes are sent as the language LibreTranslate knows.
    assert backend.translate(["Olá"], "pt-br", "en-gb") == ["[en] Olá"]


@pytest.mark.parametrize(
    ("mode", "reason", "unavailable"),
    [
        ("error", "HTTP 500 Cannot translate text", False),
        ("garbage", "not JSON", False),
        ("short", "one text per text sent", False),
        ("slow", "no answer within 0.3 s", True),
        ("busy", "HTTP 503 Slow down", True),
    ],
)
def test_libretranslate_failures_raise_a_clear_error(libretranslate, mode, reason, unavailable):
    """A failure about the texts (an error, an answer that is not the API's) apart from one
    about the service (silent, busy): the task tries the texts one by one only for the first."""
    libretranslate.mode = mode
    libretranslate.slow_seconds = 1
    with pytest.raises(TranslationError, match=reason) as caught:
        LibreTranslate(libretranslate.url, timeout=0.3).translate([UK, AR], "uk", "en")
    assert not isinstance(caught.value, UnsupportedLanguage)
    assert isinstance(caught.value, ServiceUnavailable) is unavailable


def test_a_wrong_key_an_unknown_language_and_no_server_are_told_apart(libretranslate):
    libretranslate.api_key = "right"
    with pytest.raises(ServiceUnavailable, match="HTTP 403 Invalid API key"):
        LibreTranslate(libretranslate.url, api_key="wrong").translate([UK], "uk", "en")
    libretranslate.api_key, libretranslate.mode = "", "unsupported"
    with pytest.raises(UnsupportedLanguage, match="ti is not supported"):
        LibreTranslate(libretranslate.url).translate(["ሰላም"], "ti", "en")
    with socket_closed() as url:
        with pytest.raises(ServiceUnavailable, match="cannot be reached"):
            LibreTranslate(url, timeout=1).translate([UK], "uk", "en")


class socket_closed:  # noqa: N801 - a context manager read as a phrase
    """The address of a port nothing listens on."""

    def __enter__(self):
        import socket

        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{probe.getsockname()[1]}"
        probe.close()
        return self.url

    def __exit__(self, *exc):
        return False


@pytest.fixture
def deepl_server():
    """DeepL's v2 shape: POST /v2/translate, Authorization: DeepL-Auth-Key, JSON both ways."""
    seen = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):  # noqa: N802
            payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append((self.path, self.headers.get("Authorization"), payload))
            body = json.dumps(
                {
                    "translations": [
                        {"detected_source_language": payload["source_lang"], "text": f"<{text}>"}
                        for text in payload["text"]
                    ]
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    httpd.shutdown()
    httpd.server_close()


def test_deepl_speaks_the_v2_api(deepl_server):
    url, seen = deepl_server
    backend = DeepL(url, api_key="key:fx", timeout=2)
    assert backend.translate([UK, "Дякую"], "uk", "en") == [f"<{UK}>", "<Дякую>"]
    assert backend.translate(["Olá"], "pt", "de") == ["<Olá>"]
    assert seen[0] == (
        "/v2/translate",
        "DeepL-Auth-Key key:fx",
        {"text": [UK, "Дякую"], "source_lang": "UK", "target_lang": "EN-GB"},
    )
    assert seen[1][2]["target_lang"] == "DE"
    assert DeepL("", "k").url == "https://api-free.deepl.com"


@pytest.mark.django_db
def test_each_text_is_translated_once_then_read_from_the_cache(translating):
    outcome = services.translate_missing([(UK, "uk"), (AR, "ar"), (UK, "uk")], ["en", "fr"])
    assert (outcome.sent, outcome.cached) == (4, 0)
    assert sorted(translating.texts_sent) == sorted([UK, UK, AR, AR])
    assert MachineTranslation.objects.count() == 4
    translating.requests.clear()
    outcome = services.translate_missing([(UK, "uk"), (AR, "ar")], ["en", "fr"])
    assert (outcome.sent, outcome.cached) == (0, 4)
    assert translating.requests == []  # the second run asks the service nothing
    # A text already in the target language is not sent.
    assert services.translate_missing([("Hello there", "en")], ["en"]).sent == 0
    assert translating.requests == []
    with CaptureQueriesContext(connection) as queries:
        found = services.lookup([(UK, "uk"), (AR, "ar"), ("unknown", "de")], "en")
    assert len(queries) == 1
    assert found == {
        (UK, "uk"): "Recognition of our diplomas takes too long.",
        (AR, "ar"): "We need language classes in the evening.",
    }


@pytest.mark.django_db
def test_an_analysis_reads_translations_where_cached_and_originals_otherwise(settings, translating):
    items = [(UK, "uk"), ("Hallo zusammen", "de"), ("Already English", "en")]
    services.translate_missing(items[:1], ["en"])
    assert services.translated_or_original(items, "en") == [
        "Recognition of our diplomas takes too long.",
        "Hallo zusammen",
        "Already English",
    ]
    settings.PARTICIPATION_MACHINE_TRANSLATION = {"BACKEND": "none"}
    assert services.translated_or_original(items, "en") == [text for text, _ in items]


@pytest.mark.django_db
def test_texts_go_in_batches_of_the_configured_size(settings, translating):
    settings.PARTICIPATION_MACHINE_TRANSLATION |= {"BATCH_SIZE": 2, "MAX_CHARACTERS": 10}
    texts = [(f"Текст номер {n}", "uk") for n in range(5)]
    assert services.translate_missing(texts, ["en"]).sent == 5
    assert [len(payload["q"]) for payload in translating.requests] == [2, 2, 1]
    # Long texts are cut before they are sent; the translation says so.
    assert translating.requests[0]["q"][0] == "Текст номер 0"[:10]
    assert MachineTranslation.objects.filter(truncated=True).count() == 5


@pytest.mark.django_db
def test_a_failing_service_stores_nothing_of_the_failed_batch(settings, translating):
    translating.mode = "error"
    with pytest.raises(TranslationError):
        services.translate_missing([(UK, "uk")], ["en"])
    assert not MachineTranslation.objects.exists()
    translating.mode = "slow"
    with pytest.raises(TranslationError, match="no answer within"):
        services.translate_missing([(UK, "uk")], ["en"])
    assert not MachineTranslation.objects.exists()
    assert services.lookup([(UK, "uk")], "en") == {}
    translating.mode = "ok"  # later, the service is back
    assert services.translate_missing([(UK, "uk")], ["en"]).sent == 1


@pytest.mark.django_db
def test_a_language_the_service_does_not_know_is_skipped_with_the_reason(translating):
    translating.mode = "unsupported"
    outcome = services.translate_missing([("ሰላም ንኹሉ", "ti")], ["en"])
    assert outcome.sent == 0 and "ti->en" in outcome.skipped[0]
    assert not MachineTranslation.objects.exists()


@pytest.mark.django_db
def test_the_none_backend_does_nothing(settings, libretranslate):
    settings.PARTICIPATION_MACHINE_TRANSLATION = {"BACKEND": "none", "URL": libretranslate.url}
    assert services.get_backend() is None and not conf.enabled()
    with CaptureQueriesContext(connection) as queries:
        assert services.translate_missing([(UK, "uk")], ["en"]).sent == 0
        assert services.lookup([(UK, "uk")], "en") == {}
        assert services.stamp("en") == ""
    assert len(queries) == 0 and libretranslate.requests == []


def test_the_default_is_none_and_a_typo_is_refused(settings):
    del settings.PARTICIPATION_MACHINE_TRANSLATION
    assert conf.backend_name() == "none"
    settings.PARTICIPATION_MACHINE_TRANSLATION = {"BACKEND": "libre-translate"}
    with pytest.raises(ImproperlyConfigured, match="libre-translate"):
        conf.backend_name()


@pytest.mark.django_db
def test_translations_go_into_the_editors_admin_languages(settings, make_user):
    from wagtail.users.models import UserProfile

    settings.PARTICIPATION_MACHINE_TRANSLATION = {"BACKEND": "libretranslate"}
    french = make_user("fr-editor@example.org", is_staff=True)
    UserProfile.get_for_user(french).__class__.objects.filter(user=french).update(
        preferred_language="fr"
    )
    make_user("uk-editor@example.org", is_staff=True, preferred_language="uk")
    make_user("plain-editor@example.org", is_staff=True)  # the site's default: en
    make_user("reader@example.org", preferred_language="ar")  # not an editor
    make_user("gone@example.org", is_staff=True, is_active=False, preferred_language="de")
    assert services.target_languages() == ["en", "fr", "uk"]
    settings.PARTICIPATION_MACHINE_TRANSLATION["LANGUAGES"] = ["ar", "xx"]
    assert services.target_languages() == ["ar", "en", "fr", "uk"]
    settings.PARTICIPATION_MACHINE_TRANSLATION["LANGUAGES"] = ["*"]
    assert services.target_languages() == sorted(code for code, _ in settings.LANGUAGES)
