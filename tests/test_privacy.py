"""Issue 15: what one visitor leaves behind. A new session starts empty (finding 2); a failing
action or a crafted command puts nothing of the conversation in the logs (finding 3); a
session is capped and each stored message trimmed (finding 6).

The end-to-end tests run their own Rasa server (a short message cap, set through its
environment) and an action server with a fault planted (tests/fault_actions.py); every
conversation carries a marker unique to this run, which their logs must never show.
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

import pytest
import requests

from bot.actions import ui
from bot.channels import messages
from bot.channels.inputs import check_text, is_known_command
from tests import servers
from tests.conftest import Conversation, RasaClient
from tests.fault_actions import FAULT
from tests.test_prequalification import EMAIL, PROJECT, prequalify

MARKER = f"Zorglub{uuid.uuid4().hex[:10]}"
# Messages per session on this module's Rasa server: under the channels' flood gate (20
# messages in 20 s), above the longest conversation here (a pre-qualification).
CAP = 12
INTENTS = ["inform", "faq", "affirm"]
QUESTION = "Mes droits CPF peuvent-ils expirer ?"  # answered by an FAQ entry


@dataclass
class Run:
    client: RasaClient
    tracker_db: Path

    def conversation(self) -> Conversation:
        return self.client.conversation()

    def stored(self, sender: str) -> List[Dict[str, Any]]:
        with sqlite3.connect(self.tracker_db) as db:
            rows = db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id", (sender,)).fetchall()
        return [json.loads(row[0]) for row in rows]

    def age(self, sender: str, minutes: float) -> None:
        """Moves the conversation `minutes` into the past, as if the visitor had left then."""
        with sqlite3.connect(self.tracker_db) as db:
            for row_id, raw in db.execute("SELECT id, data FROM events WHERE sender_id = ?", (sender,)).fetchall():
                data = json.loads(raw)
                data["timestamp"] -= minutes * 60
                db.execute("UPDATE events SET timestamp = ?, data = ? WHERE id = ?",
                           (data["timestamp"], json.dumps(data), row_id))


@pytest.fixture(scope="module")
def run(model, dossiers_url, tmp_path_factory):
    work = tmp_path_factory.mktemp("privacy")
    action_port = servers.free_port()
    token = {"CQP_ACTION_TOKEN": secrets.token_urlsafe(48)}  # what Rasa shows the action server
    actions = servers.Server(
        "action server with a planted fault",
        [sys.executable, "-m", "tests.fault_actions", "--port", str(action_port)],
        f"http://127.0.0.1:{action_port}/health", work / "actions.log",
        {"SANIC_HOST": "127.0.0.1", "CQP_DOSSIERS_URL": dossiers_url, **token},
    )
    try:
        actions.wait_ready()
        port, api_token = servers.free_port(), uuid.uuid4().hex
        endpoints = work / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
            "  headers:\n    Authorization: Bearer ${CQP_ACTION_TOKEN}\n"
            f'tracker_store:\n  type: bot.stores.erasable.ErasableSQLTrackerStore\n  dialect: "sqlite"\n'
            f'  db: "{work / "tracker.db"}"\n'
        )
        rasa = servers.Server(
            "rasa server",
            [servers.RASA, "run", "--model", str(model), "--endpoints", str(endpoints), "--credentials",
             str(servers.ROOT / "credentials.yml"), "--port", str(port), "--enable-api", "--auth-token", api_token],
            f"http://127.0.0.1:{port}/", work / "rasa.log",
            {**servers.WIDGET_ENV, **token, "CQP_MAX_MESSAGES_PER_SESSION": str(CAP)},
        )
        try:
            rasa.wait_ready()
            yield Run(RasaClient(f"http://127.0.0.1:{port}", api_token, logs=(rasa.log, actions.log)), work / "tracker.db")
        finally:
            rasa.stop()
    finally:
        actions.stop()


def leave_a_trace(chat: Conversation) -> None:
    """The marker in a message and in a slot."""
    chat.say(f"Je m'appelle {MARKER} et je cherche un CQP")
    chat.say(f'/inform{{"job": "{MARKER}"}}')
    assert chat.tracker()["slots"]["job"] == MARKER


# Finding 3: typed commands.

@pytest.mark.parametrize("command", [
    '/inform{"experience_duration": 5}',
    '/inform{"experience_duration": 2.5}',
    '/inform{"status": true}',
    '/inform{"status": null}',
    '/inform{"job": {"a": "b"}}',
    '/inform{"job": "' + "x" * 101 + '"}',
    '/inform{"' + "k" * 65 + '": "x"}',
])
def test_a_command_whose_entities_are_not_short_text_is_read_as_words(command):
    assert not is_known_command(command, INTENTS)
    assert check_text(command, INTENTS).text == command[1:]


@pytest.mark.parametrize("command", [
    '/inform{"experience_duration": "5 ans"}', '/faq{"faq_entry": "cpf_arnaque_demarchage"}',
    '/inform{"job": "' + "x" * 100 + '"}', "/affirm",
])
def test_the_buttons_commands_still_pass(command):
    assert is_known_command(command, INTENTS)


def test_a_number_typed_as_an_entity_neither_fails_nor_logs_the_conversation(run):
    chat = run.conversation()
    leave_a_trace(chat)
    chat.say('/inform{"experience_duration": 5}')
    assert chat.text and messages.SERVICE_DOWN not in chat.text and ui.ACTION_FAILED not in chat.text
    assert chat.tracker()["slots"]["experience_duration"] is None
    assert MARKER not in run.client.logged()


# Finding 3: an action that fails.

def test_a_failing_action_apologises_in_french_and_logs_nothing_of_the_conversation(run):
    chat = run.conversation()
    leave_a_trace(chat)
    chat.say(f"{QUESTION} {FAULT}")
    assert messages.SERVICE_DOWN not in chat.text and ui.ACTION_FAILED in chat.text
    chat.say(QUESTION)  # the conversation goes on
    assert chat.entry
    logged = run.client.logged()
    assert f"failed (RuntimeError at fault_actions.py:" in logged  # the failure itself is logged
    assert MARKER not in logged and FAULT not in logged


def test_every_action_has_the_last_resort(monkeypatch, caplog):
    """Each registered action, made to fail, answers the apology instead of raising (which
    rasa_sdk would turn into a 500 carrying the tracker), and the log names the action and
    the error's type only."""
    import asyncio

    from rasa_sdk.executor import ActionExecutor

    executor = ActionExecutor()
    executor.register_package("bot.actions")
    assert {"action_answer", "validate_prequalification_form", "action_ask_consent"} <= set(executor.actions)
    tracker = {"sender_id": "t", "slots": {"job": MARKER}, "latest_message": {"text": MARKER}, "events": []}

    def broken(dispatcher, tracker, domain):
        raise RuntimeError(f"{tracker.get_slot('job')} {tracker.latest_message}")

    for name in list(executor.actions):
        monkeypatch.setitem(executor.actions, name, broken)
        answer = asyncio.run(executor.run({"next_action": name, "tracker": tracker, "domain": {}}))
        assert answer["events"] == [] and [r["text"] for r in answer["responses"]] == [ui.ACTION_FAILED]
        assert f"Action {name} failed (RuntimeError at test_privacy.py:" in caplog.text
    assert MARKER not in caplog.text


# Finding 2: a new session starts empty.

@pytest.mark.parametrize("confirmed", [False, True], ids=["left-at-the-summary", "dossier-sent"])
def test_the_next_session_asks_consent_again_and_shows_nothing_of_the_previous_visitor(run, confirmed):
    chat = run.conversation()
    prequalify(chat, status="salarie", disability="Oui")
    assert EMAIL in chat.text and "Cap emploi" in chat.text
    if confirmed:
        chat.click(ui.CONFIRM)
    run.age(chat.sender, minutes=24 * 60)  # the next person, a day later, on the same computer
    chat.say("prendre rendez-vous")
    assert "Acceptez-vous" in chat.text
    for previous in (EMAIL, PROJECT, "Cap emploi", ui.SUMMARY):
        assert previous not in chat.text
    # Nothing carried over: not the consents, contact, project, situation, disability, nor
    # what the previous visitor said about their experience or their CQP.
    left = {name: value for name, value in chat.tracker()["slots"].items() if value is not None}
    assert left == {"requested_slot": "consent"}


# Finding 6: a session's length, and what each message stores.

def fill_a_session(run: Run) -> Conversation:
    chat = run.conversation()
    for _ in range(CAP):
        chat.say("bonjour")
    assert sum(event["event"] == "user" for event in run.stored(chat.sender)) == CAP
    return chat


def test_a_session_is_capped_then_only_erasure_goes_through(run):
    chat = fill_a_session(run)
    stored = len(run.stored(chat.sender))
    chat.say(QUESTION)
    assert not chat.entry and len(run.stored(chat.sender)) == stored  # neither read nor stored
    assert chat.text == messages.CONVERSATION_TOO_LONG and "Nouvelle conversation" in chat.text
    assert chat.payloads == ["/erase_data"]
    chat.click(messages.ERASE_BUTTON_TITLE)
    assert ui.NOTHING_TO_ERASE in chat.text or ui.ERASED in chat.text
    chat.say(QUESTION)
    assert chat.entry  # an erased conversation starts again from zero


def test_a_new_session_starts_the_count_again(run):
    chat = fill_a_session(run)
    chat.say(QUESTION)
    assert not chat.entry
    run.age(chat.sender, minutes=24 * 60)
    chat.say(QUESTION)
    assert chat.entry


def test_a_stored_message_keeps_only_the_top_of_its_rankings(run):
    chat = run.conversation()
    for text in ("Comment obtenir un CQP ?", "c'est quoi le truc", QUESTION):
        chat.say(text)
    users = [e for e in run.stored(chat.sender) if e["event"] == "user"]
    assert len(users) == 3
    for event in users:
        parse = event["parse_data"]
        assert parse["intent"]["name"] and 1 <= len(parse["intent_ranking"]) <= 3
        assert parse["intent_ranking"][0]["name"] == parse["intent"]["name"]
        assert len(parse["faq"]["ranking"]) <= 3 and parse["faq"]["decision"]
        assert "text_tokens" not in parse


def test_the_limit_setting_is_checked(monkeypatch):
    from bot import resilience

    monkeypatch.setenv(resilience.MAX_MESSAGES_VARIABLE, "beaucoup")
    with pytest.raises(ValueError, match=resilience.MAX_MESSAGES_VARIABLE):
        resilience.max_messages_per_session()
    monkeypatch.setenv(resilience.MAX_MESSAGES_VARIABLE, "0")
    with pytest.raises(ValueError, match="positif"):
        resilience.max_messages_per_session()
    monkeypatch.delenv(resilience.MAX_MESSAGES_VARIABLE)
    assert resilience.max_messages_per_session() == resilience.DEFAULT_MAX_MESSAGES


def test_all_logs_of_this_run_are_free_of_the_marker(run):
    """Last: whatever ran before in this module, the marker never reached a log."""
    assert requests.get(run.client.url, timeout=10).ok
    assert MARKER not in run.client.logged()
