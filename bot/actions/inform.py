"""The visitor tells their situation: say what was understood and what to ask next."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import knowledge

from . import render

SUGGESTED_TOPICS = ("vae_eligibility", "financing", "cpf_eligibility")


def understood(tracker: Tracker) -> List[str]:
    """The facts of the latest message, in the visitor's words or their French label."""
    facts = []
    for entity in tracker.latest_message.get("entities") or []:
        name, value = entity.get("entity"), str(entity.get("value") or "")
        if not value:
            continue
        if name == "status":
            facts.append(f"vous êtes {knowledge.status_label(value) or value}")
        elif name == "registration":
            facts.append(f"la certification est {knowledge.registration_label(value) or value}")
        elif name == "experience_duration":
            facts.append(f"expérience : {value}")
        elif name == "job":
            facts.append(f"métier : {value}")
        elif name == "branch":
            facts.append(f"branche : {value}")
        elif name == "certification":
            facts.append(f"certification visée : {value}")
    return list(dict.fromkeys(facts))


class ActionInform(Action):
    def name(self) -> Text:
        return "action_inform"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        facts = understood(tracker)
        text = (
            "C'est noté : " + " ; ".join(facts) + ". Que voulez-vous savoir ?"
            if facts
            else "Merci pour ces précisions. Que voulez-vous savoir ?"
        )
        buttons = render.buttons(
            [*(render.topic_button(t) for t in SUGGESTED_TOPICS), render.tour_button(tracker.get_slot("journey_step"))]
        )
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
