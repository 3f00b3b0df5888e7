"""The actions, called with real rasa_sdk trackers: the messages and events they return."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import knowledge
from bot.actions.answer import ActionAnswer
from bot.actions.fallback import ActionFallback
from bot.actions.inform import ActionInform
from bot.actions.journey import ActionJourney
from bot.actions.menu import ActionAffirm, ActionDeny, ActionMenu
from bot.actions import render, ui
from knowledge import faq

SLOTS = ("status", "registration", "experience_duration", "job", "branch", "certification", "journey_step", "pending_offer",
         "last_faq")


def user_event(intent: str, text: str = "") -> Dict[str, Any]:
    return {"event": "user", "text": text or intent, "parse_data": {"intent": {"name": intent}}}


def tracker(intent: str, text: str = "", slots: Optional[Dict[str, Any]] = None, entities: Optional[List] = None,
            ranking: Optional[List] = None, history: Optional[List[Dict[str, Any]]] = None) -> Tracker:
    latest = {
        "intent": {"name": intent, "confidence": 0.9},
        "entities": entities or [],
        "text": text or intent,
        "intent_ranking": ranking or [{"name": intent, "confidence": 0.9}],
    }
    events = [*(history or []), {**user_event(intent, text), "parse_data": latest}]
    return Tracker("test", {**{s: None for s in SLOTS}, **(slots or {})}, latest, events, False, None, None, "action_listen")


def run(action, tracker_: Tracker):
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, tracker_, {})
    return dispatcher.messages, {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def faq_tracker(entities=None, faq_ranking=None, decision="none", slots=None, text="") -> Tracker:
    found = [{"entity": name, "value": value} for name, value in (entities or {}).items()]
    tracker_ = tracker("faq", text=text, entities=found, slots=slots)
    tracker_.latest_message["faq"] = {"ranking": faq_ranking or [], "decision": decision}
    return tracker_


def test_answer_gives_the_entry_short_answer_its_source_and_next_entries_as_buttons():
    messages, slots = run(ActionAnswer(), faq_tracker({"faq_entry": "jury"}))
    expected = faq.answer("jury", on=knowledge.today())
    text = messages[0]["text"]
    assert text.startswith(expected.text)
    assert "Source :" in text and expected.sources[0].url in text
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[:len(expected.next)] == [render.entry_button(link.entry)["payload"] for link in expected.next]
    details = messages[0]["custom"]["details"]
    assert details["entry"] == "jury" and details["text"] == knowledge.answer("jury", on=knowledge.today()).text
    assert details["sources"] and details["dates"]
    assert slots == {"pending_offer": None, "last_faq": "jury"}


def test_a_sure_ranking_is_answered_and_a_close_one_asks_which():
    ranking = [{"entry": "jury", "confidence": 0.8}, {"entry": "cep", "confidence": 0.1}]
    messages, _ = run(ActionAnswer(), faq_tracker(faq_ranking=ranking, decision="answer"))
    assert messages[0]["custom"]["details"]["entry"] == "jury"
    messages, _ = run(ActionAnswer(), faq_tracker(faq_ranking=ranking, decision="clarify"))
    assert messages[0]["text"] == ui.WHICH_QUESTION
    assert [b["title"] for b in messages[0]["buttons"]] == [faq.question("jury"), faq.question("cep")]


def test_a_topic_button_gives_the_longer_text_and_during_the_tour_the_way_back():
    messages, _ = run(ActionAnswer(), faq_tracker({"faq_topic": "referentiel"}, slots={"journey_step": 2.0}))
    assert knowledge.answer("referentiel", on=knowledge.today()).text in messages[0]["text"]
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert f"{ui.RESUME_TOUR} (étape 2)" in titles


def test_answer_states_a_changed_rule_with_its_date():
    messages, _ = run(ActionAnswer(), faq_tracker({"faq_topic": "vae_eligibility"}))
    assert "Règle en vigueur depuis le 1er janvier 2024" in messages[0]["text"]
    assert "Avant le 1er janvier 2024" in messages[0]["text"]


def test_a_question_nothing_answers_says_what_is_covered_and_offers_an_advisor():
    messages, slots = run(ActionAnswer(), faq_tracker())
    assert messages[0]["text"] == ui.NOT_COVERED
    assert messages[0]["buttons"][0]["payload"] == "/request_advisor"
    assert slots["pending_offer"] == ui.OFFER_ADVISOR


def test_a_short_follow_up_is_read_in_the_context_of_the_last_answer():
    item = next(e for e in faq.entries().values() if e.follow_ups)
    option = item.follow_ups[0]
    messages, slots = run(ActionAnswer(), faq_tracker(text=f"et {' '.join(option.cues[0])} ?", slots={"last_faq": item.id}))
    assert messages[0]["custom"]["details"]["entry"] == option.entry


@pytest.mark.parametrize(
    "intent, slots, expected_step",
    [
        ("start_journey", {}, 1),
        ("start_journey", {"journey_step": 3.0}, 1),
        ("next_step", {"journey_step": 1.0}, 2),
        ("next_step", {}, 1),
        ("next_step", {"journey_step": 4.0}, 4),
        ("previous_step", {"journey_step": 3.0}, 2),
        ("previous_step", {"journey_step": 1.0}, 1),
        ("journey_status", {"journey_step": 3.0}, 3),
    ],
)
def test_tour_moves(intent, slots, expected_step):
    messages, events = run(ActionJourney(), tracker(intent, slots=slots))
    assert events["journey_step"] == expected_step
    assert f"Étape {expected_step}/4" in messages[0]["text"]
    step = knowledge.step(expected_step)
    assert knowledge.answer(step.topic, on=knowledge.today()).text in messages[0]["text"]


def test_tour_step_buttons_offer_next_previous_and_questions():
    messages, events = run(ActionJourney(), tracker("next_step", slots={"journey_step": 1.0}))
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[0] == "/next_step" and "/previous_step" in payloads
    assert all(render.topic_button(t)["payload"] in payloads for t in knowledge.step(2).questions)
    assert events["pending_offer"] == ui.OFFER_NEXT_STEP


def test_last_step_offers_the_advisor_not_a_next_step():
    messages, events = run(ActionJourney(), tracker("go_to_step", entities=[{"entity": "step", "value": "jury"}]))
    assert events["journey_step"] == 4
    assert "/next_step" not in [b["payload"] for b in messages[0]["buttons"]]
    assert events["pending_offer"] == ui.OFFER_ADVISOR


def test_go_to_step_by_name_in_the_text_without_entity():
    _, events = run(ActionJourney(), tracker("go_to_step", text="on passe à l'évaluation"))
    assert events["journey_step"] == 3


def test_go_to_an_unknown_step_asks_which_one():
    messages, events = run(ActionJourney(), tracker("go_to_step", text="va à l'étape 12"))
    assert events == {}
    assert len(messages[0]["buttons"]) == 4


def test_where_are_we_before_the_tour_started():
    messages, events = run(ActionJourney(), tracker("journey_status"))
    assert events == {} and messages[0]["buttons"][0]["payload"] == "/start_journey"


def test_yes_after_a_step_goes_to_the_next_step():
    _, events = run(ActionAffirm(), tracker("affirm", slots={"journey_step": 2.0, "pending_offer": ui.OFFER_NEXT_STEP}))
    assert events["journey_step"] == 3


def test_yes_after_the_advisor_offer_starts_the_prequalification():
    dispatcher = CollectingDispatcher()
    events = ActionAffirm().run(dispatcher, tracker("affirm", slots={"pending_offer": ui.OFFER_ADVISOR}), {})
    assert {"event": "followup", "name": "prequalification_form", "timestamp": None} in events


def test_yes_and_no_without_an_offer_show_the_menu():
    messages, _ = run(ActionAffirm(), tracker("affirm"))
    assert messages[0]["text"] == ui.AFFIRMED and messages[0]["buttons"]
    messages, events = run(ActionDeny(), tracker("deny", slots={"pending_offer": ui.OFFER_NEXT_STEP}))
    assert messages[0]["text"] == ui.DENIED and events == {"pending_offer": None}


@pytest.mark.parametrize("intent, text", [("greet", ui.GREETING), ("out_of_scope", ui.OUT_OF_SCOPE)])
def test_menu_says_what_the_bot_can_do(intent, text):
    messages, _ = run(ActionMenu(), tracker(intent))
    assert messages[0]["text"] == text
    assert messages[0]["buttons"][0]["payload"] == "/start_journey"


def test_help_gives_the_capabilities_with_the_tour_first():
    messages, _ = run(ActionMenu(), tracker("ask_help"))
    assert knowledge.answer("capabilities", on=knowledge.today()).text in messages[0]["text"]
    assert messages[0]["buttons"][0]["payload"] == "/start_journey"


def test_first_misunderstanding_suggests_the_two_likeliest_questions():
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "faq", "confidence": 0.3},
               {"name": "greet", "confidence": 0.1}]
    tracker_ = tracker("nlu_fallback", ranking=ranking)
    tracker_.latest_message["faq"] = {"decision": "none", "ranking": [{"entry": "jury", "confidence": 0.1},
                                                                      {"entry": "evaluation", "confidence": 0.05}]}
    messages, _ = run(ActionFallback(), tracker_)
    assert messages[0]["text"] == ui.REPHRASE
    assert [b["title"] for b in messages[0]["buttons"]] == [faq.question("jury"), faq.question("evaluation")]


def test_second_misunderstanding_in_a_row_offers_an_advisor():
    history = [user_event("nlu_fallback", "blabla"), {"event": "action", "name": "action_fallback"},
               {"event": "action", "name": "action_listen"}]
    messages, events = run(ActionFallback(), tracker("nlu_fallback", history=history))
    assert messages[0]["text"] == ui.REPHRASE_AGAIN
    assert messages[0]["buttons"][0]["payload"] == "/request_advisor"
    assert events["pending_offer"] == ui.OFFER_ADVISOR


def test_a_misunderstanding_after_an_understood_turn_starts_counting_again():
    history = [user_event("nlu_fallback", "blabla"), {"event": "action", "name": "action_fallback"},
               user_event("faq"), {"event": "action", "name": "action_answer"}]
    messages, _ = run(ActionFallback(), tracker("nlu_fallback", history=history))
    assert messages[0]["text"] == ui.REPHRASE


def test_inform_says_what_was_understood():
    entities = [{"entity": "status", "value": "demandeur_emploi"}, {"entity": "experience_duration", "value": "3 ans"},
                {"entity": "job", "value": "aide-soignante"}]
    messages, _ = run(ActionInform(), tracker("inform", entities=entities))
    text = messages[0]["text"]
    assert knowledge.status_label("demandeur_emploi") in text and "3 ans" in text and "aide-soignante" in text


# --- The eligibility checks' form validation, with real trackers --------------------------
import asyncio  # noqa: E402

import yaml  # noqa: E402

from bot.actions.decisions import ValidateCpfForm, ValidateVaeForm  # noqa: E402

DOMAIN = yaml.safe_load(open(__import__("pathlib").Path(__file__).parent.parent / "bot" / "domain.yml"))


def form_tracker(text: str, slots: Dict[str, Any], extracted: Optional[Dict[str, Any]] = None) -> Tracker:
    """A tracker as the form's validation action sees it: `extracted` are the slots Rasa has
    just extracted from the message (SlotSet events after it)."""
    latest = {"intent": {"name": "inform", "confidence": 0.9}, "entities": [], "text": text,
              "intent_ranking": [{"name": "inform", "confidence": 0.9}]}
    all_slots = {**{s: None for s in DOMAIN["slots"]}, **slots, **(extracted or {})}
    events = [{"event": "user", "text": text, "parse_data": latest},
              *({"event": "slot", "name": k, "value": v} for k, v in (extracted or {}).items())]
    return Tracker("test", all_slots, latest, events, False, None, {"name": "vae_form"}, "action_listen")


def validate(action, tracker_: Tracker):
    """The slots set, with `requested_slot` as Rasa resolves it: the validation action's choice,
    or else (when it keeps the domain's order) the first empty slot of the form."""
    dispatcher = CollectingDispatcher()
    before = dict(tracker_.slots)
    events = asyncio.run(action.run(dispatcher, tracker_, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    if "requested_slot" not in slots:
        after = {**before, **slots}
        form = DOMAIN["forms"][action.form_name()]["required_slots"]
        slots["requested_slot"] = next((s for s in form if after.get(s) is None), None)
    return slots, dispatcher.messages


def test_vae_form_takes_a_duration_written_in_words_and_ends():
    slots, _ = validate(ValidateVaeForm(), form_tracker("un an et demi", {"registration": "rncp", "requested_slot": "experience_months"}))
    assert slots["experience_months"] == 18 and slots["requested_slot"] is None


def test_vae_form_asks_again_for_a_vague_duration_with_the_reason():
    slots, messages = validate(ValidateVaeForm(), form_tracker("quelques mois", {"registration": "rncp", "requested_slot": "experience_months"}))
    assert slots["experience_months"] is None and slots["requested_slot"] == "experience_months"
    assert "chiffre" in messages[0]["text"]


def test_vae_form_for_an_rs_cqp_needs_no_experience():
    slots, _ = validate(ValidateVaeForm(), form_tracker("au RS", {"registration": "rs", "requested_slot": "registration"}))
    assert slots["requested_slot"] is None


def test_cpf_form_asks_working_time_only_of_employees():
    employee, _ = validate(ValidateCpfForm(), form_tracker("salarié", {"registration": "rncp", "status": "salarie", "requested_slot": "status"}))
    assert employee["requested_slot"] == "work_time"
    job_seeker, _ = validate(ValidateCpfForm(), form_tracker("chômage", {"registration": "rncp", "status": "demandeur_emploi", "requested_slot": "status"}))
    assert job_seeker["requested_slot"] is None


def test_form_refuses_an_unknown_status_value():
    slots, _ = validate(ValidateCpfForm(), form_tracker("martien", {"registration": "rncp", "requested_slot": "status"}, {"status": "martien"}))
    assert slots["status"] is None and slots["requested_slot"] == "status"


def test_a_database_failure_is_told_in_plain_french_and_nothing_is_confirmed(monkeypatch):
    import dossiers
    from bot.actions import prequalification

    def broken():
        raise dossiers.StorageError("la base des dossiers ne répond pas")

    monkeypatch.setattr(prequalification, "store", broken)
    slots = {"consent": True, "status": "salarie", "disability": False, "project": "Devenir soudeur par la VAE",
             "departement": "69", "contact": "a.b@example.fr", "contact_kind": "email", "availability": "le lundi",
             "pending_offer": ui.OFFER_DOSSIER, "fiche": None, "route": None, "experience_months": None, "work_time": None}
    messages, events = run(prequalification.ActionSaveDossier(), tracker("affirm", slots=slots))
    assert ui.NOT_SAVED.split(":")[0] in messages[0]["text"] and "mon-cep.org" in messages[0]["text"]
    assert "dossier_id" not in events and events.get("pending_offer") == ui.OFFER_DOSSIER


def test_departements_as_people_write_them():
    from knowledge.reading import read_departement

    cases = {"69": "69", "69003": "69", "2a": "2A", "20000": "2A", "20200": "2B", "974": "974", "97400": "974",
             "j'habite dans le 5": "05", "Mars": None, "99": None, "20": None, "": None}
    assert {text: read_departement(text).departement for text in cases} == cases


@pytest.mark.parametrize("entities", [{"faq_entry": "nulle_part"}, {"faq_topic": "../../etc"}, {"faq_entry": "x" * 200}])
def test_a_crafted_entry_or_topic_gets_the_coverage_message_not_an_error(entities):
    messages, _ = run(ActionAnswer(), faq_tracker(entities))
    assert messages[0]["text"] == ui.NOT_COVERED
