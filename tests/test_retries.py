"""After two failed answers to the same question (bot/actions/retries.py), through the REST
channel with the real model and action server: what is expected with an example, and three
ways on (skip, answer again, an advisor), each working inside its form."""
from __future__ import annotations

import knowledge
from bot.actions import ui

EXPERIENCE = knowledge.base().facts["experience_months"].question
WAYS_ON = (ui.RETRY_SKIP, ui.RETRY_AGAIN, ui.RETRY_ADVISOR)


def offers_ways_on(chat, slot: str) -> bool:
    titles = [b["title"] for b in chat.buttons]
    return ui.RETRY_EXPECTED[slot] in chat.text and all(t in titles for t in WAYS_ON)


def vae_asks_experience(chat) -> None:
    chat.say('/inform{"registration": "rncp"}')
    chat.say("/check_vae")
    assert EXPERIENCE in chat.text


def vae_fails_twice(chat) -> None:
    vae_asks_experience(chat)
    chat.say("blabla")
    assert "Je n'ai pas compris cette durée" in chat.text and not offers_ways_on(chat, "experience_months")
    chat.say("n'importe quoi")
    assert offers_ways_on(chat, "experience_months")
    assert "par exemple « 18 mois »" in chat.text and EXPERIENCE in chat.text


def test_vae_skip_after_two_failures_gives_a_decision_saying_what_stays_to_check(rasa):
    chat = rasa.conversation()
    vae_fails_twice(chat)
    chat.click(ui.RETRY_SKIP)
    assert ui.RETRY_SKIPPED in chat.text
    assert ui.HEADLINES[("vae", "to_check")] in chat.text
    assert f"{ui.STILL_TO_CHECK}\n• {EXPERIENCE}" in chat.text


def test_vae_typed_dont_know_after_two_failures_skips_too(rasa):
    chat = rasa.conversation()
    vae_fails_twice(chat)
    chat.say("je ne sais pas")
    assert ui.HEADLINES[("vae", "to_check")] in chat.text and ui.STILL_TO_CHECK in chat.text


def test_vae_answer_again_asks_the_plain_question_then_counts_from_zero(rasa):
    chat = rasa.conversation()
    vae_fails_twice(chat)
    chat.click(ui.RETRY_AGAIN)
    assert EXPERIENCE in chat.text and not offers_ways_on(chat, "experience_months")
    assert "Je n'ai pas compris" not in chat.text
    chat.say("blabla")
    assert "Je n'ai pas compris cette durée" in chat.text and not offers_ways_on(chat, "experience_months")
    chat.say("3 ans")
    assert ui.HEADLINES[("vae", "eligible")] in chat.text


def test_vae_advisor_after_two_failures_starts_the_pre_qualification(rasa):
    chat = rasa.conversation()
    vae_fails_twice(chat)
    chat.click(ui.RETRY_ADVISOR)
    assert "Acceptez-vous que je prépare ce dossier ?" in chat.text
    assert chat.tracker()["active_loop"].get("name") == "prequalification_form"


def prequalification_asks_departement(chat) -> None:
    chat.say('/inform{"status": "salarie"}')
    chat.say("je voudrais parler à un conseiller")
    chat.click(ui.CONSENT_YES)
    chat.click(ui.HEALTH_CONSENT_NO)
    chat.say("Devenir soudeuse par la VAE après six ans en atelier")
    assert ui.QUESTIONS["departement"] in chat.text


def departement_fails_twice(chat) -> None:
    prequalification_asks_departement(chat)
    chat.say("xyz")
    assert ui.QUESTIONS["departement"] in chat.text and not offers_ways_on(chat, "departement")
    chat.say("chez moi")
    assert offers_ways_on(chat, "departement") and "« 69003 »" in chat.text


def test_prequalification_skip_goes_on_and_the_summary_says_what_to_complete(rasa):
    chat = rasa.conversation()
    departement_fails_twice(chat)
    chat.click(ui.RETRY_SKIP)
    assert ui.RETRY_SKIPPED in chat.text and ui.QUESTIONS["contact"] in chat.text
    chat.say("marie.dupont@example.fr")
    chat.say("le mardi matin")
    assert f"Département : {ui.NOT_GIVEN}" in chat.text
    chat.click(ui.CONFIRM)
    assert "Il manque encore : département" in chat.text and "Votre dossier est enregistré" not in chat.text
    chat.click(ui.CORRECT.format(label="département"))
    assert ui.QUESTIONS["departement"] in chat.text
    chat.say("69003")
    assert "Département : 69" in chat.text
    chat.click(ui.CONFIRM)
    assert "Votre dossier est enregistré" in chat.text


def test_prequalification_advisor_says_whom_to_call_and_the_question_stays(rasa):
    chat = rasa.conversation()
    departement_fails_twice(chat)
    chat.click(ui.RETRY_ADVISOR)
    assert ui.DIRECT_ADVISOR in chat.text and "mon-cep.org" in chat.text
    assert ui.QUESTIONS["departement"] in chat.text and not offers_ways_on(chat, "departement")
    chat.say("69")
    assert ui.QUESTIONS["contact"] in chat.text


def test_a_right_answer_after_one_failure_resets_the_count(rasa):
    chat = rasa.conversation()
    prequalification_asks_departement(chat)
    chat.say("xyz")
    chat.say("69")
    assert ui.QUESTIONS["contact"] in chat.text
    chat.say("pas de contact")  # one failure on another question: no help yet
    assert ui.QUESTIONS["contact"] in chat.text and not offers_ways_on(chat, "contact")
    chat.say("marie.dupont@example.fr")
    chat.say("le mardi matin")
    chat.click(ui.CORRECT.format(label="département"))
    chat.say("xyz")  # the same question again: its earlier failure does not count
    assert ui.QUESTIONS["departement"] in chat.text and not offers_ways_on(chat, "departement")
    chat.say("2A")
    assert "Département : 2A" in chat.text


# The count itself, from events as Rasa records them (no server).
def _tracker(*turns):
    from rasa_sdk import Tracker

    events = [{"event": "active_loop", "name": "prequalification_form"},
              {"event": "slot", "name": "requested_slot", "value": "departement"}]
    for intent, field, value in turns:
        entities = [{"entity": "field", "value": field}] if field else []
        events.append({"event": "user", "parse_data": {"intent": {"name": intent}, "entities": entities}})
        if value is not ...:
            events += [{"event": "slot", "name": "departement", "value": value},
                       {"event": "slot", "name": "requested_slot", "value": "departement"}]
    latest = events[-1].get("parse_data", {}) if events[-1]["event"] == "user" else {}
    return Tracker("t", {"requested_slot": "departement"}, latest, events, False, None,
                   {"name": "prequalification_form"}, "action_listen")


def test_failures_count_in_a_row_and_reset():
    from bot.actions import retries

    assert retries.failures(_tracker(("unclear", None, None)), "departement") == 1
    assert retries.failures(_tracker(("unclear", None, None), ("unclear", None, None)), "departement") == 2
    # The current message, not validated yet, neither counts nor resets.
    assert retries.failures(_tracker(("unclear", None, None), ("unclear", None, None), ("inform", None, ...)), "departement") == 2
    again = _tracker(("unclear", None, None), ("unclear", None, None), ("inform", "departement", None))
    assert retries.failures(again, "departement") == 0
    # An answer that filled the question (asked again here as after a correction) resets it.
    assert retries.failures(_tracker(("unclear", None, None), ("inform", None, "69"), ("unclear", None, None)), "departement") == 1


def test_skip_needs_two_failures_or_the_button():
    from bot.actions import retries

    assert retries.skipped(_tracker(("dont_know", None, None))) == set()
    assert retries.skipped(_tracker(("unclear", None, None), ("unclear", None, None), ("dont_know", None, ...))) == {"departement"}
    assert retries.skipped(_tracker(("dont_know", "departement", ...))) == {"departement"}
    assert retries.skipped(_tracker(("dont_know", "contact", ...))) == set()
