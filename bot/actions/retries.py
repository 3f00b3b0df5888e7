"""After two failed answers to the same question: what is expected, with an example, and three
ways on (skip the question, answer again, talk to an advisor), so that no question loops forever.

Nothing is stored for this: the count is read from the tracker's events, since the form's
activation. A failed answer is a turn that left the requested slot empty (the form's
validation set it to None); any other turn on that question (an answer, « je réessaie », a
question answered on the way) ends the run of failures."""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional, Set, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import render, ui

REQUESTED = "requested_slot"
# The payloads of the three ways on name the question they answer (`field`), so that a click
# on an old message cannot skip another question.
SKIP, AGAIN, ADVISOR = "dont_know", "inform", "request_advisor"
OFFER_AFTER = 2


def _intent(event: Dict[str, Any]) -> str:
    return (((event.get("parse_data") or {}).get("intent")) or {}).get("name") or ""


def _field(event: Dict[str, Any]) -> Optional[str]:
    entities = (event.get("parse_data") or {}).get("entities") or []
    return next((e.get("value") for e in entities if e.get("entity") == "field"), None)


def _since_activation(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    for index in range(len(events) - 1, -1, -1):
        if events[index].get("event") == "active_loop" and events[index].get("name"):
            return events[index:]
    return events


def _is_skip(user: Dict[str, Any], slot: Optional[str], failed: int) -> bool:
    return (slot in ui.RETRY_EXPECTED and _intent(user) == SKIP
            and (_field(user) == slot or failed >= OFFER_AFTER))


def _is_way_on(user: Dict[str, Any], slot: Optional[str]) -> bool:
    return _intent(user) in (AGAIN, ADVISOR) and _field(user) == slot


def _history(tracker: Tracker) -> Tuple[Dict[str, int], Set[str]]:
    """Per question, the failed answers in a row so far; and the questions skipped."""
    requested: Optional[str] = None
    turns: List[List[Any]] = []  # [user event, question it answers, emptied it, filled it]
    for event in _since_activation(list(tracker.events)):
        kind = event.get("event")
        if kind == "user":
            turns.append([event, requested, False, False])
        elif kind == "slot":
            if turns and event.get("name") == turns[-1][1]:
                turns[-1][2 if event.get("value") is None else 3] = True
            if event.get("name") == REQUESTED:
                requested = event.get("value")
    failed: Dict[str, int] = {}
    skipped: Set[str] = set()
    for index, (user, slot, emptied, filled) in enumerate(turns):
        if slot is None:
            continue
        if _is_skip(user, slot, failed.get(slot, 0)):
            skipped.add(slot)
            failed[slot] = 0
        elif _is_way_on(user, slot):
            failed[slot] = 0
        elif emptied and not filled:
            failed[slot] = failed.get(slot, 0) + 1
        elif filled or index < len(turns) - 1:
            failed[slot] = 0
        # else: the current message, not validated yet, counts for nothing so far.
    return failed, skipped


def failures(tracker: Tracker, slot: str) -> int:
    """The failed answers in a row to this question, the current turn's included once validated."""
    return _history(tracker)[0].get(slot, 0)


def skipped(tracker: Tracker) -> Set[str]:
    """The questions the visitor chose to pass in this form (the current message included)."""
    return _history(tracker)[1]


def without_skipped(tracker: Tracker, slots: Iterable[str]) -> List[str]:
    passed = skipped(tracker)
    return [slot for slot in slots if slot not in passed]


def just_answered(tracker: Tracker) -> bool:
    """Is the form reading the visitor's latest message, not coming back from an unhappy path
    (a rule's action that already answered it)?"""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return True
        if event.get("event") == "action" and event.get("name") not in ("action_listen", (tracker.active_loop or {}).get("name")):
            return False
    return False


def control(tracker: Tracker, slots: Iterable[str]) -> Optional[str]:
    """Which way on the latest message takes, for the question asked: SKIP, AGAIN or ADVISOR.
    Only right after the visitor's message: back from an unhappy path, it was handled."""
    if not just_answered(tracker):
        return None
    slot = tracker.get_slot(REQUESTED)
    if slot not in ui.RETRY_EXPECTED or slot not in slots:
        return None
    message = {"parse_data": tracker.latest_message}
    intent, field = _intent(message), _field(message)
    if intent == AGAIN and field == slot:
        return AGAIN
    if slot in skipped(tracker):
        return SKIP
    if intent == ADVISOR and (field == slot or failures(tracker, slot) >= OFFER_AFTER):
        return ADVISOR
    return None


def buttons(slot: str) -> List[render.Button]:
    field = {"field": slot}
    return [render.intent_button(ui.RETRY_SKIP, SKIP, field), render.intent_button(ui.RETRY_AGAIN, AGAIN, field),
            render.intent_button(ui.RETRY_ADVISOR, ADVISOR, field)]


def offered(dispatcher: CollectingDispatcher, tracker: Tracker, slot: str, question: str) -> bool:
    """Asks the question with what is expected and the three ways on, after two failed answers.
    False when the question is to be asked as usual."""
    if slot not in ui.RETRY_EXPECTED or failures(tracker, slot) < OFFER_AFTER:
        return False
    text = f"{ui.RETRY_INTRO} {ui.RETRY_EXPECTED[slot]}\n\n{question}"
    dispatcher.utter_message(text=text, buttons=buttons(slot))
    return True


def handled(slot: str) -> List[Dict[str, Any]]:
    """The events of a turn that took a way on: Rasa rejects a form's turn that sets no slot,
    and the question's slot stays empty."""
    return [SlotSet(slot, None), SlotSet(REQUESTED, slot)]


def say_skipped(dispatcher: CollectingDispatcher, slot: str) -> List[Dict[str, Any]]:
    dispatcher.utter_message(text=ui.RETRY_SKIPPED)
    return [SlotSet(slot, None)]
