"""Limits per client address, applied by both channels inside each Rasa instance.

nginx limits requests per address, but a websocket is one request whatever it carries: 50
sockets from one address sending a message a second each were about the whole stack's
capacity (issue 15). And a REST request without "sender" opens a new conversation each
time. So each channel also counts, per client address:
- the messages it hands to the assistant (the widget's `session_request` too: each reads
  a conversation from the database);
- the new conversations it opens.
Over a limit the visitor gets a French message saying that the message was not read.

The client address is the one nginx limits by: nginx works it out once (its trusted proxies,
CQP_TRUSTED_PROXIES, and X-Forwarded-For) and always overwrites X-Real-IP with it
(deploy/nginx/cqp.conf.template). A channel set with `behind_proxy: true` (deploy/credentials.yml,
where Rasa is reachable through nginx only) reads that header; otherwise the peer's address is
the client's. Counting the same rule twice, in two implementations, could disagree.

The counts live in each instance's memory: with N instances an address gets at most N times
each limit (nginx spreads an address's conversations over the instances).
"""
from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from .inputs import FloodGate

ADDRESS_HEADER = "X-Real-IP"
# A person writes a message every few seconds: 60 a minute is a classroom or an office
# behind one address, and one message a second per instance from an address holding 50
# sockets (instead of 50).
DEFAULT_MESSAGES = 60
DEFAULT_MESSAGES_SECONDS = 60.0
# A visitor opens one conversation per visit (a reload or a second tab keeps it).
DEFAULT_CONVERSATIONS = 60
DEFAULT_CONVERSATIONS_SECONDS = 3600.0


def client_address(peer: Optional[str], headers: Mapping[str, Any], behind_proxy: bool) -> str:
    """The visitor's address: nginx's X-Real-IP behind the proxy, else the peer's."""
    if behind_proxy:
        claimed = headers.get(ADDRESS_HEADER) or headers.get(ADDRESS_HEADER.lower())
        if isinstance(claimed, str):
            try:
                return str(ipaddress.ip_address(claimed.strip()))
            except ValueError:
                pass
    return peer or "inconnue"


@dataclass
class AddressLimits:
    """Per-address gates; a limit of 0 means none (the embedded set-up: one machine, one address)."""
    behind_proxy: bool = False
    messages: int = DEFAULT_MESSAGES
    messages_seconds: float = DEFAULT_MESSAGES_SECONDS
    conversations: int = DEFAULT_CONVERSATIONS
    conversations_seconds: float = DEFAULT_CONVERSATIONS_SECONDS

    def __post_init__(self) -> None:
        for name in ("messages", "conversations"):
            if int(getattr(self, name)) < 0 or float(getattr(self, f"{name}_seconds")) <= 0:
                raise ValueError(f"Limite par adresse invalide : {name} (a limit per address must be >= 0, "
                                 "its window > 0 seconds).")
        self._messages = FloodGate(limit=int(self.messages), seconds=float(self.messages_seconds))
        self._conversations = FloodGate(limit=int(self.conversations), seconds=float(self.conversations_seconds))

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any]) -> "AddressLimits":
        return cls(
            behind_proxy=bool(credentials.get("behind_proxy", False)),
            messages=int(credentials.get("messages_per_address", DEFAULT_MESSAGES)),
            messages_seconds=float(credentials.get("messages_per_address_seconds", DEFAULT_MESSAGES_SECONDS)),
            conversations=int(credentials.get("conversations_per_address", DEFAULT_CONVERSATIONS)),
            conversations_seconds=float(credentials.get("conversations_per_address_seconds",
                                                        DEFAULT_CONVERSATIONS_SECONDS)),
        )

    def address(self, peer: Optional[str], headers: Mapping[str, Any]) -> str:
        return client_address(peer, headers, self.behind_proxy)

    def allow_message(self, address: str) -> bool:
        return self.messages == 0 or self._messages.allow(address)

    def allow_conversation(self, address: str) -> bool:
        return self.conversations == 0 or self._conversations.allow(address)
