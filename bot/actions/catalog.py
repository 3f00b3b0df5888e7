"""The catalog in the conversation: a CQP's fiche by name or number, the branches and their
CQPs a few at a time. Facts come from knowledge.catalog, what they change from knowledge.rules."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

import knowledge
from knowledge import rules
from knowledge.catalog import Certification, Registration, SearchResult, catalog, search
from knowledge.catalog.model import fiche_url
from knowledge.french import date_in_words

from . import render, ui
from .conversation import latest_intent

PAGE = 5
BLOCS_SHOWN = 6
CHECK_FORMS = {form for form, _, _ in ui.CHECKS.values()}


def profile_for(fiche: Certification) -> rules.Profile:
    """What the rules need to know of a fiche: the fiche, its successors and, for an RS
    fiche, the RNCP certifications for the same jobs."""
    on = knowledge.today()
    related = catalog().related_rncp(fiche, on) if fiche.register == "rs" else []
    return rules.Profile(certification=fiche, successors=tuple(catalog().successors(fiche)), related_rncp=tuple(related))


def fiche_of(tracker: Tracker) -> Optional[Certification]:
    number = tracker.get_slot("fiche")
    return catalog().get(number) if number else None


def query_of(tracker: Tracker) -> str:
    """What to look up: the certification or job the NLU found, else the whole message."""
    for entity in ("certification", "job"):
        value = next(tracker.get_latest_entity_values(entity), None)
        if value:
            return str(value)
    return (tracker.latest_message.get("text") or "").strip()


def named_fiche(tracker: Tracker) -> Optional[Certification]:
    """The fiche of a CQP the message names without doubt (« le CQP tourier est-il au RNCP ? »)."""
    named = next(tracker.get_latest_entity_values("certification"), None)
    prefixed, _ = search.numbers_in(tracker.latest_message.get("text") or "")
    if not named and not prefixed:
        return None
    result = catalog().search(str(named) if named else prefixed[0], knowledge.today())
    return catalog().get(result.best.number) if result.matches and catalog().clear(result) else None


def fiche_button(fiche: Certification, intent: str = "find_certification") -> render.Button:
    state = {Registration.ACTIVE: "en cours", Registration.EXPIRED: "terminé", Registration.UNKNOWN: "à vérifier"}
    title = f"{fiche.title} ({fiche.number}, {state[fiche.registration(knowledge.today())]})"
    return render.intent_button(title, intent, {"certification": fiche.number})


def fiche_text(fiche: Certification, all_blocs: bool) -> str:
    on = knowledge.today()
    facts = ui.FICHE_FACTS
    state = fiche.registration(on)
    end = date_in_words(fiche.end_date) if fiche.end_date else None
    lines = [f"{fiche.title} — {fiche.number}"]
    if fiche.register == "rs":
        lines.append(facts["register_rs"])
    else:
        lines.append(facts["register_rncp"].format(level=f", {fiche.level.lower()}" if fiche.level else ""))
    lines.append(facts[state.value].format(until=f" jusqu'au {end}" if end else "", ended=f" le {end}" if end else ""))
    if fiche.branch:
        lines.append(facts["branch"].format(branch=fiche.branch.label))
    if fiche.certifiers:
        lines.append(facts["certifiers"].format(names=", ".join(fiche.certifiers)))
    if fiche.blocs:
        shown = fiche.blocs if all_blocs else fiche.blocs[:BLOCS_SHOWN]
        lines.append(facts["blocs"].format(count=len(fiche.blocs)))
        lines.extend(f"   – {bloc.label} ({bloc.code})" for bloc in shown)
        if len(shown) < len(fiche.blocs):
            lines.append("   – …")
    elif fiche.register == "rncp":
        lines.append(facts["no_blocs"])
    if fiche.access_routes:
        lines.append(facts["routes"].format(routes=", ".join(fiche.access_routes)))
    if fiche.replaced_by:
        lines.append(facts["successor"].format(numbers=", ".join(f"{n} ({fiche_url(n)})" for n in fiche.replaced_by)))
    return "\n".join(lines[:1] + [f"• {line}" if not line.startswith("   ") else line for line in lines[1:]])


def fiche_message(fiche: Certification, tracker: Tracker) -> Dict[str, Any]:
    notes = rules.fiche_notes(profile_for(fiche), knowledge.today())
    parts = [fiche_text(fiche, all_blocs=search.asks_for_blocs(tracker.latest_message.get("text") or ""))]
    meaning = [*notes.reasons[1:], *notes.alternatives]  # the first reason repeats the registration
    if meaning:
        parts.append(ui.WHAT_IT_MEANS + "\n" + "\n".join(f"• {line}" for line in meaning))
    parts.append(ui.FICHE_LINK.format(url=fiche.url))
    parts.append(render.sources_line([s for s in notes.sources if s.id != fiche.number], limit=2))
    buttons = [render.intent_button(label, intent) for _, label, intent in ui.CHECKS.values()]
    buttons.extend(fiche_button(f) for f in catalog().successors(fiche))
    if fiche.branch and fiche.branch.cqp_count > 1:
        buttons.append(render.intent_button(f"Autres CQP : {fiche.branch.label}", "browse_branches", {"branch": fiche.branch.id}))
    buttons.append(render.topic_button("advisor"))
    return render.message("\n\n".join(parts), render.buttons(buttons))


def choices_message(header: str, result: SearchResult) -> Dict[str, Any]:
    buttons = [fiche_button(m.certification) for m in result.matches]
    buttons.append(render.intent_button(ui.BROWSE_BRANCHES, "browse_branches"))
    return render.message(header, buttons)


def looks_like_a_lookup(tracker: Tracker) -> bool:
    """A message the NLU was unsure of, but that names a certification: a fiche number, or
    « CQP … » words the catalog clearly recognises. A question that only mentions « un CQP »
    in passing is not a name, and is never echoed back as one."""
    text = tracker.latest_message.get("text") or ""
    if search.numbers_in(text)[0]:
        return True
    if not search.names_a_certification(text):
        return False
    query = query_of(tracker)
    result = catalog().search(query, knowledge.today()) if query else None
    return bool(result is not None and result.matches and catalog().clear(result))


def lookup(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """A CQP's fiche by name or number; else which one; else the branch the message names;
    else « not in the catalog », with where to check."""
    query = query_of(tracker)
    in_check = tracker.active_loop.get("name") in CHECK_FORMS
    result = catalog().search(query, knowledge.today()) if query else None
    shown = " ".join(query.split())[:80]
    if result is None or not result.matches:
        branch = catalog().find_branch(query) if query and not in_check else None
        if branch is not None:
            return show_page(dispatcher, branch.id, 0)
        if not query or not search_words(query):
            dispatcher.utter_message(text=ui.ASK_WHICH, buttons=[render.intent_button(ui.BROWSE_BRANCHES, "browse_branches")])
            return []
        text = ui.NOT_IN_CATALOG.format(query=shown, size=len(catalog()), search_url=ui.SEARCH_URL)
        if in_check:
            # Without the fiche the check goes on, and its decision says what to verify.
            dispatcher.utter_message(text=f"{text}\n\n{ui.NOT_IN_CATALOG_CHECK}")
            unknown = [] if tracker.get_slot("registration") else [SlotSet("registration", "inconnu")]
            return [SlotSet("fiche", None), *unknown]
        buttons = [render.intent_button(ui.BROWSE_BRANCHES, "browse_branches"), render.topic_button("choose_cqp"),
                   render.topic_button("advisor")]
        dispatcher.utter_message(**render.message(text, buttons))
        return [SlotSet("fiche", None)]
    if not catalog().clear(result):
        strong = [m for m in result.matches if m.score >= search.STRONG] or result.by_number
        header = ui.WHICH_ONE if strong else ui.MAYBE
        dispatcher.utter_message(**choices_message(header.format(query=shown), result))
        return []
    fiche = catalog().get(result.best.number)
    if in_check:
        dispatcher.utter_message(text=ui.NOTED_FICHE.format(number=fiche.number, title=fiche.title))
    else:
        dispatcher.utter_message(**fiche_message(fiche, tracker))
    return [SlotSet("fiche", fiche.number), SlotSet("pending_offer", None)]


class ActionFindCertification(Action):
    """« CQP tourier », « RNCP34172 », « je cherche un CQP de soudeur »: the fiche, or which one."""

    def name(self) -> Text:
        return "action_find_certification"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        return lookup(dispatcher, tracker)


def search_words(text: str) -> bool:
    prefixed, bare = search.numbers_in(text)
    return bool(prefixed or bare or search.query_of(text))


class ActionBrowseBranches(Action):
    """The branches of the catalog, or the CQPs of the one the visitor names."""

    def name(self) -> Text:
        return "action_browse_branches"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if named_fiche(tracker) is not None:
            # « le CQP concepteur 3D en bijouterie » names a CQP, not only its branch.
            return lookup(dispatcher, tracker)
        named = next(tracker.get_latest_entity_values("branch"), None)
        branch = catalog().branch(str(named)) if named else None
        if branch is None:
            branch = catalog().find_branch(str(named or tracker.latest_message.get("text") or ""))
        if branch is None or not branch.cqp_count:
            buttons = [render.intent_button(f"{b.label} ({b.cqp_count})", "browse_branches", {"branch": b.id})
                       for b in catalog().branches()]
            dispatcher.utter_message(text=ui.BRANCHES, buttons=buttons)
            return [SlotSet("browse", None)]
        return show_page(dispatcher, branch.id, 0)


def show_page(dispatcher: CollectingDispatcher, branch_id: str, offset: int) -> List[Dict[Text, Any]]:
    fiches, total = catalog().in_branch(branch_id, offset, PAGE)
    if not fiches:
        dispatcher.utter_message(text=ui.NO_MORE, buttons=[render.intent_button(ui.BROWSE_BRANCHES, "browse_branches")])
        return [SlotSet("browse", None)]
    branch = catalog().branch(branch_id)
    header = ui.IN_BRANCH.format(branch=branch.label, first=offset + 1, last=offset + len(fiches), total=total)
    buttons = [fiche_button(f) for f in fiches]
    following = offset + len(fiches)
    if following < total:
        buttons.append(render.intent_button(ui.SHOW_MORE, "show_more"))
    buttons.append(render.intent_button(ui.BROWSE_BRANCHES, "browse_branches"))
    dispatcher.utter_message(text=header, buttons=buttons)
    return [SlotSet("browse", f"{branch_id}:{following}" if following < total else None)]


class ActionShowMore(Action):
    """« Voir plus »: the next CQPs of the branch being browsed."""

    def name(self) -> Text:
        return "action_show_more"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        from .answer import continue_answer  # here: answer.py imports this module

        # « en savoir plus » right after an FAQ answer wants that answer's longer text, not more CQPs.
        followed = continue_answer(dispatcher, tracker)
        if followed is not None:
            return followed
        cursor = tracker.get_slot("browse") or ""
        branch_id, _, offset = cursor.rpartition(":")
        if not branch_id or not offset.isdigit() or catalog().branch(branch_id) is None:
            dispatcher.utter_message(text=ui.NO_MORE, buttons=[render.intent_button(ui.BROWSE_BRANCHES, "browse_branches")])
            return []
        return show_page(dispatcher, branch_id, int(offset))
