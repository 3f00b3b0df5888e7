"""Retention of conversations (bot/stores/retention.py) and the daily housekeeping pass."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain

from bot.stores import retention
from tests import servers

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def events_table(url: str) -> sa.Table:
    """The `events` table as Rasa's own SQL tracker store creates it."""
    SQLTrackerStore(Domain.empty(), dialect="sqlite", db=sa.engine.make_url(url).database)
    return sa.Table("events", sa.MetaData(), autoload_with=sa.create_engine(url))


def add(url: str, table: sa.Table, sender: str, days_ago: float) -> None:
    with sa.create_engine(url).begin() as connection:
        connection.execute(table.insert().values(sender_id=sender, type_name="user", data="{}",
                                                 timestamp=(NOW - timedelta(days=days_ago)).timestamp()))


def senders(url: str) -> list:
    with sa.create_engine(url).connect() as connection:
        return sorted(r[0] for r in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events")))


def test_idle_conversations_go_whole_and_active_ones_stay_whole(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    table = events_table(url)
    add(url, table, "idle", 45)
    add(url, table, "idle", 31)
    add(url, table, "active", 60)  # started long ago, but spoke yesterday: kept, with its beginning
    add(url, table, "active", 1)
    add(url, table, "recent", 2)
    assert retention.purge_conversations(url, days=30, now=NOW) == 1
    assert senders(url) == ["active", "recent"]
    with sa.create_engine(url).connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events WHERE sender_id = 'active'")).scalar() == 2


def test_no_table_yet_is_nothing_to_purge(tmp_path):
    assert retention.purge_conversations(f"sqlite:///{tmp_path / 'empty.db'}", days=30, now=NOW) == 0


@pytest.mark.parametrize("raw", ["0", "-3", "trente", "1.5"])
def test_a_wrong_retention_setting_is_refused_with_its_name(monkeypatch, raw):
    monkeypatch.setenv(retention.RETENTION_VARIABLE, raw)
    with pytest.raises(ValueError, match=retention.RETENTION_VARIABLE):
        retention.retention_days()


def test_the_tracker_url_follows_the_production_settings(monkeypatch):
    monkeypatch.delenv("CQP_TRACKER_URL", raising=False)
    monkeypatch.delenv("CQP_POSTGRES_HOST", raising=False)
    assert retention.tracker_url().startswith("sqlite:///")
    for name, value in {"CQP_POSTGRES_HOST": "db", "CQP_POSTGRES_PORT": "5433", "CQP_POSTGRES_DB": "cqp",
                        "CQP_POSTGRES_USER": "cqp", "CQP_POSTGRES_PASSWORD": "p@ss:word"}.items():
        monkeypatch.setenv(name, value)
    url = sa.engine.make_url(retention.tracker_url())
    assert (url.host, url.port, url.database, url.username, url.password) == ("db", 5433, "cqp", "cqp", "p@ss:word")


def test_one_housekeeping_pass_purges_both_and_logs_only_counts(tmp_path):
    tracker = tmp_path / "tracker.db"
    table = events_table(f"sqlite:///{tracker}")
    add(f"sqlite:///{tracker}", table, "w-secret-visitor-id", 400)
    env = {**servers.ENV, "CQP_DOSSIERS_URL": f"sqlite:///{tmp_path / 'dossiers.sqlite'}",
           "CQP_TRACKER_URL": f"sqlite:///{tracker}"}
    done = subprocess.run([sys.executable, "scripts/housekeeping.py", "--once"], cwd=servers.ROOT, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "conversations effacées (inactives depuis plus de 30 jours) : 1" in done.stderr
    assert "dossiers effacés (plus de 180 jours) : 0" in done.stderr
    assert "w-secret" not in done.stderr + done.stdout
    assert senders(f"sqlite:///{tracker}") == []
