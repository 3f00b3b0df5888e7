"""Answers the visitor's questions from knowledge/: one FAQ entry's short answer, the choice
between two close entries, or what the assistant covers; and a topic's longer text when asked
(« En savoir plus »). One rule runs it for every entry: adding an entry adds no rule."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import knowledge
from knowledge import faq

from . import catalog as fiches, render, ui

# Questions that, about a CQP the visitor names, its fiche answers best.
FICHE_TOPICS = {"rncp_rs", "blocs_competences", "referentiel", "choose_cqp", "cpf_eligibility", "vae_eligibility"}
# Decisions of bot/nlu/faq_selector.py.
ANSWER, CLARIFY = "answer", "clarify"
# A follow-up is short, or opens with « et … » (« et si c'est le soir ? »).
FOLLOW_UP_MAX_WORDS = 8


def entity(tracker: Tracker, name: str) -> Optional[str]:
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value else None


def say(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str, extra: Optional[List[render.Button]] = None
) -> List[Dict[Text, Any]]:
    """Today's longer text on a topic, its source, and the next questions (plus the way back to the tour)."""
    reply = knowledge.answer(topic, on=knowledge.today())
    buttons = render.buttons(
        [
            *(extra or []),
            render.advisor_if_stale(reply.last_checked),
            *(render.topic_button(link.topic) for link in reply.next),
            *render.glossary_buttons(reply.text, topic, [link.topic for link in reply.next]),
            render.tour_button(tracker.get_slot("journey_step")),
        ]
    )
    dispatcher.utter_message(**render.message(render.answer_text(reply), buttons))
    return [SlotSet("pending_offer", None)]


def check_button(topic: str) -> List[render.Button]:
    check = ui.CHECKS.get(ui.CHECK_FOR_TOPIC.get(topic, ""))
    return [render.intent_button(check[1], check[2])] if check else []


def say_entry(dispatcher: CollectingDispatcher, tracker: Tracker, entry_id: str) -> List[Dict[Text, Any]]:
    """The entry's short answer first; the topic's longer text, every source and the dates
    one tap away (the message's details); the entries it leads to as buttons."""
    item = faq.entry(entry_id)
    fiche = fiches.named_fiche(tracker) if item.topic in FICHE_TOPICS else None
    if fiche is not None:
        dispatcher.utter_message(**fiches.fiche_message(fiche, tracker))
        return [SlotSet("fiche", fiche.number), SlotSet("pending_offer", None), SlotSet("last_faq", entry_id)]
    reply = faq.answer(entry_id, on=knowledge.today())
    more = knowledge.answer(item.topic, on=knowledge.today())
    buttons = render.buttons(
        [
            render.advisor_if_stale(reply.last_checked),
            *(render.entry_button(link.entry) for link in reply.next),
            *render.glossary_buttons(reply.text, entry_id, [link.entry for link in reply.next]),
            *check_button(item.topic),
            render.tour_button(tracker.get_slot("journey_step")),
        ]
    )
    dispatcher.utter_message(text=render.entry_text(reply), buttons=buttons,
                             json_message={"details": render.details(reply, more)})
    return [SlotSet("pending_offer", None), SlotSet("last_faq", entry_id)]


def just_answered(tracker: Tracker) -> bool:
    """Whether the bot's last turn was an FAQ answer: then « et après ? » or « en savoir plus »
    continues that answer, whatever intent the classifier gave them (« et après ? » also
    means the tour's next step)."""
    events = list(tracker.events)
    users = [i for i, event in enumerate(events) if event.get("event") == "user"]
    if not users:
        return False
    for event in reversed(events[:users[-1]]):  # the turn before the visitor's latest message
        if event.get("event") == "action" and event.get("name") not in ("action_listen", None):
            return event.get("name") == "action_answer"
        if event.get("event") == "user":
            return False
    return False


def continue_answer(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[List[Dict[Text, Any]]]:
    """Right after an FAQ answer, a follow-up or « en savoir plus » is answered in its context."""
    if not just_answered(tracker):
        return None
    topic = wants_more(tracker)
    if topic in knowledge.topics():
        return say(dispatcher, tracker, topic, extra=check_button(topic))
    follow = follow_up_entry(tracker)
    return say_entry(dispatcher, tracker, follow) if follow in faq.entries() else None


def follow_up_entry(tracker: Tracker) -> Optional[str]:
    """The entry a short follow-up asks for, in the context of the last answer."""
    text = tracker.latest_message.get("text") or ""
    short = len(faq.words(text)) <= FOLLOW_UP_MAX_WORDS or faq.words(text)[:1] == ("et",)
    return faq.follow_up(tracker.get_slot("last_faq"), text) if short and not text.startswith("/") else None


def wants_more(tracker: Tracker) -> Optional[str]:
    """« en savoir plus » right after an answer: the topic of that answer."""
    last = tracker.get_slot("last_faq")
    if last in faq.entries() and faq.asks_for_more(tracker.latest_message.get("text") or ""):
        return faq.entry(last).topic
    return None


def ranked(tracker: Tracker) -> Dict[str, Any]:
    return tracker.latest_message.get("faq") or {}


def clarify(dispatcher: CollectingDispatcher, ranking: List[Dict[str, Any]]) -> List[Dict[Text, Any]]:
    """Two close entries: ask which one, rather than answer the wrong one with confidence."""
    buttons = [render.entry_button(item["entry"]) for item in ranking[:2] if item["entry"] in faq.entries()]
    dispatcher.utter_message(text=ui.WHICH_QUESTION, buttons=buttons)
    return [SlotSet("pending_offer", None)]


def not_covered(dispatcher: CollectingDispatcher) -> List[Dict[Text, Any]]:
    """Nothing fits: say what the assistant covers, and offer the CEP advisor."""
    buttons = [render.topic_button("advisor"), *(render.entry_button(t) for t in ui.MENU_TOPICS)]
    dispatcher.utter_message(text=ui.NOT_COVERED, buttons=render.buttons(buttons))
    return [SlotSet("pending_offer", ui.OFFER_ADVISOR)]


def answer_question(dispatcher: CollectingDispatcher, tracker: Tracker, sure_only: bool = False,
                    may_clarify: bool = True) -> Optional[List[Dict[Text, Any]]]:
    """Answers from the message's FAQ ranking, a follow-up or a button. With `sure_only`
    (another intent won), only when an entry is clear or, with `may_clarify`, when a choice
    between two is worth asking; else None."""
    topic = entity(tracker, "faq_topic") or wants_more(tracker)
    if topic in knowledge.topics():
        return say(dispatcher, tracker, topic, extra=check_button(topic))
    chosen = entity(tracker, "faq_entry") or follow_up_entry(tracker)
    if chosen in faq.entries():
        return say_entry(dispatcher, tracker, chosen)
    result = ranked(tracker)
    ranking = [item for item in result.get("ranking") or [] if item.get("entry") in faq.entries()]
    if result.get("decision") == ANSWER and ranking:
        return say_entry(dispatcher, tracker, ranking[0]["entry"])
    if result.get("decision") == CLARIFY and len(ranking) > 1 and (may_clarify or not sure_only):
        return clarify(dispatcher, ranking)
    return None if sure_only else not_covered(dispatcher)


class ActionAnswer(Action):
    def name(self) -> Text:
        return "action_answer"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return answer_question(dispatcher, tracker) or []
