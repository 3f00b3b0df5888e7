"""Conversation ids for the website widget: random, and signed so that a client cannot
make one up or reuse another visitor's by guessing.

The visitor's browser keeps `<token>.<signature>`; the tracker store only ever sees
`w-<token>`, so that reading the tracker store is not enough to take over a conversation.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path
from typing import Optional

SECRET_VARIABLE = "CQP_WIDGET_SECRET"
# Where a single machine keeps its secret when none is configured, so that a restart of
# `make run` does not cut every visitor's conversation (deploy/ sets the variable instead).
DEFAULT_SECRET_FILE = Path(__file__).resolve().parents[2] / "var" / "widget_secret"
SENDER_PREFIX = "w-"
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}$")


def load_secret(secret_file: Path = DEFAULT_SECRET_FILE) -> bytes:
    configured = os.environ.get(SECRET_VARIABLE, "").strip()
    if configured:
        if len(configured) < 32:
            raise ValueError(f"{SECRET_VARIABLE} doit contenir au moins 32 caractères.")
        return configured.encode()
    if secret_file.exists():
        return secret_file.read_bytes().strip()
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48).encode()
    # Created private from the start: a secret readable by others is no secret.
    descriptor = os.open(secret_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secret)
    return secret


class SessionIds:
    def __init__(self, secret: bytes):
        self._secret = secret

    def _signature(self, token: str) -> str:
        digest = hmac.new(self._secret, token.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode()[:22]

    def issue(self) -> str:
        token = secrets.token_urlsafe(18)  # 144 random bits
        return f"{token}.{self._signature(token)}"

    def sender_of(self, session_id: object) -> Optional[str]:
        """The tracker's sender id for a genuine session id, None for anything else."""
        if not isinstance(session_id, str) or not _SHAPE.match(session_id):
            return None
        token, signature = session_id.split(".")
        if not hmac.compare_digest(signature, self._signature(token)):
            return None
        return SENDER_PREFIX + token
