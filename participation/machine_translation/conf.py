"""The setting ``PARTICIPATION_MACHINE_TRANSLATION`` (a dict), with its defaults in one place.

Production reads it from the environment (``PARTICIPATION_MACHINE_TRANSLATION_BACKEND``,
``_URL``, ``_API_KEY``, ``_TIMEOUT``, ``_LANGUAGES``; site/portal/settings/production.py).
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

BACKENDS = ("none", "libretranslate", "deepl", "etranslation")

DEFAULTS = {
    # "none" (nothing is translated), "libretranslate", "deepl" or "etranslation".
    "BACKEND": "none",
    # The service's address: a LibreTranslate server (https://translate.example.eu), or DeepL's
    # https://api.deepl.com (Pro) or https://api-free.deepl.com (Free; the default for DeepL);
    # eTranslation's is its own by default.
    "URL": "",
    # DeepL's key; eTranslation: the password of the application below.
    "API_KEY": "",
    # eTranslation only: the application name the Commission registered (the user of HTTP
    # Digest authentication), the domain of its engines, and this site's public address, to
    # which the service posts each translation (https://participation.example.eu).
    "APPLICATION": "",
    "DOMAIN": "GEN",
    "CALLBACK_URL": "",
    # eTranslation only: a text whose translation has not come back after this many seconds
    # is sent again by the next run (three times at most).
    "RESEND_AFTER": 3600,
    # Seconds to wait for one request; a request that takes longer fails and is tried again at
    # the next run of the periodic job.
    "TIMEOUT": 20,
    # Texts per request and characters per request (a long answer goes alone).
    "BATCH_SIZE": 25,
    "BATCH_CHARACTERS": 20_000,
    # Longer texts are cut there before they are sent (what is shown says so).
    "MAX_CHARACTERS": 10_000,
    # Languages to translate into besides the editors' admin languages (for readers of the
    # published answers): interface language codes, or ["*"] for every interface language.
    "LANGUAGES": [],
}


def get(name: str):
    configured = getattr(settings, "PARTICIPATION_MACHINE_TRANSLATION", None) or {}
    return configured.get(name, DEFAULTS[name])


def backend_name() -> str:
    name = (get("BACKEND") or "none").strip().lower()
    if name not in BACKENDS:
        raise ImproperlyConfigured(
            f"PARTICIPATION_MACHINE_TRANSLATION: BACKEND {name!r} is none of {', '.join(BACKENDS)}."
        )
    return name


def enabled() -> bool:
    return backend_name() != "none"
