"""Reads and writes dossiers in SQLite or PostgreSQL, through SQLAlchemy 1.4 (2.0 style)."""
from __future__ import annotations

import logging
import os
import stat
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterable, Iterator, List, Optional, Tuple, Union

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import create_engine, delete, insert, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from .model import FIELD_NAMES, Dossier, contact_key, contact_kind
from .settings import checked_retention, database_url, retention_days
from .table import dossier_table

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
ENGINE_LOGGING_NAME = "dossiers"
# Rows hold contacts and projects: this engine's statements, parameters and rows are never
# logged, even when an operator turns on DEBUG for sqlalchemy.engine to debug something else.
logging.getLogger(f"sqlalchemy.engine.Engine.{ENGINE_LOGGING_NAME}").setLevel(logging.WARNING)

Day = Union[date, datetime]


# What makes two dossiers the same request (not their id, reception time or consent time).
SAME_DOSSIER_FIELDS = ("conversation_id", "status", "target_number", "route", "project", "departement",
                       "contact_kind", "contact", "availability", "operator")


class StorageError(RuntimeError):
    """The database failed; the French message holds no personal data and no SQL parameters."""


class Store:
    def __init__(self, url: Optional[str] = None):
        self.url = url or database_url()
        _private_sqlite_file(self.url)
        with _storage_errors("ouvrir la base des dossiers"):
            self.engine = create_engine(
                self.url,
                future=True,
                pool_pre_ping=True,
                hide_parameters=True,
                logging_name=ENGINE_LOGGING_NAME,
            )

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def migrate(self) -> None:
        """`alembic upgrade head`, on this store's database, from any working directory."""
        with _storage_errors("mettre à jour la structure de la base"), self.engine.begin() as connection:
            command.upgrade(alembic_config(self.url, connection), "head")

    def save(self, dossier: Dossier) -> str:
        dossier.validate()
        row = {name: getattr(dossier, name) for name in FIELD_NAMES}
        row["outcomes"] = dict(dossier.outcomes)
        with _storage_errors("enregistrer le dossier"), self.engine.begin() as connection:
            connection.execute(insert(dossier_table).values(**row))
        log.info("dossier %s enregistré", dossier.id)
        return dossier.id

    def same_as(self, dossier: Dossier) -> Optional[str]:
        """The id of a dossier this conversation already sent with the same facts, if any.

        A visitor who confirms again after an error (the dossier was written, then the turn
        failed before the answer reached them) must not leave two copies for the advisor."""
        columns = [dossier_table.c[name] for name in SAME_DOSSIER_FIELDS]
        values = [getattr(dossier, name) for name in SAME_DOSSIER_FIELDS]
        query = select(dossier_table.c.id).where(
            *(column.is_(None) if value is None else column == value for column, value in zip(columns, values))
        ).order_by(dossier_table.c.created_at).limit(1)
        with _storage_errors("chercher le dossier"), self.engine.connect() as connection:
            return connection.execute(query).scalar()

    def get(self, dossier_id: str) -> Optional[Dossier]:
        query = select(dossier_table).where(dossier_table.c.id == dossier_id)
        with _storage_errors("lire le dossier"), self.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return None if row is None else Dossier(**row)

    def find(
        self,
        since: Optional[Day] = None,
        until: Optional[Day] = None,
        departement: Optional[str] = None,
        operator: Optional[str] = None,
    ) -> List[Dossier]:
        """Oldest first. A day (date) is a whole UTC day; both bounds are included."""
        created_at = dossier_table.c.created_at
        query = select(dossier_table).order_by(created_at, dossier_table.c.id)
        if since is not None:
            query = query.where(created_at >= _instant(since, "since"))
        if until is not None:
            if isinstance(until, datetime):
                query = query.where(created_at <= _instant(until, "until"))
            else:
                query = query.where(created_at < _instant(until + timedelta(days=1), "until"))
        if departement is not None:
            query = query.where(dossier_table.c.departement == departement)
        if operator is not None:
            query = query.where(dossier_table.c.operator == operator)
        with _storage_errors("chercher les dossiers"), self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [Dossier(**row) for row in rows]

    def delete(self, dossier_id: str) -> bool:
        query = delete(dossier_table).where(dossier_table.c.id == dossier_id)
        deleted = self._delete(query, "supprimer le dossier")
        if deleted:
            log.info("dossier %s supprimé", dossier_id)
        return deleted > 0

    def delete_conversation(self, conversation_id: str) -> int:
        """Every dossier of one conversation: the visitor's « supprimez mes données »."""
        query = delete(dossier_table).where(dossier_table.c.conversation_id == conversation_id)
        deleted = self._delete(query, "supprimer les dossiers de la conversation")
        log.info("%d dossier(s) supprimé(s) à la demande du visiteur", deleted)
        return deleted

    def find_contact(self, contact: str) -> List[Tuple[str, str]]:
        """(id, conversation id) of every dossier of this email or phone, however written.

        Compared here rather than in SQL: the contact never reaches the database server,
        whose log may quote a failed statement."""
        kind = contact_kind(contact)
        if kind is None:
            raise ValueError("le contact donné n'est ni une adresse électronique ni un numéro de téléphone.")
        key = contact_key(kind, contact)
        c = dossier_table.c
        query = select(c.id, c.conversation_id, c.contact).where(c.contact_kind == kind).order_by(c.created_at, c.id)
        with _storage_errors("chercher les dossiers"), self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [(row.id, row.conversation_id) for row in rows if contact_key(kind, row.contact) == key]

    def delete_many(self, dossier_ids: Iterable[str]) -> int:
        ids = list(dossier_ids)
        deleted = 0
        with _storage_errors("supprimer les dossiers"), self.engine.begin() as connection:
            for start in range(0, len(ids), 500):
                query = delete(dossier_table).where(dossier_table.c.id.in_(ids[start:start + 500]))
                deleted += connection.execute(query).rowcount
        log.info("%d dossier(s) supprimé(s)", deleted)
        return deleted

    def purge(self, retention_days: Optional[int] = None, now: Optional[datetime] = None) -> int:
        """Deletes the dossiers received more than `retention_days` days before `now`."""
        days = _retention(retention_days)
        cutoff = _instant(now or datetime.now(timezone.utc), "now") - timedelta(days=days)
        deleted = self._delete(delete(dossier_table).where(dossier_table.c.created_at < cutoff), "purger les dossiers")
        log.info("%d dossier(s) de plus de %d jours supprimé(s)", deleted, days)
        return deleted

    def _delete(self, query, action: str) -> int:
        with _storage_errors(action), self.engine.begin() as connection:
            return connection.execute(query).rowcount


def alembic_config(url: str, connection=None) -> Config:
    """Alembic's settings, built here: the package needs no alembic.ini nor a working directory."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    # ConfigParser interpolates %: percent-encoded passwords must reach Alembic unchanged.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["connection"] = connection
    return config


def _private_sqlite_file(url: str) -> None:
    """A SQLite file of dossiers is readable by its owner only (0600), created so before
    SQLite opens it (SQLite then gives its journal the same mode); an existing file is
    tightened. PostgreSQL keeps its own files."""
    try:
        parsed = make_url(url)
    except (SQLAlchemyError, ValueError):
        return  # create_engine will say what is wrong with the address
    path = parsed.database
    if parsed.get_backend_name() != "sqlite" or not path or path == ":memory:" or path.startswith("file:"):
        return
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            found = os.fstat(descriptor)
            if stat.S_ISREG(found.st_mode) and found.st_mode & 0o077 and found.st_uid == os.geteuid():
                os.fchmod(descriptor, 0o600)
        finally:
            os.close(descriptor)
    except OSError as error:
        raise StorageError(
            f"Impossible d'ouvrir la base des dossiers ({type(error).__name__}). Vérifiez l'adresse de la base "
            "(--url ou CQP_DOSSIERS_URL) et que son dossier existe."
        ) from None


def _retention(days: Optional[int]) -> int:
    return retention_days() if days is None else checked_retention(days)


def _instant(value: Day, name: str) -> datetime:
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise ValueError(f"{name} : une date et heure avec fuseau horaire est attendue.")
        return value
    return datetime.combine(value, time(0), tzinfo=timezone.utc)


@contextmanager
def _storage_errors(action: str) -> Iterator[None]:
    try:
        yield
    except (SQLAlchemyError, CommandError) as error:
        # Not chained: a driver's message may quote the row (PostgreSQL's « Failing row contains »).
        of = "d'" if action[0] in "aeiouéh" else "de "
        raise StorageError(
            f"Impossible {of}{action} ({_kind(error)}). Vérifiez l'adresse de la base "
            "(--url ou CQP_DOSSIERS_URL) et que « python -m dossiers migrate » a été lancé."
        ) from None


def _kind(error: Exception) -> str:
    kind = type(error).__name__
    if isinstance(error, DBAPIError) and error.orig is not None:
        kind += f" / {type(error.orig).__name__}"
        code = getattr(error.orig, "pgcode", None)
        if code:
            kind += f", SQLSTATE {code}"
    return kind
