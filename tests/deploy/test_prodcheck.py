"""deploy/prodcheck.py's own machinery: the nginx configuration it renders, the processes it
starts and always stops, a press repeated after a cut connection. (The whole run is
`make prodcheck`, on real servers.)"""

import os
import shutil
import subprocess
import time

import pytest

from deploy import prodcheck


def nginx_accepts(main):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not os.path.exists(nginx):
        return True  # checked by `make prodcheck` itself, which needs nginx
    prefix = f"{main.parent}/"
    checked = subprocess.run(
        [nginx, "-t", "-p", prefix, "-c", str(main), "-e", f"{prefix}error.log"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    return True


TLS_SITE = """
upstream app { server 127.0.0.1:8001 max_fails=3; server 127.0.0.1:8002 max_fails=3; }
server {
    listen 80;
    listen [::]:80;
    server_name participation.example.eu;
    location / { return 301 https://$host$request_uri; }
}
server {
    listen 443 ssl http2;
    listen [::]:443 ssl http2;
    server_name participation.example.eu;
    ssl_certificate /etc/letsencrypt/live/participation.example.eu/fullchain.pem;
    ssl_certificate_key /etc/letsencrypt/live/participation.example.eu/privkey.pem;
    access_log /var/log/nginx/participation.access.log;
    location /static/ { alias /srv/participation/static_collected/; }
    location /media/ { alias /srv/participation/media/; }
    location / { proxy_pass http://app; }
}
"""


def test_render_nginx_with_tls_serves_the_site_over_tls_on_loopback(tmp_path, monkeypatch):
    deploy = tmp_path / "deploy"
    (deploy / "nginx").mkdir(parents=True)
    (deploy / "nginx" / "participation.conf").write_text(TLS_SITE)
    monkeypatch.setattr(prodcheck, "DEPLOY", deploy)
    monkeypatch.setitem(prodcheck.TLS, "on", False)
    main = prodcheck.render_nginx(tmp_path, tmp_path / "static")
    site = (tmp_path / "nginx" / "participation.conf").read_text()
    assert prodcheck.TLS["on"]
    assert "listen 127.0.0.1:8700 ssl http2;" in site  # the site, over TLS
    assert "listen 127.0.0.1:8780;" in site  # its redirect, apart
    assert "[::]" not in site and "/etc/letsencrypt" not in site and "/var/log" not in site
    assert f"ssl_certificate {tmp_path}/nginx/cert.pem;" in site
    assert nginx_accepts(main)


def test_render_nginx_points_upstreams_roots_and_listen_at_loopback(tmp_path, monkeypatch):
    monkeypatch.setitem(prodcheck.TLS, "on", False)
    static = tmp_path / "static"
    main = prodcheck.render_nginx(tmp_path, static)
    site = (tmp_path / "nginx" / "participation.conf").read_text()
    assert "127.0.0.1:8701" in site and "127.0.0.1:8702" in site
    assert "127.0.0.1:8001" not in site and "127.0.0.1:8002" not in site
    assert str(static) in site and "/srv/participation" not in site
    listens = [line.strip() for line in site.splitlines() if line.strip().startswith("listen")]
    assert listens and all(line.startswith("listen 127.0.0.1:87") for line in listens)
    assert f"add_header {prodcheck.UPSTREAM_HEADER} $upstream_addr always;" in site
    text = main.read_text()
    assert "daemon off;" in text and f"pid {tmp_path}/nginx/nginx.pid;" in text
    assert "/var/log" not in text and "/run/" not in text  # nothing outside the folder
    assert nginx_accepts(main)


def test_render_nginx_refuses_a_config_that_lost_a_literal(tmp_path, monkeypatch):
    deploy = tmp_path / "deploy"
    (deploy / "nginx").mkdir(parents=True)
    (deploy / "nginx" / "participation.conf").write_text(
        "upstream app { server 127.0.0.1:8001; server 10.0.0.2:8000; }\n"
    )
    monkeypatch.setattr(prodcheck, "DEPLOY", deploy)
    with pytest.raises(RuntimeError, match="127.0.0.1:8002"):
        prodcheck.render_nginx(tmp_path, tmp_path / "static")


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"  # a zombie is dead, only not reaped yet
    except FileNotFoundError:
        return False


def test_processes_stop_all_ends_every_group_even_children(tmp_path):
    procs = prodcheck.Processes(tmp_path)
    # A leader that ignores SIGTERM and a child in its group: both must go.
    procs.start(
        "stubborn",
        ["sh", "-c", "trap '' TERM; sleep 60 & echo $! > child; wait"],
        {"PATH": "/usr/bin:/bin"},
        cwd=tmp_path,
    )
    for _ in range(50):
        if (tmp_path / "child").exists() and (tmp_path / "child").read_text().strip():
            break
        time.sleep(0.05)
    child = int((tmp_path / "child").read_text())
    leader = procs.procs["stubborn"].pid
    procs.stop_all()
    time.sleep(0.2)
    assert not _alive(leader)
    assert not _alive(child)


def test_kill_takes_a_node_down_at_once_and_restart_brings_it_back(tmp_path):
    procs = prodcheck.Processes(tmp_path)
    procs.start("node", ["sleep", "60"], {"PATH": "/usr/bin:/bin"})
    first = procs.procs["node"].pid
    procs.kill("node")
    assert not procs.alive("node")
    procs.restart("node")
    assert procs.alive("node") and procs.procs["node"].pid != first
    procs.stop_all()
    assert not procs.alive("node")


def test_with_retries_presses_again_after_a_cut_connection_or_502():
    answers = iter([OSError("reset"), prodcheck.Reply(502, {}, b""), prodcheck.Reply(302, {}, b"")])

    def send():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert prodcheck.with_retries(send).status == 302


def test_with_retries_gives_up_with_the_last_answer():
    assert prodcheck.with_retries(lambda: prodcheck.Reply(502, {}, b""), attempts=2).status == 502
