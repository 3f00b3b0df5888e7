"""A pre-qualification dossier: what a visitor agreed to send to a CEP advisor.

The checks live here rather than in the database so that the bot, the store and the
command line refuse the same dossiers with the same French messages. The messages name
the field and the rule, never the value: a refused value may be personal data.
"""
from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timezone
from typing import Any, List, Mapping, Optional

# Corsica has had no « 20 » since 1976; 975 is Saint-Pierre-et-Miquelon.
DEPARTEMENTS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
)
CONTACT_KINDS = ("email", "phone")
# The keys of knowledge/data/profile.yml's statuses (a test keeps both lists equal): a
# crafted `/inform{"status": …}` must not reach an advisor's dossier.
STATUSES = ("salarie", "demandeur_emploi", "independant", "agent_public", "benevole", "jeune", "cadre")
# The operator that reveals a recognised disability, health data (RGPD art. 9): a dossier
# may name it only with the visitor's explicit consent to that question.
HEALTH_OPERATORS = ("cap_emploi",)
OPERATORS = ("france_travail", "apec", "cap_emploi", "mission_locale", "cep_regional", "employeur_public")
ROUTES = ("formation", "vae")

MAX_LENGTHS = {
    "conversation_id": 255,
    "consent_version": 50,
    "status": 40,
    "target_number": 20,
    "target_title": 500,
    "branch": 200,
    "financing": 200,
    "project": 1000,
    "contact": 254,
    "availability": 300,
    "operator_reason": 500,
}
REQUIRED_TEXTS = ("conversation_id", "consent_version", "contact", "operator_reason")
OPTIONAL_TEXTS = ("status", "target_number", "target_title", "branch", "route", "financing")
FREE_TEXTS = ("project", "availability")

FIELD_LABELS = {
    "id": "identifiant",
    "created_at": "date de réception",
    "conversation_id": "identifiant de conversation",
    "rules_date": "date des règles",
    "consent_at": "date du consentement",
    "consent_version": "version du consentement",
    "health_consent_at": "date du consentement à la question sur le handicap (RQTH)",
    "status": "statut",
    "target_number": "numéro de la certification",
    "target_title": "intitulé de la certification",
    "branch": "branche",
    "route": "voie",
    "experience_months": "expérience (mois)",
    "financing": "financement",
    "outcomes": "résultats",
    "project": "projet",
    "departement": "département",
    "contact_kind": "type de contact",
    "contact": "contact",
    "availability": "disponibilités",
    "operator": "opérateur CEP",
    "operator_reason": "motif du choix de l'opérateur",
}

EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
PHONE_SEPARATORS = re.compile(r"[\s.()-]")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass(frozen=True, kw_only=True)
class Dossier:
    """Fields in the order of the exports; `id` and `created_at` are set when left out."""

    id: str = field(default_factory=_new_id)
    created_at: datetime = field(default_factory=_now)
    conversation_id: str
    rules_date: date
    consent_at: datetime
    consent_version: str
    # Set only when the visitor agreed, separately, to answer the RQTH question (health data).
    health_consent_at: Optional[datetime] = None
    # The visitor's situation, as the assistant understood it.
    status: Optional[str] = None
    target_number: Optional[str] = None
    target_title: Optional[str] = None
    branch: Optional[str] = None
    route: Optional[str] = None
    experience_months: Optional[float] = None
    financing: Optional[str] = None
    outcomes: Mapping[str, Any] = field(default_factory=dict)
    # Personal data.
    project: str
    departement: str
    contact_kind: str
    contact: str
    availability: str
    # The hand-off.
    operator: str
    operator_reason: str

    def validate(self) -> "Dossier":
        """Raises ValueError listing every problem, in French; returns the dossier when valid."""
        problems = _problems(self)
        if problems:
            raise ValueError("Dossier refusé : " + " ; ".join(problems) + ".")
        return self


FIELD_NAMES = tuple(f.name for f in fields(Dossier))


def _problems(d: Dossier) -> List[str]:
    problems: List[str] = []

    def refuse(name: str, rule: str) -> None:
        problems.append(f"{FIELD_LABELS[name]} : {rule}")

    if not _is_uuid4(d.id):
        refuse("id", "un UUID version 4 est attendu")
    for name in ("created_at", "consent_at"):
        value = getattr(d, name)
        if not isinstance(value, datetime) or value.utcoffset() is None:
            refuse(name, "une date et heure avec fuseau horaire est attendue")
    if d.health_consent_at is not None and (not isinstance(d.health_consent_at, datetime)
                                            or d.health_consent_at.utcoffset() is None):
        refuse("health_consent_at", "une date et heure avec fuseau horaire est attendue")
    if not isinstance(d.rules_date, date) or isinstance(d.rules_date, datetime):
        refuse("rules_date", "une date (sans heure) est attendue")

    for name in REQUIRED_TEXTS:
        value = getattr(d, name)
        if not isinstance(value, str) or not value.strip():
            refuse(name, "obligatoire")
    for name in OPTIONAL_TEXTS:
        value = getattr(d, name)
        if value is not None and not isinstance(value, str):
            refuse(name, "un texte est attendu")
    for name in FREE_TEXTS:
        if not isinstance(getattr(d, name), str):
            refuse(name, "un texte est attendu (éventuellement vide)")
    for name, limit in MAX_LENGTHS.items():
        value = getattr(d, name)
        if isinstance(value, str) and len(value) > limit:
            refuse(name, f"{limit} caractères au plus")

    if isinstance(d.status, str) and d.status not in STATUSES:
        refuse("status", "un de " + ", ".join(STATUSES))
    if d.route is not None and d.route not in ROUTES:
        refuse("route", "formation ou vae")
    if d.experience_months is not None and not _is_duration(d.experience_months):
        refuse("experience_months", "un nombre de mois positif ou nul est attendu")
    if not _is_json_object(d.outcomes):
        refuse("outcomes", "un dictionnaire sérialisable en JSON est attendu")

    if d.departement not in DEPARTEMENTS:
        refuse("departement", "un code de département français est attendu (01 à 95, 2A, 2B, 971 à 976)")
    if d.contact_kind not in CONTACT_KINDS:
        refuse("contact_kind", "email ou phone")
    elif isinstance(d.contact, str) and d.contact.strip() and not _is_contact(d.contact_kind, d.contact):
        refuse("contact", "adresse électronique invalide" if d.contact_kind == "email" else "numéro de téléphone invalide")
    if d.operator not in OPERATORS:
        refuse("operator", "un de " + ", ".join(OPERATORS))
    elif d.operator in HEALTH_OPERATORS and d.health_consent_at is None:
        refuse("operator", "cet opérateur révèle une donnée de santé : le consentement explicite à la question "
                           "sur le handicap est requis")
    return problems


def _is_uuid4(value: Any) -> bool:
    try:
        parsed = uuid.UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return parsed.version == 4 and str(parsed) == value


def _is_duration(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _is_json_object(value: Any) -> bool:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        return False
    try:
        json.dumps(dict(value), allow_nan=False)
    except (TypeError, ValueError):
        return False
    return True


def contact_kind(text: str) -> Optional[str]:
    """« email » or « phone » when the text is one, else None: how the bot reads a contact."""
    text = text.strip()
    for kind in CONTACT_KINDS:
        if _is_contact(kind, text):
            return kind
    return None


def _is_contact(kind: str, contact: str) -> bool:
    if kind == "email":
        return EMAIL.fullmatch(contact) is not None
    digits = PHONE_SEPARATORS.sub("", contact)
    return re.fullmatch(r"\+?\d{9,15}", digits) is not None


def contact_key(kind: str, contact: str) -> str:
    """What two spellings of one contact share, so that an erasure request finds every
    dossier of that person: an address in lower case; a number's digits, with +33 or 0033
    read as the leading 0 (« +33 6 12 34 56 78 » is « 06.12.34.56.78 »)."""
    text = contact.strip()
    if kind == "email":
        return text.casefold()
    digits = PHONE_SEPARATORS.sub("", text)
    for prefix in ("+33", "0033"):
        if digits.startswith(prefix):
            return "0" + digits[len(prefix):]
    return digits
