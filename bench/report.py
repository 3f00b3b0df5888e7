"""docs/BENCHMARKS.md from the results of the benchmarks (results/bench/*.json, and
docs/bench/load.json of the load benchmark): the figures
that matter, each with its machine and command, the targets, and links to the full reports.

    .venv/bin/python bench/report.py     (the last step of `make bench`)
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "bench"
OUT = ROOT / "docs" / "BENCHMARKS.md"
LARGEST = 35000


def load(name: str) -> Optional[Dict]:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def verdict(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def machine_of(result: Dict) -> str:
    machine = result.get("machine")
    if isinstance(machine, str):
        return machine
    parts = [f"{machine.get('nproc')} CPU(s)", machine.get("cpu_model") or machine.get("cpu"),
             f"{machine.get('ram_gib', machine.get('ram'))}" + (" GiB RAM" if "ram_gib" in machine else " RAM"),
             f"Python {machine.get('python')}"]
    return ", ".join(str(p) for p in parts if p)


def understanding(nlu: Dict) -> List[str]:
    held = nlu["heldout"]
    lines = [
        "## Understanding",
        "",
        f"Command: `.venv/bin/python bench/nlu_bench.py` ({nlu['date']}; {machine_of(nlu)}). "
        "Full report, per intent: [bench/nlu.md](bench/nlu.md); confusion matrix: "
        "[bench/nlu-confusion.png](bench/nlu-confusion.png).",
        "",
        f"Held-out file ({nlu['heldout_examples']} examples never trained on):",
        "",
        "| | accuracy | macro F1 |",
        "|---|---:|---:|",
        *(f"| {name} | {s['accuracy']:.3f} | {s['macro_f1']:.3f} |" for name, s in held.items()),
        "",
        f"The assistant beats the baseline (TF-IDF of character n-grams + logistic regression) by "
        f"**{nlu['margin_points']:+.1f} points** as the bot acts, {nlu['margin_classifier_points']:+.1f} classifier "
        f"against classifier; against the baseline with C tuned by cross-validation, "
        f"{nlu['margin_tuned_points']:+.1f} points classifier against classifier.",
        "",
    ]
    cv = nlu.get("cross_validation")
    if cv:
        lines += ["5-fold cross-validation on the training data (same folds for all):", "",
                  "| | accuracy | macro F1 |", "|---|---:|---:|",
                  *(f"| {name} | {s['accuracy']:.3f} | {s['macro_f1']:.3f} |" for name, s in cv.items()
                    if isinstance(s, dict)), ""]
    lines += ["Robustness (held-out file changed; accuracy):", "",
              "| variant | assistant (as the bot acts) | assistant (classifier) | baseline | baseline, tuned |",
              "|---|---:|---:|---:|---:|",
              *(f"| {name} | {v['assistant (as the bot acts)']:.3f} | {v['assistant (classifier)']:.3f} | "
                f"{v['baseline']:.3f} | {v['baseline, tuned']:.3f} |" for name, v in nlu["robustness"].items()), ""]
    return lines


def serving(result: Dict, before: Optional[Dict]) -> List[str]:
    load = result["load"]
    memory = result["memory"]
    peak = {k: max(load[level]["turn"].get("peak_rss_mib", {}).get(k, 0) for level in load)
            for k in ("rasa server", "action server")}
    lines = [
        "## Speed and memory of the servers",
        "",
        f"Command: `{result['command']}` ({result['date']}; {machine_of(result)}). Full report, with the "
        "conversation script, CPU per request and the profile: [bench/serving.md](bench/serving.md).",
        "",
        "| concurrent conversations | turn p50 / p95 ms | turns per s | NLU alone p50 / p95 ms | parses per s | p95 ratio |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for level, row in load.items():
        turn, parse = row["turn"], row["parse"]
        lines.append(f"| {level} | {turn['p50_ms']:.0f} / {turn['p95_ms']:.0f} | {turn['per_s']:.1f} | "
                     f"{parse['p50_ms']:.0f} / {parse['p95_ms']:.0f} | {parse['per_s']:.1f} | {row['ratio_p95']:.2f} |")
    training = result.get("training") or {}
    lines += [
        "",
        f"- Action server: p50 {result['action_server']['all']['p50_ms']} ms, p95 "
        f"{result['action_server']['all']['p95_ms']} ms per call; {result['action_calls']['per_turn']} calls per message.",
        f"- Resident memory: Rasa server {memory['idle_after_startup']['rasa server']['rss_mib']:.0f} MiB idle, "
        f"{peak['rasa server']:.0f} MiB at peak under load; action server "
        f"{memory['idle_after_startup']['action server']['rss_mib']:.0f} MiB idle, {peak['action server']:.0f} MiB at peak.",
        f"- Start-up: action server {result['startup_s']['action server']} s, Rasa server "
        f"{result['startup_s']['rasa server']} s (model loaded).",
        f"- Training (`rasa train --force`): {training['seconds']:.0f} s, peak memory {training['peak_rss_mib']:.0f} MiB."
        if training.get("seconds") else "- Training: not timed in this run (`--skip-training`).",
        "",
    ]
    if before:
        b30, a30 = before["load"]["30"], load["30"]
        b1, a1 = before["load"]["1"], load["1"]
        lines += [
            "Before and after the two caches of `bot/speedups.py` (the JSON-schema check of action responses, the event classes), "
            "same command: "
            f"turn p50 at 1 conversation {b1['turn']['p50_ms']:.0f} → {a1['turn']['p50_ms']:.0f} ms; at 30, "
            f"p95 {b30['turn']['p95_ms']:.0f} → {a30['turn']['p95_ms']:.0f} ms and "
            f"{b30['turn']['per_s']:.1f} → {a30['turn']['per_s']:.1f} turns per second; Rasa CPU per turn "
            f"{b30['turn']['cpu_ms_per_request']['rasa server']:.0f} → {a30['turn']['cpu_ms_per_request']['rasa server']:.0f} ms "
            f"(the report before: [bench/serving-before.md](bench/serving-before.md)).",
            "",
        ]
    return lines


def scaling(result: Dict) -> List[str]:
    sizes = result["sizes"]
    operations = ["search_name", "search_number", "get", "find_branch", "related_rncp"]
    present = [op for op in operations if op in sizes[0]["ops"]]
    lines = [
        "## Scaling with the work",
        "",
        f"Command: `{result['command']}` ({result['date']}; {machine_of(result)}). Full report and what was "
        "changed, before and after: [bench/scaling.md](bench/scaling.md); chart: "
        "[bench/scaling-catalog.png](bench/scaling-catalog.png).",
        "",
        "Catalog lookups, p95 in ms, as the catalog grows:",
        "",
        "| fiches | " + " | ".join(f"`{op}`" for op in present) + " |",
        "|---:|" + "---:|" * len(present),
        *(f"| {s['size']:,} | " + " | ".join(f"{s['ops'][op]['p95']:.3f}" for op in present) + " |" for s in sizes),
        "",
    ]
    knowledge = result["knowledge"]
    worst = max((call["p95"], f"{group}.{name}") for group, calls in knowledge.items() if isinstance(calls, dict)
                for name, call in calls.items() if isinstance(call, dict) and "p95" in call)
    lines += [f"Knowledge API: the slowest call has p95 {worst[0]:.3f} ms (`{worst[1]}`).", ""]
    training = result.get("training")
    if training and training.get("runs"):
        lines += ["NLU training time as the data grows (`rasa train nlu`):", "",
                  "| share of the data | examples | seconds | CPU seconds |", "|---:|---:|---:|---:|",
                  *(f"| {r['fraction']:.0%} | {r['examples']} | {r['seconds']:.0f} | {r['cpu_seconds']:.0f} |"
                    for r in training["runs"]), ""]
    return lines


def load_through_stack(result: Dict) -> List[str]:
    """From docs/bench/load.json (bench/load_bench.py, `make bench-load`; its --quick runs write elsewhere)."""
    levels = result["results"]
    names = sorted({name for r in levels.values() for name in r["instances"]})
    think = "–".join(f"{t:g}" for t in result["think_s"])
    lines = [
        "## Load through the two-instance stack",
        "",
        f"Command: `{result['command']}` (`make bench-load`; {result['date']}; {machine_of(result)}). Full report, "
        "with the scripts, the CPU of each part and what the logs say: [bench/load.md](bench/load.md).",
        "",
        f"nginx in front of {result['stack']['rasa']} Rasa servers and {result['stack']['actions']} action servers, "
        "PostgreSQL tracker store, Redis lock store (`scripts/stack.py`, on free ports). Locust visitors hold real "
        "conversations through the REST channel (signed conversation ids, four scripts, each answer checked for its "
        f"conversation id and its expected text), {think} s of think time between messages, each from its own "
        f"client address; {result['measure_s']} s measured per level.",
        "",
        "| visitors | messages per s | p50 / p95 ms | requests | HTTP errors | cross-talk or wrong answers | "
        + " / ".join(names) + " share |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for users, r in levels.items():
        shares = " / ".join(f"{r['instances'][n]['share']:.0%}" if n in r["instances"] else "0%" for n in names)
        users = f"{users} (disturbed: {', '.join(r['disturbed'])})" if r.get("disturbed") else users
        lines.append(f"| {users} | {r['messages_per_s']:.1f} | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} | {r['requests']} | "
                     f"{r['http_errors']} | {r['crosstalk'] + r['wrong_answers']} | {shares} |")
    return lines + [""]


def targets(nlu: Optional[Dict], serving_result: Optional[Dict], scaling_result: Optional[Dict]) -> List[str]:
    lines = ["## Targets", "", "| target | measured | |", "|---|---|---|"]
    if nlu:
        margin = nlu["margin_points"]
        lines.append(f"| the assistant beats the baseline on the held-out file | {margin:+.1f} points | {verdict(margin > 0)} |")
    if serving_result:
        ratio = serving_result["load"]["30"]["ratio_p95"]
        action = serving_result["action_server"]["all"]["p50_ms"]
        lines.append(f"| turn p95 at 30 conversations ≤ 1.5 × NLU-only p95 | {ratio:.2f} × | {verdict(ratio <= 1.5)} |")
        lines.append(f"| the action server adds under 5 ms per call at p50 | {action} ms | {verdict(action < 5)} |")
    if scaling_result:
        largest = max(scaling_result["sizes"], key=lambda s: s["size"])
        search = max(largest["ops"][op]["p95"] for op in ("search_name", "search_number", "get", "find_branch", "related_rncp")
                     if op in largest["ops"])
        knowledge = max(call["p95"] for calls in scaling_result["knowledge"].values() if isinstance(calls, dict)
                        for call in calls.values() if isinstance(call, dict) and "p95" in call)
        lines.append(f"| catalog search under 2 ms at p95 with {largest['size']:,} fiches | {search:.3f} ms (slowest lookup) | "
                     f"{verdict(search < 2)} |")
        lines.append(f"| knowledge API under 2 ms at p95 | {knowledge:.3f} ms (slowest call) | {verdict(knowledge < 2)} |")
    return lines + [""]


def cpu_sentence(result: Optional[Dict]) -> str:
    if not result:
        return "The serving benchmark has not run"
    turn, parse = (result["load"]["30"][kind]["cpu_ms_per_request"]["rasa server"] for kind in ("turn", "parse"))
    return (f"At 30 conversations a turn costs the Rasa server {turn:.1f} ms of CPU and a parse {parse:.1f} ms, "
            f"{turn / parse:.1f} times as much")


def real_questions(result: Dict) -> List[str]:
    """The figure that counts: does the reply answer real visitor questions never trained on?"""
    s = result["shares"]
    return [
        "## Real visitor questions",
        "",
        f"Command: `{result['command']}` ({result['machine']}). Full report, per topic and per kind of page: "
        "[bench/faq.md](bench/faq.md).",
        "",
        f"{result['test_questions']} questions copied from public French pages (URL kept), in the test part (split by "
        "source page, never trained on), each sent through the REST channel in a fresh conversation:",
        "",
        "| | right answer | clarifying question | no sure answer | wrong confident answer |",
        "|---|---:|---:|---:|---:|",
        f"| assistant | {s['right']:.1%} | {s['clarify']:.1%} | {s['abstain']:.1%} | {s['wrong']:.1%} |",
        f"| baseline (TF-IDF + logistic regression, same data, top-1) | {result['baseline_right']:.1%} | – | – | "
        f"{1 - result['baseline_right']:.1%} |",
        "",
        f"Clarifying questions offering the right entry among their two choices: "
        f"{result.get('clarify_with_right', 0):.1%} of the questions.",
        "",
        f"Targets: right ≥ 85 % ({verdict(s['right'] >= 0.85)}), wrong < 5 % ({verdict(s['wrong'] < 0.05)}), "
        f"≥ 10 points over the baseline ({verdict(result['margin_over_baseline'] >= 0.10)}: "
        f"{100 * result['margin_over_baseline']:+.1f}); full training "
        + (f"{result['training_seconds']:.0f} s, ≤ 300 s ({verdict(result['training_seconds'] <= 300)})."
           if result.get("training_seconds") else "not timed in this run."),
        "",
    ]


def write() -> str:
    nlu, serving_result, scaling_result = load("nlu"), load("serving"), load("scaling")
    load_file = ROOT / "docs" / "bench" / "load.json"  # kept in docs/, like serving-before.json
    load_result = json.loads(load_file.read_text()) if load_file.exists() else None
    faq_file = ROOT / "docs" / "bench" / "faq.json"
    faq_result = json.loads(faq_file.read_text()) if faq_file.exists() else None
    # The serving figures before bot/speedups.py: kept in docs/, since no later run can measure them again.
    before_file = ROOT / "docs" / "bench" / "serving-before.json"
    before = json.loads(before_file.read_text()) if before_file.exists() else None
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run_all.py`, then `bench/report.py` from `results/bench/*.json`). "
        "Every figure comes from one run on the machine named beside it; on a shared 2-core machine the "
        "latencies under load move by up to a factor of two between runs, the accuracies do not move. "
        "No test asserts any of them.",
        "",
        *targets(nlu, serving_result, scaling_result),
        *(real_questions(faq_result) if faq_result else
          ["Real visitor questions: not measured yet (`bench/faq_bench.py`).", ""]),
        *(understanding(nlu) if nlu else ["Understanding: not measured yet (`bench/nlu_bench.py`).", ""]),
        *(serving(serving_result, before) if serving_result else ["Serving: not measured yet.", ""]),
        *(scaling(scaling_result) if scaling_result else ["Scaling: not measured yet.", ""]),
        *(load_through_stack(load_result) if load_result else
          ["Load through the two-instance stack: not measured yet (`make bench-load`).", ""]),
        "## What stands in the way of the turn-latency target",
        "",
        "A turn is the NLU plus the dialogue: loading the tracker from the SQL store and replaying it, "
        "predicting the next action, one or two calls to the action server, validating their answers, saving "
        "the tracker. On one Sanic worker they all run on the same event loop, so under 30 concurrent "
        "conversations the latency is queueing, and the p95 ratio follows the CPU cost ratio of a turn to a "
        f"parse. {cpu_sentence(serving_result)} (the profile in "
        "[bench/serving.md](bench/serving.md)); each action call also sends the turn back to the end of the "
        "queue. Next steps, measured one by one: keep each conversation's tracker in memory between turns "
        "(write-through), SQLite in WAL mode for the embedded store, fewer action round trips in form turns. "
        "More Rasa instances behind the proxy (the deployment issue) raise turns per second but not this ratio.",
        "",
    ]
    OUT.write_text("\n".join(lines))
    return "\n".join(targets(nlu, serving_result, scaling_result))


if __name__ == "__main__":
    print(write())
