"""Custom actions: thin adapters between the conversation and knowledge/.

`rasa run actions --actions bot.actions` imports this package; importing the modules
below registers their actions.
"""
from . import advisor, answer, decisions, fallback, inform, journey, menu  # noqa: F401
