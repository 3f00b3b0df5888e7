"""When the bot does not understand: rephrase with the two likeliest topics, then an advisor."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from knowledge import faq

from . import answer, catalog, render, ui

FALLBACK_ACTION = "action_fallback"
# Intents that name no topic to suggest.
NOT_SUGGESTED = {
    "nlu_fallback", "unclear", "dont_know", "cancel", "out_of_scope", "other_language", "greet", "goodbye", "affirm", "deny",
    "thank", "bot_challenge", "inform", "ask_help", "next_step", "previous_step",
    "journey_status", "go_to_step",
}
MISUNDERSTANDINGS_BEFORE_ADVISOR = 2


def suggestion(intent: str) -> Optional[render.Button]:
    if intent in NOT_SUGGESTED:
        return None
    if intent == "start_journey":
        return render.intent_button(ui.START_TOUR, intent)
    if intent == "request_advisor":
        return render.topic_button("advisor")
    for _, label, check_intent in ui.CHECKS.values():
        if intent == check_intent:
            return render.intent_button(label, intent)
    return None


def faq_suggestions(tracker: Tracker) -> List[render.Button]:
    """The likeliest FAQ entries of the message, as questions to click."""
    ranking = (tracker.latest_message.get("faq") or {}).get("ranking") or []
    return [render.entry_button(item["entry"]) for item in ranking if item.get("entry") in faq.entries()]


def misunderstandings_in_a_row(tracker: Tracker) -> int:
    """How many user turns in a row, this one included, the bot has not understood."""
    turns: List[set] = []  # the actions run after each user message
    for event in tracker.events:
        if event.get("event") == "user":
            turns.append(set())
        elif event.get("event") == "action" and turns:
            turns[-1].add(event.get("name"))
    count = 1
    for actions in reversed(turns[:-1]):
        if FALLBACK_ACTION not in actions:
            break
        count += 1
    return count


class ActionFallback(Action):
    def name(self) -> Text:
        return FALLBACK_ACTION

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        events = self._answer(dispatcher, tracker)
        # Also Rasa's core fallback (no rule fits, e.g. a form that could not use the
        # message): without an explicit listen, the same state predicts the fallback again,
        # ten times, then nothing.
        if not any(event.get("event") == "followup" for event in events):
            events.append(FollowupAction("action_listen"))
        return events

    def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
        if catalog.looks_like_a_lookup(tracker):
            # « le CQP pizzaiolo » puzzles the classifier, not the catalog.
            return catalog.lookup(dispatcher, tracker)
        # A follow-up of the last answer, or a question the FAQ ranking is sure of, even
        # when the intent classifier was not.
        answered = answer.answer_question(dispatcher, tracker, sure_only=True, may_clarify=False)
        if answered is not None:
            return answered
        if misunderstandings_in_a_row(tracker) >= MISUNDERSTANDINGS_BEFORE_ADVISOR:
            dispatcher.utter_message(
                text=ui.REPHRASE_AGAIN,
                buttons=[render.topic_button("advisor"), render.intent_button(ui.NO, "deny")],
            )
            return [SlotSet("pending_offer", ui.OFFER_ADVISOR)]
        ranking = tracker.latest_message.get("intent_ranking") or []
        candidates = render.buttons([*faq_suggestions(tracker), *(suggestion(item.get("name", "")) for item in ranking)])
        if len(candidates) < 2:
            candidates = render.buttons([*candidates, *(render.entry_button(t) for t in ui.MENU_TOPICS)])
        dispatcher.utter_message(text=ui.REPHRASE, buttons=candidates[:2])
        return [SlotSet("pending_offer", None)]
