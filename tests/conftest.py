"""Shared fixtures: a trained model and the real servers, started once per test session."""
from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

from tests import servers
from tests.chat import Replies


@pytest.fixture(scope="session")
def model() -> Path:
    return servers.train_model()


@pytest.fixture(scope="session")
def dossiers_url(tmp_path_factory) -> str:
    """The action server's dossiers database: SQLite in a temporary folder, not var/."""
    return f"sqlite:///{tmp_path_factory.mktemp('dossiers') / 'dossiers.sqlite'}"


@pytest.fixture(scope="session")
def action_server(tmp_path_factory, dossiers_url):
    server, port = servers.start_action_server(tmp_path_factory.mktemp("actions"), env={"CQP_DOSSIERS_URL": dossiers_url})
    yield port, server.log
    server.stop()


@pytest.fixture(scope="session")
def rasa(model, action_server, tmp_path_factory):
    port, action_log = action_server
    server, url, token = servers.start_rasa_server(model, port, tmp_path_factory.mktemp("rasa"))
    yield RasaClient(url, token, logs=(server.log, action_log))
    server.stop()


@pytest.fixture(scope="session")
def stack(model, tmp_path_factory):
    """The two-instance stack behind nginx (scripts/stack.py), on PostgreSQL and Redis."""
    from tests.stack import start_stack

    running = start_stack(tmp_path_factory.mktemp("stack"), model)
    yield running
    assert running.down() == [], "processes of the stack left behind"


class RasaClient:
    def __init__(self, url: str, token: str, logs: tuple = ()):
        self.url, self.token, self.logs = url, token, logs

    def logged(self) -> str:
        return "\n".join(path.read_text(errors="replace") for path in self.logs)

    def parse(self, text: str) -> Dict[str, Any]:
        response = requests.post(f"{self.url}/model/parse", params={"token": self.token}, json={"text": text}, timeout=30)
        response.raise_for_status()
        return response.json()

    def conversation(self) -> "Conversation":
        return Conversation(self, f"test-{uuid.uuid4().hex}")


class Conversation(Replies):
    """One visitor talking through the REST channel."""

    def __init__(self, client: RasaClient, sender: str):
        self.client, self.sender = client, sender
        self.replies: List[Dict[str, Any]] = []

    def say(self, message: str) -> List[Dict[str, Any]]:
        response = requests.post(
            f"{self.client.url}/webhooks/rest/webhook", json={"sender": self.sender, "message": message}, timeout=60
        )
        response.raise_for_status()
        self.replies = response.json()
        return self.replies

    def tracker(self) -> Dict[str, Any]:
        response = requests.get(
            f"{self.client.url}/conversations/{self.sender}/tracker", params={"token": self.client.token}, timeout=30
        )
        response.raise_for_status()
        return response.json()
