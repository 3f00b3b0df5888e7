"""Answers every knowledge question (ask_<topic>) from knowledge/, with its sources."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import knowledge

from . import catalog as fiches, render, ui
from .conversation import latest_intent

# Questions that, about a CQP the visitor names, its fiche answers best.
FICHE_TOPICS = {"rncp_rs", "blocs_competences", "referentiel", "choose_cqp", "cpf_eligibility", "vae_eligibility"}


def topic_of(intent: str) -> str:
    return intent[len("ask_"):] if intent.startswith("ask_") else intent


def say(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str, extra: Optional[List[render.Button]] = None
) -> List[Dict[Text, Any]]:
    """Today's answer on a topic, its source, and the next questions (plus the way back to the tour)."""
    reply = knowledge.answer(topic, on=knowledge.today())
    buttons = render.buttons(
        [
            *(extra or []),
            *(render.topic_button(link.topic) for link in reply.next),
            render.tour_button(tracker.get_slot("journey_step")),
        ]
    )
    dispatcher.utter_message(**render.message(render.answer_text(reply), buttons))
    return [SlotSet("pending_offer", None)]


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        topic = topic_of(latest_intent(tracker))
        if topic not in knowledge.topics():
            dispatcher.utter_message(text=ui.REPHRASE)
            return []
        fiche = fiches.named_fiche(tracker) if topic in FICHE_TOPICS else None
        if fiche is not None:
            dispatcher.utter_message(**fiches.fiche_message(fiche, tracker))
            return [SlotSet("fiche", fiche.number), SlotSet("pending_offer", None)]
        check = ui.CHECKS.get(ui.CHECK_FOR_TOPIC.get(topic, ""))
        extra = [render.intent_button(check[1], check[2])] if check else []
        return say(dispatcher, tracker, topic, extra=extra)

