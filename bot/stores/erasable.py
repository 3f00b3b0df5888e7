"""A SQL tracker store that forgets a visitor's conversation when they ask for it.

« Supprimez mes données » runs `action_erase_data`; when Rasa then saves the tracker, every
stored event of that visitor is deleted and only what follows the erasure is kept (the
bot's confirmation). Deleting from the action server instead would not do: Rasa would write
the whole in-memory tracker back at the end of the turn.
"""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

ERASE_ACTION = "action_erase_data"


class ErasableSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.engine.dispose()
        # Rasa's engine keeps pooled connections that a database restart has closed: each
        # would fail one visitor's turn. A ping before use replaces them silently.
        self.engine = sa.create_engine(self.engine.url, pool_pre_ping=True, hide_parameters=True,
                                       **create_engine_kwargs(self.engine.url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def save(self, tracker: DialogueStateTracker) -> None:
        events = list(tracker.events)
        erased_at = max((i for i, e in enumerate(events) if isinstance(e, ActionExecuted) and e.action_name == ERASE_ACTION),
                        default=None)
        if erased_at is None:
            await super().save(tracker)
            return
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
            for event in events[erased_at + 1:]:
                data = event.as_dict()
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()
