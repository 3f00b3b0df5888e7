"""Reads the SQLite catalog: one fiche by number, ranked search, branches a few at a time."""
from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from . import detect, search
from .build import SCHEMA_VERSION
from .model import Bloc, Branch, Certification, Match, SearchResult

# What lists and searches show of a fiche: one row, without its blocs, certificateurs and routes.
SUMMARY = "SELECT number, title, is_cqp, level, active_flag, end_date, branch_id FROM fiche"

# One ROME code's RNCP fiches in force on a day, best first, read from the index of rncp_by_rome
# (build.py) in its order: the walk stops after `limit` fiches, however common the code.
RELATED_FOR_CODE = """
    SELECT is_cqp, serial, number FROM rncp_by_rome
    WHERE code = ? AND number != ?
      AND (active_flag IS NULL OR active_flag = 1)
      AND (end_date >= ? OR (end_date IS NULL AND active_flag = 1))
    ORDER BY is_cqp DESC, serial DESC, number DESC LIMIT ?"""


class CatalogError(Exception):
    """The catalog file is missing or is not a catalog this code can read."""


class Catalog:
    def __init__(self, path: Path):
        self.path = Path(path)
        if not self.path.is_file():
            raise CatalogError(f"{self.path} : catalogue introuvable (make catalog EXPORT=… le construit)")
        self._local = threading.local()
        try:
            self.meta: Dict[str, str] = dict(self._rows("SELECT key, value FROM meta"))
            if self.meta.get("schema") != SCHEMA_VERSION:
                # An older import lacks the tables this code reads (rncp_by_rome since schema 4).
                raise CatalogError(f"{self.path} : catalogue au format {self.meta.get('schema', '?')}, ce code lit le format "
                                   f"{SCHEMA_VERSION} (refaites l'import : make catalog EXPORT=…)")
            self._branches = {row[0]: Branch(*row) for row in self._rows("SELECT id, label, cqp_count FROM branch")}
            self._index = search.FuzzyIndex(self._rows("SELECT number, search_keys FROM fiche WHERE is_cqp = 1"))
            # Folded once here rather than on every find_branch.
            self._labels = {b.id: search.query_of(b.label) for b in self.branches()}
            self._size = self._rows("SELECT COUNT(*) FROM fiche")[0][0]
        except sqlite3.DatabaseError as error:
            raise CatalogError(f"{self.path} : ce n'est pas un catalogue lisible ({error})") from None

    def _connection(self) -> sqlite3.Connection:
        # One read-only connection per thread: the file may be replaced by an import at
        # any time, and sqlite3 connections must not cross threads.
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=True)
            self._local.connection = connection
        return connection

    def _rows(self, sql: str, *args) -> List[tuple]:
        return self._connection().execute(sql, args).fetchall()

    # --- one fiche -------------------------------------------------------------------
    def get(self, number: str) -> Optional[Certification]:
        rows = self._rows(f"{SUMMARY} WHERE number = ?", number.upper().replace(" ", ""))
        if not rows:
            return None
        number = rows[0][0]
        return self._certification(
            rows[0],
            certifiers=tuple(r[0] for r in self._rows("SELECT name FROM certifier WHERE number = ? ORDER BY rowid", number)),
            blocs=tuple(Bloc(*r) for r in self._rows("SELECT code, label FROM bloc WHERE number = ? ORDER BY code", number)),
            access_routes=tuple(r[0] for r in self._rows("SELECT route FROM access_route WHERE number = ? ORDER BY rowid", number)),
            replaced_by=tuple(r[0] for r in self._rows("SELECT new FROM succession WHERE old = ? ORDER BY new", number)),
            replaces=tuple(r[0] for r in self._rows("SELECT old FROM succession WHERE new = ? ORDER BY old", number)),
        )

    def _certification(self, row: tuple, **details) -> Certification:
        """A fiche from a SUMMARY row; `details` adds what only `get` reads (blocs, certificateurs…)."""
        number, title, is_cqp, level, active_flag, end_date, branch_id = row
        return Certification(number=number, title=title, is_cqp=bool(is_cqp), level=level,
                             active_flag=None if active_flag is None else bool(active_flag),
                             end_date=date.fromisoformat(end_date) if end_date else None,
                             branch=self._branches.get(branch_id), **details)

    def _summaries(self, numbers: Sequence[str]) -> Dict[str, Certification]:
        """The fiches of these numbers that the catalog holds, in one query rather than one each."""
        if not numbers:
            return {}
        rows = self._rows(f"{SUMMARY} WHERE number IN ({','.join('?' * len(numbers))})", *numbers)
        return {row[0]: self._certification(row) for row in rows}

    # --- search ------------------------------------------------------------------------
    def search(self, text: str, on: date, limit: int = 5) -> SearchResult:
        """Fiches a visitor's words name: by number first (« RNCP34172 », « rs 6117 »,
        « 36996 »), else by name among the CQPs, best first; ties go to fiches in force."""
        prefixed, bare = search.numbers_in(text)
        if prefixed or bare:
            found = [c for c in (self.get(n) for n in prefixed) if c]
            for digits in bare:
                found += [self._certification(row) for row in self._rows(f"{SUMMARY} WHERE digits = ? ORDER BY number", digits)]
            if found or prefixed:
                return SearchResult(text, tuple(Match(c, 100.0) for c in found[:limit]), by_number=True)
        ranked = self._index.rank(search.query_of(text), limit=limit * 2)
        codes = search.codes_in(text)
        fiches = self._summaries([number for number, _ in ranked])
        matches = [Match(fiches[number], score) for number, score in ranked]
        if codes and any(self._has_code(m.certification, codes) for m in matches):
            matches = [Match(m.certification, m.score - (0 if self._has_code(m.certification, codes) else 10)) for m in matches]
        # A CQP re-registered under a new number (RNCP19468 -> RS6117) is one CQP: keep the newest.
        numbers = {m.certification.number for m in matches}
        replaced = {old for (old,) in self._rows(
            f"SELECT old FROM succession WHERE old IN ({','.join('?' * len(numbers))}) AND new IN ({','.join('?' * len(numbers))})",
            *numbers, *numbers)} if numbers else set()
        matches = [m for m in matches if m.certification.number not in replaced]
        matches.sort(key=lambda m: (-round(m.score), m.certification.registration(on).value != "active", m.certification.number))
        return SearchResult(text, tuple(matches[:limit]))

    @staticmethod
    def _has_code(fiche: Certification, codes: set) -> bool:
        # Every CQP of the métallurgie is a CQPM, whether or not its title says so.
        return bool(search.codes_in(fiche.title) & codes) or ("cqpm" in codes and fiche.branch is not None
                                                               and fiche.branch.id == "metallurgie")

    def clear(self, result: SearchResult) -> bool:
        """One match stands out: the one the visitor meant."""
        if result.by_number:
            return len(result.matches) == 1
        return search.clear_winner([(m.certification.number, m.score) for m in result.matches])

    # --- branches ----------------------------------------------------------------------
    def branches(self) -> List[Branch]:
        """Branches with at least one CQP, the largest first."""
        return sorted((b for b in self._branches.values() if b.cqp_count), key=lambda b: (-b.cqp_count, b.label))

    def branch(self, branch_id: str) -> Optional[Branch]:
        return self._branches.get(branch_id)

    def find_branch(self, text: str) -> Optional[Branch]:
        """The branch a visitor names, by its aliases (data/branches.yml) or its label."""
        found = detect.find_branch(text, self._labels)  # the branches with CQPs
        if found:
            return self._branches[found]
        query = search.query_of(text)
        best = max(((search.fuzz.token_set_ratio(query, label), i) for i, label in self._labels.items() if label), default=None)
        return self._branches[best[1]] if best and query and best[0] >= 85 else None

    def in_branch(self, branch_id: str, offset: int = 0, limit: int = 5) -> Tuple[List[Certification], int]:
        """CQPs of a branch, alphabetical, from `offset`; and how many there are in all."""
        total = self._rows("SELECT COUNT(*) FROM fiche WHERE branch_id = ? AND is_cqp = 1", branch_id)[0][0]
        rows = self._rows(f"{SUMMARY} WHERE branch_id = ? AND is_cqp = 1 ORDER BY sort_key, number LIMIT ? OFFSET ?",
                          branch_id, limit, max(offset, 0))
        return [self._certification(row) for row in rows], total

    # --- related fiches ----------------------------------------------------------------
    def related_rncp(self, certification: Certification, on: date, limit: int = 3) -> List[Certification]:
        """RNCP certifications in force for the same jobs (ROME codes): what a visitor can aim
        at by VAE when their CQP is only in the RS. CQPs first, then the newest."""
        found: Dict[str, Tuple[int, int]] = {}
        for (code,) in self._rows("SELECT DISTINCT code FROM rome WHERE number = ?", certification.number):
            for is_cqp, serial, number in self._rows(RELATED_FOR_CODE, code, certification.number, on.isoformat(), limit):
                found[number] = (is_cqp, serial)
        # The best `limit` of each code hold the best `limit` of all: any fiche ahead of one
        # of those is ahead of it in its code's list too.
        best = sorted(found, key=lambda number: (found[number], number), reverse=True)[:limit]
        fiches = self._summaries(best)
        return [fiches[number] for number in best]

    def successors(self, certification: Certification) -> List[Certification]:
        fiches = self._summaries(certification.replaced_by)
        return [fiches[number] for number in certification.replaced_by if number in fiches]

    def __len__(self) -> int:
        return self._size

