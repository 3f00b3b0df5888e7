"""When the action server fails or hangs, the visitor is told so instead of waiting in silence.

Rasa 3.6 waits up to five minutes for an action server, then logs the failure and answers
nothing. Installed by bot/__init__.py in the Rasa server, this wraps its remote actions:
a time limit (CQP_ACTION_TIMEOUT seconds, 10 by default) and, on any failure, one short
apology per turn in the visitor's channel. The failure itself is re-raised, so Rasa keeps
its own handling: the action's events are dropped and the conversation goes on at the
next message, once the action server is back.
"""
from __future__ import annotations

import asyncio
import logging
import os

from bot.channels.messages import SERVICE_DOWN

logger = logging.getLogger(__name__)

TIMEOUT_VARIABLE = "CQP_ACTION_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 10.0
_MARK = "_cqp_resilience"
_APOLOGISED = "_cqp_apologised"


def action_timeout() -> float:
    raw = os.environ.get(TIMEOUT_VARIABLE, "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_TIMEOUT_SECONDS
    except ValueError:
        raise ValueError(f"{TIMEOUT_VARIABLE} doit être un nombre de secondes (reçu « {raw} »).") from None
    if seconds <= 0:
        raise ValueError(f"{TIMEOUT_VARIABLE} doit être positif.")
    return seconds


async def apologise_once(output_channel, recipient_id: str) -> None:
    """Several actions of one turn may fail in a row: the visitor hears it once."""
    if output_channel is None or getattr(output_channel, _APOLOGISED, False):
        return
    try:
        setattr(output_channel, _APOLOGISED, True)
        await output_channel.send_text_message(recipient_id, SERVICE_DOWN)
    except Exception as error:  # the channel itself may be gone (a closed socket)
        logger.warning("Apology not delivered (%s)", type(error).__name__)


def install() -> None:
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
            raise

    setattr(run, _MARK, True)
    RemoteAction.run = run
