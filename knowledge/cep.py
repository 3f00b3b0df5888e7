"""Which CEP operator fits a visitor, and why (data/cep.yml). A function of the facts the
orientation needs: the status and whether a disability is recognised."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

import yaml

from .model import Source
from .store import KnowledgeError

FILE = Path(__file__).resolve().parent / "data" / "cep.yml"


@dataclass(frozen=True)
class Operator:
    id: str
    label: str
    contact: str
    why: str
    statuses: Tuple[str, ...]
    disability: Optional[bool]
    sources: Tuple[Source, ...]


@dataclass(frozen=True)
class Orientation:
    """The operator for the facts known (None while a fact is missing), and what is missing."""

    operator: Optional[Operator]
    common: str
    sources: Tuple[Source, ...]
    missing: Tuple[str, ...] = ()


@lru_cache(maxsize=1)
def operators() -> Tuple[Tuple[Operator, ...], str, Tuple[Source, ...]]:
    from . import base  # late import: the package imports this module

    sources = base().sources
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))

    def cited(ids, where):
        unknown = [i for i in ids if i not in sources]
        if unknown or not ids:
            raise KnowledgeError(f"cep.yml › {where} : source(s) manquante(s) ou inconnue(s) {unknown}")
        return tuple(sources[i] for i in ids)

    found = tuple(
        Operator(id=o["id"], label=o["label"], contact=o["contact"], why=o["why"],
                 statuses=tuple(o["when"].get("statuses") or ()), disability=o["when"].get("disability"),
                 sources=cited(o["sources"], o["id"]))
        for o in data["operators"]
    )
    return found, data["common"]["text"], cited(data["common"]["sources"], "common")


def operator(operator_id: str) -> Operator:
    return next(o for o in operators()[0] if o.id == operator_id)


def orientation(status: Optional[str], disability: Optional[bool]) -> Orientation:
    """Cap emploi first for a recognised disability, then by status. `disability` None means
    not asked yet; the visitor may decline to answer (False)."""
    found, common, common_sources = operators()
    missing = tuple(name for name, value in (("status", status), ("disability", disability)) if value is None)
    if disability:
        chosen = next(o for o in found if o.disability)
        return Orientation(chosen, common, common_sources + chosen.sources)
    if missing:
        return Orientation(None, common, common_sources, missing)
    chosen = next((o for o in found if status in o.statuses), None)
    return Orientation(chosen, common, common_sources + (chosen.sources if chosen else ()))
