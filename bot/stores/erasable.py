"""The SQL tracker store: forgets a visitor's conversation when they ask for it, and stores
each message's understanding trimmed to what a later reader needs.

« Supprimez mes données » runs `action_erase_data`; when Rasa then saves the tracker, every
stored event of that visitor is deleted and only what follows the erasure is kept (the
bot's confirmation). Deleting from the action server instead would not do: Rasa would write
the whole in-memory tracker back at the end of the turn.

A visitor's message comes from the NLU with ten ranked intents, five ranked FAQ entries and
the offsets of its tokens. The turn's actions read them from memory; once stored, they are
only replayed (Rasa reads the whole session at every turn) and read by people reviewing a
conversation. The first few of each ranking are kept, the token offsets are not.
"""
from __future__ import annotations

import json
from typing import Any, Dict

import sqlalchemy as sa
import sqlalchemy.orm

from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

ERASE_ACTION = "action_erase_data"
# Rankings kept in a stored message: the answer and its closest alternatives.
KEPT_RANKING = 3


def stored_form(event: Event) -> Dict[str, Any]:
    """The event as stored: a visitor's message without most of its rankings."""
    data = event.as_dict()
    if not isinstance(event, UserUttered) or not isinstance(data.get("parse_data"), dict):
        return data
    parse = {key: value for key, value in data["parse_data"].items() if key != "text_tokens"}
    if isinstance(parse.get("intent_ranking"), list):
        parse["intent_ranking"] = parse["intent_ranking"][:KEPT_RANKING]
    faq = parse.get("faq")
    if isinstance(faq, dict) and isinstance(faq.get("ranking"), list):
        parse["faq"] = {**faq, "ranking": faq["ranking"][:KEPT_RANKING]}
    return {**data, "parse_data": parse}


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
            await self.stream_events(tracker)
        with self.session_scope() as session:
            if erased_at is None:
                new = self._additional_events(session, tracker)
            else:
                session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
                new = events[erased_at + 1:]
            for event in new:
                data = stored_form(event)
                session.add(self.SQLEvent(
                    sender_id=tracker.sender_id, type_name=event.type_name, timestamp=data.get("timestamp"),
                    intent_name=(data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                    action_name=data.get("name"), data=json.dumps(data),
                ))
            session.commit()
