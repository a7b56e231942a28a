"""Translation services behind one interface: ``translate(texts, source, target) -> list[str]``,
one translation per text, in order. Plain classes, no Django: each takes its address, key and
timeout, sends the texts it is given in one request (the caller batches), and raises
:class:`TranslationError` with a reason on any failure (no answer in time, an HTTP error, an
answer that is not what the API promises), :class:`UnsupportedLanguage` when the service says
it does not translate that pair. Nothing is retried here: the background task tries again at its
next run.

Languages are Django's codes (``fr``, ``uk``, ``pt-br``); each backend maps them to its own.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

MAX_RESPONSE_BYTES = 20 * 1024 * 1024
USER_AGENT = "wagtail-participation machine translation"


class TranslationError(Exception):
    """The service did not translate: tried again later."""


class UnsupportedLanguage(TranslationError):
    """The service does not translate from or into this language: not tried again."""


class ServiceUnavailable(TranslationError):
    """The service cannot be reached, does not answer in time, refuses the key or says it is
    busy: nothing about the texts themselves, so nothing else is tried until the next run."""


# HTTP statuses that say nothing about the texts sent (key refused, busy, down).
SERVICE_STATUSES = {401, 403, 408, 429, 502, 503, 504}


def _base(code: str) -> str:
    return (code or "").split("-")[0].split("_")[0].lower()


class HTTPBackend:
    name = ""
    # An asynchronous service takes texts with ``submit`` and posts their translations back
    # later (eTranslation); the others answer ``translate`` at once.
    asynchronous = False

    def __init__(self, url: str, api_key: str = "", timeout: float = 20):
        self.url = (url or "").rstrip("/")
        self.api_key = api_key or ""
        self.timeout = float(timeout)

    def _post(self, path: str, payload: dict, headers: dict | None = None):
        request = urllib.request.Request(
            self.url + path,
            data=json.dumps(payload).encode("utf-8"),
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
                **(headers or {}),
            },
            method="POST",
        )
        try:
            with self._open(request) as answer:
                body = answer.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            detail = _error_text(error)
            if error.code == 400 and "support" in detail.lower():
                raise UnsupportedLanguage(f"{self.name}: {detail}") from None
            if error.code in SERVICE_STATUSES:
                raise ServiceUnavailable(
                    f"{self.name}: HTTP {error.code} {detail}".strip()
                ) from None
            raise TranslationError(f"{self.name}: HTTP {error.code} {detail}".strip()) from None
        except TimeoutError:
            raise ServiceUnavailable(
                f"{self.name}: no answer within {self.timeout:g} s from {self.url}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise ServiceUnavailable(
                f"{self.name}: {self.url} cannot be reached ({reason})"
            ) from None
        if len(body) > MAX_RESPONSE_BYTES:
            raise TranslationError(f"{self.name}: the answer is larger than expected")
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise TranslationError(f"{self.name}: the answer is not JSON") from None

    def _open(self, request):
        return urllib.request.urlopen(request, timeout=self.timeout)  # noqa: S310

    def _checked(self, translated, texts: list[str]) -> list[str]:
        if (
            not isinstance(translated, list)
            or len(translated) != len(texts)
            or not all(isinstance(text, str) for text in translated)
        ):
            raise TranslationError(
                f"{self.name}: the answer does not hold one text per text sent ({len(texts)})"
            )
        return translated

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        raise NotImplementedError


def _error_text(error: urllib.error.HTTPError) -> str:
    try:
        raw = error.read(4096).decode("utf-8", "replace")
    except OSError:
        return ""
    try:
        data = json.loads(raw)
    except ValueError:
        return raw.strip()[:200]
    if isinstance(data, dict):
        return str(data.get("error") or data.get("message") or "")[:200]
    return ""


class LibreTranslate(HTTPBackend):
    """A LibreTranslate-compatible API: ``POST /translate`` with ``q`` (a list of texts),
    ``source``, ``target``, ``format`` ("text") and ``api_key``; it answers
    ``{"translatedText": [...]}`` (or ``{"error": ...}`` with an HTTP error)."""

    name = "LibreTranslate"

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        payload = {"q": list(texts), "source": _base(source), "target": _base(target)}
        payload["format"] = "text"
        if self.api_key:
            payload["api_key"] = self.api_key
        data = self._post("/translate", payload)
        translated = data.get("translatedText") if isinstance(data, dict) else None
        if isinstance(translated, str) and len(texts) == 1:
            translated = [translated]  # older servers answer one text with one string
        return self._checked(translated, texts)


# DeepL's target codes where the bare language is not one (English and Portuguese need their
# variety; Chinese its script).
DEEPL_TARGETS = {"en": "EN-GB", "pt": "PT-PT", "pt-br": "PT-BR", "zh-hans": "ZH-HANS"}
DEEPL_TARGETS.update({"zh-hant": "ZH-HANT", "en-us": "EN-US", "zh": "ZH-HANS"})


class DeepL(HTTPBackend):
    """DeepL's v2 API: ``POST /v2/translate`` with ``Authorization: DeepL-Auth-Key <key>`` and
    ``{"text": [...], "source_lang": "UK", "target_lang": "EN-GB"}``; it answers
    ``{"translations": [{"detected_source_language": ..., "text": ...}, ...]}``. 50 texts at
    most per request (BATCH_SIZE stays under it)."""

    name = "DeepL"
    FREE_URL = "https://api-free.deepl.com"

    def __init__(self, url: str, api_key: str = "", timeout: float = 20):
        super().__init__(url or self.FREE_URL, api_key, timeout)

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        if not texts:
            return []
        if len(texts) > 50:
            raise TranslationError("DeepL: at most 50 texts per request")
        code = (target or "").lower()
        target_code = DEEPL_TARGETS.get(code) or DEEPL_TARGETS.get(_base(code))
        payload = {
            "text": list(texts),
            "source_lang": _base(source).upper(),
            "target_lang": target_code or _base(code).upper(),
        }
        data = self._post(
            "/v2/translate", payload, {"Authorization": f"DeepL-Auth-Key {self.api_key}"}
        )
        items = data.get("translations") if isinstance(data, dict) else None
        translated = (
            [item.get("text") if isinstance(item, dict) else None for item in items]
            if isinstance(items, list)
            else None
        )
        return self._checked(translated, texts)


class ETranslation(HTTPBackend):
    """The European Commission's eTranslation, for text snippets. Asynchronous, as its
    documentation ("How to request translations using the eTranslation webservice") says:

    1. ``submit`` POSTs JSON to the service (``/etranslation/si/translate``) with HTTP Digest
       authentication (the application name the Commission registered, and its password):
       ``textToTranslate`` (5,000 characters at most), ``sourceLanguage`` and
       ``targetLanguages`` (upper-case ISO codes), ``callerInformation`` (``application``,
       ``username``), ``requesterCallback``, ``errorCallback``, ``externalReference``,
       ``domain``;
    2. the service answers at once with the request's id (a positive number) or an error code
       (a negative number);
    3. later it POSTs, form-encoded, ``request-id``, ``target-language``, ``translated-text``
       and ``external-reference`` to ``requesterCallback``, or the error (``error-code``,
       ``error-message``) to ``errorCallback``.

    The documentation offers no way to ask for a translation afterwards (no polling for text
    snippets): what does not come back is sent again by a later run (services)."""

    name = "eTranslation"
    asynchronous = True
    URL = "https://webgate.ec.europa.eu/etranslation/si/translate"
    MAX_CHARACTERS = 5000

    def __init__(
        self,
        url: str,
        api_key: str = "",
        timeout: float = 20,
        application: str = "",
        domain: str = "GEN",
    ):
        super().__init__(url or self.URL, api_key, timeout)
        self.application = application or ""
        self.domain = domain or "GEN"
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, self.url, self.application, self.api_key)
        self._opener = urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords))

    def _open(self, request):
        return self._opener.open(request, timeout=self.timeout)

    def submit(
        self, text: str, source: str, target: str, reference: str, callback: str, error: str
    ) -> int:
        """Send one text; returns the service's id of the request (the translation comes to
        ``callback``, its failure to ``error``, both naming ``reference``)."""
        if len(text) > self.MAX_CHARACTERS:
            raise TranslationError(f"eTranslation: at most {self.MAX_CHARACTERS} characters")
        payload = {
            "textToTranslate": text,
            "sourceLanguage": _base(source).upper(),
            "targetLanguages": [_base(target).upper()],
            "callerInformation": {"application": self.application, "username": self.application},
            "requesterCallback": callback,
            "errorCallback": error,
            "externalReference": reference,
            "domain": self.domain,
        }
        # The service's answer is a bare number, which is JSON.
        answer = self._post("", payload)
        if isinstance(answer, bool) or not isinstance(answer, int):
            raise TranslationError("eTranslation: the answer is not a request id")
        if answer < 0:
            raise TranslationError(f"eTranslation: the request was refused (error {answer})")
        return answer

    def translate(self, texts: list[str], source: str, target: str) -> list[str]:
        raise TranslationError("eTranslation answers later, by callback: use submit()")


BACKEND_CLASSES = {"libretranslate": LibreTranslate, "deepl": DeepL, "etranslation": ETranslation}
