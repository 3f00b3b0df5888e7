"""Facts read from what visitors write in French: durations, dates and periods, départements
and postcodes, phone numbers, email addresses, yes/no/unknown, the route, the status and the dossier field named in a short answer.

Pure Python, no Rasa. Every reading says how precise it is (`Precision`) and why, in French,
and renders what it understood in figures (`said()`) so that a visitor can see a misreading
and correct it. Keyword lists are matched on folded whole words, never on substrings.
"""
from __future__ import annotations

from .answers import NO, UNKNOWN, YES, YesNo, read_yes_no
from .base import Precision, mentions, words
from .choices import (FIELD_WORDS, NO_EXPERIENCE, ROUTE_WORDS, STATUS_WORDS, Choice, read_choice, read_experience,
                      read_field, read_route, read_status)
from .contacts import Email, Phone, read_email, read_phone
from .dates import Period, read_period
from .durations import DurationReading, in_figures, read_duration
from .places import DEPARTEMENTS, Place, departement_of_postcode, read_departement

__all__ = (
    "Choice", "FIELD_WORDS", "NO_EXPERIENCE", "ROUTE_WORDS", "read_choice", "read_experience", "read_field", "read_route",
    "STATUS_WORDS", "read_status",
    "DEPARTEMENTS", "DurationReading", "Email", "NO", "Period", "Phone", "Place", "Precision", "UNKNOWN", "YES",
    "YesNo", "departement_of_postcode", "in_figures", "mentions", "read_departement", "read_duration", "read_email",
    "read_period", "read_phone", "read_yes_no", "words",
)
