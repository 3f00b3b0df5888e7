"""How long conversations are kept: a conversation whose last message is older than the
retention period is deleted whole from the SQL tracker store (Rasa's `events` table).

Rasa keeps every event forever; the privacy page promises a period
(CQP_CONVERSATIONS_RETENTION_DAYS, 30 days by default). scripts/housekeeping.py runs this,
with the dossiers' purge, once a day in every set-up.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Optional

import sqlalchemy as sa

# One definition of where the conversations are, shared with `python -m dossiers erase`.
from dossiers.settings import DEFAULT_TRACKER_DB, days_setting, tracker_url  # noqa: F401

RETENTION_VARIABLE = "CQP_CONVERSATIONS_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 30


def retention_days() -> int:
    return days_setting(RETENTION_VARIABLE, DEFAULT_RETENTION_DAYS)


def purge_conversations(url: str, days: Optional[int] = None, now: Optional[datetime] = None) -> int:
    """Deletes the conversations whose last event is more than `days` days old; returns how many."""
    days = retention_days() if days is None else days
    cutoff = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).timestamp()
    engine = sa.create_engine(url, hide_parameters=True)
    try:
        if not sa.inspect(engine).has_table("events"):
            return 0  # no conversation yet: Rasa creates the table at its first start
        events = sa.Table("events", sa.MetaData(), autoload_with=engine)
        stale = (sa.select(events.c.sender_id).group_by(events.c.sender_id)
                 .having(sa.func.max(events.c.timestamp) < cutoff))
        with engine.begin() as connection:
            senders = [row[0] for row in connection.execute(stale)]
            for start in range(0, len(senders), 500):
                connection.execute(events.delete().where(events.c.sender_id.in_(senders[start:start + 500])))
        return len(senders)
    finally:
        engine.dispose()
