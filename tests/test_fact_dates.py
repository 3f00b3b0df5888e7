"""Every fact carries its validity dates and the day it was last checked, and the assistant
never applies a rule to a day it does not know: before a rule's first verified day it says
so, with the CEP advisor, instead of guessing or breaking a sentence."""
from __future__ import annotations

import itertools
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml

import knowledge
from knowledge import cep, faq, rules
from knowledge.model import Outcome
from knowledge.rules import Profile
from knowledge.store import DATA_DIR, KnowledgeError, load

# Days before, during and after the rules the content knows.
DAYS = (date(2018, 1, 1), date(2020, 6, 1), date(2023, 6, 1), date(2024, 6, 1), date(2026, 12, 2),
        date(2027, 6, 1), date(2028, 6, 1))
NO_RULE = "Je n'ai pas de règle vérifiée pour le"


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


# --- the loader refuses an undated fact ---------------------------------------------------

@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path: Path, change) -> None:
    body = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(body)
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")


def first_reason(body) -> str:
    return next(iter(body["reasons"]))


@pytest.mark.parametrize("field", ["from", "last_checked"])
def test_a_decision_reason_without_its_dates_is_refused(data, field):
    reason = first_reason(yaml.safe_load((data / "decisions.yml").read_text(encoding="utf-8")))
    edit(data / "decisions.yml", lambda body: body["reasons"][reason].pop(field))
    with pytest.raises(KnowledgeError, match=rf"decisions\.yml › {reason}: champ « {field} » manquant"):
        load(data)


@pytest.mark.parametrize("field", ["from", "last_checked"])
def test_a_financing_option_without_its_dates_is_refused(data, field):
    option = yaml.safe_load((data / "financing.yml").read_text(encoding="utf-8"))["options"][0]["id"]
    edit(data / "financing.yml", lambda body: body["options"][0].pop(field))
    with pytest.raises(KnowledgeError, match=rf"financing\.yml › {option}: champ « {field} » manquant"):
        load(data)


@pytest.mark.parametrize("field", ["from", "last_checked"])
def test_a_step_without_its_dates_is_refused(data, field):
    edit(data / "steps.yml", lambda body: body["steps"][0].pop(field))
    with pytest.raises(KnowledgeError, match=rf"steps\.yml › étape 1: champ « {field} » manquant"):
        load(data)


@pytest.mark.parametrize("field", ["from", "last_checked"])
def test_a_topic_version_without_its_dates_is_refused(data, field):
    edit(data / "topics" / "jury.yml", lambda body: body["versions"][-1].pop(field))
    with pytest.raises(KnowledgeError, match=rf"jury\.yml › version \d+: champ « {field} » manquant"):
        load(data)


@pytest.mark.parametrize("field", ["from", "last_checked"])
def test_an_faq_version_without_its_dates_is_refused(data, field):
    edit(data / "faq" / "jury.yml", lambda body: body["entries"][0]["versions"][-1].pop(field))
    kb = knowledge.base()
    with pytest.raises(KnowledgeError, match=rf"faq/jury\.yml › jury › version \d+: champ « {field} » manquant"):
        faq.load_entries(data / "faq", kb.sources, kb.values, kb.topics)


def test_a_value_period_without_its_start_is_refused(data):
    edit(data / "values.yml", lambda body: body["values"]["cpf_plafond_rs"]["periods"][0].pop("from"))
    with pytest.raises(KnowledgeError, match=r"values\.yml › cpf_plafond_rs › période 1: champ « from » manquant"):
        load(data)


def test_a_value_without_its_checked_day_is_refused(data):
    edit(data / "values.yml", lambda body: body["values"]["cpf_plafond_rs"].pop("last_checked"))
    with pytest.raises(KnowledgeError, match=r"values\.yml › cpf_plafond_rs: champ « last_checked » manquant"):
        load(data)


@pytest.fixture
def cep_copy(data, monkeypatch):
    """cep.yml read from the copy, the caches emptied before and after."""
    monkeypatch.setattr(cep, "FILE", data / "cep.yml")
    caches = (cep._data, cep.operators, cep.common_validity)
    for cache in caches:
        cache.cache_clear()
    yield data / "cep.yml"
    for cache in caches:
        cache.cache_clear()


@pytest.mark.parametrize("field", ["from", "last_checked"])
def test_a_cep_operator_without_its_dates_is_refused(cep_copy, field):
    operator = yaml.safe_load(cep_copy.read_text(encoding="utf-8"))["operators"][0]["id"]
    edit(cep_copy, lambda body: body["operators"][0].pop(field))
    with pytest.raises(KnowledgeError, match=rf"cep\.yml › {operator}: champ « {field} » manquant"):
        cep.operators()


@pytest.mark.parametrize("field", ["from", "last_checked"])
def test_the_cep_common_text_without_its_dates_is_refused(cep_copy, field):
    edit(cep_copy, lambda body: body["common"].pop(field))
    with pytest.raises(KnowledgeError, match=rf"cep\.yml › common: champ « {field} » manquant"):
        cep.operators()


def test_a_text_starting_before_its_amount_is_verified_is_refused(data):
    """« Il faut au moins (montant non vérifié) » cannot be written: a text quoting an amount
    may not apply before the amount's first verified day."""
    path = data / "decisions.yml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"(?ms)^  vae_old_minimum:\n.*?(?=^  \S)", text).group(0)
    path.write_text(text.replace(block, re.sub(r"from: [0-9-]+", "from: 2020-01-01", block)), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="vae_old_minimum.*vae_experience_minimale"):
        load(data)


# --- every fact is dated today -------------------------------------------------------------

def facts():
    """(where, start, last_checked) of every fact of the content files."""
    kb = knowledge.base()
    for topic in kb.topics.values():
        yield from ((f"topics/{topic.id}", v.start, v.last_checked) for v in topic.versions)
    for entry in faq.entries().values():
        yield from ((f"faq/{entry.id}", v.start, v.last_checked) for v in entry.versions)
    for value in kb.values.values():
        yield from ((f"values/{value.id}", p.start, value.last_checked) for p in value.periods)
    yield from ((f"decisions/{r.id}", r.start, r.last_checked) for r in kb.reasons.values())
    yield from ((f"financing/{o.id}", o.start, o.last_checked) for o in kb.financing)
    yield from ((f"cep/{o.id}", o.start, o.last_checked) for o in cep.operators()[0])
    common = cep.common_validity()
    yield "cep/common", common.start, common.last_checked
    yield from ((f"steps/{s.number}", s.start, s.last_checked) for s in kb.steps)


def test_every_fact_has_its_start_and_its_checked_day():
    found = list(facts())
    assert len(found) > 300
    for where, start, checked in found:
        assert isinstance(start, date) and isinstance(checked, date), where
        assert checked <= date.today(), where


# --- a day before the known rules ----------------------------------------------------------

@pytest.mark.parametrize("day", DAYS)
def test_every_topic_and_entry_answers_any_day_without_guessing(day):
    for topic_id in knowledge.topics():
        answer = knowledge.answer(topic_id, on=day)
        first = knowledge.base().topics[topic_id].versions[0].start
        assert answer.applies == (day >= first) or answer.text.startswith(NO_RULE), (topic_id, day)
        if day < first:
            assert answer.text == knowledge.no_rule_text(day, first) and answer.in_force_since == first
            assert not answer.previously and answer.sources
        assert "{" not in answer.text and "non vérifié" not in answer.text, (topic_id, day)
    for entry_id in faq.entries():
        reply = faq.answer(entry_id, on=day)
        assert "{" not in reply.text and "non vérifié" not in reply.text, (entry_id, day)


def test_the_topic_and_the_entry_say_the_same_before_the_first_rule():
    day = date(2020, 6, 1)
    topic = knowledge.answer("vae_eligibility", on=day)
    entry = faq.answer("vae_eligibility", on=day)
    assert topic.text == entry.text and topic.text.startswith(NO_RULE + " 1er juin 2020")


def test_the_topics_that_had_invented_start_dates_now_start_on_an_attested_day():
    first = {t: knowledge.base().topics[t].versions[0].start for t in
             ("vae_eligibility", "france_travail", "vae_financing", "periode_reconversion")}
    assert first == {"vae_eligibility": date(2022, 12, 21), "france_travail": date(2023, 12, 18),
                     "vae_financing": date(2025, 7, 18), "periode_reconversion": date(2025, 10, 24)}
    assert knowledge.base().values["vae_experience_minimale"].periods[0].start == date(2022, 12, 21)


STATUSES = (None, *knowledge.base().statuses)
PROFILES = [Profile(status, registration, experience, work_time, route)
            for status, registration, experience, work_time, route in itertools.product(
                STATUSES, (None, *rules.REGISTRATIONS), (None, 0, 6, 36), (None, True, False), (None, *rules.ROUTES))]


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize("decide", [rules.vae, rules.cpf, rules.financing])
def test_a_decision_never_says_a_placeholder_nor_an_unverified_amount(decide, day):
    for profile in PROFILES:
        decision = decide(profile, day)
        said = " ".join((*decision.reasons, *decision.alternatives))
        assert "{" not in said and "non vérifié" not in said, (profile, day)
        if not decision.missing:
            assert decision.reasons and decision.sources, (profile, day)
        if decision.reasons and decision.reasons[0].startswith(NO_RULE):
            assert decision.outcome is Outcome.TO_CHECK and decision.check_with == rules.CHECK_CEP
            assert len(decision.reasons) == 1 and not decision.alternatives


def test_vae_in_2020_says_no_rule_is_verified_instead_of_a_broken_sentence():
    decision = rules.vae(Profile(registration="rncp", experience_months=24), date(2020, 6, 1))
    assert decision.outcome is Outcome.TO_CHECK and decision.check_with == rules.CHECK_CEP
    assert decision.reasons == (knowledge.no_rule_text(date(2020, 6, 1), date(2022, 12, 21)),)
    assert decision.sources
    # Once the old minimum is attested, it is said with its amount; since 2024, no minimum.
    assert any("1 an" in plain(r) for r in rules.vae(Profile(registration="rncp", experience_months=6), date(2023, 6, 1)).reasons)
    assert rules.vae(Profile(registration="rncp", experience_months=6), date(2024, 6, 1)).outcome is Outcome.ELIGIBLE


def test_a_decision_before_any_known_financing_says_when_the_first_one_applies():
    decision = rules.financing(Profile(status="salarie", route="formation"), date(2018, 1, 1))
    first = min(o.start for o in rules.financing_options(Profile(status="salarie", route="formation"), date(2018, 1, 1), any_day=True))
    assert decision.reasons == (knowledge.no_rule_text(date(2018, 1, 1), first),)
    assert decision.check_with == rules.CHECK_CEP


def test_the_fiche_notes_say_no_rule_rather_than_drop_the_registration():
    """The fiche's message shows its notes after the first reason, the registration: on a
    day that statement is not verified, the notes say so instead of losing it."""
    from knowledge.catalog import catalog

    fiche = catalog().get("RNCP37820")
    assert fiche is not None and fiche.register == "rncp"
    today = rules.fiche_notes(Profile(certification=fiche), date(2026, 12, 2))
    assert "RNCP37820" in today.reasons[0]
    said = knowledge.base().reasons["fiche_rncp"].start
    before = rules.fiche_notes(Profile(certification=fiche), date(2018, 1, 1))
    assert before.reasons == (knowledge.no_rule_text(date(2018, 1, 1), said),)
    assert before.check_with == rules.CHECK_CEP


# --- a decision says how old its oldest check is -------------------------------------------

def test_a_decision_carries_the_oldest_check_of_what_it_used(data, monkeypatch):
    path = data / "decisions.yml"
    text = path.read_text(encoding="utf-8")
    block = re.search(r"(?ms)^  cpf_registered:\n.*?(?=^  \S)", text).group(0)
    path.write_text(text.replace(block, re.sub(r"last_checked: [0-9-]+", "last_checked: 2025-01-15", block)),
                    encoding="utf-8")
    base = load(data)
    monkeypatch.setattr(knowledge, "base", lambda: base)
    day = date(2026, 12, 2)
    decision = rules.cpf(Profile(registration="rncp", status="salarie", work_time=False), day)
    assert decision.last_checked == date(2025, 1, 15)
    fresh = rules.cpf(Profile(registration="aucun"), day)
    assert fresh.last_checked == base.reasons["cpf_not_registered"].last_checked
    options = rules.financing_options(Profile(status="salarie", route="formation"), day)
    financing = rules.financing(Profile(status="salarie", route="formation"), day)
    assert financing.last_checked == min(o.last_checked for o in options)
    assert rules.vae(Profile(), day).last_checked is None  # it only asks a question


def test_a_cep_orientation_carries_its_oldest_check():
    orientation = cep.orientation("salarie", disability=False)
    assert orientation.last_checked == min(cep.common_validity().last_checked, orientation.operator.last_checked)
