"""What the export does not say in a column: is a fiche a CQP, and which branch is it from.

`Abrege_Libelle` is empty on « Enregistrement sur demande » fiches, CQPs included, so a
CQP is recognised from its title (« CQP Tourier », « … (CQPM) », « … (CQPI) ») or from
a certificateur that is a branch body. Branches come from data/branches.yml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Optional, Sequence, Tuple

import yaml

from ..french import fold

BRANCHES_FILE = Path(__file__).resolve().parent.parent / "data" / "branches.yml"
CQP_CODES = {"CQP", "CQPM", "CQPI"}
CQP_TITLE = re.compile(r"^\s*cqp[mi]?\b|\bcqp[mi]?\b|certificat de qualification professionnelle", re.IGNORECASE)
# A branch body also certifies other things now and then: titles that say so are not CQPs.
NOT_CQP_TITLE = re.compile(r"^\s*(titre|diplome|licence|master|bachelor|bts|cap|bac|brevet|habilitation)\b")
ON_REQUEST = "Enregistrement sur demande"
# A certificateur that is a branch body (not a school or a ministry), the ones that create CQPs.
BRANCH_BODY = re.compile(r"\b(branche|paritaire|paritarisme|cpne|uimm|ocapiat|oc sport|hbjo|confede|confederation|"
                         r"federation|feder|union|syndicat|chambre syndicale|association nationale|ass nationale)\b")
OTHER_BRANCH = ("autres", "Autres branches (branche non précisée)")


@dataclass(frozen=True)
class BranchRule:
    id: str
    label: str
    aliases: Tuple[str, ...]
    certifiers: Tuple[str, ...]
    conventions: Tuple[str, ...]


@lru_cache(maxsize=1)
def branch_rules() -> Tuple[BranchRule, ...]:
    data = yaml.safe_load(BRANCHES_FILE.read_text(encoding="utf-8"))
    return tuple(
        BranchRule(
            id=entry["id"], label=entry["label"],
            aliases=tuple(fold(a) for a in entry.get("aliases") or ()),
            certifiers=tuple(fold(c) for c in entry.get("certificateurs") or ()),
            conventions=tuple(fold(c) for c in entry.get("conventions") or ()),
        )
        for entry in data["branches"]
    )


@lru_cache(maxsize=65536)
def folded(text: str) -> str:
    # The same certificateur names come back thousands of times in a full export.
    return fold(text)


def is_cqp(title: str, abbreviation: str, registration_type: str, certifiers: Sequence[str]) -> bool:
    if abbreviation.upper() in CQP_CODES or CQP_TITLE.search(title):
        return True
    if registration_type != ON_REQUEST or NOT_CQP_TITLE.search(fold(title)):
        return False
    return any(BRANCH_BODY.search(folded(name)) and _mentions(folded(name), rule.certifiers)
               for name in certifiers for rule in branch_rules() if rule.certifiers)


def branch_of(certifiers: Sequence[str], conventions: Sequence[str]) -> Tuple[str, str]:
    """(id, label) of the branch, from the certificateurs first, then the CCN labels."""
    folded_certifiers = [folded(name) for name in certifiers]
    folded_conventions = [folded(label) for label in conventions]
    for rule in branch_rules():
        if any(_mentions(name, rule.certifiers) for name in folded_certifiers):
            return rule.id, rule.label
    for rule in branch_rules():
        if any(_mentions(label, rule.conventions) for label in folded_conventions):
            return rule.id, rule.label
    if conventions:
        # Not `\s*\(`: searched from every space of a long run, it read the whole run each time.
        label = re.sub(r"\(.*", "", conventions[0]).strip() or conventions[0]
        return "ccn_" + re.sub(r"[^a-z0-9]+", "_", fold(label)).strip("_")[:40], label[:1].upper() + label[1:]
    return OTHER_BRANCH


def find_branch(text: str, present: Iterable[str]) -> Optional[str]:
    """The id of the branch a visitor names (« la métallurgie », « les cqp du sport »), among those present."""
    folded = " " + " ".join(re.findall(r"[a-z0-9]+", fold(text))) + " "
    present = set(present)
    best: Optional[Tuple[int, str]] = None
    for branch_id, names in _branch_names():
        if branch_id not in present:
            continue
        for words in names:
            if f" {words} " in folded and (best is None or len(words) > best[0]):
                best = (len(words), branch_id)
    return best[1] if best else None


@lru_cache(maxsize=1)
def _branch_names() -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    """(branch id, its aliases and label as folded words), worked out once rather than on every
    message that may name a branch."""
    names = []
    for rule in branch_rules():
        words = (" ".join(re.findall(r"[a-z0-9]+", alias)) for alias in (*rule.aliases, fold(rule.label)))
        names.append((rule.id, tuple(w for w in words if w)))
    return tuple(names)


def _mentions(text: str, words: Sequence[str]) -> bool:
    """A word at the start of a word of the text: « transport » is in « transports routiers »,
    « sport » is not in « transports »."""
    return any(word and _word_start(word).search(text) for word in words)


@lru_cache(maxsize=1024)
def _word_start(word: str):
    return re.compile(r"(?<![a-z0-9])" + re.escape(word))
