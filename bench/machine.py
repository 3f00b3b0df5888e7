"""The machine a figure was measured on, in one line, for every report of bench/."""
from __future__ import annotations

import os
import platform
from pathlib import Path


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
