"""bot/actions/ reads no fact from text itself: every reading is in knowledge/reading (or, for
the catalog, knowledge/catalog), where it is tested on whole words and near-misses.

Parsed with `ast`, so the rule holds for code written later too:
1. no `re` at all (no import of it, no `re.` call);
2. no substring test of a literal in a value (`"vae" in text`): words are matched on tokens;
3. no keyword list: a module- or class-level collection whose strings are neither project
   identifiers (slots, intents, entities, actions of bot/domain.yml; ids of knowledge/) nor
   shown text (a message or label: it has a capital, a space or a placeholder) is a list of
   words to look for in what visitors write. A few identifiers of other kinds are listed in
   ALLOWED with the reason they are not keywords.
"""
from __future__ import annotations

import ast
import string
from pathlib import Path
from typing import Iterator, List, Set, Tuple

import pytest
import yaml

import knowledge
from knowledge import faq, rules
from knowledge.model import Outcome

ACTIONS = sorted((Path(__file__).resolve().parent.parent / "bot" / "actions").glob("*.py"))
DOMAIN = Path(__file__).resolve().parent.parent / "bot" / "domain.yml"
COLLECTIONS = (ast.Set, ast.List, ast.Tuple, ast.Dict, ast.ListComp, ast.SetComp, ast.DictComp)

# (file, name of the constant): why its strings are not words to look for in a message.
ALLOWED = {
    ("answer.py", "(ANSWER, CLARIFY)"): "decisions returned by bot/nlu/faq_selector.py, never read from text",
}


def identifiers() -> Set[str]:
    domain = yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))
    names: Set[str] = set()
    for section in ("intents", "entities", "slots", "forms", "actions", "responses"):
        for item in domain.get(section) or ():
            names.update(item if isinstance(item, dict) else [item])
    base = knowledge.base()
    for table in (base.facts, base.statuses, base.registrations, base.topics, base.values, base.reasons):
        names.update(table)
    for fact in base.facts.values():
        names.update(fact.choices)
    names.update(rules.ROUTES + rules.REGISTRATIONS)
    # The checks are named after their decision in knowledge/rules.py (vae, cpf, financing).
    names.update(name for name, value in vars(rules).items() if callable(value) and not name.startswith("_"))
    names.update(outcome.value for outcome in Outcome)
    names.add("nlu_fallback")  # Rasa's own intent (config.yml's FallbackClassifier), not in the domain
    names.update(faq.entries())
    return names


def shown(text: str) -> bool:
    """A message or a button label, not a word to look for: « Oui », « Voir plus », « {n} »."""
    return any(c.isupper() for c in text) or " " in text or "{" in text or any(c in string.punctuation.replace("_", "") for c in text)


def constants(tree: ast.Module) -> Iterator[Tuple[str, ast.AST]]:
    bodies = [tree.body] + [node.body for node in tree.body if isinstance(node, ast.ClassDef)]
    for body in bodies:
        for node in body:
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                target = node.targets[0] if isinstance(node, ast.Assign) else node.target
                value = node.value
                call = isinstance(value, ast.Call) and getattr(value.func, "id", "") in ("frozenset", "set", "tuple", "list", "dict")
                if isinstance(value, COLLECTIONS) or call:
                    yield ast.unparse(target), value


def strings(node: ast.AST) -> List[str]:
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def message_table_keys(node: ast.AST) -> Set[str]:
    """Keys of a dict whose values are all shown text: ids of messages, not keywords."""
    if not isinstance(node, ast.Dict) or not node.values:
        return set()
    if all(strings(v) and all(shown(s) for s in strings(v)) for v in node.values):
        return {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
    return set()


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: p.name)
def test_no_regular_expression(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert all(alias.name != "re" for alias in node.names), f"{path.name}:{node.lineno} imports re"
        if isinstance(node, ast.ImportFrom):
            assert node.module != "re", f"{path.name}:{node.lineno} imports from re"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert node.value.id != "re", f"{path.name}:{node.lineno} calls re.{node.attr}"


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: p.name)
def test_no_substring_test_of_a_word(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            for op, right in zip(node.ops, node.comparators):
                literal = isinstance(right, (ast.Set, ast.List, ast.Tuple, ast.Dict, ast.Constant))
                assert not isinstance(op, (ast.In, ast.NotIn)) or literal, \
                    f"{path.name}:{node.lineno} looks for « {node.left.value} » inside a value: use knowledge.reading.mentions"


@pytest.mark.parametrize("path", ACTIONS, ids=lambda p: p.name)
def test_no_keyword_list(path):
    known = identifiers()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name, value in constants(tree):
        if (path.name, name) in ALLOWED:
            continue
        allowed_keys = message_table_keys(value)
        words = [s for s in strings(value) if not shown(s) and s not in known and s not in allowed_keys]
        assert not words, (f"{path.name}: {name} holds words to look for ({', '.join(words[:5])}): "
                           "move the list to knowledge/reading, or add it to ALLOWED with the reason")


def test_every_allowed_constant_still_exists():
    defined = {(path.name, name) for path in ACTIONS for name, _ in constants(ast.parse(path.read_text(encoding="utf-8")))}
    assert set(ALLOWED) <= defined


def test_the_rule_catches_the_lists_it_replaced():
    """The keyword lists once in bot/actions/ fail the rule; the identifiers pass it."""
    known = identifiers()
    old = ast.parse('NO_EXPERIENCE = {"aucune", "rien", "pas d experience"}\n'
                    'CORRECTION_WORDS = {"contact": ("mail", "courriel", "téléphone")}\n'
                    'FIELDS = ("project", "departement", "contact", "availability")\n')
    flagged = {name for name, value in constants(old)
               if [s for s in strings(value) if not shown(s) and s not in known and s not in message_table_keys(value)]}
    assert flagged == {"NO_EXPERIENCE", "CORRECTION_WORDS"}
