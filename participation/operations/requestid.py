"""A request id in every log line and in the response, taken from the proxy when it sends one.

nginx sets ``X-Request-ID`` (``$request_id``); without it we make one. The id lives in a
contextvar, so log records from anything the request calls carry it (``RequestIDFilter``).
"""

import contextvars
import logging
import re
import uuid

from django.core.signals import request_finished
from django.dispatch import receiver

HEADER = "X-Request-ID"
_META_KEY = "HTTP_X_REQUEST_ID"
# What we accept from outside: short, and nothing that could forge a log line or a header.
_VALID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def get_request_id() -> str:
    return request_id_var.get()


def new_request_id(incoming: str | None) -> str:
    if incoming and _VALID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIDMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = new_request_id(request.META.get(_META_KEY))
        request.request_id = request_id
        # Not reset on the way out: Django logs a 4xx/5xx response ("django.request") after the
        # middleware chain returns; the id is cleared when the request is finished instead.
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


@receiver(request_finished)
def clear_request_id(**kwargs):
    request_id_var.set("-")


class RequestIDFilter(logging.Filter):
    """Adds ``record.request_id`` ("-" outside a request) for formatters to print."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True
