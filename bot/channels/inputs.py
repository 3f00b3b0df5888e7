"""Checks every channel applies to a visitor's message before the NLU sees it.

- Text only, trimmed, without control characters (they can hide text in logs and exports);
  empty and over-long messages are answered, not processed.
- A message typed as a command (`/intent{...}`, which Rasa reads as an intent and entities)
  is let through only when it names an intent of the domain with short text entity values,
  as the buttons send; anything else is read as ordinary words. Either way it changes only the
  visitor's own conversation, and the forms still validate every value.
- Flood control per conversation, inside the instance that holds it (nginx routes a
  conversation to one instance and limits requests per client address in front).
"""
from __future__ import annotations

import json
import re
import time
import unicodedata
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import Any, Collection, Deque, Optional

from . import messages

# C0 and C1 controls, DEL, and the invisible formatting marks that can reverse or hide text
# (bidi overrides and isolates); line feeds and tabs become spaces.
_CONTROLS = re.compile("[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
# Terminal escape sequences (colours, cursor moves) go whole, not only their ESC.
_ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_COMMAND = re.compile(r"^/(?P<intent>[A-Za-z_][A-Za-z0-9_]{0,63})(?P<entities>\{.{0,500}\})?$", re.S)


@dataclass(frozen=True)
class Checked:
    text: Optional[str] = None     # what to hand to Rasa
    refusal: Optional[str] = None  # what to answer instead


def check_text(raw: Any, intents: Collection[str] = ()) -> Checked:
    if not isinstance(raw, str):
        return Checked(refusal=messages.EMPTY)
    text = _CONTROLS.sub(" ", _ANSI.sub("", raw))
    # Lone surrogates (from a client's broken UTF-16) cannot be stored or sent back as UTF-8.
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    # Every run of Unicode spaces (no-break, thin, ideographic, line separators…) becomes one
    # plain space, as the NLU was trained: long runs of them made patterns backtrack (issue 15).
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if not text:
        return Checked(refusal=messages.EMPTY)
    if len(text) > messages.MAX_MESSAGE_CHARS:
        return Checked(refusal=messages.TOO_LONG)
    if text.startswith("/") and not is_known_command(text, intents):
        text = text.lstrip("/ ") or text.replace("/", " ").strip()
        if not text:
            return Checked(refusal=messages.EMPTY)
    return Checked(text=text)


def domain_intents(app: Any) -> Collection[str]:
    """The intents of the loaded model's domain (none while the model loads: then every
    typed command is read as words)."""
    agent = getattr(getattr(app, "ctx", None), "agent", None)
    domain = getattr(agent, "domain", None)
    return domain.intents if domain else ()


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in text)


# Entity values of a typed command: buttons send identifiers (an FAQ entry, a fiche number, a
# status), all far shorter.
MAX_ENTITY_NAME_CHARS = 64
MAX_ENTITY_VALUE_CHARS = 100


def is_known_command(text: str, intents: Collection[str]) -> bool:
    match = _COMMAND.match(text)
    if not match or match.group("intent") not in intents:
        return False
    raw = match.group("entities")
    if raw is None:
        return True
    try:
        entities = json.loads(raw)
    except ValueError:
        return False
    return isinstance(entities, dict) and all(_is_button_entity(k, v) for k, v in entities.items())


def _is_button_entity(name: Any, value: Any) -> bool:
    """What a button sends: short text. A number or a boolean would reach actions (and
    slots) that read text, and fail there (`fold(5)`), which once put the tracker in the log."""
    return (isinstance(name, str) and 0 < len(name) <= MAX_ENTITY_NAME_CHARS
            and isinstance(value, str) and len(value) <= MAX_ENTITY_VALUE_CHARS)


class FloodGate:
    """At most `limit` messages per `seconds` for each conversation; old ones forgotten."""

    def __init__(self, limit: int = 20, seconds: float = 20.0, conversations: int = 100_000):
        self.limit, self.seconds, self.conversations = limit, seconds, conversations
        self._seen: "OrderedDict[str, Deque[float]]" = OrderedDict()

    def allow(self, conversation: str, now: Optional[float] = None) -> bool:
        now = time.monotonic() if now is None else now
        times = self._seen.pop(conversation, None) or deque()
        while times and now - times[0] > self.seconds:
            times.popleft()
        allowed = len(times) < self.limit
        if allowed:
            times.append(now)
        self._seen[conversation] = times
        while len(self._seen) > self.conversations:  # bounded memory under a flood of ids
            self._seen.popitem(last=False)
        return allowed
