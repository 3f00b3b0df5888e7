"""The CQP knowledge base: content, dated values and rules, with their sources.

Pure Python, no Rasa. The conversation layer calls these functions; every answer carries
its sources and the dates of the rule it states, for the day it is asked.
"""
from __future__ import annotations

import os
import re
from datetime import date
from functools import lru_cache
from typing import Optional, Tuple

from . import french, source_policy, texts
from .model import Answer, Decision, Link, MissingFact, Outcome, Period, Source, Step, Topic, version_for
from .store import KnowledgeBase, KnowledgeError, load

__all__ = [
    "Answer", "Decision", "KnowledgeError", "Link", "MissingFact", "Outcome", "Source", "Step",
    "answer", "base", "find_step", "label", "no_rule_text", "registration_label", "status_label", "step", "steps", "today",
    "topics", "value_on",
]

RULES_DATE_ENV = "CQP_RULES_DATE"


@lru_cache(maxsize=1)
def base() -> KnowledgeBase:
    """The knowledge base, loaded and checked once per process."""
    return load()


def today() -> date:
    """The day whose rules apply: today, unless CQP_RULES_DATE (AAAA-MM-JJ) pins it for a demo or a test."""
    pinned = os.environ.get(RULES_DATE_ENV, "").strip()
    return date.fromisoformat(pinned) if pinned else date.today()


def status_label(status: str) -> Optional[str]:
    """« demandeur_emploi » -> « demandeur ou demandeuse d'emploi »; None for an unknown status."""
    return base().statuses.get(status)


def registration_label(registration: str) -> Optional[str]:
    return base().registrations.get(registration)


def topics() -> Tuple[str, ...]:
    return tuple(base().topics)


def label(topic_id: str) -> str:
    return _topic(topic_id).label


def steps() -> Tuple[Step, ...]:
    return base().steps


def step(number: int) -> Step:
    if not 1 <= number <= len(base().steps):
        raise KeyError(f"pas d'étape {number}")
    return base().steps[number - 1]


_ORDINALS = {"premiere": 1, "1ere": 1, "deuxieme": 2, "seconde": 2, "deux": 2, "2e": 2,
             "troisieme": 3, "trois": 3, "3e": 3, "quatrieme": 4, "quatre": 4, "4e": 4,
             "derniere": 4}


def find_step(text: str) -> Optional[Step]:
    """The tour step a visitor names: « 3 », « troisième », « l'étape du jury », « financement »."""
    words = re.findall(r"[a-z0-9]+", french.fold(text))
    for word in words:
        number = int(word) if word.isdigit() else _ORDINALS.get(word)
        if number and 1 <= number <= len(base().steps):
            return step(number)
    folded = " ".join(words)
    # The longest alias wins: « choisir sa voie » names step 2 although « choisir » alone names step 1.
    matches = [
        (len(alias), candidate)
        for candidate in base().steps
        for alias in candidate.aliases
        if re.search(rf"\b{re.escape(' '.join(re.findall(r'[a-z0-9]+', french.fold(alias))))}\b", folded)
    ]
    return max(matches, key=lambda match: match[0])[1] if matches else None


def value_on(value_id: str, on: Optional[date] = None) -> Optional[Period]:
    """The period of a dated value in force on a day, or None where no verified value covers it."""
    return base().values[value_id].at(on or today())


def no_rule_text(day: date, since: Optional[date]) -> str:
    """What the assistant says on a day no verified rule covers, rather than apply a later
    rule to the past: `since`, the day the rule it knows applies from."""
    text = f"Je n'ai pas de règle vérifiée pour le {french.date_in_words(day)} sur cette question"
    return f"{text} : celle que je connais s'applique depuis le {french.date_in_words(since)}." if since else f"{text}."


def answer(topic_id: str, on: Optional[date] = None) -> Answer:
    """What to say about a topic on a day (today by default), with its sources and dates. On
    a day before its first known rule, it says so instead of applying a later rule to the past."""
    day = on or today()
    topic = _topic(topic_id)
    version, applies = version_for(topic.versions, day)
    sources = source_policy.official_first(version.sources)
    if applies:
        text = texts.fill(version.text, day, base().values, sources, since=version.start)
    else:
        text = no_rule_text(day, version.start if version.start > day else None)
    index = topic.versions.index(version)
    previous = topic.versions[index - 1] if applies and index > 0 else None
    return Answer(
        topic=topic.id,
        label=topic.label,
        text=text,
        sources=tuple(dict.fromkeys(sources)),
        in_force_since=version.start,
        in_force_until=version.end,
        last_checked=version.last_checked,
        rule_changed=previous is not None,
        previously=(
            f"Avant le {french.date_in_words(version.start)} : {previous.summary}" if previous else None
        ),
        next=tuple(Link(t, base().topics[t].label) for t in topic.next),
        step=topic.step,
        applies=applies,
    )


def _topic(topic_id: str) -> Topic:
    try:
        return base().topics[topic_id]
    except KeyError:
        raise KeyError(f"sujet inconnu : {topic_id}") from None
