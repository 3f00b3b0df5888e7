"""A dossier as an advisor reads it: one line in a list, or a full page in French."""
from __future__ import annotations

import textwrap
from datetime import datetime
from typing import Any, List, Mapping

from .model import Dossier

# The same words as knowledge/data/profile.yml, which this package must not import.
STATUS_LABELS = {
    "salarie": "salarié ou salariée du privé",
    "demandeur_emploi": "demandeur ou demandeuse d'emploi",
    "cadre": "cadre",
    "independant": "travailleur ou travailleuse indépendant(e)",
    "agent_public": "agent public",
    "benevole": "bénévole",
    "jeune": "jeune de moins de 26 ans",
}
ROUTE_LABELS = {"formation": "formation", "vae": "VAE (validation des acquis de l'expérience)"}
OPERATOR_LABELS = {
    "france_travail": "France Travail",
    "apec": "Apec",
    "cap_emploi": "Cap emploi",
    "mission_locale": "Mission locale",
    "cep_regional": "opérateur CEP régional",
    "employeur_public": "employeur public",
}
CONTACT_LABELS = {"email": "Courriel", "phone": "Téléphone"}
DECISION_LABELS = {"vae": "Droit à la VAE", "cpf": "Utilisation du CPF", "financing": "Financement"}
OUTCOME_LABELS = {"eligible": "éligible", "not_eligible": "non éligible", "to_check": "à vérifier"}
NOT_SAID = "non renseigné"
WIDTH = 88


def summary_line(d: Dossier) -> str:
    """Id, date, département, operator and target: nothing to reach the visitor with."""
    target = " ".join(part for part in (d.target_number, d.target_title) if part) or "(pas de certification visée)"
    return f"{d.id}  {d.created_at:%Y-%m-%d %H:%M} UTC  dép. {d.departement:<3}  {d.operator:<14}  {target}"


def full_page(d: Dossier) -> str:
    lines = [
        f"Dossier de pré-qualification {d.id}",
        f"Reçu le : {_when(d.created_at)}",
        f"Conversation : {d.conversation_id}",
        f"Consentement : donné le {_when(d.consent_at)} (texte version {d.consent_version})",
        f"Question sur le handicap (RQTH, donnée de santé) : {_health_consent(d)}",
        f"Règles appliquées : celles en vigueur le {d.rules_date:%d/%m/%Y}",
        "",
        "SITUATION DÉCRITE PAR LE VISITEUR",
        f"  Statut : {_labelled(d.status, STATUS_LABELS)}",
        f"  Certification visée : {_target(d)}",
        f"  Branche : {d.branch or NOT_SAID}",
        f"  Voie : {ROUTE_LABELS.get(d.route, d.route) if d.route else NOT_SAID}",
        f"  Expérience : {_experience(d.experience_months)}",
        f"  Financement envisagé : {d.financing or NOT_SAID}",
        "",
        "PRÉ-QUALIFICATION PAR L'ASSISTANT (à confirmer par le conseiller)",
        *_outcomes(d.outcomes),
        "",
        "PROJET",
        *_paragraph(d.project or "(non décrit)"),
        "",
        "CONTACT",
        f"  Département : {d.departement}",
        f"  {CONTACT_LABELS.get(d.contact_kind, d.contact_kind)} : {d.contact}",
        "  Disponibilités :",
        *_paragraph(d.availability or NOT_SAID, indent="    "),
        "",
        "ORIENTATION",
        f"  Opérateur CEP : {_labelled(d.operator, OPERATOR_LABELS)}",
        "  Motif :",
        *_paragraph(d.operator_reason, indent="    "),
    ]
    return "\n".join(lines)


def _when(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y à %H:%M} (UTC)"


def _health_consent(d: Dossier) -> str:
    if d.health_consent_at is None:
        return "non posée ou refusée, rien n'est enregistré"
    return f"réponse acceptée explicitement le {_when(d.health_consent_at)}"


def _labelled(key: Any, labels: Mapping[str, str]) -> str:
    if not key:
        return NOT_SAID
    return f"{labels[key]} ({key})" if key in labels else str(key)


def _target(d: Dossier) -> str:
    if d.target_number and d.target_title:
        return f"{d.target_number} — {d.target_title}"
    return d.target_number or d.target_title or NOT_SAID


def _experience(months: Any) -> str:
    if months is None:
        return NOT_SAID
    shown = f"{months:g}".replace(".", ",")
    years = months / 12
    return f"{shown} mois" + (f" (environ {years:.1f} ans)".replace(".", ",") if months >= 12 else "")


def _outcomes(outcomes: Mapping[str, Any]) -> List[str]:
    if not outcomes:
        return ["  Aucun résultat enregistré."]
    lines: List[str] = []
    for decision, result in outcomes.items():
        label = DECISION_LABELS.get(decision, decision)
        if not isinstance(result, Mapping):
            lines.append(f"  {label} : {result}")
            continue
        outcome = result.get("outcome")
        lines.append(f"  {label} : {OUTCOME_LABELS.get(outcome, outcome or NOT_SAID)}")
        reasons = result.get("reasons") or []
        if reasons:
            lines.append("    Raisons :")
        for reason in reasons:
            lines.extend(_paragraph(str(reason), indent="      - ", then="        "))
        if result.get("check_with"):
            lines.extend(_paragraph(f"À vérifier auprès de : {result['check_with']}", indent="    "))
        for key, value in result.items():
            if key not in ("outcome", "reasons", "check_with"):
                lines.extend(_paragraph(f"{key} : {value}", indent="    "))
    return lines


def _paragraph(text: str, indent: str = "  ", then: str = "") -> List[str]:
    lines: List[str] = []
    for number, part in enumerate(text.splitlines() or [""]):
        first = indent if number == 0 else (then or indent)
        lines.extend(
            textwrap.wrap(
                part, WIDTH, initial_indent=first, subsequent_indent=then or indent,
                break_long_words=False, break_on_hyphens=False,
            ) or [first.rstrip()]
        )
    return lines
