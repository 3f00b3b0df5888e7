"""Loads and checks the YAML content files.

Every problem is reported with the file and the field, so that a content editor can fix
it; a knowledge base that loads is complete (each text has a source, a start date, a
last-checked date, and every reference resolves).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

import yaml

from . import source_policy
from .model import DatedValue, Period, Source, Step, Topic, Version

DATA_DIR = Path(__file__).parent / "data"
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?::([a-z0-9_]+))?\}")
KNOWN_PLACEHOLDERS = {"since", "value"}
# Said of one catalog fiche (knowledge/catalog), filled in by the rules that use it.
FICHE_PLACEHOLDERS = {"fiche", "title", "until", "ended", "successor", "related", "count"}
KNOWN_PLACEHOLDERS |= FICHE_PLACEHOLDERS


class KnowledgeError(ValueError):
    """The content files are inconsistent; the message names the file and the field."""


@dataclass(frozen=True)
class KnowledgeBase:
    sources: Mapping[str, Source]
    values: Mapping[str, DatedValue]
    topics: Mapping[str, Topic]
    steps: Tuple[Step, ...]
    statuses: Mapping[str, str]
    registrations: Mapping[str, str]
    facts: Mapping[str, "FactQuestion"]
    reasons: Mapping[str, "Reason"]
    financing: Tuple["FinancingOption", ...]


@dataclass(frozen=True)
class FactQuestion:
    name: str
    question: str
    choices: Mapping[str, str]


@dataclass(frozen=True)
class Reason:
    id: str
    text: str
    sources: Tuple[Source, ...]
    start: date
    end: Optional[date]
    last_checked: date

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class FinancingOption:
    id: str
    label: str
    text: str
    statuses: Tuple[str, ...]
    routes: Tuple[str, ...]
    registrations: Tuple[str, ...]
    sources: Tuple[Source, ...]
    start: date
    end: Optional[date]
    last_checked: date

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Validity:
    """When a fact applies (`from`, optional `until`) and when it was last checked against
    its sources: every fact of the content files has them."""

    start: date
    end: Optional[date]
    last_checked: date


def _read(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{path.name}: YAML invalide ({exc})") from exc


def _require(mapping: Any, key: str, where: str) -> Any:
    if not isinstance(mapping, dict) or mapping.get(key) in (None, "", []):
        raise KnowledgeError(f"{where}: champ « {key} » manquant")
    return mapping[key]


def _date(raw: Any, where: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise KnowledgeError(f"{where}: date invalide « {raw} » (attendu AAAA-MM-JJ)") from exc


def _optional_date(raw: Any, where: str) -> Optional[date]:
    return None if raw is None else _date(raw, where)


def validity(item: Any, where: str) -> Validity:
    """A fact's `from`, `until` and `last_checked`. `from` is the day the rule it states
    applies from (or, when no text dates it, the first day a source attests it: a comment
    says which); a fact without it, or without `last_checked`, is refused."""
    start = _date(_require(item, "from", where), where)
    end = _optional_date(item.get("until"), where)
    if end is not None and end < start:
        raise KnowledgeError(f"{where}: fin ({end}) avant le début ({start})")
    return Validity(start, end, _date(_require(item, "last_checked", where), where))


def _sources(ids: Any, known: Mapping[str, Source], where: str) -> Tuple[Source, ...]:
    if not isinstance(ids, list) or not ids:
        raise KnowledgeError(f"{where}: au moins une source est requise")
    missing = [i for i in ids if i not in known]
    if missing:
        raise KnowledgeError(f"{where}: source(s) inconnue(s) {missing}")
    return tuple(known[i] for i in ids)


def _check_sequence(spans: List[Tuple[date, Optional[date]]], where: str) -> None:
    """Periods must be in date order and must not overlap, so one day has one rule."""
    for (start, end), (next_start, _) in zip(spans, spans[1:]):
        if end is None or end >= next_start:
            raise KnowledgeError(f"{where}: périodes qui se chevauchent ({start} et {next_start})")
    for start, end in spans:
        if end is not None and end < start:
            raise KnowledgeError(f"{where}: fin ({end}) avant le début ({start})")


def load_sources(path: Path) -> Dict[str, Source]:
    body = _read(path)
    raw = _require(body, "sources", path.name)
    refused_hosts = {str(h): str(why) for h, why in (body.get("refused_hosts") or {}).items()}
    sources = {}
    for source_id, item in raw.items():
        where = f"{path.name} › {source_id}"
        url = str(_require(item, "url", where))
        if not url.startswith("https://") and not url.startswith("http://"):
            raise KnowledgeError(f"{where}: l'URL doit commencer par http(s)://")
        kind = item.get("kind")
        if kind not in source_policy.KINDS:
            raise KnowledgeError(f"{where}: « kind » manquant ou inconnu ({kind!r}), attendu l'un de "
                                 f"{', '.join(source_policy.KINDS)}")
        why = source_policy.refusal(url, refused_hosts)
        if why:
            raise KnowledgeError(f"{where}: source refusée, {why}")
        sources[source_id] = Source(source_id, str(_require(item, "title", where)), url, kind)
    return sources


def load_values(path: Path, sources: Mapping[str, Source]) -> Dict[str, DatedValue]:
    raw = _require(_read(path), "values", path.name)
    values = {}
    for value_id, body in raw.items():
        where = f"{path.name} › {value_id}"
        periods = []
        for index, item in enumerate(_require(body, "periods", where)):
            here = f"{where} › période {index + 1}"
            periods.append(
                Period(
                    value=float(_require(item, "value", here)),
                    start=_date(_require(item, "from", here), here),
                    end=_optional_date(item.get("until"), here),
                    sources=_sources(item.get("sources"), sources, here),
                )
            )
        _check_sequence([(p.start, p.end) for p in periods], where)
        values[value_id] = DatedValue(
            id=value_id,
            label=str(_require(body, "label", where)),
            unit=str(_require(body, "unit", where)),
            decimals=int(body.get("decimals", 0)),
            last_checked=_date(_require(body, "last_checked", where), where),
            periods=tuple(periods),
        )
    return values


def _check_placeholders(text: str, values: Mapping[str, DatedValue], where: str,
                        start: Optional[date] = None) -> None:
    """Known placeholders only; and an amount said from `start` must have a verified value
    by then, or the text would have no amount to say on its first days."""
    for name, argument in PLACEHOLDER.findall(text):
        if name not in KNOWN_PLACEHOLDERS:
            raise KnowledgeError(f"{where}: variable inconnue {{{name}}}")
        if name == "value" and argument not in values:
            raise KnowledgeError(f"{where}: valeur datée inconnue « {argument} »")
        if name == "value" and start is not None and values[argument].periods[0].start > start:
            first = values[argument].periods[0].start
            raise KnowledgeError(f"{where}: « from » ({start}) avant la première valeur vérifiée de "
                                 f"« {argument} » ({first})")


def load_versions(body: Any, where: str, sources: Mapping[str, Source],
                  values: Mapping[str, DatedValue]) -> Tuple[Version, ...]:
    """The dated wordings of a topic or an FAQ entry: in order, one rule a day, old ones summarised."""
    versions = []
    for index, item in enumerate(_require(body, "versions", where)):
        here = f"{where} › version {index + 1}"
        text = " ".join(str(_require(item, "text", here)).split())
        dates = validity(item, here)
        _check_placeholders(text, values, here, dates.start)
        versions.append(
            Version(
                start=dates.start,
                end=dates.end,
                text=text,
                sources=_sources(item.get("sources"), sources, here),
                last_checked=dates.last_checked,
                summary=item.get("summary"),
            )
        )
    _check_sequence([(v.start, v.end) for v in versions], where)
    for old, new in zip(versions, versions[1:]):
        # One rule in force at a time: a new version starts the day after the old one ends.
        if old.end is not None and (new.start - old.end).days != 1:
            raise KnowledgeError(f"{where}: trou entre {old.end} et {new.start}")
    for old in versions[:-1]:
        if not old.summary:
            raise KnowledgeError(f"{where}: une ancienne version doit avoir un « summary »")
    return tuple(versions)


def load_topic(path: Path, sources: Mapping[str, Source], values: Mapping[str, DatedValue]) -> Topic:
    body = _read(path)
    where = path.name
    topic_id = str(_require(body, "id", where))
    if topic_id != path.stem:
        raise KnowledgeError(f"{where}: l'id « {topic_id} » doit être le nom du fichier")
    versions = load_versions(body, where, sources, values)
    step = body.get("step")
    return Topic(
        id=topic_id,
        label=str(_require(body, "label", where)),
        versions=tuple(versions),
        next=tuple(body.get("next") or ()),
        step=int(step) if step is not None else None,
    )


def load_steps(path: Path, topics: Mapping[str, Topic]) -> Tuple[Step, ...]:
    raw = _require(_read(path), "steps", path.name)
    steps = []
    for index, item in enumerate(raw):
        where = f"{path.name} › étape {index + 1}"
        dates = validity(item, where)
        step = Step(
            number=int(_require(item, "number", where)),
            title=str(_require(item, "title", where)),
            topic=str(_require(item, "topic", where)),
            questions=tuple(item.get("questions") or ()),
            aliases=tuple(str(a) for a in item.get("aliases") or ()),
            start=dates.start,
            end=dates.end,
            last_checked=dates.last_checked,
        )
        unknown = [t for t in (step.topic, *step.questions) if t not in topics]
        if unknown:
            raise KnowledgeError(f"{where}: sujet(s) inconnu(s) {unknown}")
        steps.append(step)
    if [s.number for s in steps] != list(range(1, len(steps) + 1)):
        raise KnowledgeError(f"{path.name}: les étapes doivent être numérotées 1, 2, 3…")
    return tuple(steps)


def _check_links(topics: Mapping[str, Topic]) -> None:
    for topic in topics.values():
        unknown = [t for t in topic.next if t not in topics]
        if unknown:
            raise KnowledgeError(f"{topic.id}.yml › next: sujet(s) inconnu(s) {unknown}")


def load_decisions(path: Path, sources: Mapping[str, Source], values: Mapping[str, DatedValue]):
    body = _read(path)
    facts = {
        name: FactQuestion(name, str(_require(item, "question", f"{path.name} › {name}")), dict(item.get("choices") or {}))
        for name, item in _require(body, "facts", path.name).items()
    }
    reasons = {}
    for reason_id, item in _require(body, "reasons", path.name).items():
        where = f"{path.name} › {reason_id}"
        text = " ".join(str(_require(item, "text", where)).split())
        dates = validity(item, where)
        _check_placeholders(text, values, where, dates.start)
        reasons[reason_id] = Reason(reason_id, text, _sources(item.get("sources"), sources, where),
                                    dates.start, dates.end, dates.last_checked)
    return facts, reasons


def load_financing(path: Path, sources: Mapping[str, Source], statuses: Mapping[str, str]) -> Tuple[FinancingOption, ...]:
    options = []
    for index, item in enumerate(_require(_read(path), "options", path.name)):
        where = f"{path.name} › option {index + 1}"
        option_id = str(_require(item, "id", where))
        where = f"{path.name} › {option_id}"
        dates = validity(item, where)
        option = FinancingOption(
            id=option_id,
            label=str(_require(item, "label", where)),
            text=" ".join(str(_require(item, "text", where)).split()),
            statuses=tuple(_require(item, "statuses", where)),
            routes=tuple(_require(item, "routes", where)),
            registrations=tuple(item.get("registrations") or ()),
            sources=_sources(item.get("sources"), sources, where),
            start=dates.start,
            end=dates.end,
            last_checked=dates.last_checked,
        )
        unknown = [s for s in option.statuses if s not in statuses]
        if unknown:
            raise KnowledgeError(f"{where}: situation(s) inconnue(s) {unknown}")
        options.append(option)
    return tuple(options)


def load(directory: Path = DATA_DIR) -> KnowledgeBase:
    sources = load_sources(directory / "sources.yml")
    values = load_values(directory / "values.yml", sources)
    topic_files: Iterable[Path] = sorted((directory / "topics").glob("*.yml"))
    topics = {t.id: t for t in (load_topic(p, sources, values) for p in topic_files)}
    _check_links(topics)
    steps = load_steps(directory / "steps.yml", topics)
    profile = _read(directory / "profile.yml")
    statuses = dict(_require(profile, "statuses", "profile.yml"))
    facts, reasons = load_decisions(directory / "decisions.yml", sources, values)
    return KnowledgeBase(
        sources=sources,
        values=values,
        topics=topics,
        steps=steps,
        statuses=statuses,
        registrations=dict(_require(profile, "registrations", "profile.yml")),
        facts=facts,
        reasons=reasons,
        financing=load_financing(directory / "financing.yml", sources, statuses),
    )
