"""Greeting, help, off-topic, and the answers to a plain « oui » or « non »."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import inform, journey, prequalification, render, ui
from .answer import answer_question, continue_answer, say
from .conversation import latest_intent

INTRO = {"greet": ui.GREETING, "out_of_scope": ui.OUT_OF_SCOPE}


def menu_buttons(tracker: Tracker) -> List[render.Button]:
    return render.buttons(
        [
            render.tour_button(tracker.get_slot("journey_step"))
            or render.intent_button(ui.START_TOUR, "start_journey"),
            *(render.topic_button(topic) for topic in ui.MENU_TOPICS),
        ]
    )


class ActionMenu(Action):
    def name(self) -> Text:
        return "action_menu"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        followed = continue_answer(dispatcher, tracker)  # « en savoir plus » right after an answer
        if followed is not None:
            return followed
        if intent == "out_of_scope":
            # A question on the assistant's topics that the intent classifier took for
            # off-topic: the FAQ ranking, when sure, answers it.
            answered = answer_question(dispatcher, tracker, sure_only=True, may_clarify=False)
            if answered is not None:
                return answered
        if intent not in INTRO:
            return say(dispatcher, tracker, "capabilities", extra=[render.intent_button(ui.START_TOUR, "start_journey")])
        dispatcher.utter_message(text=INTRO[intent], buttons=menu_buttons(tracker))
        return [SlotSet("pending_offer", None)]


class ActionAffirm(Action):
    """« Oui » accepts the bot's last offer: the next step of the tour, or an advisor."""

    def name(self) -> Text:
        return "action_affirm"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        offer = tracker.get_slot("pending_offer")
        if offer == ui.OFFER_NEXT_STEP:
            return journey.move(dispatcher, tracker, "next_step")
        if offer == ui.OFFER_ADVISOR:
            return [SlotSet("pending_offer", None), FollowupAction("prequalification_form")]
        if offer == ui.OFFER_DOSSIER:
            return prequalification.save(dispatcher, tracker)
        dispatcher.utter_message(text=ui.AFFIRMED, buttons=menu_buttons(tracker))
        return []


class ActionDeny(Action):
    def name(self) -> Text:
        return "action_deny"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if inform.tells_facts(tracker):  # « non, en fait 3 ans »: a correction, not a refusal
            return inform.note(dispatcher, tracker)
        dispatcher.utter_message(text=ui.DENIED, buttons=menu_buttons(tracker))
        return [SlotSet("pending_offer", None)]
