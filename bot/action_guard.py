"""The action server answers Rasa only.

rasa_sdk reads any request body as JSON, whatever its Content-Type, and asks for no
credential. A web page the operator opens can therefore post a `text/plain` body (a "simple"
request: no CORS preflight) to http://localhost:5055/webhook and run an action on a
conversation it makes up: write or erase dossiers. So, before rasa_sdk sees a request:
- every route but /health needs `Authorization: Bearer <CQP_ACTION_TOKEN>`, which Rasa sends
  (endpoints.yml, deploy/endpoints.yml): 401 otherwise;
- a POST must be `application/json` (a page cannot send that cross-origin without a
  preflight, which rasa_sdk's CORS set-up refuses): 415 otherwise.
The action server does not start without a token of at least 32 characters.

Installed through rasa_sdk's own plugin hook (`rasa_sdk_plugins`, next to `bot/`), so that
`rasa run actions --actions bot.actions` gets it wherever it is started.
"""
from __future__ import annotations

import hmac
import logging
import os
from typing import Any, Optional

from sanic import Sanic, response

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "CQP_ACTION_TOKEN"
MIN_TOKEN_CHARS = 32
OPEN_PATHS = frozenset({"/health"})


class TokenMissing(SystemExit):
    """Stops the action server at start-up, with the reason (a SystemExit prints it, no traceback)."""


def configured_token() -> str:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if len(token) < MIN_TOKEN_CHARS:
        raise TokenMissing(
            f"{TOKEN_VARIABLE} manque ou fait moins de {MIN_TOKEN_CHARS} caractères : le serveur d'actions "
            f"ne démarre pas sans (le même que celui de Rasa). "
            f"{TOKEN_VARIABLE} is missing or shorter than {MIN_TOKEN_CHARS} characters: the action server "
            f"does not start without it (the same one as Rasa's).")
    return token


def _refusal(status: int, error: str) -> Any:
    return response.json({"error": error}, status=status, headers={"Cache-Control": "no-store"})


def _authorised(header: Optional[str], token: str) -> bool:
    scheme, _, given = (header or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


def _is_json(content_type: Optional[str]) -> bool:
    return (content_type or "").split(";")[0].strip().lower() == "application/json"


def protect(app: Sanic, token: Optional[str] = None) -> None:
    token = token or configured_token()

    async def guard(request: Any) -> Any:
        if request.path in OPEN_PATHS and request.method in ("GET", "HEAD"):
            return None
        if not _authorised(request.headers.get("authorization"), token):
            return _refusal(401, "unauthorised: Authorization: Bearer <CQP_ACTION_TOKEN> expected")
        if request.method == "POST" and not _is_json(request.headers.get("content-type")):
            return _refusal(415, "unsupported media type: application/json expected")
        return None

    app.register_middleware(guard, "request")
    logger.info("Action server: token and JSON required")
