"""French formatting of dates and amounts, as a visitor reads them."""
from __future__ import annotations

from datetime import date
import unicodedata

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def date_in_words(day: date) -> str:
    """2024-01-01 -> « 1er janvier 2024 »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def amount(value: float, unit: str, decimals: int) -> str:
    """103.2 € with 2 decimals -> « 103,20 € »; 100 € -> « 100 € »; 1500 € -> « 1 500 € »."""
    shown = 0 if float(value).is_integer() else decimals
    text = f"{value:,.{shown}f}".replace(",", "\u202f").replace(".", ",")
    return f"{text}\u00a0{unit}"


def fold(text: str) -> str:
    """Lower case without accents: « Évaluation » -> « evaluation », for matching what people type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
