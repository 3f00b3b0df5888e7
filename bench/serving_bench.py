"""Serving benchmark of the real servers (Rasa server + action server), into docs/bench/serving.md.

    .venv/bin/python bench/serving_bench.py [--skip-training] [--quick] [--no-profile]
    .venv/bin/python bench/serving_bench.py --render results/bench/serving.json   (report only)

(from the repository root; the script puts the root on sys.path itself). A full run takes about
15 minutes with training, 10 without. `--quick` is a smoke run with a tenth of the turns: it writes
results/bench/serving-quick.{json,md} and leaves docs/bench/serving.md alone.

What it measures, with the servers of tests/servers.py (the model of `scripts/train.py`, the HTTP
API behind a token, the SQL tracker store in a temporary folder, the action server writing its
dossiers to a temporary SQLite file):

1. Start-up: Popen to the first healthy answer, for the action server and the Rasa server; and one
   full `rasa train --force` of the current config into a temporary folder (`--skip-training`).
2. Conversation turns through the REST channel at 1, 10 and 30 concurrent visitors. Each worker
   replays SCRIPT (questions, the four-step tour, two eligibility checks with their answers, a
   catalog lookup, branch browsing) in a loop; every pass through the script is a new conversation.
3. NLU alone: POST /model/parse with the same texts, same workers, same levels, same server.
   The ratio turn p95 / parse p95 says what the dialogue part adds on top of the NLU.
4. The action server alone: POST /webhook with trackers and the domain taken from the Rasa server,
   as Rasa would send them, about 1000 calls in a row; and, after the measurements, the exact number
   of action-server calls per message of the script (a second pair of servers, action server in
   --debug, which would slow the measured one).
5. Resident memory of both servers (VmRSS sampled every 100 ms under load, VmHWM), and their CPU
   time per request from /proc/<pid>/stat.
6. When turn p95 / parse p95 at 30 is above the target, a py-spy profile of the Rasa server (and of
   the action server) under an extra, unmeasured 30-visitor load; the report lists where the event
   loop's time goes. py-spy is in requirements/test.txt (`make install`); without it, no profile.

Nothing here asserts a time: the figures are written down next to their targets. The load
generator runs on the same machine as the servers (2 cores here), so it takes CPU from them, and
other jobs on the machine move the figures between runs.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, ContextManager, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.machine import git_state, loadavg, machine_facts  # noqa: E402
from tests import servers  # noqa: E402  (needs ROOT on sys.path)

SEED = 42
LEVELS = {1: 300, 10: 600, 30: 600}  # concurrent visitors -> measured requests at that level
QUICK_LEVELS = {1: 30, 10: 60, 30: 60}
ACTION_CALLS, QUICK_ACTION_CALLS = 1000, 100
RATIO_TARGET = 1.5  # turn p95 / parse p95 at 30 visitors
ACTION_P50_TARGET_MS = 5.0
MEMORY_SAMPLE_S = 0.1
PROFILE_SECONDS = 20
HTTP_TIMEOUT = 120  # seconds: a slow answer under load is a figure, not an error
RASA_SDK_VERSION = "3.6.2"  # the "version" Rasa puts in its action calls

# One visitor's conversation: (message, a piece of the expected reply). Button clicks are sent as
# their payloads, as the widget does. The expected piece is not a test: the number of replies
# without it is reported, to show that the load really went through the flows it claims to.
SCRIPT: List[Tuple[str, str]] = [
    ("Bonjour", "assistant CQP"),
    ("c'est quoi un CQP ?", "Source :"),
    ("Qui finance une VAE ?", "Source :"),
    ("Je veux obtenir un CQP", "Étape 1/4"),
    ("/next_step", "Étape 2/4"),
    ("c'est quoi le CPF ?", "Source :"),
    ("étape suivante", "Étape 3/4"),
    ("/next_step", "Étape 4/4"),
    ("Vérifier mon droit à la VAE", "enregistré au RNCP"),
    ('/inform{"registration": "rncp"}', "Combien de temps d'expérience"),
    ("un an et demi", "La VAE est possible"),
    ("CQP soudeur", "RNCP34172"),
    ("/check_cpf", "Quelle est votre situation"),
    ('/inform{"status": "salarie"}', "pendant votre temps de travail"),
    ("oui", "CPF"),
    ("quelles branches proposent des CQP ?", "branches professionnelles"),
    ('/browse_branches{"branch": "metallurgie"}', "(1 à 5 sur 72)"),
    ("voir plus", "(6 à 10 sur 72)"),
    ("qui compose le jury ?", "Source :"),
    ("/check_financing", "Quelle voie envisagez-vous"),
    ('/inform{"route": "formation"}', "financ"),
    ("merci beaucoup", ""),
]

# Trackers for the direct action-server calls: (custom action, the script turn after which Rasa
# runs it). The tracker is cut just before that action ran, as Rasa would send it.
ACTION_PAYLOADS = [
    ("action_answer", "Qui finance une VAE ?"),
    ("action_journey", "/next_step"),
    ("action_find_certification", "CQP soudeur"),
    ("action_decision", "un an et demi"),
]

# Functions whose inclusive share of the event loop's time says what a turn spends where, as py-spy
# names them with --function: "name (path:line of the def)". Matched on name and path. Indented
# rows are part of the row above. While a coroutine awaits (the action server's answer, say), the
# loop sits in uvloop's run_forever (C, so the leaf frame is Sanic's serve()) or in select() with
# plain asyncio: that time is the "waiting" row.
WAITING_LEAVES = ("serve (sanic/server/runners.py", "select (selectors.py")
PROFILE_PARTS = {
    "rasa server": [
        ("conversation turns (REST channel, `MessageProcessor.handle_message`)", "handle_message", "rasa/core/processor.py"),
        ("  NLU (`parse_message`)", "parse_message", "rasa/core/processor.py"),
        ("  tracker store: `retrieve`", "retrieve", "rasa/core/tracker_store.py"),
        ("  tracker store: `save_tracker`", "save_tracker", "rasa/core/processor.py"),
        ("    of which SQLite commits (`do_commit`)", "do_commit", "sqlalchemy/engine/default.py"),
        ("  next-action prediction (`_predict_next_with_tracker`)", "_predict_next_with_tracker", "rasa/core/processor.py"),
        ("  running actions (`_run_action`)", "_run_action", "rasa/core/processor.py"),
        ("    of which checking the action server's replies (`RemoteAction._validate_action_result`, jsonschema)",
         "_validate_action_result", "rasa/core/actions/action.py"),
        ("    of which sending the request (`EndpointConfig.request`, aiohttp)", "request", "rasa/utils/endpoints.py"),
        ("    of which the tracker as JSON for it (`current_state`)", "current_state", "rasa/shared/core/trackers.py"),
        ("  tracker replays (`past_states`, all callers)", "past_states", "rasa/shared/core/trackers.py"),
    ],
    "action server": [
        ("requests (`rasa_sdk` webhook)", "webhook", "rasa_sdk/endpoint.py"),
        ("  running the action (`ActionExecutor.run`)", "run", "rasa_sdk/executor.py"),
        ("  the catalog (knowledge/catalog)", "", "knowledge/catalog/"),
    ],
}


# ------------------------------------------------------------------------------------------
# The machine and its processes
# ------------------------------------------------------------------------------------------
def machine() -> Dict[str, Any]:
    return {
        **machine_facts(),
        "rasa": metadata.version("rasa"),
        "rasa_sdk": metadata.version("rasa-sdk"),
        "requests": metadata.version("requests"),
    }




def process_tree(pid: int) -> List[int]:
    """The process and its descendants (from /proc/<pid>/task/*/children), for RSS and CPU totals."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                pass
    return found


def status_kib(pid: int) -> Dict[str, int]:
    values = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(("VmRSS:", "VmHWM:")):
                key, value = line.split(":", 1)
                values[key] = int(value.split()[0])
    except OSError:
        pass
    return values


def memory(pid: int) -> Dict[str, Any]:
    """VmRSS and VmHWM in MiB, summed over the process tree (each child's own peak: an upper bound)."""
    tree = process_tree(pid)
    per = [status_kib(p) for p in tree]
    return {
        "processes": len(tree),
        "rss_mib": round(sum(s.get("VmRSS", 0) for s in per) / 1024, 1),
        "hwm_mib": round(sum(s.get("VmHWM", 0) for s in per) / 1024, 1),
    }


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process tree (all threads), from /proc/<pid>/stat."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for p in process_tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        except (OSError, IndexError):
            pass
    return total / tick


class MemorySampler:
    """Peak VmRSS of each watched process tree, sampled every 100 ms in a background thread."""

    def __init__(self, pids: Dict[str, int]):
        self.pids, self.peak = pids, {name: 0.0 for name in pids}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for name, pid in self.pids.items():
                self.peak[name] = max(self.peak[name], memory(pid)["rss_mib"])
            self.samples += 1
            self._stop.wait(MEMORY_SAMPLE_S)

    def __enter__(self) -> "MemorySampler":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


class CpuMeter:
    """CPU seconds used by the servers and by this process (the load generator) over a phase."""

    def __init__(self, pids: Dict[str, int]):
        self.pids = pids

    def __enter__(self) -> "CpuMeter":
        self.start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self.start_self, self.start_wall = sum(os.times()[:2]), time.monotonic()
        return self

    def __exit__(self, *exc) -> None:
        self.used = {name: cpu_seconds(pid) - self.start[name] for name, pid in self.pids.items()}
        self.used["load generator"] = sum(os.times()[:2]) - self.start_self
        self.wall = time.monotonic() - self.start_wall


@contextlib.contextmanager
def meters(*contexts) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for context in contexts:
            stack.enter_context(context)
        yield


# ------------------------------------------------------------------------------------------
# Statistics
# ------------------------------------------------------------------------------------------
def summary(latencies_s: Sequence[float], wall_s: float) -> Dict[str, Any]:
    ms = np.asarray(latencies_s) * 1000
    if not len(ms):
        return {"n": 0}
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {
        "n": int(len(ms)), "p50_ms": round(float(p50), 1), "p95_ms": round(float(p95), 1),
        "p99_ms": round(float(p99), 1), "max_ms": round(float(ms.max()), 1), "mean_ms": round(float(ms.mean()), 1),
        "per_s": round(len(ms) / wall_s, 1) if wall_s else None,
    }


# ------------------------------------------------------------------------------------------
# Load: workers replaying the script
# ------------------------------------------------------------------------------------------
@dataclass
class Turn:
    sender: str
    step: int  # index in SCRIPT
    measured: bool


def worker_plan(rng: random.Random, tag: str, worker: int, workers: int, per_worker: int) -> List[Turn]:
    """The turns of one worker: an offset of unmeasured turns, then `per_worker` measured ones.

    Workers start at staggered places in the script (worker w skips w/workers of it, unmeasured),
    so that at any time the visitors are at different stages of their conversations, as real
    traffic is; otherwise 30 workers doing 20 turns each would only ever measure the script's
    first, cheapest turns (short trackers). Every pass through the script is a new conversation
    (a new random sender id): a worker is a visitor coming back, not a 600-turn conversation,
    which no visitor has and which Rasa would replay whole at each turn.
    """
    offset = (worker * len(SCRIPT)) // workers
    plan: List[Turn] = []
    index, sender = 0, ""
    while len(plan) < offset + per_worker:
        step = index % len(SCRIPT)
        if step == 0:
            sender = f"bench-{tag}-{worker}-{rng.getrandbits(64):016x}"
        plan.append(Turn(sender, step, measured=index >= offset))
        index += 1
    return plan


@dataclass
class LevelResult:
    latencies: List[float] = field(default_factory=list)
    steps: List[int] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    unexpected: Counter = field(default_factory=Counter)  # script step -> replies without the expected piece
    wall: float = 0.0


class Load:
    """Runs the script against the REST channel ("turn") or /model/parse ("parse")."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def request(self, session: requests.Session, kind: str, turn: Turn) -> requests.Response:
        text = SCRIPT[turn.step][0]
        if kind == "turn":
            return session.post(f"{self.url}/webhooks/rest/webhook", json={"sender": turn.sender, "message": text},
                                timeout=HTTP_TIMEOUT)
        return session.post(f"{self.url}/model/parse", params={"token": self.token}, json={"text": text},
                            timeout=HTTP_TIMEOUT)

    def run(self, kind: str, plans: List[List[Turn]], stop: Optional[threading.Event] = None,
            around: Callable[[], ContextManager] = contextlib.nullcontext) -> LevelResult:
        """All workers play their unmeasured turns, meet at a barrier, then play the measured ones.

        `around()` is entered at the barrier and left after the last answer, so that memory and
        CPU meters cover the measured turns only. With `stop`, the workers end early when it is
        set (profiling).
        """
        result = LevelResult()
        lock = threading.Lock()
        barrier = threading.Barrier(len(plans) + 1)

        def play(session: requests.Session, turn: Turn) -> None:
            start = time.perf_counter()
            try:
                response = self.request(session, kind, turn)
                elapsed = time.perf_counter() - start
                response.raise_for_status()
                replies = response.json()
            except (requests.RequestException, ValueError) as error:
                with lock:
                    result.errors.append(f"{SCRIPT[turn.step][0]!r}: {error}")
                return
            if not turn.measured:
                return
            expected = SCRIPT[turn.step][1]
            missing = kind == "turn" and expected and expected not in "\n".join(r.get("text", "") for r in replies)
            with lock:
                result.latencies.append(elapsed)
                result.steps.append(turn.step)
                if missing:
                    result.unexpected[turn.step] += 1

        def worker(plan: List[Turn]) -> None:
            with requests.Session() as session:
                try:
                    for turn in (t for t in plan if not t.measured):
                        play(session, turn)
                finally:
                    barrier.wait()
                for turn in (t for t in plan if t.measured):
                    if stop is not None and stop.is_set():
                        return
                    play(session, turn)

        with ThreadPoolExecutor(max_workers=len(plans)) as pool:
            futures = [pool.submit(worker, plan) for plan in plans]
            barrier.wait()
            with around():
                start = time.monotonic()
                for future in futures:
                    future.result()
                result.wall = time.monotonic() - start
        return result


# ------------------------------------------------------------------------------------------
# The parts of the benchmark
# ------------------------------------------------------------------------------------------
def time_training(workdir: Path) -> Dict[str, Any]:
    """One full `rasa train --force` of the current config, into a temporary folder.

    Its own cache folder (RASA_CACHE_DIRECTORY) keeps the repository's .rasa/cache out of it;
    --force retrains every component anyway. PYTHONHASHSEED as in scripts/train.py.
    """
    out, log = workdir / "trained", workdir / "train.log"
    command = [str(ROOT / ".venv" / "bin" / "rasa"), "train", "--config", "config.yml", "--domain", "bot/domain.yml",
               "--data", "bot/data", "--out", str(out), "--fixed-model-name", "bench", "--force"]
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "PYTHONPATH": ".", "TF_CPP_MIN_LOG_LEVEL": "2",
           "PYTHONHASHSEED": "0", "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache")}
    print("Training (rasa train --force), about 5 minutes…", flush=True)
    start = time.monotonic()
    with log.open("w") as handle:
        code = subprocess.run(command, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT).returncode
    seconds = time.monotonic() - start
    model = out / "bench.tar.gz"
    return {
        "seconds": round(seconds, 1), "returncode": code,
        "command": " ".join(["RASA_TELEMETRY_ENABLED=false PYTHONPATH=. TF_CPP_MIN_LOG_LEVEL=2",
                             ".venv/bin/rasa", *command[1:-5], "--out", "<tmp>", "--fixed-model-name", "bench", "--force"]),
        # The largest child waited for so far: the training (before it, only `git` ran).
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "model_mib": round(model.stat().st_size / 2**20, 1) if model.exists() else None,
        "log_tail": None if code == 0 else log.read_text(errors="replace")[-2000:],
    }


def timed_start(start, *args) -> Tuple[Any, float]:
    began = time.monotonic()
    started = start(*args)
    return started, time.monotonic() - began


def fetch_tracker(url: str, token: str, sender: str) -> Dict[str, Any]:
    response = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=30)
    response.raise_for_status()
    return response.json()


def action_payloads(url: str, token: str, rng: random.Random) -> Tuple[List[Tuple[str, bytes]], Dict[str, Any]]:
    """Realistic action-server requests: one conversation through the script, trackers from the API.

    The tracker is fetched after the turn, then its events are cut just before the action ran,
    which is what Rasa sends (its slots are the end-of-turn ones: close enough for these actions).
    The body is encoded once here, so that the calls time the server, not the client's JSON.
    """
    sender = f"bench-payloads-{rng.getrandbits(64):016x}"
    domain = requests.get(f"{url}/domain", params={"token": token}, headers={"Accept": "application/json"}, timeout=30)
    domain.raise_for_status()
    wanted = {text: action for action, text in ACTION_PAYLOADS}
    payloads, sizes = [], {}
    with requests.Session() as session:
        for text, _ in SCRIPT:
            session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=HTTP_TIMEOUT)
            action = wanted.pop(text, None)
            if action is None:
                continue
            tracker = fetch_tracker(url, token, sender)
            ran = max(i for i, e in enumerate(tracker["events"]) if e.get("event") == "action" and e.get("name") == action)
            tracker["events"] = tracker["events"][:ran]
            body = json.dumps({"next_action": action, "sender_id": sender, "tracker": tracker,
                               "domain": domain.json(), "version": RASA_SDK_VERSION}).encode()
            payloads.append((action, body))
            sizes[action] = {"events": len(tracker["events"]), "body_kib": round(len(body) / 1024, 1)}
    return payloads, sizes


def bench_action_server(port: int, pid: int, payloads: List[Tuple[str, bytes]], calls: int) -> Dict[str, Any]:
    """Sequential POST /webhook calls, round-robin over the payloads, after 20 unmeasured ones.

    Each on a new connection, as Rasa 3.6 makes them (a new aiohttp session per call). Also the
    action server's CPU per call, to turn its CPU per conversation turn into a number of calls per
    turn (Rasa logs no count); and its replies, for `jsonschema_cost`.
    """
    url = f"http://127.0.0.1:{port}/webhook"
    headers = {"Content-Type": "application/json", "Connection": "close",
               "Authorization": f"Bearer {servers.ENV['CQP_ACTION_TOKEN']}"}  # bot/action_guard.py
    per_action: Dict[str, List[float]] = defaultdict(list)
    replies: Dict[str, Any] = {}
    errors, error_examples = 0, []
    with requests.Session() as session:
        def call(i: int) -> None:
            nonlocal errors
            action, body = payloads[i % len(payloads)]
            start = time.perf_counter()
            response = session.post(url, data=body, headers=headers, timeout=30)
            elapsed = time.perf_counter() - start
            if response.status_code != 200 or "events" not in response.json():
                errors += 1
                if len(error_examples) < 3:
                    error_examples.append(f"{action}: HTTP {response.status_code} {response.text[:300]}")
            elif i >= 0:
                per_action[action].append(elapsed)
                replies.setdefault(action, response.json())

        for i in range(-20, 0):
            call(i)
        with CpuMeter({"action server": pid}) as cpu:
            for i in range(calls):
                call(i)
    every = [x for values in per_action.values() for x in values]
    return {
        "all": summary(every, sum(every)), "per_action": {a: summary(v, sum(v)) for a, v in per_action.items()},
        "errors": errors, "error_examples": error_examples,
        "cpu_ms_per_call": round(1000 * cpu.used["action server"] / max(len(every), 1), 2),
        "latencies_ms": {a: [round(x * 1000, 2) for x in v] for a, v in per_action.items()}, "replies": replies,
    }


def jsonschema_cost(replies: Dict[str, Any], workdir: Path) -> Dict[str, Any]:
    """What Rasa's check of an action server reply costs, and what it would with a validator built once.

    In a child process (`--jsonschema-once`), since it imports Rasa (and TensorFlow with it).
    """
    path = workdir / "replies.json"
    path.write_text(json.dumps(list(replies.values())))
    done = subprocess.run([sys.executable, __file__, "--jsonschema-once", str(path)], cwd=ROOT, env=servers.ENV,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if done.returncode != 0:
        return {"error": f"exit code {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def jsonschema_once(path: str) -> None:
    import jsonschema
    from rasa.core.actions.action import RemoteAction

    replies = json.loads(Path(path).read_text())
    schema = RemoteAction.action_response_format_spec()
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)

    def per_call_ms(check, rounds: int) -> float:
        for reply in replies:  # warm-up
            check(reply)
        start = time.perf_counter()
        for _ in range(rounds):
            for reply in replies:
                check(reply)
        return round((time.perf_counter() - start) / (rounds * len(replies)) * 1000, 3)

    print(json.dumps({
        "jsonschema": metadata.version("jsonschema"), "validator": validator_class.__name__, "replies": len(replies),
        "validate_ms": per_call_ms(lambda r: jsonschema.validate(r, schema), 50),  # what Rasa 3.6 does
        "prebuilt_ms": per_call_ms(validator.validate, 500),
    }))


def count_action_calls(model: Path, workdir: Path, env: Dict[str, str], rng: random.Random) -> Dict[str, Any]:
    """Action-server calls per message of the script, counted exactly.

    Rasa logs no such count, and the action server logs its calls only at debug level, which would
    slow the measured one (and a form's `validate_<form>` and `action_ask_<slot>` calls are not
    tracker events). So, once the measurements are done, a second pair of servers with the action
    server in --debug replays the script once (about 30 s more).
    """
    workdir.mkdir(parents=True, exist_ok=True)
    port = servers.free_port()
    action = servers.Server("action server (--debug)",
                            [servers.RASA, "run", "actions", "--actions", "bot.actions", "--port", str(port), "--debug"],
                            f"http://127.0.0.1:{port}/health", workdir / "actions.log", env)
    rasa_server = None
    try:
        action.wait_ready()
        rasa_server, url, _ = servers.start_rasa_server(model, port, workdir)
        sender, per_step = f"bench-count-{rng.getrandbits(64):016x}", []

        def calls_so_far() -> int:  # the log line rasa_sdk's executor writes as each call starts
            return action.log.read_text(errors="replace").count("Received request to run")

        with requests.Session() as session:
            for text, _ in SCRIPT:
                before = calls_so_far()
                session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=HTTP_TIMEOUT).raise_for_status()
                per_step.append(calls_so_far() - before)
    finally:
        if rasa_server is not None:
            rasa_server.stop()
        action.stop()
    return {"per_step": per_step, "total": sum(per_step), "per_turn": round(sum(per_step) / len(SCRIPT), 2)}


def profile(pids: Dict[str, int], load: Load, rng: random.Random, workdir: Path, suffix: str) -> Dict[str, Any]:
    """py-spy records both servers for PROFILE_SECONDS under an unmeasured 30-visitor turn load.

    --idle and --threads: every sample of every thread is kept, so that the event loop's samples
    add up to its wall time (a blocking SQLite commit counts, where py-spy would otherwise drop it
    as idle); the analysis keeps the event loop's thread, the one that runs every request.
    """
    py_spy = ROOT / ".venv" / "bin" / "py-spy"
    if not py_spy.exists():
        return {"skipped": "py-spy is not installed (.venv/bin/pip install py-spy==0.4.3)"}
    workers = max(LEVELS)
    # Staggered like the measured levels, and long enough to outlast the recording.
    plans = [worker_plan(rng, "profile", w, workers, 3 * len(SCRIPT)) for w in range(workers)]
    stop, started, outputs, recorders = threading.Event(), threading.Event(), {}, {}

    @contextlib.contextmanager
    def signal_start() -> Iterator[None]:
        started.set()  # the workers have passed the barrier: sample the measured turns only
        yield

    thread = threading.Thread(target=lambda: load.run("turn", plans, stop=stop, around=signal_start), daemon=True)
    thread.start()
    started.wait()
    for name, pid in pids.items():
        outputs[name] = workdir / f"profile-{name.split()[0]}{suffix}.txt"
        recorders[name] = subprocess.Popen(
            [str(py_spy), "record", "--duration", str(PROFILE_SECONDS), "--rate", "100", "--function", "--idle",
             "--threads", "--format", "raw", "--output", str(outputs[name]), "--pid", str(pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    notes = {}
    for name, recorder in recorders.items():
        _, err = recorder.communicate(timeout=PROFILE_SECONDS + 120)
        if recorder.returncode != 0:
            notes[name] = err[-1000:]
    stop.set()
    thread.join()
    result: Dict[str, Any] = {"seconds": PROFILE_SECONDS, "rate_hz": 100, "errors": notes}
    for name, path in outputs.items():
        if path.exists():
            result[name] = analyse_profile(path.read_text(), PROFILE_PARTS[name])
            keep = ROOT / "results" / "bench" / path.name
            shutil.copy(path, keep)
            result[name]["raw_file"] = str(keep.relative_to(ROOT))
    return result


def short_frame(frame: str) -> str:
    """'handle_message (rasa/core/processor.py:152)', the site-packages prefix dropped."""
    name, _, where = frame.partition(" (")
    where = where[:-1] if where.endswith(")") else where
    for marker in ("site-packages/", "lib/python3.10/", str(ROOT) + "/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})" if where else name


def analyse_profile(raw: str, parts: Sequence[Tuple[str, str, str]]) -> Dict[str, Any]:
    """Shares of the event loop's wall time, from py-spy's raw output (one stack per line + count)."""
    stacks: Dict[str, List[Tuple[List[str], int]]] = defaultdict(list)
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = stack.split(";")
        thread = next((f for f in frames if f.startswith("thread ")), "?")
        stacks[thread].append(([short_frame(f) for f in frames if not f.startswith(("process ", "thread "))], int(count)))

    def serves(frames: List[str]) -> bool:
        return any(f.startswith("serve (sanic/") for f in frames)

    # The event loop: the thread whose stacks go through Sanic's serve().
    loop = max(stacks, key=lambda t: sum(n for frames, n in stacks[t] if serves(frames)))
    samples = stacks[loop]
    total = sum(n for _, n in samples)

    def has(frames: List[str], function: str, path: str) -> bool:
        return any(f.startswith(f"{function} (") and path in f if function else path in f for f in frames)

    def waiting(frames: List[str]) -> bool:
        return frames[-1].startswith(WAITING_LEAVES)

    shares = [{"part": label, "share": round(sum(n for frames, n in samples if has(frames, function, path)) / total, 3)}
              for label, function, path in parts]
    busy = [(frames, n) for frames, n in samples if not waiting(frames)]
    busy_total = sum(n for _, n in busy) or 1
    shares.append({"part": "waiting for sockets (idle, or awaiting another server)",
                   "share": round(1 - busy_total / total, 3)})
    inclusive: Counter = Counter()
    own: Counter = Counter()
    for frames, n in busy:
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    # Frames every busy sample goes through (the interpreter, Sanic's loop) say nothing: left out.
    everywhere = {f for f, n in inclusive.items() if n >= 0.99 * busy_total}
    return {
        "threads": len(stacks), "loop_samples": total, "busy_share": round(sum(n for _, n in busy) / total, 3),
        "parts": shares,
        "top_inclusive": [{"frame": f, "share_of_busy": round(n / busy_total, 3)}
                          for f, n in inclusive.most_common(60) if f not in everywhere][:30],
        "top_self": [{"frame": f, "share_of_busy": round(n / busy_total, 3)} for f, n in own.most_common(20)],
    }


# ------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skip-training", action="store_true", help="do not time a full `rasa train` (~5 minutes)")
    parser.add_argument("--quick", action="store_true", help="a tenth of the turns; writes results/bench/serving-quick.*")
    parser.add_argument("--no-profile", action="store_true", help="never run py-spy")
    parser.add_argument("--render", metavar="RESULTS_JSON", help="only rewrite the report from a results file")
    parser.add_argument("--jsonschema-once", metavar="REPLIES_JSON", help=argparse.SUPPRESS)  # see jsonschema_cost
    args = parser.parse_args()
    if args.jsonschema_once:
        jsonschema_once(args.jsonschema_once)
        return
    if args.render:
        out = json.loads(Path(args.render).read_text())
        quick = "--quick" in out["command"]
        path = ROOT / "results" / "bench" / "serving-quick.md" if quick else ROOT / "docs" / "bench" / "serving.md"
        path.write_text(report(out))
        print(f"Written: {path.relative_to(ROOT)}")
        return

    rng = random.Random(SEED)
    levels = QUICK_LEVELS if args.quick else LEVELS
    action_calls = QUICK_ACTION_CALLS if args.quick else ACTION_CALLS
    results_dir = ROOT / "results" / "bench"
    results_dir.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if args.quick else ""
    json_path = results_dir / f"serving{suffix}.json"
    report_path = results_dir / "serving-quick.md" if args.quick else ROOT / "docs" / "bench" / "serving.md"

    began = time.monotonic()
    out: Dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/serving_bench.py", *sys.argv[1:]]),
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine(), "loadavg_at_start": loadavg(),
        "levels": {str(k): v for k, v in levels.items()}, "script_turns": len(SCRIPT), "seed": SEED,
        "git": git_state(),
    }
    workdir = Path(tempfile.mkdtemp(prefix="serving-bench-"))
    try:
        out["training"] = {"skipped": True} if args.skip_training else time_training(workdir)
        model = servers.train_model()
        out["model"] = {"path": str(model.relative_to(ROOT)), "mib": round(model.stat().st_size / 2**20, 1)}

        # The shipped catalog, copied: the action server reopens its catalog when the file changes,
        # and a rebuild of knowledge/catalog/default.sqlite during the run must not make it do so.
        catalog = workdir / "catalog.sqlite"
        shutil.copy(servers.ENV["CQP_CATALOG"], catalog)
        env = {"CQP_DOSSIERS_URL": f"sqlite:///{workdir / 'dossiers.sqlite'}", "CQP_CATALOG": str(catalog)}
        (action_server, action_port), action_start = timed_start(servers.start_action_server, workdir, env)
        rasa_server = None
        try:
            (rasa_server, url, token), rasa_start = timed_start(servers.start_rasa_server, model, action_port, workdir)
            # tests/servers.py polls every 0.5 s: the start-up times are that coarse.
            out["startup_s"] = {"action server": round(action_start, 1), "rasa server": round(rasa_start, 1)}
            pids = {"rasa server": rasa_server.process.pid, "action server": action_server.process.pid}
            out["memory"] = {"idle_after_startup": {name: memory(pid) for name, pid in pids.items()}}
            print(f"Servers up: action server {action_start:.1f} s, Rasa {rasa_start:.1f} s", flush=True)
            run_benchmark(out, url, token, action_port, pids, levels, action_calls, rng, workdir, args)
        finally:
            if rasa_server is not None:
                rasa_server.stop()
            action_server.stop()
        print("Counting the action-server calls per message (a second pair of servers)…", flush=True)
        try:
            out["action_calls"] = count_action_calls(model, workdir / "count", env, rng)
        except (RuntimeError, requests.RequestException) as error:  # the figures above stand without it
            out["action_calls"] = {"error": str(error)[-500:]}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out["total_minutes"] = round((time.monotonic() - began) / 60, 1)
    json_path.write_text(json.dumps(out, indent=1, ensure_ascii=False))
    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(report(out))
    print_summary(out, json_path, report_path)


def run_benchmark(out: Dict[str, Any], url: str, token: str, action_port: int, pids: Dict[str, int],
                  levels: Dict[int, int], action_calls: int, rng: random.Random, workdir: Path, args) -> None:
    load = Load(url, token)
    # Warm-up: two whole conversations, so that first-call costs (lazy imports, TF graph tracing,
    # SQLite schema, the action server's first catalog queries) fall outside every level.
    load.run("turn", [worker_plan(rng, "warmup", 0, 1, len(SCRIPT) * 2)])
    load.run("parse", [worker_plan(rng, "warmup", 0, 1, len(SCRIPT))])
    out["memory"]["after_warmup"] = {name: memory(pid) for name, pid in pids.items()}

    out["load"], out["raw_latencies_ms"] = {}, {}
    for level, requests_at_level in levels.items():
        per_worker = requests_at_level // level
        for kind in ("turn", "parse"):
            plans = [worker_plan(rng, f"{kind}{level}", w, level, per_worker) for w in range(level)]
            print(f"{kind:5} × {level:2} visitors: {per_worker * level} requests…", flush=True)
            load_before = loadavg()
            sampler, cpu = MemorySampler(pids), CpuMeter(pids)
            result = load.run(kind, plans, around=lambda: meters(sampler, cpu))
            n = len(result.latencies)
            entry = {
                **summary(result.latencies, result.wall), "wall_s": round(result.wall, 1),
                "errors": len(result.errors), "error_examples": result.errors[:5],
                "unexpected_replies": {SCRIPT[s][0]: c for s, c in sorted(result.unexpected.items())},
                "peak_rss_mib": sampler.peak, "rss_samples": sampler.samples,
                "hwm_after_mib": {name: memory(pid)["hwm_mib"] for name, pid in pids.items()},
                "cpu_ms_per_request": {name: round(1000 * s / n, 1) if n else None for name, s in cpu.used.items()},
                "cpu_busy_share": round(sum(cpu.used.values()) / (cpu.wall * len(os.sched_getaffinity(0))), 2),
                "loadavg_before": load_before, "loadavg_after": loadavg(),
            }
            # Latency by script step: which turns cost what (trackers grow along the script, forms call
            # the action server more), alone and under load.
            by_step: Dict[int, List[float]] = defaultdict(list)
            for step, latency in zip(result.steps, result.latencies):
                by_step[step].append(latency)
            entry["p50_by_step_ms"] = {str(s): round(float(np.median(v)) * 1000, 1) for s, v in sorted(by_step.items())}
            out["load"].setdefault(str(level), {})[kind] = entry
            out["raw_latencies_ms"][f"{kind}@{level}"] = [round(x * 1000, 2) for x in result.latencies]
        level_entry = out["load"][str(level)]
        level_entry["ratio_p95"] = round(level_entry["turn"]["p95_ms"] / level_entry["parse"]["p95_ms"], 2)
        level_entry["ratio_p50"] = round(level_entry["turn"]["p50_ms"] / level_entry["parse"]["p50_ms"], 2)

    print("Action server alone…", flush=True)
    payloads, sizes = action_payloads(url, token, rng)
    action = bench_action_server(action_port, pids["action server"], payloads, action_calls)
    out["raw_latencies_ms"]["action_server"] = action.pop("latencies_ms")
    replies = action.pop("replies")
    out["action_server"] = {**action, "payloads": sizes}
    out["jsonschema"] = jsonschema_cost(replies, workdir)
    out["memory"]["end"] = {name: memory(pid) for name, pid in pids.items()}

    ratio_30 = out["load"][str(max(levels))]["ratio_p95"]
    if args.no_profile:
        out["profile"] = {"skipped": "--no-profile"}
    elif ratio_30 <= RATIO_TARGET:
        out["profile"] = {"skipped": f"turn/parse p95 at {max(levels)} is {ratio_30}, within the target"}
    else:
        print(f"Profiling the servers for {PROFILE_SECONDS} s under {max(LEVELS)} visitors…", flush=True)
        out["profile"] = profile(pids, load, rng, workdir, "-quick" if args.quick else "")


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------
def met(ok: bool) -> str:
    return "**met**" if ok else "**not met**"


def report(out: Dict[str, Any]) -> str:
    m, levels = out["machine"], out["load"]
    top = str(max(int(k) for k in levels))
    action = out["action_server"]
    lines = [
        "# Serving benchmark: conversation turns, NLU alone, action server, memory, start-up",
        "",
        f"Command: `{out['command']}` (from the repository root; this run took {out['total_minutes']} min). "
        f"Figures from one run on {out['date']}. They move between runs, the percentiles under load by up to a "
        f"factor of two: the machine has {m['nproc']} cores, shared by the Rasa server, the action server, the load "
        "generator (this script, same machine) and whatever else runs (load average at start: "
        f"{out['loadavg_at_start']}; before each level in the tables). Read them as orders of magnitude; the CPU "
        "per request is the steadier figure. No test asserts any time.",
        "",
        f"Machine: {m['nproc']} CPU(s) (`nproc`), {m['cpu_model']}, {m['ram_gib']} GiB RAM, {m['kernel']}; "
        f"Python {m['python']}, Rasa {m['rasa']}, rasa-sdk {m['rasa_sdk']}, requests {m['requests']}. "
        f"Model: `{out['model']['path']}` ({out['model']['mib']} MiB). Commit {out['git']['commit']}"
        + (f", with uncommitted changes to {', '.join(f'`{f}`' for f in out['git']['modified'])}."
           if out["git"]["modified"] else ", clean working tree."),
        "",
        "## Targets",
        "",
    ]
    ratio = levels[top]["ratio_p95"]
    lines += [
        f"- Turn p95 / parse p95 at {top} concurrent conversations ≤ {RATIO_TARGET}: {met(ratio <= RATIO_TARGET)} — {ratio} "
        f"(turn p95 {levels[top]['turn']['p95_ms']} ms, parse p95 {levels[top]['parse']['p95_ms']} ms).",
        f"- Action server p50 per call < {ACTION_P50_TARGET_MS:g} ms: "
        f"{met(action['all']['p50_ms'] < ACTION_P50_TARGET_MS)} — "
        f"{action['all']['p50_ms']} ms over {action['all']['n']} calls.",
        "",
        "## What was measured",
        "",
        "The servers of `tests/servers.py`: `start_action_server` (dossiers in a temporary SQLite file through "
        "`CQP_DOSSIERS_URL`; `CQP_CATALOG` on a copy of the shipped catalog taken at start, so that a rebuild of "
        "`knowledge/catalog/default.sqlite` during the run does not make the action server reopen it) and "
        "`start_rasa_server` (the model of `scripts/train.py`, the SQL tracker store `ErasableSQLTrackerStore` on "
        "SQLite in a temporary folder, the HTTP API behind a token, one Sanic worker). "
        "The load generator is a thread pool in this script, one `requests.Session` per worker.",
        "",
        f"**Turns**: `POST /webhooks/rest/webhook`. Each worker is a visitor replaying a scripted conversation of "
        f"{out['script_turns']} messages in a loop (below); every pass through it is a new conversation with a new "
        "random sender id (`random.Random(42)`). Workers start at staggered places in the script (worker *w* first "
        "plays *w/N* of it, unmeasured), so that the visitors are at different stages of their conversations, and all "
        "wait at a barrier before the measured turns. Two whole conversations warm the servers up before the first level. "
        "Each request's latency is the client's (`time.perf_counter` around the call, response read). "
        "**Parse**: `POST /model/parse` with the same texts, the same workers and plans, on the same server, right after "
        "the turns of that level. Requests per level: "
        + ", ".join(f"{n} at {lv} visitor(s)" for lv, n in out["levels"].items()) + ". "
        "Messages per second = measured requests / wall time from the barrier to the last answer.",
        "",
        "The script: " + "; ".join(f"« {text} »" for text, _ in SCRIPT) + ". "
        "Button clicks are sent as their payloads, as the widget does. Each reply is checked for a piece of the "
        "expected text (not a test: the count is reported, to show the load went through the flows it claims to).",
        "",
        "## Start-up and training",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| action server: Popen to first healthy `/health` | {out['startup_s']['action server']} s |",
        f"| Rasa server: Popen to first healthy `/` (model loaded) | {out['startup_s']['rasa server']} s |",
    ]
    training = out["training"]
    if training.get("skipped"):
        lines.append("| full training (`rasa train --force`) | not run (`--skip-training`) |")
    else:
        state = "" if training["returncode"] == 0 else f" — **failed**, exit code {training['returncode']}"
        lines.append(f"| full training (`rasa train --force`) | {training['seconds']} s "
                     f"({training['seconds'] / 60:.1f} min){state} |")
        lines.append(f"| peak RSS of the training process | {training['peak_rss_mib']} MiB |")
    lines += [
        "",
        "Start-up times are as coarse as `tests/servers.py`'s health polling, every 0.5 s. "
        + ("" if training.get("skipped") else
           f"Training: `{training['command']}`, with its own empty cache folder (`RASA_CACHE_DIRECTORY`); "
           "`--force` retrains every component."),
        "",
        "## Latency of a conversation turn and of the NLU alone",
        "",
        "| visitors | request | n | p50 ms | p95 ms | p99 ms | max ms | per second | errors | load avg before → after |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for level, entry in levels.items():
        for kind in ("turn", "parse"):
            s = entry[kind]
            lines.append(f"| {level} | {kind} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | {s['p99_ms']} | {s['max_ms']} | "
                         f"{s['per_s']} | {s['errors']} | "
                         f"{s['loadavg_before'].split()[0]} → {s['loadavg_after'].split()[0]} |")
    lines += [
        "",
        "| visitors | turn p95 / parse p95 | turn p50 / parse p50 | target (at 30) |",
        "|---:|---:|---:|---|",
    ]
    for level, entry in levels.items():
        target = f"≤ {RATIO_TARGET}: {met(entry['ratio_p95'] <= RATIO_TARGET)}" if level == top else ""
        lines.append(f"| {level} | {entry['ratio_p95']} | {entry['ratio_p50']} | {target} |")
    unexpected = {f"{lv}": e["turn"]["unexpected_replies"] for lv, e in levels.items() if e["turn"]["unexpected_replies"]}
    lines += [
        "",
        "Replies without the expected piece of text: "
        + ("none." if not unexpected else "; ".join(f"at {lv}: {v}" for lv, v in unexpected.items()) + "."),
        "",
        "**CPU per request** (user + system time from `/proc/<pid>/stat` over the level, divided by the requests; "
        "the load generator is this script):",
        "",
        "| visitors | request | Rasa server ms | action server ms | load generator ms | "
        "share of the cores these three used |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for level, entry in levels.items():
        for kind in ("turn", "parse"):
            c = entry[kind]["cpu_ms_per_request"]
            lines.append(f"| {level} | {kind} | {c['rasa server']} | {c['action server']} | {c['load generator']} | "
                         f"{entry[kind]['cpu_busy_share']:.0%} |")
    level1 = levels.get("1")
    if level1 and "p50_by_step_ms" in level1["turn"]:
        lines += [
            "",
            "**Latency along the script** (p50 per message, one visitor and under the heaviest load; the tracker "
            "grows along the conversation, and the form turns call the action server more than once):",
            "",
            f"| # | message | action-server calls | turn p50 ms, 1 visitor | parse p50 ms, 1 visitor | "
            f"turn p50 ms, {top} visitors | parse p50 ms, {top} visitors |",
            "|---:|---|---:|---:|---:|---:|---:|",
        ]
        counted = out.get("action_calls", {}).get("per_step", [])
        parse_steps = level1["parse"].get("p50_by_step_ms", {})
        loaded = {kind: levels[top][kind].get("p50_by_step_ms", {}) for kind in ("turn", "parse")}
        for step, value in level1["turn"]["p50_by_step_ms"].items():
            calls = counted[int(step)] if int(step) < len(counted) else ""
            lines.append(f"| {int(step) + 1} | `{SCRIPT[int(step)][0]}` | {calls} | {value} | {parse_steps.get(step, '')} | "
                         f"{loaded['turn'].get(step, '')} | {loaded['parse'].get(step, '')} |")
    turn1 = levels["1"]["turn"] if "1" in levels else None
    lines += [
        "",
        "## The action server alone",
        "",
        f"`POST /webhook` straight to the action server, {action['all']['n']} calls in a row (after 20 unmeasured), "
        "each on a new connection as Rasa 3.6 makes them, "
        "round-robin over four requests built as Rasa builds them: the tracker from "
        "`GET /conversations/<id>/tracker` (events cut just before the action ran), the domain from `GET /domain` "
        f"(JSON), `version` {RASA_SDK_VERSION}. Bodies encoded once, so the client's JSON is not timed. "
        f"Errors: {action['errors']}"
        + (f" ({'; '.join(action['error_examples'])})." if action.get("error_examples") else "."),
        "",
        "| action | tracker events | body KiB | n | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, s in action["per_action"].items():
        size = action["payloads"][name]
        lines.append(f"| `{name}` | {size['events']} | {size['body_kib']} | {s['n']} | {s['p50_ms']} | {s['p95_ms']} | "
                     f"{s['p99_ms']} | {s['max_ms']} |")
    a = action["all"]
    lines.append(f"| **all** | | | {a['n']} | {a['p50_ms']} | {a['p95_ms']} | {a['p99_ms']} | {a['max_ms']} |")
    if turn1:
        cpu, calls = turn1["cpu_ms_per_request"]["action server"], calls_per_turn(out)
        lines += ["", f"Its share of a turn, one visitor: the action server used {cpu} ms of CPU per turn, "
                  f"{cpu / turn1['mean_ms']:.0%} of the mean turn ({turn1['mean_ms']} ms)."]
        if calls:
            counted = out["action_calls"]
            lines[-1] += (
                f" The script makes {counted['total']} action-server calls in {len(SCRIPT)} messages, {calls} per message "
                "(counted once the measurements were done, on a second pair of servers whose action server logs each "
                "call with `--debug`; the form turns make two: `validate_<form>`, then `action_ask_<slot>` or the "
                f"decision). At the direct p50 of {a['p50_ms']} ms a call, that is about {calls * a['p50_ms']:.1f} ms of a "
                f"turn, {calls * a['p50_ms'] / turn1['p50_ms']:.0%} of the turn p50 ({turn1['p50_ms']} ms). In the "
                f"conversations a call cost it {cpu / calls:.1f} ms of CPU, against {action['cpu_ms_per_call']} ms for the "
                "four requests above (later turns carry longer trackers). What each call costs on the Rasa side "
                "is another matter: see the profile below.")
    mem = out["memory"]
    lines += [
        "",
        "## Memory",
        "",
        "Resident memory from `/proc/<pid>/status`, summed over each server's process tree "
        f"(Rasa server: {mem['idle_after_startup']['rasa server']['processes']} process(es), action server: "
        f"{mem['idle_after_startup']['action server']['processes']}). Peak VmRSS sampled every "
        f"{int(MEMORY_SAMPLE_S * 1000)} ms during each level; VmHWM is the process's high-water mark since it started.",
        "",
        "| moment | Rasa VmRSS MiB | Rasa VmHWM MiB | action VmRSS MiB | action VmHWM MiB |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, key in (("idle after start-up", "idle_after_startup"), ("after the warm-up", "after_warmup"),
                       ("end of the run", "end")):
        r, s = mem[key]["rasa server"], mem[key]["action server"]
        lines.append(f"| {label} | {r['rss_mib']} | {r['hwm_mib']} | {s['rss_mib']} | {s['hwm_mib']} |")
    lines += ["", "| level | Rasa peak VmRSS MiB | action peak VmRSS MiB | Rasa VmHWM after | samples |",
              "|---|---:|---:|---:|---:|"]
    for level, entry in levels.items():
        for kind in ("turn", "parse"):
            e = entry[kind]
            lines.append(f"| {kind} × {level} | {e['peak_rss_mib']['rasa server']} | {e['peak_rss_mib']['action server']} | "
                         f"{e['hwm_after_mib']['rasa server']} | {e['rss_samples']} |")
    lines += profile_section(out)
    lines += findings(out)
    return "\n".join(lines) + "\n"


def profile_section(out: Dict[str, Any]) -> List[str]:
    prof = out.get("profile", {})
    lines = ["", "## Profile", ""]
    if prof.get("skipped"):
        return lines + [f"Not run: {prof['skipped']}."]
    lines.append(
        f"py-spy 0.4.3, `py-spy record --duration {prof['seconds']} --rate {prof['rate_hz']} --function --idle --threads "
        "--format raw --pid <pid>` on both servers at once, under an extra 30-visitor turn load that is not part of "
        "the figures above (sampling pauses the servers a little). Both servers run every request on one thread, "
        "Sanic's event loop; the shares below are of that thread's samples, that is of its wall time, waiting "
        "included (`--idle`, so that a blocking SQLite commit counts). Rows overlap: a function counts for all it "
        "calls. TensorFlow's own threads are not Python threads: their time shows as the Python frame waiting "
        "for them. Raw files: "
        + ", ".join(f"`{prof[n]['raw_file']}`" for n in ("rasa server", "action server") if n in prof) + ".")
    for name in ("rasa server", "action server"):
        if name not in prof:
            continue
        data = prof[name]
        lines += ["", f"### {name.capitalize()}: {data['loop_samples']} samples of the event loop, busy "
                  f"{data['busy_share']:.0%} of the time", ""]
        lines += ["| part (inclusive) | share of the loop's time |", "|---|---:|"]
        lines += [f"| {p['part'].replace('  ', '&nbsp;&nbsp;&nbsp;')} | {p['share']:.0%} |" for p in data["parts"]]
        lines += ["", "Top functions while busy, inclusive (frames every busy sample goes through left out):", "",
                  "| function (file:line of its def) | share of busy time |", "|---|---:|"]
        lines += [f"| `{f['frame']}` | {f['share_of_busy']:.0%} |" for f in data["top_inclusive"][:20]]
        lines += ["", "Top functions while busy, self (the leaf frame):", "",
                  "| function (file:line of its def) | share of busy time |", "|---|---:|"]
        lines += [f"| `{f['frame']}` | {f['share_of_busy']:.0%} |" for f in data["top_self"][:12]]
    if prof.get("errors"):
        lines += ["", f"py-spy errors: {prof['errors']}"]
    return lines


def calls_per_turn(out: Dict[str, Any]) -> Optional[float]:
    counted = out.get("action_calls", {})
    return counted.get("per_turn")


def turn_p50_by_calls(out: Dict[str, Any], level: str) -> Dict[int, float]:
    """Median of the script steps' turn p50 at a level, by the steps' number of action-server calls."""
    counted = out.get("action_calls", {}).get("per_step", [])
    steps = out["load"][level]["turn"].get("p50_by_step_ms", {})
    groups: Dict[int, List[float]] = defaultdict(list)
    for step, ms in steps.items():
        if int(step) < len(counted):
            groups[counted[int(step)]].append(ms)
    return {n: float(np.median(v)) for n, v in sorted(groups.items())}


def findings(out: Dict[str, Any]) -> List[str]:
    """The reading of this run's figures, and fixes to try (not made: this script changes nothing)."""
    levels, prof = out["load"], out.get("profile", {})
    top = str(max(int(k) for k in levels))
    turn, parse = levels[top]["turn"], levels[top]["parse"]
    turn_cpu, parse_cpu = turn["cpu_ms_per_request"]["rasa server"], parse["cpu_ms_per_request"]["rasa server"]
    lines = ["", "## Reading and suggested fixes", ""]
    rasa = prof.get("rasa server")
    busy = f" (its event loop was busy {rasa['busy_share']:.0%} of the time under {top} visitors)" if rasa else ""
    loop_turn, loop_parse = 1000 / turn["per_s"], 1000 / parse["per_s"]
    contention = ""
    if loop_turn > 1.25 * turn_cpu or loop_parse > 1.25 * parse_cpu:
        contention = ("; the rest of the loop's time it waited for a core (load average "
                      f"{turn['loadavg_before'].split()[0]} before the turns: other jobs) or for the disk")
    by_calls = turn_p50_by_calls(out, top)
    spread = ""
    if by_calls:
        spread = (f" At {top} visitors the turn p50 is " + ", ".join(
            f"{ms / 1000:.1f} s with {n} call{'s' if n != 1 else ''}" for n, ms in by_calls.items())
            + f" (table above), against {parse['p50_ms'] / 1000:.1f} s for a parse.")
    lines.append(
        f"- **Why the ratio is what it is.** The Rasa server runs every request on one thread{busy}, so more visitors "
        "only queue: " + ", ".join(f"{levels[lv]['turn']['per_s']}" for lv in levels) + " turns/s at "
        + ", ".join(levels) + " visitors. With N visitors each waiting for its answer, the mean latency is about N × "
        f"the loop's time per request (Little's law): at {top}, a turn every {loop_turn:.0f} ms and a parse every "
        f"{loop_parse:.0f} ms give {int(top) * loop_turn / 1000:.2f} s and {int(top) * loop_parse / 1000:.2f} s, for "
        f"measured means of {turn['mean_ms'] / 1000:.2f} s and {parse['mean_ms'] / 1000:.2f} s. That time is mostly "
        f"the Rasa server's CPU, {turn_cpu} ms per turn and {parse_cpu} ms per parse ({turn_cpu / parse_cpu:.1f}×)"
        f"{contention}. The p95 ratio comes out higher ({levels[top]['ratio_p95']}) because turns differ: each "
        "action-server call is an await, after which the turn waits in the queue again, behind every other "
        f"visitor's work.{spread} A ratio ≤ {RATIO_TARGET} needs a turn to cost at most {RATIO_TARGET} parses: the "
        f"dialogue part (tracker store, policies, actions) at most about {parse_cpu / 2:.0f} ms; it costs about "
        f"{turn_cpu - parse_cpu:.0f} ms, and the form turns queue three times.")
    if not rasa:
        return lines + ["- No profile in this run: the cost of the dialogue part is not broken down."]
    share = {p["part"].strip(): p["share"] for p in rasa["parts"]}

    def part(prefix: str) -> float:
        return next((v for k, v in share.items() if k.startswith(prefix)), 0.0)

    js, calls = out.get("jsonschema", {}), calls_per_turn(out)
    checks, commits, retrieve = part("of which checking"), part("of which SQLite"), part("tracker store: `retrieve`")
    saved = checks * (1 - js["prebuilt_ms"] / js["validate_ms"]) if "validate_ms" in js else checks
    if checks >= 0.05:
        cost = ""
        if "validate_ms" in js:
            cost = (f" Measured apart on this run's replies (jsonschema {js['jsonschema']}, {js['validator']}): "
                    f"{js['validate_ms']} ms per check as Rasa makes it, {js['prebuilt_ms']} ms with a validator built once"
                    + (f"; at {calls} calls per message, about {calls * js['validate_ms']:.0f} ms of each turn." if calls
                       else "."))
        lines.append(
            f"- **Biggest cost: checking each action-server reply, {checks:.0%} of the loop.** "
            "`RemoteAction._validate_action_result` calls `jsonschema.validate(result, schema)`, which first checks "
            "the *schema itself* against the draft 2020-12 metaschema on every call (the `check_schema`, `$dynamicRef` "
            f"and `urllib.parse` frames above).{cost} Fix: build the validator once, "
            "`Draft202012Validator(RemoteAction.action_response_format_spec())`, and use it in a replacement of "
            "`_validate_action_result` that keeps Rasa's error message, patched in at import time by a module the "
            "Rasa server already loads (`bot/stores/erasable.py` or `bot/channels/widget.py`), with a test that an "
            "invalid reply is still refused.")
    if commits >= 0.02:
        lines.append(
            f"- **SQLite commits block the loop: {commits:.0%}** (inside `save_tracker`, "
            f"{part('tracker store: `save_tracker`'):.0%} in all). Each turn commits its events; with SQLite's "
            "default rollback journal and `synchronous=FULL`, each commit waits for the disk (fsync), with every "
            "other conversation waiting too. Fix for SQLite: `PRAGMA journal_mode=WAL` and `synchronous=NORMAL` "
            "on the tracker database, set in a SQLAlchemy `connect` event by `ErasableSQLTrackerStore`. With "
            "PostgreSQL in production the same synchronous call waits for a network round trip instead: worth "
            "measuring there.")
    if retrieve + part("next-action prediction") >= 0.05:
        steps = levels.get("1", {}).get("turn", {}).get("p50_by_step_ms", {})
        growth = ""
        if steps:
            values = list(steps.values())
            growth = (f" It is also why turns get slower along the conversation, one visitor: {values[0]} ms for the "
                      f"first message, up to {max(values)} ms (the form turns also make two calls).")
        lines.append(
            f"- **Rebuilding and replaying the whole tracker at every message: {retrieve:.0%} to load it** (all the "
            f"conversation's events from SQL, deserialised and applied), **{part('next-action prediction'):.0%} to "
            "predict the next actions** (the rule and memoization policies turn the tracker into states, "
            f"`past_states` {part('tracker replays'):.0%}).{growth} Fix to try: keep the last tracker of each "
            "conversation in memory in the tracker store (write-through; safe with one Rasa process, since the lock "
            "store already serialises a conversation), so that only the new events are read and written.")
    if part("of which sending") >= 0.02:
        lines.append(
            f"- **A new HTTP connection per action call: {part('of which sending'):.0%}.** Rasa 3.6's "
            "`EndpointConfig.request` opens a new aiohttp `ClientSession` (and TCP connection) for every call. "
            "Minor; a shared session would need a patch of Rasa.")
    by_calls = turn_p50_by_calls(out, top)
    if len(by_calls) > 1:
        calls_sorted = sorted(by_calls)
        step_cost = (by_calls[calls_sorted[-1]] - by_calls[calls_sorted[0]]) / (calls_sorted[-1] - calls_sorted[0])
        lines.append(
            f"- **Fewer action-server round trips per turn.** Under load each call sends the turn back to the end of "
            f"the queue: about {step_cost / 1000:.1f} s more per call at {top} visitors here. That does not change the "
            "mean (set by the CPU per turn, above), but it spreads the turns, and the p95 is a two-call form turn: "
            "`validate_<form>`, then `action_ask_<slot>` or the decision. The questions that do not depend on the "
            "conversation (all but the registration's, which offers the fiches found) could be domain responses "
            "(`utter_ask_<slot>`), which Rasa sends without a call; but the texts live in knowledge/, so they would "
            "have to be generated into the domain, a trade-off for the maintainers. Each call removed also "
            "removes its cost on the Rasa side.")
    nlu = part("NLU")
    known = nlu + retrieve + part("tracker store: `save_tracker`") + part("next-action prediction") + part("running actions")
    other = max(part("conversation turns") - known, 0.0)
    after_js, after_all = 1 - saved, 1 - saved - commits - retrieve
    lines.append(
        f"- **What the fixes would give, roughly** (the profile's shares applied to the {turn_cpu} ms of CPU a turn "
        f"cost at {top} visitors; shares are of wall time, so this is an estimate): the validator built once, about "
        f"{turn_cpu * after_js:.0f} ms a turn, a cost ratio near {turn_cpu * after_js / parse_cpu:.1f}; with WAL and an "
        f"in-memory tracker as well, at best about {turn_cpu * after_all:.0f} ms, near "
        f"{turn_cpu * after_all / parse_cpu:.1f}. What remains besides the NLU ({nlu:.0%}): next-action prediction "
        f"({part('next-action prediction'):.0%}), the rest of running actions ({part('running actions') - checks:.0%}), "
        f"saving ({part('tracker store: `save_tracker`') - commits:.0%}) and the rest of the turn ({other:.0%}: events, "
        "tracker copies, the channel). "
        + (f"So {RATIO_TARGET} at {top} visitors is out of reach with these fixes alone: the dialogue work left would "
           "still cost more than half the NLU." if turn_cpu * after_all / parse_cpu > RATIO_TARGET else
           f"These fixes would bring the cost ratio within {RATIO_TARGET}."))
    lines.append(
        "- **Capacity, not the ratio:** one Rasa process uses one core for Python, so more visitors only queue. "
        "Several Sanic workers (`SANIC_WORKERS`) need a lock store shared between processes (Redis) and, with "
        "the in-memory tracker above, sticky conversations; on this 2-core machine the load generator and the "
        "action server also need CPU. That raises turns per second, not the turn/parse ratio.")
    return lines


def print_summary(out: Dict[str, Any], json_path: Path, report_path: Path) -> None:
    startup, training = out["startup_s"], out["training"]
    print(f"\nStart-up: action server {startup['action server']} s, Rasa server {startup['rasa server']} s")
    print("Training: " + ("skipped" if training.get("skipped") else
                          f"{training['seconds']} s (exit {training['returncode']})"))
    for level, entry in out["load"].items():
        t, p = entry["turn"], entry["parse"]
        print(f"{level:>2} visitors: turn p50 {t['p50_ms']} / p95 {t['p95_ms']} ms ({t['per_s']}/s), "
              f"parse p50 {p['p50_ms']} / p95 {p['p95_ms']} ms ({p['per_s']}/s), ratio p95 {entry['ratio_p95']}")
    a = out["action_server"]["all"]
    print(f"Action server: p50 {a['p50_ms']} ms, p95 {a['p95_ms']} ms over {a['n']} calls; "
          f"{out.get('action_calls', {}).get('per_turn', '?')} calls per message")
    mem = out["memory"]
    peak = {name: max(e[k]["peak_rss_mib"][name] for e in out["load"].values() for k in ("turn", "parse"))
            for name in ("rasa server", "action server")}
    print(f"Memory idle / peak VmRSS: Rasa {mem['idle_after_startup']['rasa server']['rss_mib']} / {peak['rasa server']} MiB, "
          f"action server {mem['idle_after_startup']['action server']['rss_mib']} / {peak['action server']} MiB")
    prof = out.get("profile", {})
    if "rasa server" in prof:
        print(f"Profile of the Rasa server's event loop (busy {prof['rasa server']['busy_share']:.0%}):")
        for part in prof["rasa server"]["parts"]:
            print(f"  {part['share']:4.0%}  {part['part']}")
    print(f"Written: {json_path.relative_to(ROOT)}, {report_path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
