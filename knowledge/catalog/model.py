"""Typed records of the certification catalog. Plain dataclasses: no Rasa, no I/O."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Optional, Tuple

FICHE_URL = "https://www.francecompetences.fr/recherche/{register}/{number}/"
BY_EXPERIENCE = "Par expérience"


def fiche_url(number: str) -> str:
    """The France compétences page of a fiche: « RS6117 » -> …/recherche/rs/6117/."""
    register = "rs" if number.startswith("RS") else "rncp"
    return FICHE_URL.format(register=register, number=number[len(register):])


class Registration(str, Enum):
    """Where a fiche stands on a given day."""

    ACTIVE = "active"
    EXPIRED = "expired"
    UNKNOWN = "unknown"  # the export gives neither a state nor an end date


@dataclass(frozen=True)
class Bloc:
    code: str
    label: str


@dataclass(frozen=True)
class Branch:
    id: str
    label: str
    cqp_count: int = 0


@dataclass(frozen=True)
class Certification:
    """One fiche of the RNCP or the RS, as the export describes it."""

    number: str  # « RNCP34172 », « RS6117 »
    title: str
    is_cqp: bool
    level: Optional[str] = None  # « Niveau 3 »; None for RS fiches and old « REPRISE » fiches
    active_flag: Optional[bool] = None  # the export's `Actif`, true on the day of the export
    end_date: Optional[date] = None  # `Date_Fin_Enregistrement`
    branch: Optional[Branch] = None
    certifiers: Tuple[str, ...] = ()
    blocs: Tuple[Bloc, ...] = ()
    access_routes: Tuple[str, ...] = ()  # `Si_Jury` values; empty when the export lists none
    replaced_by: Tuple[str, ...] = ()
    replaces: Tuple[str, ...] = ()

    @property
    def register(self) -> str:
        """« rncp » or « rs », as the knowledge rules name registrations."""
        return "rs" if self.number.startswith("RS") else "rncp"

    @property
    def digits(self) -> str:
        return self.number[len(self.register):]

    @property
    def url(self) -> str:
        return fiche_url(self.number)

    def registration(self, on: date) -> Registration:
        """Registered on that day? The end date decides where the export gives one: the
        `Actif` flag is only true on the day the export was made."""
        if self.active_flag is False:
            return Registration.EXPIRED
        if self.end_date is not None:
            return Registration.ACTIVE if on <= self.end_date else Registration.EXPIRED
        return Registration.ACTIVE if self.active_flag else Registration.UNKNOWN

    @property
    def routes_known(self) -> bool:
        return bool(self.access_routes)

    @property
    def by_experience(self) -> Optional[bool]:
        """Does the fiche list « Par expérience » among its access routes? None when it lists none."""
        return BY_EXPERIENCE in self.access_routes if self.access_routes else None


@dataclass(frozen=True)
class Match:
    certification: Certification
    score: float  # 0 to 100


@dataclass(frozen=True)
class SearchResult:
    """Ranked matches; `confident` when the first one clearly stands out."""

    query: str
    matches: Tuple[Match, ...]
    by_number: bool = False

    @property
    def best(self) -> Optional[Certification]:
        return self.matches[0].certification if self.matches else None
