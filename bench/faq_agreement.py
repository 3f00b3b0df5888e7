"""Does a second model's agreement tell when the FAQ selector is sure? Measured on the training
data only (5-fold cross-validation, real questions of one page in one fold, as bench/faq_cv.py):
for the real train questions, the most right answers reachable while wrong answers stay under
5 %, with the selector's probability alone and with « answer also when a second model agrees ».

    .venv/bin/python bench/faq_agreement.py

The second models: the TF-IDF + logistic-regression baseline, and a lemma-words-only model.
Prints a Markdown table (quoted in docs/NLU.md). Never reads the test part.
"""
from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench import faq_cv, faq_eval  # noqa: E402
from bot.nlu.faq_selector import build_model  # noqa: E402

SEED = 42
LEVELS = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5, 0.6]
MARGINS = [0.0, 0.05, 0.1, 0.2]


def held_out_rows() -> List[Dict]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    faq_cv.faq_nlu.generate()
    texts, labels = faq_eval.training_pairs()
    pages = faq_cv.real_pages(texts)
    views = faq_cv.views(texts, faq_cv.SPACY_MODELS["sm"])
    y = np.array(labels)
    rows: Dict[int, Dict] = {}
    for held in faq_cv.folds(pages):
        train = np.setdiff1d(np.arange(len(texts)), held)
        selector = build_model(20.0, SEED).fit([views[i] for i in train], y[train])
        baseline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=5000, random_state=SEED))
        baseline.fit([texts[i] for i in train], y[train])
        lemmas = make_pipeline(TfidfVectorizer(token_pattern=r"(?u)\b\w+\b"),
                               LogisticRegression(C=20, max_iter=5000, random_state=SEED))
        lemmas.fit([views[i][1] for i in train], y[train])
        proba = selector.predict_proba([views[i] for i in held])
        base = baseline.predict([texts[i] for i in held])
        words = lemmas.predict([views[i][1] for i in held])
        for k, index in enumerate(held):
            if not pages[index]:
                continue  # only the real questions count
            first, second = np.argsort(-proba[k])[:2]
            rows[index] = {"top": selector.classes_[first], "p1": proba[k][first], "p2": proba[k][second],
                           "baseline": base[k], "lemmas": words[k], "label": y[index]}
    return list(rows.values())


def best(rows: List[Dict], rule: Callable[[Dict, float, float, float], bool]) -> Dict:
    found = {"right": 0.0, "wrong": 0.0}
    for level, margin, agreed_at in itertools.product(LEVELS, MARGINS, LEVELS + [1.1]):
        answered = [r for r in rows if rule(r, level, margin, agreed_at)]
        right = sum(r["top"] == r["label"] for r in answered) / len(rows)
        wrong = sum(r["top"] != r["label"] for r in answered) / len(rows)
        if wrong <= 0.05 and right > found["right"]:
            found = {"right": right, "wrong": wrong, "answer_at": level, "margin": margin, "agreed_at": agreed_at}
    return found


def main() -> None:
    rows = held_out_rows()
    alone = lambda r, a, m, _g: r["p1"] >= a and r["p1"] - r["p2"] >= m  # noqa: E731

    def agreeing(*others: str):
        return lambda r, a, m, g: alone(r, a, m, g) or (r["p1"] >= g and all(r[o] == r["top"] for o in others))

    print(f"{len(rows)} real train questions, held out by page.\n")
    print("| rule | right | wrong | settings |\n|---|---:|---:|---|")
    for name, rule in [("probability alone", alone), ("or the baseline agrees", agreeing("baseline")),
                       ("or the lemma model agrees", agreeing("lemmas")),
                       ("or both agree", agreeing("baseline", "lemmas"))]:
        b = best(rows, rule)
        settings = {k: v for k, v in b.items() if k not in ("right", "wrong")}
        print(f"| {name} | {b['right']:.3f} | {b['wrong']:.3f} | {settings} |")
    for other in ("baseline", "lemmas"):
        agreed = [r for r in rows if r[other] == r["top"]]
        print(f"\nThe {other} model agrees with the selector on {len(agreed) / len(rows):.1%} of them; "
              f"the selector is right on {np.mean([r['top'] == r['label'] for r in agreed]):.1%} of those.")


if __name__ == "__main__":
    main()
