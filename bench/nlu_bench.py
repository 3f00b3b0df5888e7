"""Understanding: the assistant's NLU against a plain baseline, on the held-out file and in
5-fold cross-validation, plus robustness variants and the confusion matrix.

    .venv/bin/python bench/nlu_bench.py [--skip-cv]      (part of `make bench`)

- The assistant is the pipeline of config.yml: the model of `make train` on the held-out
  file, and one model per fold (trained on the other four folds) in cross-validation.
- The baseline is a few lines of scikit-learn: TF-IDF of character n-grams (2 to 5, within
  word boundaries) and a logistic regression, library defaults otherwise, trained on the
  same examples (the same folds in cross-validation).
- Two ways to count the assistant: « as the bot acts », where a message below the fallback
  threshold counts as a miss (what a visitor gets), and « classifier », its best intent
  whatever the confidence (the same measure as the baseline's, which has no fallback).
- Robustness: the held-out file without accents, with one typo per sentence (seeded), in
  lower case.

Writes results/bench/nlu.json, docs/bench/nlu.md and docs/bench/nlu-confusion.png. The
held-out file is never trained on (tests/test_nlu.py checks it shares no example).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("PYTHONHASHSEED", "0")

from bench.machine import machine_line  # noqa: E402

HELDOUT = ROOT / "tests" / "data" / "nlu_heldout.yml"
TRAINING = sorted((ROOT / "bot" / "data").glob("nlu*.yml"))
REPORT = ROOT / "docs" / "bench" / "nlu.md"
PICTURE = ROOT / "docs" / "bench" / "nlu-confusion.png"
RESULTS = ROOT / "results" / "bench" / "nlu.json"
FALLBACK = "nlu_fallback"
SEED = 42
FOLDS = 5

Examples = List[Tuple[str, str]]


# --- data ---------------------------------------------------------------------------------

def training_data():
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(TRAINING[0]))
    return data.merge(*(load_data(str(path)) for path in TRAINING[1:]))


def pairs(messages) -> Examples:
    return [(m.get("text"), m.get("intent")) for m in messages]


def heldout() -> Examples:
    from rasa.shared.nlu.training_data.loading import load_data

    return pairs(load_data(str(HELDOUT)).intent_examples)


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


NEIGHBOURS = {  # AZERTY neighbours, for typos people really make
    "a": "zqs", "z": "aes", "e": "zrd", "r": "etf", "t": "ryg", "y": "tuh", "u": "yij", "i": "uok", "o": "ipl",
    "p": "om", "q": "asw", "s": "qdz", "d": "sfe", "f": "dgr", "g": "fht", "h": "gjy", "j": "hku", "k": "jli",
    "l": "kmo", "m": "lp", "w": "xq", "x": "wcs", "c": "xvd", "v": "cbf", "b": "vng", "n": "bh",
}


def one_typo(text: str, rng: random.Random) -> str:
    """One slip in one word of four letters or more: a swap, a missing, doubled or wrong letter."""
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
    if not candidates:
        return text
    index = rng.choice(candidates)
    word = words[index]
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    at = rng.choice(letters[:-1])
    kind = rng.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif kind == "drop":
        word = word[:at] + word[at + 1:]
    elif kind == "double":
        word = word[:at] + word[at] + word[at:]
    else:
        near = NEIGHBOURS.get(without_accents(word[at].lower()), word[at])
        word = word[:at] + rng.choice(near) + word[at + 1:]
    words[index] = word
    return " ".join(words)


def variants(examples: Examples) -> Dict[str, Examples]:
    rng = random.Random(SEED)
    return {
        "as written": examples,
        "without accents": [(without_accents(t), i) for t, i in examples],
        "one typo per sentence": [(one_typo(t, rng), i) for t, i in examples],
        "lower case": [(t.lower(), i) for t, i in examples],
    }


# --- the two classifiers ------------------------------------------------------------------

def baseline_model():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5)),
                         LogisticRegression(max_iter=5000, random_state=SEED))


def trained_baseline(train: Examples, tuned: bool = False, c: float = 1.0):
    if tuned:
        return tuned_baseline(train)
    model = baseline_model()
    model.set_params(logisticregression__C=c)
    model.fit([t for t, _ in train], [i for _, i in train])
    return model


def baseline_predict(train: Examples, texts: Sequence[str], c: float = 1.0) -> List[str]:
    return list(trained_baseline(train, c=c).predict(list(texts)))


TUNING_GRID = (1, 5, 20, 50)


def tuned_baseline(train: Examples):
    """The baseline with its regularisation chosen by 5-fold cross-validation on the training
    examples alone: the fairest opponent a few more lines of scikit-learn give."""
    from sklearn.model_selection import GridSearchCV, StratifiedKFold

    search = GridSearchCV(baseline_model(), {"logisticregression__C": TUNING_GRID},
                          cv=StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED), n_jobs=1)
    search.fit([t for t, _ in train], [i for _, i in train])
    return search.best_estimator_  # refitted on all of `train` with the best C


class Assistant:
    """A trained Rasa model, asked as the REST channel would ask it (`Agent.parse_message`)."""

    def __init__(self, model_path: str):
        from rasa.core.agent import Agent

        self.agent = Agent.load(model_path)

    def predict(self, texts: Sequence[str]) -> Tuple[List[str], List[str]]:
        """(as the bot acts, classifier alone) for each text."""
        async def parse_all():
            return [await self.agent.parse_message(text) for text in texts]

        acted, classified = [], []
        for parsed in asyncio.run(parse_all()):
            acted.append(parsed["intent"]["name"])
            ranking = [r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
            classified.append(ranking[0] if ranking else FALLBACK)
        return acted, classified


def production_model() -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "scripts/train.py"], cwd=ROOT, env=env, check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return str(ROOT / out.strip().splitlines()[-1])


def train_fold(train_messages, workdir: Path) -> Tuple[str, float]:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    nlu_file = workdir / "train.yml"
    nlu_file.write_text(TrainingData(training_examples=list(train_messages)).nlu_as_yaml())
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "rasa"), "train", "nlu", "--config", str(ROOT / "config.yml"),
                    "--nlu", str(nlu_file), "--out", str(workdir), "--fixed-model-name", "fold"],
                   cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return str(workdir / "fold.tar.gz"), time.perf_counter() - started


# --- measures -----------------------------------------------------------------------------

def scores(gold: Sequence[str], predicted: Sequence[str]) -> Dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))  # the fallback is a miss, not a class of its own
    return {"accuracy": accuracy_score(gold, predicted),
            "macro_f1": f1_score(gold, predicted, labels=labels, average="macro", zero_division=0)}


def per_intent(gold: Sequence[str], predicted: Sequence[str]) -> Dict[str, Dict[str, float]]:
    from sklearn.metrics import precision_recall_fscore_support

    labels = sorted(set(gold))
    p, r, f, s = precision_recall_fscore_support(gold, predicted, labels=labels, zero_division=0)
    return {label: {"precision": p[k], "recall": r[k], "f1": f[k], "support": int(s[k])}
            for k, label in enumerate(labels)}


def cross_validation(data, tuned_c: float) -> Dict[str, Dict[str, float]]:
    from sklearn.model_selection import StratifiedKFold

    messages = list(data.intent_examples)
    labels = [m.get("intent") for m in messages]
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED).split(messages, labels)
    gold, acted, classified, base, tuned, seconds = [], [], [], [], [], []
    for number, (train_index, test_index) in enumerate(folds, start=1):
        train = [messages[i] for i in train_index]
        test = pairs(messages[i] for i in test_index)
        with tempfile.TemporaryDirectory() as workdir:
            model, took = train_fold(train, Path(workdir))
            fold_acted, fold_classified = Assistant(model).predict([t for t, _ in test])
        gold += [i for _, i in test]
        acted += fold_acted
        classified += fold_classified
        base += baseline_predict(pairs(train), [t for t, _ in test])
        # The C tuned on all the training data: a little help to the baseline, never to the assistant.
        tuned += baseline_predict(pairs(train), [t for t, _ in test], c=tuned_c)
        seconds.append(took)
        print(f"  fold {number}/{FOLDS}: assistant {scores([i for _, i in test], fold_classified)['accuracy']:.3f}"
              f" ({took:.0f} s of training)", flush=True)
    return {"assistant (as the bot acts)": scores(gold, acted), "assistant (classifier)": scores(gold, classified),
            "baseline": scores(gold, base), "baseline, tuned": scores(gold, tuned), "fold_training_seconds": seconds}


def confusion_picture(gold: Sequence[str], predicted: Sequence[str], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted(set(gold)) + ([FALLBACK] if FALLBACK in predicted else [])
    matrix = confusion_matrix(gold, predicted, labels=labels)
    size = 0.26 * len(labels) + 3
    figure, axes = plt.subplots(figsize=(size, size))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)))
    axes.set_yticks(range(len(labels)))
    axes.set_xticklabels(labels, rotation=90, fontsize=7)
    axes.set_yticklabels(labels, fontsize=7)
    axes.set_xlabel("predicted (nlu_fallback: below the fallback threshold)")
    axes.set_ylabel("true intent")
    for row in range(len(labels)):
        for column in range(len(labels)):
            if matrix[row, column] and row != column:
                axes.text(column, row, str(matrix[row, column]), ha="center", va="center", fontsize=6, color="#b00020")
    axes.set_title("Held-out file: the assistant as it acts (off-diagonal counts in red)")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110)
    plt.close(figure)


# --- report -------------------------------------------------------------------------------

def pct(value: float) -> str:
    return f"{value:.3f}"


def write_report(result: Dict, command: str) -> None:
    held = result["heldout"]
    lines = [
        "# Understanding: the assistant against a baseline",
        "",
        f"Command: `{command}`; {result['date']}, {result['seconds']:.0f} s in all.",
        f"Machine: {result['machine']}.",
        "",
        f"Training data: {result['training_examples']} examples of `bot/data/nlu*.yml`; held-out file: "
        f"{result['heldout_examples']} examples of `tests/data/nlu_heldout.yml`, never trained on. "
        f"Model: `{result['model']}` (the pipeline of `config.yml`).",
        "",
        "The baseline: `TfidfVectorizer(analyzer=\"char_wb\", ngram_range=(2, 5))` and "
        "`LogisticRegression()` (scikit-learn defaults otherwise), trained on the same examples. "
        f"« Baseline, tuned »: the same with C chosen among {TUNING_GRID} by 5-fold cross-validation "
        f"on the training examples (grid search; C = {result['tuned_c']:g}), a fairer opponent. "
        "« As the bot acts »: a message under the fallback threshold counts as a miss, as a visitor "
        "would see it. « Classifier »: the best intent whatever its confidence, the baseline's measure.",
        "",
        "## Held-out file",
        "",
        "| | accuracy | macro F1 |",
        "|---|---:|---:|",
        *(f"| {name} | {pct(s['accuracy'])} | {pct(s['macro_f1'])} |" for name, s in held.items()),
        "",
        f"**The assistant beats the baseline by {result['margin_points']:+.1f} points of accuracy as the bot "
        f"acts** ({pct(held['assistant (as the bot acts)']['accuracy'])} against "
        f"{pct(held['baseline']['accuracy'])}), and by {result['margin_classifier_points']:+.1f} points "
        "classifier against classifier. Against the tuned baseline: "
        f"{result['margin_tuned_points']:+.1f} points classifier against classifier.",
        "",
        "## Robustness: the held-out file changed",
        "",
        "| variant | assistant (as the bot acts) | assistant (classifier) | baseline | baseline, tuned |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} | {pct(v['assistant (as the bot acts)'])} | {pct(v['assistant (classifier)'])} | "
          f"{pct(v['baseline'])} | {pct(v['baseline, tuned'])} |" for name, v in result["robustness"].items()),
        "",
        "Without accents: every accent removed (« évaluation » → « evaluation »). One typo per sentence: "
        "in one word of four letters or more, two letters swapped, one dropped, one doubled or one replaced "
        "by an AZERTY neighbour (`random.Random(42)`). Lower case: the whole message.",
        "",
    ]
    cv = result.get("cross_validation")
    if cv:
        lines += [
            f"## {FOLDS}-fold cross-validation on the training data",
            "",
            f"The same folds for both (`StratifiedKFold(n_splits={FOLDS}, shuffle=True, random_state={SEED})` "
            "over the intents; the tuned baseline keeps the C chosen on all the training data, which can only "
            "help it); each fold's assistant is trained with `rasa train nlu` on the other four "
            f"(training: {', '.join(f'{s:.0f}' for s in cv['fold_training_seconds'])} s).",
            "",
            "| | accuracy | macro F1 |",
            "|---|---:|---:|",
            *(f"| {name} | {pct(s['accuracy'])} | {pct(s['macro_f1'])} |" for name, s in cv.items()
              if name != "fold_training_seconds"),
            "",
            "The training file holds the hard cases on purpose (fragments, SMS writing, typos), and each "
            "fold trains on 80 % of it: cross-validation scores lower than the held-out file.",
            "",
        ]
    else:
        lines += ["Cross-validation skipped (`--skip-cv`).", ""]
    lines += [
        "## Per intent (held-out file)",
        "",
        "![confusion matrix](nlu-confusion.png)",
        "",
        "| intent | examples | assistant F1 (as the bot acts) | baseline F1 | assistant's main confusions |",
        "|---|---:|---:|---:|---|",
    ]
    for intent, row in result["per_intent"]["assistant"].items():
        base = result["per_intent"]["baseline"][intent]
        confused = ", ".join(f"{k}×{v}" for k, v in result["confusions"].get(intent, []))
        lines.append(f"| `{intent}` | {row['support']} | {pct(row['f1'])} | {pct(base['f1'])} | {confused} |")
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n")


def main(argv: Sequence[str]) -> Dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-cv", action="store_true", help="no cross-validation (it trains five models)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    data = training_data()
    train = pairs(data.intent_examples)
    test = heldout()
    model = production_model()
    assistant = Assistant(model)
    gold = [i for _, i in test]

    plain_model, tuned_model = trained_baseline(train), trained_baseline(train, tuned=True)
    robustness, per_variant = {}, {}
    for name, examples in variants(test).items():
        texts = [t for t, _ in examples]
        acted, classified = assistant.predict(texts)
        base, tuned = list(plain_model.predict(texts)), list(tuned_model.predict(texts))
        per_variant[name] = (acted, classified, base, tuned)
        robustness[name] = {"assistant (as the bot acts)": scores(gold, acted)["accuracy"],
                            "assistant (classifier)": scores(gold, classified)["accuracy"],
                            "baseline": scores(gold, base)["accuracy"],
                            "baseline, tuned": scores(gold, tuned)["accuracy"]}
    acted, classified, base, tuned = per_variant["as written"]
    held = {"assistant (as the bot acts)": scores(gold, acted), "assistant (classifier)": scores(gold, classified),
            "baseline": scores(gold, base), "baseline, tuned": scores(gold, tuned)}
    confusions = {}
    for intent in sorted(set(gold)):
        wrong = Counter(p for g, p in zip(gold, acted) if g == intent and p != intent)
        confusions[intent] = wrong.most_common(3)
    confusion_picture(gold, acted, PICTURE)

    result = {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "machine": machine_line(),
        "model": Path(model).name,
        "training_examples": len(train),
        "heldout_examples": len(test),
        "heldout": held,
        "tuned_c": float(tuned_model.get_params()["logisticregression__C"]),
        "margin_points": 100 * (held["assistant (as the bot acts)"]["accuracy"] - held["baseline"]["accuracy"]),
        "margin_classifier_points": 100 * (held["assistant (classifier)"]["accuracy"] - held["baseline"]["accuracy"]),
        "margin_tuned_points": 100 * (held["assistant (classifier)"]["accuracy"]
                                      - held["baseline, tuned"]["accuracy"]),
        "robustness": robustness,
        "per_intent": {"assistant": per_intent(gold, acted), "baseline": per_intent(gold, base)},
        "confusions": confusions,
    }
    if not args.skip_cv:
        print("Cross-validation (five trainings)…", flush=True)
        result["cross_validation"] = cross_validation(data, result["tuned_c"])
    result["seconds"] = time.perf_counter() - started
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    write_report(result, "make bench" if os.environ.get("CQP_BENCH_ALL") else
                 "  ".join([".venv/bin/python bench/nlu_bench.py", *argv]).strip())
    print(f"Held-out: assistant {held['assistant (as the bot acts)']['accuracy']:.3f} as the bot acts, "
          f"{held['assistant (classifier)']['accuracy']:.3f} classifier; baseline {held['baseline']['accuracy']:.3f} "
          f"({result['margin_points']:+.1f} points). -> {REPORT.relative_to(ROOT)}")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
