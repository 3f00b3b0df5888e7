"""The eligibility checks: forms that ask only what a decision misses, then the decision."""
from __future__ import annotations

from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecutionRejected, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

import knowledge
from knowledge import rules
from knowledge.french import date_in_words
from knowledge.model import Decision
from knowledge.reading import DurationReading, Precision, read_experience, read_route, read_status

from . import catalog as fiches, render, retries, ui
from .conversation import latest_intent

DECIDE = {"vae": rules.vae, "cpf": rules.cpf, "financing": rules.financing}
FORM_QUESTION = {form: question for question, (form, _, _) in ui.CHECKS.items()}


def profile_of(tracker: Tracker) -> rules.Profile:
    status = tracker.get_slot("status")
    registration = tracker.get_slot("registration")
    route = tracker.get_slot("route")
    fiche = fiches.fiche_of(tracker)
    known = fiches.profile_for(fiche) if fiche else rules.Profile()
    return rules.Profile(
        status=status if status in knowledge.base().statuses else None,
        registration=registration if registration in rules.REGISTRATIONS else None,
        experience_months=tracker.get_slot("experience_months"),
        work_time=tracker.get_slot("work_time"),
        route=route if route in rules.ROUTES else None,
        certification=fiche,
        successors=known.successors,
        related_rncp=known.related_rncp,
    )


def decide(question: str, tracker: Tracker) -> Decision:
    return DECIDE[question](profile_of(tracker), knowledge.today())


def last_question(tracker: Tracker) -> Optional[str]:
    """The check the visitor last ran or is running; None once they cancelled it."""
    for event in reversed(tracker.events):
        if event.get("event") == "action" and event.get("name") == "action_cancel":
            return None
        if event.get("event") == "active_loop" and event.get("name") in FORM_QUESTION:
            return FORM_QUESTION[event["name"]]
    return None


def decision_message(question: str, decision: Decision, journey_step: Optional[float]) -> Dict[str, Any]:
    parts = [ui.HEADLINES[(question, decision.outcome.value)]]
    if decision.reasons:
        parts.append(ui.WHY + "\n" + "\n".join(f"• {r}" for r in decision.reasons))
    if decision.alternatives:
        parts.append(ui.OTHERWISE + "\n" + "\n".join(f"• {a}" for a in decision.alternatives))
    if decision.missing:
        # A question the visitor passed: the decision says what it still depends on.
        parts.append(ui.STILL_TO_CHECK + "\n" + "\n".join(f"• {fact.question}" for fact in decision.missing))
    if decision.check_with:
        parts.append(ui.CHECK_WITH.format(who=decision.check_with))
    if decision.sources:
        parts.append(render.sources_line(decision.sources, limit=3))
    parts.extend(filter(None, [render.stale_note(decision.last_checked)]))
    parts.append(ui.RULES_OF_THE_DAY.format(day=date_in_words(decision.rules_date)))
    others = [render.intent_button(label, intent) for q, (_, label, intent) in ui.CHECKS.items() if q != question]
    buttons = render.buttons([render.topic_button("advisor"), *others, render.tour_button(journey_step)])
    return render.message("\n\n".join(parts), buttons)


class ActionDecision(Action):
    """Says the decision of the check that just ended (or the last one, after a correction)."""

    def name(self) -> Text:
        return "action_decision"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        question = last_question(tracker) or "financing"
        return say_decision(dispatcher, tracker, question)


def say_decision(dispatcher: CollectingDispatcher, tracker: Tracker, question: str, intro: Optional[str] = None) -> List[Dict[Text, Any]]:
    message = decision_message(question, decide(question, tracker), tracker.get_slot("journey_step"))
    if intro:
        message["text"] = f"{intro}\n\n{message['text']}"
    dispatcher.utter_message(**message)
    return [SlotSet("pending_offer", ui.OFFER_ADVISOR)]


def months_from(tracker: Tracker, whole_text: bool) -> Optional[DurationReading]:
    """The experience the latest message gives: its duration entity, or the whole text when asked."""
    entity = next(tracker.get_latest_entity_values("experience_duration"), None)
    whole = tracker.latest_message.get("text") if whole_text else None
    # The entity first; the whole message when the entity alone is not a duration (the
    # extractor may keep « ans » and drop « 1000 »).
    found = None
    for text in dict.fromkeys(t for t in (entity, whole) if t):
        found = read_experience(text, knowledge.today())
        if decidable(found):
            return found
    return found


def typed_status(tracker: Tracker) -> Dict[Text, Any]:
    """A status typed in words at the status question (« je suis intérimaire ») when the NLU
    found none; a button or a recognised entity is left to the slot's own mapping."""
    if tracker.get_slot("requested_slot") != "status" or next(tracker.get_latest_entity_values("status"), None):
        return {}
    found = read_status(tracker.latest_message.get("text") or "")
    return {"status": found.value} if found.value in knowledge.base().statuses else {}


def decidable(reading: DurationReading) -> bool:
    """A figure a decision can use as it is: exact, a bound, or « environ » (then said back).
    A range or a vague answer is asked again, since the decision may turn on the part unsaid."""
    return reading.months is not None and reading.precision in (
        Precision.EXACT, Precision.AT_LEAST, Precision.AT_MOST, Precision.ABOUT)


def not_decidable_message(reading: DurationReading) -> str:
    """The question asked again, quoting what was understood when there is a figure in it."""
    if reading.months is not None:
        return ui.DURATION_UNDERSTOOD.format(reading=reading.said())
    return ui.DURATION_NOT_UNDERSTOOD.format(reason=reading.reason)


class _CheckForm(FormValidationAction):
    @property
    @abstractmethod
    def question(self) -> str:
        """The decision this form collects facts for: vae, cpf or financing."""

    def name(self) -> Text:
        return f"validate_{ui.CHECKS[self.question][0]}"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> List[Text]:
        # The facts already known (so that rasa_sdk validates them), then only what the
        # decision still misses, in the order that ends it soonest.
        known = [slot for slot in domain_slots if tracker.get_slot(slot) is not None]
        missing = [fact.name for fact in decide(self.question, tracker).missing]
        # A question passed after failed answers is not asked again: the decision says it stays to check.
        return list(dict.fromkeys(known + retries.without_skipped(tracker, missing)))

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[Dict[Text, Any]]:
        # The ways on offered after failed answers are read before the answer's extraction,
        # which would take them for one more unreadable answer.
        way = retries.control(tracker, self.domain_slots(domain))
        requested = tracker.get_slot("requested_slot")
        if way == retries.AGAIN:
            return retries.handled(requested)
        if way == retries.ADVISOR or (retries.just_answered(tracker)
                                      and latest_intent(tracker) == retries.ADVISOR):
            # Rejected, the form lets the rules start the advisor's pre-qualification.
            return [ActionExecutionRejected(ui.CHECKS[self.question][0])]
        if way == retries.SKIP:
            return [*retries.say_skipped(dispatcher, requested), *await super().run(dispatcher, tracker, domain)]
        return await super().run(dispatcher, tracker, domain)

    async def extract_experience_months(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                        domain: DomainDict) -> Dict[Text, Any]:
        asked = tracker.get_slot("requested_slot") == "experience_months"
        duration = months_from(tracker, whole_text=asked)
        if duration is None:
            return {}
        if not decidable(duration):
            if not asked:
                return {}
            # A None value keeps the form going: it asks the same question again.
            dispatcher.utter_message(text=not_decidable_message(duration))
            return {"experience_months": None}
        if duration.precision != Precision.EXACT:
            # Decided on a bound or an estimate: said back in figures, so that « non, … » corrects it.
            dispatcher.utter_message(text=ui.NOTED_DURATION.format(reading=duration.said()))
        return {"experience_months": float(duration.months)}

    async def extract_registration(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        # A CQP named while the registration is asked (« c'est le CQP APS », « RNCP34172 »):
        # its fiche gives the registration, which is then no longer asked.
        if tracker.get_slot("requested_slot") != "registration" or next(tracker.get_latest_entity_values("registration"), None):
            return {}
        fiche = fiches.named_fiche(tracker)
        if fiche is not None:
            dispatcher.utter_message(text=ui.NOTED_FICHE.format(number=fiche.number, title=fiche.title))
            return {"fiche": fiche.number}
        return {}

    async def extract_route(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                            domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("requested_slot") != "route":
            return {}
        found = read_route(tracker.latest_message.get("text") or "")
        return {"route": found.value} if found.value in rules.ROUTES else {}

    async def extract_status(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                             domain: DomainDict) -> Dict[Text, Any]:
        return typed_status(tracker)

    def validate_status(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                        domain: DomainDict) -> Dict[Text, Any]:
        return {"status": value if value in knowledge.base().statuses else None}

    def validate_registration(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                              domain: DomainDict) -> Dict[Text, Any]:
        return {"registration": value if value in rules.REGISTRATIONS else None}


class ValidateVaeForm(_CheckForm):
    question = "vae"


class ValidateCpfForm(_CheckForm):
    question = "cpf"


class ValidateFinancingForm(_CheckForm):
    question = "financing"


def _choices(fact: str) -> Dict[str, str]:
    if fact == "status":
        return dict(knowledge.base().statuses)
    return dict(knowledge.base().facts[fact].choices)


def offered_fiches(tracker: Tracker) -> bool:
    """Did the bot just offer fiches to choose from? Then the question would only get in the way."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        buttons = (event.get("data") or {}).get("buttons") or []
        if event.get("event") == "bot" and any(b.get("payload", "").startswith("/find_certification{") for b in buttons):
            return True
    return False


def ask(dispatcher: CollectingDispatcher, fact: str) -> None:
    question = knowledge.base().facts[fact].question
    buttons = []
    for value, label in _choices(fact).items():
        if fact == "work_time":
            buttons.append(render.intent_button(label, "affirm" if value == "oui" else "deny"))
        elif fact == "registration" and value == "inconnu":
            buttons.append(render.intent_button(label, "dont_know"))
        else:
            buttons.append(render.intent_button(label[:1].upper() + label[1:], "inform", {fact: value}))
    dispatcher.utter_message(text=question, buttons=buttons)


def _ask_action(fact: str) -> type:
    class AskFact(Action):
        def name(self) -> Text:
            return f"action_ask_{fact}"

        def run(self, dispatcher, tracker, domain):
            if retries.offered(dispatcher, tracker, fact, knowledge.base().facts[fact].question):
                return []
            if not (fact == "registration" and offered_fiches(tracker)):
                ask(dispatcher, fact)
            return []

    AskFact.__name__ = f"ActionAsk_{fact}"
    return AskFact


ASK_ACTIONS = [_ask_action(fact) for fact in ("registration", "experience_months", "status", "work_time", "route")]


class ActionDontKnow(Action):
    """« Je ne sais pas » to a question of a check: how to answer it anyway."""

    def name(self) -> Text:
        return "action_dont_know"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        requested = tracker.get_slot("requested_slot")
        if requested in ui.DONT_KNOW:
            dispatcher.utter_message(text=ui.DONT_KNOW[requested])
        return []


class ActionCancel(Action):
    def name(self) -> Text:
        return "action_cancel"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        buttons = render.buttons(
            [render.intent_button(label, intent) for _, label, intent in ui.CHECKS.values()]
            + [render.tour_button(tracker.get_slot("journey_step"))]
        )
        dispatcher.utter_message(text=ui.CANCELLED, buttons=buttons)
        return [SlotSet("requested_slot", None), SlotSet("pending_offer", None)]
