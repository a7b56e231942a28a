"""gunicorn settings for the participation web servers (deploy/systemd/participation-web@.service).

One unit per port (8001, 8002, ...), each behind nginx's upstream: restart them one after the
other and the site stays up. The bind address comes from the unit (--bind 127.0.0.1:%i).
Every value below can be changed in the environment file without editing this one.
"""

import multiprocessing
import os
from pathlib import Path

# The repository's site/ folder: wsgi.py puts the repository root on sys.path itself.
chdir = str(Path(__file__).resolve().parent.parent / "site")
wsgi_app = "portal.wsgi:application"

# Sync workers: each request (a form post, a page) is short; PDFs are built by the task worker.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
# Load the app once in the master: a configuration error is one line and gunicorn stops
# (exit status 4) instead of booting workers that fail the same way; workers share memory.
preload_app = True
# A request that takes longer is cut (nginx's proxy_read_timeout is a little longer).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak never grows unbounded.
max_requests = 2000
max_requests_jitter = 200

# Only nginx on this machine may set X-Forwarded-* (TRUSTED_PROXY_COUNT=1 in the environment).
forwarded_allow_ips = "127.0.0.1,::1"

# No control socket (gunicorn 25.1+): two web units of one user would share its one path.
control_socket_disable = True

# Logs on stdout/stderr, to the journal; the access line carries nginx's X-Request-ID, the same
# id Django's log lines carry.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = (
    '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s" request_id=%({x-request-id}i)s'
)
