"""Typed records of the knowledge base. Plain dataclasses: no Rasa, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from typing import Optional, Sequence, Tuple


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str
    kind: str  # a key of source_policy.KINDS: law, administration, operator, branch, press, professional


@dataclass(frozen=True)
class Period:
    """One value of a dated quantity, in force from `start` to `end` (inclusive)."""

    value: float
    start: date
    end: Optional[date]
    sources: Tuple[Source, ...]

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class DatedValue:
    id: str
    label: str
    unit: str
    decimals: int
    last_checked: date
    periods: Tuple[Period, ...]

    def at(self, day: date) -> Optional[Period]:
        return next((p for p in self.periods if p.covers(day)), None)

    def last_known_before(self, day: date) -> Optional[Period]:
        earlier = [p for p in self.periods if p.start <= day]
        return earlier[-1] if earlier else None


@dataclass(frozen=True)
class Version:
    """The wording of a topic while one rule is in force."""

    start: date
    end: Optional[date]
    text: str
    sources: Tuple[Source, ...]
    last_checked: date
    summary: Optional[str] = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def version_for(versions: Sequence[Version], day: date) -> Tuple[Version, bool]:
    """The version in force on `day` and True; on a day no version covers, the next one to
    come (else the last one) and False, so that its dates can be said, never its text."""
    current = next((v for v in versions if v.covers(day)), None)
    if current is not None:
        return current, True
    later = [v for v in versions if v.start > day]
    return (later[0] if later else versions[-1]), False


@dataclass(frozen=True)
class Topic:
    id: str
    label: str
    versions: Tuple[Version, ...]
    next: Tuple[str, ...] = ()
    step: Optional[int] = None

    def version_on(self, day: date) -> Optional[Version]:
        return next((v for v in self.versions if v.covers(day)), None)


@dataclass(frozen=True)
class Step:
    """One step of the tour. Its dates are those of the route it describes, like any fact."""

    number: int
    title: str
    topic: str
    questions: Tuple[str, ...]
    aliases: Tuple[str, ...]
    start: date
    end: Optional[date]
    last_checked: date

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Link:
    """A follow-up offered to the visitor: a topic id and its button label."""

    topic: str
    label: str


@dataclass(frozen=True)
class Answer:
    """What the assistant says about a topic on a given day."""

    topic: str
    label: str
    text: str
    sources: Tuple[Source, ...]
    in_force_since: date
    in_force_until: Optional[date]
    last_checked: date
    rule_changed: bool
    previously: Optional[str]
    next: Tuple[Link, ...]
    step: Optional[int]
    # False on a day before the topic's first known rule: the text then says so, and the
    # dates are those of the first rule known.
    applies: bool = True


class Outcome(str, Enum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    TO_CHECK = "to_check"


@dataclass(frozen=True)
class MissingFact:
    """A fact a decision still needs, with the question that asks for it."""

    name: str
    question: str


@dataclass(frozen=True)
class Decision:
    question: str
    outcome: Outcome
    reasons: Tuple[str, ...]
    sources: Tuple[Source, ...]
    rules_date: date
    missing: Tuple[MissingFact, ...] = ()
    check_with: Optional[str] = None
    alternatives: Tuple[str, ...] = field(default=())
    # The oldest check among the reasons, options and amounts the decision used: an old one
    # lets the bot say « à vérifier ». None when it used no dated fact (it only asks a question).
    last_checked: Optional[date] = None
