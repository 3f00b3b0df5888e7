"""The pre-qualification for a CEP advisor: privacy notice and consent, only the questions
the conversation has not answered, a summary the visitor corrects field by field, then one
dossier written in one transaction (dossiers/). Without consent nothing is stored, and the
visitor still learns whom to contact. « Supprimez mes données » erases dossier and history."""
from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import dossiers
import knowledge
from dossiers.settings import retention_days
from knowledge import cep, rules
from knowledge.reading import Precision, read_departement, read_email, read_field, read_phone

from . import catalog as fiches, decisions, render, retries, ui
from .conversation import latest_intent

log = logging.getLogger(__name__)
FORM = "prequalification_form"
CONSENT_VERSION = "2026-12-02"  # the date of the privacy notice's wording (ui.PRIVACY_NOTICE)
FIELDS = ("project", "departement", "contact", "availability")
PERSONAL_SLOTS = ("consent", "health_consent", "disability", *FIELDS, "contact_kind", "dossier_id")
_store: Optional[dossiers.Store] = None


def store() -> dossiers.Store:
    """One store per action server, migrated on first use."""
    global _store
    if _store is None:
        created = dossiers.Store()
        created.migrate()
        _store = created
    return _store


def known_status(tracker: Tracker) -> Optional[str]:
    """The status only when it is one of knowledge/'s: `/inform{"status": …}` sets any text."""
    status = tracker.get_slot("status")
    return status if status in knowledge.base().statuses else None


def declared_disability(tracker: Tracker) -> Optional[bool]:
    """The RQTH answer, read only with the visitor's explicit consent to that question (health
    data, RGPD art. 9). Refused, it counts as not declared; None while still to ask."""
    consent = tracker.get_slot("health_consent")
    if consent is None:
        return None
    return tracker.get_slot("disability") if consent is True else False


def orientation(tracker: Tracker) -> cep.Orientation:
    return cep.orientation(known_status(tracker), declared_disability(tracker))


def operator_text(tracker: Tracker) -> str:
    """Whom to contact and why, with where that comes from."""
    found = orientation(tracker)
    if found.operator is None:
        reply = knowledge.answer("advisor", on=knowledge.today())
        return f"{reply.text}\n\n{render.sources_line(reply.sources)}"
    text = f"{found.operator.why} Contactez {found.operator.contact}.\n{found.common}\n\n{render.sources_line(found.sources)}"
    note = render.stale_note(found.last_checked)
    return f"{text}\n\n{note}" if note else text


def sentence(reason: str) -> str:
    """A reading's French reason as a message of its own."""
    return reason[:1].upper() + reason[1:]


class ValidatePrequalificationForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_prequalification_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        # The ways on offered after failed answers (bot/actions/retries.py), read before the
        # extraction, which would take them for one more unreadable answer.
        way = retries.control(tracker, FIELDS)
        requested = tracker.get_slot("requested_slot")
        if way == retries.AGAIN:
            return retries.handled(requested)
        if way == retries.ADVISOR:
            # The visitor is already on the way to an advisor: whom to call meanwhile, then the question.
            dispatcher.utter_message(text=f"{ui.DIRECT_ADVISOR}\n\n{operator_text(tracker)}")
            return retries.handled(requested)
        skipped = retries.say_skipped(dispatcher, requested) if way == retries.SKIP else []
        # A status typed as a command (`/inform{"status": "anything"}`), before or during the
        # form, is dropped here, so that the form asks it like any missing fact.
        if tracker.get_slot("status") is None or known_status(tracker) is not None:
            return [*skipped, *await super().run(dispatcher, tracker, domain)]
        tracker.slots["status"] = None
        return [*skipped, SlotSet("status", None), *await super().run(dispatcher, tracker, domain)]

    async def extract_status(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        return decisions.typed_status(tracker)

    def validate_status(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[Text, Any]:
        # The same value set during the form: rasa_sdk validates it again after run().
        return {"status": value if value in knowledge.base().statuses else None}

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        if tracker.get_slot("consent") is not True:
            return ["consent"]  # refused: filled, so the form ends and nothing else is asked
        # Consent first; then what the orientation and the advisor still miss. The facts
        # already known stay in the list, or rasa_sdk would drop the value just extracted.
        known = [slot for slot in ("status", "health_consent", "disability", "contact_kind")
                 if tracker.get_slot(slot) is not None]
        # The RQTH question only after its own consent; refused, it is skipped.
        missing = ["health_consent" if slot == "disability" and tracker.get_slot("health_consent") is None else slot
                   for slot in orientation(tracker).missing]
        # A field passed after failed answers is not asked again: the summary shows it to complete.
        return list(dict.fromkeys(["consent", *known, *missing, *retries.without_skipped(tracker, FIELDS)]))

    def _asked(self, tracker: Tracker, slot: str) -> bool:
        return tracker.get_slot("requested_slot") == slot

    async def extract_consent(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not self._asked(tracker, "consent"):
            return {}
        intent = latest_intent(tracker)
        if intent in ("affirm", "deny"):
            return {"consent": intent == "affirm"}
        # Anything else (the request repeated, a question): asked again, with the way out.
        # Extracting nothing would make Rasa reject the form and fall back in a loop.
        dispatcher.utter_message(text=ui.INVALID["consent"])
        return {"consent": None}

    async def extract_health_consent(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not self._asked(tracker, "health_consent"):
            return {}
        intent = latest_intent(tracker)
        if intent == "affirm":
            return {"health_consent": True}
        if intent in ("deny", "dont_know"):
            return {"health_consent": False}
        dispatcher.utter_message(text=ui.INVALID["health_consent"])
        return {"health_consent": None}

    async def extract_disability(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not self._asked(tracker, "disability") or tracker.get_slot("health_consent") is not True:
            return {}
        intent = latest_intent(tracker)
        if intent in ("affirm", "deny", "dont_know"):
            return {"disability": intent == "affirm"}
        dispatcher.utter_message(text=ui.INVALID["disability"])
        return {"disability": None}

    def _text(self, tracker: Tracker) -> str:
        return " ".join((tracker.latest_message.get("text") or "").split())

    def _free_text(self, dispatcher, tracker, slot: str, shortest: int, longest: int) -> Dict[Text, Any]:
        # Whatever the classifier made of it, the answer to an open question is the text.
        if not self._asked(tracker, slot):
            return {}
        text = self._text(tracker)
        if not shortest <= len(text) <= longest:
            dispatcher.utter_message(text=ui.INVALID[slot])
            return {slot: None}
        return {slot: text}

    async def extract_project(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._free_text(dispatcher, tracker, "project", 10, 1000)

    async def extract_departement(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not self._asked(tracker, "departement"):
            return {}
        place = read_departement(self._text(tracker)[:200])
        if place.departement is None:
            # « 20 » or two départements: the reason says which to choose; else the expected form.
            vague = place.precision == Precision.VAGUE
            dispatcher.utter_message(text=sentence(place.reason) if vague else ui.INVALID["departement"])
        return {"departement": place.departement}

    async def extract_contact(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        if not self._asked(tracker, "contact"):
            return {}
        text = self._text(tracker)[:254]
        email = read_email(text)
        if email.precision == Precision.EXACT:
            return {"contact": email.address, "contact_kind": "email"}
        if email.precision == Precision.VAGUE:  # « @gmail.con »: which address was meant
            dispatcher.utter_message(text=f"{sentence(email.reason)} {ui.CONTACT_AGAIN}")
            return {"contact": None}
        phone = read_phone(text)
        if phone.number is None:
            dispatcher.utter_message(text=ui.INVALID["contact"])
            return {"contact": None}
        # Kept as read and written in figures (« 06 12 34 56 78 »): the summary shows it so.
        return {"contact": phone.said(), "contact_kind": "phone"}

    async def extract_availability(self, dispatcher, tracker, domain) -> Dict[Text, Any]:
        return self._free_text(dispatcher, tracker, "availability", 2, 300)

def _ask_action(slot: str) -> type:
    class Ask(Action):
        def name(self) -> Text:
            return f"action_ask_{slot}"

        def run(self, dispatcher, tracker, domain):
            if slot == "consent":
                dispatcher.utter_message(text=ui.PRIVACY_NOTICE.format(days=retention_days()),
                                         buttons=[render.intent_button(ui.CONSENT_YES, "affirm"),
                                                  render.intent_button(ui.CONSENT_NO, "deny")])
            elif slot == "health_consent":
                dispatcher.utter_message(text=ui.QUESTIONS[slot],
                                         buttons=[render.intent_button(ui.HEALTH_CONSENT_YES, "affirm"),
                                                  render.intent_button(ui.HEALTH_CONSENT_NO, "deny")])
            elif slot == "disability":
                dispatcher.utter_message(text=ui.QUESTIONS[slot],
                                         buttons=[render.intent_button(t, i) for t, i in ui.DISABILITY_CHOICES])
            elif not retries.offered(dispatcher, tracker, slot, ui.QUESTIONS[slot]):
                dispatcher.utter_message(text=ui.QUESTIONS[slot])
            return []

    Ask.__name__ = f"ActionAsk_{slot}"
    return Ask


ASK_ACTIONS = [_ask_action(slot) for slot in ("consent", "health_consent", "disability", *FIELDS)]


def summary_text(tracker: Tracker) -> str:
    found = orientation(tracker)
    fiche = fiches.fiche_of(tracker)
    lines = [ui.SUMMARY]
    status = known_status(tracker)
    if status:
        lines.append(f"• Situation : {knowledge.status_label(status)}")
    if fiche:
        lines.append(f"• Certification visée : {fiche.number} « {fiche.title} »")
    for field in FIELDS:
        value = tracker.get_slot(field)
        lines.append(f"• {ui.FIELD_LABELS[field]} : {ui.NOT_GIVEN if value is None else value}")
    if found.operator:
        lines.append(f"• Conseiller : {found.operator.label}")
    return "\n".join(lines)


def summary_buttons() -> List[render.Button]:
    return [render.intent_button(ui.CONFIRM, "affirm"),
            *(render.intent_button(ui.CORRECT.format(label=ui.FIELD_LABELS[f].lower()), "correct", {"field": f}) for f in FIELDS)]


class ActionPrequalificationSummary(Action):
    """The form ended: without consent, whom to contact; with it, the summary to confirm."""

    def name(self) -> Text:
        return "action_prequalification_summary"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if tracker.get_slot("consent") is not True:
            dispatcher.utter_message(text=f"{ui.REFUSED}\n\n{operator_text(tracker)}")
            return [SlotSet("consent", None), SlotSet("pending_offer", None)]
        dispatcher.utter_message(text=summary_text(tracker), buttons=summary_buttons())
        return [SlotSet("pending_offer", ui.OFFER_DOSSIER)]


def outcomes(tracker: Tracker) -> Dict[str, Any]:
    """The decisions of the checks, as they stand today: what the advisor starts from."""
    found = {}
    for question in ui.CHECKS:
        decision = decisions.decide(question, tracker)
        found[question] = {"outcome": decision.outcome.value, "reasons": list(decision.reasons),
                           "check_with": decision.check_with}
    return found


def dossier_of(tracker: Tracker) -> dossiers.Dossier:
    found = orientation(tracker)
    fiche = fiches.fiche_of(tracker)
    route = tracker.get_slot("route")
    now = datetime.now(timezone.utc)
    return dossiers.Dossier(
        conversation_id=tracker.sender_id, rules_date=knowledge.today(), consent_at=now,
        consent_version=CONSENT_VERSION, health_consent_at=now if tracker.get_slot("health_consent") is True else None,
        status=known_status(tracker),
        target_number=fiche.number if fiche else None, target_title=fiche.title if fiche else None,
        branch=fiche.branch.label if fiche and fiche.branch else None, route=route if route in rules.ROUTES else None,
        experience_months=tracker.get_slot("experience_months"), financing=None, outcomes=outcomes(tracker),
        project=tracker.get_slot("project"), departement=tracker.get_slot("departement"),
        contact_kind=tracker.get_slot("contact_kind"), contact=tracker.get_slot("contact"),
        availability=tracker.get_slot("availability"),
        operator=found.operator.id if found.operator else "cep_regional",
        operator_reason=found.operator.why if found.operator else "Situation non précisée : opérateur régional par défaut.",
    )


def save(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    missing = [f for f in FIELDS if tracker.get_slot(f) is None]
    if tracker.get_slot("consent") is True and missing:
        # A field passed during the questions: the dossier waits for it.
        names = ", ".join(ui.FIELD_LABELS[f].lower() for f in missing)
        dispatcher.utter_message(text=ui.MISSING_FIELDS.format(fields=names),
                                 buttons=[b for b, f in zip(summary_buttons()[1:], FIELDS) if f in missing])
        return [SlotSet("pending_offer", ui.OFFER_DOSSIER)]
    if tracker.get_slot("consent") is not True:
        dispatcher.utter_message(text=ui.AFFIRMED)
        return [SlotSet("pending_offer", None)]
    try:
        dossier = dossier_of(tracker)
        dossier_id = store().same_as(dossier) or store().save(dossier)
    except (dossiers.StorageError, ValueError) as error:
        # The messages of both name fields and rules, never the values the visitor typed.
        log.warning("dossier non enregistré : %s", error)
        dispatcher.utter_message(text=f"{ui.NOT_SAVED}\n\n{operator_text(tracker)}",
                                 buttons=[render.intent_button(ui.CONFIRM, "affirm")])
        return [SlotSet("pending_offer", ui.OFFER_DOSSIER)]
    dispatcher.utter_message(text=f"{ui.SAVED.format(id=dossier_id[:8])}\n\n{operator_text(tracker)}")
    return [SlotSet("dossier_id", dossier_id), SlotSet("pending_offer", None)]


class ActionSaveDossier(Action):
    def name(self) -> Text:
        return "action_save_dossier"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return save(dispatcher, tracker)


class ActionCorrect(Action):
    """« Corriger : département »: asks that field again, then shows the summary again."""

    def name(self) -> Text:
        return "action_correct"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        field = next(tracker.get_latest_entity_values("field"), None)
        if field not in FIELDS:
            named = read_field(tracker.latest_message.get("text") or "").value
            field = named if named in FIELDS else None
        if tracker.get_slot("consent") is not True:
            dispatcher.utter_message(text=ui.AFFIRMED)
            return []
        if field is None:
            dispatcher.utter_message(text=ui.WHICH_FIELD, buttons=summary_buttons()[1:])
            return []
        events = [SlotSet(field, None), SlotSet("pending_offer", None)]
        if field == "contact":
            events.append(SlotSet("contact_kind", None))
        return events + [FollowupAction(FORM)]


class ActionEraseData(Action):
    """« Supprimez mes données »: the visitor's dossiers, their personal slots, and (through
    bot/stores/erasable.py, when Rasa saves this turn) their conversation history."""

    def name(self) -> Text:
        return "action_erase_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            count = store().delete_conversation(tracker.sender_id)
        except dossiers.StorageError:
            dispatcher.utter_message(text=ui.NOT_ERASED)
            return []
        dispatcher.utter_message(text=ui.ERASED if count else ui.NOTHING_TO_ERASE)
        slots = [s for s in domain.get("slots", {}) if s not in ("requested_slot",)]
        return [ActiveLoop(None), SlotSet("requested_slot", None), *(SlotSet(s, None) for s in slots)]
