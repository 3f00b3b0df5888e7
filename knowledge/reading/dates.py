"""Dates and periods as visitors write them: « depuis mars 2021 », « de 2019 à 2023 »,
« en 2020 », « 03/2021 »."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Tuple

from ..french import MONTHS, fold
from .base import MAX_CHARS, Precision

FIRST_YEAR = 1950  # before it, a working life has ended: the figure is a typo
MONTH_NUMBERS = {fold(name): i + 1 for i, name in enumerate(MONTHS)}
MONTH_NUMBERS.update({"janv": 1, "fev": 2, "fevr": 2, "avr": 4, "juil": 7, "aout": 8, "sept": 9, "oct": 10,
                      "nov": 11, "dec": 12, "fevrie": 2, "septembr": 9, "decembr": 12, "aou": 8})


@dataclass(frozen=True)
class Period:
    start: Optional[date]
    end: Optional[date]        # None: still going on
    precision: Precision
    reason: str
    month_known: bool = False  # the start's month was given, not only its year

    def months(self, on: date) -> Optional[int]:
        """Whole months from the start to the end (or to `on`)."""
        if self.start is None:
            return None
        end = self.end or on
        return (end.year - self.start.year) * 12 + end.month - self.start.month

    def said(self) -> str:
        if self.start is None:
            return "période non comprise"
        start = _month_year(self.start, self.month_known)
        return f"depuis {start}" if self.end is None else f"de {start} à {_month_year(self.end, self.month_known)}"


def _month_year(day: date, month_known: bool) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}" if month_known else str(day.year)


def _tokens(text: str) -> List[str]:
    # « 03/2021 » and « 2019-2023 » keep their separator; everything else is a word.
    return re.findall(r"[a-z]+|\d+|[/-]", fold((text or "")[:MAX_CHARS]))


def _date_at(tokens: List[str], i: int) -> Optional[Tuple[int, int, bool, int]]:
    """(year, month, month known, next index) of a date starting at tokens[i]."""
    if i >= len(tokens):
        return None
    token = tokens[i]
    if token in MONTH_NUMBERS and i + 1 < len(tokens) and _is_year(tokens[i + 1]):
        return int(tokens[i + 1]), MONTH_NUMBERS[token], True, i + 2
    if token.isdigit() and len(token) <= 2 and i + 2 < len(tokens) and tokens[i + 1] == "/" and _is_year(tokens[i + 2]):
        month = int(token)
        return (int(tokens[i + 2]), month, True, i + 3) if 1 <= month <= 12 else None
    if _is_year(token):
        return int(token), 1, False, i + 1
    return None


def _is_year(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and token[:2] in ("19", "20")


def read_period(text: str, on: Optional[date] = None) -> Period:
    """The period a text gives, checked against the day `on` (today by default)."""
    on = on or date.today()
    tokens = _tokens(text)
    for i, token in enumerate(tokens):
        if token.isdigit() and tokens[i + 1:i + 2] == ["/"] and not 1 <= int(token[-2:]) <= 12:
            return Period(None, None, Precision.INVALID, "ce mois n'existe pas")
        start = _date_at(tokens, i)
        if start is None:
            continue
        year, month, month_known, after = start
        end = None
        if after < len(tokens) and tokens[after] in ("a", "au", "et", "-", "jusqu"):
            j = after + 1
            if j < len(tokens) and tokens[j] in ("en", "a"):  # « jusqu'en 2023 »
                j += 1
            end = _date_at(tokens, j)
        # « en 2020 » is a year spent; « depuis 2020 », « 2020 » alone, a start.
        ongoing = i == 0 or tokens[i - 1] != "en"
        return _checked(year, month, month_known, end, ongoing, on)
    return Period(None, None, Precision.INVALID, "je n'ai pas trouvé de date")


def _checked(year: int, month: int, month_known: bool, end: Optional[Tuple[int, int, bool, int]],
             ongoing: bool, on: date) -> Period:
    if year < FIRST_YEAR:
        return Period(None, None, Precision.INVALID, "cette année est trop ancienne pour une expérience en cours")
    start = date(year, month, 1)
    if start > on:
        return Period(None, None, Precision.INVALID, "cette date est dans le futur")
    precision = Precision.EXACT if month_known else Precision.ABOUT
    if end is None:
        if not ongoing:  # « en 2020 » : a year, not a start
            return Period(start, date(year, 12, 1), Precision.ABOUT, "seule l'année est connue", month_known)
        reason = "depuis le mois indiqué" if month_known else "seule l'année de début est connue"
        return Period(start, None, precision, reason, month_known)
    end_year, end_month, end_known, _ = end
    finish = date(end_year, end_month if end_known else 12, 1)
    if finish < start:
        return Period(None, None, Precision.INVALID, "la fin de cette période est avant son début")
    if finish > on:
        finish = date(on.year, on.month, 1)
    reason = "les mois de début et de fin sont connus" if month_known and end_known else "seules les années sont connues"
    return Period(start, finish, Precision.EXACT if month_known and end_known else Precision.ABOUT, reason,
                  month_known and end_known)
