"""Question-level answers: the FAQ entries of knowledge/data/faq/, each under a topic.

An entry answers one precise question (« Mes droits CPF peuvent-ils expirer ? ») in its
first sentence, from a dated, sourced rule; the topic's longer text stays one step away
(« En savoir plus »). Entries also say what a visitor may ask next, and how to read a short
follow-up (« et pour un CDD ? ») that only makes sense right after them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from . import french, source_policy, texts
from .model import DatedValue, Source, Topic, Version, version_for
from .store import DATA_DIR, KnowledgeError, _read, _require, load_versions

FAQ_DIR = DATA_DIR / "faq"
ENTRY_ID = re.compile(r"^[a-z][a-z0-9_]{1,60}$")
# Follow-ups every entry understands: « et après ? » goes to the first entry it leads to.
FOLLOW_UPS_FILE = DATA_DIR / "follow_ups.yml"


@dataclass(frozen=True)
class FollowUp:
    """Short messages (cues, as folded word sequences) that, right after an entry, ask another."""

    cues: Tuple[Tuple[str, ...], ...]
    entry: str


@dataclass(frozen=True)
class Entry:
    id: str
    topic: str
    question: str
    versions: Tuple[Version, ...]
    next: Tuple[str, ...]
    follow_ups: Tuple[FollowUp, ...]
    examples: Tuple[str, ...]

    def version_on(self, day: date) -> Optional[Version]:
        return next((v for v in self.versions if v.covers(day)), None)


@dataclass(frozen=True)
class Link:
    entry: str
    question: str


@dataclass(frozen=True)
class FaqAnswer:
    """What the assistant says to an entry's question on a day."""

    entry: str
    question: str
    text: str
    sources: Tuple[Source, ...]
    in_force_since: date
    in_force_until: Optional[date]
    last_checked: date
    applies: bool  # False on a day before the entry's first known rule
    previously: Optional[str]
    next: Tuple[Link, ...]
    topic: str


def words(text: str) -> Tuple[str, ...]:
    """Folded words: « Et si c'est le SOIR ? » -> (et, si, c, est, le, soir)."""
    return tuple(re.findall(r"[a-z0-9]+", french.fold(text)))


def _cues(raw, where: str) -> Tuple[Tuple[str, ...], ...]:
    cues = tuple(words(str(c)) for c in raw or ())
    if not cues or any(not c for c in cues):
        raise KnowledgeError(f"{where}: « cues » doit lister des mots")
    return cues


def load_entries(directory: Path, sources: Mapping[str, Source], values: Mapping[str, DatedValue],
                 topics: Mapping[str, Topic], extra: Sequence[Entry] = ()) -> Dict[str, Entry]:
    """Every entry of faq/*.yml, checked: known topic, sources and values, links that resolve.
    `extra`: entries written elsewhere (the glossary's words), checked the same way."""
    entries: Dict[str, Entry] = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        body = _read(path)
        topic = str(_require(body, "topic", path.name))
        if topic != path.stem or topic not in topics:
            raise KnowledgeError(f"{path.name}: « topic » doit être le nom du fichier et un sujet connu")
        for index, item in enumerate(_require(body, "entries", path.name)):
            where = f"faq/{path.name} › entrée {index + 1}"
            entry_id = str(_require(item, "id", where))
            where = f"faq/{path.name} › {entry_id}"
            if not ENTRY_ID.match(entry_id):
                raise KnowledgeError(f"{where}: identifiant invalide (a-z, 0-9, _)")
            if entry_id in entries:
                raise KnowledgeError(f"{where}: identifiant déjà utilisé")
            if index == 0 and entry_id != topic:
                raise KnowledgeError(f"{where}: la première entrée porte l'identifiant du sujet « {topic} »")
            entries[entry_id] = Entry(
                id=entry_id,
                topic=topic,
                question=" ".join(str(_require(item, "question", where)).split()),
                versions=load_versions(item, where, sources, values),
                next=tuple(str(n) for n in item.get("next") or ()),
                follow_ups=tuple(
                    FollowUp(_cues(f.get("cues"), f"{where} › follow_ups"), str(_require(f, "entry", where)))
                    for f in item.get("follow_ups") or ()
                ),
                examples=tuple(" ".join(str(e).split()) for e in item.get("examples") or ()),
            )
    for item in extra:
        if item.id in entries or item.topic not in topics:
            raise KnowledgeError(f"faq › {item.id}: identifiant déjà utilisé ou sujet inconnu « {item.topic} »")
        entries[item.id] = item
    for entry in entries.values():
        unknown = [e for e in (*entry.next, *(f.entry for f in entry.follow_ups)) if e not in entries]
        if unknown:
            raise KnowledgeError(f"faq › {entry.id}: entrée(s) inconnue(s) {unknown}")
    missing = sorted(set(topics) - {e.topic for e in entries.values()})
    if entries and missing:
        raise KnowledgeError(f"faq: sujet(s) sans entrée {missing}")
    return entries


def load_generic_follow_ups(path: Path = FOLLOW_UPS_FILE, key: str = "next_cues") -> Tuple[Tuple[str, ...], ...]:
    return _cues(_require(_read(path), key, path.name), f"{path.name} › {key}")


@lru_cache(maxsize=1)
def entries() -> Mapping[str, Entry]:
    from . import base, glossary  # the base loads sources, values and topics once per process

    kb = base()
    return load_entries(FAQ_DIR, kb.sources, kb.values, kb.topics, extra=glossary.entries())


@lru_cache(maxsize=1)
def _generic_next_cues() -> Tuple[Tuple[str, ...], ...]:
    return load_generic_follow_ups()


@lru_cache(maxsize=1)
def _more_cues() -> Tuple[Tuple[str, ...], ...]:
    return load_generic_follow_ups(key="more_cues")


def asks_for_more(text: str) -> bool:
    """« en savoir plus », « plus de détails » : the longer text of the last answer's topic."""
    message = words(text)
    return len(message) <= 6 and any(_contains(message, cue) for cue in _more_cues())


def entry(entry_id: str) -> Entry:
    try:
        return entries()[entry_id]
    except KeyError:
        raise KeyError(f"entrée inconnue : {entry_id}") from None


def question(entry_id: str) -> str:
    return entry(entry_id).question


def answer(entry_id: str, on: Optional[date] = None) -> FaqAnswer:
    """The entry's answer on a day (today by default), with its sources and dates. On a day
    before its first known rule, it says so instead of applying a later rule to the past."""
    from . import base, no_rule_text, today

    day = on or today()
    item = entry(entry_id)
    version, applies = version_for(item.versions, day)
    sources: List[Source] = source_policy.official_first(version.sources)
    if applies:
        text = texts.fill(version.text, day, base().values, sources, since=version.start)
    else:
        text = no_rule_text(day, version.start if version.start > day else None)
    index = item.versions.index(version)
    previous = item.versions[index - 1] if applies and index > 0 else None
    return FaqAnswer(
        entry=item.id,
        question=item.question,
        text=text,
        sources=tuple(dict.fromkeys(sources)),
        in_force_since=version.start,
        in_force_until=version.end,
        last_checked=version.last_checked,
        applies=applies,
        previously=f"Avant le {french.date_in_words(version.start)} : {previous.summary}" if previous else None,
        next=tuple(Link(n, entries()[n].question) for n in item.next),
        topic=item.topic,
    )


def boundary_days(entry_id: str) -> Tuple[date, ...]:
    """The days around each version's start and end: where a wrong date would show."""
    days = set()
    for version in entry(entry_id).versions:
        days.update({version.start - timedelta(days=1), version.start})
        if version.end:
            days.update({version.end, version.end + timedelta(days=1)})
    return tuple(sorted(days))


def _contains(message: Sequence[str], cue: Sequence[str]) -> bool:
    return any(tuple(message[i:i + len(cue)]) == tuple(cue) for i in range(len(message) - len(cue) + 1))


def follow_up(last_entry: Optional[str], text: str) -> Optional[str]:
    """The entry a short follow-up asks for, right after `last_entry`'s answer: its own cues
    first (« et pour un CDD ? »), then « et après ? » to the first entry it leads to."""
    if not last_entry or last_entry not in entries():
        return None
    message = words(text)
    item = entries()[last_entry]
    for option in item.follow_ups:
        if any(_contains(message, cue) for cue in option.cues):
            return option.entry
    if item.next and any(_contains(message, cue) for cue in _generic_next_cues()):
        return item.next[0]
    return None


def training_examples() -> List[Tuple[str, str]]:
    """(text, entry id) pairs written with the content: each canonical question and its examples."""
    return [(text, item.id) for item in entries().values() for text in (item.question, *item.examples)]
