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

    @property
    def entry(self) -> str:
        """The FAQ entry the last answer gives (its details name it), or ''."""
        for reply in self.replies:
            details = (reply.get("custom") or {}).get("details") or {}
            if details.get("entry"):
                return str(details["entry"])
        return ""

    def entry_on(self, topic: str) -> str:
        """The entry answered on `topic`, after clicking its choice when the bot asked which
        of two questions was meant (a clarification is one click from the answer)."""
        from bot.actions import ui
        from knowledge import faq

        if not self.entry and ui.WHICH_QUESTION in self.text:
            for button in self.buttons:
                title = button["title"]
                chosen = next((e for e in faq.entries().values() if e.question == title and e.topic == topic), None)
                if chosen:
                    self.say(button["payload"])
                    break
        return self.entry if self.entry and faq.entry(self.entry).topic == topic else ""
