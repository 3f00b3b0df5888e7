"""Whole conversations through the REST channel, with the trained model and the real action server."""
from __future__ import annotations

import pytest

import knowledge
from bench.faq_eval import answered_entry
from bot.actions import ui
from knowledge import faq

TOPIC_QUESTIONS = {
    "cqp_definition": "c'est quoi exactement un CQP ?",
    "steps_overview": "quelles sont les étapes pour avoir un CQP ?",
    "choose_cqp": "comment choisir mon CQP ?",
    "referentiel": "où je peux consulter le référentiel du CQP ?",
    "blocs_competences": "c'est quoi un bloc de compétences ?",
    "cep": "c'est quoi le conseil en évolution professionnelle ?",
    "routes": "formation ou VAE, quelle voie choisir pour un CQP ?",
    "formation": "où suivre une formation pour préparer un CQP ?",
    "financing": "qui peut payer ma formation ?",
    "cpf_definition": "c'est quoi le compte personnel de formation ?",
    "cpf_eligibility": "est-ce que je peux payer mon CQP avec mon CPF ?",
    "cpf_participation": "combien coûte le reste à charge du CPF ?",
    "vae_definition": "c'est quoi la VAE ?",
    # « est-ce que je peux faire une VAE ? » asks about the visitor's own case: the VAE check answers it.
    "vae_eligibility": "quelles sont les conditions pour faire une VAE ?",
    "vae_process": "comment se passe une VAE ?",
    "vae_financing": "qui finance la VAE ?",
    "conge_vae": "j'ai droit à un congé pour ma VAE ?",
    "evaluation": "comment se passe l'évaluation des compétences ?",
    "jury": "qui compose le jury ?",
    "partial_validation": "et si le jury ne valide qu'une partie ?",
    "rncp_rs": "quelle différence entre RNCP et RS ?",
    "france_travail": "Pôle emploi existe encore ?",
    "periode_reconversion": "la Pro-A existe toujours ?",
}


def expected_text(topic: str) -> str:
    return knowledge.answer(topic, on=knowledge.today()).text


def answered_topic(chat, topic: str) -> str:
    """`topic` when the reply answers one of its entries, at once or after the visitor
    picks it among the two questions the bot offered; else the topic answered, or ''."""
    if chat.entry_on(topic):
        return topic
    return faq.entry(chat.entry).topic if chat.entry else ""


@pytest.mark.parametrize("topic", sorted(TOPIC_QUESTIONS))
def test_a_question_in_own_words_gets_todays_sourced_answer(rasa, topic):
    chat = rasa.conversation()
    chat.say(TOPIC_QUESTIONS[topic])
    assert answered_topic(chat, topic) == topic
    reply = faq.answer(chat.entry, on=knowledge.today())
    assert reply.text in chat.text
    # The source shown is the answer's first: an official one when it has one (some are http://).
    assert "Source :" in chat.text and reply.sources[0].url in chat.text
    assert chat.buttons, "a next step is offered as buttons"


@pytest.mark.parametrize("topic", sorted(knowledge.topics()))
def test_each_button_title_typed_as_text_works(rasa, topic):
    chat = rasa.conversation()
    chat.say(knowledge.label(topic))
    if topic == "advisor":  # the advisor button starts the pre-qualification (its privacy notice first)
        assert "Acceptez-vous" in chat.text
    elif topic == "capabilities":
        assert expected_text(topic) in chat.text
    else:  # the topic's general question: its short answer, the longer text one tap away
        assert answered_entry(chat.replies) == topic
        assert faq.answer(topic, on=knowledge.today()).text in chat.text


def test_the_four_step_tour_with_a_question_on_the_way(rasa):
    chat = rasa.conversation()
    chat.say("Bonjour")
    assert chat.payloads[0] == "/start_journey"
    chat.say("je veux obtenir un CQP")
    assert "Étape 1/4" in chat.text
    chat.say("étape suivante")
    assert "Étape 2/4" in chat.text
    chat.say("c'est quoi le CPF ?")
    assert answered_topic(chat, "cpf_definition") == "cpf_definition"
    assert any(b["title"].startswith("Reprendre le parcours (étape 2)") for b in chat.buttons)
    chat.say("on en est où ?")
    assert "Étape 2/4" in chat.text
    chat.click("Étape suivante")
    assert "Étape 3/4" in chat.text
    chat.say("revenir à l'étape précédente")
    assert "Étape 2/4" in chat.text
    chat.say("oui")
    assert "Étape 3/4" in chat.text
    chat.say("passe directement à l'étape du jury")
    assert "Étape 4/4" in chat.text
    chat.say("étape suivante")
    assert "dernière étape" in chat.text
    assert "/request_advisor" in chat.payloads


def test_jump_to_a_step_by_number(rasa):
    chat = rasa.conversation()
    chat.say("aller à l'étape 3")
    assert "Étape 3/4" in chat.text


def test_clicking_a_quick_reply_payload(rasa):
    chat = rasa.conversation()
    chat.say("c'est quoi la VAE ?")
    following = faq.answer(chat.entry_on("vae_definition"), on=knowledge.today()).next[0]
    chat.click(following.question)
    assert answered_entry(chat.replies) == following.entry


# Messages the bot should not understand (none is in the training data); the test uses
# two that the NLU finds unclear.
UNCLEAR = ["blorg fnak zwirt", "euh bon", "heuu", "wxcvb", "je comprends rien", "xyz", "pfiou"]


def test_fallback_twice_then_the_advisor_offer(rasa):
    unclear = [text for text in UNCLEAR if rasa.parse(text)["intent"]["name"] in ("nlu_fallback", "unclear")]
    assert len(unclear) >= 2, "the fallback must catch unclear messages"
    chat = rasa.conversation()
    chat.say(unclear[0])
    assert ui.REPHRASE in chat.text
    assert len(chat.buttons) == 2
    chat.say(unclear[1])
    assert "conseiller" in chat.text and chat.payloads[0] == "/request_advisor"
    chat.say("oui")
    assert "Acceptez-vous" in chat.text


def test_off_topic_gets_what_the_bot_can_do(rasa):
    chat = rasa.conversation()
    chat.say("quel temps fera-t-il demain à Lyon ?")
    assert "spécialisé dans les CQP" in chat.text
    assert "/start_journey" in chat.payloads


def test_another_language_gets_a_clear_message(rasa):
    chat = rasa.conversation()
    chat.say("Hello, how can I get a professional certificate?")
    assert "uniquement en français" in chat.text


def test_situation_told_is_acknowledged_and_never_logged(rasa):
    chat = rasa.conversation()
    chat.say("je suis demandeuse d'emploi avec 3 ans d'expérience comme aide-soignante")
    assert "demandeur ou demandeuse d'emploi" in chat.text
    logged = rasa.logged()
    assert "aide-soignante" not in logged and "demandeuse" not in logged


def test_advisor_request_starts_with_the_privacy_notice(rasa):
    chat = rasa.conversation()
    chat.say("je voudrais parler à un conseiller")
    assert "Acceptez-vous" in chat.text and "supprimez mes données" in chat.text


@pytest.mark.parametrize(
    "message",
    ["   ", "<script>alert('x')</script>", "' OR 1=1; DROP TABLE events; --", "😀😀😀", "a" * 5000,
     "/restart", "\u202eتحويل\u202c"],
)
def test_odd_input_gets_an_answer_and_the_conversation_goes_on(rasa, message):
    chat = rasa.conversation()
    chat.say(message)
    chat.say("c'est quoi un CQP ?")
    assert answered_topic(chat, "cqp_definition") == "cqp_definition"
