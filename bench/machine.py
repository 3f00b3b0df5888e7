"""The machine a figure was measured on, in one line, for every report of bench/."""
from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any, Dict

ROOT = Path(__file__).resolve().parent.parent


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def machine_line() -> str:
    return (f"{os.cpu_count()} CPU(s), {cpu_model()}, {memory_gib():.1f} GiB RAM, "
            f"{platform.system()} {platform.release()} {platform.machine()}; Python {platform.python_version()}")


def git_state() -> Dict[str, Any]:
    """The commit measured, and the tracked files that differed from it (the servers ran the working tree)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]
    return {"commit": git("rev-parse", "--short", "HEAD").strip(), "modified": changed}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine_facts() -> Dict[str, Any]:
    """The machine as the JSON results record it."""
    return {
        "nproc": len(os.sched_getaffinity(0)), "cpu_model": cpu_model(), "ram_gib": round(memory_gib(), 1),
        "kernel": f"{platform.system()} {platform.release()} {platform.machine()}",
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
    }
