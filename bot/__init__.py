"""The Rasa side of the assistant: domain, training data, actions, NLU components, channels,
stores. Imported by the Rasa server (its tracker store, channel and NLU components live
here) and by the action server."""
import sys

from bot import resilience, speedups

speedups.install()
# In the Rasa server only (it has loaded its agent before it imports bot/): the action
# server has no remote actions to guard and need not load Rasa's core.
if "rasa.core.agent" in sys.modules:
    resilience.install()
