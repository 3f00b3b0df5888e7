"""The intent classifier without DIET (issue 14): 5-fold cross-validation on the training data
and the held-out file, with and without class weights, and the fallback threshold.

    .venv/bin/python bench/intent_cv.py

The training data is every hand-written NLU file and the generated FAQ file (one `faq`
intent); the classifier is bot/nlu/ngram_intents.py's logistic regression. The fallback
threshold is the highest that keeps 95 % of the right intents in cross-validation.
Prints the figures quoted in docs/NLU.md.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import faq_nlu  # noqa: E402
from bot.nlu.ngram_intents import build_model  # noqa: E402
from knowledge.french import fold  # noqa: E402

SEED = 42


def examples(paths):
    from rasa.shared.nlu.training_data.loading import load_data

    pairs = []
    for path in paths:
        pairs += [(fold(m.get("text")), m.get("intent")) for m in load_data(str(path)).intent_examples]
    return np.array([t for t, _ in pairs]), np.array([i for _, i in pairs])


def main() -> None:
    faq_nlu.generate()
    texts, intents = examples(sorted((ROOT / "bot/data").glob("nlu*.yml")) + [faq_nlu.OUTPUT])
    held_texts, held_intents = examples([ROOT / "tests/data/nlu_heldout.yml"])
    order = np.random.RandomState(SEED).permutation(len(texts))
    folds = [order[i::5] for i in range(5)]
    for weight in (None, "balanced"):
        confidence, right = np.zeros(len(texts)), np.zeros(len(texts), bool)
        for held in folds:
            train = np.setdiff1d(np.arange(len(texts)), held)
            model = build_model(20.0, SEED, weight).fit(texts[train], intents[train])
            proba = model.predict_proba(texts[held])
            confidence[held], right[held] = proba.max(1), model.classes_[proba.argmax(1)] == intents[held]
        kept = np.sort(confidence[right])
        threshold = kept[int(0.05 * len(kept))]
        model = build_model(20.0, SEED, weight).fit(texts, intents)
        heldout = float((model.predict(held_texts) == held_intents).mean())
        print(f"class_weight={weight}: CV accuracy {right.mean():.3f} (intents other than faq "
              f"{right[intents != 'faq'].mean():.3f}); held-out {heldout:.3f} ({len(held_texts)} examples); "
              f"fallback threshold keeping 95 % of the right intents {threshold:.2f} "
              f"(catches {(confidence[~right] < threshold).mean():.0%} of the wrong ones)")


if __name__ == "__main__":
    main()
