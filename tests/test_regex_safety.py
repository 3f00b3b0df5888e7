"""No message makes a regular expression of the project backtrack for long (issue 15, finding 1).

Every regular expression of bot/, knowledge/, dossiers/ and scripts/ is found by reading the
code (a new one is checked without editing this file), then run on hostile texts of the
longest message the channels accept, and its work counted in steps (tests/regex_steps.py),
never timed: no text may cost more than 100 times a plain message of the same length.
"""
from __future__ import annotations

import ast
import importlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import pytest
import yaml
from hypothesis import given, settings, strategies as st

from bot.channels import messages
from bot.channels.inputs import check_text
from tests import regex_steps

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "knowledge", "dossiers", "scripts")
LENGTH = messages.MAX_MESSAGE_CHARS
FACTOR = 100
# What `re.<function>` does with its pattern: one attempt at the start, or one at every position.
MODES = {"search": "scan", "findall": "scan", "finditer": "scan", "sub": "scan", "subn": "scan", "split": "scan",
         "match": "match", "fullmatch": "fullmatch"}
FLAGS_AT = {"compile": 1, "search": 2, "match": 2, "fullmatch": 2, "findall": 2, "finditer": 2, "split": 3, "sub": 4, "subn": 4}
# A pattern built around re.escape(data) is checked with this in the data's place.
ESCAPED_SAMPLE = "mot clé"


@dataclass(frozen=True)
class Found:
    where: str          # file:line
    pattern: str
    flags: int
    modes: Tuple[str, ...]


def python_files() -> Iterator[Path]:
    for folder in SOURCES:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _pattern_of(node: ast.AST, re_names: Set[str]) -> Optional[str]:
    """The pattern a literal expression gives, with any re.escape(...) replaced by a sample;
    None if it is built from anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "escape"
            and isinstance(node.func.value, ast.Name) and node.func.value.id in re_names):
        return re.escape(ESCAPED_SAMPLE)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _pattern_of(node.left, re_names), _pattern_of(node.right, re_names)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            part = _pattern_of(value.value if isinstance(value, ast.FormattedValue) else value, re_names)
            if part is None or (isinstance(value, ast.FormattedValue) and (value.format_spec or value.conversion != -1)):
                return None
            parts.append(part)
        return "".join(parts)
    return None


def _flags_of(node: Optional[ast.AST], re_names: Set[str]) -> Optional[int]:
    if node is None:
        return 0
    names = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    if not names <= re_names or any(not isinstance(n, (ast.BinOp, ast.BitOr, ast.Attribute, ast.Name, ast.Load, ast.Constant))
                                    for n in ast.walk(node)):
        return None
    return int(eval(compile(ast.Expression(node), "<flags>", "eval"), {name: re for name in re_names}))


def _uses_of_compiled(trees: Dict[Path, ast.AST]) -> Dict[str, Set[str]]:
    """For every name a compiled pattern is stored under, the methods called on it anywhere
    (`NAME.match(...)`, `module.NAME.sub(...)`); "?" when the name is used any other way."""
    uses: Dict[str, Set[str]] = {}
    for tree in trees.values():
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if name is None or not name.isupper():
                continue
            parent = parents.get(node)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                continue
            call = parents.get(parent)
            if isinstance(parent, ast.Attribute) and parent.value is node and isinstance(call, ast.Call) and call.func is parent:
                uses.setdefault(name, set()).add(parent.attr)
            elif not (isinstance(parent, ast.Attribute) and parent.value is node):
                uses.setdefault(name, set()).add("?")
    return uses


def project_patterns() -> Tuple[List[Found], List[str]]:
    """Every regular expression of the project's code and NLU data, and the calls whose
    pattern could not be read (they must be made readable, or the test fails)."""
    trees = {path: ast.parse(path.read_text(), str(path)) for path in python_files()}
    uses = _uses_of_compiled(trees)
    found: List[Found] = []
    unreadable: List[str] = []
    for path, tree in trees.items():
        where_file = str(path.relative_to(ROOT))
        re_names = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names if alias.name == "re"}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in ("re", "sre_compile", "sre_parse", "regex"):
                unreadable.append(f"{where_file}:{node.lineno}: from {node.module} import …: call re.<function> instead")
            if isinstance(node, ast.Import) and any(a.name in ("regex", "sre_compile", "sre_parse") for a in node.names):
                unreadable.append(f"{where_file}:{node.lineno}: another regular-expression module")
        targets = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
                targets[node.value] = [t.id for t in node.targets if isinstance(t, ast.Name)]
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name) and node.func.value.id in re_names
                    and node.func.attr in FLAGS_AT):
                continue
            function, where = node.func.attr, f"{where_file}:{node.lineno}"
            keywords = {k.arg: k.value for k in node.keywords}
            pattern_node = node.args[0] if node.args else keywords.get("pattern")
            at = FLAGS_AT[function]
            flags_node = node.args[at] if len(node.args) > at else keywords.get("flags")
            pattern, flags = _pattern_of(pattern_node, re_names), _flags_of(flags_node, re_names)
            if pattern is None or flags is None:
                unreadable.append(f"{where}: re.{function} with a pattern or flags built at run time")
                continue
            if function == "compile":
                methods = set().union(*(uses.get(name, {"?"}) for name in targets.get(node, []))) if targets.get(node) else {"?"}
                modes = {MODES[m] for m in methods if m in MODES}
                if "?" in methods or not modes or methods - set(MODES):
                    modes = {"scan", "fullmatch"}  # not known how it is used: the costlier ways
            else:
                modes = {MODES[function]}
            found.append(Found(where, pattern, flags, tuple(sorted(modes))))
    # Rasa applies an NLU file's `regex:` patterns to every message (RegexFeaturizer, finditer).
    for path in sorted((ROOT / "bot" / "data").glob("*.yml")):
        for item in (yaml.safe_load(path.read_text()) or {}).get("nlu") or []:
            if isinstance(item, dict) and "regex" in item:
                for line in str(item.get("examples", "")).splitlines():
                    pattern = line.strip().removeprefix("- ").strip()
                    if pattern:
                        found.append(Found(f"{path.relative_to(ROOT)}: regex {item['regex']}", pattern, 0, ("scan",)))
    return found, unreadable


FOUND, UNREADABLE = project_patterns()


def test_every_regular_expression_is_found_and_readable():
    assert not UNREADABLE, UNREADABLE
    where = {f.where.split(":")[0] for f in FOUND}
    # A sanity check of the scan itself: the patterns of the finding are among those checked.
    assert {"bot/nlu/button_titles.py", "knowledge/catalog/search.py", "bot/channels/inputs.py", "dossiers/model.py"} <= where


def test_every_compiled_pattern_of_a_module_was_found_by_the_scan():
    """A pattern compiled at import in a way the scan cannot read would escape it."""
    scanned = {(f.pattern, f.flags & ~re.UNICODE) for f in FOUND}
    missed = []
    for path in python_files():
        source = path.read_text()
        # A script without a `__main__` guard would run when imported: the scan alone covers it.
        if not re.search(r"^import re\b", source, re.M) or path.parent.name == "scripts" and "__main__" not in source:
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and (value.pattern, value.flags & ~re.UNICODE) not in scanned:
                missed.append(f"{path.relative_to(ROOT)}: {name}")
    assert not missed


@pytest.mark.parametrize("found", FOUND, ids=[f.where for f in FOUND])
def test_no_hostile_text_costs_more_than_a_hundred_plain_ones(found):
    verdict = regex_steps.worst_case(found.pattern, found.flags, found.modes, LENGTH, FACTOR)
    assert verdict.worst <= verdict.budget, (
        f"{found.where}: {found.pattern!r} took over {verdict.budget} steps ({FACTOR} × a plain message of "
        f"{LENGTH} characters, {verdict.normal} steps) on {verdict.witness[:40]!r}…{verdict.witness[-10:]!r}")


# --- the counter itself ---------------------------------------------------------------------------

# Before the fix (3d2ea64): the fiche number of button_titles.py, the number of catalog/search.py.
OLD_FICHE_NUMBER = r"^\s*(?:rncp|rs)\s*[-_:]?\s*\d{2,6}\s*[?.!]*\s*$"
OLD_NUMBER = r"\b(rncp|rs)\s*[-_:]?\s*(\d{2,6})\b"


@pytest.mark.parametrize("pattern, flags, modes", [
    (OLD_FICHE_NUMBER, re.IGNORECASE, ("match",)),
    (OLD_NUMBER, 0, ("scan",)),
    (r"^(a+)+$", 0, ("match",)),                 # exponential
    (r"^(\w|\w\w)*$", 0, ("match",)),           # exponential through an alternative
    (r"\s+x", 0, ("scan",)),                     # quadratic through the search itself
    (r"\]\([^)]*\)", 0, ("scan",)),              # quadratic: each « ]( » reads to the end
    (r"(?<=a)\s*\s*$", 0, ("scan",)),            # inside a lookbehind's reach
    (r"^x(?=\s*\s*!)", 0, ("match",)),           # inside a lookahead
])
def test_the_counter_catches_known_catastrophic_patterns(pattern, flags, modes):
    verdict = regex_steps.worst_case(pattern, flags, modes, LENGTH, FACTOR)
    assert verdict.worst > verdict.budget


def test_the_counter_counts_one_step_per_instruction_and_an_attempt_per_position():
    # « abc » searched in « xxabc »: a failed « a » at 0 and 1, four instructions at 2, one at the end.
    assert regex_steps.steps(regex_steps.parse("abc"), "xxabc", "scan", 10 ** 6) == 1 + 1 + 4 + 1
    # `\s*\s*x` on n spaces tries every split of the run: its count grows as n², `\s*x` as n.
    quadratic, linear = regex_steps.parse(r"\s*\s*x"), regex_steps.parse(r"\s*x")
    costs = [(regex_steps.steps(quadratic, " " * n, "match", 10 ** 7), regex_steps.steps(linear, " " * n, "match", 10 ** 7))
             for n in (100, 200)]
    assert costs[1][0] > 3.5 * costs[0][0] and costs[1][1] < 2.5 * costs[0][1]


# --- the message of the finding ---------------------------------------------------------------------

NBSP_MESSAGE = "rs" + "\u00a0" * 330 + "12" + "\u00a0" * 660 + "x"


def test_every_unicode_space_becomes_one_plain_space():
    spaces = "\u00a0\u202f\u2009\u2000\u200a\u3000\u2028\u2029\u1680\u205f\u0085\x1c\x1d\x1e\x1f\x0b\x0c\r\n\t "
    assert all(ch.isspace() for ch in spaces)
    assert check_text(f"a{spaces}b{spaces * 3}c").text == "a b c"
    assert len(NBSP_MESSAGE) == 995 and check_text(NBSP_MESSAGE).text == "rs 12 x"


def test_the_fiche_number_still_reads_what_it_read():
    from bot.nlu.button_titles import FICHE_NUMBER
    from knowledge.catalog.search import numbers_in

    for text in ("RNCP34172", "rncp 34172", "rs 6117", " RS-6117 ?", "rncp : 34172 !!", "rs_12", "Rs\u00a06117 ?!. "):
        assert FICHE_NUMBER.match(text), text
    for text in ("rs 6117 x", "rs 1", "rs 1234567", "rncp 12 ? a", "le rncp 34172", "rs - - 12", NBSP_MESSAGE):
        assert not FICHE_NUMBER.match(text), text
    assert numbers_in("le RNCP 34172 ou le rs-6117, et RS : 12") == (["RNCP34172", "RS6117", "RS12"], [])
    assert numbers_in("rncp1234567 et 34172") == ([], ["34172"])
    assert numbers_in(NBSP_MESSAGE) == (["RS12"], [])


# Pieces of what visitors type around a fiche number, so that random texts look like one.
FICHE_PIECES = ["rs", "RS", "rncp", "Rncp", " ", "\u00a0", "\t", "-", ":", "_", "1", "23", "4567", "?", "!", ".", "x", "é"]


@settings(derandomize=True, max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(FICHE_PIECES), max_size=9).map("".join))
def test_the_number_patterns_read_what_they_read_before_the_fix(text):
    from bot.nlu.button_titles import FICHE_NUMBER
    from knowledge.catalog.search import NUMBER

    assert bool(FICHE_NUMBER.match(text)) == bool(re.match(OLD_FICHE_NUMBER, text, re.IGNORECASE))
    assert NUMBER.findall(text.lower()) == re.findall(OLD_NUMBER, text.lower())


def test_every_button_title_is_normalised_as_before_the_fix(monkeypatch):
    from bot.nlu import button_titles
    from knowledge.french import fold

    def before(text: str) -> str:
        return " ".join(re.findall(r"[a-z0-9]+", fold(re.sub(r"\([^)]*\)", " ", text))))

    button_titles.title_intents.cache_clear()
    now = button_titles.title_intents()
    monkeypatch.setattr(button_titles, "normalise", before)
    button_titles.title_intents.cache_clear()
    try:
        assert button_titles.title_intents() == now
    finally:
        button_titles.title_intents.cache_clear()


def test_the_long_message_of_the_finding_is_answered_as_its_plain_version(rasa):
    """Through the REST channel, with the trained model: the message of the finding gets the
    answer « rs 12 x » gets, so it went through the normal path."""
    hostile, plain = rasa.conversation(), rasa.conversation()
    hostile.say(NBSP_MESSAGE)
    plain.say("rs 12 x")
    def without_recipient(replies):
        return [{k: v for k, v in reply.items() if k != "recipient_id"} for reply in replies]

    assert hostile.replies and without_recipient(hostile.replies) == without_recipient(plain.replies)
