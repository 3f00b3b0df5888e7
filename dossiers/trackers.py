"""Deletes whole conversations from Rasa's SQL tracker store (its `events` table), for an
erasure request received outside the assistant (`python -m dossiers erase --contact …`).

Plain SQLAlchemy on the table Rasa creates: this package must work without Rasa.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from sqlalchemy import column, create_engine, delete, func, inspect, select, table
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from .store import StorageError, _kind

EVENTS = table("events", column("sender_id"))


def delete_conversations(url: str, sender_ids: Iterable[str]) -> int:
    """Deletes every event of these conversations; returns how many conversations had some."""
    senders = sorted(set(sender_ids))
    if not senders or _missing_sqlite_file(url):
        return 0
    engine = create_engine(url, future=True, hide_parameters=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0  # Rasa creates the table at its first start
        erased = 0
        with engine.begin() as connection:
            for start in range(0, len(senders), 500):
                chunk = EVENTS.c.sender_id.in_(senders[start:start + 500])
                erased += connection.execute(select(func.count(func.distinct(EVENTS.c.sender_id))).where(chunk)).scalar()
                connection.execute(delete(EVENTS).where(chunk))
        return erased
    except SQLAlchemyError as error:
        # Not chained: a driver's message may quote the statement's values.
        raise StorageError(
            f"Impossible d'effacer les conversations ({_kind(error)}). Vérifiez l'adresse du stockage des "
            "conversations (--trackers-url, sinon CQP_TRACKER_URL ou CQP_POSTGRES_*) et ses droits."
        ) from None
    finally:
        engine.dispose()


def _missing_sqlite_file(url: str) -> bool:
    # Connecting would create an empty file: no file, no conversation.
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and bool(parsed.database) and not Path(parsed.database).exists()
