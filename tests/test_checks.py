"""The eligibility checks through the REST channel, with the real action server: each outcome,
several facts at once, corrections, interruptions, cancellation and « je ne sais pas »."""
from __future__ import annotations

import knowledge
from knowledge import faq
from bot.actions import ui
from knowledge import rules

QUESTIONS = {name: fact.question for name, fact in knowledge.base().facts.items()}


def asked(chat, fact: str) -> bool:
    return QUESTIONS[fact] in chat.text


def headline(question: str, outcome: str) -> str:
    return ui.HEADLINES[(question, outcome)]


def test_vae_eligible_asks_registration_then_experience(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    assert asked(chat, "registration")
    chat.click("Au RNCP")
    assert asked(chat, "experience_months")
    chat.say("un an et demi")
    assert headline("vae", "eligible") in chat.text
    assert "Source :" in chat.text and "/request_advisor" in chat.payloads


def test_vae_not_eligible_for_an_rs_cqp_after_one_question(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    chat.click("Au RS")
    assert headline("vae", "not_eligible") in chat.text
    assert ui.OTHERWISE in chat.text
    assert not asked(chat, "experience_months")


def test_vae_without_any_experience_is_not_eligible(rasa):
    chat = rasa.conversation()
    chat.say('/inform{"registration": "rncp"}')
    chat.say("/check_vae")
    assert asked(chat, "experience_months")
    chat.say("aucune")
    assert headline("vae", "not_eligible") in chat.text


def test_dont_know_the_registration_gives_to_check_with_where_to_look(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    chat.say("je ne sais pas")
    assert asked(chat, "experience_months")
    chat.say("3 ans")
    assert headline("vae", "to_check") in chat.text
    assert rules.CHECK_FRANCE_COMPETENCES in chat.text


def test_vague_or_absurd_duration_is_asked_again(rasa):
    chat = rasa.conversation()
    chat.say('/inform{"registration": "rncp"}')
    chat.say("/check_vae")
    chat.say("quelques mois")
    assert "chiffre" in chat.text and asked(chat, "experience_months")
    chat.say("1000 ans")
    assert "vie professionnelle" in chat.text and asked(chat, "experience_months")
    chat.say("8 mois")
    assert headline("vae", "eligible") in chat.text


def test_several_facts_in_one_message_are_not_asked_again(rasa):
    chat = rasa.conversation()
    chat.say("je suis demandeuse d'emploi avec 3 ans comme aide-soignante en EHPAD")
    assert "C'est noté" in chat.text
    chat.click("Vérifier mon droit à la VAE")
    assert asked(chat, "registration") and not asked(chat, "experience_months")
    chat.click("Au RNCP")
    assert headline("vae", "eligible") in chat.text


def test_correction_after_the_decision(rasa):
    chat = rasa.conversation()
    chat.say('/inform{"registration": "rncp"}')
    chat.say("/check_vae")
    chat.say("aucune")
    assert headline("vae", "not_eligible") in chat.text
    chat.say("non, en fait 3 ans")
    assert ui.CORRECTED in chat.text and headline("vae", "eligible") in chat.text


def test_question_in_the_middle_of_a_check_then_back(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    assert asked(chat, "registration")
    chat.say("c'est quoi le RNCP ?")
    if chat.entry:  # answered at once (else a choice between two questions, then the check goes on)
        assert faq.entry(chat.entry).topic == "rncp_rs"
        assert faq.answer(chat.entry).text in chat.text
    assert asked(chat, "registration")
    chat.click("Au RNCP")
    assert asked(chat, "experience_months")


def test_cancel_a_check(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    chat.say("annuler")
    assert ui.CANCELLED in chat.text
    chat.say("c'est quoi un CQP ?")
    assert chat.entry_on("cqp_definition")


def test_change_of_goal_mid_way(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    chat.say("/check_cpf")
    assert asked(chat, "registration")
    chat.click("Au RNCP")
    assert asked(chat, "status")


def test_cpf_employee_on_working_time(rasa):
    chat = rasa.conversation()
    chat.say("/check_cpf")
    chat.click("Au RNCP")
    assert asked(chat, "status")
    chat.say('/inform{"status": "salarie"}')
    assert asked(chat, "work_time")
    chat.say("oui")
    assert headline("cpf", "eligible") in chat.text
    assert "autorisation de votre employeur" in chat.text and rules.CHECK_EMPLOYER in chat.text


def test_a_status_typed_in_words_is_read(rasa):
    """Issue 16: « je suis intérimaire » at the status question is an employee, without a button."""
    chat = rasa.conversation()
    chat.say("/check_cpf")
    chat.click("Au RNCP")
    assert asked(chat, "status")
    chat.say("je suis intérimaire")
    assert asked(chat, "work_time")


def test_cpf_job_seeker_pays_no_participation(rasa):
    chat = rasa.conversation()
    chat.say("je suis demandeur d'emploi")
    chat.say("/check_cpf")
    chat.click("Au RS")
    assert headline("cpf", "eligible") in chat.text and "ne payez pas" in chat.text


def test_cpf_not_registered_is_not_eligible(rasa):
    chat = rasa.conversation()
    chat.say("/check_cpf")
    chat.click("Ni l'un ni l'autre")
    assert headline("cpf", "not_eligible") in chat.text


def test_cpf_unknown_registration_is_to_check(rasa):
    chat = rasa.conversation()
    chat.say("/check_cpf")
    chat.say("aucune idée")
    chat.say('/inform{"status": "independant"}')
    assert headline("cpf", "to_check") in chat.text


def test_financing_for_an_employee_in_training(rasa):
    chat = rasa.conversation()
    chat.say("/check_financing")
    assert asked(chat, "status")
    chat.say('/inform{"status": "salarie"}')
    assert asked(chat, "route")
    chat.say("la formation")
    assert headline("financing", "eligible") in chat.text and "période de reconversion" in chat.text


def test_financing_for_a_volunteer_is_to_build_with_an_advisor(rasa):
    chat = rasa.conversation()
    chat.say("/check_financing")
    chat.say('/inform{"status": "benevole"}')
    chat.say('/inform{"route": "formation"}')
    assert headline("financing", "to_check") in chat.text


def test_financing_vae_for_an_rs_cqp_is_not_possible(rasa):
    chat = rasa.conversation()
    chat.say('/inform{"registration": "rs"}')
    chat.say("/check_financing")
    chat.say('/inform{"status": "salarie"}')
    chat.say('/inform{"route": "vae"}')
    assert headline("financing", "not_eligible") in chat.text


def test_a_knowledge_answer_offers_the_personal_check(rasa):
    chat = rasa.conversation()
    chat.say("qui peut faire une VAE ?")
    assert "/check_vae" in chat.payloads


def test_typed_check_title_starts_the_check(rasa):
    chat = rasa.conversation()
    chat.say("Vérifier mon CPF")
    assert asked(chat, "registration")


def test_no_question_asked_when_everything_is_known(rasa):
    chat = rasa.conversation()
    chat.say('/inform{"registration": "rncp"}')
    chat.say('/inform{"status": "demandeur_emploi"}')
    chat.say("/check_cpf")
    assert headline("cpf", "eligible") in chat.text


def test_facts_told_after_a_cancelled_check_do_not_bring_it_back(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    chat.say("annuler")
    chat.say('/inform{"status": "salarie"}')
    assert ui.CORRECTED not in chat.text and "Que voulez-vous vérifier" in chat.text
