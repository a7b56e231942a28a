"""A small LibreTranslate-compatible server on loopback, in a thread, for the tests.

``POST /translate`` with ``q`` (a text or a list), ``source``, ``target``, ``format`` and
``api_key`` answers ``{"translatedText": ...}`` as LibreTranslate does. It "translates" with a
fixed dictionary, else by marking the text ``[target] text``. ``mode`` makes it fail as real
servers do: "error" (HTTP 500), "slow" (answers after the client gave up), "garbage" (not
JSON), "short" (one text too few), "unsupported" (HTTP 400, language not supported), "busy"
(HTTP 503); a text in ``poison`` makes it answer HTTP 500 whatever the mode. Every request is
recorded.
"""

from __future__ import annotations

import json
import time
from http.server import BaseHTTPRequestHandler

from tests.participation.machine_translation.loopback import LoopbackServer

DICTIONARY = {
    ("uk", "en"): {
        "Визнання наших дипломів триває надто довго.": "Recognition of our diplomas takes too long."
    },
    ("ar", "en"): {"نحتاج دروس لغة في المساء.": "We need language classes in the evening."},
}


class LibreTranslateServer(LoopbackServer):
    def __init__(self):
        self.requests: list[dict] = []
        self.mode = "ok"
        self.slow_seconds = 2.0
        self.api_key = ""
        self.poison: set[str] = set()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def _send(self, status, body: bytes, content_type="application/json"):
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _json(self, status, data):
                self._send(status, json.dumps(data, ensure_ascii=False).encode("utf-8"))

            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length) or b"{}")
                if self.path != "/translate":
                    return self._json(404, {"error": "Not found"})
                server.requests.append(payload)
                if server.api_key and payload.get("api_key") != server.api_key:
                    return self._json(403, {"error": "Invalid API key"})
                texts = payload["q"] if isinstance(payload["q"], list) else [payload["q"]]
                if server.mode == "error" or server.poison.intersection(texts):
                    return self._json(500, {"error": "Cannot translate text: internal error"})
                if server.mode == "busy":
                    return self._json(503, {"error": "Slow down"})
                if server.mode == "slow":
                    time.sleep(server.slow_seconds)
                if server.mode == "garbage":
                    return self._send(200, b"<html>Bad gateway</html>", "text/html")
                if server.mode == "unsupported":
                    return self._json(400, {"error": f"{payload['source']} is not supported"})
                words = DICTIONARY.get((payload["source"], payload["target"]), {})
                translated = [words.get(text, f"[{payload['target']}] {text}") for text in texts]
                if server.mode == "short":
                    translated = translated[:-1]
                result = translated if isinstance(payload["q"], list) else translated[0]
                return self._json(200, {"translatedText": result})

        self.serve(Handler)

    @property
    def texts_sent(self) -> list[str]:
        return [text for payload in self.requests for text in payload["q"]]
