"""Real visitor questions (copied from public pages, URL kept): how they are split and
generated into training data, and whether the assistant's replies answer them."""
from __future__ import annotations

import uuid
from collections import defaultdict

import requests
import yaml

from bench import faq_eval
from knowledge import faq
from knowledge.french import fold
from scripts import faq_nlu, real_questions

ALL = yaml.safe_load(faq_eval.QUESTIONS.read_text(encoding="utf-8"))
# Set a few points under the measured figures (docs/BENCHMARKS.md, `make bench`): a fall
# below means the understanding got worse on real questions.
RIGHT_FLOOR = 0.43
WRONG_CEILING = 0.08


def test_enough_real_questions_each_with_its_page():
    assert len(ALL) >= 500
    assert all(q["url"].startswith(("https://", "http://")) and q["kind"] in real_questions.KINDS for q in ALL)
    assert len(faq_eval.questions("test")) >= 150


def test_no_page_is_in_both_parts():
    parts = defaultdict(set)
    for q in ALL:
        parts[real_questions.page_of(q["url"])].add(q["split"])
        assert q["split"] == real_questions.split_of(q["url"])
    assert all(len(splits) == 1 for splits in parts.values())


def test_every_label_is_a_known_entry():
    unknown = {e for q in ALL for e in q["entries"] if e not in faq.entries()}
    assert not unknown


def test_the_generated_training_file_holds_no_test_question_and_every_entry(tmp_path):
    output = faq_nlu.generate(tmp_path / "faq.generated.yml")
    texts, entries = faq_nlu.labelled_examples(output)
    tested = {fold(" ".join(q["question"].split())) for q in ALL if q["split"] == "test"}
    assert not {fold(t) for t in texts} & tested
    assert len({fold(t) for t in texts}) == len(texts), "each text once"
    expected = {e.id for e in faq.entries().values() if e.topic not in faq_nlu.TOPICS_WITH_OWN_INTENT}
    assert set(entries) == expected
    trained = {fold(" ".join(q["question"].split())) for q in ALL if q["split"] == "train" and q["entries"]}
    assert trained & {fold(t) for t in texts}, "the train part is trained on"
    again = faq_nlu.generate(tmp_path / "again.yml")
    assert output.read_text(encoding="utf-8") == again.read_text(encoding="utf-8")


def test_replies_to_the_test_part_answer_the_questions(rasa, capsys):
    def ask(question: str):
        response = requests.post(f"{rasa.url}/webhooks/rest/webhook",
                                 json={"sender": f"real-{uuid.uuid4().hex}", "message": question}, timeout=60)
        response.raise_for_status()
        return response.json()

    tally = faq_eval.evaluate(ask, faq_eval.questions("test"))
    with capsys.disabled():
        print(f"\nReal questions, test part ({tally.total}): " +
              ", ".join(f"{name} {tally.share(name):.3f}" for name in faq_eval.OUTCOMES))
    assert tally.share("right") >= RIGHT_FLOOR
    assert tally.share("wrong") <= WRONG_CEILING
