"""Held-out accuracy of the trained model, per intent, into docs/nlu/heldout.md.

    make nlu-report        (= .venv/bin/python bench/nlu_heldout.py)

Uses Rasa's own evaluation (`rasa test nlu`) on tests/data/nlu_heldout.yml, a file
written separately from the training data and never trained on.
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = "tests/data/nlu_heldout.yml"


def main() -> None:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT),
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
    model = subprocess.run([sys.executable, "scripts/train.py"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.PIPE, text=True).stdout.strip().splitlines()[-1]
    out = ROOT / "results" / "heldout"
    subprocess.run([str(ROOT / ".venv/bin/rasa"), "test", "nlu", "--model", model, "--nlu", HELDOUT,
                    "--out", str(out), "--domain", "bot/domain.yml"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)
    report = json.loads((out / "intent_report.json").read_text())
    errors = json.loads((out / "intent_errors.json").read_text()) if (out / "intent_errors.json").exists() else []
    confusions = Counter((e["intent"], e["intent_prediction"]["name"]) for e in errors)
    intents = sorted(k for k in report if k not in ("accuracy", "macro avg", "weighted avg", "micro avg"))
    total = sum(report[i]["support"] for i in intents)
    lines = [
        "# NLU accuracy on the held-out file",
        "",
        f"Command: `make nlu-report` (runs `rasa test nlu --nlu {HELDOUT}` on the model of `make train`: `{Path(model).name}`).",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores. The held-out file is never used in training "
        "(`tests/test_nlu.py` checks that no example is shared).",
        "",
        f"- Examples: {total}",
        f"- Accuracy: **{report['accuracy']:.3f}**",
        f"- Macro F1: {report['macro avg']['f1-score']:.3f}; weighted F1: {report['weighted avg']['f1-score']:.3f}",
        "",
        "| intent | support | precision | recall | F1 |",
        "|---|---|---|---|---|",
        *(f"| {i} | {report[i]['support']} | {report[i]['precision']:.2f} | {report[i]['recall']:.2f} | "
          f"{report[i]['f1-score']:.2f} |" for i in intents),
        "",
        "Most frequent confusions (expected → predicted):",
        "",
        *(f"- {a} → {b}: {n}" for (a, b), n in confusions.most_common(10)),
        "",
    ]
    target = ROOT / "docs" / "nlu" / "heldout.md"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(lines))
    print(f"accuracy {report['accuracy']:.3f}, macro F1 {report['macro avg']['f1-score']:.3f} -> {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
