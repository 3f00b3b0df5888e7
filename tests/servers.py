"""Starts the real servers for the tests: the action server and a Rasa server on free ports."""
from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
RASA = str(ROOT / ".venv" / "bin" / "rasa")
ENV = {
    **os.environ,
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONPATH": str(ROOT),
    "PYTHONHASHSEED": "0",
    "PYTHONUNBUFFERED": "1",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    # The shipped catalog, whatever a developer has imported into var/.
    "CQP_CATALOG": str(ROOT / "knowledge" / "catalog" / "default.sqlite"),
    # What the Rasa servers show the action servers, which answer nothing else (bot/action_guard.py).
    "CQP_ACTION_TOKEN": secrets.token_urlsafe(48),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, name: str, command: List[str], health_url: str, log: Path, env: Optional[Dict[str, str]] = None):
        self.name, self.health_url, self.log = name, health_url, log
        self._log_handle = log.open("w")
        self.process = subprocess.Popen(
            command, cwd=ROOT, env={**ENV, **(env or {})}, stdout=self._log_handle, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 300) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped at start-up:\n{self.log.read_text()[-3000:]}")
            try:
                if requests.get(self.health_url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} not ready after {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_handle.close()


def start_action_server(workdir: Path, env: Optional[Dict[str, str]] = None) -> "tuple[Server, int]":
    port = free_port()
    server = Server(
        "action server",
        [RASA, "run", "actions", "--actions", "bot.actions", "--port", str(port)],
        f"http://127.0.0.1:{port}/health",
        workdir / "actions.log",
        {"SANIC_HOST": "127.0.0.1", **(env or {})},
    )
    server.wait_ready()
    return server, port


# The demo page's origin in the tests (tests/test_widget.py serves it on this port).
DEMO_PORT = free_port()
DEMO_ORIGIN = f"http://127.0.0.1:{DEMO_PORT}"
WIDGET_ENV = {"CQP_CORS_ORIGINS": DEMO_ORIGIN, "CQP_WIDGET_SECRET": secrets.token_urlsafe(48)}


def start_rasa_server(model: Path, action_port: int, workdir: Path) -> "tuple[Server, str, str]":
    """A Rasa server like `make run`'s, with the HTTP API on behind a random token for /model/parse."""
    port, token = free_port(), secrets.token_hex(16)
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        "  headers:\n    Authorization: Bearer ${CQP_ACTION_TOKEN}\n"
        f'tracker_store:\n  type: bot.stores.erasable.ErasableSQLTrackerStore\n  dialect: "sqlite"\n  db: "{workdir / "tracker.db"}"\n'
    )
    server = Server(
        "rasa server",
        [RASA, "run", "--model", str(model), "--endpoints", str(endpoints), "--credentials",
         str(ROOT / "credentials.yml"), "--port", str(port), "--enable-api", "--auth-token", token,
         "--cors", DEMO_ORIGIN],
        f"http://127.0.0.1:{port}/",
        workdir / "rasa.log",
        WIDGET_ENV,
    )
    server.wait_ready()
    return server, f"http://127.0.0.1:{port}", token


def start_demo_server(rasa_url: str, workdir: Path, port: int = 0) -> "tuple[Server, str]":
    """The demo page with the widget (scripts/serve_demo.py), as `make run` serves it."""
    port = port or free_port()
    server = Server(
        "demo page",
        [sys.executable, str(ROOT / "scripts" / "serve_demo.py"), "--port", str(port), "--rasa", rasa_url],
        f"http://127.0.0.1:{port}/",
        workdir / f"demo-{port}.log",
    )
    server.wait_ready(timeout=30)
    return server, f"http://127.0.0.1:{port}"


def train_model() -> Path:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "train.py")], cwd=ROOT, env=ENV, check=True,
        stdout=subprocess.PIPE, text=True,
    )
    return ROOT / result.stdout.strip().splitlines()[-1]
