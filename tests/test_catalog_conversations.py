"""The catalog through the REST channel, with the trained model and the real action server:
branch browsing, lookup by name and by number, ambiguity, unknown certification, an expired
fiche, and checks that no longer ask for the registration once the CQP is identified."""
from __future__ import annotations

import knowledge
from bot.actions import ui

REGISTRATION_QUESTION = knowledge.base().facts["registration"].question


def test_branches_then_a_branch_a_few_at_a_time(rasa):
    chat = rasa.conversation()
    chat.say("quelles branches proposent des CQP ?")
    assert ui.BRANCHES in chat.text
    assert '/browse_branches{"branch": "metallurgie"}' in chat.payloads
    chat.click("Métallurgie")
    assert "(1 à 5 sur 72)" in chat.text and ui.SHOW_MORE in [b["title"] for b in chat.buttons]
    first = set(chat.payloads)
    chat.say("voir plus")
    assert "(6 à 10 sur 72)" in chat.text
    assert not first & {p for p in chat.payloads if p.startswith("/find_certification")}


def test_cqps_of_a_branch_named_in_the_question(rasa):
    chat = rasa.conversation()
    chat.say("Quels CQP dans la métallurgie ?")
    assert "CQP de la branche « Métallurgie »" in chat.text


def test_lookup_by_name_gives_the_fiche_with_its_link(rasa):
    chat = rasa.conversation()
    chat.say("je cherche le CQP concepteur 3D en bijouterie")
    assert "RNCP37820" in chat.text and "https://www.francecompetences.fr/recherche/rncp/37820/" in chat.text
    assert "Blocs de compétences (2)" in chat.text and "Branche : Bijouterie" in chat.text


def test_lookup_by_number(rasa):
    chat = rasa.conversation()
    chat.say("RNCP34172")
    assert "CQP Soudeur industriel" in chat.text and "Métallurgie" in chat.text
    chat = rasa.conversation()
    chat.say("rs 6117")
    assert "CQP Tourier — RS6117" in chat.text


def test_several_fiches_fit_so_the_bot_asks_which(rasa):
    chat = rasa.conversation()
    chat.say("je cherche un CQP de vendeur")
    assert "Laquelle ?" in chat.text
    chosen = [b for b in chat.buttons if "RNCP32115" in b["payload"]]
    assert chosen
    chat.say(chosen[0]["payload"])
    assert "CQP Vendeur conseil en produits biologiques — RNCP32115" in chat.text


def test_unknown_certification_says_where_to_check(rasa):
    chat = rasa.conversation()
    chat.say("je cherche le CQP pizzaiolo")
    assert "Je ne trouve pas" in chat.text and ui.SEARCH_URL in chat.text


def test_an_expired_fiche_says_so_and_what_it_changes(rasa):
    chat = rasa.conversation()
    chat.say("le CQP tourier est-il au RNCP ?")
    assert "CQP Tourier — RS6117" in chat.text
    assert "Enregistrement terminé le 29 septembre 2025" in chat.text
    assert ui.WHAT_IT_MEANS in chat.text and "CPF" in chat.text and "VAE" in chat.text


def test_a_check_after_a_lookup_does_not_ask_the_registration(rasa):
    chat = rasa.conversation()
    chat.say("RNCP40557")
    assert "Enregistrement en cours jusqu'au 30 avril 2030" in chat.text
    chat.click("Vérifier mon droit à la VAE")
    assert REGISTRATION_QUESTION not in chat.text
    assert knowledge.base().facts["experience_months"].question in chat.text
    chat.say("4 ans")
    assert ui.HEADLINES[("vae", "eligible")] in chat.text and "RNCP40557" in chat.text


def test_naming_the_cqp_answers_the_registration_question(rasa):
    chat = rasa.conversation()
    chat.say("/check_cpf")
    assert REGISTRATION_QUESTION in chat.text
    chat.say("c'est le CQP tourier")
    assert ui.HEADLINES[("cpf", "not_eligible")] in chat.text
    assert "29 septembre 2025" in chat.text


def test_an_unknown_cqp_during_a_check_goes_on_to_check(rasa):
    chat = rasa.conversation()
    chat.say("/check_vae")
    chat.say("RNCP999999")
    assert "Je ne trouve pas" in chat.text
    assert knowledge.base().facts["experience_months"].question in chat.text
    chat.say("2 ans")
    assert ui.HEADLINES[("vae", "to_check")] in chat.text


def test_show_more_without_a_list(rasa):
    chat = rasa.conversation()
    chat.say("voir plus")
    assert ui.NO_MORE in chat.text
