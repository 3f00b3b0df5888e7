"""The pre-qualification for a CEP advisor through the REST channel, with the real action
server and a real (SQLite) dossiers database: consent, refusal, corrections, invalid
contacts, erasure, each CEP operator, crafted messages, and no personal data in the logs."""
from __future__ import annotations

import pytest

import dossiers
from bot.actions import ui

EMAIL = "marie.dupont@example.fr"
PHONE = "06 12 34 56 78"
PROJECT = "Devenir soudeuse par la VAE après six ans en atelier de chaudronnerie"
AVAILABILITY = "le mardi matin de préférence"


@pytest.fixture
def store(dossiers_url, action_server):
    with dossiers.Store(dossiers_url) as opened:
        opened.migrate()
        yield opened


def prequalify(chat, status: str = "demandeur_emploi", disability: str = "Non", contact: str = EMAIL):
    chat.say(f'/inform{{"status": "{status}"}}')
    chat.say("je voudrais parler à un conseiller")
    assert "Acceptez-vous" in chat.text and "supprimez mes données" in chat.text
    chat.click(ui.CONSENT_YES)
    assert ui.QUESTIONS["disability"] in chat.text
    chat.click(disability)
    assert ui.QUESTIONS["project"] in chat.text
    chat.say(PROJECT)
    assert ui.QUESTIONS["departement"] in chat.text
    chat.say("69003")
    assert ui.QUESTIONS["contact"] in chat.text
    chat.say(contact)
    assert ui.QUESTIONS["availability"] in chat.text
    chat.say(AVAILABILITY)
    assert ui.SUMMARY in chat.text


def test_full_prequalification_is_saved_once_with_its_facts(rasa, store):
    chat = rasa.conversation()
    chat.say("RNCP40557")
    prequalify(chat)
    assert "Département : 69" in chat.text and EMAIL in chat.text and "France Travail" in chat.text
    chat.click(ui.CONFIRM)
    assert "Votre dossier est enregistré" in chat.text and "France Travail" in chat.text
    saved = [d for d in store.find() if d.conversation_id == chat.sender]
    assert len(saved) == 1
    dossier = saved[0]
    assert (dossier.status, dossier.departement, dossier.contact, dossier.contact_kind) == ("demandeur_emploi", "69", EMAIL, "email")
    assert dossier.operator == "france_travail" and dossier.target_number == "RNCP40557"
    assert dossier.project == PROJECT and dossier.availability == AVAILABILITY
    assert set(dossier.outcomes) == {"vae", "cpf", "financing"} and dossier.rules_date


def test_refusing_consent_stores_nothing_and_still_says_whom_to_contact(rasa, store):
    chat = rasa.conversation()
    chat.say('/inform{"status": "cadre"}')
    chat.say("/request_advisor")
    chat.click(ui.CONSENT_NO)
    assert ui.REFUSED in chat.text and "Apec" in chat.text
    assert not [d for d in store.find() if d.conversation_id == chat.sender]


def test_a_field_is_corrected_from_the_summary(rasa, store):
    chat = rasa.conversation()
    prequalify(chat)
    chat.click("Corriger : département")
    assert ui.QUESTIONS["departement"] in chat.text
    chat.say("2A")
    assert ui.SUMMARY in chat.text and "Département : 2A" in chat.text
    chat.click(ui.CONFIRM)
    saved = [d for d in store.find() if d.conversation_id == chat.sender]
    assert [d.departement for d in saved] == ["2A"]


def test_invalid_contact_and_departement_are_asked_again(rasa, store):
    chat = rasa.conversation()
    chat.say("/request_advisor")
    chat.click(ui.CONSENT_YES)
    assert "situation" in chat.text  # unknown, the status is asked first (it decides the advisor)
    chat.click("Salarié")
    chat.click("Non")
    chat.say(PROJECT)
    chat.say("Mars")
    assert ui.INVALID["departement"] in chat.text
    chat.say("974")
    chat.say("marie.dupont@")
    assert ui.INVALID["contact"] in chat.text
    chat.say("12")
    assert ui.INVALID["contact"] in chat.text
    chat.say(PHONE)
    assert ui.QUESTIONS["availability"] in chat.text


@pytest.mark.parametrize("status, disability, operator", [
    ("demandeur_emploi", "Non", "France Travail"),
    ("cadre", "Non", "Apec"),
    ("jeune", "Non", "Mission locale"),
    ("salarie", "Non", "mon-cep.org"),
    ("independant", "Je préfère ne pas répondre", "mon-cep.org"),
    ("salarie", "Oui", "Cap emploi"),
])
def test_each_cep_operator(rasa, store, status, disability, operator):
    chat = rasa.conversation()
    prequalify(chat, status=status, disability=disability, contact=PHONE)
    chat.click(ui.CONFIRM)
    assert "Votre dossier est enregistré" in chat.text and operator in chat.text
    assert "gratuit" in chat.text and "Source :" in chat.text


def test_erasure_deletes_the_dossier_and_the_history(rasa, store):
    chat = rasa.conversation()
    prequalify(chat)
    chat.click(ui.CONFIRM)
    assert [d for d in store.find() if d.conversation_id == chat.sender]
    chat.say("supprimez mes données")
    assert ui.ERASED in chat.text
    assert not [d for d in store.find() if d.conversation_id == chat.sender]
    events = chat.tracker()["events"]
    texts = [e.get("text") or "" for e in events]
    assert not any(PROJECT in t or EMAIL in t for t in texts)
    assert chat.tracker()["slots"]["contact"] is None


def test_crafted_messages_cannot_set_consent_or_contact(rasa, store):
    chat = rasa.conversation()
    chat.say('/inform{"consent": true, "contact": "pirate@example.fr", "contact_kind": "email"}')
    chat.say('/affirm{"consent": true}')
    slots = chat.tracker()["slots"]
    assert slots["consent"] is None and slots["contact"] is None
    chat.say("/request_advisor")
    assert "Acceptez-vous" in chat.text  # the notice still comes first


def test_no_personal_data_in_the_logs(rasa, store):
    chat = rasa.conversation()
    prequalify(chat, contact=PHONE)
    chat.click(ui.CONFIRM)
    logged = rasa.logged()
    for secret in (PHONE, PROJECT, AVAILABILITY, "0612345678"):
        assert secret not in logged
