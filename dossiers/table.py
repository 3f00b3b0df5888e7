"""The `dossier` table, as the Alembic revisions in migrations/versions build it."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Optional

from sqlalchemy import JSON, Column, Date, DateTime, Float, MetaData, String, Table, Text
from sqlalchemy.types import TypeDecorator

# Fixed constraint and index names, so that later revisions can refer to them on both backends.
metadata = MetaData(naming_convention={"ix": "ix_%(column_0_label)s", "pk": "pk_%(table_name)s"})


class UTCDateTime(TypeDecorator):
    """Aware datetimes in, aware UTC datetimes out, on PostgreSQL and on SQLite.

    SQLite keeps no time zone: it gets naive UTC, so that its text dates sort and compare
    as instants do.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        if value.utcoffset() is None:
            raise ValueError("date et heure sans fuseau horaire")
        value = value.astimezone(timezone.utc)
        return value if dialect.name == "postgresql" else value.replace(tzinfo=None)

    def process_result_value(self, value: Optional[datetime], dialect) -> Optional[datetime]:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


dossier_table = Table(
    "dossier",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("created_at", UTCDateTime(), nullable=False, index=True),
    Column("conversation_id", Text, nullable=False, index=True),
    Column("rules_date", Date, nullable=False),
    Column("consent_at", UTCDateTime(), nullable=False),
    Column("consent_version", Text, nullable=False),
    Column("health_consent_at", UTCDateTime()),
    Column("status", Text),
    Column("target_number", Text),
    Column("target_title", Text),
    Column("branch", Text),
    Column("route", Text),
    Column("experience_months", Float),
    Column("financing", Text),
    Column("outcomes", JSON, nullable=False),
    Column("project", Text, nullable=False),
    Column("departement", Text, nullable=False, index=True),
    Column("contact_kind", Text, nullable=False),
    Column("contact", Text, nullable=False),
    Column("availability", Text, nullable=False),
    Column("operator", Text, nullable=False, index=True),
    Column("operator_reason", Text, nullable=False),
)
