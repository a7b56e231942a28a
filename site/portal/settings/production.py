"""Production: everything comes from the environment; nothing here is a secret."""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def env(name, default=None, required=False):
    value = os.environ.get(name, default)
    if required and not value:
        raise ImproperlyConfigured(f"Set the {name} environment variable.")
    return value


DEBUG = False
SECRET_KEY = env("SECRET_KEY", required=True)
ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "", required=True).split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS]
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", f"https://{ALLOWED_HOSTS[0]}")

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        conn_max_age=int(env("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if not DATABASES["default"]:
    raise ImproperlyConfigured("Set DATABASE_URL, e.g. postgres://user:pass@host:5432/name")

if env("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": env("REDIS_URL"),
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }

# Two storages (participation.files): "default" holds public media (Wagtail images and
# documents), "private" holds CVs, attachments, evidence and generated documents, which only
# views that check rights serve. Locally, MEDIA_ROOT is served at /media/ by the web server and
# PRIVATE_MEDIA_ROOT must be outside it and outside every served folder.
MEDIA_ROOT = env("MEDIA_ROOT", str(MEDIA_ROOT))  # noqa: F405
PRIVATE_MEDIA_ROOT = env("PRIVATE_MEDIA_ROOT", str(PRIVATE_MEDIA_ROOT))  # noqa: F405
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
            "bucket_name": env("AWS_PRIVATE_STORAGE_BUCKET_NAME", required=True),
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

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env("EMAIL_USE_TLS", "true").lower() == "true"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env("SECURE_SSL_REDIRECT", "true").lower() == "true"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env("SECURE_HSTS_PRELOAD", "true").lower() == "true"
SECURE_REFERRER_POLICY = "same-origin"
