"""The Commission's eTranslation backend (participation.machine_translation): asynchronous, as
documented - a request with HTTP Digest authentication answered by an id, the translation
posted back later to a callback - against a small server on loopback that checks the Digest
authentication, with the callbacks posted to the site as the service would."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from participation.machine_translation import services
from participation.machine_translation.backends import ServiceUnavailable, TranslationError
from participation.machine_translation.models import MachineTranslation, PendingTranslation

pytestmark = pytest.mark.django_db
UK = "Визнання наших дипломів триває надто довго."
SITE = "https://participation.example.eu"


@pytest.fixture
def etranslation(settings):
    from tests.participation.machine_translation.etranslation_server import ETranslationServer

    with ETranslationServer() as server:
        settings.PARTICIPATION_MACHINE_TRANSLATION = {
            "BACKEND": "etranslation",
            "URL": server.url,
            "APPLICATION": server.application,
            "API_KEY": server.password,
            "CALLBACK_URL": SITE,
            "TIMEOUT": 2,
        }
        yield server


def _post(client, url, form):
    assert url.startswith(SITE + "/machine-translation/callback/")
    return client.post(urlsplit(url).path, form)


def test_etranslation_sends_each_text_then_stores_what_comes_back(client, etranslation):
    outcome = services.translate_missing([(UK, "uk"), ("Дякую", "uk")], ["en", "uk"])
    assert (outcome.sent, outcome.waiting) == (2, 2)
    assert etranslation.challenges >= 1  # Digest: challenged, then authenticated
    first = etranslation.requests[0]
    assert first["textToTranslate"] == UK
    assert (first["sourceLanguage"], first["targetLanguages"]) == ("UK", ["EN"])
    assert first["callerInformation"] == {"application": "wp-test", "username": "wp-test"}
    assert first["domain"] == "GEN" and first["errorCallback"].endswith("/error/")
    assert services.lookup([(UK, "uk")], "en") == {}  # nothing until the service posts back

    answered = _post(client, *etranslation.callback_for(first, "Recognition takes too long."))
    assert answered.status_code == 200
    assert services.lookup([(UK, "uk")], "en") == {(UK, "uk"): "Recognition takes too long."}
    assert PendingTranslation.objects.count() == 1  # the other text is still on its way
    assert _post(client, *etranslation.callback_for(first, "Again")).status_code == 404

    again = services.translate_missing([(UK, "uk"), ("Дякую", "uk")], ["en"])
    assert (again.sent, again.cached, again.waiting) == (0, 1, 1)  # nothing sent twice
    assert len(etranslation.requests) == 2


def test_etranslation_callbacks_that_do_not_match_are_refused(client, etranslation):
    services.translate_missing([(UK, "uk")], ["en"])
    (request,) = etranslation.requests
    url, form = etranslation.callback_for(request, "Hello")
    forged = url.replace(request["externalReference"], "0" * 8 + request["externalReference"][8:])
    assert client.post(urlsplit(forged).path, form).status_code in (400, 404)
    assert _post(client, url, {**form, "external-reference": "other"}).status_code == 400
    assert _post(client, url, {"request-id": "1"}).status_code == 400  # no text
    assert client.get(urlsplit(url).path).status_code == 405
    assert not MachineTranslation.objects.exists()


def test_etranslation_failures_are_reported_and_sent_again_three_times(
    client, etranslation, settings
):
    etranslation.password = "changed"  # the key is refused: the run stops
    with pytest.raises(ServiceUnavailable):
        services.translate_missing([(UK, "uk")], ["en"])
    etranslation.password, etranslation.mode = "secret", "refuse"
    with pytest.raises(TranslationError, match="-20003"):
        services.translate_missing([(UK, "uk")], ["en"])
    assert not PendingTranslation.objects.exists()

    etranslation.mode = "ok"
    services.translate_missing([(UK, "uk")], ["en"])
    url, _form = etranslation.callback_for(etranslation.requests[-1], "")
    error = url.replace("/done/", "/error/")
    reported = _post(client, error, {"error-code": "-20028", "error-message": "Too busy"})
    assert reported.status_code == 200
    pending = PendingTranslation.objects.get()
    assert pending.error == "eTranslation error -20028: Too busy"
    assert services.translate_missing([(UK, "uk")], ["en"]).sent == 0  # not yet due again
    for attempt in (2, 3):
        PendingTranslation.objects.update(sent_at=timezone.now() - timedelta(hours=2))
        assert services.translate_missing([(UK, "uk")], ["en"]).sent == 1
        assert PendingTranslation.objects.get().attempts == attempt
    PendingTranslation.objects.update(sent_at=timezone.now() - timedelta(hours=2))
    given_up = services.translate_missing([(UK, "uk")], ["en"])
    assert given_up.sent == 0 and "no translation came back" in given_up.skipped[0]
