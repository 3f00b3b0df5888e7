"""Runs every benchmark, then writes docs/BENCHMARKS.md from their results (`make bench`).

    .venv/bin/python bench/run_all.py            about an hour on 2 cores (seven trainings; the load
                                                 benchmark through the two-instance stack, 7 minutes)
    .venv/bin/python bench/run_all.py --quick    a smoke run: fewer calls, no training

Each benchmark is its own script and report (docs/bench/*.md); they run one after the other,
never beside each other, so that none measures another's load. Nothing here is a test.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402

STEPS = [
    # (script, arguments of a full run, arguments of a quick run)
    # Real visitor questions through the REST channel, against the baseline (issue 14).
    ("bench/faq_cv.py", [], ["--models", "sm"]),
    ("bench/faq_bench.py", [], ["--skip-training"]),
    ("bench/nlu_bench.py", [], ["--skip-cv"]),
    ("bench/serving_bench.py", [], ["--quick", "--skip-training"]),
    ("bench/scaling_bench.py", [], ["--quick", "--skip-training"]),
    # Its own stack (nginx, two Rasa and two action servers) and its own .venv-load for Locust.
    ("bench/load_bench.py", [], ["--quick"]),
]


def main(argv) -> None:
    quick = "--quick" in argv
    started = time.perf_counter()
    for script, full, short in STEPS:
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(ROOT / script), *(short if quick else full)], cwd=ROOT, check=True)
    summary = report.write()
    print(f"\n{summary}\n\n-> docs/BENCHMARKS.md ({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    main(sys.argv[1:])
