"""The action server's last resort: an action that fails still answers the visitor in French.

rasa_sdk answers an exception with a 500 whose body is the request, that is the whole
tracker (every message and slot of the conversation); Rasa kept that body in its exception
chain, and its log printed it. Every action, present or future, runs through
`ActionExecutor.run`, so the handler sits there rather than in each action: the log gets the
action's name and the error's type and place, never its message (it may quote what the
visitor wrote); the visitor gets an apology and a way forward; the action's events are
dropped, as Rasa drops those of a failed action. A form refusing a value
(ActionExecutionRejection) and an unknown action name keep rasa_sdk's own answers.
"""
from __future__ import annotations

import logging
import os
import traceback
from typing import Any, Dict, Optional

from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

from . import ui

logger = logging.getLogger(__name__)
_MARK = "_cqp_last_resort"


def install() -> None:
    if getattr(ActionExecutor.run, _MARK, False):
        return
    original = ActionExecutor.run

    async def run(self: ActionExecutor, action_call: Any) -> Optional[Dict[str, Any]]:
        try:
            return await original(self, action_call)
        except (ActionExecutionRejection, ActionNotFoundException):
            raise
        except Exception as error:
            logger.error("Action %s failed (%s at %s)", _action_name(action_call), type(error).__name__, _place(error))
            dispatcher = CollectingDispatcher()
            dispatcher.utter_message(text=ui.ACTION_FAILED)
            return {"events": [], "responses": dispatcher.messages}

    setattr(run, _MARK, True)
    ActionExecutor.run = run


def _action_name(action_call: Any) -> str:
    name = action_call.get("next_action") if isinstance(action_call, dict) else None
    # Only a name this server knows is logged: the field comes from the request.
    return name if isinstance(name, str) and name.isidentifier() and len(name) <= 64 else "?"


def _place(error: BaseException) -> str:
    """File and line where it was raised: enough to find the bug, nothing of the conversation."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    return f"{os.path.basename(frames[-1].filename)}:{frames[-1].lineno}"
