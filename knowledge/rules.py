"""Eligibility decisions: functions from a visitor's profile and a day to a Decision.

Each decision says its outcome (eligible, not eligible, to check and with whom), its
reasons in plain French with their sources, and the facts it still misses, in the order
that ends the decision soonest, each with the question that asks for it. The sentences
live in data/decisions.yml and data/financing.yml; only the logic is here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Optional, Sequence, Tuple, Union

from . import french, texts
from .catalog.model import Certification, Registration
from .model import Decision, MissingFact, Outcome, Source
from .store import PLACEHOLDER, FinancingOption, Reason

REGISTRATIONS = ("rncp", "rs", "aucun", "inconnu")
ROUTES = ("formation", "vae")
CHECK_FRANCE_COMPETENCES = "la fiche du CQP sur le site de France compétences"
CHECK_CERTIFIER = "le certificateur du CQP (la CPNE de la branche)"
CHECK_CEP = "un conseiller en évolution professionnelle (CEP)"
CHECK_EMPLOYER = "votre employeur"
# Financing options that do not settle who pays: paying yourself, and a volunteer's CPF,
# which exists only if they also work (or have rights from the compte d'engagement citoyen).
NOT_SURE_TO_PAY = ("self", "cpf_benevole")


@dataclass(frozen=True)
class Profile:
    """What the visitor has said; None where they have not said it yet."""

    status: Optional[str] = None  # a key of profile.yml statuses
    registration: Optional[str] = None  # rncp, rs, aucun, inconnu
    experience_months: Optional[float] = None  # related experience
    work_time: Optional[bool] = None  # training during working hours (employees)
    route: Optional[str] = None  # formation, vae
    # The CQP's fiche, once identified in the catalog: it then says the registration.
    certification: Optional[Certification] = None
    # Other fiches the catalog links to it (its successors; RNCP ones for the same jobs).
    successors: Tuple[Certification, ...] = ()
    related_rncp: Tuple[Certification, ...] = ()


def fiche_source(fiche: Certification) -> Source:
    return Source(fiche.number, f"France compétences : fiche {fiche.number} « {fiche.title} »", fiche.url, "administration")


def fiche_name(fiche: Certification) -> str:
    return f"{fiche.number} « {fiche.title} »"


def _kb():
    from . import base  # late import: the package imports this module

    return base()


class _Builder:
    """Collects reasons and their sources for one decision on one day.

    `because` gives the grounds of the outcome: a ground not verified on the day (its rule
    not in force yet, or an amount it quotes not verified by then) turns the decision into
    « no verified rule for that day », to check with a CEP advisor. `say` adds what is
    useful to know: said only on the days it applies."""

    def __init__(self, question: str, day: date):
        self.question, self.day = question, day
        self.reasons: List[str] = []
        self.sources: List[Source] = []
        self.extra: Dict[str, str] = {}
        self.state_unknown = False  # the fiche is known, whether it is still registered is not
        self.checked: List[date] = []  # last_checked of every reason, amount and option used
        # Grounds with no verified rule on the day, in groups of which one would do.
        self.unverified: List[Tuple[Reason, ...]] = []

    def _verified(self, reason: Reason) -> bool:
        """In force on the day, with every amount it quotes verified by then (the last
        verified one is said as such when it has ended)."""
        values = _kb().values
        return reason.covers(self.day) and all(
            values[argument].last_known_before(self.day) is not None
            for name, argument in PLACEHOLDER.findall(reason.text) if name == "value")

    def _text(self, reason_id: str) -> Optional[str]:
        kb = _kb()
        reason = kb.reasons[reason_id]
        if not self._verified(reason):
            return None
        self.checked.append(reason.last_checked)
        self.checked.extend(kb.values[argument].last_checked
                            for name, argument in PLACEHOLDER.findall(reason.text) if name == "value")
        self.sources.extend(reason.sources)
        return texts.fill(reason.text, self.day, kb.values, self.sources, since=reason.start, extra=self.extra)

    def say(self, *reason_ids: str) -> "_Builder":
        self.reasons.extend(t for t in map(self._text, reason_ids) if t)
        return self

    def because(self, *reason_ids: str) -> "_Builder":
        """Grounds of the outcome: each must be verified on the day."""
        for reason_id in reason_ids:
            text = self._text(reason_id)
            if text is None:
                self.unverified.append((_kb().reasons[reason_id],))
            else:
                self.reasons.append(text)
        return self

    def because_one_of(self, *reason_ids: str) -> "_Builder":
        """Grounds of which one applies on a given day (an old rule and the rule that replaced it)."""
        said = [t for t in map(self._text, reason_ids) if t]
        if not said:
            self.unverified.append(tuple(_kb().reasons[r] for r in reason_ids))
        self.reasons.extend(said)
        return self

    def option(self, option: FinancingOption) -> None:
        self.reasons.append(f"{option.label} : {option.text}")
        self.sources.extend(option.sources)
        self.checked.append(option.last_checked)

    def no_verified_rule(self, groups: Sequence[Sequence[Union[Reason, FinancingOption]]]) -> Decision:
        """The decision on a day the rules it rests on are not all verified: it says so, and
        from when the rules it knows all apply (each group: the first of its facts to apply),
        never an old or a later rule as if in force."""
        from . import no_rule_text  # late import: the package imports this module

        firsts = [min((f for f in group if f.start > self.day), key=lambda f: f.start, default=None)
                  for group in groups]
        # A group with no later fact has only ended rules: no known rule to announce.
        since = max(f.start for f in firsts) if firsts and all(firsts) else None
        shown = [f for f in firsts if f] or [f for group in groups for f in group]
        return Decision(
            question=self.question,
            outcome=Outcome.TO_CHECK,
            reasons=(no_rule_text(self.day, since),),
            sources=tuple(dict.fromkeys(s for fact in shown for s in fact.sources)),
            rules_date=self.day,
            check_with=CHECK_CEP,
            last_checked=min((fact.last_checked for fact in shown), default=None),
        )

    def fiche(self, profile: Profile, ground: bool = False) -> Optional[str]:
        """Says what the CQP's fiche says and returns the registration it gives (rncp, rs,
        expiree), or None when no fiche is identified. An ended or unknown registration
        grounds the outcome; the registration in force is a ground only when `ground`
        (the fiche's notes, which are about it)."""
        fiche = profile.certification
        if fiche is None:
            return None
        state = fiche.registration(self.day)
        end = french.date_in_words(fiche.end_date) if fiche.end_date else None
        self.extra = {
            "fiche": fiche.number, "title": fiche.title, "count": str(len(fiche.blocs)),
            "until": f" jusqu'au {end}" if end and state is Registration.ACTIVE else "",
            "ended": f" le {end}" if end and state is Registration.EXPIRED else "",
            "successor": ", ".join(fiche_name(f) for f in profile.successors),
            "related": ", ".join(fiche_name(f) for f in profile.related_rncp),
        }
        self.sources.append(fiche_source(fiche))
        if state is Registration.EXPIRED:
            self.because("fiche_expired")
            return "expiree"
        self.state_unknown = state is Registration.UNKNOWN
        if self.state_unknown:
            self.because("fiche_state_unknown")
        elif ground:
            self.because(f"fiche_{fiche.register}")
        else:
            self.say(f"fiche_{fiche.register}")
        return fiche.register

    def decide(self, outcome: Outcome, missing: Sequence[str] = (), check_with: Optional[str] = None,
               alternatives: Sequence[str] = ()) -> Decision:
        if self.unverified:
            return self.no_verified_rule(self.unverified)
        alternative_texts = [t for t in map(self._text, alternatives) if t]
        if self.state_unknown and outcome is Outcome.ELIGIBLE:
            outcome, check_with = Outcome.TO_CHECK, CHECK_FRANCE_COMPETENCES
        return Decision(
            question=self.question,
            outcome=outcome,
            reasons=tuple(self.reasons),
            sources=tuple(dict.fromkeys(self.sources)),
            rules_date=self.day,
            missing=tuple(missing_fact(name) for name in missing),
            check_with=check_with,
            alternatives=tuple(alternative_texts),
            last_checked=min(self.checked, default=None),
        )


def missing_fact(name: str) -> MissingFact:
    return MissingFact(name, _kb().facts[name].question)


def vae(profile: Profile, on: date) -> Decision:
    """Can this visitor obtain the CQP by VAE?"""
    decision = _Builder("vae", on)
    registration = decision.fiche(profile) or profile.registration
    fiche = profile.certification
    if registration is None:
        return decision.decide(Outcome.TO_CHECK, missing=["registration"])
    if registration == "expiree":
        return decision.because("vae_expired").decide(Outcome.NOT_ELIGIBLE, alternatives=_after_expiry(profile))
    if registration == "rs":
        decision.because("vae_rncp_only", "vae_not_rs")
        if fiche is not None and fiche.by_experience:
            decision.say("rs_by_experience")
        return decision.decide(
            Outcome.NOT_ELIGIBLE, check_with=CHECK_CERTIFIER if fiche is not None and fiche.by_experience else None,
            alternatives=["alternative_training", "alternative_related_rncp" if profile.related_rncp else "alternative_rncp", "alternative_cep"])
    if registration == "aucun":
        return decision.because("vae_rncp_only", "vae_not_registered").decide(
            Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_rncp", "alternative_cep"])
    if fiche is not None and fiche.by_experience is False:
        return decision.because("vae_route_not_listed").decide(
            Outcome.NOT_ELIGIBLE, check_with=CHECK_CERTIFIER, alternatives=["alternative_training", "alternative_rncp", "alternative_cep"])
    if fiche is not None and fiche.by_experience:
        decision.say("vae_route_listed")
    unknown = registration == "inconnu"
    if unknown:
        decision.because("vae_registration_unknown").say("vae_rncp_only")
    if profile.experience_months is None:
        return decision.decide(Outcome.TO_CHECK, missing=["experience_months"],
                               check_with=CHECK_FRANCE_COMPETENCES if unknown else None)
    if profile.experience_months <= 0:
        return decision.because("vae_needs_experience").decide(Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_cep"])
    minimum = _kb().values["vae_experience_minimale"].at(on)
    if minimum is not None and profile.experience_months < minimum.value * 12:
        return decision.because("vae_old_minimum", "vae_too_short_then").decide(
            Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_cep"])
    # Before 2024 the old minimum applied, since then none: one of the two on any day verified.
    decision.because_one_of("vae_no_minimum", "vae_old_minimum").say("vae_any_experience", "vae_feasibility")
    if unknown:
        return decision.decide(Outcome.TO_CHECK, check_with=CHECK_FRANCE_COMPETENCES)
    if fiche is not None and fiche.blocs:
        decision.say("fiche_blocs")
    decision.say("vae_route", "cpf_vae_whole_route", "vae_payers")
    if profile.status == "benevole":
        decision.say("cpf_volunteer")
    if profile.status in (None, "salarie", "cadre"):
        decision.say("vae_conge", "vae_transitions_pro")
    return decision.decide(Outcome.ELIGIBLE, check_with=CHECK_CERTIFIER)


def cpf(profile: Profile, on: date) -> Decision:
    """Can this visitor pay for the CQP with their CPF, and what remains to pay or to ask?"""
    decision = _Builder("cpf", on)
    registration = decision.fiche(profile) or profile.registration
    if registration is None:
        return decision.decide(Outcome.TO_CHECK, missing=["registration"])
    if registration == "expiree":
        return decision.because("cpf_expired").decide(Outcome.NOT_ELIGIBLE, alternatives=_after_expiry(profile))
    if registration == "aucun":
        return decision.because("cpf_not_registered").decide(Outcome.NOT_ELIGIBLE, alternatives=["alternative_cep"])
    if registration == "inconnu":
        decision.because("cpf_registration_unknown")
    else:
        decision.because("cpf_registered").say("cpf_blocs" if registration == "rncp" else "cpf_rs_cap")
    if profile.route == "vae" and registration == "rncp":
        decision.say("cpf_vae_whole_route")
    missing = [] if profile.status is not None else ["status"]
    if profile.status == "demandeur_emploi":
        decision.say("cpf_participation_exempt_job_seeker")
    elif profile.status == "agent_public":
        decision.say("cpf_participation_public", "cpf_public_refusal")
    elif profile.status == "benevole":
        decision.say("cpf_volunteer", "cpf_participation_due")
    elif profile.status is not None:
        decision.say("cpf_participation_due")
    if profile.status in ("salarie", "cadre"):
        decision.say("cpf_not_imposed")
        if profile.work_time is None:
            missing.append("work_time")
        else:
            decision.say("cpf_on_work_time" if profile.work_time else "cpf_outside_work_time")
    if registration == "inconnu":
        return decision.decide(Outcome.TO_CHECK, missing=missing, check_with=CHECK_FRANCE_COMPETENCES)
    if missing:
        return decision.decide(Outcome.ELIGIBLE, missing=missing)
    check = CHECK_EMPLOYER if profile.work_time else None
    return decision.decide(Outcome.ELIGIBLE, check_with=check)


def registration_of(profile: Profile, on: date) -> Optional[str]:
    """rncp, rs, aucun, inconnu or expiree: from the CQP's fiche once identified, else as the visitor said."""
    fiche = profile.certification
    if fiche is None:
        return profile.registration
    return {Registration.EXPIRED: "expiree", Registration.UNKNOWN: "inconnu"}.get(fiche.registration(on), fiche.register)


def _after_expiry(profile: Profile) -> List[str]:
    return [*(["alternative_successor"] if profile.successors else []), "alternative_training", "alternative_cep"]


def financing_options(profile: Profile, on: date, any_day: bool = False) -> Tuple[FinancingOption, ...]:
    """The ways to pay that fit the visitor's situation, route and the CQP's registration on
    that day (`any_day`: whatever their dates, to say when the known ones apply from)."""
    kb = _kb()
    found = []
    for option in kb.financing:
        if not any_day and not option.covers(on):
            continue
        if profile.status is not None and profile.status not in option.statuses:
            continue
        if profile.route is not None and profile.route not in option.routes:
            continue
        registration = registration_of(profile, on)
        known = registration in ("rncp", "rs", "aucun")
        if option.registrations and known and registration not in option.registrations:
            continue
        found.append(option)
    return tuple(found)


def financing(profile: Profile, on: date) -> Decision:
    """Who can pay, for this visitor's situation and route."""
    decision = _Builder("financing", on)
    missing = [name for name, value in (("status", profile.status), ("route", profile.route)) if value is None]
    if missing:
        return decision.decide(Outcome.TO_CHECK, missing=missing)
    registration = decision.fiche(profile) or profile.registration
    if registration == "expiree":
        return decision.because("cpf_expired").decide(Outcome.NOT_ELIGIBLE, alternatives=_after_expiry(profile))
    if profile.route == "vae" and registration in ("rs", "aucun"):
        return decision.because("vae_rncp_only").decide(Outcome.NOT_ELIGIBLE, alternatives=["alternative_training", "alternative_cep"])
    options = financing_options(profile, on)
    if not options:
        return decision.no_verified_rule([financing_options(profile, on, any_day=True)])
    for option in options:
        decision.option(option)
    paid_by_others = [o for o in options if o.id not in NOT_SURE_TO_PAY]
    if not paid_by_others:
        return decision.decide(Outcome.TO_CHECK, check_with=CHECK_CEP)
    return decision.decide(Outcome.ELIGIBLE)


def fiche_notes(profile: Profile, on: date) -> Decision:
    """What a CQP's fiche means for the visitor on that day, before any question: its
    registration, and what that changes for VAE and the CPF. Only reasons and sources matter."""
    decision = _Builder("fiche", on)
    registration = decision.fiche(profile, ground=True)
    fiche = profile.certification
    if registration == "expiree":
        decision.because("cpf_expired", "vae_expired")
        return decision.decide(Outcome.NOT_ELIGIBLE, alternatives=["alternative_successor"] if profile.successors else [])
    if fiche is None or decision.state_unknown:
        return decision.decide(Outcome.TO_CHECK, check_with=CHECK_FRANCE_COMPETENCES)
    if registration == "rs":
        decision.because("cpf_registered").say("cpf_rs_cap", "vae_not_rs")
        if fiche.by_experience:
            decision.say("rs_by_experience")
        return decision.decide(Outcome.ELIGIBLE, alternatives=["alternative_related_rncp"] if profile.related_rncp else [])
    decision.because("cpf_registered")
    if fiche.by_experience is not None:
        decision.say("vae_route_listed" if fiche.by_experience else "vae_route_not_listed")
    if fiche.blocs:
        decision.say("fiche_blocs")
    return decision.decide(Outcome.ELIGIBLE)
