"""Request ids (from the proxy or made here) in responses and log lines; JSON log lines."""

import json
import logging
import re

import pytest

from participation.operations.logformat import JSONFormatter
from participation.operations.requestid import RequestIDFilter, get_request_id


class _Records(logging.Handler):
    """What a console handler configured like LOGGING's would see (with the request id filter)."""

    def __init__(self):
        super().__init__()
        self.addFilter(RequestIDFilter())
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def records():
    handler = _Records()
    logging.getLogger().addHandler(handler)
    yield handler.records
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_request_id_is_made_when_the_proxy_sends_none(client):
    first = client.get("/health/live/")["X-Request-ID"]
    second = client.get("/health/live/")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert first != second


@pytest.mark.django_db
def test_request_id_from_the_proxy_is_kept(client):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="4f2a9c1e-nginx")
    assert response["X-Request-ID"] == "4f2a9c1e-nginx"


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["a\nb", "x" * 500, "id with spaces", "<script>"])
def test_request_id_from_outside_that_could_forge_a_log_line_is_replaced(client, hostile):
    response = client.get("/health/live/", HTTP_X_REQUEST_ID=hostile)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_request_id_is_on_djangos_own_log_line_of_a_404(client, records, home_page):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-404")
    assert response.status_code == 404
    logged = [r for r in records if r.name == "django.request"]
    assert logged and {r.request_id for r in logged} == {"req-404"}
    assert get_request_id() == "-"  # cleared once the request is finished


@pytest.mark.django_db
def test_log_line_outside_a_request_has_a_dash(client, records):
    # After a request has finished: a test before this one on the same worker may have left a
    # streamed response half read, whose request the test client never finishes.
    client.get("/health/live/", HTTP_X_REQUEST_ID="req-done")
    logging.getLogger("participation.test").warning("outside")
    assert records[-1].request_id == "-"


def test_json_formatter_writes_one_object_per_line_with_extras_and_exception():
    logger = logging.getLogger("participation.test")
    try:
        raise ValueError("broken ünïcode")
    except ValueError:
        record = logger.makeRecord(
            "participation.test",
            logging.ERROR,
            __file__,
            1,
            "job %s failed",
            ("x",),
            exc_info=__import__("sys").exc_info(),
            extra={"job": "x", "request_id": "r1"},
        )
    line = JSONFormatter().format(record)
    assert "\n" not in line  # the traceback's newlines are escaped: one line per record
    entry = json.loads(line)
    assert entry["message"] == "job x failed"
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "participation.test"
    assert entry["request_id"] == "r1"
    assert entry["job"] == "x"
    assert "ValueError: broken ünïcode" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def test_logging_is_at_info_with_the_request_id_and_json_on_demand(monkeypatch):
    import importlib

    import portal.settings.base as base

    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.setenv("LOG_FORMAT", "json")
    try:
        reloaded = importlib.reload(base)
        handler = reloaded.LOGGING["handlers"]["console"]
        assert reloaded.LOGGING["root"]["level"] == "INFO"
        assert handler["formatter"] == "json"
        assert handler["filters"] == ["request_id"]
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(base)
