"""Locust visitors of the assistant: real multi-turn conversations through the REST channel.

Run by bench/load_bench.py (`make bench-load`), which starts the two-instance stack and calls
Locust from its own environment, .venv-load (requirements/load.txt). By hand, against a stack
that runs (`make stack`, debug headers on for the instance share):

    .venv-load/bin/locust -f bench/load/locustfile.py --headless --host http://127.0.0.1:8000 \
        --users 10 --spawn-rate 2 --run-time 60s --reset-stats --csv results/bench/load/manual

Each simulated visitor (a Locust user) holds one conversation at a time, following one of
SCRIPTS (chosen at random, seeded), one message per Locust task, with a think time between
messages. The first message of a conversation has no "sender": the server issues a signed id,
given back as "recipient_id" of each answer; every later message sends {"sender": id,
"message": text}. When a script ends, or after any failure, the next message opens a new
conversation. Every visitor has its own client address in X-Forwarded-For (nginx trusts
127.0.0.1 as a proxy and limits requests per client address).

After each turn the visitor checks every answer: its recipient_id is the visitor's own id
(for the first message: one new id, never issued before to anyone), and the answers' text
contains the marker of that step of its own script. A failed check is a Locust failure and is
counted apart, as cross-talk (someone else's id) or as a wrong answer (marker missing).

Counters that Locust does not keep (checks, HTTP status codes, which Rasa instance answered,
from the X-Upstream debug header) are written as JSON to --extra-out when Locust quits. Like
Locust's own statistics, they are reset when all users have spawned (with --reset-stats).
Nothing here imports the project: this file runs in .venv-load.
"""
from __future__ import annotations

import itertools
import json
import random
import threading
import time
from collections import Counter, defaultdict
from typing import Any, Dict, List, Optional, Tuple

from locust import FastHttpUser, events, task

WEBHOOK = "/webhooks/rest/webhook"

# name -> [(message, a piece of text the answer to it must contain)]. Button clicks are sent
# as their payloads, as the widget does. The answers were read by hand on a running stack;
# each marker belongs to its step's answer only, where the texts allow it.
SCRIPTS: Dict[str, List[Tuple[str, str]]] = {
    # What a CQP is, the registers, a catalog lookup.
    "discover": [
        ("Bonjour", "l'assistant CQP"),
        ("c'est quoi un CQP ?", "CPNE"),
        ("/ask_rncp_rs", "recense des certifications"),
        ("CQP soudeur", "RNCP34172"),
        ("merci", "Avec plaisir"),
    ],
    # VAE eligibility: the question, then the check (a form), answered in words and buttons.
    "vae": [
        ("Qui peut faire une VAE ?", "aucune durée minimale"),
        ("Vérifier mon droit à la VAE", "enregistré au RNCP, au Répertoire spécifique"),
        ('/inform{"registration": "rncp"}', "Combien de temps d'expérience"),
        ("un an et demi", "La VAE est possible"),
    ],
    # CPF financing: the question, then the check (a form with three slots).
    "cpf": [
        ("Comment financer mon CQP ?", "Le financement dépend de votre situation"),
        ("/check_cpf", "enregistré au RNCP, au Répertoire spécifique"),
        ('/inform{"registration": "rncp"}', "Quelle est votre situation"),
        ('/inform{"status": "salarie"}', "pendant votre temps de travail"),
        ("oui", "Votre CPF peut financer ce CQP"),
    ],
    # The four-step tour, with the buttons.
    "tour": [
        ("/start_journey", "Étape 1/4"),
        ("/next_step", "Étape 2/4"),
        ("/next_step", "Étape 3/4"),
        ("/next_step", "Étape 4/4"),
    ],
}


@events.init_command_line_parser.add_listener
def _arguments(parser) -> None:
    group = parser.add_argument_group("CQP load benchmark")
    group.add_argument("--think-min", type=float, default=1.0, help="think time between messages, lower bound (s)")
    group.add_argument("--think-max", type=float, default=2.0, help="think time between messages, upper bound (s)")
    group.add_argument("--seed", type=int, default=42, help="seeds every visitor's random choices")
    group.add_argument("--address-block", type=int, default=1,
                       help="second byte of the visitors' X-Forwarded-For addresses (10.<block>.x.y)")
    group.add_argument("--known-answers", default="",
                       help="JSON file {label: text}: answers the server gives instead of the assistant's, "
                            "to name the wrong answers")
    group.add_argument("--extra-out", default="", help="where to write the checks and the instance share (JSON)")


class Tally:
    """What Locust does not count, reset with Locust's statistics."""

    EXAMPLES = 12

    def __init__(self) -> None:
        self.lock = threading.Lock()  # greenlets do not need it; cheap, and safe under threads
        self.reset()

    def reset(self) -> None:
        self.started = time.time()
        self.turns = 0
        self.ok = 0
        self.http_status: Counter = Counter()  # non-200 answers by status ("0" = no answer)
        self.crosstalk = 0
        self.wrong = 0
        self.wrong_kinds: Counter = Counter()
        self.examples: List[str] = []
        self.upstream: Counter = Counter()  # X-Upstream as nginx wrote it
        self.upstream_ms: Dict[str, List[float]] = defaultdict(list)
        self.conversations_opened = 0
        self.conversations_completed: Counter = Counter()  # script -> conversations that went to the end
        self.scripts_turns: Counter = Counter()

    def example(self, text: str) -> None:
        if len(self.examples) < self.EXAMPLES:
            self.examples.append(text[:300])


TALLY = Tally()
ALL_TURNS = [0]  # every message of the run, ramp-up included (never reset): for the CPU per message
ISSUED: set = set()  # every conversation id the server gave out during this run
VISITORS = itertools.count()
KNOWN: Dict[str, str] = {}


ENVIRONMENT: List[Any] = []  # the Locust environment, once it exists


@events.init.add_listener
def _init(environment, **_: Any) -> None:
    ENVIRONMENT.append(environment)
    options = environment.parsed_options
    if options is not None and options.known_answers:
        with open(options.known_answers, encoding="utf-8") as handle:
            KNOWN.update(json.load(handle))


@events.spawning_complete.add_listener
def _spawned(user_count: int, **_: Any) -> None:
    # Locust resets its own statistics on this same event when --reset-stats is given.
    if not ENVIRONMENT or ENVIRONMENT[0].reset_stats:
        TALLY.reset()


@events.quitting.add_listener
def _write(environment, **_: Any) -> None:
    options = environment.parsed_options
    if options is None or not options.extra_out:
        return
    total = environment.stats.total
    by_name = {
        name: {"n": entry.num_requests, "failures": entry.num_failures,
               "p50_ms": entry.get_response_time_percentile(0.5), "p95_ms": entry.get_response_time_percentile(0.95)}
        for (name, _method), entry in sorted(environment.stats.entries.items())
    }
    out = {
        "locust": {
            "requests": total.num_requests, "failures": total.num_failures, "per_s": round(total.total_rps, 2),
            "p50_ms": total.get_response_time_percentile(0.5), "p95_ms": total.get_response_time_percentile(0.95),
            "p99_ms": total.get_response_time_percentile(0.99), "max_ms": round(total.max_response_time or 0, 1),
            "mean_ms": round(total.avg_response_time, 1),
            "measured_s": round((total.last_request_timestamp or total.start_time) - total.start_time, 1),
            "by_script": by_name,
        },
        "turns": TALLY.turns, "turns_whole_run": ALL_TURNS[0], "ok": TALLY.ok, "http_status": dict(TALLY.http_status),
        "crosstalk": TALLY.crosstalk, "wrong_answers": TALLY.wrong, "wrong_kinds": dict(TALLY.wrong_kinds),
        "examples": TALLY.examples, "upstream": dict(TALLY.upstream),
        "upstream_ms": {k: sorted(round(v, 1) for v in values) for k, values in TALLY.upstream_ms.items()},
        "conversations_opened": TALLY.conversations_opened,
        "conversations_completed": dict(TALLY.conversations_completed),
        "turns_by_script": dict(TALLY.scripts_turns),
        "visitors": next(VISITORS),
        "options": {"think_s": [options.think_min, options.think_max], "seed": options.seed,
                    "address_block": options.address_block},
        "scripts": SCRIPTS,
    }
    with open(options.extra_out, "w", encoding="utf-8") as handle:
        json.dump(out, handle, ensure_ascii=False, indent=1)


def classify(texts: List[str]) -> str:
    """Names a wrong answer: one of the server's own messages, the assistant's fallback, or other."""
    joined = "\n".join(texts)
    if not texts:
        return "no answer"
    for label, known in KNOWN.items():
        if known and known[:60] in joined:
            return label
    if "Je n'ai pas bien compris" in joined:
        return "fallback (not understood)"
    return "other"


class Visitor(FastHttpUser):
    # A slow answer under load is a figure, not an error: nginx's own limit (60 s) answers first.
    network_timeout = 90.0
    connection_timeout = 10.0

    def on_start(self) -> None:
        options = self.environment.parsed_options
        self.index = next(VISITORS)
        self.seed = options.seed if options else 42
        self.rng = random.Random(f"{self.seed}-{options.address_block if options else 1}-{self.index}")
        self.think = (options.think_min, options.think_max) if options else (1.0, 2.0)
        block = options.address_block if options else 1
        self.address = f"10.{block}.{self.index // 250}.{self.index % 250 + 1}"
        self.conversation: Optional[str] = None
        self.script = ""
        self.step = 0

    def wait_time(self) -> float:
        return self.rng.uniform(*self.think)

    def _restart(self) -> None:
        self.conversation, self.step = None, 0

    @task
    def say(self) -> None:
        if self.conversation is None and self.step == 0:
            self.script = self.rng.choice(sorted(SCRIPTS))
        message, marker = SCRIPTS[self.script][self.step]
        body: Dict[str, str] = {"message": message}
        if self.conversation is not None:
            body["sender"] = self.conversation
        headers = {"X-Forwarded-For": self.address, "Content-Type": "application/json"}
        with self.client.post(WEBHOOK, data=json.dumps(body), headers=headers, name=self.script,
                              catch_response=True) as response:
            self._check(response, marker)

    def _check(self, response, marker: str) -> None:
        tally = TALLY
        ALL_TURNS[0] += 1
        tally.turns += 1
        tally.scripts_turns[self.script] += 1
        status = response.status_code or 0
        upstream = (response.headers or {}).get("X-Upstream") if status else None
        if upstream:
            tally.upstream[upstream] += 1
            tally.upstream_ms[upstream].append(response.request_meta["response_time"])
        if status != 200:
            tally.http_status[str(status)] += 1
            tally.example(f"HTTP {status} at {self.script} #{self.step + 1}: {(response.text or '')[:160]}")
            response.failure(f"HTTP {status}")
            self._restart()
            return
        try:
            answers = json.loads(response.content)
            texts = [a.get("text") or "" for a in answers]
            ids = {a.get("recipient_id") for a in answers}
        except (ValueError, TypeError, AttributeError):
            tally.wrong += 1
            tally.wrong_kinds["not a JSON list of answers"] += 1
            tally.example(f"not JSON at {self.script} #{self.step + 1}: {(response.text or '')[:160]}")
            response.failure("not a JSON list of answers")
            self._restart()
            return
        if self.conversation is None:
            issued = next(iter(ids)) if len(ids) == 1 else None
            if not issued or issued in ISSUED:
                tally.crosstalk += 1
                tally.example(f"cross-talk at {self.script} #1: ids {sorted(map(str, ids))} (new or reused)")
                response.failure("cross-talk: no single new conversation id")
                self._restart()
                return
            ISSUED.add(issued)
            self.conversation = issued
            tally.conversations_opened += 1
        elif ids != {self.conversation}:
            tally.crosstalk += 1
            tally.example(f"cross-talk at {self.script} #{self.step + 1}: answers for {sorted(map(str, ids))}")
            response.failure("cross-talk: an answer for another conversation")
            self._restart()
            return
        if marker not in "\n".join(texts):
            kind = classify(texts)
            tally.wrong += 1
            tally.wrong_kinds[kind] += 1
            tally.example(f"wrong answer at {self.script} #{self.step + 1} ({kind}), expected « {marker} »: "
                          f"{' | '.join(texts)[:200]}")
            response.failure(f"wrong answer ({kind})")
            self._restart()
            return
        response.success()
        tally.ok += 1
        self.step += 1
        if self.step == len(SCRIPTS[self.script]):
            tally.conversations_completed[self.script] += 1
            self._restart()
