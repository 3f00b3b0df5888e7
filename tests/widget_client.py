"""A socket.io client speaking to the widget channel as the browser widget does.

python-socketio's synchronous client over websocket-client: its asyncio client needs a
newer aiohttp than the one Rasa 3.6 pins."""
from __future__ import annotations

import threading
import time
from typing import Any, Dict, List, Optional

import socketio

from tests import servers


class WidgetClient:
    def __init__(self, url: str, origin: str = servers.DEMO_ORIGIN, headers: Optional[Dict[str, str]] = None):
        self.url, self.origin, self.headers = url, origin, headers or {}
        # websocket-client sends an Origin of its own unless told which one to send.
        self.sio = socketio.Client(reconnection=False, websocket_extra_options={"origin": origin})
        self.events: List[tuple] = []
        self.session_id: Optional[str] = None
        self._changed = threading.Condition()
        for name in ("session_confirm", "history", "bot_uttered", "user_echo", "turn_end", "widget_error"):
            self.sio.on(name, self._recorder(name))

    def _recorder(self, name: str):
        def record(data: Any = None) -> None:
            with self._changed:
                if name == "session_confirm":
                    self.session_id = data
                self.events.append((name, data))
                self._changed.notify_all()
        return record

    def connect(self) -> None:
        self.sio.connect(self.url, transports=["websocket"], headers=self.headers,
                         socketio_path="/socket.io", wait_timeout=10)

    def wait_for(self, name: str, after: int = 0, timeout: float = 60) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for event, data in self.events[after:]:
                    if event == name:
                        return data
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError(f"no {name} event; got {[e for e, _ in self.events[after:]]}")
                self._changed.wait(remaining)

    def start(self, session_id: Any = None) -> Dict[str, Any]:
        """Connects, asks for a session and returns the history the server sends back."""
        self.connect()
        mark = len(self.events)
        self.sio.emit("session_request", {"session_id": session_id})
        return self.wait_for("history", after=mark)

    def say(self, message: Any, title: Optional[str] = None) -> List[Dict[str, Any]]:
        """Sends a message and returns the bot's messages up to the end of its turn."""
        mark = len(self.events)
        payload = {"message": message} if title is None else {"message": message, "title": title}
        self.sio.emit("user_uttered", payload)
        self.wait_for("turn_end", after=mark)
        return [data for event, data in self.events[mark:] if event == "bot_uttered"]

    def close(self) -> None:
        self.sio.disconnect()
