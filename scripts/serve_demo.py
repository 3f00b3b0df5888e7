"""Serves the demo page with the widget on it (`make run` starts it on http://localhost:8080/).

A site of its own, not Rasa's: the widget is embedded from another origin, as on a real
site, so the origin check and CORS are exercised on every run.
"""
from __future__ import annotations

import argparse
import html
import sys
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bot.stores.retention import retention_days as conversation_days  # noqa: E402
from dossiers.settings import retention_days  # noqa: E402

WEB = ROOT / "web"
PAGES = {"/": "index.html", "/index.html": "index.html", "/confidentialite.html": "confidentialite.html"}


def session_minutes() -> int:
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text(encoding="utf-8"))
    return int(domain["session_config"]["session_expiration_time"])


class DemoHandler(BaseHTTPRequestHandler):
    server_version = "cqp-demo"
    sys_version = ""

    def __init__(self, *args, rasa_url: str, settings: dict, **kwargs):
        self.rasa_url, self.settings = rasa_url, settings
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path in PAGES:
            text = (WEB / "demo" / PAGES[path]).read_text(encoding="utf-8")
            text = text.replace("{{SERVER}}", html.escape(self.rasa_url))
            for name, value in self.settings.items():
                text = text.replace("{{" + name + "}}", str(value))
            self._send(text.encode(), "text/html; charset=utf-8")
        elif path == "/cqp-widget.js":
            bundle = WEB / "dist" / "cqp-widget.js"
            if not bundle.exists():
                self._send("Widget non construit : lancez `make widget`.".encode(), "text/plain; charset=utf-8",
                           HTTPStatus.SERVICE_UNAVAILABLE)
                return
            self._send(bundle.read_bytes(), "text/javascript; charset=utf-8")
        else:
            self._send("Page introuvable.".encode(), "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)

    def _send(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        origin = urlsplit(self.rasa_url)
        rasa = f"{origin.scheme}://{origin.netloc}"
        socket_scheme = "wss" if origin.scheme == "https" else "ws"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        # What a careful host site would send: the widget needs nothing beyond these.
        self.send_header("Content-Security-Policy",
                         "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                         f"connect-src 'self' {rasa} {socket_scheme}://{origin.netloc}; "
                         "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass  # page views are not this demo's business


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--rasa", default="http://localhost:5005", help="l'adresse du serveur Rasa")
    args = parser.parse_args()
    # Read once: a wrong retention setting stops the demo at start, with its message.
    settings = {"DAYS": retention_days(), "EXPIRY": session_minutes(), "CONVERSATION_DAYS": conversation_days()}
    server = ThreadingHTTPServer((args.host, args.port), partial(DemoHandler, rasa_url=args.rasa, settings=settings))
    print(f"Page de démonstration : http://localhost:{args.port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
