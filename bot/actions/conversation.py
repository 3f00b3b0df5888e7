"""Reading the conversation state the actions need."""
from __future__ import annotations

from rasa_sdk import Tracker


def latest_intent(tracker: Tracker) -> str:
    """The intent the NLU gave the latest message (nlu_fallback included, unlike rasa_sdk's helper)."""
    return ((tracker.latest_message or {}).get("intent") or {}).get("name") or ""
