"""Plain language: everything the bot can say from knowledge/ reads in short sentences.

Each text is checked as a visitor gets it (placeholders filled), today and on the first day
of each of its versions, since an old rule is still quoted to visitors who ask about it.
"""
from __future__ import annotations

import importlib.util
from datetime import date

import pytest

import knowledge
from knowledge import faq, texts
from knowledge.plain_language import MAX_FIRST_SENTENCE_WORDS, MAX_SENTENCE_WORDS, problems, sentences, words

TODAY = knowledge.today()
# What a decision says about a CQP fiche, as the catalog fills it for a real CQPM.
FICHE = {
    "fiche": "RNCP41814", "title": "Technicien de maintenance productive (produit/process)", "count": "4",
    "until": " jusqu'au 18 décembre 2028", "ended": " le 18 décembre 2028",
    "successor": "RNCP41679 « Agent de maintenance »", "related": "RNCP41679 « Agent de maintenance »",
}
# The audit found these topics too long to read on a phone.
AUDITED_TOPICS = ("vae_process", "blocs_competences", "rncp_rs")
MAX_TOPIC_CHARACTERS = 600


def said(text: str, day: date, since=None) -> str:
    return texts.fill(text, day, knowledge.base().values, [], since=since, extra=FICHE)


def days(versions) -> list:
    return sorted({TODAY, *(v.start for v in versions)})


# --- the splitter -------------------------------------------------------------------------

@pytest.mark.parametrize(
    "text, expected",
    [
        ("Le CPF paie. Vous choisissez.", ["Le CPF paie.", "Vous choisissez."]),
        ("Vraiment ? Oui ! « Parler à un conseiller » suffit.", ["Vraiment ?", "Oui !", "« Parler à un conseiller » suffit."]),
        ("Selon la loi n° 2022-1598. Elle s'applique.", ["Selon la loi n° 2022-1598.", "Elle s'applique."]),
        ("Voyez l'art. L6323-6 du code. Puis agissez.", ["Voyez l'art. L6323-6 du code.", "Puis agissez."]),
        ("Voyez art. L6323-6 et p. ex. Le CQP. Fin.", ["Voyez art. L6323-6 et p. ex. Le CQP.", "Fin."]),
        ("Au RS, 1 500 € au plus. Au RNCP, rien.", ["Au RS, 1 500 € au plus.", "Au RNCP, rien."]),
        ("Allez sur vae.gouv.fr pour vous inscrire. Puis choisissez.", ["Allez sur vae.gouv.fr pour vous inscrire.", "Puis choisissez."]),
        ("Allez sur vae.gouv.fr. Puis choisissez.", ["Allez sur vae.gouv.fr.", "Puis choisissez."]),
        ("Stages, bénévolat, etc. comptent. Même l'aide à un proche.", ["Stages, bénévolat, etc. comptent.", "Même l'aide à un proche."]),
        ("Depuis 2024. Écrivez à M. Dupont.", ["Depuis 2024.", "Écrivez à M. Dupont."]),
        ("Il vise le permis B. Le reste suit.", ["Il vise le permis B.", "Le reste suit."]),
        ("Il a dit « c'est fini. » Ensuite, rien.", ["Il a dit « c'est fini. »", "Ensuite, rien."]),
        ("Un seul morceau sans point", ["Un seul morceau sans point"]),
        ("", []),
    ],
)
def test_sentences_end_where_a_reader_would_stop(text, expected):
    assert sentences(text) == expected


def test_words_are_the_tokens_a_reader_sees():
    assert words("Au RS : 1 500 € au plus.") == ("Au", "RS", ":", "1", "500", "€", "au", "plus.")


def test_problems_name_the_long_sentence_and_the_long_first_sentence():
    short = "Un mot. " * 3
    assert problems(short) == []
    first = " ".join(["mot"] * (MAX_FIRST_SENTENCE_WORDS + 1)) + "."
    assert [p.split(" (")[0] for p in problems(first)] == [f"première phrase de {MAX_FIRST_SENTENCE_WORDS + 1} mots"]
    long = "Court. Un " + " ".join(["mot"] * MAX_SENTENCE_WORDS) + "."
    assert [p.split(" (")[0] for p in problems(long)] == [f"phrase de {MAX_SENTENCE_WORDS + 1} mots"]
    assert problems(" ".join(["mot"] * MAX_SENTENCE_WORDS) + ".")[0].startswith("première phrase")


# --- every answer the bot can say ---------------------------------------------------------

@pytest.mark.parametrize("topic", sorted(knowledge.topics()))
def test_every_topic_reads_plainly(topic):
    for day in days(knowledge.base().topics[topic].versions):
        answer = knowledge.answer(topic, on=day)
        assert problems(answer.text) == [], (topic, day.isoformat())
        assert answer.previously is None or problems(answer.previously) == [], (topic, day.isoformat())


@pytest.mark.parametrize("topic", AUDITED_TOPICS)
def test_the_topics_the_audit_found_long_fit_on_a_phone(topic):
    for day in days(knowledge.base().topics[topic].versions):
        text = knowledge.answer(topic, on=day).text
        assert len(text) <= MAX_TOPIC_CHARACTERS, (topic, day.isoformat(), len(text))


@pytest.mark.parametrize("entry_id", sorted(faq.entries()))
def test_every_faq_answer_reads_plainly(entry_id):
    for day in days(faq.entry(entry_id).versions):
        reply = faq.answer(entry_id, on=day)
        assert problems(reply.text) == [], (entry_id, day.isoformat())
        assert reply.previously is None or problems(reply.previously) == [], (entry_id, day.isoformat())


@pytest.mark.parametrize("reason_id", sorted(knowledge.base().reasons))
def test_every_decision_reason_reads_plainly(reason_id):
    reason = knowledge.base().reasons[reason_id]
    # A reason is said only on the days it covers: today, and its first and last days.
    for day in sorted({d for d in (TODAY, reason.start, reason.end) if d and reason.covers(d)}):
        assert problems(said(reason.text, day, since=reason.start)) == [], (reason_id, day.isoformat())


def test_every_fact_question_reads_plainly():
    for fact in knowledge.base().facts.values():
        assert problems(fact.question) == [], fact.name
        assert all(problems(choice) == [] for choice in fact.choices.values()), fact.name


def test_every_financing_option_reads_plainly():
    for option in knowledge.base().financing:
        assert problems(option.label) == [], option.id
        assert problems(option.text) == [], option.id


def test_every_cep_text_reads_plainly():
    from knowledge import cep

    found, common, _ = cep.operators()
    assert problems(common) == []
    for operator in found:
        for text in (operator.label, operator.contact, operator.why):
            assert problems(text) == [], operator.id


def glossary_texts():
    """The glossary's definitions, when knowledge/glossary.py exists (written separately)."""
    if importlib.util.find_spec("knowledge.glossary") is None:
        pytest.skip("knowledge/glossary.py n'existe pas encore")
    from knowledge import glossary

    return [(term.id, said(term.definition, TODAY, since=term.version.start)) for term in glossary.terms()]


def test_every_glossary_definition_reads_plainly():
    for term, definition in glossary_texts():
        assert problems(definition) == [], term
