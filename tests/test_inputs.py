"""The checks every channel applies before the NLU (bot/channels/inputs.py)."""
from __future__ import annotations

import pytest

from bot.channels import messages
from bot.channels.inputs import FloodGate, check_text

INTENTS = ["restart", "inform", "affirm"]


@pytest.mark.parametrize("raw, expected", [
    ("  Bonjour  ", "Bonjour"),
    ("c'est quoi\x00 un\x1b[31m CQP\u202e ?\x07", "c'est quoi un CQP ?"),
    ("\x1b]0;titre\x07Bonjour", "Bonjour"),
    ("ligne 1\r\nligne 2\tfin", "ligne 1 ligne 2 fin"),
    ("e\u0301te\u0301", "été"),  # composed, as the NLU was trained
    ("/restart", "/restart"),
    ('/inform{"status": "salarie"}', '/inform{"status": "salarie"}'),
    ("/nimportequoi", "nimportequoi"),
    ("/inform{pas du json}", "inform{pas du json}"),
    ('/inform{"status": ["a"]}', 'inform{"status": ["a"]}'),
    ("\ud800abc", "?abc"),
])
def test_text_is_cleaned_and_unknown_commands_become_words(raw, expected):
    assert check_text(raw, INTENTS).text == expected


@pytest.mark.parametrize("raw, refusal", [
    ("", messages.EMPTY), ("   ", messages.EMPTY), ("\u200b", messages.EMPTY), ("//", messages.EMPTY),
    (None, messages.EMPTY), (42, messages.EMPTY), (["a"], messages.EMPTY),
    ("x" * (messages.MAX_MESSAGE_CHARS + 1), messages.TOO_LONG),
])
def test_empty_wrong_and_oversized_messages_are_refused(raw, refusal):
    checked = check_text(raw, INTENTS)
    assert checked.text is None and checked.refusal == refusal


def test_the_flood_gate_counts_per_conversation_and_forgets_old_messages():
    gate = FloodGate(limit=3, seconds=10, conversations=2)
    assert all(gate.allow("a", now=t) for t in (0, 1, 2))
    assert not gate.allow("a", now=3) and gate.allow("b", now=3)
    assert gate.allow("a", now=10.5)  # the first one is more than 10 s old
    gate.allow("c", now=11)  # a third conversation: the oldest one is forgotten
    assert len(gate._seen) == 2
