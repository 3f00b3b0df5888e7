"""Builds the SQLite catalog from an export, atomically: the old catalog stays in place
until the new one is complete, so a failed import changes nothing."""
from __future__ import annotations

import os
import sqlite3
import tempfile
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional

from . import detect, export
from .export import ExportError, Row
from .search import search_keys, sort_key

SCHEMA_VERSION = "4"
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE branch (id TEXT PRIMARY KEY, label TEXT NOT NULL, cqp_count INTEGER NOT NULL);
CREATE TABLE fiche (
    number TEXT PRIMARY KEY,       -- RNCP34172, RS6117
    digits TEXT NOT NULL,          -- 34172: a number typed without its prefix
    serial INTEGER NOT NULL,       -- the same as a number: newer fiches have higher ones
    title TEXT NOT NULL,
    is_cqp INTEGER NOT NULL,
    level TEXT,
    active_flag INTEGER,           -- NULL: the export does not say
    end_date TEXT,                 -- ISO date
    branch_id TEXT REFERENCES branch(id),
    sort_key TEXT NOT NULL,        -- folded title without « CQP »: the order of lists
    search_keys TEXT NOT NULL      -- CQPs only: folded title and initials, one per line, for fuzzy search
);
CREATE INDEX fiche_digits ON fiche (digits);
CREATE INDEX fiche_branch ON fiche (branch_id, is_cqp, sort_key);
CREATE INDEX fiche_cqp ON fiche (is_cqp);
CREATE TABLE bloc (number TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL);
CREATE INDEX bloc_number ON bloc (number, code);
CREATE TABLE certifier (number TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX certifier_number ON certifier (number);
CREATE TABLE access_route (number TEXT NOT NULL, route TEXT NOT NULL);
CREATE INDEX access_route_number ON access_route (number);
CREATE TABLE rome (number TEXT NOT NULL, code TEXT NOT NULL, label TEXT NOT NULL);
CREATE INDEX rome_number ON rome (number);
CREATE INDEX rome_code ON rome (code, number);
CREATE TABLE succession (old TEXT NOT NULL, new TEXT NOT NULL, PRIMARY KEY (old, new));
CREATE INDEX succession_new ON succession (new);
-- The RNCP fiches of each ROME code, in the order Catalog.related_rncp offers them (CQPs first,
-- then the newest) and with what says whether they are in force: its key is an index that
-- answers « the 3 best in force for this code » in a few rows, where joining rome to fiche
-- went through thousands of fiches for a common code.
CREATE TABLE rncp_by_rome (
    code TEXT NOT NULL,
    is_cqp INTEGER NOT NULL,
    serial INTEGER NOT NULL,
    number TEXT NOT NULL,
    active_flag INTEGER,
    end_date TEXT,
    PRIMARY KEY (code, is_cqp, serial, number)
) WITHOUT ROWID;
"""


def build(export_path: Path, db_path: Path) -> Dict[str, int]:
    """Reads the export and replaces the catalog at `db_path`; returns what it counted."""
    data = export.read(Path(export_path))
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".catalog-", suffix=".sqlite", dir=db_path.parent)
    os.close(handle)
    try:
        with sqlite3.connect(temporary) as connection:
            counts = _write(connection, data)
        connection.close()
        os.replace(temporary, db_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return counts


def _by_number(rows: List[Row]) -> Dict[str, List[Row]]:
    grouped: Dict[str, List[Row]] = defaultdict(list)
    for row in rows:
        grouped[row.values["Numero_Fiche"]].append(row)
    return grouped


def _standard(rows: List[Row]) -> Dict[str, Row]:
    """One Standard row per fiche; where a fiche comes twice, the most complete row wins."""
    chosen: Dict[str, Row] = {}
    for row in rows:
        number = row.values["Numero_Fiche"]
        filled = sum(1 for value in row.values.values() if value)
        if number not in chosen or filled > sum(1 for v in chosen[number].values.values() if v):
            chosen[number] = row
    return chosen


def _date(row: Row, column: str) -> Optional[str]:
    value = row.values.get(column, "")
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date().isoformat()
    except ValueError:
        raise ExportError(row.file, row.line, f"{column} : date « {value[:20]} » au lieu de JJ/MM/AAAA") from None


def _level(row: Row) -> Optional[str]:
    code = row.values.get("Nomenclature_Europe_Niveau", "")
    if code.startswith("NIV") and code[3:].isdigit():
        return f"Niveau {code[3:]}"
    return None


def _active(row: Row) -> Optional[int]:
    flag = row.values.get("Actif", "").upper()
    if flag not in ("", "ACTIVE", "INACTIVE"):
        raise ExportError(row.file, row.line, f"Actif : « {flag[:20]} » au lieu de ACTIVE ou INACTIVE")
    return {"ACTIVE": 1, "INACTIVE": 0}.get(flag)


def _write(connection: sqlite3.Connection, data: export.Export) -> Dict[str, int]:
    connection.executescript(SCHEMA)
    fiches = _standard(data.rows("Standard"))
    certifiers = _by_number(data.rows("Certificateurs"))
    conventions = _by_number(data.rows("CCN"))
    branches: Dict[str, List] = {}
    fiche_rows = []
    for number, row in fiches.items():
        title = row.values["Intitule"]
        names = list(dict.fromkeys(r.values["Nom_Certificateur"] for r in certifiers.get(number, []) if r.values["Nom_Certificateur"]))
        ccn = [r.values[c] for r in conventions.get(number, []) for c in ("Ccn_1_Libelle", "Ccn_2_Libelle", "Ccn_3_Libelle")
               if r.values[c]]
        cqp = detect.is_cqp(title, row.values["Abrege_Libelle"], row.values["Type_Enregistrement"], names)
        branch_id, branch_label = detect.branch_of(names, ccn)
        entry = branches.setdefault(branch_id, [branch_label, 0])
        entry[1] += int(cqp)
        digits = number[4:] if number.startswith("RNCP") else number[2:]
        fiche_rows.append((number, digits, int(digits), title, int(cqp), _level(row), _active(row),
                           _date(row, "Date_Fin_Enregistrement"), branch_id, sort_key(title),
                           "\n".join(search_keys(title)) if cqp else ""))
    connection.executemany("INSERT INTO fiche VALUES (?,?,?,?,?,?,?,?,?,?,?)", fiche_rows)
    connection.executemany("INSERT INTO branch VALUES (?,?,?)", [(i, label, n) for i, (label, n) in branches.items()])

    def companion(part: str, columns: List[str], table: str) -> int:
        rows = [tuple(r.values[c] for c in columns) for r in data.rows(part)
                if r.values["Numero_Fiche"] in fiches and all(r.values[c] for c in columns)]
        rows = list(dict.fromkeys(rows))
        connection.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(columns))})", rows)
        return len(rows)

    counts = {
        "fiches": len(fiches),
        "cqp": sum(r[4] for r in fiche_rows),
        "blocs": companion("Blocs_De_Compétences", ["Numero_Fiche", "Bloc_Competences_Code", "Bloc_Competences_Libelle"], "bloc"),
        "certificateurs": companion("Certificateurs", ["Numero_Fiche", "Nom_Certificateur"], "certifier"),
        "voies_d_acces": companion("VoixdAccès", ["Numero_Fiche", "Si_Jury"], "access_route"),
        "rome": companion("Rome", ["Numero_Fiche", "Codes_Rome_Code", "Codes_Rome_Libelle"], "rome"),
    }
    links = set()
    for row in data.rows("Ancienne_Nouvelle_Certification"):
        number, old, new = (row.values[c] for c in ("Numero_Fiche", "Ancienne_Certification", "Nouvelle_Certification"))
        if new:
            links.add((number, new))
        if old:
            links.add((old, number))
    connection.executemany("INSERT INTO succession VALUES (?,?)", sorted(links))
    connection.execute("""INSERT INTO rncp_by_rome
                          SELECT DISTINCT r.code, f.is_cqp, f.serial, f.number, f.active_flag, f.end_date
                          FROM rome r JOIN fiche f ON f.number = r.number WHERE f.number LIKE 'RNCP%'""")
    counts["branches"] = sum(1 for _, n in branches.values() if n)
    meta = {"schema": SCHEMA_VERSION, "export": data.source, "export_date": data.date or "",
            "imported_on": date.today().isoformat(), **{f"count_{k}": str(v) for k, v in counts.items()}}
    connection.executemany("INSERT INTO meta VALUES (?,?)", sorted(meta.items()))
    return counts
