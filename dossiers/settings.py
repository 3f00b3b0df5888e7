"""Where the dossiers are kept and for how long, read from the environment."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_RETENTION_DAYS = 180
URL_VARIABLE = "CQP_DOSSIERS_URL"
RETENTION_VARIABLE = "CQP_DOSSIERS_RETENTION_DAYS"
# The repository's var/, beside the tracker store: ignored by git, removed by `make clean`.
VAR_DIR = Path(__file__).resolve().parent.parent / "var"


def database_url() -> str:
    """`CQP_DOSSIERS_URL` when set, else a SQLite file in the repository's var/."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if url:
        return url
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'dossiers.sqlite'}"


def retention_days() -> int:
    """`CQP_DOSSIERS_RETENTION_DAYS` when set, else DEFAULT_RETENTION_DAYS."""
    return days_setting(RETENTION_VARIABLE, DEFAULT_RETENTION_DAYS)


def days_setting(variable: str, default: int) -> int:
    """A retention period in whole days from the environment (at least 1), else `default`."""
    raw = os.environ.get(variable, "").strip()
    if not raw:
        return default
    try:
        days = int(raw)
    except ValueError:
        raise ValueError(f"{variable} doit être un nombre entier de jours (reçu « {raw} »).") from None
    try:
        return checked_retention(days)
    except ValueError as error:
        raise ValueError(f"{variable} : {error}") from None


def checked_retention(days: int) -> int:
    # Zero or less would purge every dossier at once: surely a typing mistake.
    if isinstance(days, bool) or not isinstance(days, int) or days < 1:
        raise ValueError("La durée de conservation doit être un nombre entier de jours, au moins 1.")
    return days
