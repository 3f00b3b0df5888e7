"""The Rasa side of the assistant: domain, training data, actions, NLU components, channels,
stores. Imported by the Rasa server (its tracker store, channel and NLU components live
here) and by the action server."""
from bot import speedups

speedups.install()
