"""Turns knowledge answers into short French chat messages with buttons."""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

import knowledge
from knowledge import faq, freshness, glossary
from knowledge.french import date_in_words

from . import ui

Button = Dict[str, str]


def intent_button(title: str, intent: str, entities: Optional[Dict[str, str]] = None) -> Button:
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, ensure_ascii=False)
    return {"title": title, "payload": payload}


# Questions answered from knowledge/ (bot/actions/answer.py).
FAQ_INTENT = "faq"
# Topics that start a conversation of their own instead of a text.
TOPIC_INTENTS = {"advisor": "request_advisor", "capabilities": "ask_help"}


def topic_payload(topic: str) -> Tuple[str, Optional[Dict[str, str]]]:
    """The intent and entities of a topic's button: its general question's short answer
    (the entry named after the topic; the longer text is one tap further), or its own
    conversation."""
    if topic in TOPIC_INTENTS:
        return TOPIC_INTENTS[topic], None
    return FAQ_INTENT, {"faq_entry": topic}


def topic_button(topic: str) -> Button:
    """A button that asks about a topic; typed as text, its title means the same (bot/nlu/button_titles.py)."""
    return intent_button(knowledge.label(topic), *topic_payload(topic))


def entry_button(entry_id: str) -> Button:
    """A button that asks an FAQ entry's question; its title is the question."""
    item = faq.entry(entry_id)
    if item.topic in TOPIC_INTENTS and item.id == item.topic:
        return topic_button(item.topic)
    return intent_button(item.question, FAQ_INTENT, {"faq_entry": entry_id})


# Glossary words offered under one answer: more would crowd out its own next questions.
GLOSSARY_BUTTONS = 2


def glossary_buttons(text: str, answering: str, offered: Iterable[str] = ()) -> List[Button]:
    """The glossary's words that an answer's text uses, as « OPCO ? » buttons: never the
    word being answered, one the answer already explains (the word's `see`), or one whose
    entry is already offered."""
    skip = {answering, *offered}
    chosen = [glossary.term(t) for t in glossary.terms_in(text)]
    return [intent_button(t.title, FAQ_INTENT, {"faq_entry": t.entry})
            for t in chosen if t.entry not in skip and t.see != answering][:GLOSSARY_BUTTONS]


def entry_text(reply: faq.FaqAnswer) -> str:
    """The short answer, the old rule where visitors still quote it, and where it comes from."""
    parts = [reply.text]
    if reply.previously:
        parts.append(reply.previously.rstrip(".") + ".")
    parts.append(sources_line(reply.sources, limit=1))
    parts.extend(filter(None, [stale_note(reply.last_checked)]))
    return "\n\n".join(parts)


def details(reply: faq.FaqAnswer, more: knowledge.Answer) -> Dict[str, Any]:
    """What « En savoir plus » opens: the topic's longer text, every source, the dates."""
    checked = f"vérifiée le {date_in_words(reply.last_checked)}"
    since = f"Règle en vigueur depuis le {date_in_words(reply.in_force_since)}, {checked}." if reply.applies \
        else f"Information {checked}."
    sources = list(dict.fromkeys((*reply.sources, *more.sources)))
    return {
        "entry": reply.entry,
        "label": ui.MORE,
        "text": more.text,
        "sources": [{"title": s.title, "url": s.url} for s in sources],
        "dates": since,
    }


def tour_button(journey_step: Optional[float]) -> Optional[Button]:
    if not journey_step:
        return None
    return intent_button(f"{ui.RESUME_TOUR} (étape {int(journey_step)})", "journey_status")


def sources_line(sources: Sequence[knowledge.Source], limit: int = 2) -> str:
    """The first sources: those of the amounts a text states come first (knowledge.texts.fill),
    so an amount always shows where it comes from; the rest is one tap away (details)."""
    return "Source : " + " ; ".join(f"{s.title} ({s.url})" for s in sources[:limit])


def stale_note(last_checked) -> Optional[str]:
    """« À vérifier … » when the fact was checked more than 12 months before the rules' day."""
    return freshness.note(last_checked, knowledge.today())


def advisor_if_stale(last_checked) -> Optional[Button]:
    """An old check comes with the offer of an advisor, who can confirm today's rule."""
    return topic_button("advisor") if stale_note(last_checked) else None


def dates_line(answer: knowledge.Answer) -> str:
    checked = f"vérifiée le {date_in_words(answer.last_checked)}"
    if answer.rule_changed:
        return f"Règle en vigueur depuis le {date_in_words(answer.in_force_since)}, {checked}."
    return f"Information {checked}."


def answer_text(answer: knowledge.Answer, heading: Optional[str] = None) -> str:
    parts: List[str] = []
    if heading:
        parts.append(heading)
    parts.append(answer.text)
    if answer.previously:
        parts.append(answer.previously.rstrip(".") + ".")
    parts.append(sources_line(answer.sources))
    parts.append(dates_line(answer))
    parts.extend(filter(None, [stale_note(answer.last_checked)]))
    return "\n\n".join(parts)


def buttons(items: Iterable[Optional[Button]]) -> List[Button]:
    """Drops the missing and repeated buttons, keeping their order."""
    seen, result = set(), []
    for item in items:
        if item and item["payload"] not in seen:
            seen.add(item["payload"])
            result.append(item)
    return result


def message(text: str, button_list: List[Button]) -> Dict[str, Any]:
    return {"text": text, "buttons": button_list}
