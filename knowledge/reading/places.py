"""Départements and postcodes: « 69 », « 2A », « 974 », « 69003 », « 20200 », « dans le 13 »."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List, Optional

from ..french import fold
from .base import MAX_CHARS, Precision

DEPARTEMENTS = frozenset(
    [f"{n:02d}" for n in range(1, 96) if n != 20] + ["2A", "2B"] + [str(n) for n in range(971, 977)]
)
# Corsican postcodes below 20200 are in Corse-du-Sud, the others in Haute-Corse.
CORSICA_SPLIT = 20200


@dataclass(frozen=True)
class Place:
    departement: Optional[str]
    precision: Precision
    reason: str
    postcode: Optional[str] = None

    def said(self) -> str:
        if self.departement is None:
            return "département non compris"
        if self.postcode:
            return f"département {self.departement} (code postal {self.postcode})"
        return f"département {self.departement}"


def departement_of_postcode(code: str) -> Optional[str]:
    """« 69003 » -> « 69 », « 20090 » -> « 2A », « 97411 » -> « 974 »; None for no French département."""
    if len(code) != 5 or not code.isdigit():
        return None
    if code.startswith("20"):
        return "2A" if int(code) < CORSICA_SPLIT else "2B"
    number = code[:3] if code.startswith("97") else code[:2]
    return number if number in DEPARTEMENTS else None


def _candidates(text: str) -> List[Place]:
    found: List[Place] = []
    tokens = re.findall(r"[a-z0-9]+", fold((text or "")[:MAX_CHARS]))
    for i, token in enumerate(tokens):
        if token == "2" and tokens[i + 1:i + 2] in (["a"], ["b"]):  # « 2 B »
            token = "2" + tokens[i + 1]
        if token in ("2a", "2b"):
            found.append(Place(token.upper(), Precision.EXACT, "numéro de département"))
        elif token.isdigit() and len(token) == 5:
            departement = departement_of_postcode(token)
            if departement is None:
                found.append(Place(None, Precision.INVALID, f"{token} n'est pas un code postal de département français"))
            else:
                found.append(Place(departement, Precision.EXACT, "déduit du code postal", token))
        elif token.isdigit() and len(token) <= 3:
            number = token.zfill(2) if len(token) < 3 else token
            if number in DEPARTEMENTS:
                found.append(Place(number, Precision.EXACT, "numéro de département"))
            elif number == "20":
                found.append(Place(None, Precision.VAGUE, "la Corse a deux départements : 2A (Corse-du-Sud) ou 2B (Haute-Corse) ?"))
            else:
                found.append(Place(None, Precision.INVALID, f"{token} n'est pas un numéro de département"))
        elif token.isdigit():
            found.append(Place(None, Precision.INVALID, "ce nombre n'est ni un département ni un code postal"))
    return found


def read_departement(text: str) -> Place:
    """The département a visitor gave, from its number or a postcode."""
    candidates = _candidates(text)
    good = {c.departement for c in candidates if c.departement is not None}
    if len(good) == 1:
        return next(c for c in candidates if c.departement is not None)
    if len(good) > 1:
        listed = " ou ".join(sorted(good))
        return Place(None, Precision.VAGUE, f"j'ai lu plusieurs départements ({listed}) : lequel est le vôtre ?")
    if candidates:
        return candidates[0]
    return Place(None, Precision.INVALID, "je n'ai trouvé ni numéro de département ni code postal")
