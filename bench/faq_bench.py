"""Real visitor questions: does the reply answer the question? Against the baseline.

    .venv/bin/python bench/faq_bench.py [--skip-training]      (part of `make bench`)

- The test part of tests/data/real_questions/questions.yml (split by source page, never
  trained on) goes through the REST channel of the real servers (the model of `make
  train`, the action server), each question in a fresh conversation. Each reply is right,
  a clarification, an abstention or wrong (bench/faq_eval.py).
- The baseline: TF-IDF + logistic regression trained on the same FAQ examples, top-1 entry.
- Also: what the assistant does with the test questions that no entry answers (it should
  say so), per topic and per kind of page, and the time of a full `rasa train`.

Writes docs/bench/faq.json and docs/bench/faq.md.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import faq_eval  # noqa: E402
from bench.machine import machine_line  # noqa: E402
from tests import servers  # noqa: E402

# Kept in docs/ beside its report, like load.json: docs/BENCHMARKS.md reads it.
OUT_JSON = ROOT / "docs/bench/faq.json"
OUT_MD = ROOT / "docs/bench/faq.md"


def training_seconds() -> float:
    """A full `rasa train` of the assistant, from scratch, into a temporary folder."""
    with tempfile.TemporaryDirectory() as out:
        start = time.monotonic()
        subprocess.run([servers.RASA, "train", "--config", "config.yml", "--domain", "bot/domain.yml", "--data",
                        "bot/data", "--out", out], cwd=ROOT, env=servers.ENV, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.monotonic() - start


def table(rows: Dict[str, Dict[str, int]]) -> str:
    lines = ["| | questions | right | clarify | abstain | wrong |", "|---|---:|---:|---:|---:|---:|"]
    for name in sorted(rows):
        counts = rows[name]
        total = sum(counts.values())
        cells = " | ".join(f"{counts.get(o, 0) / total:.0%}" for o in faq_eval.OUTCOMES)
        lines.append(f"| {name} | {total} | {cells} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-training", action="store_true", help="do not time a full training")
    args = parser.parse_args()
    model = servers.train_model()
    # With --skip-training, the time of the last run that measured it is kept (said so in the report).
    previous = json.loads(OUT_JSON.read_text()).get("training_seconds") if OUT_JSON.exists() else None
    seconds = previous if args.skip_training else training_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        actions, port = servers.start_action_server(work, env={"CQP_DOSSIERS_URL": f"sqlite:///{work / 'd.sqlite'}"})
        rasa, url, _ = servers.start_rasa_server(model, port, work)
        try:
            def ask(question: str):
                response = requests.post(f"{url}/webhooks/rest/webhook",
                                         json={"sender": f"bench-{uuid.uuid4().hex}", "message": question}, timeout=60)
                response.raise_for_status()
                return response.json()

            labelled = faq_eval.questions("test")
            tally = faq_eval.evaluate(ask, labelled)
            unanswerable = faq_eval.questions("test", labelled=False)
            outside = faq_eval.evaluate_unlabelled(ask, unanswerable)
        finally:
            rasa.stop()
            actions.stop()
    base = faq_eval.baseline(labelled)
    results = {
        "command": ".venv/bin/python bench/faq_bench.py",
        "machine": machine_line(),
        "test_questions": tally.total,
        "shares": {name: tally.share(name) for name in faq_eval.OUTCOMES},
        "clarify_with_right": tally.clarify_with_right / tally.total if tally.total else 0.0,
        "baseline_right": base,
        "margin_over_baseline": tally.share("right") - base,
        "by_topic": {k: dict(v) for k, v in tally.by_topic.items()},
        "by_kind": {k: dict(v) for k, v in tally.by_kind.items()},
        "unanswerable": {"questions": len(unanswerable), **dict(outside)},
        "training_seconds": seconds,
        "wrong_examples": tally.wrong[:40],
    }
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    OUT_MD.write_text(report(results), encoding="utf-8")
    print(report(results))


def report(r: Dict) -> str:
    s = r["shares"]
    lines = [
        "# Real visitor questions: does the reply answer the question?",
        "",
        f"Command: `{r['command']}` (part of `make bench`). Machine: {r['machine']}.",
        "",
        f"Test part of `tests/data/real_questions/questions.yml`: {r['test_questions']} questions copied from public",
        "French pages (URL kept), split from the train part by source page, never trained on; each sent through",
        "the REST channel in a fresh conversation, as the bot acts.",
        "",
        "| | right answer | clarifying question | says it has no sure answer | wrong confident answer |",
        "|---|---:|---:|---:|---:|",
        f"| assistant | {s['right']:.1%} | {s['clarify']:.1%} | {s['abstain']:.1%} | {s['wrong']:.1%} |",
        f"| baseline: TF-IDF + logistic regression, same training data, top-1 | {r['baseline_right']:.1%} | – | – | "
        f"{1 - r['baseline_right']:.1%} |",
        "",
        f"Margin over the baseline: {100 * r['margin_over_baseline']:+.1f} points. Clarifying questions that "
        f"offer the right entry among their two choices: {r['clarify_with_right']:.1%} of the questions (one click "
        "from the answer; not counted as right).",
        "",
        "## Per topic (of the expected entry)",
        "",
        table(r["by_topic"]),
        "",
        "## Per kind of source page",
        "",
        table(r["by_kind"]),
        "",
        f"## Test questions that no entry answers ({r['unanswerable']['questions']})",
        "",
        "What the assistant did with them (the right thing is to say it has no sure answer, or to ask):",
        "",
        ", ".join(f"{k}: {v}" for k, v in r["unanswerable"].items() if k != "questions") or "none",
        "",
        "## Training time",
        "",
        (f"A full `rasa train` from scratch: {r['training_seconds']:.0f} s." if r["training_seconds"]
         else "Not measured in this run (`--skip-training`)."),
        "",
        "## Wrong confident answers (question, expected, answered)",
        "",
        *(f"- « {q} » — expected {e}, answered {a}" for q, e, a in r["wrong_examples"]),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
