"""Where the dossiers are kept and for how long, read from the environment."""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_RETENTION_DAYS = 180
URL_VARIABLE = "CQP_DOSSIERS_URL"
TRACKER_URL_VARIABLE = "CQP_TRACKER_URL"
RETENTION_VARIABLE = "CQP_DOSSIERS_RETENTION_DAYS"
# The repository's var/, beside the tracker store: ignored by git, removed by `make clean`.
VAR_DIR = Path(__file__).resolve().parent.parent / "var"
# The embedded set-up's tracker store (endpoints.yml).
DEFAULT_TRACKER_DB = VAR_DIR / "tracker.db"


def database_url() -> str:
    """`CQP_DOSSIERS_URL` when set, else a SQLite file in the repository's var/."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if url:
        return url
    # Its owner only: it holds the dossiers and the conversations.
    VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"sqlite:///{VAR_DIR / 'dossiers.sqlite'}"


def tracker_url() -> str:
    """Rasa's tracker store: CQP_TRACKER_URL when set; else the production one when
    CQP_POSTGRES_HOST is set (deploy/endpoints.yml); else the embedded SQLite file."""
    explicit = os.environ.get(TRACKER_URL_VARIABLE, "").strip()
    if explicit:
        return explicit
    host = os.environ.get("CQP_POSTGRES_HOST", "").strip()
    if not host:
        return f"sqlite:///{DEFAULT_TRACKER_DB}"
    from sqlalchemy.engine import URL

    return str(URL.create(
        "postgresql+psycopg2", username=os.environ.get("CQP_POSTGRES_USER") or None,
        password=os.environ.get("CQP_POSTGRES_PASSWORD") or None, host=host,
        port=int(os.environ.get("CQP_POSTGRES_PORT") or 5432), database=os.environ.get("CQP_POSTGRES_DB") or None,
    ))


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
