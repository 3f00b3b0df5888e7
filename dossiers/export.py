"""Dossiers as CSV (standard: comma, double quotes, UTF-8) or as a JSON array."""
from __future__ import annotations

import csv
import json
from datetime import date
from typing import Any, Dict, Iterable, Mapping, TextIO

from .model import FIELD_NAMES, Dossier

# Excel runs a cell that starts with one of these as a formula; the text comes from visitors.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_plain(d: Dossier) -> Dict[str, Any]:
    """JSON-ready: dates and datetimes as ISO 8601 text (datetimes in UTC, with +00:00)."""
    return {name: _plain(getattr(d, name)) for name in FIELD_NAMES}


def write_json(dossiers: Iterable[Dossier], out: TextIO) -> None:
    json.dump([as_plain(d) for d in dossiers], out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_csv(dossiers: Iterable[Dossier], out: TextIO) -> None:
    writer = csv.writer(out)
    writer.writerow(FIELD_NAMES)
    for d in dossiers:
        writer.writerow([_cell(value) for value in as_plain(d).values()])


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
