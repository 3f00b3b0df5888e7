"""Turns knowledge answers into short French chat messages with buttons."""
from __future__ import annotations

import json
from typing import Any, Dict, Iterable, List, Optional, Sequence

import knowledge
from knowledge.french import date_in_words

from . import ui

Button = Dict[str, str]


def intent_button(title: str, intent: str, entities: Optional[Dict[str, str]] = None) -> Button:
    payload = f"/{intent}"
    if entities:
        payload += json.dumps(entities, ensure_ascii=False)
    return {"title": title, "payload": payload}


# Topics whose intent is not ask_<topic>.
TOPIC_INTENTS = {"advisor": "request_advisor", "capabilities": "ask_help"}


def topic_intent(topic: str) -> str:
    return TOPIC_INTENTS.get(topic, f"ask_{topic}")


def topic_button(topic: str) -> Button:
    """A button that asks about a topic; typed as text, its title means the same (bot/nlu/button_titles.py)."""
    return intent_button(knowledge.label(topic), topic_intent(topic))


def tour_button(journey_step: Optional[float]) -> Optional[Button]:
    if not journey_step:
        return None
    return intent_button(f"{ui.RESUME_TOUR} (étape {int(journey_step)})", "journey_status")


def sources_line(sources: Sequence[knowledge.Source], limit: int = 2) -> str:
    return "Source : " + " ; ".join(f"{s.title} ({s.url})" for s in sources[:limit])


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
