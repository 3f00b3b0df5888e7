"""Which CEP operator fits a visitor, and why (data/cep.yml). A function of the facts the
orientation needs: the status and whether a disability is recognised."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Optional, Tuple

import yaml

from .model import Source
from .store import KnowledgeError, validity

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
    start: date
    end: Optional[date]
    last_checked: date

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class Orientation:
    """The operator for the facts known (None while a fact is missing), and what is missing.
    `last_checked`: the oldest check of what it says (the common text and the operator)."""

    operator: Optional[Operator]
    common: str
    sources: Tuple[Source, ...]
    missing: Tuple[str, ...] = ()
    last_checked: Optional[date] = None


@lru_cache(maxsize=1)
def _data() -> dict:
    return yaml.safe_load(FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def operators() -> Tuple[Tuple[Operator, ...], str, Tuple[Source, ...]]:
    from . import base  # late import: the package imports this module

    sources = base().sources
    data = _data()

    def cited(ids, where):
        unknown = [i for i in ids if i not in sources]
        if unknown or not ids:
            raise KnowledgeError(f"cep.yml › {where} : source(s) manquante(s) ou inconnue(s) {unknown}")
        return tuple(sources[i] for i in ids)

    def operator_of(index: int, item) -> Operator:
        where = f"cep.yml › opérateur {index + 1}"
        if isinstance(item, dict) and item.get("id"):
            where = f"cep.yml › {item['id']}"
        dates = validity(item, where)
        return Operator(id=item["id"], label=item["label"], contact=item["contact"], why=item["why"],
                        statuses=tuple(item["when"].get("statuses") or ()), disability=item["when"].get("disability"),
                        sources=cited(item["sources"], item["id"]), start=dates.start, end=dates.end,
                        last_checked=dates.last_checked)

    common_validity()
    found = tuple(operator_of(index, item) for index, item in enumerate(data["operators"]))
    return found, data["common"]["text"], cited(data["common"]["sources"], "common")


@lru_cache(maxsize=1)
def common_validity():
    """The dates of the text said to everyone (cep.yml › common)."""
    return validity(_data().get("common"), "cep.yml › common")


def operator(operator_id: str) -> Operator:
    return next(o for o in operators()[0] if o.id == operator_id)


def orientation(status: Optional[str], disability: Optional[bool]) -> Orientation:
    """Cap emploi first for a recognised disability, then by status. `disability` None means
    not asked yet; the visitor may decline to answer (False)."""
    found, common, common_sources = operators()
    checked = common_validity().last_checked
    missing = tuple(name for name, value in (("status", status), ("disability", disability)) if value is None)
    if disability:
        chosen = next(o for o in found if o.disability)
        return Orientation(chosen, common, common_sources + chosen.sources, last_checked=min(checked, chosen.last_checked))
    if missing:
        return Orientation(None, common, common_sources, missing, last_checked=checked)
    chosen = next((o for o in found if status in o.statuses), None)
    return Orientation(chosen, common, common_sources + (chosen.sources if chosen else ()),
                       last_checked=min(checked, chosen.last_checked) if chosen else checked)
