"""The four-step tour: start, next, previous, where are we, jump to a step."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import knowledge

from . import answer, render, ui
from .conversation import latest_intent


def current_step(tracker: Tracker) -> int:
    value = tracker.get_slot("journey_step")
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def show_step(dispatcher: CollectingDispatcher, number: int, intro: Optional[str] = None) -> List[Dict[Text, Any]]:
    """Says one step of the tour, with its questions and the moves that make sense from it."""
    steps = knowledge.steps()
    step = steps[number - 1]
    reply = knowledge.answer(step.topic, on=knowledge.today())
    heading = f"Étape {step.number}/{len(steps)} : {step.title}"
    if intro:
        heading = f"{intro}\n\n{heading}"
    buttons = render.buttons(
        [
            render.intent_button(ui.NEXT_STEP, "next_step") if number < len(steps) else None,
            *(render.topic_button(topic) for topic in step.questions),
            render.intent_button(ui.PREVIOUS_STEP, "previous_step") if number > 1 else None,
        ]
    )
    dispatcher.utter_message(**render.message(render.answer_text(reply, heading), buttons))
    offer = ui.OFFER_NEXT_STEP if number < len(steps) else ui.OFFER_ADVISOR
    return [SlotSet("journey_step", float(number)), SlotSet("pending_offer", offer)]


def move(dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> List[Dict[Text, Any]]:
    last = len(knowledge.steps())
    here = current_step(tracker)
    if intent == "start_journey":
        return show_step(dispatcher, 1, "Je vous guide en 4 étapes. Vous pouvez poser une question à tout moment, puis reprendre le parcours.")
    if intent in ("next_step", "affirm"):
        if here >= last:
            return show_step(dispatcher, last, "C'était la dernière étape du parcours.")
        return show_step(dispatcher, here + 1)
    if intent == "previous_step":
        if here <= 1:
            return show_step(dispatcher, 1, "Vous êtes à la première étape.")
        return show_step(dispatcher, here - 1)
    if intent == "go_to_step":
        return _go_to(dispatcher, tracker)
    # journey_status: where are we, or resume after a question.
    if here == 0:
        dispatcher.utter_message(
            text="Nous n'avons pas encore commencé le parcours en 4 étapes.",
            buttons=[render.intent_button(ui.START_TOUR, "start_journey")],
        )
        return []
    return show_step(dispatcher, here, f"Vous en êtes à l'étape {here} sur {last}.")


def _go_to(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    named = next(tracker.get_latest_entity_values("step"), None)
    text = tracker.latest_message.get("text") or ""
    step = knowledge.find_step(named) if named else None
    step = step or knowledge.find_step(text)
    if step is None:
        dispatcher.utter_message(
            text="À quelle étape voulez-vous aller ?",
            buttons=[
                render.intent_button(f"{s.number}. {s.title}", "go_to_step", {"step": str(s.number)})
                for s in knowledge.steps()
            ],
        )
        return []
    return show_step(dispatcher, step.number)


class ActionJourney(Action):
    def name(self) -> Text:
        return "action_journey"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # « et après ? » right after an FAQ answer asks what follows that answer, not the tour's next step.
        followed = answer.continue_answer(dispatcher, tracker) if latest_intent(tracker) == "next_step" else None
        if followed is not None:
            return followed
        return move(dispatcher, tracker, latest_intent(tracker) or "journey_status")
