"""The glossary (knowledge/glossary.py): checked words, answered like any FAQ entry, found in
the answers' texts and offered there as « OPCO ? » buttons."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import knowledge
from bot.actions import render
from bot.actions.answer import ActionAnswer
from knowledge import faq, glossary
from knowledge.store import KnowledgeError

TERMS = sorted(t.id for t in glossary.terms())
OPCO_BUTTON = {"title": "OPCO ?", "payload": '/faq{"faq_entry": "glossaire_opco"}'}


def opco_entries():
    """Entries whose answer today offers « OPCO ? » among its words."""
    return [e for e in sorted(faq.entries()) if OPCO_BUTTON in render.glossary_buttons(faq.answer(e).text, e)]


# --- the file and its loader ---------------------------------------------------------------

def test_the_glossary_has_the_words_visitors_meet():
    assert {"opco", "cpne", "certificateur", "aap", "dossier_faisabilite", "niveaux_rncp", "rncp", "rs",
            "bloc_competences", "clea", "cqpm", "cqpi", "paritaire", "jury_paritaire", "france_vae", "cep",
            "transitions_pro", "france_competences"} <= set(TERMS)


def copy(tmp_path: Path, change) -> Path:
    body = yaml.safe_load(glossary.GLOSSARY_FILE.read_text(encoding="utf-8"))
    change(body["terms"])
    path = tmp_path / "glossary.yml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def drop(key):
    return lambda terms: terms[0].pop(key)


def put(key, value, index=0):
    return lambda terms: terms[index].update({key: value})


@pytest.mark.parametrize(
    "change, message",
    [
        (drop("definition"), "definition"),
        (drop("sources"), "source"),
        (drop("from"), "from"),
        (drop("last_checked"), "last_checked"),
        (drop("article"), "article"),
        (put("sources", ["source-inventee"]), "source(s) inconnue(s)"),
        (put("article", "des"), "article inconnu"),
        (put("id", "OPCO"), "identifiant invalide"),
        (put("id", "cpne"), "identifiant déjà utilisé"),
        (put("aliases", ["cpnefp"]), "« CPNEFP » est déjà une forme du mot « opco »"),
        (put("aliases", ["Répertoire Spécifique"], index=1),
         "« Répertoire spécifique » est déjà une forme du mot « cpne »"),
        (put("definition", "Un mot. Deux mots. Trois mots. Quatre mots."), "4 phrases"),
        (put("definition", " ".join(["mot"] * 26) + "."), "difficile à lire"),
        (put("definition", "Un OPCO paie {value:montant_invente}."), "valeur datée inconnue"),
        (put("see", "Pas une entrée"), "« see »"),
    ],
)
def test_the_loader_refuses_an_incomplete_word(tmp_path, change, message):
    kb = knowledge.base()
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        glossary.load_terms(copy(tmp_path, change), kb.sources, kb.values)


def test_the_faq_refuses_a_word_that_leads_to_an_unknown_entry(tmp_path):
    kb = knowledge.base()
    terms = glossary.load_terms(copy(tmp_path, put("see", "entree_inconnue")), kb.sources, kb.values)
    with pytest.raises(KnowledgeError, match="entree_inconnue"):
        faq.load_entries(faq.FAQ_DIR, kb.sources, kb.values, kb.topics, extra=glossary.faq_entries(terms.values()))


def test_a_form_written_twice_in_one_word_counts_once(tmp_path):
    kb = knowledge.base()
    terms = glossary.load_terms(copy(tmp_path, put("aliases", ["opco", "OPCO", "Opco"])), kb.sources, kb.values)
    assert terms["opco"].forms == ("OPCO",)


# --- each word is an FAQ entry ------------------------------------------------------------

@pytest.mark.parametrize("term_id", TERMS)
def test_each_word_answers_its_definition_with_a_source(term_id):
    item = glossary.term(term_id)
    reply = faq.answer(f"glossaire_{term_id}", on=knowledge.today())
    assert reply.applies and reply.text == item.definition
    assert reply.sources and all(s.url.startswith(("https://", "http://")) for s in reply.sources)
    assert reply.topic == glossary.TOPIC and reply.next
    assert reply.last_checked <= knowledge.today()


@pytest.mark.parametrize("term_id", TERMS)
def test_each_definition_writes_no_amount_and_no_date(term_id):
    definition = glossary.term(term_id).definition
    assert "€" not in definition and not re.search(r"\b(19|20)\d\d\b", definition), definition


def test_the_question_is_c_est_quoi_unless_another_entry_answers_it():
    assert faq.question("glossaire_opco") == "C'est quoi un OPCO ?"
    assert faq.question("glossaire_cpne") == "C'est quoi la CPNE ?"
    assert faq.question("glossaire_clea") == "C'est quoi CléA ?"
    # « c'est quoi un CQPM ? » stays with the entry that answers it at length.
    assert glossary.term("cqpm").asked_at == "cqp_cqpm"
    assert faq.question("glossaire_cqpm") == "CQPM, en bref ?"


def test_a_word_another_entry_answers_learns_only_the_word_alone():
    for item in glossary.terms():
        asked = [e for e in glossary.examples(item) if re.search(r"c'est quoi|veut dire|qu'est-ce", e)]
        assert bool(asked) != bool(item.asked_at), item.id
    assert "c'est quoi un opérateur de compétences ?" in glossary.examples(glossary.term("opco"))
    assert "OPCO ?" in glossary.examples(glossary.term("opco"))


def test_the_words_are_a_topic_whose_text_covers_every_word():
    topic = knowledge.base().topics[glossary.TOPIC]
    assert topic.label == "Les mots du parcours"
    assert all(topic.version_on(t.version.start) for t in glossary.terms())
    assert faq.entry(glossary.TOPIC).topic == glossary.TOPIC


# --- words in a text --------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Votre OPCO peut payer.", ("opco",)),
        ("Les opco et l'Opco 2i", ("opco",)),
        ("la CPNEFP de la métallurgie, puis la CPNE", ("cpne",)),
        ("Demandez au CERTIFICATEUR ; les certificateurs décident.", ("certificateur",)),
        ("CLÉA, Clea ou cléa", ("clea",)),
        ("le jury paritaire de la branche est paritaire", ("jury_paritaire", "paritaire")),
        ("sa commission paritaire nationale de l'emploi", ("cpne",)),
        ("les blocs de compétences d'un CQP au RNCP", ("bloc_competences", "rncp")),
        ("un CQP de niveau 4 sur sa fiche", ("niveaux_rncp",)),
        ("les niveaux RNCP", ("niveaux_rncp",)),
        ("au Répertoire spécifique ou au RS", ("rs",)),
        ("Transition Pro ou Transitions Pro", ("transitions_pro",)),
        ("un opcode, des cours, RS6117, des décépés, un cepage", ()),
        ("", ()),
    ],
)
def test_terms_in_finds_whole_words_without_case_or_accents(text, expected):
    assert glossary.terms_in(text) == expected


# --- buttons under an answer ------------------------------------------------------------

def test_answers_using_opco_offer_it_as_a_button_except_the_ones_explaining_it():
    using = [e for e in faq.entries() if "opco" in glossary.terms_in(faq.answer(e).text)]
    explaining = {"glossaire_opco", glossary.term("opco").see}
    assert set(opco_entries()) <= set(using) - explaining
    assert len(opco_entries()) >= 5


def test_the_buttons_never_offer_the_word_answered_or_the_one_its_answer_explains():
    opco = glossary.term("opco")
    assert OPCO_BUTTON not in render.glossary_buttons("Un OPCO finance.", opco.entry)
    assert OPCO_BUTTON not in render.glossary_buttons("Un OPCO finance.", opco.see)
    assert OPCO_BUTTON not in render.glossary_buttons("Un OPCO finance.", "cpf_cdd", offered=[opco.entry])
    assert render.glossary_buttons("Un OPCO finance.", "cpf_cdd") == [OPCO_BUTTON]
    many = render.glossary_buttons("L'OPCO, la CPNE, le certificateur et le RNCP.", "cpf_cdd")
    assert [b["title"] for b in many] == ["OPCO ?", "CPNE ?"]


def answer_buttons(entry_id: str):
    latest = {"intent": {"name": "faq", "confidence": 0.9}, "text": "/faq",
              "entities": [{"entity": "faq_entry", "value": entry_id}], "intent_ranking": []}
    tracker = Tracker("test", {}, latest, [{"event": "user", "text": "/faq", "parse_data": latest}], False, None, None,
                      "action_listen")
    dispatcher = CollectingDispatcher()
    ActionAnswer().run(dispatcher, tracker, {})
    return dispatcher.messages[0]["buttons"]


def test_the_answer_action_puts_the_words_after_the_entrys_own_next_questions():
    entry = next(e for e in opco_entries() if render.glossary_buttons(faq.answer(e).text, e)[:1] == [OPCO_BUTTON])
    buttons = answer_buttons(entry)
    own = [render.entry_button(link.entry) for link in faq.answer(entry).next]
    last_own = max(buttons.index(b) for b in own)
    assert buttons[last_own + 1] == OPCO_BUTTON


def test_a_definition_leads_to_its_entry_and_never_offers_itself():
    buttons = answer_buttons("glossaire_cpne")
    assert '/faq{"faq_entry": "glossaire_cpne"}' not in [b["payload"] for b in buttons]
    assert render.entry_button("cqp_qui_cree") in buttons
    certificateur = faq.answer("glossaire_certificateur").text
    assert render.glossary_buttons(certificateur, "glossaire_certificateur")[0]["title"] == "CPNE ?"


# --- through the REST channel, with the trained model ------------------------------------

def test_a_visitor_asks_what_an_opco_is_and_finds_the_word_under_another_answer(rasa):
    chat = rasa.conversation()
    chat.say("c'est quoi un OPCO ?")
    assert chat.entry == "glossaire_opco"
    assert glossary.term("opco").definition in chat.text and "Source :" in chat.text
    entry = opco_entries()[0]
    chat.say(faq.question(entry))
    assert chat.entry == entry
    assert OPCO_BUTTON in chat.buttons
    chat.click("OPCO ?")
    assert chat.entry == "glossaire_opco"


def test_the_word_alone_typed_as_its_button_reads_gets_its_definition(rasa):
    chat = rasa.conversation()
    chat.say("OPCO ?")
    assert chat.entry == "glossaire_opco"


def test_each_glossary_button_typed_as_text_means_the_click():
    """« OPCO ? » typed is the button, whatever the classifier makes of one word; a question or a
    topic label written the same way keeps its own meaning."""
    from bot.nlu.button_titles import normalise, title_intents

    others = {normalise(faq.question(e)) for e in faq.entries()} | {normalise(knowledge.label(t)) for t in knowledge.topics()}
    for word in glossary.terms():
        if normalise(word.title) in others:
            continue
        assert title_intents()[normalise(word.title)] == ("faq", {"faq_entry": word.entry}), word.id
