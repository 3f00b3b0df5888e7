"""The FAQ entries of knowledge/: complete, short, sourced and dated, and their follow-ups."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

import knowledge
from knowledge import faq
from knowledge.plain_language import sentences
from knowledge.store import KnowledgeError

ENTRIES = sorted(faq.entries())
TODAY = knowledge.today()


def test_there_are_enough_entries_and_every_topic_has_some():
    assert len(ENTRIES) >= 150
    assert {e.topic for e in faq.entries().values()} == set(knowledge.topics())


@pytest.mark.parametrize("entry_id", ENTRIES)
def test_each_answer_is_short_and_answers_in_its_first_sentence(entry_id):
    for version in faq.entry(entry_id).versions:
        text = faq.answer(entry_id, on=version.start).text
        assert len(text.split()) <= 90, text
        assert len(sentences(text)[0].split()) < 30, sentences(text)[0]


@pytest.mark.parametrize("entry_id", ENTRIES)
def test_each_answer_renders_with_its_sources_before_and_after_each_version(entry_id):
    for day in faq.boundary_days(entry_id):
        reply = faq.answer(entry_id, on=day)
        assert reply.text and "{" not in reply.text
        assert reply.sources and all(s.url.startswith("http") for s in reply.sources)
        version = faq.entry(entry_id).version_on(day)
        if version is None:
            assert not reply.applies and "Je n'ai pas de règle vérifiée" in reply.text
        else:
            assert reply.applies and reply.in_force_since == version.start


@pytest.mark.parametrize("entry_id", ENTRIES)
def test_each_entry_leads_somewhere_and_has_examples(entry_id):
    item = faq.entry(entry_id)
    assert 1 <= len(item.next) <= 3 or item.topic in ("advisor", "capabilities")
    assert len(item.examples) >= 5
    assert len(item.question) <= 90


def test_no_amount_is_written_out_where_a_dated_value_exists():
    """Amounts live once, in values.yml: an entry writes {value:…}, never « 103,20 € »."""
    for item in faq.entries().values():
        for version in item.versions:
            for value in knowledge.base().values.values():
                for period in value.periods:
                    written = knowledge.french.amount(period.value, value.unit, value.decimals)
                    if value.unit == "€":
                        assert written not in version.text, (item.id, written)


def test_a_follow_up_is_read_in_the_context_of_the_last_entry():
    with_follow_ups = [e for e in faq.entries().values() if e.follow_ups]
    assert len(with_follow_ups) >= 10
    for item in with_follow_ups:
        for option in item.follow_ups:
            for cue in option.cues:
                assert faq.follow_up(item.id, f"et {' '.join(cue)} ?") == option.entry


def test_and_then_goes_to_the_first_next_entry():
    item = next(e for e in faq.entries().values() if e.next and not e.follow_ups)
    assert faq.follow_up(item.id, "et après ?") == item.next[0]
    assert faq.follow_up(None, "et après ?") is None
    assert faq.follow_up(item.id, "bonjour") is None


def test_more_is_asked_in_a_few_words():
    assert faq.asks_for_more("En savoir plus")
    assert faq.asks_for_more("plus de détails svp")
    assert not faq.asks_for_more("je voudrais en savoir plus sur la VAE pour les aides-soignantes en EHPAD")


def write(tmp_path: Path, body: dict) -> Path:
    directory = tmp_path / "faq"
    directory.mkdir(exist_ok=True)
    (directory / "jury.yml").write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return directory


VERSION = {"from": date(2020, 1, 1), "text": "Non : rien.", "sources": ["legifrance-l6411"], "last_checked": date(2026, 12, 2)}


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"id": "jury", "question": "Q ?", "versions": [{**VERSION, "sources": ["inconnue"]}]}, "source(s) inconnue(s)"),
        ({"id": "jury", "question": "Q ?", "versions": [{**VERSION, "last_checked": None}]}, "last_checked"),
        ({"id": "jury", "question": "Q ?", "versions": [{k: v for k, v in VERSION.items() if k != "from"}]}, "from"),
        ({"id": "jury", "question": "Q ?", "versions": [VERSION], "next": ["nulle_part"]}, "entrée(s) inconnue(s)"),
        ({"id": "autre", "question": "Q ?", "versions": [VERSION]}, "identifiant du sujet"),
        ({"id": "jury", "question": "Q ?", "versions": [{**VERSION, "text": "{value:inconnue}"}]}, "valeur datée inconnue"),
        ({"id": "jury", "question": "Q ?", "versions": [VERSION],
          "follow_ups": [{"cues": [], "entry": "jury"}]}, "cues"),
    ],
)
def test_the_loader_refuses_an_incomplete_entry(tmp_path, entry, message):
    kb = knowledge.base()
    directory = write(tmp_path, {"topic": "jury", "entries": [entry]})
    with pytest.raises(KnowledgeError, match=re.escape(message)):
        faq.load_entries(directory, kb.sources, kb.values, {"jury": kb.topics["jury"]})


def test_the_loader_refuses_a_topic_without_entries(tmp_path):
    kb = knowledge.base()
    directory = write(tmp_path, {"topic": "jury", "entries": [{"id": "jury", "question": "Q ?", "versions": [VERSION]}]})
    with pytest.raises(KnowledgeError, match="sans entrée"):
        faq.load_entries(directory, kb.sources, kb.values, kb.topics)
