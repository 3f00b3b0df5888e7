"""Two caches for work Rasa 3.6 repeats on every conversation turn, found with py-spy
(docs/bench/serving.md, docs/BENCHMARKS.md). Installed by `bot/__init__.py`, so in the Rasa
server (which loads our tracker store, channel and NLU components) and the action server.

1. Rasa checks every answer of the action server against a JSON schema with
   `jsonschema.validate`, which first checks the schema itself against the 2020-12
   meta-schema: 13 ms of CPU per action call with jsonschema 4.17 (Rasa 3.6 pins < 4.18),
   one to three times a turn. The schema never changes, so its check and its validator are
   kept. Errors are those of `jsonschema.validate`: same check of the schema, same
   `best_match` of the instance's errors.
2. Turning a stored event back into an object (`Event.from_parameters`, for every event of
   the conversation each time the tracker store loads it) looks its class up by walking all
   the subclasses of `Event`: 20 µs a time, nearly all of the loading. Classes do not change
   while the server runs, so a found class is remembered; unknown names behave as before.
"""
from __future__ import annotations

import json
from typing import Any, Dict

import jsonschema
from jsonschema import exceptions
from jsonschema.validators import validator_for
from rasa.shared.core.events import Event

_original_validate = jsonschema.validate
_validators: Dict[str, Any] = {}


def validate(instance: Any, schema: Any, cls: Any = None, *args: Any, **kwargs: Any) -> None:
    if cls is not None or args or kwargs:
        return _original_validate(instance, schema, cls, *args, **kwargs)
    key = json.dumps(schema, sort_keys=True, default=repr)
    validator = _validators.get(key)
    if validator is None:
        validator_class = validator_for(schema)
        validator_class.check_schema(schema)  # once per schema, as validate() would each time
        validator = _validators.setdefault(key, validator_class(schema))
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


_original_resolve = Event.resolve_by_type
_event_classes: Dict[str, Any] = {}


def resolve_by_type(type_name: str, default: Any = None) -> Any:
    found = _event_classes.get(type_name)
    if found is not None:
        return found
    event_class = _original_resolve(type_name, default)
    if event_class is not None and getattr(event_class, "type_name", None) == type_name:
        _event_classes[type_name] = event_class
    return event_class


def install() -> None:
    # Rasa imports `validate` from jsonschema inside the function, at each call, and calls
    # `Event.resolve_by_type`: replacing the attributes is enough.
    jsonschema.validate = validate
    if Event.resolve_by_type is not resolve_by_type:
        Event.resolve_by_type = staticmethod(resolve_by_type)
