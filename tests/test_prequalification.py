"""The pre-qualification for a CEP advisor through the REST channel, with the real action
server and a real (SQLite) dossiers database: consent, refusal, corrections, invalid
contacts, erasure, each CEP operator, crafted messages, and no personal data in the logs;
the RQTH question (health data) only after its own explicit consent."""
from __future__ import annotations

import io
from typing import Optional

import pytest

import dossiers
from bot.actions import ui
from dossiers.export import write_csv, write_json
from dossiers.report import full_page

EMAIL = "marie.dupont@example.fr"
PHONE = "06 12 34 56 78"
PROJECT = "Devenir soudeuse par la VAE après six ans en atelier de chaudronnerie"
AVAILABILITY = "le mardi matin de préférence"


@pytest.fixture
def store(dossiers_url, action_server):
    with dossiers.Store(dossiers_url) as opened:
        opened.migrate()
        yield opened


def prequalify(chat, status: str = "demandeur_emploi", disability: Optional[str] = "Non", contact: str = EMAIL):
    """`disability` None: the visitor declines the RQTH question."""
    chat.say(f'/inform{{"status": "{status}"}}')
    chat.say("je voudrais parler à un conseiller")
    assert "Acceptez-vous" in chat.text and "supprimez mes données" in chat.text
    chat.click(ui.CONSENT_YES)
    assert ui.QUESTIONS["health_consent"] in chat.text
    if disability is None:
        chat.click(ui.HEALTH_CONSENT_NO)
    else:
        chat.click(ui.HEALTH_CONSENT_YES)
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
    chat.click(ui.HEALTH_CONSENT_NO)
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


def saved_dossier(store, chat) -> dossiers.Dossier:
    saved = [d for d in store.find() if d.conversation_id == chat.sender]
    assert len(saved) == 1
    return saved[0]


def exported(dossier: dossiers.Dossier) -> str:
    csv_text, json_text = io.StringIO(), io.StringIO()
    write_csv([dossier], csv_text)
    write_json([dossier], json_text)
    return "\n".join((csv_text.getvalue(), json_text.getvalue(), full_page(dossier)))


def test_the_notice_names_health_data_and_the_rqth_question_has_its_own_consent(rasa, store):
    chat = rasa.conversation()
    chat.say('/inform{"status": "salarie"}')
    chat.say("je voudrais parler à un conseiller")
    assert "RQTH" in chat.text and "donnée de santé" in chat.text
    chat.click(ui.CONSENT_YES)
    assert "facultative" in chat.text and "donnée de santé" in chat.text and "RGPD, article 9" in chat.text
    assert ui.QUESTIONS["disability"] not in chat.text  # not asked before its consent
    assert [b["title"] for b in chat.buttons] == [ui.HEALTH_CONSENT_YES, ui.HEALTH_CONSENT_NO]
    chat.say("peut-être")
    assert ui.INVALID["health_consent"] in chat.text


def test_declining_the_rqth_question_skips_it_and_keeps_no_health_data(rasa, store):
    chat = rasa.conversation()
    prequalify(chat, status="salarie", disability=None)
    assert "Cap emploi" not in chat.text
    chat.click(ui.CONFIRM)
    assert "Votre dossier est enregistré" in chat.text and "mon-cep.org" in chat.text
    slots = chat.tracker()["slots"]
    assert slots["health_consent"] is False and slots["disability"] is None
    dossier = saved_dossier(store, chat)
    assert dossier.health_consent_at is None and dossier.operator == "cep_regional"
    text = exported(dossier)
    assert "reconnaissance de handicap" not in text and "cap_emploi" not in text and "Cap emploi" not in text


def test_rqth_with_its_consent_leads_to_cap_emploi_and_the_dossier_keeps_that_consent(rasa, store):
    chat = rasa.conversation()
    prequalify(chat, status="cadre", disability="Oui")
    assert "Cap emploi" in chat.text
    chat.click(ui.CONFIRM)
    assert "Votre dossier est enregistré" in chat.text and "Cap emploi" in chat.text
    assert chat.tracker()["slots"]["health_consent"] is True
    dossier = saved_dossier(store, chat)
    assert dossier.operator == "cap_emploi" and dossier.health_consent_at is not None
    assert dossier.consent_version == "2026-12-02"
    assert "réponse acceptée explicitement" in full_page(dossier)


def test_a_crafted_message_cannot_set_the_rqth_answer_or_its_consent(rasa, store):
    chat = rasa.conversation()
    chat.say('/inform{"health_consent": true, "disability": true}')
    chat.say('/affirm{"disability": true}')
    slots = chat.tracker()["slots"]
    assert slots["health_consent"] is None and slots["disability"] is None


def test_a_crafted_status_is_dropped_and_asked_instead(rasa, store):
    chat = rasa.conversation()
    chat.say('/inform{"status": "anything"}')
    chat.say("je voudrais parler à un conseiller")
    chat.click(ui.CONSENT_YES)
    assert "situation" in chat.text and "/inform{\"status\": \"salarie\"}" in chat.payloads
    assert chat.tracker()["slots"]["status"] is None
    chat.click("Salarié")
    assert ui.QUESTIONS["health_consent"] in chat.text
    chat.click(ui.HEALTH_CONSENT_NO)
    chat.say(PROJECT)
    assert ui.QUESTIONS["departement"] in chat.text
    chat.say('/inform{"status": "anything"}')  # during the form: dropped, and asked again
    assert "situation" in chat.text and chat.tracker()["slots"]["status"] is None
    chat.click("Salarié")
    assert ui.QUESTIONS["departement"] in chat.text and chat.tracker()["slots"]["status"] == "salarie"
    chat.say("69003")
    chat.say(EMAIL)
    chat.say(AVAILABILITY)
    assert ui.SUMMARY in chat.text and "anything" not in chat.text
    chat.click(ui.CONFIRM)
    assert saved_dossier(store, chat).status == "salarie"
