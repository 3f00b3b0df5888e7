"""Conversations are kept in the SQLite tracker store: a restarted server resumes them."""
from __future__ import annotations

from tests import servers
from tests.conftest import RasaClient


def test_a_restart_does_not_lose_the_conversation(model, action_server, tmp_path):
    port, _ = action_server
    first, url, token = servers.start_rasa_server(model, port, tmp_path)
    try:
        chat = RasaClient(url, token).conversation()
        chat.say("je veux obtenir un CQP")
        chat.say("étape suivante")
        assert "Étape 2/4" in chat.text
    finally:
        first.stop()
    assert (tmp_path / "tracker.db").stat().st_size > 0

    second, url, token = servers.start_rasa_server(model, port, tmp_path)
    try:
        chat.client = RasaClient(url, token)
        chat.say("on en est où ?")
        assert "Étape 2/4" in chat.text
    finally:
        second.stop()
