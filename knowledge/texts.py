"""Fills a content text for a day: {since} and {value:<id>} placeholders."""
from __future__ import annotations

from datetime import date
from typing import List, Mapping, Optional

from . import french
from .model import DatedValue, Source
from .store import PLACEHOLDER


def fill(text: str, day: date, values: Mapping[str, DatedValue], sources: List[Source], since: Optional[date] = None,
         extra: Optional[Mapping[str, str]] = None) -> str:
    """The text as said on `day`; the sources of the amounts used are put first in `sources`:
    a visitor sees only the first one or two, and an amount must always show where it comes
    from. `extra` fills the placeholders that describe a catalog fiche ({fiche}, {title}…)."""
    amounts: List[Source] = []

    def replace(match) -> str:
        name, argument = match.groups()
        if extra is not None and name in extra:
            return extra[name]
        if name == "since":
            return french.date_in_words(since) if since else ""
        return value_text(values[argument], day, amounts)

    filled = PLACEHOLDER.sub(replace, text)
    sources[0:0] = list(dict.fromkeys(amounts))
    return filled


def value_text(value: DatedValue, day: date, sources: List[Source]) -> str:
    """An amount in force on the day; where none is verified, the last known one, said as such."""
    period = value.at(day)
    if period is not None:
        sources.extend(period.sources)
        return french.amount(period.value, value.unit, value.decimals)
    last = value.last_known_before(day)
    if last is None:
        return "(montant non vérifié à cette date)"
    sources.extend(last.sources)
    known = french.amount(last.value, value.unit, value.decimals)
    until = french.date_in_words(last.end) if last.end else ""
    return f"{known} (dernier montant vérifié, valable jusqu'au {until} : à vérifier pour aujourd'hui)"
