"""Phone numbers (French by default, international ones accepted) and email addresses."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import phonenumbers

from .base import MAX_CHARS, Precision

# Domains often mistyped, and what was meant.
DOMAIN_TYPOS = {
    "gmail.con": "gmail.com", "gmail.fr": "gmail.com", "gmial.com": "gmail.com", "gmai.com": "gmail.com",
    "gmail.co": "gmail.com", "gamil.com": "gmail.com", "hotmail.con": "hotmail.com", "hotmial.fr": "hotmail.fr",
    "hotmal.fr": "hotmail.fr", "orange.com": "orange.fr", "wanadoo.com": "wanadoo.fr", "yahoo.con": "yahoo.com",
    "outlook.con": "outlook.com", "free.com": "free.fr", "sfr.com": "sfr.fr", "laposte.com": "laposte.net",
}


@dataclass(frozen=True)
class Phone:
    number: Optional[str]  # E.164: +33612345678
    precision: Precision
    reason: str
    national: bool = True  # a French number

    def said(self) -> str:
        if self.number is None:
            return "numéro non compris"
        parsed = phonenumbers.parse(self.number)
        style = phonenumbers.PhoneNumberFormat.NATIONAL if self.national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
        return phonenumbers.format_number(parsed, style)


@dataclass(frozen=True)
class Email:
    address: Optional[str]
    precision: Precision
    reason: str

    def said(self) -> str:
        return self.address or "adresse non comprise"


def read_phone(text: str, region: str = "FR") -> Phone:
    """The first valid phone number of the text; French unless it starts with + or 00."""
    text = (text or "")[:MAX_CHARS]
    if sum(c.isdigit() for c in text) < 6:
        return Phone(None, Precision.INVALID, "je n'ai pas trouvé de numéro de téléphone")
    try:
        for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID, max_tries=20):
            number = match.number
            french = phonenumbers.region_code_for_number(number) in ("FR", "GP", "MQ", "GF", "RE", "YT", "PM")
            reason = "numéro français" if french else "numéro international"
            return Phone(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
                         Precision.EXACT, reason, french)
    except phonenumbers.NumberParseException:
        pass
    return Phone(None, Precision.INVALID,
                 "ce numéro n'est pas valide : par exemple 06 12 34 56 78 ou +33 6 12 34 56 78")


def read_email(text: str) -> Email:
    """The email address of the text, checked soberly: one @, a domain with a dot, no space."""
    words = [w.strip("<>()[]{},;:!?\"'«».") for w in (text or "")[:MAX_CHARS].split()]
    candidates = [w for w in words if "@" in w]
    if not candidates:
        return Email(None, Precision.INVALID, "je n'ai pas trouvé d'adresse électronique")
    address = candidates[0]
    local, _, domain = address.rpartition("@")
    domain = domain.lower()
    if (not local or len(local) > 64 or "@" in local or len(address) > 254 or ".." in address
            or not re.fullmatch(r"[A-Za-z0-9._%+'-]+", local) or local[0] == "." or local[-1] == "."
            or not re.fullmatch(r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}", domain)
            or any(label.startswith("-") or label.endswith("-") for label in domain.split("."))):
        return Email(None, Precision.INVALID, "cette adresse n'est pas valide : par exemple prenom.nom@exemple.fr")
    address = f"{local}@{domain}"
    if domain in DOMAIN_TYPOS:
        return Email(address, Precision.VAGUE, f"vouliez-vous écrire {local}@{DOMAIN_TYPOS[domain]} ?")
    return Email(address, Precision.EXACT, "adresse électronique")
