"""The website widget's channel: socket.io like Rasa's own, with what a public website needs.

Rasa's socketio channel accepts any origin (it turns python-socketio's origin check off),
lets a client post into whatever session id it names, restores nothing after a reload and
cuts every answer into one message per paragraph. This one:
- accepts connections only from the configured origins (CQP_CORS_ORIGINS, as `rasa run --cors`);
- hands out signed, random conversation ids (session_ids.py) and ignores the ones it did not sign;
- sends back the current conversation on reconnection, so a reload or a second tab finds it;
- tells every tab of a conversation what the visitor typed in another one;
- emits `turn_end` when the assistant has finished answering (the widget's typing indicator);
- passes on an answer's « En savoir plus » details (a custom part `{"details": {...}}`), checked
  (strings only, http(s) addresses only, sizes capped), attached to the message they follow;
- refuses empty, oversized, malformed or flooding messages with a clear French answer, before
  the NLU (bot/channels/inputs.py), and limits the messages and the new conversations of each
  client address, whatever the number of its sockets (bot/channels/limits.py).
"""
from __future__ import annotations

import logging
import os
import re
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import urlsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from rasa.shared.core.events import BotUttered, UserUttered
from sanic import Blueprint, response
from sanic.request import Request
from socketio import AsyncServer

from . import messages
from .inputs import FloodGate, check_text, domain_intents
from .limits import AddressLimits
from .messages import MAX_MESSAGE_CHARS  # noqa: F401  (the tests read the limit here)
from .session_ids import SessionIds, load_secret

logger = logging.getLogger(__name__)

ORIGINS_VARIABLE = "CQP_CORS_ORIGINS"
DEFAULT_ORIGINS = "http://localhost:8080,http://127.0.0.1:8080"
MAX_TITLE_CHARS = 200
MAX_FRAME_BYTES = 16 * 1024
MAX_HISTORY = 200
# « En savoir plus » (a custom part {"details": {...}}): what the widget gets of it, at most.
DETAILS_LABEL = "En savoir plus"
MAX_DETAILS_LABEL_CHARS = 60
MAX_DETAILS_TEXT_CHARS = 6000
MAX_DETAILS_DATES_CHARS = 300
MAX_SOURCES = 8
MAX_SOURCE_TITLE_CHARS = 200
MAX_URL_CHARS = 2000
# Controls and the invisible marks that can reverse or hide text; line feeds stay (paragraphs).
_CONTROLS = re.compile("[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def allowed_origins() -> List[str]:
    raw = os.environ.get(ORIGINS_VARIABLE, "").strip() or DEFAULT_ORIGINS
    return [origin.strip().rstrip("/") for origin in raw.split(",") if origin.strip()]


def _string(value: Any, limit: int, lines: bool = False) -> Optional[str]:
    """A string from the bot, without controls, cut at `limit` characters; None if nothing is left."""
    if not isinstance(value, str):
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROLS.sub(" ", text if lines else text.replace("\n", " "))
    text = re.sub("\n{3,}", "\n\n", text).strip()
    if len(text) > limit:
        text = text[:limit - 1].rstrip() + "…"
    return text or None


def _http_url(value: Any) -> Optional[str]:
    """An absolute http(s) address, whole (an address is never cut), or None."""
    if not isinstance(value, str) or len(value) > MAX_URL_CHARS or _CONTROLS.search(value) or re.search(r"\s", value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme.lower() in ("http", "https") and parts.hostname else None


def details_of(custom: Any) -> Optional[Dict[str, Any]]:
    """The « En savoir plus » part of a bot message's custom data, as the widget may show it:
    only the `details` key, strings only, http(s) sources only, sizes capped. None when there
    is nothing to show (no text and no source)."""
    raw = custom.get("details") if isinstance(custom, dict) else None
    if not isinstance(raw, dict):
        return None
    sources = []
    for source in raw.get("sources") if isinstance(raw.get("sources"), list) else []:
        url = _http_url(source.get("url")) if isinstance(source, dict) else None
        if url and len(sources) < MAX_SOURCES:
            sources.append({"title": _string(source.get("title"), MAX_SOURCE_TITLE_CHARS) or "", "url": url})
    text = _string(raw.get("text"), MAX_DETAILS_TEXT_CHARS, lines=True)
    if not text and not sources:
        return None
    details: Dict[str, Any] = {
        "label": _string(raw.get("label"), MAX_DETAILS_LABEL_CHARS) or DETAILS_LABEL,
        "text": text or "",
        "sources": sources,
    }
    dates = _string(raw.get("dates"), MAX_DETAILS_DATES_CHARS)
    if dates:
        details["dates"] = dates
    return details


class WidgetOutput(SocketIOOutput):
    """One socket.io message per utterance: the widget lays out its paragraphs itself. An
    answer's details (its custom part) travel in the same message as its text."""

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        details = details_of(message.get("custom"))
        text = message.get("text")
        if details is None or not text or message.get("quick_replies") or message.get("image") \
                or message.get("attachment") or message.get("elements"):
            await super().send_response(recipient_id, message)
            return
        shown: Dict[str, Any] = {"text": text}
        if message.get("buttons"):
            shown["quick_replies"] = _replies(message["buttons"])
        shown["details"] = details
        await self._send_message(recipient_id, shown)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text})

    async def send_text_with_buttons(self, recipient_id: Text, text: str, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        await self._send_message(recipient_id, {"text": text, "quick_replies": _replies(buttons)})

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        """A custom part on its own (Rasa sends it after the message's text): its details only,
        which the widget attaches to the message before; anything else is not for the widget.
        (Rasa's socketio channel passes the whole dict to `emit` as keyword arguments.)"""
        details = details_of(json_message)
        if details is not None:
            await self._send_message(recipient_id, {"details": details})


def _replies(buttons: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [{"title": b.get("title"), "payload": b.get("payload")} for b in buttons]


def _shown_text(user_text: str, offered: List[Dict[str, Any]]) -> Optional[str]:
    """What the visitor saw themselves send: a button's title rather than its payload."""
    if not user_text.startswith("/"):
        return user_text
    for button in offered:
        if button.get("payload") == user_text:
            return button.get("title")
    return None


def conversation_of(events: List[Any]) -> List[Dict[str, Any]]:
    """The messages of a conversation as the widget shows them."""
    messages: List[Dict[str, Any]] = []
    offered: List[Dict[str, Any]] = []
    for event in events:
        if isinstance(event, UserUttered) and event.text:
            shown = _shown_text(event.text, offered)
            if shown:
                messages.append({"from": "user", "text": shown})
        elif isinstance(event, BotUttered):
            data = event.data or {}
            buttons = data.get("buttons") or []
            details = details_of(data.get("custom"))
            if event.text or buttons:
                offered = buttons
                message: Dict[str, Any] = {"from": "bot", "text": event.text or ""}
                if buttons:
                    message["quick_replies"] = _replies(buttons)
                if details:
                    message["details"] = details
                messages.append(message)
            elif details and messages and messages[-1]["from"] == "bot" and "details" not in messages[-1]:
                messages[-1]["details"] = details  # a custom part on its own: for the message before
    return messages[-MAX_HISTORY:]


class WidgetChannel(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "widget"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        credentials = credentials or {}
        return cls(credentials.get("socketio_path", "/socket.io"), limits=AddressLimits.from_credentials(credentials))

    def __init__(self, socketio_path: Text = "/socket.io", secret: Optional[bytes] = None,
                 limits: Optional[AddressLimits] = None):
        self.socketio_path = socketio_path
        self.ids = SessionIds(secret or load_secret())
        self.sio: Optional[AsyncServer] = None
        self.flood = FloodGate()
        # Per connection as well: nginx sees a websocket as one request, whatever it carries.
        self.per_socket = FloodGate(limit=30, seconds=20.0)
        # And per client address: one address may hold many sockets.
        self.limits = limits or AddressLimits()
        self._app: Any = None

    def get_output_channel(self) -> Optional[OutputChannel]:
        return WidgetOutput(self.sio, "bot_uttered") if self.sio else None

    async def _history(self, sender: str) -> List[Dict[str, Any]]:
        if self._app is None:
            return []
        agent = self._app.ctx.agent
        tracker = await agent.tracker_store.retrieve(sender)
        if tracker is None or not tracker.events:
            return []
        expiry_minutes = agent.domain.session_config.session_expiration_time if agent.domain else 0
        last = tracker.events[-1].timestamp
        if expiry_minutes and time.time() - last > expiry_minutes * 60:
            return []  # Rasa starts a new session at the next message: show an empty one
        return conversation_of(list(tracker.events))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # A message is at most 1,000 characters: a frame over 16 KiB ends the connection in
        # the socket.io layer instead of reaching the application (python-socketio's default
        # is 1 MB; nginx's body limit does not apply to websocket frames).
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=allowed_origins(),
                          max_http_buffer_size=MAX_FRAME_BYTES)
        self.sio = sio
        blueprint = SocketBlueprint(sio, self.socketio_path, "widget_webhook", __name__)

        @blueprint.route("/", methods=["GET"])
        async def health(_: Request) -> Any:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: Text, environ: Dict, auth: Optional[Dict] = None) -> bool:
            request = environ.get("sanic.request")
            if request is not None:
                self._app = request.app
            address = self.limits.address(getattr(request, "ip", None), getattr(request, "headers", {}))
            await sio.save_session(sid, {"address": address})
            return True

        async def refuse_session(sid: Text, text: str) -> None:
            # Said in the conversation's window, then the socket is closed: the widget offers to
            # reconnect, and the visitor's typed text stays in its input.
            await sio.emit("bot_uttered", {"text": text}, room=sid)
            await sio.disconnect(sid)

        @sio.on("session_request")
        async def session_request(sid: Text, data: Any) -> None:
            if not self.per_socket.allow(sid):  # one socket cannot open conversations without end
                await sio.emit("widget_error", {"reason": "flood"}, room=sid)
                return
            session = await sio.get_session(sid)
            address = session.get("address", "inconnue")
            if not self.limits.allow_message(address):  # each request reads a conversation
                await refuse_session(sid, messages.ADDRESS_BUSY)
                return
            claimed = data.get("session_id") if isinstance(data, dict) else None
            sender = self.ids.sender_of(claimed)
            if sender is None and not self.limits.allow_conversation(address):
                await refuse_session(sid, messages.TOO_MANY_CONVERSATIONS)
                return
            session_id = claimed if sender else self.ids.issue()
            sender = sender or self.ids.sender_of(session_id)
            previous = session.get("sender")
            if previous and previous != sender:  # « nouvelle conversation » in an open tab
                await sio.leave_room(sid, previous)
            await sio.save_session(sid, {**session, "sender": sender})
            await sio.enter_room(sid, sender)
            await sio.emit("session_confirm", session_id, room=sid)
            try:
                history = await self._history(sender)
            except Exception as error:  # a tracker store hiccup must not stop the visitor from talking
                # The kind of error only: its message or traceback could quote the conversation.
                logger.error("Widget: conversation not restored (%s)", type(error).__name__)
                history = []
            await sio.emit("history", {"messages": history}, room=sid)

        async def answer_directly(sender: str, text: str) -> None:
            await sio.emit("bot_uttered", {"text": text}, room=sender)
            await sio.emit("turn_end", {}, room=sender)

        @sio.on("user_uttered")
        async def handle_message(sid: Text, data: Any) -> None:
            session = await sio.get_session(sid)
            sender = session.get("sender")
            if not sender:
                await sio.emit("widget_error", {"reason": "session"}, room=sid)
                return
            checked = check_text(data.get("message") if isinstance(data, dict) else None, domain_intents(self._app))
            if checked.refusal:
                await answer_directly(sender, checked.refusal)
                return
            if not self.flood.allow(sender) or not self.per_socket.allow(sid):
                await answer_directly(sender, messages.TOO_FAST)
                return
            if not self.limits.allow_message(session.get("address", "inconnue")):
                await answer_directly(sender, messages.ADDRESS_BUSY)
                return
            text = checked.text
            title = data.get("title")
            shown_title = check_text(title).text if isinstance(title, str) and len(title) <= MAX_TITLE_CHARS else None
            shown = shown_title or text
            if not shown.startswith("/"):  # a hidden command (the widget's greeting) stays hidden
                await sio.emit("user_echo", {"text": shown}, room=sender, skip_sid=sid)
            message = UserMessage(text, WidgetOutput(sio, "bot_uttered"), sender, input_channel=self.name())
            try:
                await on_new_message(message)
            except Exception as error:
                logger.error("Widget: message not handled (%s)", type(error).__name__)
                await sio.emit("widget_error", {"reason": "server"}, room=sid)
            await sio.emit("turn_end", {}, room=sender)

        return blueprint
