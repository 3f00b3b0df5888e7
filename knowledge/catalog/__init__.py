"""The certification catalog, built from France compétences' RNCP/RS open-data export.

`make catalog EXPORT=<zip or folder>` imports a full export into var/catalog.sqlite;
until then the catalog built from the sample rows shipped in sample_export/ is used.
Pure Python and SQLite, no Rasa.
"""
from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from typing import Optional, Tuple

from .export import ExportError
from .model import Bloc, Branch, Certification, Match, Registration, SearchResult
from .store import Catalog, CatalogError

__all__ = ["Bloc", "Branch", "Catalog", "CatalogError", "Certification", "ExportError", "Match", "Registration",
           "SearchResult", "catalog", "catalog_path"]

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT = HERE / "default.sqlite"  # built from sample_export/ by `make catalog-default`
IMPORTED = ROOT / "var" / "catalog.sqlite"  # written by `make catalog EXPORT=…`
CATALOG_ENV = "CQP_CATALOG"

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_opened: Optional[Tuple[Path, float, Catalog]] = None


def catalog_path() -> Path:
    """CQP_CATALOG if set, else the imported catalog if there is one, else the shipped sample."""
    pinned = os.environ.get(CATALOG_ENV, "").strip()
    if pinned:
        return Path(pinned)
    return IMPORTED if IMPORTED.is_file() else DEFAULT


def catalog() -> Catalog:
    """The catalog in use, reopened when an import has replaced its file."""
    global _opened
    path = catalog_path()
    stamp = path.stat().st_mtime if path.exists() else -1.0
    with _lock:
        if _opened is None or _opened[0] != path or _opened[1] != stamp:
            _opened = (path, stamp, _open(path))
        return _opened[2]


def _open(path: Path) -> Catalog:
    try:
        return Catalog(path)
    except CatalogError as error:
        if path != IMPORTED:
            raise
        # An import made by an older version (another format): the bot keeps answering from
        # the shipped catalog until the export is imported again, rather than failing.
        logger.warning("%s ; le catalogue livré est utilisé en attendant.", error)
        return Catalog(DEFAULT)
