"""Eligibility decisions: functions from a visitor's profile and a day to a Decision.

Each decision says its outcome (eligible, not eligible, to check and with whom), its
reasons in plain French with their sources, and the facts it still misses, in the order
that ends the decision soonest, each with the question that asks for it. The sentences
live in data/decisions.yml and data/financing.yml; only the logic is here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import List, Optional, Sequence, Tuple

from . import texts
from .model import Decision, MissingFact, Outcome, Source
from .store import FinancingOption

REGISTRATIONS = ("rncp", "rs", "aucun", "inconnu")
ROUTES = ("formation", "vae")
CHECK_FRANCE_COMPETENCES = "la fiche du CQP sur le site de France compétences"
CHECK_CERTIFIER = "le certificateur du CQP (la CPNE de la branche)"
CHECK_CEP = "un conseiller en évolution professionnelle (CEP)"
CHECK_EMPLOYER = "votre employeur"


@dataclass(frozen=True)
class Profile:
    """What the visitor has said; None where they have not said it yet."""

    status: Optional[str] = None  # a key of profile.yml statuses
    registration: Optional[str] = None  # rncp, rs, aucun, inconnu
    experience_months: Optional[float] = None  # related experience
    work_time: Optional[bool] = None  # training during working hours (employees)
    route: Optional[str] = None  # formation, vae


def _kb():
    from . import base  # late import: the package imports this module

    return base()


class _Builder:
    """Collects reasons and their sources for one decision on one day."""

    def __init__(self, question: str, day: date):
        self.question, self.day = question, day
        self.reasons: List[str] = []
        self.sources: List[Source] = []

    def say(self, *reason_ids: str) -> "_Builder":
        kb = _kb()
        for reason_id in reason_ids:
            reason = kb.reasons[reason_id]
            if reason.covers(self.day):
                self.sources.extend(reason.sources)
                self.reasons.append(texts.fill(reason.text, self.day, kb.values, self.sources, since=reason.start))
        return self

    def decide(self, outcome: Outcome, missing: Sequence[str] = (), check_with: Optional[str] = None,
               alternatives: Sequence[str] = ()) -> Decision:
        kb = _kb()
        alternative_texts: List[str] = []
        for reason_id in alternatives:
            reason = kb.reasons[reason_id]
            if reason.covers(self.day):
                self.sources.extend(reason.sources)
                alternative_texts.append(texts.fill(reason.text, self.day, kb.values, self.sources, since=reason.start))
        return Decision(
            question=self.question,
            outcome=outcome,
            reasons=tuple(self.reasons),
            sources=tuple(dict.fromkeys(self.sources)),
            rules_date=self.day,
            missing=tuple(missing_fact(name) for name in missing),
            check_with=check_with,
            alternatives=tuple(alternative_texts),
        )


def missing_fact(name: str) -> MissingFact:
    return MissingFact(name, _kb().facts[name].question)


def vae(profile: Profile, on: date) -> Decision:
    """Can this visitor obtain the CQP by VAE?"""
    decision = _Builder("vae", on)
    if profile.registration is None:
        return decision.decide(Outcome.TO_CHECK, missing=["registration"])
    if profile.registration == "rs":
        return decision.say("vae_rncp_only", "vae_not_rs").decide(
            Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_rncp", "alternative_cep"])
    if profile.registration == "aucun":
        return decision.say("vae_rncp_only", "vae_not_registered").decide(
            Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_rncp", "alternative_cep"])
    unknown = profile.registration == "inconnu"
    if unknown:
        decision.say("vae_registration_unknown", "vae_rncp_only")
    if profile.experience_months is None:
        return decision.decide(Outcome.TO_CHECK, missing=["experience_months"],
                               check_with=CHECK_FRANCE_COMPETENCES if unknown else None)
    if profile.experience_months <= 0:
        return decision.say("vae_needs_experience").decide(Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_cep"])
    minimum = _kb().values["vae_experience_minimale"].at(on)
    if minimum is not None and profile.experience_months < minimum.value * 12:
        return decision.say("vae_old_minimum", "vae_too_short_then").decide(
            Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_cep"])
    decision.say("vae_no_minimum", "vae_old_minimum", "vae_any_experience", "vae_feasibility")
    if unknown:
        return decision.decide(Outcome.TO_CHECK, check_with=CHECK_FRANCE_COMPETENCES)
    decision.say("vae_route", "cpf_vae_whole_route", "vae_payers")
    if profile.status in (None, "salarie", "cadre"):
        decision.say("vae_conge", "vae_transitions_pro")
    return decision.decide(Outcome.ELIGIBLE, check_with=CHECK_CERTIFIER)


def cpf(profile: Profile, on: date) -> Decision:
    """Can this visitor pay for the CQP with their CPF, and what remains to pay or to ask?"""
    decision = _Builder("cpf", on)
    if profile.registration is None:
        return decision.decide(Outcome.TO_CHECK, missing=["registration"])
    if profile.registration == "aucun":
        return decision.say("cpf_not_registered").decide(Outcome.NOT_ELIGIBLE, alternatives=["alternative_cep"])
    if profile.registration == "inconnu":
        decision.say("cpf_registration_unknown")
    else:
        decision.say("cpf_registered", "cpf_blocs" if profile.registration == "rncp" else "cpf_rs_cap")
    if profile.route == "vae" and profile.registration == "rncp":
        decision.say("cpf_vae_whole_route")
    missing = [] if profile.status is not None else ["status"]
    if profile.status == "demandeur_emploi":
        decision.say("cpf_participation_exempt_job_seeker")
    elif profile.status == "agent_public":
        decision.say("cpf_participation_public", "cpf_public_refusal")
    elif profile.status is not None:
        decision.say("cpf_participation_due")
    if profile.status in ("salarie", "cadre"):
        decision.say("cpf_not_imposed")
        if profile.work_time is None:
            missing.append("work_time")
        else:
            decision.say("cpf_on_work_time" if profile.work_time else "cpf_outside_work_time")
    if profile.registration == "inconnu":
        return decision.decide(Outcome.TO_CHECK, missing=missing, check_with=CHECK_FRANCE_COMPETENCES)
    if missing:
        return decision.decide(Outcome.ELIGIBLE, missing=missing)
    check = CHECK_EMPLOYER if profile.work_time else None
    return decision.decide(Outcome.ELIGIBLE, check_with=check)


def financing_options(profile: Profile, on: date) -> Tuple[FinancingOption, ...]:
    """The ways to pay that fit the visitor's situation, route and the CQP's registration on that day."""
    kb = _kb()
    found = []
    for option in kb.financing:
        if not option.covers(on):
            continue
        if profile.status is not None and profile.status not in option.statuses:
            continue
        if profile.route is not None and profile.route not in option.routes:
            continue
        known = profile.registration in ("rncp", "rs", "aucun")
        if option.registrations and known and profile.registration not in option.registrations:
            continue
        found.append(option)
    return tuple(found)


def financing(profile: Profile, on: date) -> Decision:
    """Who can pay, for this visitor's situation and route."""
    decision = _Builder("financing", on)
    missing = [name for name, value in (("status", profile.status), ("route", profile.route)) if value is None]
    if missing:
        return decision.decide(Outcome.TO_CHECK, missing=missing)
    if profile.route == "vae" and profile.registration in ("rs", "aucun"):
        return decision.say("vae_rncp_only").decide(Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_cep"])
    options = financing_options(profile, on)
    for option in options:
        decision.reasons.append(f"{option.label} : {option.text}")
        decision.sources.extend(option.sources)
    paid_by_others = [o for o in options if o.id != "self"]
    if not paid_by_others:
        return decision.decide(Outcome.TO_CHECK, check_with=CHECK_CEP)
    return decision.decide(Outcome.ELIGIBLE)
