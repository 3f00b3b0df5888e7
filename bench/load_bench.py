"""Load benchmark of the production-like stack with Locust, into docs/bench/load.md and load.json.

    make bench-load          (= .venv/bin/python bench/load_bench.py)
    .venv/bin/python bench/load_bench.py --quick     a smoke run: 12 s per level, writes
                                                     results/bench/load-quick.{json,md} only
    .venv/bin/python bench/load_bench.py --render docs/bench/load.json   (report only)

What it does, in about 7 minutes (2 with --quick):

1. Creates or updates .venv-load, the load generator's own environment (Locust, pinned in
   requirements/load.txt and requirements/load.lock.txt), on the project's Python 3.10
   (scripts/find_python310.sh). Not .venv: requirements/lock.txt is part of the model's
   fingerprint (scripts/train.py), so Locust in it would force a retrain.
2. Starts its own copy of the stack of scripts/stack.py (nginx in front of two Rasa servers
   and two action servers, PostgreSQL tracker store, Redis lock store) on free ports, state in
   var/stack-bench, database `cqp_stack_bench` (dropped and created anew: every run starts from
   an empty tracker store), Redis database 2, the X-Upstream debug header on, a copy of the
   shipped catalog.
3. Warms it up with a short unmeasured Locust run (4 visitors), which must come out clean:
   the scripts' expected answers are checked there before the minutes of the levels.
4. Runs Locust headless (bench/load/locustfile.py) at 1, 10, 50 and 100 concurrent simulated
   visitors, one Locust process per level, statistics reset once every visitor has spawned,
   then 60 s measured. Each visitor holds real conversations through the REST channel via nginx
   and checks every answer (its own conversation id, the expected text); see the locustfile.
5. Stops the stack (Stack.down(), in a finally block), then writes the reports: messages per
   second, p50/p95 latency, requests, HTTP errors and wrong answers per level, the share of
   each Rasa instance, the CPU used by each part, what the servers' logs say.

Locust's CSV files and its output for each level go to results/bench/load/ (load-quick/).
Nothing here asserts a time. The load generator runs on the same 2 cores as the stack.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.channels import messages  # noqa: E402  (plain strings; no Rasa import)
from bench.machine import git_state, loadavg, machine_facts  # noqa: E402
from scripts.stack import Stack, StackSettings  # noqa: E402

LEVELS = [1, 10, 50, 100]  # concurrent simulated visitors
MEASURE_S, QUICK_MEASURE_S = 60, 12  # measured seconds per level, after every visitor has spawned
RAMP_S = 5  # visitors spawn over at most this many seconds
WARMUP_USERS, WARMUP_S, QUICK_WARMUP_S = 4, 20, 10
PAUSE_S = 5  # between levels, so that one level's tail does not run into the next
THINK_S = (1.0, 2.0)  # think time between a visitor's messages, uniform, seeded
SEED = 42

LOCUSTFILE = ROOT / "bench" / "load" / "locustfile.py"
VENV = ROOT / ".venv-load"
REQUIREMENTS = ROOT / "requirements" / "load.txt"
LOCK = ROOT / "requirements" / "load.lock.txt"
STATE = ROOT / "var" / "stack-bench"
DATABASE = "cqp_stack_bench"
REDIS_DB = "2"
PIP = "pip==24.0"  # as scripts/install.sh


# ------------------------------------------------------------------------------------------
# The load generator's environment
# ------------------------------------------------------------------------------------------
def ensure_venv() -> Path:
    """.venv-load with the pinned Locust; reinstalled only when requirements/load*.txt changed."""
    stamp = VENV / ".installed"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + LOCK.read_bytes()).hexdigest()[:16]
    python = VENV / "bin" / "python"
    if stamp.exists() and stamp.read_text().strip() == wanted and python.exists():
        return VENV / "bin" / "locust"
    found = subprocess.run([str(ROOT / "scripts" / "find_python310.sh")], stdout=subprocess.PIPE, text=True)
    if found.returncode != 0:
        raise SystemExit("Python 3.10 introuvable (scripts/find_python310.sh) : impossible de créer .venv-load.")
    ok = python.exists() and subprocess.run(
        [str(python), "-c", "import sys; assert sys.version_info[:2] == (3, 10)"], capture_output=True).returncode == 0
    if not ok:
        print(f"Création de .venv-load avec {found.stdout.strip()}", flush=True)
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([found.stdout.strip(), "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", PIP], check=True)
    print("Installation de Locust dans .venv-load…", flush=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS), "-c", str(LOCK)],
                   check=True)
    stamp.write_text(wanted + "\n")
    return VENV / "bin" / "locust"


# ------------------------------------------------------------------------------------------
# The machine, the processes
# ------------------------------------------------------------------------------------------
def versions(locust: Path, stack: Stack) -> Dict[str, str]:
    def run(*command: str) -> str:
        done = subprocess.run(list(command), capture_output=True, text=True)
        return (done.stdout + done.stderr).strip()

    version = subprocess.run([str(locust.parent / "python"), "-c", "import locust; print(locust.__version__)"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    out = {"locust": version.splitlines()[-1] if version else "?",
           "nginx": run(shutil.which("nginx") or "/usr/sbin/nginx", "-v").replace("nginx version: nginx/", "")}
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(stack.postgres_url("postgres"))
        with engine.connect() as connection:
            out["postgresql"] = connection.execute(sa.text("SHOW server_version")).scalar()
        engine.dispose()
    except Exception as error:  # a figure of the report, not a condition of the run
        out["postgresql"] = f"? ({type(error).__name__})"
    try:
        import redis

        out["redis"] = redis.Redis(host=stack.s.redis_host, port=int(stack.s.redis_port)).info()["redis_version"]
    except Exception as error:
        out["redis"] = f"? ({type(error).__name__})"
    return out


def services(stack: Stack) -> Dict[str, Optional[str]]:
    """When the machine's PostgreSQL started and which Redis process runs (None: unreachable).

    They are shared: another job (the stack's fault tests restart both) may restart them under
    a level, which then measures the failover, not the load. A change between the start and the
    end of a level marks it as disturbed, and it is measured again.
    """
    state: Dict[str, Optional[str]] = {"postgresql": None, "redis": None}
    try:
        import sqlalchemy as sa

        engine = sa.create_engine(stack.postgres_url("postgres"), connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as connection:
                state["postgresql"] = str(connection.execute(sa.text("SELECT pg_postmaster_start_time()")).scalar())
        finally:
            engine.dispose()
    except Exception:
        pass
    try:
        import redis

        state["redis"] = redis.Redis(host=stack.s.redis_host, port=int(stack.s.redis_port), socket_timeout=3,
                                     password=os.environ.get("CQP_REDIS_PASSWORD") or None).info()["run_id"]
    except Exception:
        pass
    return state


def wait_for_services(stack: Stack, timeout: float = 300) -> Dict[str, Optional[str]]:
    deadline = time.monotonic() + timeout
    while True:
        state = services(stack)
        if all(state.values()) or time.monotonic() > deadline:
            return state
        print(f"    PostgreSQL ou Redis injoignable ({state}) : j'attends…", flush=True)
        time.sleep(5)




def free_ports(count: int) -> List[int]:
    """Distinct free ports on the loopback (all held open together, then released)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _proc_stat(pid: str) -> Optional[List[str]]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _comm(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def cpu_snapshot(groups: Dict[str, int]) -> Dict[str, float]:
    """CPU seconds (user + system) of each process group of the stack, and of the PostgreSQL and
    Redis servers of the machine (all their processes: other users of them count too)."""
    tick = os.sysconf("SC_CLK_TCK")
    by_group = {pgid: name for name, pgid in groups.items()}
    totals: Counter = Counter()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _proc_stat(entry.name)
        if not fields:
            continue
        used = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        name = by_group.get(int(fields[2]))  # process group
        if name is None:
            comm = _comm(entry.name)
            name = "postgresql" if comm.startswith("postgres") else "redis" if comm.startswith("redis-server") else None
        if name:
            totals[name] += used
    return dict(totals)


def machine_ticks() -> "tuple[int, int]":
    """(busy, total) jiffies of all the cores, from the first line of /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    total = sum(values[:8])  # guest time is already in user
    return total - idle, total


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------------------------------
# The stack
# ------------------------------------------------------------------------------------------
def bench_stack() -> Stack:
    ports = free_ports(7)
    settings = StackSettings(
        port=ports[0], rasa_ports=ports[1:3], action_ports=ports[3:5], actions_proxy_port=ports[5],
        demo_port=ports[6], state_dir=STATE, database=DATABASE, redis_db=REDIS_DB, debug_headers=True,
        catalog=str(STATE / "catalog.sqlite"))
    return Stack(settings)


def fresh_database(stack: Stack) -> None:
    """The bench's own database, dropped and created again: each run starts with no tracker."""
    import sqlalchemy as sa

    assert stack.s.database == DATABASE
    engine = sa.create_engine(stack.postgres_url("postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{DATABASE}"'))
    finally:
        engine.dispose()


def prepare_state(stack: Stack) -> None:
    if stack.running():
        raise SystemExit(f"Une pile de banc d'essai tourne déjà ({STATE.relative_to(ROOT)}/processes.json : "
                         f"{stack.running()}). Attendez sa fin, ou arrêtez-la avec Stack.down().")
    # Logs of this run only (the stack appends to them).
    shutil.rmtree(stack.logs, ignore_errors=True)
    for name in ("access.log", "error.log"):
        (STATE / "nginx" / name).unlink(missing_ok=True)
    STATE.mkdir(parents=True, exist_ok=True)
    # A copy of the shipped catalog: a rebuild of knowledge/catalog/default.sqlite during the run
    # must not make the action servers reopen it; and var/catalog.sqlite, if any, is the developer's.
    shutil.copy(ROOT / "knowledge" / "catalog" / "default.sqlite", STATE / "catalog.sqlite")


def instance_names(stack: Stack) -> Dict[str, str]:
    return {f"127.0.0.1:{port}": f"rasa-{i + 1}" for i, port in enumerate(stack.s.rasa_ports)}


def log_findings(stack: Stack) -> Dict[str, Any]:
    """What the servers' logs say about the whole run (warm-up included)."""
    def count(path: Path, pattern: str) -> int:
        if not path.exists():
            return 0
        return len(re.findall(pattern, path.read_text(errors="replace"), flags=re.M))

    logs, nginx = stack.logs, STATE / "nginx"
    out: Dict[str, Any] = {}
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2"):
        path = logs / f"{name}.log"
        out[name] = {"errors": count(path, r" ERROR "), "tracebacks": count(path, r"^Traceback"),
                     "circuit_breaker": count(path, r"Circuit breaker tripped")}
    out["nginx"] = {"rate_limited": count(nginx / "error.log", r"limiting requests"),
                    "connections_limited": count(nginx / "error.log", r"limiting connections"),
                    "upstream_errors": count(nginx / "error.log", r"upstream (timed out|prematurely closed)|connect\(\) failed")}
    statuses: Counter = Counter()
    access = nginx / "access.log"
    if access.exists():
        for line in access.read_text(errors="replace").splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[2] == "/webhooks/rest/webhook":
                statuses[parts[3]] += 1
    out["nginx"]["webhook_statuses"] = dict(sorted(statuses.items()))
    return out


# ------------------------------------------------------------------------------------------
# Locust
# ------------------------------------------------------------------------------------------
def locust_command(locust: Path, host: str, users: int, run_time: int, csv: Path, extra: Path, known: Path,
                   block: int) -> List[str]:
    spawn_rate = max(1, math.ceil(users / RAMP_S))
    return [str(locust), "-f", str(LOCUSTFILE.relative_to(ROOT)), "--headless", "--host", host,
            "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{run_time}s",
            "--reset-stats", "--stop-timeout", "30", "--csv", str(csv), "--only-summary",
            "--exit-code-on-error", "0", "--loglevel", "WARNING",
            "--think-min", str(THINK_S[0]), "--think-max", str(THINK_S[1]), "--seed", str(SEED),
            "--address-block", str(block), "--known-answers", str(known), "--extra-out", str(extra)]


def shown(command: Sequence[str], host: str) -> str:
    """The command as the report shows it: relative paths, the port a placeholder."""
    text = " ".join(command).replace(str(ROOT) + "/", "").replace(host, "http://127.0.0.1:$PORT")
    return re.sub(r" --known-answers \S+", "", text)


def run_level(locust: Path, stack: Stack, users: int, measure: int, out_dir: Path, known: Path, block: int,
              label: str) -> Dict[str, Any]:
    host = f"http://127.0.0.1:{stack.s.port}"
    run_time = measure + math.ceil(users / max(1, math.ceil(users / RAMP_S))) + 1
    csv, extra, log = out_dir / label, out_dir / f"{label}-extra.json", out_dir / f"{label}.log"
    extra.unlink(missing_ok=True)
    command = locust_command(locust, host, users, run_time, csv, extra, known, block)
    groups = stack.running()
    services_before = wait_for_services(stack)
    before, before_self, before_load, wall = cpu_snapshot(groups), children_cpu(), loadavg(), time.monotonic()
    ticks = machine_ticks()
    with log.open("w") as handle:
        code = subprocess.run(command, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT).returncode
    wall = time.monotonic() - wall
    after, after_self = cpu_snapshot(groups), children_cpu()
    busy, total = (a - b for a, b in zip(machine_ticks(), ticks))
    services_after = services(stack)
    restarted = [name for name in services_before if services_after.get(name) != services_before[name]]
    lost = [name for name in groups if name not in stack.running()]
    if code != 0 or not extra.exists():
        raise RuntimeError(f"Locust a échoué (code {code}) : {log}\n{log.read_text(errors='replace')[-3000:]}")
    result = json.loads(extra.read_text())
    cpu: Dict[str, Optional[float]] = {
        name: None if name in restarted else round(after.get(name, 0) - before.get(name, 0), 1)
        for name in (*groups, "postgresql", "redis")}
    cpu["locust"] = round(after_self - before_self, 1)
    result.update(command=shown(command, host), wall_s=round(wall, 1), run_time_s=run_time, cpu_s=cpu,
                  cores_busy=round(sum(v or 0 for v in cpu.values()) / (wall * len(os.sched_getaffinity(0))), 2),
                  machine_busy=round(busy / total, 2) if total else None,
                  disturbed=[f"{name} restarted" for name in restarted] + [f"{name} stopped" for name in lost],
                  loadavg_before=before_load, loadavg_after=loadavg())
    return result


def measure_level(locust: Path, stack: Stack, users: int, measure: int, out_dir: Path, known: Path, block: int,
                  label: str, names: Dict[str, str], out: Dict[str, Any]) -> Dict[str, Any]:
    """One level; measured once more when PostgreSQL or Redis restarted under it (the first
    measurement is kept in out["disturbed_runs"])."""
    level = summarise(run_level(locust, stack, users, measure, out_dir, known, block, label), names)
    if level["disturbed"]:
        print(f"    mesure perturbée ({', '.join(level['disturbed'])}) : je la refais une fois…", flush=True)
        level.pop("scripts", None)
        out.setdefault("disturbed_runs", {})[label] = level
        time.sleep(PAUSE_S)
        level = summarise(run_level(locust, stack, users, measure, out_dir, known, block, label), names)
        level["measured_again"] = True
    return level


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))], 1)


def summarise(raw: Dict[str, Any], names: Dict[str, str]) -> Dict[str, Any]:
    """The figures of one level, for load.json: Locust's statistics and the visitors' checks."""
    stats = raw["locust"]
    http_errors = sum(raw["http_status"].values())
    instances: Dict[str, Dict[str, Any]] = {}
    for upstream, count in raw["upstream"].items():
        name = names.get(upstream, "retried on the other" if "," in upstream else upstream)
        entry = instances.setdefault(name, {"requests": 0, "latencies": []})
        entry["requests"] += count
        entry["latencies"] += raw["upstream_ms"].get(upstream, [])
    answered = sum(e["requests"] for e in instances.values()) or 1
    for entry in instances.values():
        latencies = entry.pop("latencies")
        entry.update(share=round(entry["requests"] / answered, 3), p50_ms=percentile(latencies, 0.5),
                     p95_ms=percentile(latencies, 0.95))
    return {
        "requests": stats["requests"], "messages_per_s": stats["per_s"], "measured_s": stats["measured_s"],
        "p50_ms": stats["p50_ms"], "p95_ms": stats["p95_ms"], "p99_ms": stats["p99_ms"], "max_ms": stats["max_ms"],
        "mean_ms": stats["mean_ms"], "failures": stats["failures"],
        "http_errors": http_errors, "http_status": raw["http_status"],
        "rate_limited_429": raw["http_status"].get("429", 0),
        "crosstalk": raw["crosstalk"], "wrong_answers": raw["wrong_answers"], "wrong_kinds": raw["wrong_kinds"],
        "checked_turns": raw["turns"], "ok_turns": raw["ok"],
        "conversations_opened": raw["conversations_opened"],
        "conversations_completed": sum(raw["conversations_completed"].values()),
        "by_script": stats["by_script"], "instances": dict(sorted(instances.items())),
        "examples": [" ".join(e.split()) for e in raw["examples"]], "cpu_s": raw["cpu_s"], "cores_busy": raw["cores_busy"],
        "machine_busy": raw["machine_busy"], "messages_whole_run": raw["turns_whole_run"],
        "cpu_ms_per_message": {name: None if used is None else round(1000 * used / max(raw["turns_whole_run"], 1), 1)
                               for name, used in raw["cpu_s"].items()},
        "wall_s": raw["wall_s"], "loadavg_before": raw["loadavg_before"], "loadavg_after": raw["loadavg_after"],
        "locust_command": raw["command"], "disturbed": raw["disturbed"], "scripts": raw["scripts"],
    }


# ------------------------------------------------------------------------------------------
# Main
# ------------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_MEASURE_S} s per level; writes results/bench/load-quick.* only")
    parser.add_argument("--render", metavar="RESULTS_JSON", help="only rewrite the report from a results file")
    args = parser.parse_args()
    if args.render:
        out = json.loads(Path(args.render).read_text())
        path = report_path(out.get("quick", False))
        path.write_text(report(out))
        print(f"Written: {path.relative_to(ROOT)}")
        return

    measure = QUICK_MEASURE_S if args.quick else MEASURE_S
    results = ROOT / "results" / "bench"
    raw_dir = results / ("load-quick" if args.quick else "load")
    raw_dir.mkdir(parents=True, exist_ok=True)
    json_path = results / "load-quick.json" if args.quick else ROOT / "docs" / "bench" / "load.json"
    began = time.monotonic()

    locust = ensure_venv()
    known = raw_dir / "known-answers.json"
    known.write_text(json.dumps({"app flood gate (20 messages / 20 s)": messages.TOO_FAST,
                                 "apology: a service did not answer": messages.SERVICE_DOWN,
                                 "assistant unavailable": messages.UNAVAILABLE}, ensure_ascii=False))
    stack = bench_stack()
    prepare_state(stack)
    out: Dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/load_bench.py", *sys.argv[1:]]), "quick": args.quick,
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"), "machine": machine_facts(), "git": git_state(),
        "loadavg_at_start": loadavg(), "think_s": list(THINK_S), "seed": SEED, "measure_s": measure,
        "ramp_s": RAMP_S, "levels": LEVELS,
        "stack": {"rasa": len(stack.s.rasa_ports), "actions": len(stack.s.action_ports), "database": DATABASE,
                  "redis_db": REDIS_DB, "nginx_rate": f"{stack.s.rate_messages} burst {stack.s.rate_burst}",
                  "state_dir": str(STATE.relative_to(ROOT))},
    }
    names = instance_names(stack)
    try:
        fresh_database(stack)
        print(f"Pile de banc d'essai : nginx sur {stack.s.port}, Rasa sur {stack.s.rasa_ports}, "
              f"actions sur {stack.s.action_ports}…", flush=True)
        started = time.monotonic()
        stack.up()
        out["startup_s"] = round(time.monotonic() - started, 1)
        out["model"] = stack.model.name if stack.model else None
        out["versions"] = versions(locust, stack)
        print(f"Pile prête en {out['startup_s']} s ; échauffement ({WARMUP_USERS} visiteurs)…", flush=True)
        warm = measure_level(locust, stack, WARMUP_USERS, QUICK_WARMUP_S if args.quick else WARMUP_S, raw_dir, known,
                             200, "warmup", names, out)
        out["warmup"], out["scripts"] = warm, warm.pop("scripts")
        if warm["failures"] and not warm["disturbed"]:
            raise SystemExit(f"L'échauffement n'est pas propre ({warm['failures']} échecs) : "
                             + " ; ".join(warm["examples"][:5]))
        out["results"] = {}
        for users in LEVELS:
            time.sleep(PAUSE_S)
            print(f"{users:>3} visiteur(s), {measure} s mesurées…", flush=True)
            level = measure_level(locust, stack, users, measure, raw_dir, known, users, f"users-{users}", names, out)
            level.pop("scripts")
            out["results"][str(users)] = level
            print(f"    {level['messages_per_s']} messages/s, p50 {level['p50_ms']} ms, p95 {level['p95_ms']} ms, "
                  f"{level['requests']} requêtes, erreurs HTTP {level['http_errors']}, "
                  f"mauvaises réponses {level['wrong_answers'] + level['crosstalk']}, "
                  + ", ".join(f"{k} {v['share']:.0%}" for k, v in level["instances"].items())
                  + (f" ; PERTURBÉ : {', '.join(level['disturbed'])}" if level["disturbed"] else ""), flush=True)
    finally:
        left = stack.down()
        if left:
            print(f"ATTENTION : processus encore présents après l'arrêt : {', '.join(left)}", file=sys.stderr)
    out["stopped_cleanly"] = not left
    out["logs"] = log_findings(stack)
    out["total_minutes"] = round((time.monotonic() - began) / 60, 1)
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    path = report_path(args.quick)
    path.write_text(report(out))
    print(f"Written: {json_path.relative_to(ROOT)}, {path.relative_to(ROOT)} ({out['total_minutes']} min)")


def report_path(quick: bool) -> Path:
    return ROOT / "results" / "bench" / "load-quick.md" if quick else ROOT / "docs" / "bench" / "load.md"


# ------------------------------------------------------------------------------------------
# Report
# ------------------------------------------------------------------------------------------
def fmt(value: Any) -> str:
    return "–" if value is None else f"{value:.0f}" if isinstance(value, float) else str(value)


def report(out: Dict[str, Any]) -> str:
    m, v, results = out["machine"], out.get("versions", {}), out["results"]
    think = f"{out['think_s'][0]:g}–{out['think_s'][1]:g} s"
    lines = [
        "# Load benchmark: visitors through the two-instance stack",
        "",
        f"Command: `{out['command']}` (`make bench-load`; from the repository root; this run took "
        f"{out['total_minutes']} min). Figures from one run on {out['date']}"
        + (", a **quick** smoke run (`--quick`): too short for stable percentiles" if out.get("quick") else "")
        + f". Load average at start: {out['loadavg_at_start']}. They move between runs: the load generator runs on "
        "the same cores as the stack, and other jobs on the machine take CPU too. No test asserts any of them.",
        "",
        f"Machine (from `/proc`): {m['nproc']} CPU(s), {m['cpu_model']}, {m['ram_gib']} GiB RAM, {m['kernel']}; "
        f"Python {m['python']}; Locust {v.get('locust', '?')} (in `.venv-load`), nginx {v.get('nginx', '?')}, "
        f"PostgreSQL {v.get('postgresql', '?')}, Redis {v.get('redis', '?')}. Model `models/{out.get('model')}`. "
        f"Commit {out['git']['commit']}"
        + (f", with uncommitted changes to {', '.join(f'`{f}`' for f in out['git']['modified'])}."
           if out["git"]["modified"] else ", clean working tree."),
        "",
        "## Results",
        "",
        f"{out['measure_s']} s measured per level, after every visitor has spawned; think time {think} between "
        "a visitor's messages. A message is one `POST /webhooks/rest/webhook`; its latency is the client's "
        "(Locust), through nginx. The visitors wait for each answer, then think: a level cannot send more than "
        f"visitors ÷ (mean think time + latency) messages per second, {1 / statistics.mean(out['think_s']):.2f} per "
        "visitor at most, so the rate says how many people the stack serves at that latency, not its ceiling.",
        "",
        "| visitors | messages per s | p50 ms | p95 ms | p99 ms | max ms | requests | HTTP errors | cross-talk or wrong answers | conversations completed | cores busy: bench / machine |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for users, r in results.items():
        http = f"{r['http_errors']}" + (f" ({', '.join(f'{n}× {s}' for s, n in sorted(r['http_status'].items()))})"
                                        if r["http_errors"] else "")
        wrong = r["crosstalk"] + r["wrong_answers"]
        wrong_text = f"{wrong}" + (f" ({r['crosstalk']} cross-talk)" if r["crosstalk"] else "")
        lines.append(f"| {users} | {r['messages_per_s']:.1f} | {fmt(r['p50_ms'])} | {fmt(r['p95_ms'])} | "
                     f"{fmt(r['p99_ms'])} | {fmt(r['max_ms'])} | {r['requests']} | {http} | {wrong_text} | "
                     f"{r['conversations_completed']} | {r['cores_busy']:.0%} / {pct(r.get('machine_busy'))} |")
    lines += [
        "",
        "Cores busy, bench: CPU time of the stack's processes, PostgreSQL, Redis and Locust over the level "
        f"(ramp-up included), as a share of the {m['nproc']} cores; machine: every process (`/proc/stat`), so the "
        "difference is what other jobs took from the stack during the level. Locust rounds latencies above 100 ms to 10 ms and above "
        "1 s to 100 ms in its percentiles.",
        "",
        "### Which Rasa instance answered",
        "",
        "From the `X-Upstream` header (nginx's `$upstream_addr`, on in this stack only). nginx keeps a conversation "
        "on one instance by hashing its id (consistent hash of the body's `sender`); a first message, which has no "
        "id yet, is hashed on nginx's random request id, so it may land on the other instance.",
        "",
        "| visitors | " + " | ".join(f"{name}: requests (share), p50 / p95 ms" for name in instance_columns(results)) + " |",
        "|---:|" + "---|" * len(instance_columns(results)),
    ]
    for users, r in results.items():
        cells = []
        for name in instance_columns(results):
            i = r["instances"].get(name)
            cells.append(f"{i['requests']} ({i['share']:.0%}), {fmt(i['p50_ms'])} / {fmt(i['p95_ms'])}" if i else "0")
        lines.append(f"| {users} | " + " | ".join(cells) + " |")
    top = str(max(int(k) for k in results))
    lines += [
        "",
        f"### Per script at {top} visitors",
        "",
        "| script | requests | p50 ms | p95 ms | failures |",
        "|---|---:|---:|---:|---:|",
        *(f"| {name} | {s['n']} | {fmt(s['p50_ms'])} | {fmt(s['p95_ms'])} | {s['failures']} |"
          for name, s in results[top]["by_script"].items()),
        "",
        "### CPU seconds used during each level",
        "",
    ]
    parts = list(next(iter(results.values()))["cpu_s"])
    lines += ["| visitors | wall s | " + " | ".join(parts) + " | load average before → after |",
              "|---:|---:|" + "---:|" * len(parts) + "---|"]
    for users, r in results.items():
        lines.append(f"| {users} | {r['wall_s']} | " + " | ".join("–" if r["cpu_s"].get(p) is None else f"{r['cpu_s'][p]}" for p in parts)
                     + f" | {r['loadavg_before'].split()[0]} → {r['loadavg_after'].split()[0]} |")
    lines += [
        "",
        "CPU milliseconds per message (the level's CPU seconds divided by every message of the level, ramp-up "
        "included):",
        "",
        "| visitors | " + " | ".join(parts) + " |",
        "|---:|" + "---:|" * len(parts),
        *(f"| {users} | " + " | ".join(fmt_ms(r.get("cpu_ms_per_message", {}).get(p)) for p in parts) + " |"
          for users, r in results.items()),
        "",
        "PostgreSQL and Redis: all their processes on the machine (another job using them would count here; "
        "– where one restarted during the level). "
        "Locust: its own process, one core at most (gevent).",
        "",
        "## What was measured",
        "",
        f"**The stack**: `Stack` and `StackSettings` of `scripts/stack.py`, the configuration of `deploy/` (nginx "
        f"template, endpoints, credentials with signed conversation ids): nginx in front of {out['stack']['rasa']} Rasa "
        f"servers and {out['stack']['actions']} action servers (behind nginx's internal proxy), the PostgreSQL tracker "
        f"store in its own database `{out['stack']['database']}` (dropped and created anew at the start of each run), "
        f"the Redis lock store in database {out['stack']['redis_db']}, all on free ports of 127.0.0.1, state and logs in "
        f"`{out['stack']['state_dir']}/`, a copy of the shipped catalog, the `X-Upstream` debug header on. nginx's limits "
        f"are the deployed ones: {out['stack']['nginx_rate']} per client address for messages, 50 connections per "
        f"address; the REST channel also answers at most 20 messages per 20 s per conversation. The stack started in "
        f"{out.get('startup_s', '?')} s; it is stopped (`Stack.down()`) when the levels are done or fail.",
        "",
        f"**The visitors**: `bench/load/locustfile.py`, Locust's `FastHttpUser`, one Locust process per level "
        f"(`--headless`, `--reset-stats`: the statistics start once every visitor has spawned, over at most "
        f"{out['ramp_s']} s). Each visitor holds one conversation at a time through "
        "`POST /webhooks/rest/webhook` on nginx: the first message has no `sender`, the server issues a signed "
        "conversation id, returned as `recipient_id` of each answer, and every later message sends "
        "`{\"sender\": <that id>, \"message\": …}`. Between two messages it waits a think time drawn uniformly in "
        f"{think} (`random.Random` seeded with {out['seed']}, the level and the visitor's number). It follows one of "
        "the scripts below, drawn at random for each conversation; when the script ends, or after any failure, the "
        "next message opens a new conversation. Each visitor has its own client address in `X-Forwarded-For` "
        "(`10.<level>.x.y`; nginx trusts 127.0.0.1 as a proxy), so nginx's per-address limits apply per visitor, as "
        "for people behind a load balancer.",
        "",
        "**The checks**, after every message: each answer's `recipient_id` is the visitor's own conversation id (for "
        "the first message, a single id never issued before in the run), else **cross-talk**; and the answers' text "
        "contains the step's marker, else a **wrong answer** (named when it is one of the channel's own messages: "
        "the flood gate, the apology of a failed action, unavailable). Either is a Locust failure "
        "(`response.failure`) and is counted apart from the HTTP errors (any status but 200, or no answer).",
        "",
        "| script | messages sent, and the text each answer must contain |",
        "|---|---|",
    ]
    scripts = out.get("scripts") or {}
    for name, steps in scripts.items():
        lines.append(f"| {name} | " + " → ".join(f"`{text}` « {marker} »" for text, marker in steps) + " |")
    lines += [
        "",
        "**Warm-up**: before the levels, "
        f"{WARMUP_USERS} visitors for {out['warmup']['measured_s']:.0f} s, unmeasured, which must come out without a "
        f"failure ({out['warmup']['requests']} messages, {out['warmup']['failures']} failures).",
        "",
        "Locust commands, one per level (`$PORT`: nginx's free port of the run; Locust's CSV files and output in "
        "`results/bench/load/`):",
        "",
        *(f"- {users}: `{r['locust_command']}`" for users, r in results.items()),
        "",
        "## What the logs say",
        "",
    ]
    lines += findings(out)
    return "\n".join(lines) + "\n"


def pct(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.0%}"


def fmt_ms(value: Optional[float]) -> str:
    return "–" if value is None else f"{value:.1f}"


def instance_columns(results: Dict[str, Any]) -> List[str]:
    return sorted({name for r in results.values() for name in r["instances"]})


def findings(out: Dict[str, Any]) -> List[str]:
    results, logs = out["results"], out.get("logs", {})
    lines = []
    nginx = logs.get("nginx", {})
    lines.append(f"- nginx (whole run, warm-up included): webhook answers by status "
                 f"{nginx.get('webhook_statuses', {})}; {nginx.get('rate_limited', 0)} requests over the rate limit, "
                 f"{nginx.get('connections_limited', 0)} over the connection limit, {nginx.get('upstream_errors', 0)} "
                 "upstream errors in its error log.")
    for name in ("rasa-1", "rasa-2", "actions-1", "actions-2"):
        entry = logs.get(name)
        if entry:
            lines.append(f"- {name}: {entry['errors']} ERROR lines, {entry['tracebacks']} tracebacks, "
                         f"{entry['circuit_breaker']} « Circuit breaker tripped » (Rasa's limit of actions in a turn).")
    for label, r in out.get("disturbed_runs", {}).items():
        lines.append(f"- The first measurement of `{label}` was disturbed ({', '.join(r['disturbed'])}, by another job "
                     f"on the machine) and was measured again; the disturbed one gave {r['messages_per_s']} messages/s, "
                     f"p50 {fmt(r['p50_ms'])} / p95 {fmt(r['p95_ms'])} ms, {r['http_errors']} HTTP errors "
                     f"{r['http_status']}, {r['crosstalk'] + r['wrong_answers']} cross-talk or wrong answers"
                     + (f" {r['wrong_kinds']}" if r["wrong_kinds"] else "") + ".")
    for users, r in results.items():
        if r.get("disturbed"):
            lines.append(f"- **At {users} visitor(s) the measurement was disturbed ({', '.join(r['disturbed'])}), "
                         "twice: its figures include that failure.**")
        others = (r.get("machine_busy") or 0) - r["cores_busy"]
        if others > 0.2:
            lines.append(f"- At {users} visitor(s) other jobs on the machine kept {others:.0%} of the cores busy "
                         f"(machine {r['machine_busy']:.0%}, this benchmark {r['cores_busy']:.0%}): the latencies of "
                         "this level are inflated by them.")
        shares = [i["share"] for i in r["instances"].values()]
        if len(shares) < 2 or min(shares) < 0.35:
            lines.append(f"- At {users} visitor(s) the instances' shares are uneven: "
                         + ", ".join(f"{k} {i['share']:.0%}" for k, i in r["instances"].items())
                         + (" (one visitor: one conversation at a time, each on one instance)." if users == "1" else "."))
        if r["wrong_kinds"]:
            lines.append(f"- At {users} visitor(s), wrong answers by kind: {r['wrong_kinds']}.")
        if r["examples"]:
            lines.append(f"- At {users} visitor(s), first failures: " + "; ".join(f"« {e} »" for e in r["examples"][:3]))
        locust_cpu = r["cpu_s"].get("locust", 0)
        if r["wall_s"] and locust_cpu / r["wall_s"] > 0.8:
            lines.append(f"- At {users} visitors Locust used {locust_cpu / r['wall_s']:.0%} of a core: the load "
                         "generator may limit the figures.")
    if not out.get("stopped_cleanly", True):
        lines.append("- **Some processes of the stack did not stop cleanly** (see the run's output).")
    return lines


if __name__ == "__main__":
    main()
