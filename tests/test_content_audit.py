"""The audit of knowledge/data/ (issue 17, « wrong or unsupported statements »): one test per
item, on what the bot says today, checked against ../shared/reference/faits-cqp-vae-cpf-2026.md."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

import pytest

import knowledge
from knowledge import cep, faq, rules
from knowledge.model import Outcome
from knowledge.plain_language import sentences
from knowledge.rules import Profile

TODAY = date(2026, 12, 2)
# The topics whose texts this audit rewrote, with their FAQ entries.
REWRITTEN = ("jury", "partial_validation", "evaluation", "steps_overview", "formation", "referentiel",
             "cpf_definition", "capabilities", "cpf_participation", "cep")


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def texts_of(topics):
    """(where, text, source ids) of each topic and FAQ answer of these topics, today."""
    for topic in topics:
        answer = knowledge.answer(topic, on=TODAY)
        yield f"topics/{topic}", plain(answer.text), {s.id for s in answer.sources}
        for entry in faq.entries().values():
            if entry.topic == topic:
                reply = faq.answer(entry.id, on=TODAY)
                yield f"faq/{entry.id}", plain(reply.text), {s.id for s in reply.sources}


def everything_said():
    yield from texts_of(knowledge.topics())


def reason_ids(decision):
    return " ".join(decision.reasons)


# --- 1. Transitions Pro and the VAE -------------------------------------------------------

def test_transitions_pro_vae_financing_is_asked_about_not_stated():
    employee = rules.vae(Profile(status="salarie", registration="rncp", experience_months=24), TODAY)
    said = [r for r in employee.reasons if "Transitions Pro" in r]
    assert said, "the employee is still told to ask Transitions Pro"
    assert all("demandez" in r and "pas pu vérifier" in r for r in said)
    assert not any("Transitions Pro peut financer" in r for r in employee.reasons)


# --- 2. The jury's decisions, and blocs only where a CQP has them --------------------------

def test_jury_says_the_three_outcomes_and_the_appeal():
    for text in (knowledge.answer("jury", on=TODAY).text, faq.answer("jury", on=TODAY).text):
        assert "valider en partie" in text and "refuser" in text
        assert "contester" in text
    topic = knowledge.answer("jury", on=TODAY).text
    assert "Aucun délai de recours n'est commun" in topic


def test_blocs_are_said_only_of_a_cqp_that_has_them():
    # A CQP registered at the RS has no blocs: a sentence about blocs says when there are some,
    # or names the competences too.
    qualified = re.compile(r"RNCP|compétences? |compétences?\b|quand (le CQP|il) en a|si le CQP a des blocs")
    for where, text, _ in texts_of(("jury", "partial_validation", "evaluation", "steps_overview")):
        for sentence in sentences(text):
            if "bloc par bloc" in sentence or "attestation" in sentence and "bloc" in sentence:
                assert qualified.search(sentence), (where, sentence)


# --- 3. Who may pay: the transition project, and a volunteer's CPF --------------------------

def test_transition_project_only_for_a_cpf_eligible_certification():
    ids = lambda registration: [o.id for o in rules.financing_options(  # noqa: E731
        Profile(status="salarie", route="formation", registration=registration), TODAY)]
    assert "transition_pro" not in ids("aucun")
    assert "transition_pro" in ids("rncp") and "transition_pro" in ids("rs")


def test_a_volunteer_is_told_the_same_about_the_cpf_everywhere():
    volunteer = Profile(status="benevole", registration="rncp", experience_months=24)
    paying = rules.financing(Profile(status="benevole", route="vae", registration="rncp"), TODAY)
    assert any(r.startswith("Votre CPF") and "si vous travaillez aussi" in r for r in paying.reasons)
    assert paying.outcome is Outcome.TO_CHECK and paying.check_with == rules.CHECK_CEP
    assert "si vous travaillez aussi" in reason_ids(rules.vae(volunteer, TODAY))
    assert "si vous travaillez aussi" in reason_ids(rules.cpf(volunteer, TODAY))
    assert "si vous travaillez aussi" in faq.answer("cpf_benevole", on=TODAY).text
    # No CPF is offered for a CQP the CPF does not pay for.
    unregistered = rules.financing_options(Profile(status="benevole", route="formation", registration="aucun"), TODAY)
    assert [o.id for o in unregistered] == ["self"]


# --- 4. The CEP for a volunteer and for a public servant -----------------------------------

def test_cep_reasons_for_a_volunteer_and_a_public_servant():
    volunteer = cep.orientation("benevole", disability=False).operator
    assert volunteer.id == "cep_regional" and volunteer.why.startswith("Bénévole")
    assert "Salarié du privé ou indépendant" not in volunteer.why
    public = cep.orientation("agent_public", disability=False).operator
    assert "ressources humaines" not in public.contact + public.why
    assert "renseignez-vous auprès de votre employeur public" in public.why
    assert "sauf les agents publics" in public.why


def test_cep_operators_cite_the_pages_that_name_them():
    # The CFTC article reports the 2024-2027 regional lots, nothing else.
    for operator in cep.operators()[0]:
        ids = {s.id for s in operator.sources}
        assert {"travail-emploi-cep", "service-public-cep"} <= ids, operator.id
        assert ("cftc-cep-operateurs" in ids) == (operator.id == "cep_regional"), operator.id
    for where, text, ids in everything_said():
        if "cftc-cep-operateurs" in ids:
            assert "région" in text, where


# --- 5. Why no VAE for a CQP of the RS -----------------------------------------------------

def test_no_vae_on_the_rs_because_the_law_reserves_it_to_the_rncp():
    said = reason_ids(rules.vae(Profile(registration="rs"), TODAY))
    assert "la loi réserve la VAE aux certifications enregistrées au RNCP" in said
    assert "ni niveau ni blocs" not in said


# --- 6. Plan de développement des compétences, OPCO 2i, CPF in hours ------------------------

def test_the_employer_plan_has_its_current_name():
    assert "plan de développement des compétences" in knowledge.answer("formation", on=TODAY).text
    for where, text, _ in everything_said():
        # The old name is only quoted as the old name.
        assert text.count("plan de formation") == text.count("ancien « plan de formation »"), where


def test_the_observatory_is_for_the_opco_2i_branches_only():
    said = [knowledge.answer("referentiel", on=TODAY).text,
            *(faq.answer(e, on=TODAY).text for e in faq.entries() if faq.entry(e).topic == "referentiel")]
    mentions = [s for text in said for s in sentences(plain(text)) if "Observatoire Compétences Industries" in s]
    assert mentions and all("OPCO 2i" in s and "2021" in s for s in mentions)


def test_the_cpf_of_public_servants_counts_hours():
    for text in (knowledge.answer("cpf_definition", on=TODAY).text, faq.answer("cpf_definition", on=TODAY).text):
        assert "en euros" in text and "heures" in text and "agents publics" in text


# --- 7. Claims from the 2021 text only, and sources that do not say what they back ----------

def test_claims_from_the_2021_text_alone_are_gone():
    evaluation = knowledge.answer("evaluation", on=TODAY).text
    assert "entretien" not in evaluation and "demandez-les" in evaluation
    for where, text, _ in texts_of(REWRITTEN):
        assert "actualisé" not in text and "passerelle" not in text, where
    assert "bloc par bloc" not in faq.answer("referentiel_qui_ecrit", on=TODAY).text


def test_the_2021_observatory_article_backs_only_the_observatory():
    for where, text, ids in everything_said():
        if where in ("topics/capabilities", "faq/capabilities", "topics/steps_overview", "faq/steps_overview"):
            assert "centre-inffo-observatoire" not in ids, where
    for where, text, ids in texts_of(REWRITTEN):
        if "centre-inffo-observatoire" in ids:
            assert "Observatoire Compétences Industries" in text, where


# --- 8. Sources shown to visitors -----------------------------------------------------------

def test_sources_come_from_the_published_french_pages():
    sources = knowledge.base().sources
    for source in sources.values():
        host = urlsplit(source.url).hostname or ""
        assert not host.endswith("."), source.id
        assert "preprod" not in host and host != "press-gpt.olfp.net", source.id
        assert "lang=en" not in source.url, source.id
    assert "tissot-cpf-libre" not in sources and "olfp-cpf-2025" not in sources
    assert sources["travail-emploi-cep"].url == "https://travail-emploi.gouv.fr/le-conseil-en-evolution-professionnelle-cep"
    assert "Pôle emploi" in sources["travail-emploi-cep"].title
    assert sources["service-public-cep"].url == "https://www.service-public.fr/particuliers/vosdroits/F32457"


def test_the_working_time_rules_rest_on_the_code_du_travail():
    employee = rules.cpf(Profile(registration="rncp", status="salarie", work_time=True), TODAY)
    ids = {s.id for s in employee.sources}
    assert {"juriblio-d6323-4", "legifrance-cpf-principes"} <= ids
    assert any("60 jours" in plain(r) and "120 jours" in plain(r) for r in employee.reasons)
    outside = rules.cpf(Profile(registration="rncp", status="salarie", work_time=False), TODAY)
    assert any("librement" in r for r in outside.reasons)


# --- 9. The C2P exemption from the CPF participation ----------------------------------------

def test_the_c2p_exemption_is_listed_with_the_others():
    assert "C2P" in faq.answer("cpf_participation_exoneration", on=TODAY).text
    assert "C2P" in knowledge.answer("cpf_participation", on=TODAY).text
    employee = rules.cpf(Profile(registration="rncp", status="salarie", work_time=False), TODAY)
    assert any("C2P" in r for r in employee.reasons)


@pytest.mark.parametrize("topic", REWRITTEN)
def test_rewritten_texts_read_plainly(topic):
    from knowledge.plain_language import problems

    for where, text, _ in texts_of((topic,)):
        assert problems(text) == [], where
        if where.startswith("faq/"):
            assert len(text.split()) <= 90, where
