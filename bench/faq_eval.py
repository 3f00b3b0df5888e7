"""Does the reply answer the question? Judged on real visitor questions the model never saw.

The test part of tests/data/real_questions/questions.yml (split by source page) goes to the
assistant through the REST channel, each question in a fresh conversation, as a visitor
would send it. Each reply is one of:
- right: the answer of an entry the question was labelled with;
- clarify: the assistant asked which of two questions was meant (not an answer, not wrong);
- abstain: the assistant said it has no sure answer, or asked to rephrase;
- wrong: a confident answer to another question (another entry, a topic text, a form…).
The baseline is a TF-IDF + logistic regression trained on exactly the FAQ examples the
assistant trains on (the generated NLU file), scored on its top-1 entry.
Used by bench/faq_bench.py (figures in docs/) and tests/test_real_questions.py (a floor).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests/data/real_questions/questions.yml"
GENERATED = ROOT / "bot/data/faq.generated.yml"
OUTCOMES = ("right", "clarify", "abstain", "wrong")


def questions(split: str = "test", labelled: bool = True) -> List[Dict[str, Any]]:
    items = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8")) or []
    return [q for q in items if q["split"] == split and bool(q.get("entries")) == labelled]


def answered_entry(replies: Sequence[Dict[str, Any]]) -> str:
    """The FAQ entry a reply answers (its details say which), or ''."""
    for reply in replies:
        details = (reply.get("custom") or {}).get("details") or {}
        if details.get("entry"):
            return str(details["entry"])
    return ""


def offered_entries(replies: Sequence[Dict[str, Any]]) -> List[str]:
    """The entries a clarifying question offers as buttons."""
    import json

    entries = []
    for reply in replies:
        for button in reply.get("buttons") or []:
            payload = str(button.get("payload") or "")
            if payload.startswith("/faq{"):
                try:
                    entries.append(str(json.loads(payload[len("/faq"):]).get("faq_entry") or ""))
                except ValueError:
                    continue
    return entries


def outcome(replies: Sequence[Dict[str, Any]], expected: Sequence[str]) -> str:
    from bot.actions import ui

    entry = answered_entry(replies)
    if entry:
        return "right" if entry in expected else "wrong"
    text = "\n".join(r.get("text") or "" for r in replies)
    if ui.WHICH_QUESTION in text:
        return "clarify"
    if any(phrase in text for phrase in (ui.NOT_COVERED, ui.REPHRASE, ui.REPHRASE_AGAIN, ui.OUT_OF_SCOPE)):
        return "abstain"
    return "wrong"


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    by_topic: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    by_kind: Dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    wrong: List[Tuple[str, str, str]] = field(default_factory=list)
    # Clarifying questions whose two choices hold a right entry: one click from the answer.
    clarify_with_right: int = 0

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def share(self, name: str) -> float:
        return self.counts[name] / self.total if self.total else 0.0


def topic_of(entry: str) -> str:
    from knowledge import faq

    return faq.entry(entry).topic if entry in faq.entries() else "?"


def evaluate(ask: Callable[[str], Sequence[Dict[str, Any]]], items: Sequence[Dict[str, Any]]) -> Tally:
    """`ask` sends one question in a fresh conversation and returns the replies."""
    tally = Tally()
    for item in items:
        replies = ask(item["question"])
        result = outcome(replies, item["entries"])
        tally.counts[result] += 1
        if result == "clarify" and set(offered_entries(replies)) & set(item["entries"]):
            tally.clarify_with_right += 1
        tally.by_topic[topic_of(item["entries"][0])][result] += 1
        tally.by_kind[item["kind"]][result] += 1
        if result == "wrong":
            tally.wrong.append((item["question"], ",".join(item["entries"]), answered_entry(replies) or "(autre)"))
    return tally


def evaluate_unlabelled(ask: Callable[[str], Sequence[Dict[str, Any]]], items: Sequence[Dict[str, Any]]) -> Counter:
    """What the assistant does with questions no entry answers: an answer is wrong there."""
    counts: Counter = Counter()
    for item in items:
        counts[outcome(ask(item["question"]), ())] += 1
    return counts


def training_pairs(path: Path = GENERATED) -> Tuple[List[str], List[str]]:
    """The FAQ examples of the generated NLU file: exactly what the assistant's selector trains on."""
    from scripts.faq_nlu import labelled_examples

    return labelled_examples(path)


def baseline(items: Sequence[Dict[str, Any]], seed: int = 42) -> float:
    """Share of questions whose top-1 entry, by TF-IDF + logistic regression (library
    defaults), is one of their labels."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, labels = training_pairs()
    model = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=5000, random_state=seed))
    model.fit(texts, labels)
    predicted = model.predict([item["question"] for item in items])
    return sum(p in item["entries"] for p, item in zip(predicted, items)) / len(items) if items else 0.0
