"""Refers the visitor to a CEP advisor (the pre-qualification builds on this)."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .answer import say


def refer(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    return say(dispatcher, tracker, "advisor")


class ActionAdvisor(Action):
    def name(self) -> Text:
        return "action_advisor"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return refer(dispatcher, tracker)
