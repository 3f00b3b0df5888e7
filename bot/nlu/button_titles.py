"""Recognises a button title typed as text, so that every quick reply also works typed.

A visitor on a text-only channel (or who prefers typing) writes « Le jury » or « Étape
suivante » as shown on the button: that must mean what the click means, whatever the
classifier thinks of two words. The titles come from knowledge/ and the bot's controls,
so a renamed button keeps working without retraining.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message

import knowledge
from knowledge import faq, glossary
from bot.actions import render, ui
from knowledge.french import fold


# A fiche number typed alone (« RNCP34172 », « rs 6117 ») asks for that fiche. No two
# neighbouring repeats may take the same spaces: `\s*[-_:]?\s*` tried every way of splitting a
# run of them, and 995 characters took seconds (issue 15); tests/test_regex_safety.py checks it.
FICHE_NUMBER = re.compile(r"^\s*(?:rncp|rs)(?:\s*[-_:])?\s*\d{2,6}(?:\s*[?.!]+)?\s*$", re.IGNORECASE)


def normalise(text: str) -> str:
    """« Reprendre le parcours (étape 2) ! » -> « reprendre le parcours »."""
    # `[^()]`, not `[^)]`: from each of many unclosed « ( » the search read to the end of the text.
    without_detail = re.sub(r"\([^()]*\)", " ", text)
    return " ".join(re.findall(r"[a-z0-9]+", fold(without_detail)))


@lru_cache(maxsize=1)
def title_intents() -> Dict[str, Tuple[str, Optional[Dict[str, str]]]]:
    """Normalised button title -> (intent, entities) of its payload."""
    # The glossary's « OPCO ? » buttons first: a question or label written the same way wins.
    titles: Dict[str, Any] = {t.title: (render.FAQ_INTENT, {"faq_entry": t.entry}) for t in glossary.terms()}
    titles.update({faq.question(e): (render.FAQ_INTENT, {"faq_entry": e}) for e in faq.entries()})
    titles.update({knowledge.label(topic): render.topic_payload(topic) for topic in knowledge.topics()})
    controls = {}
    controls.update(
        {ui.START_TOUR: "start_journey", ui.NEXT_STEP: "next_step", ui.PREVIOUS_STEP: "previous_step",
         ui.RESUME_TOUR: "journey_status"}
    )
    controls.update({label: intent for _, label, intent in ui.CHECKS.values()})
    controls.update({ui.SHOW_MORE: "show_more", ui.BROWSE_BRANCHES: "browse_branches"})
    titles.update({title: (intent, None) for title, intent in controls.items()})
    return {normalise(title): payload for title, payload in titles.items()}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ButtonTitleClassifier(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "ButtonTitleClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get("text") or ""
            intent, entities = title_intents().get(normalise(text)) or (None, None)
            if intent is None and FICHE_NUMBER.match(text):
                intent = "find_certification"
            if intent is None:
                continue
            if entities:
                found = [{"entity": name, "value": value, "start": 0, "end": len(text), "extractor": type(self).__name__}
                         for name, value in entities.items()]
                message.set("entities", [*(message.get("entities") or []), *found], add_to_output=True)
            # The others drop to zero: kept close to 1.0, they would make the FallbackClassifier
            # see an ambiguity and throw away a sure match.
            others = [{**r, "confidence": 0.0} for r in message.get("intent_ranking") or [] if r.get("name") != intent]
            message.set("intent", {"name": intent, "confidence": 1.0}, add_to_output=True)
            message.set("intent_ranking", [{"name": intent, "confidence": 1.0}, *others], add_to_output=True)
        return messages
