"""Durations of experience as people write them in French.

« 18 mois », « un an et demi », « 2 ans et 3 mois », « six mois », « depuis 2019 »,
« plus de 5 ans », « quelques mois »… A small grammar over words rather than one pattern
per phrasing: numbers (digits or words), units, « et demi », qualifiers before them
(« plus de », « moins de », « environ ») and « depuis <année> ».
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import List, Optional, Tuple

from .french import fold

MAX_MONTHS = 12 * 60  # a working life; beyond it the figure is a typo or a joke


class Precision(str, Enum):
    EXACT = "exact"
    AT_LEAST = "at_least"
    AT_MOST = "at_most"
    ABOUT = "about"
    VAGUE = "vague"  # « quelques mois »: ask for a figure
    INVALID = "invalid"  # negative, absurd, or not a duration


@dataclass(frozen=True)
class Duration:
    months: Optional[float]
    precision: Precision
    problem: Optional[str] = None  # why it is invalid or vague, in French

    @property
    def usable(self) -> bool:
        return self.months is not None and self.precision not in (Precision.VAGUE, Precision.INVALID)


NUMBERS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60,
    "dizaine": 10, "douzaine": 12, "quinzaine": 15, "vingtaine": 20, "trentaine": 30,
}
APPROXIMATE_NUMBERS = {"dizaine", "douzaine", "quinzaine", "vingtaine", "trentaine"}
UNITS = {
    "an": 12, "ans": 12, "annee": 12, "annees": 12,
    "mois": 1, "m": 1,
    "semaine": 12 / 52, "semaines": 12 / 52, "sem": 12 / 52,
    "jour": 12 / 365, "jours": 12 / 365, "j": 12 / 365,
}
VAGUE = {"quelques", "plusieurs", "longtemps", "beaucoup", "peu"}
AT_LEAST = (("plus", "de"), ("plus", "d"), ("au", "moins"), ("minimum",), ("presque",), ("bientot",), ("pres", "de"))
AT_MOST = (("moins", "de"), ("moins", "d"), ("au", "plus"), ("maximum",), ("pas", "encore"))
ABOUT = (("environ",), ("a", "peu", "pres"), ("quasiment",), ("dans", "les"), ("vers",))


def _words(text: str) -> List[str]:
    # « 3ans », « 1an1/2 », « 18m » : split digits from letters so each is a word.
    text = fold(text).replace("½", " et demi ").replace("1/2", " et demi ")
    text = re.sub(r"(\d)([a-z])", r"\1 \2", text)
    text = re.sub(r"([a-z])(\d)", r"\1 \2", text)
    return re.findall(r"-?\d+(?:[.,]\d+)?|[a-z]+", text)


def _number(word: str) -> Optional[float]:
    if re.fullmatch(r"-?\d+(?:[.,]\d+)?", word):
        return float(word.replace(",", "."))
    return NUMBERS.get(word)


def _qualifier(words: List[str], index: int) -> Optional[Precision]:
    before = tuple(words[max(0, index - 3):index])
    for phrases, precision in ((AT_LEAST, Precision.AT_LEAST), (AT_MOST, Precision.AT_MOST), (ABOUT, Precision.ABOUT)):
        if any(before[-len(p):] == p for p in phrases):
            return precision
    return None


def _since_year(words: List[str], on: date) -> Optional[Duration]:
    for i, word in enumerate(words[:-1]):
        if word == "depuis" and re.fullmatch(r"(19|20)\d\d", words[i + 1]):
            year = int(words[i + 1])
            if year > on.year:
                return Duration(None, Precision.INVALID, "cette année est dans le futur")
            return Duration(float((on.year - year) * 12 + on.month - 1), Precision.ABOUT)
    return None


def parse(text: str, on: Optional[date] = None) -> Duration:
    """The duration a visitor wrote, in months, with how precise it is."""
    words = _words(text or "")
    if not words:
        return Duration(None, Precision.INVALID, "je n'ai pas trouvé de durée")
    since = _since_year(words, on or date.today())
    if since is not None:
        return since
    total, found, approximate = 0.0, False, False
    precision: Optional[Precision] = None
    i = 0
    while i < len(words):
        word = words[i]
        if word in VAGUE and i + 1 < len(words) and words[i + 1] in UNITS:
            return Duration(None, Precision.VAGUE, "pouvez-vous donner un chiffre, même approximatif ?")
        value = _number(word)
        if value is not None:
            j = i + 1
            while j < len(words) and words[j] in ("d", "de"):  # « une dizaine d'années »
                j += 1
            if j < len(words) and words[j] in UNITS:
                if value < 0:
                    return Duration(None, Precision.INVALID, "une durée ne peut pas être négative")
                amount = value * UNITS[words[j]]
                if j + 2 < len(words) and words[j + 1] == "et" and words[j + 2] in ("demi", "demie"):
                    amount += UNITS[words[j]] / 2
                    j += 2
                total += amount
                found = True
                approximate = approximate or word in APPROXIMATE_NUMBERS
                precision = precision or _qualifier(words, i)
                i = j + 1
                continue
        if word in ("demi", "demie") and i + 1 < len(words) and words[i + 1] in UNITS:  # « un demi-an »
            total += UNITS[words[i + 1]] / 2
            found = True
            i += 2
            continue
        i += 1
    if not found:
        return Duration(None, Precision.INVALID, "je n'ai pas trouvé de durée")
    if total > MAX_MONTHS:
        return Duration(None, Precision.INVALID, "cette durée dépasse une vie professionnelle")
    if precision is None:
        precision = Precision.ABOUT if approximate else Precision.EXACT
    return Duration(round(total, 1), precision)


def in_words(months: float) -> str:
    """18 -> « 1 an et 6 mois »; for summaries."""
    years, rest = divmod(int(round(months)), 12)
    parts: List[str] = []
    if years:
        parts.append(f"{years} an{'s' if years > 1 else ''}")
    if rest or not parts:
        parts.append(f"{rest} mois")
    return " et ".join(parts)


__all__: Tuple[str, ...] = ("Duration", "Precision", "parse", "in_words")
