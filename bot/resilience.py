"""When a service behind the assistant fails, the visitor is told so, and nothing is forked.

Actions. 
Rasa 3.6 waits up to five minutes for an action server, then logs the failure and answers
nothing. Installed by bot/__init__.py in the Rasa server, this wraps its remote actions:
a time limit (CQP_ACTION_TIMEOUT seconds, 10 by default) and, on any failure, one short
apology per turn in the visitor's channel. The failure is re-raised, so Rasa keeps its own
handling (the action's events are dropped and the conversation goes on at the next message,
once the action server is back), but as a new error naming only the action and the error's
type: the original's chain holds the action server's answer, which can be the whole tracker.

Conversations. Rasa wraps every tracker store in a FailSafeTrackerStore: when the database
fails, it reads "no conversation" and writes to memory instead. With several instances that
silently forks a conversation (the visitor's consent or form answers held in one process's
memory, the database's older state served by the next message). Here a failing tracker
store fails the turn instead: the channel answers that the message was not handled
(bot/channels/rest.py, widget.py), the visitor sends it again once the database is back,
and the conversation goes on from its last saved state.

Locks. A turn that cannot take its Redis lock fails the same way, before running; a lock
that cannot be released after a finished turn is let go (see install_lock_release_guard).

Long conversations. Rasa replays a session's events at every turn, and a visitor who writes
once a minute never lets it expire, so each turn would cost more than the last. Past
CQP_MAX_MESSAGES_PER_SESSION messages in one session (200 by default), a message is answered,
before the NLU, with a French notice saying how to open a new conversation, and nothing is
stored; « Supprimer mes données » (`/erase_data`) still goes through. A session that expires
starts the count again.
"""
from __future__ import annotations

import asyncio
import logging
import os

from bot.channels.messages import CONVERSATION_TOO_LONG, ERASE_BUTTON_TITLE, SERVICE_DOWN

logger = logging.getLogger(__name__)

MAX_MESSAGES_VARIABLE = "CQP_MAX_MESSAGES_PER_SESSION"
# A long real conversation (a check, the tour, a pre-qualification and questions) is well
# under a hundred messages; each message adds at most a bounded number of events (Rasa's
# max_number_of_predictions actions and their slots).
DEFAULT_MAX_MESSAGES = 200
# Erasure stays possible in a conversation at its cap (and empties it).
ERASE_COMMAND = "/erase_data"
TIMEOUT_VARIABLE = "CQP_ACTION_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 10.0
_MARK = "_cqp_resilience"
_APOLOGISED = "_cqp_apologised"


def _positive_setting(variable: str, default, kind, unit: str):
    """A positive number from the environment; a wrong value stops the start and names the variable."""
    raw = os.environ.get(variable, "").strip()
    try:
        value = kind(raw) if raw else default
    except ValueError:
        raise ValueError(f"{variable} doit être un nombre {unit} (reçu « {raw} »).") from None
    if value <= 0:
        raise ValueError(f"{variable} doit être positif.")
    return value


def action_timeout() -> float:
    return _positive_setting(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_SECONDS, float, "de secondes")


async def apologise_once(output_channel, recipient_id: str) -> None:
    """Several actions of one turn may fail in a row: the visitor hears it once."""
    if output_channel is None or getattr(output_channel, _APOLOGISED, False):
        return
    try:
        setattr(output_channel, _APOLOGISED, True)
        await output_channel.send_text_message(recipient_id, SERVICE_DOWN)
    except Exception as error:  # the channel itself may be gone (a closed socket)
        logger.warning("Apology not delivered (%s)", type(error).__name__)


class TrackerStoreUnavailable(RuntimeError):
    """The conversation could not be read or saved; the turn is not handled."""


def max_messages_per_session() -> int:
    return _positive_setting(MAX_MESSAGES_VARIABLE, DEFAULT_MAX_MESSAGES, int, "entier de messages")


def messages_in_session(events) -> int:
    """The visitor's messages since the session's start (Rasa reads only the latest session)."""
    from rasa.shared.core.events import SessionStarted, UserUttered

    count = 0
    for event in reversed(events):
        if isinstance(event, SessionStarted):
            break
        count += isinstance(event, UserUttered)
    return count


def install() -> None:
    install_action_guard()
    install_tracker_store_guard()
    install_lock_release_guard()
    install_session_cap()


class _SessionFull(Exception):
    """Raised before the NLU, caught in the same turn: the message is not processed."""


def install_session_cap() -> None:
    from rasa.core.channels.channel import CollectingOutputChannel
    from rasa.core.processor import MessageProcessor

    if getattr(MessageProcessor.handle_message, _MARK, False):
        return
    limit = max_messages_per_session()
    parse, handle = MessageProcessor._handle_message_with_tracker, MessageProcessor.handle_message

    # Between reading the conversation (its session renewed if expired) and the NLU: the one
    # point that sees the session's events before any work is spent on the message.
    async def handle_message_with_tracker(self, message, tracker):
        if messages_in_session(tracker.events) >= limit and (message.text or "").strip() != ERASE_COMMAND:
            raise _SessionFull()
        return await parse(self, message, tracker)

    async def handle_message(self, message):
        try:
            return await handle(self, message)
        except _SessionFull:
            logger.warning("Conversation at its limit of %d messages: message not processed", limit)
            output = message.output_channel
            await output.send_text_with_buttons(
                message.sender_id, CONVERSATION_TOO_LONG, [{"title": ERASE_BUTTON_TITLE, "payload": ERASE_COMMAND}])
            return output.messages if isinstance(output, CollectingOutputChannel) else None

    setattr(handle_message, _MARK, True)
    MessageProcessor._handle_message_with_tracker = handle_message_with_tracker
    MessageProcessor.handle_message = handle_message


def install_lock_release_guard() -> None:
    """Releasing a conversation's lock comes after the turn is answered and saved. If Redis
    fails just then, Rasa fails the finished turn: the visitor is told it was not handled,
    sends it again, and it runs twice (a consent or a form answer given twice lands on the
    next question). The release is let go instead; a ticket left behind expires by itself
    (TICKET_LOCK_LIFETIME), and a Redis restart leaves none."""
    from rasa.core.lock_store import LockStore

    if getattr(LockStore.cleanup, _MARK, False):
        return
    original = LockStore.cleanup

    def cleanup(self, conversation_id, ticket_number):
        try:
            original(self, conversation_id, ticket_number)
        except Exception as error:
            logger.error("Lock store: lock not released (%s)", type(error).__name__)

    setattr(cleanup, _MARK, True)
    LockStore.cleanup = cleanup


def install_tracker_store_guard() -> None:
    from rasa.core.tracker_store import FailSafeTrackerStore

    if getattr(FailSafeTrackerStore.save, _MARK, False):
        return

    def fail_loud(name: str, what: str):
        async def call(self, *args):
            try:
                return await getattr(self._tracker_store, name)(*args)
            except Exception as error:
                # The kind only: the driver's message may quote the statement and its events.
                logger.error("Tracker store: conversation not %s (%s)", what, type(error).__name__)
                raise TrackerStoreUnavailable(type(error).__name__) from None
        setattr(call, _MARK, True)
        return call

    for name, what in (("retrieve", "read"), ("retrieve_full_tracker", "read"), ("save", "saved")):
        setattr(FailSafeTrackerStore, name, fail_loud(name, what))


def install_action_guard() -> None:
    from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
    from rasa.shared.exceptions import RasaException

    if getattr(RemoteAction.run, _MARK, False):
        return
    original = RemoteAction.run
    timeout = action_timeout()

    async def run(self, output_channel, nlg, tracker, domain):
        try:
            return await asyncio.wait_for(original(self, output_channel, nlg, tracker, domain), timeout)
        except ActionExecutionRejection:
            raise  # a form refusing a value: normal dialogue, not a failure
        except asyncio.TimeoutError:
            # The action's name, never the tracker: it holds what the visitor wrote.
            logger.error("Action %s: no answer from the action server within %.0f s", self.name(), timeout)
            await apologise_once(output_channel, tracker.sender_id)
            raise RasaException(f"Action '{self.name()}' timed out") from None
        except Exception as error:
            logger.error("Action %s failed (%s)", self.name(), type(error).__name__)
            await apologise_once(output_channel, tracker.sender_id)
            # Rasa logs a failed action with its traceback. Re-raised as it was, the chain
            # would carry the action server's answer (rasa_sdk's 500 holds the whole tracker).
            raise RasaException(f"Action '{self.name()}' failed ({type(error).__name__})") from None

    setattr(run, _MARK, True)
    RemoteAction.run = run
