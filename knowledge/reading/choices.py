"""Choices named in a short answer: the route (formation or VAE), the field of a dossier to
correct, « aucune expérience ». Each list is data, matched on whole folded words only:
« plus d'informations » names no route, « quand » is not found in « quant à »."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Mapping, Optional, Sequence

from .base import Precision, find_phrase, words
from .durations import DurationReading, read_duration

# Answers that say « no experience at all »; the whole answer must be one of them, since
# « aucune idée » or « rien de plus que 2 ans » say something else.
NO_EXPERIENCE = (
    "aucune", "aucun", "rien", "zero", "0", "pas d experience", "aucune experience", "jamais", "pas du tout",
    "0 mois", "0 an", "zero mois", "sans experience", "pas encore", "nulle", "neant",
)

ROUTE_WORDS: Mapping[str, Sequence[str]] = {
    "formation": ("formation", "formations", "me former", "se former", "une formation", "en formation",
                  "organisme de formation"),
    "vae": ("vae", "v a e", "validation des acquis", "valider mes acquis", "valider mon experience", "par experience",
            "par l experience"),
}

# The dossier fields of the pre-qualification, as a visitor names them in « corriger … ».
FIELD_WORDS: Mapping[str, Sequence[str]] = {
    "project": ("projet", "objectif"),
    "departement": ("departement", "code postal", "habite", "ville", "commune", "region"),
    "contact": ("mail", "email", "e mail", "courriel", "telephone", "tel", "numero", "portable", "contact",
                "adresse", "joindre"),
    "availability": ("dispo", "dispos", "disponibilite", "disponibilites", "horaire", "horaires", "creneau",
                     "creneaux", "quand", "rendez vous", "rdv"),
}


# How visitors name their situation, for each status of knowledge/data/profile.yml (a test
# keeps the keys equal). Temp workers and fixed-term contracts are employees of the private
# sector for these rules; an apprentice too.
STATUS_WORDS: Mapping[str, Sequence[str]] = {
    "salarie": ("salarie", "salariee", "salaries", "cdi", "cdd", "interimaire", "interim", "en poste", "employe",
                "employee", "ouvrier", "ouvriere", "apprenti", "apprentie", "en alternance"),
    "demandeur_emploi": ("demandeur d emploi", "demandeuse d emploi", "chomage", "chomeur", "chomeuse",
                         "sans emploi", "sans travail", "inscrit a france travail", "inscrite a france travail",
                         "en recherche d emploi", "je cherche un emploi", "je cherche du travail"),
    "independant": ("independant", "independante", "auto entrepreneur", "auto entrepreneuse",
                    "micro entrepreneur", "micro entrepreneuse", "freelance", "artisan", "commercant",
                    "commercante", "profession liberale", "chef d entreprise", "a mon compte"),
    "agent_public": ("fonctionnaire", "agent public", "agente publique", "fonction publique", "agent territorial",
                     "agente territoriale", "contractuel de la fonction publique"),
    "benevole": ("benevole", "benevolat", "volontaire", "service civique"),
    "jeune": ("etudiant", "etudiante", "lyceen", "lyceenne", "moins de 26 ans", "jeune"),
    "cadre": ("cadre",),
}


@dataclass(frozen=True)
class Choice:
    value: Optional[str]
    precision: Precision
    reason: str

    def said(self) -> str:
        return self.value or "choix non compris"


def named(text: str, table: Mapping[str, Sequence[str]]) -> List[str]:
    """The keys of the table whose words the text holds as whole words, in the table's order."""
    tokens = words(text)
    return [key for key, keywords in table.items() if find_phrase(tokens, keywords) >= 0]


def read_choice(text: str, table: Mapping[str, Sequence[str]]) -> Choice:
    """The one key of the table the text names; two named is vague, none is invalid."""
    found = named(text, table)
    if len(found) == 1:
        return Choice(found[0], Precision.EXACT, "choix nommé")
    if found:
        return Choice(None, Precision.VAGUE, "j'ai lu plusieurs choix : " + " ou ".join(found))
    return Choice(None, Precision.INVALID, "je n'ai reconnu aucun des choix proposés")


def read_route(text: str) -> Choice:
    """« par la VAE » -> vae, « une formation » -> formation; « plus d'informations » -> nothing."""
    return read_choice(text, ROUTE_WORDS)


def read_field(text: str, fields: Optional[Dict[str, Sequence[str]]] = None) -> Choice:
    """The dossier field a correction names: « corriger mon numéro » -> contact."""
    return read_choice(text, fields or FIELD_WORDS)


def read_status(text: str) -> Choice:
    """« je suis intérimaire » -> salarie, « au chômage » -> demandeur_emploi; two named is vague."""
    return read_choice(text, STATUS_WORDS)


def read_experience(text: str, on: Optional[date] = None) -> DurationReading:
    """A duration of experience; « aucune », « pas d'expérience » alone are 0 months."""
    tokens = words(text)
    if tokens and any(tuple(tokens) == tuple(words(phrase)) for phrase in NO_EXPERIENCE):
        return DurationReading(0.0, Precision.EXACT, "aucune expérience")
    return read_duration(text, on)
