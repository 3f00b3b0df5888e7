"""Follow-ups in context, through the REST channel: a short message that only makes sense
after the last answer is answered in that context."""
from __future__ import annotations

import pytest

import knowledge
from bench.faq_eval import answered_entry
from knowledge import faq

def as_typed(cue: str) -> str:
    return f"{cue} ?" if cue.startswith("et ") else f"et {cue} ?"


# Every follow-up the content declares: its entry's question, then « et <cue> ? ».
DECLARED = [(item.id, as_typed(" ".join(option.cues[0])), option.entry)
            for item in faq.entries().values() for option in item.follow_ups]
# The follow-ups visitors write, as the issue lists them.
NATURAL = [
    ("cpf_interimaire", "et pour un CDD ?", "cpf_cdd"),
    ("cpf_temps_travail", "et si c'est le soir ?", "cpf_hors_temps_travail"),
    ("cpf_participation", "combien ?", "cpf_participation_montant"),
    ("vae_process", "c'est long ?", "vae_duree"),
    ("cpf_interimaire", "et si je suis au chômage ?", "cpf_demandeur_emploi"),
    ("financing_salarie", "et si je suis au chômage ?", "financing_demandeur_emploi"),
    ("vae_definition", "et après ?", "vae_par_ou_commencer"),
    ("cqp_vs_cap", "et un titre pro ?", "cqp_vs_titre_pro"),
    ("jury_decisions", "et si le jury refuse ?", "jury_refus"),
    ("cep", "c'est payant ?", "cep_gratuit"),
    ("formation_contrat_pro", "c'est long ?", "formation_contrat_pro_duree"),
    ("partial_validation", "c'est valable combien de temps ?", "blocs_duree_validite"),
]


def entry_answered(chat) -> str:
    return answered_entry(chat.replies)


@pytest.mark.parametrize("asked, follow, expected", NATURAL + DECLARED,
                         ids=[f"{a}+{c}" for a, c, _ in NATURAL + DECLARED])
def test_a_follow_up_answers_in_context(rasa, asked, follow, expected):
    chat = rasa.conversation()
    chat.say(faq.question(asked))
    assert entry_answered(chat) == asked
    chat.say(follow)
    assert entry_answered(chat) == expected
    assert faq.answer(expected, on=knowledge.today()).text in chat.text


def test_and_then_goes_on_to_what_the_answer_leads_to(rasa):
    item = next(e for e in faq.entries().values() if e.next and e.topic not in ("advisor", "capabilities"))
    chat = rasa.conversation()
    chat.say(item.question)
    chat.say("et après ?")
    assert entry_answered(chat) == item.next[0]


def test_more_gives_the_topic_text(rasa):
    item = faq.entry("jury")
    chat = rasa.conversation()
    chat.say(item.question)
    chat.say("en savoir plus")
    assert knowledge.answer(item.topic, on=knowledge.today()).text in chat.text
