"""The production-like stack for the tests (scripts/stack.py on free ports, a database of its
own), visitors that talk to it through nginx, and the service restarts of the fault tests."""
from __future__ import annotations

import itertools
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional

import requests
import sqlalchemy as sa

from tests import servers
from tests.chat import Replies

sys.path.insert(0, str(servers.ROOT / "scripts"))
from stack import RASA_FAIL_TIMEOUT_S, Stack, StackSettings  # noqa: E402

DATABASE = "cqp_stack_test"
REDIS_DB = "1"
ACTION_TIMEOUT = 4  # seconds: the hung action server test waits this long, not Rasa's 5 minutes
_addresses = itertools.count(1)


def restore_and_route(stack: Stack) -> None:
    """Repairs the stack and, where a Rasa instance had to start again, waits until nginx may
    route to it: after a failed attempt nginx leaves it aside for fail_timeout, even once it
    is healthy, and a fault started in that window would find no instance at all."""
    if any(name.startswith("rasa-") for name in stack.restore()):
        time.sleep(RASA_FAIL_TIMEOUT_S + 1)


def start_stack(state_dir: Path, model: Path, database: str = DATABASE) -> Stack:
    settings = StackSettings(
        port=servers.free_port(), rasa_ports=[servers.free_port(), servers.free_port()],
        action_ports=[servers.free_port(), servers.free_port()], actions_proxy_port=servers.free_port(),
        demo_port=servers.free_port(), state_dir=state_dir, database=database, redis_db=REDIS_DB,
        postgres_host="127.0.0.1", postgres_port="5432", postgres_user="postgres", postgres_password="",
        redis_host="127.0.0.1", redis_port="6379", action_timeout=ACTION_TIMEOUT, debug_headers=True,
        catalog=servers.ENV["CQP_CATALOG"],
    )
    stack = Stack(settings)
    stack.model = model
    reset_database(stack)
    stack.up()
    return stack


def reset_database(stack: Stack) -> None:
    engine = sa.create_engine(stack.postgres_url("postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{stack.s.database}" WITH (FORCE)'))
    engine.dispose()


def new_address() -> str:
    """A client address of its own for each visitor (nginx trusts 127.0.0.1's X-Forwarded-For)."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class Visitor(Replies):
    """One visitor on the public REST channel, with the server-issued conversation id."""

    def __init__(self, stack: Stack, address: Optional[str] = None):
        self.url = f"{stack.s.public_url}/webhooks/rest/webhook"
        self.address = address or new_address()
        self.sender: Optional[str] = None
        self.replies: List[Dict[str, Any]] = []
        self.response: Optional[requests.Response] = None
        self.instances: List[str] = []

    def post(self, body: Any = None, raw: Optional[bytes] = None) -> requests.Response:
        headers = {"X-Forwarded-For": self.address, "Content-Type": "application/json"}
        response = requests.post(self.url, json=body if raw is None else None, data=raw, headers=headers, timeout=90)
        self.response = response
        if "X-Upstream" in response.headers:
            self.instances.append(response.headers["X-Upstream"])
        return response

    def say(self, message: Any, expect_ok: bool = True) -> List[Dict[str, Any]]:
        body = {"message": message} if self.sender is None else {"sender": self.sender, "message": message}
        response = self.post(body)
        if expect_ok:
            assert response.status_code == 200, (response.status_code, response.text[:300])
        self.replies = response.json() if response.status_code == 200 else []
        for reply in self.replies:
            assert reply["recipient_id"] == (self.sender or reply["recipient_id"]), "an answer of another conversation"
        if self.sender is None and self.replies:
            self.sender = self.replies[0]["recipient_id"]
        return self.replies

    @property
    def tracker_sender(self) -> str:
        """The id the tracker store and the dossiers know this conversation by."""
        assert self.sender
        return "w-" + self.sender.split(".")[0]


def retry(action: Callable[[], Any], attempts: int = 60, pause: float = 1.0) -> Any:
    """Runs `action` until it stops raising: the visitor who sends again after an error."""
    for attempt in range(attempts):
        try:
            return action()
        except (AssertionError, requests.RequestException):
            if attempt == attempts - 1:
                raise
            time.sleep(pause)


# --- the machine's services -----------------------------------------------------------------
# These are the commands that start the services on this kind of machine (see the machine's
# notes); CI runs on the same machine afterwards, so each restart ends with a check that the
# service answers again.

def postgres_cluster() -> List[str]:
    out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout.split()
    return out[:2]  # version, cluster name


def restart_postgres() -> None:
    version, name = postgres_cluster()
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "restart"], check=True,
                   capture_output=True)
    wait_for_postgres()


def wait_for_postgres(timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode != 0:
        if time.monotonic() > deadline:
            version, name = postgres_cluster()
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, name, "start"], capture_output=True)
            raise RuntimeError("PostgreSQL did not come back")
        time.sleep(0.5)


REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379", "--save", "",
               "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", "/var/log/redis/ci.log"]


def redis_up() -> bool:
    return subprocess.run(["redis-cli", "-p", "6379", "ping"], capture_output=True, text=True).stdout.strip() == "PONG"


def stop_redis() -> None:
    subprocess.run(["redis-cli", "-p", "6379", "shutdown", "nosave"], capture_output=True)
    deadline = time.monotonic() + 20
    while redis_up() and time.monotonic() < deadline:
        time.sleep(0.2)


def start_redis() -> None:
    if not redis_up():
        subprocess.run(REDIS_START, check=True, capture_output=True)
    deadline = time.monotonic() + 30
    while not redis_up():
        if time.monotonic() > deadline:
            raise RuntimeError("Redis did not come back")
        time.sleep(0.2)
