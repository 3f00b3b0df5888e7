"""The action server of `rasa run actions --actions bot.actions`, with one fault planted for the
tests: an action whose latest message contains FAULT raises, and its exception's message
quotes the conversation's slots and the message (the worst case for a log).

    python -m tests.fault_actions --port 5055
"""
from __future__ import annotations

import sys

FAULT = "panne-simulee"


def plant() -> None:
    from rasa_sdk import Action, utils

    import bot.actions  # noqa: F401  (defines every action class before they are wrapped)

    def faulty(run):
        async def wrapper(self, dispatcher, tracker, domain):
            text = (tracker.latest_message or {}).get("text") or ""
            if FAULT in text:
                raise RuntimeError(f"panne simulée : {tracker.current_slot_values()} {text}")
            return await utils.call_potential_coroutine(run(self, dispatcher, tracker, domain))
        return wrapper

    for action in utils.all_subclasses(Action):
        if action.__module__.startswith("bot.actions."):
            action.run = faulty(action.run)


def main(argv: list) -> None:
    from rasa_sdk.__main__ import main_from_args
    from rasa_sdk.endpoint import create_argument_parser

    plant()
    main_from_args(create_argument_parser().parse_args(["--actions", "bot.actions", *argv]))


if __name__ == "__main__":
    main(sys.argv[1:])
