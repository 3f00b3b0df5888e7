"""Durations of experience, as the actions have read them so far.

The reading itself is in `knowledge.reading.durations` (numbers in words, ranges, « dont »,
dates); this module keeps the interface the actions call until they use the reader directly.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Tuple

from .reading import Precision
from .reading.durations import MAX_MONTHS, read_duration


@dataclass(frozen=True)
class Duration:
    months: Optional[float]
    precision: Precision
    problem: Optional[str] = None  # why it is invalid or vague, in French
    high: Optional[float] = None   # the upper bound of a range

    @property
    def usable(self) -> bool:
        # A range is not a figure: the form asks again rather than decide on one of its bounds.
        return self.months is not None and self.precision not in (Precision.VAGUE, Precision.INVALID, Precision.RANGE)


def parse(text: str, on: Optional[date] = None) -> Duration:
    """The duration a visitor wrote, in months, with how precise it is."""
    reading = read_duration(text, on)
    if reading.precision == Precision.RANGE:
        problem = f"c'est une fourchette ({reading.said()}) : pouvez-vous donner un seul chiffre, même approximatif ?"
        return Duration(reading.months, reading.precision, problem, reading.high)
    if not reading.usable:
        return Duration(None, reading.precision, reading.reason)
    return Duration(reading.months, reading.precision)


def in_words(months: float) -> str:
    """18 -> « 1 an et 6 mois »; for summaries."""
    years, rest = divmod(int(round(months)), 12)
    parts: List[str] = []
    if years:
        parts.append(f"{years} an{'s' if years > 1 else ''}")
    if rest or not parts:
        parts.append(f"{rest} mois")
    return " et ".join(parts)


__all__: Tuple[str, ...] = ("Duration", "MAX_MONTHS", "Precision", "parse", "in_words")
