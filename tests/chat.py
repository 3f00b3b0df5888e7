"""What a REST visitor reads of the assistant's last answer, for every test client."""
from __future__ import annotations

from typing import Any, Dict, List


class Replies:
    """Mixed into a client whose `say` stores the answer's messages in `self.replies`."""

    replies: List[Dict[str, Any]]

    def say(self, message: str) -> List[Dict[str, Any]]:
        raise NotImplementedError

    @property
    def text(self) -> str:
        return "\n".join(r.get("text", "") for r in self.replies)

    @property
    def buttons(self) -> List[Dict[str, str]]:
        return [b for r in self.replies for b in r.get("buttons", [])]

    @property
    def payloads(self) -> List[str]:
        return [b["payload"] for b in self.buttons]

    def click(self, title_start: str) -> List[Dict[str, Any]]:
        button = next(b for b in self.buttons if b["title"].startswith(title_start))
        return self.say(button["payload"])
