"""Chooses the NLU pipeline by 5-fold cross-validation on the training data only.

    .venv/bin/python bench/nlu_cv.py [bench/pipelines/x.yml …]   (make choose-pipeline: all of them)
    .venv/bin/python bench/nlu_cv.py --report                     (the table from results/cv/ only)

Each candidate in bench/pipelines/ is cross-validated on the NLU files of bot/data/ with the same
folds (fixed seed); the table goes to docs/nlu/pipeline-choice.md. The held-out file is
never read here.
"""
from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import time
from pathlib import Path
from statistics import mean

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.chdir(ROOT)

FOLDS = 5
SEED = 42
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.5)


def cross_validate(config: Path, nlu: Path):
    import numpy as np
    from rasa.nlu.test import cross_validate as rasa_cross_validate
    from rasa.shared.nlu.training_data.loading import load_data

    np.random.seed(SEED)  # rasa's StratifiedKFold draws its shuffle from numpy's global state
    files = sorted(nlu.glob("nlu*.yml"))
    data = load_data(str(files[0])).merge(*(load_data(str(f)) for f in files[1:]))
    started = time.perf_counter()
    intents, entities, _ = asyncio.run(
        rasa_cross_validate(data, FOLDS, str(config), output=None, disable_plotting=True, report_as_dict=True)
    )
    elapsed = time.perf_counter() - started
    test = intents.test
    predictions = intents.evaluation.get("predictions", [])
    entity_f1 = [mean(m["F1-score"]) for m in entities.test.values()] if entities and entities.test else []
    return {
        "accuracy": mean(test["Accuracy"]),
        "f1": mean(test["F1-score"]),
        "entity_f1": mean(entity_f1) if entity_f1 else float("nan"),
        "seconds": elapsed,
        "kept": {t: _kept(predictions, t) for t in THRESHOLDS},
        "predictions": [(p["intent"], p["predicted"], p["confidence"]) for p in predictions],
    }


def _kept(predictions, threshold):
    """With a fallback at `threshold`: share of all examples answered right, and of errors caught."""
    right = [p for p in predictions if p["intent"] == p["predicted"]]
    wrong = [p for p in predictions if p["intent"] != p["predicted"]]
    answered_right = sum(p["confidence"] >= threshold for p in right) / max(len(predictions), 1)
    caught = sum(p["confidence"] < threshold for p in wrong) / max(len(wrong), 1)
    return answered_right, caught


def main(argv):
    if argv == ["--report"]:
        argv, candidates = [], []  # only rebuild the table from results/cv/
    else:
        candidates = [Path(a) for a in argv] or sorted((ROOT / "bench" / "pipelines").glob("*.yml"))
    nlu = ROOT / "bot" / "data"
    store = ROOT / "results" / "cv"
    store.mkdir(parents=True, exist_ok=True)
    for config in candidates:
        result = cross_validate(config, nlu)
        print(f"{config.stem}: accuracy {result['accuracy']:.3f}, F1 {result['f1']:.3f}, "
              f"entity F1 {result['entity_f1']:.3f} ({result['seconds']:.0f} s)", flush=True)
        (store / f"{config.stem}.json").write_text(json.dumps(result))
    # The table shows every candidate measured so far, so candidates can be run one at a time.
    rows = []
    for path in sorted(store.glob("*.json")):
        result = json.loads(path.read_text())
        if "predictions" in result:
            predictions = [{"intent": i, "predicted": p, "confidence": c} for i, p, c in result["predictions"]]
            result["kept"] = {t: _kept(predictions, t) for t in THRESHOLDS}
        else:
            result["kept"] = {float(t): v for t, v in result["kept"].items()}
        rows.append((path.stem, result))
    out = ROOT / "docs" / "nlu" / "pipeline-choice.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Pipeline choice by cross-validation",
        "",
        f"Command: `.venv/bin/python bench/nlu_cv.py` ({FOLDS} folds, seed {SEED}, training data only: "
        f"`bot/data/nlu*.yml`; the held-out file is not read).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "",
        "| candidate | intent accuracy (mean of folds) | intent weighted F1 | entity F1 (mean of entities) | time for all folds |",
        "|---|---|---|---|---|",
        *(f"| `{name}` | {r['accuracy']:.3f} | {r['f1']:.3f} | {r['entity_f1']:.3f} | {r['seconds']:.0f} s |"
          for name, r in rows),
        "",
        "## Fallback threshold",
        "",
        "Share of all test-fold examples answered with the right intent when the FallbackClassifier "
        "threshold is t, and (in brackets) share of the wrong predictions it catches:",
        "",
        "| candidate | " + " | ".join(f"t = {t}" for t in THRESHOLDS) + " |",
        "|---|" + "---|" * len(THRESHOLDS),
        *(f"| `{name}` | " + " | ".join(f"{r['kept'][t][0]:.3f} ({r['kept'][t][1]:.2f})" if t in r["kept"] else "–" for t in THRESHOLDS) + " |"
          for name, r in rows),
        "",
    ]
    out.write_text("\n".join(lines))
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
