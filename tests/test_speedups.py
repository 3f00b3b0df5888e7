"""The caches of bot/speedups.py behave as what they replace."""
from __future__ import annotations

import jsonschema
import pytest
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

import bot  # noqa: F401  (installs the cache)
from bot import speedups

SPEC = RemoteAction.action_response_format_spec()


def test_it_is_installed_where_rasa_looks():
    assert jsonschema.validate is speedups.validate


@pytest.mark.parametrize("result", [
    {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "Bonjour"}]},
    {"events": [], "responses": []},
    {},
])
def test_valid_responses_pass(result):
    speedups.validate(result, SPEC)
    speedups._original_validate(result, SPEC)


@pytest.mark.parametrize("result", [
    {"events": "not a list"},
    {"responses": [1, 2]},
    {"events": [{"event": "slot"}]},
])
def test_invalid_responses_fail_with_the_same_error(result):
    with pytest.raises(jsonschema.ValidationError) as cached:
        speedups.validate(result, SPEC)
    with pytest.raises(jsonschema.ValidationError) as original:
        speedups._original_validate(result, SPEC)
    assert cached.value.message == original.value.message


def test_a_broken_schema_is_still_refused():
    with pytest.raises(jsonschema.SchemaError):
        speedups.validate({}, {"type": 12})


def test_event_classes_are_resolved_as_before():
    assert Event.resolve_by_type("user") is UserUttered
    for event in (UserUttered("bonjour", {"name": "greet", "confidence": 1.0}), ActionExecuted("action_answer"),
                  SlotSet("fiche", "RNCP34172"), BotUttered("Bonjour", {"buttons": []})):
        assert Event.from_parameters(event.as_dict()) == event
    with pytest.raises(ValueError):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
