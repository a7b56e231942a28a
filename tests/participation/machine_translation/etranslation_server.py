"""A small server on loopback that speaks eTranslation's text-snippet protocol, for the tests.

``POST /etranslation/si/translate`` asks for HTTP Digest authentication (RFC 7616, MD5,
qop=auth) and checks it against ``application`` and ``password``; it then answers the
request's id as a bare number (or, with ``mode`` "refuse", the negative error code
``refusal``), and keeps the request's JSON in ``requests``. The translation itself is posted
back by the test (``callback_for``), since the site under test has no server of its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from http.server import BaseHTTPRequestHandler

from tests.participation.machine_translation.loopback import LoopbackServer

PATH = "/etranslation/si/translate"
REALM = "eTranslation"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()  # noqa: S324 - RFC 7616's MD5


class ETranslationServer(LoopbackServer):
    def __init__(self):
        self.application = "wp-test"
        self.password = "secret"
        self.mode = "ok"
        self.refusal = -20003
        self.requests: list[dict] = []
        self.challenges = 0
        self.nonces: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status, body: bytes, headers=()):
                self.send_response(status)
                self.send_header("Content-Type", "text/plain;charset=UTF-8")
                self.send_header("Content-Length", str(len(body)))
                for name, value in headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def _challenge(self):
                server.challenges += 1
                nonce = secrets.token_hex(16)
                server.nonces.add(nonce)
                header = f'Digest realm="{REALM}", qop="auth", nonce="{nonce}", algorithm=MD5'
                self._send(401, b"Unauthorized", [("WWW-Authenticate", header)])

            def _authorised(self) -> bool:
                header = self.headers.get("Authorization") or ""
                if not header.startswith("Digest "):
                    return False
                fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[7:]))
                if fields.get("nonce") not in server.nonces:
                    return False
                ha1 = _md5(f"{fields.get('username')}:{REALM}:{server.password}")
                ha2 = _md5(f"POST:{fields.get('uri')}")
                expected = _md5(
                    f"{ha1}:{fields['nonce']}:{fields.get('nc')}:{fields.get('cnonce')}:"
                    f"{fields.get('qop')}:{ha2}"
                )
                return fields.get("username") == server.application and secrets.compare_digest(
                    expected, fields.get("response", "")
                )

            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if self.path != PATH:
                    return self._send(404, b"Not found")
                if not self._authorised():
                    return self._challenge()
                server.requests.append(json.loads(body))
                if server.mode == "refuse":
                    return self._send(200, str(server.refusal).encode())
                return self._send(200, str(len(server.requests)).encode())

        self.serve(Handler, PATH)

    @staticmethod
    def callback_for(request: dict, translated: str) -> tuple[str, dict]:
        """The form the service posts to ``requesterCallback`` once it translated."""
        return request["requesterCallback"], {
            "request-id": "1",
            "target-language": request["targetLanguages"][0],
            "translated-text": translated,
            "external-reference": request["externalReference"],
        }
