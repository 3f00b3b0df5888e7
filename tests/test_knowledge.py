"""The knowledge base: complete, sourced, dated, and right on the day a rule changes."""
from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

import knowledge
from knowledge.store import KnowledgeError, load

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 26)
NBSP = "\u00a0"


def plain(text: str) -> str:
    return text.replace(NBSP, " ").replace("\u202f", " ")


def test_knowledge_never_imports_rasa():
    for path in (ROOT / "knowledge").rglob("*.py"):
        source = path.read_text()
        assert not re.search(r"^\s*(import|from)\s+rasa", source, re.M), path


def test_every_version_has_sources_dates_and_a_checked_date():
    base = knowledge.base()
    assert len(base.topics) >= 25
    for topic in base.topics.values():
        for version in topic.versions:
            assert version.sources, topic.id
            assert all(s.url.startswith(("https://", "http://")) and s.title for s in version.sources)
            assert version.start <= version.last_checked or version.start > TODAY, topic.id
            assert version.last_checked <= date.today()


def test_every_dated_value_has_sources():
    for value in knowledge.base().values.values():
        assert value.periods
        assert all(p.sources for p in value.periods), value.id


@pytest.mark.parametrize("topic", sorted(knowledge.topics()))
def test_every_topic_answers_today_short_and_filled(topic):
    answer = knowledge.answer(topic, on=TODAY)
    assert answer.text and "{" not in answer.text and "}" not in answer.text
    assert len(answer.text) <= 700, f"{topic}: {len(answer.text)} caractères"
    assert answer.sources and answer.label
    assert all(link.topic in knowledge.topics() for link in answer.next)


@pytest.mark.parametrize("topic", sorted(knowledge.topics()))
def test_every_version_answers_on_its_first_and_last_day(topic):
    for version in knowledge.base().topics[topic].versions:
        for day in (version.start, version.end or TODAY):
            assert knowledge.answer(topic, on=day).in_force_since == version.start


def test_questions_go_through_one_faq_intent_not_one_intent_per_topic():
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())
    assert "faq" in domain["intents"]
    assert [i for i in domain["intents"] if i.startswith("ask_")] == ["ask_help"]
    assert "advisor" in knowledge.topics()


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2024, 5, 2), "100 €"),
        (date(2024, 12, 31), "100 €"),
        (date(2025, 1, 1), "102,23 €"),
        (date(2025, 12, 31), "102,23 €"),
        (date(2026, 1, 1), "103,20 €"),
        (date(2026, 12, 31), "103,20 €"),
    ],
)
def test_cpf_participation_switches_on_the_right_day(day, expected):
    answer = knowledge.answer("cpf_participation", on=day)
    assert expected in plain(answer.text)


def test_cpf_participation_before_may_2024_did_not_exist():
    before = knowledge.answer("cpf_participation", on=date(2024, 5, 1))
    after = knowledge.answer("cpf_participation", on=date(2024, 5, 2))
    assert before.in_force_since < after.in_force_since == date(2024, 5, 2)
    assert "€" not in before.text


def test_an_amount_not_verified_for_the_day_is_said_so_never_guessed():
    text = plain(knowledge.answer("cpf_participation", on=date(2027, 3, 1)).text)
    assert "103,20 €" in text and "dernier montant vérifié" in text


def test_vae_has_no_minimum_experience_today_and_recalls_the_old_rule():
    today = knowledge.answer("vae_eligibility", on=TODAY)
    assert today.in_force_since == date(2024, 1, 1)
    assert today.rule_changed and "1 an" in plain(today.previously)
    old = knowledge.answer("vae_eligibility", on=date(2023, 12, 31))
    assert "1 an" in plain(old.text)


def test_pole_emploi_is_france_travail_since_2024():
    answer = knowledge.answer("france_travail", on=TODAY)
    assert answer.in_force_since == date(2024, 1, 1)
    assert "France Travail" in answer.text
    assert "Pôle emploi" in knowledge.answer("france_travail", on=date(2023, 12, 31)).text


@pytest.mark.parametrize("day, hours", [(date(2024, 4, 12), "24"), (date(2024, 4, 13), "48")])
def test_conge_vae_hours_change_on_13_april_2024(day, hours):
    assert f"{hours} heures" in plain(knowledge.answer("conge_vae", on=day).text)


def test_cpf_pays_the_whole_vae_route_since_august_2025():
    assert knowledge.answer("vae_financing", on=TODAY).in_force_since == date(2025, 8, 1)
    assert knowledge.answer("vae_financing", on=date(2025, 7, 31)).in_force_since < date(2025, 8, 1)


def test_pro_a_is_replaced_by_the_periode_de_reconversion_in_2026():
    answer = knowledge.answer("periode_reconversion", on=TODAY)
    assert answer.in_force_since == date(2026, 1, 1) and "Pro-A" in answer.previously


def test_source_text_obsolete_rules_are_not_said_today():
    for topic in knowledge.topics():
        text = knowledge.answer(topic, on=TODAY).text
        assert "Pôle emploi" not in text or "France Travail" in text, topic
        assert not re.search(r"au moins (1|un) an d.exp", text), topic


def test_four_steps_each_with_a_topic():
    steps = knowledge.steps()
    assert [s.number for s in steps] == [1, 2, 3, 4]
    assert all(s.topic in knowledge.topics() for s in steps)


@pytest.mark.parametrize(
    "text, number",
    [("3", 3), ("étape 2", 2), ("la troisième", 3), ("le jury", 4), ("JURY", 4), ("l'evaluation", 3),
     ("le financement", 2), ("choisir mon cqp", 1), ("quatrieme etape", 4)],
)
def test_find_step_by_number_or_name(text, number):
    assert knowledge.find_step(text).number == number


def test_find_step_unknown_or_out_of_range():
    assert knowledge.find_step("étape 9") is None
    assert knowledge.find_step("") is None


def test_status_labels():
    assert knowledge.status_label("demandeur_emploi").startswith("demandeur")
    assert knowledge.status_label("martien") is None


def _copy_data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(ROOT / "knowledge" / "data", target)
    return target


def test_loader_names_the_file_of_an_unknown_source(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "topics" / "jury.yml"
    body = yaml.safe_load(path.read_text())
    body["versions"][-1]["sources"] = ["source-qui-n-existe-pas"]
    path.write_text(yaml.safe_dump(body, allow_unicode=True))
    with pytest.raises(KnowledgeError, match="jury.yml"):
        load(data)


def test_loader_rejects_overlapping_versions(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "topics" / "vae_eligibility.yml"
    body = yaml.safe_load(path.read_text())
    body["versions"][0]["until"] = body["versions"][1]["from"]
    path.write_text(yaml.safe_dump(body, allow_unicode=True))
    with pytest.raises(KnowledgeError, match="vae_eligibility.yml"):
        load(data)


def test_loader_rejects_a_text_without_a_start_date(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "topics" / "cep.yml"
    body = yaml.safe_load(path.read_text())
    del body["versions"][-1]["from"]
    path.write_text(yaml.safe_dump(body, allow_unicode=True))
    with pytest.raises(KnowledgeError, match="from"):
        load(data)


def test_loader_rejects_an_unknown_dated_value(tmp_path):
    data = _copy_data(tmp_path)
    path = data / "topics" / "cpf_participation.yml"
    body = yaml.safe_load(path.read_text())
    body["versions"][-1]["text"] += " {value:montant_invente}"
    path.write_text(yaml.safe_dump(body, allow_unicode=True))
    with pytest.raises(KnowledgeError, match="montant_invente"):
        load(data)


def test_a_day_before_any_known_rule_is_said_not_guessed():
    first = min(v.start for v in knowledge.base().topics["jury"].versions)
    answer = knowledge.answer("jury", on=first - timedelta(days=1))
    assert not answer.applies and answer.in_force_since == first
    assert answer.text.startswith("Je n'ai pas de règle vérifiée pour le")


def test_cep_operator_for_each_situation():
    from knowledge import cep

    expected = {"salarie": "cep_regional", "independant": "cep_regional", "cadre": "apec", "demandeur_emploi": "france_travail",
                "jeune": "mission_locale", "agent_public": "employeur_public"}
    for status, operator in expected.items():
        orientation = cep.orientation(status, disability=False)
        assert orientation.operator.id == operator and not orientation.missing
        assert orientation.sources and "gratuit" in orientation.common
    assert cep.orientation("cadre", disability=True).operator.id == "cap_emploi"
    assert cep.orientation(None, disability=True).operator.id == "cap_emploi"
    assert cep.orientation(None, None).missing == ("status", "disability")
    assert cep.orientation("salarie", None).missing == ("disability",)
    assert "mon-cep.org" in cep.operator("cep_regional").contact
