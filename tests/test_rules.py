"""Eligibility decisions: a table of real situations, and every combination of facts."""
from __future__ import annotations

import itertools
from datetime import date

import pytest
from hypothesis import given, settings, strategies as st

import knowledge
from knowledge import rules
from knowledge.model import Outcome
from knowledge.rules import Profile

TODAY = date(2026, 11, 26)
STATUSES = (None, *knowledge.base().statuses)
REGISTRATIONS = (None, *rules.REGISTRATIONS)
EXPERIENCES = (None, 0, 3, 11, 12, 36, 240)
BOOLEANS = (None, True, False)
ROUTES = (None, *rules.ROUTES)
DAYS = (date(2023, 6, 1), date(2024, 6, 1), date(2025, 9, 1), TODAY)


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(
    "profile, outcome, missing",
    [
        (Profile(), Outcome.TO_CHECK, ["registration"]),
        (Profile(registration="rs"), Outcome.NOT_ELIGIBLE, []),
        (Profile(registration="aucun"), Outcome.NOT_ELIGIBLE, []),
        (Profile(registration="rncp"), Outcome.TO_CHECK, ["experience_months"]),
        (Profile(registration="rncp", experience_months=6), Outcome.ELIGIBLE, []),
        (Profile(registration="rncp", experience_months=0), Outcome.NOT_ELIGIBLE, []),
        (Profile(registration="inconnu", experience_months=36), Outcome.TO_CHECK, []),
        (Profile(registration="inconnu"), Outcome.TO_CHECK, ["experience_months"]),
    ],
)
def test_vae_table(profile, outcome, missing):
    decision = rules.vae(profile, TODAY)
    assert decision.outcome == outcome
    assert [m.name for m in decision.missing] == missing
    assert all(m.question for m in decision.missing)


def test_vae_six_months_is_enough_today_but_was_not_in_2023():
    profile = Profile(registration="rncp", experience_months=6)
    assert rules.vae(profile, TODAY).outcome == Outcome.ELIGIBLE
    assert any("Aucune durée minimale" in r for r in rules.vae(profile, TODAY).reasons)
    old = rules.vae(profile, date(2023, 6, 1))
    assert old.outcome == Outcome.NOT_ELIGIBLE and any("1 an" in plain(r) for r in old.reasons)


def test_vae_rs_says_what_else_is_possible():
    decision = rules.vae(Profile(registration="rs"), TODAY)
    assert len(decision.alternatives) == 3 and decision.sources


def test_vae_unknown_registration_says_where_to_look():
    decision = rules.vae(Profile(registration="inconnu", experience_months=24), TODAY)
    assert decision.check_with == rules.CHECK_FRANCE_COMPETENCES
    assert any("France compétences" in r for r in decision.reasons)


@pytest.mark.parametrize(
    "profile, outcome, missing",
    [
        (Profile(), Outcome.TO_CHECK, ["registration"]),
        (Profile(registration="aucun"), Outcome.NOT_ELIGIBLE, []),
        (Profile(registration="rncp"), Outcome.ELIGIBLE, ["status"]),
        (Profile(registration="rncp", status="salarie"), Outcome.ELIGIBLE, ["work_time"]),
        (Profile(registration="rncp", status="salarie", work_time=True), Outcome.ELIGIBLE, []),
        (Profile(registration="rs", status="demandeur_emploi"), Outcome.ELIGIBLE, []),
        (Profile(registration="inconnu", status="independant"), Outcome.TO_CHECK, []),
    ],
)
def test_cpf_table(profile, outcome, missing):
    decision = rules.cpf(profile, TODAY)
    assert decision.outcome == outcome
    assert [m.name for m in decision.missing] == missing


def test_cpf_participation_amount_of_the_day_and_exemption():
    employee = rules.cpf(Profile(registration="rncp", status="salarie", work_time=False), TODAY)
    assert any("103,20 €" in plain(r) for r in employee.reasons)
    assert any("librement" in r for r in employee.reasons)
    in_2025 = rules.cpf(Profile(registration="rncp", status="salarie", work_time=False), date(2025, 3, 1))
    assert any("102,23 €" in plain(r) for r in in_2025.reasons)
    job_seeker = rules.cpf(Profile(registration="rncp", status="demandeur_emploi"), TODAY)
    assert not any("103,20" in plain(r) for r in job_seeker.reasons)
    assert any("ne payez pas" in r for r in job_seeker.reasons)


def test_cpf_rs_cap_only_since_26_february_2026():
    capped = rules.cpf(Profile(registration="rs", status="demandeur_emploi"), date(2026, 2, 26))
    assert any("1 500 €" in plain(r) for r in capped.reasons)
    before = rules.cpf(Profile(registration="rs", status="demandeur_emploi"), date(2026, 2, 25))
    assert not any("1 500" in plain(r) for r in before.reasons)


def test_cpf_on_working_time_needs_the_employer_with_notice():
    decision = rules.cpf(Profile(registration="rncp", status="salarie", work_time=True), TODAY)
    assert decision.check_with == rules.CHECK_EMPLOYER
    assert any("60 jours" in plain(r) and "120 jours" in plain(r) for r in decision.reasons)


def test_financing_by_status_and_route():
    ids = lambda profile, day=TODAY: [o.id for o in rules.financing_options(profile, day)]  # noqa: E731
    assert "periode_reconversion" in ids(Profile(status="salarie", route="formation"))
    assert "pro_a" not in ids(Profile(status="salarie", route="formation"))
    # The Pro-A is attested from the law that replaced it (24/10/2025) until its end (31/12/2025).
    assert "pro_a" in ids(Profile(status="salarie", route="formation"), date(2025, 11, 3))
    assert "aif" in ids(Profile(status="demandeur_emploi", route="formation"))
    assert "contrat_pro" in ids(Profile(status="jeune", route="formation"))
    assert "cpf" not in ids(Profile(status="salarie", route="formation", registration="aucun"))
    decision = rules.financing(Profile(status="benevole", route="formation"), TODAY)
    assert decision.outcome == Outcome.TO_CHECK and decision.check_with == rules.CHECK_CEP


def test_financing_asks_situation_then_route():
    assert [m.name for m in rules.financing(Profile(), TODAY).missing] == ["status", "route"]


def all_profiles():
    for status, registration, experience, work_time, route in itertools.product(
        STATUSES, REGISTRATIONS, EXPERIENCES, BOOLEANS, ROUTES
    ):
        yield Profile(status, registration, experience, work_time, route)


@pytest.mark.parametrize("decide", [rules.vae, rules.cpf, rules.financing])
def test_every_combination_has_a_defined_sourced_outcome_and_every_outcome_is_reachable(decide):
    reached = set()
    for day in DAYS:
        for profile in all_profiles():
            decision = decide(profile, day)
            assert decision.outcome in Outcome
            assert decision.rules_date == day
            if not decision.missing:
                assert decision.reasons and decision.sources, (profile, day)
            if decision.outcome == Outcome.TO_CHECK and not decision.missing:
                assert decision.check_with, (profile, day)
            assert "{" not in " ".join(decision.reasons)
            reached.add(decision.outcome)
    assert reached == set(Outcome)


profiles = st.builds(
    Profile,
    status=st.sampled_from(STATUSES),
    registration=st.sampled_from(REGISTRATIONS),
    experience_months=st.one_of(st.none(), st.floats(min_value=0, max_value=720, allow_nan=False)),
    work_time=st.sampled_from(BOOLEANS),
    route=st.sampled_from(ROUTES),
)


@settings(max_examples=400, derandomize=True)
@given(profiles, st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_property_any_profile_any_day_gives_a_decision_that_only_asks_unknown_facts(profile, day):
    for decide in (rules.vae, rules.cpf, rules.financing):
        decision = decide(profile, day)
        assert decision.outcome in Outcome
        for fact in decision.missing:
            assert getattr(profile, fact.name) is None
