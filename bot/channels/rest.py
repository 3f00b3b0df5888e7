"""The REST channel, hardened for a public website: Rasa's own, with defined answers for
every malformed request and, in production, conversation ids that only the server issues.

Rasa's RestInput answers a body that is not JSON with an HTML error page, a missing field
with a 500, takes the client's metadata and input channel as given, lets any client write
into any conversation it names, and logs the visitor's message when a turn fails. This one:
- reads the body itself: UTF-8 JSON object, "sender" and "message" strings, else a 400 in
  JSON with a French explanation;
- with `signed_ids: true` (deploy/credentials.yml), "sender" must be an id this server
  signed (bot/channels/session_ids.py): omit it to open a conversation, the answers'
  "recipient_id" carries the new id; a forged or altered one gets a 403. Without it (the
  embedded set-up, bound to this machine), a client names its own ids, except the `w-`
  ones of the widget;
- answers empty, over-long and flooding messages in French without running the assistant,
  and limits the messages and the new conversations of each client address
  (bot/channels/limits.py: a request without "sender" opens a conversation each time);
- when a turn fails (tracker store or lock store down), answers 503 with a French message,
  and logs only the kind of error.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from . import messages
from .inputs import FloodGate, check_text, domain_intents
from .limits import AddressLimits
from .session_ids import SENDER_PREFIX, SessionIds, load_secret

logger = logging.getLogger(__name__)

_FREE_SENDER = re.compile(r"^[A-Za-z0-9_.:@+-]{1,128}$")


def _error(status: int, code: str, message: str) -> Any:
    return response.json({"erreur": code, "message": message}, status=status,
                         headers={"Cache-Control": "no-store"})


class CheckedRestInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(signed_ids=bool(credentials.get("signed_ids", False)),
                   limits=AddressLimits.from_credentials(credentials))

    def __init__(self, signed_ids: bool = False, secret: Optional[bytes] = None,
                 limits: Optional[AddressLimits] = None):
        self.signed_ids = signed_ids
        self.ids = SessionIds(secret or load_secret()) if signed_ids else None
        self.flood = FloodGate()
        self.limits = limits or AddressLimits()

    def _conversation(self, claimed: Any, address: str) -> "tuple[Optional[str], Optional[str], Any]":
        """(tracker sender, id to give back, error response) for the body's "sender"."""
        if self.ids is not None:
            if claimed is None or claimed == "":
                if not self.limits.allow_conversation(address):
                    return None, None, _error(429, "trop_de_conversations", messages.TOO_MANY_CONVERSATIONS)
                issued = self.ids.issue()
                return self.ids.sender_of(issued), issued, None
            sender = self.ids.sender_of(claimed)
            if sender is None:
                return None, None, _error(403, "conversation_inconnue", messages.UNKNOWN_CONVERSATION)
            return sender, claimed, None
        if not isinstance(claimed, str) or not _FREE_SENDER.match(claimed) or claimed.startswith(SENDER_PREFIX):
            return None, None, _error(400, "requete_invalide", messages.BAD_REQUEST)
        return claimed, claimed, None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("checked_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Any:
            try:
                body = json.loads((request.body or b"").decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                return _error(400, "requete_invalide", messages.BAD_REQUEST)
            if (not isinstance(body, dict) or not isinstance(body.get("message", ""), str)
                    or not isinstance(body.get("sender", ""), (str, type(None)))):
                return _error(400, "requete_invalide", messages.BAD_REQUEST)
            address = self.limits.address(request.ip, request.headers)
            sender, given_id, refused = self._conversation(body.get("sender"), address)
            if refused is not None:
                return refused

            def answer(text: str) -> Any:
                return response.json([{"recipient_id": given_id, "text": text}])

            checked = check_text(body.get("message"), domain_intents(request.app))
            if checked.refusal:
                return answer(checked.refusal)
            if not self.limits.allow_message(address):
                return _error(429, "trop_de_requetes", messages.ADDRESS_BUSY)
            if not self.flood.allow(sender):
                return answer(messages.TOO_FAST)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(checked.text, collector, sender, input_channel=self.name()))
            except Exception as error:
                # The kind of error only: its message could quote the conversation.
                logger.error("REST: message not handled (%s)", type(error).__name__)
                return _error(503, "indisponible", messages.UNAVAILABLE)
            for message in collector.messages:
                message["recipient_id"] = given_id
            return response.json(collector.messages)

        return webhook
