"""The visitor tells their situation (or corrects it): note it, then decide or offer the checks."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import knowledge
from knowledge.reading import DurationReading

from . import answer, decisions, render, ui
from .catalog import named_fiche

PROFILE_ENTITIES = ("status", "registration", "experience_duration", "job", "branch", "certification", "route")


def understood(tracker: Tracker, duration: Optional[DurationReading] = None) -> List[str]:
    """The facts of the latest message: their French label, the duration as read (in figures,
    so that a misreading shows), else the visitor's words."""
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
            facts.append(f"expérience : {duration.said() if duration is not None and duration.months is not None else value}")
        elif name == "job":
            facts.append(f"métier : {value}")
        elif name == "branch":
            facts.append(f"branche : {value}")
        elif name == "certification":
            fiche = named_fiche(tracker)
            facts.append(f"certification visée : {fiche.number} « {fiche.title} »" if fiche else f"certification visée : {value}")
    return list(dict.fromkeys(facts))


def tells_facts(tracker: Tracker) -> bool:
    return any(e.get("entity") in PROFILE_ENTITIES for e in tracker.latest_message.get("entities") or [])


def note(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Notes the facts; after a check, gives its decision again with them, else offers the checks."""
    events: List[Dict[Text, Any]] = []
    fiche = named_fiche(tracker)
    if fiche is not None:
        # « mon CQP c'est le CQP tourier »: its fiche answers the registration from now on.
        events.append(SlotSet("fiche", fiche.number))
        tracker.slots["fiche"] = fiche.number
    duration = decisions.months_from(tracker, whole_text=False)
    if duration is not None and decisions.decidable(duration):
        events.append(SlotSet("experience_months", float(duration.months)))
        tracker.slots["experience_months"] = float(duration.months)
    question = decisions.last_question(tracker)
    if question and tells_facts(tracker):
        return events + decisions.say_decision(dispatcher, tracker, question, intro=ui.CORRECTED)
    facts = understood(tracker, duration)
    text = ("C'est noté : " + " ; ".join(facts) + ". Que voulez-vous vérifier ?") if facts else \
        "Merci pour ces précisions. Que voulez-vous vérifier ?"
    buttons = render.buttons(
        [render.intent_button(label, intent) for _, label, intent in ui.CHECKS.values()]
        + [render.tour_button(tracker.get_slot("journey_step"))]
    )
    dispatcher.utter_message(text=text, buttons=buttons)
    return events


class ActionInform(Action):
    def name(self) -> Text:
        return "action_inform"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # « et si je suis au chômage ? » right after an answer asks that answer's question
        # for this situation: the FAQ entry it leads to answers it.
        follow = answer.follow_up_entry(tracker)
        if follow is not None:
            return answer.say_entry(dispatcher, tracker, follow)
        return note(dispatcher, tracker)
