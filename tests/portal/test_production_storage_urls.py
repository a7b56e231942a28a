"""Signed URLs of the S3 storages in production: Signature Version 4, which SeaweedFS and AWS
accept (botocore gave version-2 URLs here, refused with SignatureDoesNotMatch)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW_URLS = """
import django
django.setup()
from django.conf import settings
from django.core.files.storage import storages
for alias, config in settings.STORAGES.items():
    if config["BACKEND"] == "storages.backends.s3.S3Storage":
        print(alias, storages[alias].url("answers/evidence.pdf"))
"""


def test_production_s3_storages_sign_urls_with_signature_version_4():
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DJANGO_"))},
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "participation.example.eu",
        "DATABASE_URL": "postgres://participation:secret@db.example.eu:5432/participation",
        "EMAIL_HOST": "smtp.example.eu",
        "AWS_STORAGE_BUCKET_NAME": "media",
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": "private",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",  # signing a URL sends nothing
        "AWS_S3_REGION_NAME": "us-east-1",  # where botocore signed version 2
        "AWS_ACCESS_KEY_ID": "key",
        "AWS_SECRET_ACCESS_KEY": "secret",
    }
    shown = subprocess.run(
        [sys.executable, "-c", SHOW_URLS], capture_output=True, text=True, env=env, timeout=120
    )
    assert shown.returncode == 0, shown.stderr
    urls = dict(line.split(" ", 1) for line in shown.stdout.splitlines())
    assert "default" in urls
    for alias, url in urls.items():
        assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url, (alias, url)
        assert "AWSAccessKeyId=" not in url, (alias, url)
