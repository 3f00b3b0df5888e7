"""Custom actions: thin adapters between the conversation and knowledge/.

`rasa run actions --actions bot.actions` imports this package; importing the modules
below registers their actions.
"""
from . import answer, catalog, decisions, fallback, inform, journey, menu, prequalification  # noqa: F401
from . import last_resort

last_resort.install()
