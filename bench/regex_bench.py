"""The cost of issue 15's hostile message before and after the pattern fixes, timed here (tests
only count steps): the fiche-number pattern on « rs » + 330 no-break spaces + « 12 » + 660 +
« x », and the catalog number pattern on « rs » + spaces, at several lengths.

    .venv/bin/python bench/regex_bench.py

Prints a Markdown table (quoted in docs/security/issue15-redos.md).
"""
from __future__ import annotations

import re
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.button_titles import FICHE_NUMBER  # noqa: E402
from knowledge.catalog.search import NUMBER  # noqa: E402
from tests.test_regex_safety import OLD_FICHE_NUMBER, OLD_NUMBER  # noqa: E402


def per_call(function, repeat: int) -> float:
    return min(timeit.repeat(function, number=1, repeat=repeat))


def main() -> None:
    finding = "rs" + "\u00a0" * 330 + "12" + "\u00a0" * 660 + "x"
    old_fiche = re.compile(OLD_FICHE_NUMBER, re.IGNORECASE)
    print("| pattern | input | before | after |\n|---|---|---:|---:|")
    print(f"| fiche number | the finding's message ({len(finding)} characters) | "
          f"{per_call(lambda: old_fiche.match(finding), 3) * 1000:.1f} ms | "
          f"{per_call(lambda: FICHE_NUMBER.match(finding), 50) * 1000:.3f} ms |")
    old_number = re.compile(OLD_NUMBER)
    for length in (1_000, 5_000, 20_000):
        text = "rs" + " " * (length - 2)
        print(f"| catalog number | « rs » + {length - 2:,} spaces | "
              f"{per_call(lambda: old_number.findall(text), 3) * 1000:.1f} ms | "
              f"{per_call(lambda: NUMBER.findall(text), 50) * 1000:.3f} ms |")


if __name__ == "__main__":
    main()
