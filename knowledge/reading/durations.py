"""Durations of experience as people write them in French.

Numbers in words go through text2num (« dix-huit » is 18, « vingt-cinq » 25), then a small
grammar over words: a number and its unit, « et demi », qualifiers before (« plus de »,
« presque ») or after (« et quelques », « minimum »), ranges (« entre 2 et 3 ans »,
« de 3 à 5 ans », « 2-3 ans »), « dont » that introduces a part already counted, and dates
(« depuis janvier 2024 », « de 2019 à 2023 ») counted up to the day of the reading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Tuple

from text_to_num import alpha2digit

from ..french import fold
from .base import MAX_CHARS, Precision
from .dates import read_period

MAX_MONTHS = 12 * 60  # a working life; beyond it the figure is a typo or a joke
YEAR = ("an", "ans", "annee", "annees", "anne", "annes", "anee", "anees", "annnee", "annnees", "ann", "ane", "anss")
MONTH = ("mois", "moi", "moiss", "mios", "m")
UNITS = {**{u: 12.0 for u in YEAR}, **{u: 1.0 for u in MONTH},
         "semaine": 12 / 52, "semaines": 12 / 52, "sem": 12 / 52,
         "jour": 12 / 365, "jours": 12 / 365, "j": 12 / 365}
# Units that are also ordinary words: only read right after a number.
BARE_UNITS = {"a", "m", "j", "moi", "ane", "sem"}
GROUPS = {"dizaine": 10, "dizaines": 10, "douzaine": 12, "douzaines": 12, "quinzaine": 15, "vingtaine": 20,
          "trentaine": 30, "quarantaine": 40, "cinquantaine": 50}
# Misspellings seen in answers, mapped before the numbers in words are read.
TYPOS = {"trante": "trente", "vint": "vingt", "vingts": "vingt", "quatorse": "quatorze", "cinquente": "cinquante",
         "dixhuit": "dix huit", "dixsept": "dix sept", "dixneuf": "dix neuf", "deu": "deux", "troi": "trois",
         "sis": "six", "cat": "quatre", "quatres": "quatre", "cinqs": "cinq", "douz": "douze", "uns": "un"}
VAGUE = {"quelques", "quelque", "plusieurs", "longtemps", "beaucoup", "peu", "nombreuses", "nombreux", "certain"}
BEFORE = (
    (Precision.AT_LEAST, (("plus", "de"), ("plus", "d"), ("au", "moins"), ("minimum",), ("au", "minimum"), ("plus", "que"),
                          ("superieur", "a"), ("bien", "plus", "de"), ("pas", "moins", "de"))),
    (Precision.AT_MOST, (("moins", "de"), ("moins", "d"), ("au", "plus"), ("maximum",), ("au", "maximum"), ("presque",),
                         ("bientot",), ("pas", "encore"), ("quasiment",), ("quasi",), ("pas", "tout", "a", "fait"),
                         ("a", "peine"), ("inferieur", "a"), ("pas", "plus", "de"), ("jusqu", "a"))),
    (Precision.ABOUT, (("environ",), ("a", "peu", "pres"), ("dans", "les"), ("vers",), ("autour", "de"), ("pres", "de"),
                       ("approximativement",), ("grosso", "modo"), ("env",), ("en", "gros"))),
)
AFTER = (
    (Precision.AT_LEAST, (("et", "quelques"), ("et", "quelque"), ("et", "plus"), ("passes",), ("passe",), ("minimum",),
                          ("au", "moins"), ("et", "des", "poussieres"), ("voire", "plus"), ("bien", "tasses"), ("min",))),
    (Precision.AT_MOST, (("maximum",), ("max",), ("au", "plus"), ("bientot",), ("pas", "encore"))),
    (Precision.ABOUT, (("environ",), ("a", "peu", "pres"), ("approximativement",), ("ou", "presque"), ("env",))),
)
# « j'ai 35 ans et 10 ans d'expérience » : an age, not experience, when another duration follows.
AGE = (("j", "ai"), ("age", "de"), ("agee", "de"), ("age", "e", "de"))
REASONS = {
    Precision.EXACT: "la durée est donnée",
    Precision.AT_LEAST: "c'est un minimum",
    Precision.AT_MOST: "c'est un maximum",
    Precision.ABOUT: "c'est une approximation",
    Precision.RANGE: "c'est une fourchette : il faudra préciser si la décision en dépend",
}


@dataclass(frozen=True)
class DurationReading:
    months: Optional[float]      # the value, or the lower bound of a range
    precision: Precision
    reason: str
    high: Optional[float] = None  # the upper bound of a range

    @property
    def usable(self) -> bool:
        return self.months is not None and self.precision not in (Precision.VAGUE, Precision.INVALID)

    def said(self) -> str:
        """The reading in figures, for a confirmation: « 18 mois (1 an et demi) », « 25 ans »."""
        if self.months is None:
            return "durée non comprise"
        if self.precision == Precision.RANGE and self.high is not None:
            low, high = self.months, self.high
            if low % 12 == 0 and high % 12 == 0 and low:
                return f"entre {int(low // 12)} et {_years(high)}"
            return f"entre {_figure(low)} et {_figure(high)} mois"
        prefix = {Precision.AT_LEAST: "au moins ", Precision.AT_MOST: "au plus ", Precision.ABOUT: "environ "}
        return prefix.get(self.precision, "") + in_figures(self.months)


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}".replace(".", ",")


def _years(months: float) -> str:
    years = int(months // 12)
    return f"{years} an{'s' if years > 1 else ''}"


def in_figures(months: float) -> str:
    """18 -> « 18 mois (1 an et demi) », 300 -> « 25 ans », 0.5 -> « 2 semaines »."""
    if months < 1 and months > 0:
        weeks = max(1, round(months * 52 / 12))
        return f"{weeks} semaine{'s' if weeks > 1 else ''}"
    if months >= 12 and months % 12 == 0:
        return _years(months)
    text = f"{_figure(months)} mois"
    if months > 12:
        years, rest = divmod(months, 12)
        rest_text = "et demi" if rest == 6 else f"et {_figure(rest)} mois"
        text += f" ({_years(years * 12)} {rest_text})"
    return text


def _tokens(text: str) -> List[str]:
    # Before folding: NFKD turns « ½ » into « 1⁄2 ».
    text = fold((text or "")[:MAX_CHARS].replace("½", " et demi ")).replace("1/2", " et demi ")
    # « 18mois », « 3ans », « 1an6 » : digits and letters glued together are separate words.
    text = re.sub(r"(\d)([a-z])", r"\1 \2", text)
    text = re.sub(r"([a-z])(\d)", r"\1 \2", text)
    raw = re.findall(r"\d+(?:[.,]\d+)?|[a-z]+|-", text.replace("-", " - "))
    # « dix - huit »: a hyphen between words is a space; between figures it is a range.
    kept = [t for i, t in enumerate(raw) if t != "-" or _hyphen_kept(raw, i)]
    spelled = " ".join(TYPOS.get(t, t) for t in kept)
    try:
        spelled = alpha2digit(spelled, "fr", threshold=0)
    except Exception:  # the parser is a compiled extension: never let it end a conversation
        pass
    return re.findall(r"\d+(?:[.,]\d+)?|[a-z]+|-", spelled)


def _hyphen_kept(raw: List[str], i: int) -> bool:
    before = raw[i - 1] if i > 0 else ""
    after = raw[i + 1] if i + 1 < len(raw) else ""
    return after[:1].isdigit() and (not before or before[:1].isdigit())


def _number(token: str) -> Optional[float]:
    if not token[:1].isdigit() or len(token) > 7:  # a longer figure is no duration, and int() of it is slow
        return None
    return float(token.replace(",", "."))


def _ends_with(tokens: List[str], index: int, table) -> Optional[Precision]:
    before = tuple(tokens[max(0, index - 4):index])
    for precision, phrases in table:
        if any(len(before) >= len(p) and before[-len(p):] == p for p in phrases):
            return precision
    return None


def _starts_with(tokens: List[str], index: int, table) -> Optional[Tuple[Precision, int]]:
    for precision, phrases in table:
        for phrase in phrases:
            if tuple(tokens[index:index + len(phrase)]) == phrase:
                return precision, len(phrase)
    return None


@dataclass
class _Amount:
    months: float
    start: int  # index of its number
    end: int    # index after its unit
    approximate: bool


def _amount_at(tokens: List[str], i: int) -> Optional[_Amount]:
    """A number and its unit starting at tokens[i]: « 3 ans », « 1 an et demi », « une dizaine d'années »."""
    value = _number(tokens[i])
    approximate = False
    j = i + 1
    if value is None:
        if tokens[i] in ("demi", "demie") and j < len(tokens) and tokens[j] in UNITS and tokens[j] not in BARE_UNITS:
            return _Amount(UNITS[tokens[j]] / 2, i, j + 1, False)
        if tokens[i] in GROUPS:  # « dizaine d'années » without its article
            value, approximate = float(GROUPS[tokens[i]]), True
        else:
            return None
    elif j < len(tokens) and tokens[j] in GROUPS:  # text2num reads « une dizaine » as « 1 dizaine »
        value, approximate, j = value * GROUPS[tokens[j]], True, j + 1
    while j < len(tokens) and tokens[j] in ("d", "de"):
        j += 1
    if j >= len(tokens) or tokens[j] not in UNITS:
        return None
    unit = UNITS[tokens[j]]
    months = value * unit
    j += 1
    if j + 1 < len(tokens) and tokens[j] == "et" and tokens[j + 1] in ("demi", "demie"):
        months += unit / 2
        j += 2
    elif j < len(tokens) and tokens[j] in ("demi", "demie"):  # « 1 an demi »
        months += unit / 2
        j += 1
    return _Amount(months, i, j, approximate)


def _range_at(tokens: List[str], i: int) -> Optional[Tuple[float, float, int]]:
    """« 2 et 3 ans », « 3 à 5 ans », « 2-3 ans », « 2 ou 3 ans », « 1 an et 2 ans »: (low, high, end)."""
    low = _number(tokens[i])
    if low is None:
        return None
    j = i + 1
    first = _amount_at(tokens, i)
    if first is not None:
        j = first.end
    if j + 1 >= len(tokens) or tokens[j] not in ("a", "et", "-", "ou"):
        return None
    second = _amount_at(tokens, j + 1)
    if second is None:
        return None
    if first is None:  # the unit is said once, after the second number
        unit = second.months / _number(tokens[j + 1]) if _number(tokens[j + 1]) else None
        if unit is None:
            return None
        low_months = low * unit
    else:
        low_months = first.months
    if tokens[j] == "et" and first is not None and (i == 0 or tokens[i - 1] != "entre"):
        return None  # « 1 an et 6 mois » is a sum, not a range
    return low_months, second.months, second.end


def read_duration(text: str, on: Optional[date] = None) -> DurationReading:
    """The duration a visitor wrote, in months, with how precise it is and why."""
    on = on or date.today()
    tokens = _tokens(text)
    if not tokens:
        return DurationReading(None, Precision.INVALID, "je n'ai pas trouvé de durée")
    dated = _from_dates(text, tokens, on)
    if dated is not None:
        return dated
    total, found, approximate = 0.0, False, False
    precision: Optional[Precision] = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == "dont" or (token == "y" and tokens[i + 1:i + 2] == ["compris"]):
            if found:  # « 3 ans dont 1 an en CDD » : the part is already in the whole
                break
        if token == "-" and not found and i + 1 < len(tokens) and _amount_at(tokens, i + 1) is not None:
            if i == 0 or _number(tokens[i - 1]) is None:
                return DurationReading(None, Precision.INVALID, "une durée ne peut pas être négative")
        if token in VAGUE and i + 1 < len(tokens) and (tokens[i + 1] in UNITS and tokens[i + 1] not in BARE_UNITS
                                                       or tokens[i + 1] == "temps"):
            if not found:
                return DurationReading(None, Precision.VAGUE, "pouvez-vous donner un chiffre, même approximatif ?")
        if not found:
            ranged = _range_at(tokens, i)
            if ranged is not None:
                low, high, _ = ranged
                return _range(low, high, _ends_with(tokens, i, BEFORE))
        amount = _amount_at(tokens, i)
        if amount is None:
            i += 1
            continue
        if _ends_with(tokens, i, ((True, AGE),)) and any(_amount_at(tokens, k) for k in range(amount.end, len(tokens))):
            i = amount.end
            continue
        total += amount.months
        approximate = approximate or amount.approximate
        precision = precision or _ends_with(tokens, i, BEFORE)
        found = True
        after = _starts_with(tokens, amount.end, AFTER)
        if after is not None:
            precision = precision or after[0]
            i = amount.end + after[1]
            continue
        i = amount.end
    if not found:
        return DurationReading(None, Precision.INVALID, "je n'ai pas trouvé de durée")
    if total > MAX_MONTHS:
        return DurationReading(None, Precision.INVALID, "cette durée dépasse une vie professionnelle")
    if precision is None:
        precision = Precision.ABOUT if approximate else Precision.EXACT
    return DurationReading(round(total, 1), precision, REASONS[precision])


def _range(low: float, high: float, before: Optional[Precision]) -> DurationReading:
    if high < low:
        low, high = high, low
    if high > MAX_MONTHS:
        return DurationReading(None, Precision.INVALID, "cette durée dépasse une vie professionnelle")
    if low == high:
        return DurationReading(round(low, 1), before or Precision.EXACT, REASONS[before or Precision.EXACT])
    return DurationReading(round(low, 1), Precision.RANGE, REASONS[Precision.RANGE], round(high, 1))


def _from_dates(text: str, tokens: List[str], on: date) -> Optional[DurationReading]:
    """« depuis janvier 2024 », « depuis 2019 », « de 2019 à 2023 »: counted up to `on`."""
    has_year = any(len(t) == 4 and t.isdigit() and t[:2] in ("19", "20") for t in tokens)
    if not has_year or any(t in UNITS and t not in BARE_UNITS for t in tokens):
        return None
    period = read_period(text, on)
    if period.precision == Precision.INVALID:
        return DurationReading(None, Precision.INVALID, period.reason)
    months = period.months(on)
    if months is None:
        return None
    if period.end is not None and not period.month_known and period.start is not None:
        # « de 2019 à 2023 » : the months are not said, the middle is the best guess
        months = (period.end.year - period.start.year) * 12
    return DurationReading(float(months), Precision.ABOUT, f"compté {period.said()}")


__all__ = ("DurationReading", "MAX_MONTHS", "in_figures", "read_duration")
