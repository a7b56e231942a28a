"""Settings shared by every environment. Environment-specific files import from here."""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import pgettext_lazy

from participation.operations.queues import parse_task_queues, queue_names
from portal.languages import (
    DEFAULT_LANGUAGE,
    offered_languages,
    register_locale_data,
)

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/portal
BASE_DIR = PROJECT_DIR.parent.parent  # repository root

INSTALLED_APPS = [
    "portal",
    "participation.accounts",
    "participation.organisations",
    "participation.questionnaire",
    "participation.documents",
    "participation.audit",
    "participation.submissions",
    "participation.review",
    "participation.operations",
    "participation.pagedrafts",
    "participation.machine_translation",
    "themes",
    "consultations",
    "expertgroup",
    "awards",
    "monitoring",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # First: every log line of a request carries its id; health checks skip everything else.
    "participation.operations.requestid.RequestIDMiddleware",
    "participation.operations.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.security.SiteCSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "participation.middleware.SaveFailedMiddleware",  # before sessions: covers their writes
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "participation.middleware.RejectNulCharactersMiddleware",
    "participation.middleware.RejectOversizedIdsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "participation.accounts.middleware.RequireMFAMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"


def tuned_database(database: dict) -> dict:
    """The engine's options for a busy site; production.py and the bench apply it too.

    PostgreSQL: psycopg may prepare a statement once a connection has run it
    ``prepare_threshold`` times (Django turns this off by default, for connection poolers).
    Only the statements a submit runs every time ask for it (submissions.statements
    .prepared_cursor); ``DATABASE_PREPARE_THRESHOLD=none`` turns it off behind a pooler that
    cannot keep prepared statements (PgBouncer in transaction mode before 1.21).

    SQLite: options for several writers at once (runserver's threads, gunicorn workers, the
    db_worker).

    In a deferred transaction a read that then writes cannot wait for the lock and fails at
    once with "database is locked"; IMMEDIATE takes the write lock at BEGIN, where the busy
    timeout lets it wait its turn. WAL lets readers go on meanwhile; synchronous=NORMAL is
    safe with WAL (a power cut may lose the last commits, never corrupt the file). An
    in-memory test database accepts these and keeps its own journal."""
    if database.get("ENGINE", "").endswith("postgresql"):
        threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5").strip().lower()
        database.setdefault("OPTIONS", {}).setdefault(
            "prepare_threshold", None if threshold in ("none", "off", "") else int(threshold)
        )
    if database.get("ENGINE", "").endswith("sqlite3"):
        database.setdefault("OPTIONS", {}).update(
            {
                "transaction_mode": "IMMEDIATE",
                "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            }
        )
    return database


# One database URL everywhere; SQLite in a file when none is given. Persistent connections
# matter on PostgreSQL (measured 2.4-3.5x throughput), harmless on SQLite.
try:
    DATABASES = {
        "default": tuned_database(
            dj_database_url.config(
                default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
                conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
                conn_health_checks=True,
            )
        )
    }
except Exception:  # one clear line, and never the URL itself: it holds the password
    raise ImproperlyConfigured(
        "DATABASE_URL cannot be read: expected postgres://USER:PASSWORD@HOST:5432/NAME "
        "(percent-encode special characters in the password); CONN_MAX_AGE a number of seconds."
    ) from None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"

# --- django-allauth: email only, verified, rate limited, TOTP for those who must.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# The name shown to others and the preferred language (stored by the adapter).
ACCOUNT_SIGNUP_FORM_CLASS = "participation.accounts.forms.SignupForm"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
# Keep who has an account private: a sign-up with a known address mails its owner instead of
# saying "taken" to whoever typed it (being on a migrants' platform can itself be sensitive).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "participation.accounts.adapter.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""  # unused: the adapter prefixes "[site name] " (Wagtail Site)
# --- Rate limits. Every limit, allauth's and the project's, is allauth's limiter (the cache:
# Redis in production) counting per client address as allauth's get_client_ip sees it (see the
# proxy block below). The project's own actions have their rates here, in one place; they are
# merged into ACCOUNT_RATE_LIMITS because allauth's public `consume` reads its rates there
# (participation.limits checks at start-up that the two agree).
PARTICIPATION_RATE_LIMITS = {
    # Answers started without an account, per client address.
    "participation_anonymous_answer": "20/h/ip",
    # Audience votes (attempts), per client address: families and libraries share one address.
    "participation_audience_vote": "20/h/ip",
    # Emails to an address someone else typed (a nominee's confirmation, an organisation's
    # invitation): per object (a nomination; an organisation and address), per sender, per
    # client address.
    "participation_relayed_email": "3/d/key,20/d/user,50/d/ip",
}
# Failed sign-ins slow down the SOURCE that fails: per client address, escalating (10 a minute,
# 30 an hour, 100 a day); the per-"key" limits count one address's failures FROM ONE CLIENT
# ADDRESS (the adapter puts the client address into the key), so a stranger guessing
# victim@... never locks the victim out of signing in from elsewhere. The same action limits
# wrong TOTP codes per user (allauth.mfa keys it by user).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,30/h/ip,100/d/ip,5/5m/key,20/d/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    # Adding an address emails it (an address the person typed): a daily cap per account too.
    "manage_email": "10/m/user,30/d/user",
    "reauthenticate": "10/m/user",
    **PARTICIPATION_RATE_LIMITS,
}
# allauth names the person in its emails (e.g. the confirmation sent to an address they added)
# by user_display, by default the username, generated from the email address's local part.
ACCOUNT_USER_DISPLAY = "participation.accounts.models.user_display"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "wagtail-participation"
# Group names whose members must turn on TOTP before they can do anything else (staff always must).
PARTICIPATION_MFA_REQUIRED_GROUPS = ["Editors", "Moderators", "Selection committee", "Jury"]

# --- Languages: fifteen interface languages (portal/languages.py), content translated with
# Wagtail's own workflow. PARTICIPATION_LANGUAGES (environment variable, comma-separated codes;
# default: all) names the languages a site OFFERS, so one can be held back until a native speaker
# has reviewed it; catalogues are kept for every known language either way.
LANGUAGE_CODE = DEFAULT_LANGUAGE
LANGUAGES = offered_languages(os.environ.get("PARTICIPATION_LANGUAGES"))
PARTICIPATION_LANGUAGES = [code for code, _name in LANGUAGES]
# Django knows fa and ar are written right to left; Pashto too (and ps, ti, so get their
# LANG_INFO here, before anything asks for it).
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "ckb", "fa", "ps", "ug", "ur"]
register_locale_data()
# Date formats for the languages Django has none for (ps, ti, so); the others use Django's.
FORMAT_MODULE_PATH = ["portal.formats"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Core packages that are not apps carry their own catalogues.
LOCALE_PATHS = [
    PROJECT_DIR / "locale",
    BASE_DIR / "participation" / "locale",
    BASE_DIR / "participation" / "submissions" / "locale",
    BASE_DIR / "participation" / "calls" / "locale",
    # Last: the libraries' own messages in the languages they do not translate (ps, ti, so).
    PROJECT_DIR / "library_strings" / "locale",
]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [PROJECT_DIR / "static"]
STATIC_ROOT = BASE_DIR / "static_collected"
STATIC_URL = "/static/"
# Public media (Wagtail images and documents): served at MEDIA_URL (by the web server in
# production, by Django with DEBUG). Private files (CVs, attachments, evidence, generated
# documents) live apart, outside every served folder, and only views that check rights serve
# them (participation.files).
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "/media/"
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT") or BASE_DIR / "private_media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "participation.files.storage.PrivateFileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- Background work: a database queue that needs no extra server (`manage.py db_worker`).
# Kinds of work may get queues of their own (participation/operations/queues.py).
PARTICIPATION_TASK_QUEUES = parse_task_queues(os.environ.get("PARTICIPATION_TASK_QUEUES"))
TASKS = {
    "default": {
        "BACKEND": "participation.operations.taskqueue.DatabaseBackend",
        "QUEUES": queue_names(PARTICIPATION_TASK_QUEUES),
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "participation@example.org")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail
# Lazy: the admin names the site in each editor's admin language.
WAGTAIL_SITE_NAME = pgettext_lazy("site name", "Participation")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
WAGTAIL_USER_CUSTOM_FIELDS = ["display_name"]
# No third-party requests from the admin (the CSP would block them anyway): no Gravatar (it
# would send a hash of each editor's address), no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Organisations
PARTICIPATION_INVITATION_DAYS = 14

# --- Client addresses behind proxies: ONE setting. allauth's get_client_ip, which every rate
# limit uses, takes the address the last N proxies appended to X-Forwarded-For (entries a
# client writes itself sit to the left and are never trusted). 0: X-Forwarded-For is ignored and
# REMOTE_ADDR is the client. Production reads it from TRUSTED_PROXY_COUNT.
ALLAUTH_TRUSTED_PROXY_COUNT = 0
# Not used: a header such as X-Real-IP is only as good as the proxy that overwrites it.
ALLAUTH_TRUSTED_CLIENT_IP_HEADER = None

SECURE_CONTENT_TYPE_NOSNIFF = True
# Content Security Policy (django-csp): only our own origin, no inline script or style on the
# public site; the Wagtail admin gets a looser policy by path (portal/security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # Charts are inline SVG with pygal's own <style>: it carries the nonce (chart_svg tag).
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# Logs on the console (journald under systemd) at INFO, each line with its request id; one JSON
# object per line with LOG_FORMAT=json. LOG_LEVEL changes the level of everything.
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "participation.operations.requestid.RequestIDFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "participation.operations.logformat.JSONFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if os.environ.get("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # SQL at DEBUG would flood the log when LOG_LEVEL=DEBUG; ask for it by name if needed.
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
