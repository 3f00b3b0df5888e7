"""Issue 15's findings on the dossiers: health data only with its own consent, only known
statuses, private files (the SQLite base, the exports, no symbolic link followed), every
consultation and export logged without personal data, erasure by contact (dossiers and the
conversations they name), and one least-privilege PostgreSQL role per part of the stack
(deploy/postgres/roles.sql, applied to a throwaway database of the local server; wired in
deploy/compose.yml).

PostgreSQL: CQP_TEST_POSTGRES_URL, as tests/test_dossiers.py; the roles test creates its own
database and roles (with a random prefix) and drops them. Skipped when the server cannot be
reached.
"""
from __future__ import annotations

import io
import logging
import os
import re
import secrets
import shutil
import stat
import subprocess
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

import psycopg2
import pytest
import sqlalchemy as sa
import yaml
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from sqlalchemy.engine import make_url

import knowledge
from dossiers import StorageError, Store
from dossiers.__main__ import main
from dossiers.report import full_page
from tests.test_dossiers import AVAILABILITY, EMAIL, PHONE, POSTGRES_URL, PROJECT, REPO, dossier_id, make_dossier

UTC = timezone.utc
ROLES_SQL = REPO / "deploy" / "postgres" / "roles.sql"
COMPOSE = REPO / "deploy" / "compose.yml"
PARTS = ("migrate", "rasa", "actions", "housekeeping", "advisors")
SECRETS = (EMAIL, EMAIL.upper(), PHONE, "612345678", PROJECT, PROJECT[:30], AVAILABILITY[:25])


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'dossiers.sqlite'}") as opened:
        opened.migrate()
        yield opened


def events_table(url: str) -> sa.Table:
    """The `events` table as Rasa's own SQL tracker store creates it (SQLite)."""
    SQLTrackerStore(Domain.empty(), dialect="sqlite", db=make_url(url).database)
    return sa.Table("events", sa.MetaData(), autoload_with=sa.create_engine(url))


def add_events(url: str, *senders: str) -> None:
    table = sa.Table("events", sa.MetaData(), autoload_with=sa.create_engine(url))
    with sa.create_engine(url).begin() as connection:
        for sender in senders:
            connection.execute(table.insert().values(sender_id=sender, type_name="user", data="{}", timestamp=1.0))


def senders(url: str) -> list:
    with sa.create_engine(url).connect() as connection:
        return sorted(r[0] for r in connection.execute(sa.text("SELECT DISTINCT sender_id FROM events")))


def logged(caplog) -> str:
    return "\n".join(f"{r.name} {r.getMessage()} {r.exc_text or ''}" for r in caplog.records)


# --- what a dossier may hold ---------------------------------------------------------


def test_only_known_statuses_are_kept():
    from dossiers.model import STATUSES

    assert set(STATUSES) == set(knowledge.base().statuses)
    with pytest.raises(ValueError, match="statut"):
        make_dossier(status="anything").validate()
    make_dossier(status=None).validate()


def test_a_dossier_for_cap_emploi_needs_the_explicit_consent_to_the_rqth_question():
    with pytest.raises(ValueError, match="donnée de santé"):
        make_dossier(operator="cap_emploi").validate()
    consented = make_dossier(operator="cap_emploi", health_consent_at=datetime(2026, 3, 2, 14, 4, tzinfo=UTC)).validate()
    assert "réponse acceptée explicitement le 02/03/2026" in full_page(consented)
    assert "non posée ou refusée" in full_page(make_dossier())


def bot_tracker(slots: dict) -> Tracker:
    latest = {"intent": {"name": "affirm", "confidence": 1.0}, "entities": [], "text": "oui"}
    base = {"consent": True, "project": PROJECT, "departement": "69", "contact": EMAIL, "contact_kind": "email",
            "availability": AVAILABILITY, "fiche": None, "route": None, "experience_months": None, "registration": None,
            "work_time": None, "status": "salarie", "health_consent": None, "disability": None}
    return Tracker("visiteur-1", {**base, **slots}, latest, [{"event": "user", "text": "oui", "parse_data": latest}],
                   False, None, None, "action_listen")


def test_the_dossier_keeps_no_crafted_status_and_no_rqth_without_its_consent():
    from bot.actions.prequalification import dossier_of

    crafted = dossier_of(bot_tracker({"status": "anything", "health_consent": False}))
    assert crafted.status is None and crafted.validate()
    # A disability flag that did not come through its own consent is not read.
    for consent in (None, False):
        dossier = dossier_of(bot_tracker({"health_consent": consent, "disability": True}))
        assert dossier.operator != "cap_emploi" and dossier.health_consent_at is None
        assert "handicap" not in dossier.operator_reason
    consented = dossier_of(bot_tracker({"health_consent": True, "disability": True}))
    assert consented.operator == "cap_emploi" and consented.health_consent_at is not None and consented.validate()


# --- files -----------------------------------------------------------------------------


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_the_sqlite_base_is_readable_by_its_owner_only(tmp_path, umask_022):
    fresh = tmp_path / "new.sqlite"
    with Store(f"sqlite:///{fresh}") as opened:
        opened.migrate()
        opened.save(make_dossier())
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
    loose = tmp_path / "old.sqlite"
    loose.touch(mode=0o644)
    os.chmod(loose, 0o644)
    Store(f"sqlite:///{loose}").close()
    assert stat.S_IMODE(loose.stat().st_mode) == 0o600


def test_an_export_over_an_existing_file_is_private_and_replaces_it(store, tmp_path, capsys, umask_022):
    store.save(make_dossier())
    target = tmp_path / "export.csv"
    target.write_text("ancien contenu, bien plus long que ce que l'export écrira ? non : " + "x" * 5000)
    os.chmod(target, 0o644)
    assert main(["export", "--format", "json", "--output", str(target), "--url", store.url]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8").lstrip().startswith("[") and "ancien" not in target.read_text()


def test_an_export_refuses_a_symbolic_link_and_a_pipe(store, tmp_path, capsys):
    store.save(make_dossier())
    elsewhere = tmp_path / "ailleurs.txt"
    elsewhere.write_text("à garder")
    link = tmp_path / "export.csv"
    link.symlink_to(elsewhere)
    assert main(["export", "--format", "csv", "--output", str(link), "--url", store.url]) == 1
    assert "lien symbolique" in capsys.readouterr().err
    assert elsewhere.read_text() == "à garder"
    dangling = tmp_path / "pendant.csv"
    dangling.symlink_to(tmp_path / "nulle-part.csv")
    assert main(["export", "--format", "csv", "--output", str(dangling), "--url", store.url]) == 1
    assert not (tmp_path / "nulle-part.csv").exists()
    pipe = tmp_path / "tube"
    os.mkfifo(pipe)
    assert main(["export", "--format", "csv", "--output", str(pipe), "--url", store.url]) == 1
    assert "fichier ordinaire" in capsys.readouterr().err


# --- the advisors' reading is logged -------------------------------------------------


def test_each_show_and_export_is_logged_without_personal_data(store, caplog, capsys):
    caplog.set_level(logging.INFO, logger="dossiers")
    one = make_dossier(1)
    store.save(one)
    store.save(make_dossier(2, contact_kind="phone", contact=PHONE))
    assert main(["show", one.id, "--url", store.url]) == 0
    assert main(["export", "--format", "csv", "--departement", "2A", "--url", store.url]) == 0
    assert main(["export", "--format", "json", "--url", store.url]) == 0
    assert main(["show", "jean.dupont@example.fr", "--url", store.url]) == 1
    out = capsys.readouterr().out
    assert EMAIL in out and PHONE in out  # the advisor did get them
    audit = [r.getMessage() for r in caplog.records if r.name == "dossiers.audit"]
    assert audit[0] == f"consultation du dossier {one.id}"
    assert audit[1].startswith("export csv de 2 dossier(s) vers la sortie standard") and "departement=2A" in audit[1]
    assert audit[2].startswith("export json de 2 dossier(s)")
    assert len(audit) == 4 and "jean.dupont" not in audit[3]
    for secret in SECRETS:
        assert secret not in logged(caplog), secret


def test_the_program_writes_its_log_on_stderr(store):
    store.save(make_dossier())
    shown = subprocess.run([sys.executable, "-m", "dossiers", "show", dossier_id(1), "--url", store.url], cwd=REPO,
                           env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0 and EMAIL in shown.stdout
    assert f"dossiers.audit - consultation du dossier {dossier_id(1)}" in shown.stderr
    assert EMAIL not in shown.stderr and PROJECT not in shown.stderr


# --- erasure by contact --------------------------------------------------------------


def test_erase_by_contact_removes_its_dossiers_and_their_conversations_only(store, tmp_path, caplog, capsys, monkeypatch):
    caplog.set_level(logging.DEBUG)
    trackers = f"sqlite:///{tmp_path / 'tracker.db'}"
    events_table(trackers)
    store.save(make_dossier(1, conversation_id="conv-1"))
    store.save(make_dossier(2, conversation_id="conv-2", contact=EMAIL.upper()))
    store.save(make_dossier(3, conversation_id="conv-3", contact="quelqu.un@example.fr"))
    store.save(make_dossier(4, conversation_id="conv-4", contact_kind="phone", contact="06.12.34.56.78"))
    store.save(make_dossier(5, conversation_id="conv-5", contact_kind="phone", contact="07 00 00 00 00"))
    add_events(trackers, "conv-1", "conv-1", "conv-2", "conv-3", "conv-4", "conv-5", "sans-dossier")

    assert main(["erase", "--contact", f" {EMAIL.title()} ", "--url", store.url, "--trackers-url", trackers]) == 0
    assert sorted(d.conversation_id for d in store.find()) == ["conv-3", "conv-4", "conv-5"]
    assert senders(trackers) == ["conv-3", "conv-4", "conv-5", "sans-dossier"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(PHONE + "\n"))  # +33 6 12 34 56 78, written otherwise
    assert main(["erase", "--contact", "-", "--url", store.url, "--trackers-url", trackers]) == 0
    assert sorted(d.conversation_id for d in store.find()) == ["conv-3", "conv-5"]
    assert senders(trackers) == ["conv-3", "conv-5", "sans-dossier"]

    out, err = capsys.readouterr()
    assert out.splitlines() == ["2 dossier(s) et 2 conversation(s) effacé(s).", "1 dossier(s) et 1 conversation(s) effacé(s)."]
    assert main(["erase", "--contact", EMAIL, "--url", store.url, "--trackers-url", trackers]) == 1
    assert "Aucun dossier pour ce contact" in capsys.readouterr().err
    assert main(["erase", "--contact", "pas un contact", "--url", store.url, "--trackers-url", trackers]) == 1
    assert "ni une adresse électronique ni un numéro de téléphone" in capsys.readouterr().err
    audit = [r.getMessage() for r in caplog.records if r.name == "dossiers.audit"]
    assert len(audit) == 3 and audit[0].startswith("effacement à la demande d'une personne : 2 dossier(s)")
    everything = logged(caplog) + out + err
    for secret in (*SECRETS, "06.12.34.56.78", EMAIL.title(), "pas un contact"):
        assert secret not in logged(caplog), secret
    assert EMAIL not in everything and "06.12.34.56.78" not in everything


# --- PostgreSQL roles --------------------------------------------------------------------


class Roles:
    def __init__(self, server, database: str, prefix: str):
        self.server, self.database, self.prefix = server, database, prefix
        self.passwords = {part: secrets.token_urlsafe(24) for part in PARTS}

    def name(self, part: str) -> str:
        return f"{self.prefix}_{part}"

    def url(self, part: str) -> str:
        return self.server.set(username=self.name(part), password=self.passwords[part],
                               database=self.database).render_as_string(hide_password=False)

    def apply(self) -> subprocess.CompletedProcess:
        env = {**os.environ, "PGPASSWORD": self.server.password or "",
               **{f"CQP_DB_PASSWORD_{part.upper()}": password for part, password in self.passwords.items()}}
        return subprocess.run(
            ["psql", "-X", "-q", "-h", self.server.host or "127.0.0.1", "-p", str(self.server.port or 5432),
             "-U", self.server.username or "postgres", "-d", self.database, "-v", "ON_ERROR_STOP=1",
             "-v", f"prefix={self.prefix}", "-f", str(ROLES_SQL)],
            env=env, capture_output=True, text=True, timeout=120,
        )


@pytest.fixture
def roles():
    if shutil.which("psql") is None:
        pytest.skip("psql introuvable")
    server = make_url(POSTGRES_URL)
    try:
        admin = psycopg2.connect(host=server.host, port=server.port or 5432, user=server.username,
                                 password=server.password, dbname=server.database or "postgres", connect_timeout=3)
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL injoignable : {str(error).strip()}")
    admin.autocommit = True
    tag = uuid.uuid4().hex[:10]
    made = Roles(server.set(drivername="postgresql+psycopg2"), f"roles_test_{tag}", f"t{tag}")
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{made.database}"')
    try:
        yield made
    finally:
        with admin.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (made.database,))
            cursor.execute(f'DROP DATABASE IF EXISTS "{made.database}"')
            for part in PARTS:
                cursor.execute(f'DROP ROLE IF EXISTS "{made.name(part)}"')
        admin.close()


def refused(url: str, statement: str, **params) -> bool:
    """True when PostgreSQL refuses the statement for lack of privilege (SQLSTATE 42501)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text(statement), params)
    except sa.exc.DBAPIError as error:
        return getattr(error.orig, "pgcode", None) == "42501"
    finally:
        engine.dispose()
    return False


def run_sql(url: str, statement: str, **params):
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            result = connection.execute(sa.text(statement), params)
            return result.all() if result.returns_rows else result.rowcount
    finally:
        engine.dispose()


def test_each_part_gets_only_its_own_privileges(roles, capsys, caplog):
    for _ in range(2):  # run again (a later deployment), it changes nothing
        applied = roles.apply()
        assert applied.returncode == 0, applied.stderr
    url = roles.url

    # The migration role builds the dossier tables; Rasa's builds its tracker store.
    with Store(url("migrate")) as migrating:
        migrating.migrate()
    SQLTrackerStore(Domain.empty(), dialect="postgresql", host=roles.server.host, port=roles.server.port or 5432,
                    db=roles.database, username=roles.name("rasa"), password=roles.passwords["rasa"]).engine.dispose()
    run_sql(url("rasa"), "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES "
                         "('conv-1', 'user', 1, '{}'), ('conv-2', 'user', 1, '{}')")

    # The action servers: check the schema, save, find again, erase a conversation's dossiers.
    with Store(url("actions")) as actions:
        actions.migrate()
        first = make_dossier(1, conversation_id="conv-1")
        actions.save(first)
        actions.save(make_dossier(2, conversation_id="conv-2", contact_kind="phone", contact=PHONE))
        actions.save(make_dossier(3, conversation_id="conv-3"))
        assert actions.same_as(first) == first.id
        assert actions.delete_conversation("conv-3") == 1
    assert refused(url("actions"), "UPDATE dossier SET contact = 'x@example.fr'")
    assert refused(url("actions"), "SELECT count(*) FROM events")
    assert refused(url("actions"), "DELETE FROM alembic_version")
    assert refused(url("actions"), "CREATE TABLE autre (x int)")

    # The advisors: read and delete dossiers, nothing else.
    with Store(url("advisors")) as advisors:
        assert [d.id for d in advisors.find()] == [dossier_id(1), dossier_id(2)]
        with pytest.raises(StorageError, match="42501"):
            advisors.save(make_dossier(4))
    assert main(["show", dossier_id(1), "--url", url("advisors")]) == 0
    assert main(["export", "--format", "csv", "--url", url("advisors")]) == 0
    assert refused(url("advisors"), "UPDATE dossier SET project = 'x'")
    assert refused(url("advisors"), "SELECT count(*) FROM events")
    assert refused(url("advisors"), "DELETE FROM events")
    assert refused(url("advisors"), "DELETE FROM alembic_version")
    assert refused(url("advisors"), "CREATE TABLE autre (x int)")
    # Nor can they erase the conversations: the erasure stops before any dossier goes.
    assert main(["erase", "--contact", EMAIL, "--url", url("advisors"), "--trackers-url", url("advisors")]) == 1
    assert run_sql(url("advisors"), "SELECT count(*) FROM dossier")[0][0] == 2

    # Rasa: its conversations only.
    assert refused(url("rasa"), "SELECT count(*) FROM dossier")
    assert refused(url("rasa"), "DELETE FROM dossier")

    # Housekeeping: purge and erase, dossiers and conversations; never write one.
    assert refused(url("housekeeping"), "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES ('x', 'user', 1, '{}')")
    assert refused(url("housekeeping"), "UPDATE events SET data = '{}'")
    assert refused(url("housekeeping"), "UPDATE dossier SET contact = 'x@example.fr'")
    assert refused(url("housekeeping"), "INSERT INTO alembic_version VALUES ('9999')")
    assert main(["erase", "--contact", EMAIL, "--url", url("housekeeping"), "--trackers-url", url("housekeeping")]) == 0
    assert run_sql(url("housekeeping"), "SELECT sender_id FROM events") == [("conv-2",)]
    with Store(url("housekeeping")) as housekeeping:
        assert [d.id for d in housekeeping.find()] == [dossier_id(2)]
        assert housekeeping.purge(1) == 1
    assert main(["delete", dossier_id(2), "--url", url("advisors")]) == 1  # already purged: found by nobody

    # Nobody else may connect; the advisors' statements go to PostgreSQL's log.
    acl = run_sql(POSTGRES_URL, "SELECT datacl::text[] FROM pg_database WHERE datname = :d", d=roles.database)[0][0]
    assert not [entry for entry in acl if entry.startswith("=")]  # no privilege left to PUBLIC
    settings = run_sql(POSTGRES_URL, "SELECT s.setconfig FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole "
                                     "WHERE r.rolname = :r", r=roles.name("advisors"))
    if run_sql(POSTGRES_URL, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0][0]:
        assert settings and "log_statement=all" in settings[0][0]


def test_the_roles_script_refuses_to_run_without_a_password(roles):
    del roles.passwords["advisors"]
    applied = roles.apply()
    assert applied.returncode != 0 and "CQP_DB_PASSWORD_ADVISORS manque" in applied.stderr
    assert run_sql(POSTGRES_URL, "SELECT count(*) FROM pg_roles WHERE rolname LIKE :p", p=roles.prefix + "%")[0][0] == 0


# --- compose wires each part to its own role ------------------------------------------


def compose_services() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]


def role_in(url: str) -> tuple:
    """(user, password variable) of a postgresql URL written with ${...} in compose."""
    found = re.match(r"postgresql\+psycopg2://([a-z_]+):\$\{(\w+)[:?}]", url)
    assert found, url
    return found.groups()


def test_compose_gives_each_part_its_own_role():
    services = compose_services()
    env = {name: service.get("environment") or {} for name, service in services.items()}
    expected = {
        "rasa-1": "rasa", "rasa-2": "rasa", "actions-1": "actions", "actions-2": "actions",
        "dossiers-migrate": "migrate", "housekeeping": "housekeeping", "advisors": "advisors",
    }
    for name, part in expected.items():
        role, password = f"cqp_{part}", f"CQP_DB_PASSWORD_{part.upper()}"
        if part in ("rasa", "housekeeping"):  # the tracker store, read by Rasa and purged by housekeeping
            assert env[name]["CQP_POSTGRES_USER"] == role, name
            assert env[name]["CQP_POSTGRES_PASSWORD"].startswith(f"${{{password}:"), name
        else:
            assert "CQP_POSTGRES_USER" not in env[name] and "CQP_POSTGRES_PASSWORD" not in env[name], name
        if part != "rasa":
            assert role_in(env[name]["CQP_DOSSIERS_URL"]) == (role, password), name
        else:
            assert "CQP_DOSSIERS_URL" not in env[name], name
        # A part sees its own password and no other (nor the administrator's).
        seen = re.findall(r"CQP_DB_PASSWORD_\w+|CQP_POSTGRES_ADMIN_PASSWORD", yaml.safe_dump(env[name]))
        assert set(seen) == {password}, (name, seen)
    assert services["advisors"].get("profiles") == ["tools"]  # a command line, not a daemon

    postgres = services["postgres"]
    assert postgres["environment"]["POSTGRES_PASSWORD"].startswith("${CQP_POSTGRES_ADMIN_PASSWORD:")
    assert "./postgres/roles.sql:/docker-entrypoint-initdb.d/10-roles.sql:ro" in postgres["volumes"]
    for part in PARTS:
        assert postgres["environment"][f"CQP_DB_PASSWORD_{part.upper()}"].startswith(f"${{CQP_DB_PASSWORD_{part.upper()}:")
    # The roles of compose are those the script creates by default.
    assert "\\set prefix cqp" in ROLES_SQL.read_text()
