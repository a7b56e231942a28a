"""Production: everything comes from the environment; nothing here is a secret.

Missing or wrong configuration stops the start with one line naming the variable
(ImproperlyConfigured; manage.py and wsgi.py print it as "Configuration error: ...").
The variables are listed in deploy/participation.env.example.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

TRUE = ("1", "true", "yes", "on")


# Variables renamed into the PARTICIPATION_ prefix: the old name is still read, for one
# release, when the new one is not set (README, *Settings*).
_RENAMED_ENV = {
    "PARTICIPATION_DOCUMENTS_STALE_AFTER_SECONDS": "DOCUMENTS_STALE_AFTER_SECONDS",
    **{
        f"PARTICIPATION_TASKS_{_name}": f"TASKS_{_name}"
        for _name in (
            "HEARTBEAT_SECONDS",
            "WORKER_DEAD_AFTER_SECONDS",
            "MAX_ATTEMPTS",
            "MAX_RUNTIME_SECONDS",
            "RECOVERY_INTERVAL_SECONDS",
        )
    },
}


def _raw(name, default=None):
    """The variable ``name``, else (renamed) its old name, else ``default``."""
    value = os.environ.get(name)
    if (value is None or not value.strip()) and name in _RENAMED_ENV:
        value = os.environ.get(_RENAMED_ENV[name]) or value
    return default if value is None else value


def env(name, default=None, required=False, hint=""):
    value = _raw(name, default)
    if required and not (value or "").strip():
        raise ImproperlyConfigured(f"Set the {name} environment variable{hint}.")
    return value


def env_bool(name, default):
    value = _raw(name, "").strip().lower()
    if not value:
        return default
    if value not in (*TRUE, "0", "false", "no", "off"):
        raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")
    return value in TRUE


def env_int(name, default):
    value = _raw(name, "").strip() or str(default)
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


# Keys that are in the repository (dev, test) or Django's placeholder are never a secret.
_PUBLIC_KEYS = ("dev-only-not-secret", "test-only-not-secret", "django-insecure")

if env_bool("DEBUG", False):
    raise ImproperlyConfigured(
        "DEBUG is set: production settings never run with DEBUG (it shows tracebacks and "
        "settings to visitors). Unset DEBUG, or use portal.settings.dev on a laptop."
    )
DEBUG = False
SECRET_KEY = env(
    "SECRET_KEY",
    required=True,
    hint=" (50+ random characters: python3 -c 'import secrets; print(secrets.token_urlsafe(50))')",
)
if any(SECRET_KEY.startswith(public) for public in _PUBLIC_KEYS):
    raise ImproperlyConfigured(
        "SECRET_KEY is a development key from the repository: generate a new one "
        "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured(
        f"SECRET_KEY is too short or too simple ({len(SECRET_KEY)} characters): use 50 or more "
        "random characters (python3 -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )
ALLOWED_HOSTS = [h.strip() for h in (env("ALLOWED_HOSTS") or "").split(",") if h.strip()]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "Set the ALLOWED_HOSTS environment variable: the site's host names, comma-separated "
        "(e.g. participation.example.eu)."
    )
CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if h != "*"]
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0].lstrip('.')}")

_database_url = env(
    "DATABASE_URL", required=True, hint=", e.g. postgres://USER:PASSWORD@HOST:5432/NAME"
)
try:
    _database = dj_database_url.parse(
        _database_url.strip(),
        conn_max_age=env_int("CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
except Exception:  # never echo the URL: it holds the password
    raise ImproperlyConfigured(
        "DATABASE_URL cannot be read: expected postgres://USER:PASSWORD@HOST:5432/NAME "
        "(percent-encode special characters in the password)."
    ) from None
if not _database.get("NAME"):
    raise ImproperlyConfigured("DATABASE_URL names no database: add /NAME at its end.")
if _database["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable server fails a request (and the health check) in seconds, not minutes.
    _database.setdefault("OPTIONS", {}).setdefault(
        "connect_timeout", env_int("DATABASE_CONNECT_TIMEOUT", 5)
    )
DATABASES = {"default": tuned_database(_database)}  # noqa: F405 (from base)

STATIC_ROOT = env("STATIC_ROOT", str(STATIC_ROOT))  # noqa: F405

if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis that does not answer fails fast instead of hanging a worker.
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }

# Two storages (participation.files): "default" holds public media (Wagtail images and
# documents), "private" holds CVs, attachments, evidence and generated documents, which only
# views that check rights serve. Locally, MEDIA_ROOT is served at /media/ by the web server and
# PRIVATE_MEDIA_ROOT must be outside it and outside every served folder.
MEDIA_ROOT = env("MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", str(PRIVATE_MEDIA_ROOT))  # noqa: F405
for _served in ("MEDIA_ROOT", "STATIC_ROOT"):
    _root = os.path.abspath(globals()[_served])
    if (os.path.abspath(PRIVATE_MEDIA_ROOT) + os.sep).startswith(_root + os.sep):
        raise ImproperlyConfigured(
            f"PRIVATE_MEDIA_ROOT is inside {_served}, which the web server publishes: "
            "choose a folder outside it (e.g. /srv/participation/private)."
        )
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "participation.files.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# S3-compatible storage (django-storages) when a bucket is configured: a public bucket whose
# objects anyone may read (public-read ACL or a bucket policy; unsigned URLs) and a private
# bucket read only through short-lived signed URLs handed out by the views that check rights.
if env("AWS_STORAGE_BUCKET_NAME"):
    _s3 = {
        "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
        "region_name": env("AWS_S3_REGION_NAME"),
        "access_key": env("AWS_ACCESS_KEY_ID"),
        "secret_key": env("AWS_SECRET_ACCESS_KEY"),
        # Signature V4: the one every current S3 service accepts (and it signs the expiry).
        "signature_version": env("AWS_S3_SIGNATURE_VERSION", "s3v4"),
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env("AWS_STORAGE_BUCKET_NAME"),
            # "" leaves the bucket policy in charge (buckets that refuse ACLs).
            "default_acl": env("AWS_DEFAULT_ACL", "public-read") or None,
            "querystring_auth": False,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env("AWS_PRIVATE_STORAGE_BUCKET_NAME"),  # required: see below
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": int(env("PRIVATE_URL_EXPIRY_SECONDS", "300")),
        },
    }
    PARTICIPATION_FILES_SIGNED_URL_SECONDS = STORAGES["private"]["OPTIONS"]["querystring_expire"]
    # Media then come from the bucket's origin (or a CDN in front of it); private files too,
    # through signed URLs (photos published with consent are shown that way).
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"].append(  # noqa: F405
        env("CSP_MEDIA_ORIGIN", env("AWS_S3_ENDPOINT_URL") or "https:")
    )

# Both buckets (public media, private files) sign in with the same key pair.
_buckets = [
    name
    for name in ("AWS_STORAGE_BUCKET_NAME", "AWS_PRIVATE_STORAGE_BUCKET_NAME")
    if (env(name) or "").strip()
]
for _key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
    if _buckets and not (env(_key) or "").strip():
        raise ImproperlyConfigured(
            f"{_buckets[0]} is set but {_key} is not: set the bucket's credentials too "
            "(or unset the bucket to keep files on disk)."
        )
# Private files never go to the public bucket: one bucket each, or none.
if len(_buckets) == 1:
    _pair = {"AWS_STORAGE_BUCKET_NAME", "AWS_PRIVATE_STORAGE_BUCKET_NAME"}
    _missing = (_pair - set(_buckets)).pop()
    raise ImproperlyConfigured(
        f"{_buckets[0]} is set but {_missing} is not: public media and private files (CVs, "
        "attachments, evidence) each need their own bucket, or neither (files on disk)."
    )

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "")
if EMAIL_BACKEND == "django.core.mail.backends.smtp.EmailBackend" and not EMAIL_HOST.strip():
    raise ImproperlyConfigured(
        "Set the EMAIL_HOST environment variable: the SMTP server that sends sign-up, reset "
        "and receipt emails (e.g. smtp.example.eu)."
    )
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)


def _trusted_proxy_count() -> int:
    raw = (env("TRUSTED_PROXY_COUNT") or "0").strip()  # empty: unset
    if not (raw.isascii() and raw.isdigit()):
        raise ImproperlyConfigured(
            f"TRUSTED_PROXY_COUNT must be a whole number, 0 or more (the proxies in front of the "
            f"site that append to X-Forwarded-For; 0 = use REMOTE_ADDR); got {raw!r}."
        )
    return int(raw)


# How many proxies (TLS terminator, load balancer) stand between the clients and the site.
ALLAUTH_TRUSTED_PROXY_COUNT = _trusted_proxy_count()

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Load balancers probe the app servers over plain HTTP (answered first by
# participation.operations.health.HealthCheckMiddleware anyway).
SECURE_REDIRECT_EXEMPT = [r"^health/"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"

# Error reports to Sentry (or a compatible service such as GlitchTip) when SENTRY_DSN is set.
if env("SENTRY_DSN"):
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=env("SENTRY_DSN"),
        integrations=[DjangoIntegration()],
        environment=env("SENTRY_ENVIRONMENT", "production"),
        release=env("SENTRY_RELEASE") or None,
        send_default_pii=False,  # no addresses, cookies or user details leave the site
        traces_sample_rate=env_int("SENTRY_TRACES_PERCENT", 0) / 100,
    )

# EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend writes each email there.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
# A document build with no sign of progress for this long is taken as dead (its worker was
# killed) and may be built again; the default (30 minutes) suits very long builds.
if env("PARTICIPATION_DOCUMENTS_STALE_AFTER_SECONDS"):
    PARTICIPATION_DOCUMENTS_STALE_AFTER_SECONDS = env_int(
        "PARTICIPATION_DOCUMENTS_STALE_AFTER_SECONDS", 1800
    )
# Task workers beat every PARTICIPATION_TASKS_HEARTBEAT_SECONDS; one silent for
# PARTICIPATION_TASKS_WORKER_DEAD_AFTER_SECONDS is dead and the scheduler puts its task back in
# the queue (participation/operations/workers.py).
for _name in (
    "HEARTBEAT_SECONDS",
    "WORKER_DEAD_AFTER_SECONDS",
    "MAX_ATTEMPTS",
    "MAX_RUNTIME_SECONDS",
    "RECOVERY_INTERVAL_SECONDS",
):
    if env(f"PARTICIPATION_TASKS_{_name}"):
        _value = env_int(f"PARTICIPATION_TASKS_{_name}", 0)
        if _value < 1:  # 0 would take every running worker for dead
            raise ImproperlyConfigured(
                f"PARTICIPATION_TASKS_{_name} must be 1 or more, not {_value}."
            )
        globals()[f"PARTICIPATION_TASKS_{_name}"] = _value

# Machine translation of answers (participation/machine_translation): "none" by default;
# "libretranslate" needs the address of a LibreTranslate-compatible server, "deepl" a key.
_mt_backend = (env("PARTICIPATION_MACHINE_TRANSLATION_BACKEND") or "none").strip().lower()
if _mt_backend not in ("none", "libretranslate", "deepl", "etranslation"):
    raise ImproperlyConfigured(
        "PARTICIPATION_MACHINE_TRANSLATION_BACKEND must be none, libretranslate, deepl or "
        f"etranslation, not {_mt_backend!r}."
    )
if _mt_backend == "libretranslate":
    env(
        "PARTICIPATION_MACHINE_TRANSLATION_URL",
        required=True,
        hint=" (the LibreTranslate server, e.g. https://translate.example.eu)",
    )
if _mt_backend == "deepl":
    env("PARTICIPATION_MACHINE_TRANSLATION_API_KEY", required=True, hint=" (DeepL's key)")
if _mt_backend == "etranslation":
    for _name, _hint in (
        ("APPLICATION", " (the application name the Commission registered)"),
        ("API_KEY", " (the application's password)"),
        ("CALLBACK_URL", " (this site's public address, for the translations to come back)"),
    ):
        env(f"PARTICIPATION_MACHINE_TRANSLATION_{_name}", required=True, hint=_hint)
PARTICIPATION_MACHINE_TRANSLATION = {
    "BACKEND": _mt_backend,
    "URL": (env("PARTICIPATION_MACHINE_TRANSLATION_URL") or "").strip(),
    "API_KEY": (env("PARTICIPATION_MACHINE_TRANSLATION_API_KEY") or "").strip(),
    "TIMEOUT": env_int("PARTICIPATION_MACHINE_TRANSLATION_TIMEOUT", 20),
    "APPLICATION": (env("PARTICIPATION_MACHINE_TRANSLATION_APPLICATION") or "").strip(),
    "CALLBACK_URL": (env("PARTICIPATION_MACHINE_TRANSLATION_CALLBACK_URL") or "").strip(),
    "LANGUAGES": [
        code.strip()
        for code in (env("PARTICIPATION_MACHINE_TRANSLATION_LANGUAGES") or "").split(",")
        if code.strip()
    ],
}
