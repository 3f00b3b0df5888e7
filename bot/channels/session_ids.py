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
import stat
from pathlib import Path
from typing import Optional

SECRET_VARIABLE = "CQP_WIDGET_SECRET"
# Where a single machine keeps its secret when none is configured, so that a restart of
# `make run` does not cut every visitor's conversation (deploy/ sets the variable instead).
DEFAULT_SECRET_FILE = Path(__file__).resolve().parents[2] / "var" / "widget_secret"
SENDER_PREFIX = "w-"
MIN_SECRET_BYTES = 32
_SHAPE = re.compile(r"^[A-Za-z0-9_-]{24}\.[A-Za-z0-9_-]{22}$")


class SecretError(ValueError):
    """A secret that would not protect anything: the server stops rather than start with it."""


def load_secret(secret_file: Optional[Path] = None) -> bytes:
    configured = os.environ.get(SECRET_VARIABLE, "").strip()
    if configured:
        if len(configured.encode()) < MIN_SECRET_BYTES:
            raise SecretError(f"{SECRET_VARIABLE} doit contenir au moins {MIN_SECRET_BYTES} caractères "
                              f"({SECRET_VARIABLE} must be at least {MIN_SECRET_BYTES} characters long).")
        return configured.encode()
    return private_secret(secret_file or DEFAULT_SECRET_FILE)


def private_secret(path: Path) -> bytes:
    """The secret kept in `path`, created (random, mode 0600) when the file does not exist.

    An existing file must hold at least 32 bytes and be readable by its owner only: an empty
    file made an empty HMAC key, with which anybody can sign conversation ids."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created private from the start: a secret readable by others is no secret.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:
        return read_private_secret(path)
    secret = secrets.token_urlsafe(48).encode()
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(secret)
    return secret


def read_private_secret(path: Path) -> bytes:
    """The secret of an existing file, or SecretError saying what to do."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError as error:
        raise SecretError(f"Fichier secret illisible : {path} ({error.strerror}). "
                          f"Secret file cannot be read: {path}.") from None
    with os.fdopen(descriptor, "rb") as handle:
        mode = os.fstat(handle.fileno()).st_mode
        secret = handle.read().strip()
    if not stat.S_ISREG(mode) or mode & 0o077:
        raise SecretError(f"Le fichier secret {path} est lisible par d'autres que son propriétaire : "
                          f"faites `chmod 600 {path}`. "
                          f"Secret file {path} must be readable by its owner only (mode 0600).")
    if len(secret) < MIN_SECRET_BYTES:
        raise SecretError(f"Le fichier secret {path} contient moins de {MIN_SECRET_BYTES} octets : supprimez-le "
                          f"(un nouveau sera créé) ou mettez-y une clé aléatoire. "
                          f"Secret file {path} holds fewer than {MIN_SECRET_BYTES} bytes: delete it (a new one is "
                          f"created) or write a random key into it.")
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
