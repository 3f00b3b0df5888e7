"""The dossiers store and its command line, on SQLite and on the local PostgreSQL server.

PostgreSQL: CQP_TEST_POSTGRES_URL (default postgresql+psycopg2://postgres@127.0.0.1:5432/postgres);
each test gets a database of its own, dropped afterwards. The PostgreSQL tests are skipped
when the server cannot be reached.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import os
import subprocess
import sys
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import psycopg2
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

import dossiers
from dossiers import DEFAULT_RETENTION_DAYS, Dossier, StorageError, Store, database_url
from dossiers.__main__ import main
from dossiers.table import metadata

REPO = Path(__file__).resolve().parent.parent
POSTGRES_URL = os.environ.get("CQP_TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
UTC = timezone.utc
PARIS_WINTER = timezone(timedelta(hours=1))

EMAIL = "camille.durand-lefevre@example.fr"
PHONE = "+33 6 12 34 56 78"
PROJECT = "Tourière depuis six ans, je voudrais faire reconnaître mon expérience « par un CQP » — et vite !"
AVAILABILITY = "Le mardi après-midi, après 17 h, sauf pendant les congés d'été."
REASON = "Vous avez au moins un an d'expérience en rapport direct avec la certification visée."


def dossier_id(number: int) -> str:
    return str(uuid.UUID(int=number, version=4))


def make_dossier(number: int = 1, **changes) -> Dossier:
    values = dict(
        id=dossier_id(number),
        created_at=datetime(2026, 3, 2, 14, 5, 30, 123456, tzinfo=UTC),
        conversation_id=f"conversation-{number}",
        rules_date=date(2026, 3, 1),
        consent_at=datetime(2026, 3, 2, 14, 4, tzinfo=UTC),
        consent_version="consentement-v1",
        status="salarie",
        target_number="RNCP34172",
        target_title="CQP Tourier(ère) en boulangerie-pâtisserie",
        branch="boulangerie",
        route="vae",
        experience_months=74.5,
        financing="CPF et abondement de l'OPCO",
        outcomes={
            "vae": {"outcome": "eligible", "reasons": [REASON], "check_with": "le certificateur du CQP (la CPNE de la branche)"},
            "cpf": {"outcome": "to_check", "reasons": ["Fiche à vérifier : « enregistrée » ?"], "check_with": None},
        },
        project=PROJECT,
        departement="2A",
        contact_kind="email",
        contact=EMAIL,
        availability=AVAILABILITY,
        operator="cep_regional",
        operator_reason="Vous êtes salariée : le CEP est assuré par l'opérateur choisi par la région.",
    )
    values.update(changes)
    return Dossier(**values)


# --- the two backends ---------------------------------------------------------------


def _connect_to_server(url):
    return psycopg2.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password,
        dbname=url.database or "postgres", connect_timeout=3,
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dossiers.sqlite'}"
        return
    server = make_url(POSTGRES_URL)
    try:
        admin = _connect_to_server(server)
    except psycopg2.OperationalError as error:
        pytest.skip(f"PostgreSQL injoignable ({server.render_as_string(hide_password=True)}) : {str(error).strip()}")
    admin.autocommit = True
    name = f"dossiers_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


@pytest.fixture
def store(url):
    with Store(url) as opened:
        opened.migrate()
        yield opened


def stored_count(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(text("SELECT count(*) FROM dossier")).scalar_one()


# --- schema and migrations ----------------------------------------------------------


def test_migrate_is_idempotent(store):
    store.migrate()
    store.migrate()
    with store.engine.connect() as connection:
        versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert versions == ["0002"]
    store.save(make_dossier())
    store.migrate()
    assert stored_count(store) == 1


def test_the_migration_builds_the_table_the_code_uses(store):
    with store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_migrate_works_from_any_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with Store(f"sqlite:///{tmp_path / 'elsewhere.sqlite'}") as elsewhere:
        elsewhere.migrate()
        assert elsewhere.find() == []


# --- round trip and validation ------------------------------------------------------


def test_a_saved_dossier_comes_back_unchanged(store):
    dossier = make_dossier(created_at=datetime(2026, 3, 2, 15, 5, 30, 123456, tzinfo=PARIS_WINTER))
    assert store.save(dossier) == dossier.id
    back = store.get(dossier.id)
    assert back == dossier
    assert back.created_at == datetime(2026, 3, 2, 14, 5, 30, 123456, tzinfo=UTC)
    assert back.created_at.utcoffset() == timedelta(0) and back.consent_at.utcoffset() == timedelta(0)
    assert back.rules_date == date(2026, 3, 1) and type(back.rules_date) is date
    assert back.outcomes["vae"]["reasons"] == [REASON]
    assert back.outcomes["cpf"]["check_with"] is None
    assert back.project == PROJECT and back.experience_months == 74.5


def test_a_minimal_dossier_round_trips(store):
    dossier = Dossier(
        conversation_id="c", rules_date=date(2026, 1, 5), consent_at=datetime.now(UTC), consent_version="v1",
        project="", departement="971", contact_kind="phone", contact="0690 12 34 56", availability="",
        operator="france_travail", operator_reason="demandeur d'emploi",
    )
    store.save(dossier)
    back = store.get(dossier.id)
    assert back == dossier
    assert (back.status, back.target_number, back.route, back.experience_months, back.outcomes) == (None, None, None, None, {})
    uuid.UUID(back.id)


def test_a_dossier_sent_again_is_recognised_and_another_is_not(store):
    first = make_dossier(1)
    store.save(first)
    same = dict(conversation_id=first.conversation_id)
    again = make_dossier(2, created_at=datetime(2026, 3, 2, 14, 6, tzinfo=UTC), **same)  # another id and time
    assert store.same_as(again) == first.id
    assert store.same_as(make_dossier(3, project="Un autre projet, bien différent", **same)) is None
    assert store.same_as(make_dossier(4)) is None  # another conversation
    assert store.same_as(make_dossier(5, target_number=None, **same)) is None


def test_an_unknown_id_is_not_found(store):
    assert store.get(dossier_id(999)) is None
    assert store.get("n'importe quoi") is None


@pytest.mark.parametrize("code", ["01", "09", "19", "21", "2A", "2B", "75", "95", "971", "975", "976"])
def test_every_french_departement_is_accepted(code):
    make_dossier(departement=code).validate()


REFUSED = [
    ({"departement": "20"}, "département"),
    ({"departement": "96"}, "département"),
    ({"departement": "00"}, "département"),
    ({"departement": "2C"}, "département"),
    ({"departement": "977"}, "département"),
    ({"departement": "1"}, "département"),
    ({"contact_kind": "sms"}, "type de contact"),
    ({"contact": "camille.durand"}, "adresse électronique"),
    ({"contact_kind": "phone", "contact": "06 12"}, "téléphone"),
    ({"contact": " "}, "contact : obligatoire"),
    ({"operator": "pole_emploi"}, "opérateur CEP"),
    ({"project": "x" * 1001}, "projet : 1000 caractères au plus"),
    ({"availability": "x" * 301}, "disponibilités : 300 caractères au plus"),
    ({"route": "apprentissage"}, "voie"),
    ({"status": "Salarié"}, "statut"),
    ({"experience_months": -1}, "expérience"),
    ({"experience_months": float("nan")}, "expérience"),
    ({"outcomes": {"vae": {1, 2}}}, "résultats"),
    ({"created_at": datetime(2026, 3, 2, 14, 5)}, "date de réception"),
    ({"consent_at": datetime(2026, 3, 2, 14, 5)}, "date du consentement"),
    ({"rules_date": datetime(2026, 3, 1, tzinfo=UTC)}, "date des règles"),
    ({"id": "1234"}, "identifiant"),
    ({"id": str(uuid.UUID(int=1, version=1))}, "identifiant"),
    ({"conversation_id": ""}, "identifiant de conversation"),
    ({"operator_reason": "x" * 501}, "motif"),
]


@pytest.mark.parametrize("changes,complaint", REFUSED, ids=[next(iter(c)) + "-" + str(i) for i, (c, _) in enumerate(REFUSED)])
def test_an_invalid_dossier_is_refused_and_nothing_is_written(store, changes, complaint):
    with pytest.raises(ValueError, match="^Dossier refusé : .*" + complaint):
        store.save(make_dossier(**changes))
    assert stored_count(store) == 0


def test_a_refusal_lists_every_problem_without_repeating_the_values():
    with pytest.raises(ValueError) as refused:
        make_dossier(departement="99", contact="pas-une-adresse@", project="p" * 1001).validate()
    message = str(refused.value)
    assert "département" in message and "contact" in message and "projet" in message
    assert "99" not in message and "pas-une-adresse" not in message and "ppp" not in message


def test_a_failure_after_the_insert_writes_nothing(store, monkeypatch):
    from sqlalchemy.future import Connection

    execute = Connection.execute

    def insert_then_fail(self, statement, *args, **kwargs):
        result = execute(self, statement, *args, **kwargs)
        if getattr(statement, "is_insert", False):
            raise OperationalError("INSERT INTO dossier", {}, RuntimeError("disque plein (simulé)"))
        return result

    monkeypatch.setattr(Connection, "execute", insert_then_fail)
    with pytest.raises(StorageError, match="Impossible d'enregistrer le dossier"):
        store.save(make_dossier())
    monkeypatch.undo()
    assert stored_count(store) == 0
    assert store.get(dossier_id(1)) is None


def test_a_database_error_says_nothing_personal(store):
    store.save(make_dossier())
    with pytest.raises(StorageError) as failed:
        store.save(make_dossier(project="Autre projet", contact="autre@example.fr"))
    message = str(failed.value)
    assert "IntegrityError" in message
    for secret in (EMAIL, "autre@example.fr", "Autre projet", PROJECT, AVAILABILITY, dossier_id(1)):
        assert secret not in message
    assert failed.value.__cause__ is None and failed.value.__suppress_context__
    assert stored_count(store) == 1


def test_an_unmigrated_or_unreachable_database_raises_a_storage_error(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'vide.sqlite'}") as empty, pytest.raises(StorageError, match="migrate"):
        empty.find()
    with Store("postgresql+psycopg2://postgres@127.0.0.1:1/nulle_part?connect_timeout=2") as nowhere:
        with pytest.raises(StorageError, match="Impossible de chercher les dossiers"):
            nowhere.find()


# --- finding and deleting -----------------------------------------------------------


def save_four(store):
    store.save(make_dossier(1, created_at=datetime(2026, 1, 10, 23, 59, 59, tzinfo=UTC), departement="75", operator="apec"))
    store.save(make_dossier(2, created_at=datetime(2026, 1, 11, 0, 0, tzinfo=UTC), departement="2A"))
    store.save(make_dossier(3, created_at=datetime(2026, 2, 1, 9, 0, tzinfo=UTC), departement="75", conversation_id="same"))
    store.save(make_dossier(4, created_at=datetime(2026, 2, 1, 8, 0, tzinfo=UTC), departement="971", conversation_id="same"))


def ids(found):
    return [dossier_id_number(d.id) for d in found]


def dossier_id_number(value: str) -> int:
    return uuid.UUID(value).int & 0xFFFF


def test_find_filters_and_orders_by_date(store):
    save_four(store)
    assert ids(store.find()) == [1, 2, 4, 3]
    assert ids(store.find(since=date(2026, 1, 11))) == [2, 4, 3]
    assert ids(store.find(until=date(2026, 1, 10))) == [1]
    assert ids(store.find(since=date(2026, 1, 11), until=date(2026, 1, 11))) == [2]
    assert ids(store.find(since=datetime(2026, 2, 1, 8, 30, tzinfo=UTC))) == [3]
    assert ids(store.find(until=datetime(2026, 2, 1, 9, 0, tzinfo=UTC))) == [1, 2, 4, 3]
    assert ids(store.find(departement="75")) == [1, 3]
    assert ids(store.find(operator="apec")) == [1]
    assert ids(store.find(departement="75", operator="cep_regional", since=date(2026, 2, 1))) == [3]
    assert store.find(departement="13") == []
    with pytest.raises(ValueError):
        store.find(since=datetime(2026, 1, 1))


def test_delete_one_dossier(store):
    save_four(store)
    assert store.delete(dossier_id(2)) is True
    assert store.delete(dossier_id(2)) is False
    assert store.get(dossier_id(2)) is None
    assert ids(store.find()) == [1, 4, 3]


def test_delete_a_conversation(store):
    save_four(store)
    assert store.delete_conversation("same") == 2
    assert store.delete_conversation("same") == 0
    assert ids(store.find()) == [1, 2]


def test_purge_keeps_the_retention_period(store, monkeypatch):
    save_four(store)
    now = datetime(2026, 7, 10, 0, 0, tzinfo=UTC)
    # 2026-01-11 00:00 is exactly 180 days before `now`: kept; one second older is purged.
    assert store.purge(now=now) == 1
    assert ids(store.find()) == [2, 4, 3]
    assert store.purge(retention_days=155, now=now) == 3
    assert store.find() == []
    monkeypatch.setenv("CQP_DOSSIERS_RETENTION_DAYS", "abc")
    with pytest.raises(ValueError, match="CQP_DOSSIERS_RETENTION_DAYS"):
        store.purge(now=now)
    with pytest.raises(ValueError, match="au moins 1"):
        store.purge(retention_days=0, now=now)


def test_purge_reads_the_retention_from_the_environment(store, monkeypatch):
    save_four(store)
    monkeypatch.setenv("CQP_DOSSIERS_RETENTION_DAYS", "140")
    assert store.purge(now=datetime(2026, 7, 1, tzinfo=UTC)) == 4


# --- settings -----------------------------------------------------------------------


def test_database_url_and_retention_come_from_the_environment(monkeypatch, tmp_path):
    import dossiers.settings as settings

    monkeypatch.setattr(settings, "VAR_DIR", tmp_path / "var")
    monkeypatch.delenv("CQP_DOSSIERS_URL", raising=False)
    monkeypatch.delenv("CQP_DOSSIERS_RETENTION_DAYS", raising=False)
    assert database_url() == f"sqlite:///{tmp_path / 'var' / 'dossiers.sqlite'}"
    assert (tmp_path / "var").is_dir()
    assert settings.retention_days() == DEFAULT_RETENTION_DAYS == 180
    monkeypatch.setenv("CQP_DOSSIERS_URL", "postgresql+psycopg2://cqp@db.internal/dossiers")
    monkeypatch.setenv("CQP_DOSSIERS_RETENTION_DAYS", "90")
    assert database_url() == "postgresql+psycopg2://cqp@db.internal/dossiers"
    assert Store().url == "postgresql+psycopg2://cqp@db.internal/dossiers"
    assert settings.retention_days() == 90


def test_the_package_needs_neither_rasa_nor_knowledge():
    code = "import json, sys, dossiers, dossiers.__main__; print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    loaded = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=_env(), capture_output=True, text=True, check=True)
    modules = set(json.loads(loaded.stdout))
    assert not modules & {"rasa", "rasa_sdk", "knowledge", "bot"}
    assert set(dossiers.__all__) == {"Dossier", "Store", "StorageError", "DEFAULT_RETENTION_DAYS", "database_url"}


# --- command line -------------------------------------------------------------------


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_list(store, capsys):
    save_four(store)
    code, out, err = run(capsys, "list", "--url", store.url)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [dossier_id(n) for n in (1, 2, 4, 3)]
    assert lines[0] == f"{dossier_id(1)}  2026-01-10 23:59 UTC  dép. 75   apec            RNCP34172 {make_dossier().target_title}"
    assert EMAIL not in out and PROJECT not in out and AVAILABILITY not in out
    code, out, _ = run(capsys, "list", "--departement", "971", "--url", store.url)
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [dossier_id(4)]
    code, out, _ = run(capsys, "--url", store.url, "list", "--since", "2026-01-11", "--until", "2026-01-31")
    assert code == 0 and [line.split()[0] for line in out.splitlines()] == [dossier_id(2)]
    code, out, err = run(capsys, "list", "--operator", "mission_locale", "--url", store.url)
    assert (code, out, err) == (1, "", "Aucun dossier ne correspond.\n")


def test_cli_show_is_readable_on_its_own(store, capsys):
    store.save(make_dossier())
    code, out, err = run(capsys, "show", dossier_id(1), "--url", store.url)
    assert code == 0 and err == ""
    for expected in (
        f"Dossier de pré-qualification {dossier_id(1)}",
        "Reçu le : 02/03/2026 à 14:05 (UTC)",
        "Conversation : conversation-1",
        "Consentement : donné le 02/03/2026 à 14:04 (UTC) (texte version consentement-v1)",
        "Règles appliquées : celles en vigueur le 01/03/2026",
        "Statut : salarié ou salariée du privé (salarie)",
        "Certification visée : RNCP34172 — CQP Tourier(ère) en boulangerie-pâtisserie",
        "Voie : VAE",
        "Expérience : 74,5 mois",
        "Droit à la VAE : éligible",
        "À vérifier auprès de : le certificateur du CQP (la CPNE de la branche)",
        "Utilisation du CPF : à vérifier",
        "Département : 2A",
        f"Courriel : {EMAIL}",
        "Opérateur CEP : opérateur CEP régional (cep_regional)",
        "Motif :",
    ):
        assert expected in out, expected
    words = " ".join(out.split())
    assert f"Raisons : - {REASON}" in words
    assert words.count(PROJECT) == 1 and AVAILABILITY in words
    code, out, err = run(capsys, "show", dossier_id(2), "--url", store.url)
    assert (code, out) == (1, "") and dossier_id(2) in err


def test_cli_export_csv_parses_back(store, capsys, tmp_path):
    save_four(store)
    store.save(make_dossier(5, created_at=datetime(2026, 3, 1, tzinfo=UTC), contact_kind="phone", contact=PHONE,
                            project="=HYPERLINK(\"http://exemple.invalid\")", experience_months=None, outcomes={}))
    code, out, err = run(capsys, "export", "--format", "csv", "--url", store.url)
    assert code == 0 and err == ""
    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert [dossier_id_number(r["id"]) for r in rows] == [1, 2, 4, 3, 5]
    first = rows[0]
    assert list(first) == list(dossiers.model.FIELD_NAMES)
    assert first["created_at"] == "2026-01-10T23:59:59+00:00" and first["rules_date"] == "2026-03-01"
    assert first["project"] == PROJECT and first["contact"] == EMAIL and first["availability"] == AVAILABILITY
    assert json.loads(first["outcomes"]) == make_dossier().outcomes
    assert first["experience_months"] == "74.5"
    assert rows[4]["project"].startswith("'=HYPERLINK") and rows[4]["contact"] == "'" + PHONE
    assert rows[4]["experience_months"] == "" and json.loads(rows[4]["outcomes"]) == {}

    target = tmp_path / "export.csv"
    code, out, err = run(capsys, "export", "--format", "csv", "--operator", "apec", "--output", str(target), "--url", store.url)
    assert code == 0 and out == "" and "1 dossier(s) exporté(s)" in err
    assert target.stat().st_mode & 0o077 == 0
    with target.open(encoding="utf-8", newline="") as exported:
        assert [r["id"] for r in csv.DictReader(exported)] == [dossier_id(1)]


def test_cli_export_json_parses_back(store, capsys):
    save_four(store)
    code, out, err = run(capsys, "export", "--format", "json", "--departement", "75", "--url", store.url)
    assert code == 0 and err == ""
    exported = json.loads(out)
    assert [dossier_id_number(d["id"]) for d in exported] == [1, 3]
    one = exported[0]
    assert one["outcomes"] == make_dossier().outcomes
    assert one["project"] == PROJECT and one["experience_months"] == 74.5
    back = Dossier(**{**one, "created_at": datetime.fromisoformat(one["created_at"]),
                      "consent_at": datetime.fromisoformat(one["consent_at"]), "rules_date": date.fromisoformat(one["rules_date"])})
    assert back == store.get(one["id"])
    code, out, err = run(capsys, "export", "--format", "json", "--departement", "13", "--url", store.url)
    assert code == 1 and json.loads(out) == [] and "Aucun dossier" in err


def test_cli_delete_and_purge(store, capsys):
    save_four(store)
    code, out, _ = run(capsys, "delete", dossier_id(1), "--url", store.url)
    assert code == 0 and out == f"Dossier {dossier_id(1)} supprimé.\n"
    code, out, err = run(capsys, "delete", dossier_id(1), "--url", store.url)
    assert code == 1 and out == "" and f"Aucun dossier avec l'identifiant {dossier_id(1)}." in err
    # Every test dossier is older than 2026-03-30, and the tests run later than that.
    code, out, _ = run(capsys, "purge", "--days", "100000", "--url", store.url)
    assert code == 0 and out.startswith("0 dossier(s)")
    code, out, _ = run(capsys, "purge", "--days", "1", "--url", store.url)
    assert code == 0 and out == "3 dossier(s) reçu(s) il y a plus de 1 jours supprimé(s).\n"
    assert store.find() == []


def test_cli_refuses_bad_arguments_in_french(store, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["list", "--since", "02/03/2026", "--url", store.url])
    assert stopped.value.code == 2 and "n'est pas une date AAAA-MM-JJ" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["purge", "--days", "0", "--url", store.url])
    assert "au moins 1" in capsys.readouterr().err


def test_cli_reports_storage_errors_in_french(tmp_path, capsys):
    code, out, err = run(capsys, "list", "--url", f"sqlite:///{tmp_path / 'vide.sqlite'}")
    assert code == 1 and out == "" and err.startswith("Erreur : Impossible de chercher les dossiers")


def _env():
    return {**os.environ, "PYTHONPATH": str(REPO)}


def test_cli_as_a_program(store):
    store.save(make_dossier())
    exported = subprocess.run(
        [sys.executable, "-m", "dossiers", "export", "--format", "json", "--url", store.url],
        cwd=REPO, env=_env(), capture_output=True, timeout=120,
    )
    assert exported.returncode == 0, exported.stderr.decode("utf-8")
    assert json.loads(exported.stdout.decode("utf-8"))[0]["project"] == PROJECT
    shown = subprocess.run(
        [sys.executable, "-m", "dossiers", "show", dossier_id(1), "--url", store.url],
        cwd=REPO, env={**_env(), "LC_ALL": "C", "PYTHONIOENCODING": "ascii"}, capture_output=True, timeout=120,
    )
    assert shown.returncode == 0, shown.stderr.decode("utf-8")
    assert "Règles appliquées : celles en vigueur le 01/03/2026" in shown.stdout.decode("utf-8")
    missing = subprocess.run(
        [sys.executable, "-m", "dossiers", "show", dossier_id(2), "--url", store.url],
        cwd=REPO, env=_env(), capture_output=True, timeout=120,
    )
    assert missing.returncode == 1 and "Aucun dossier" in missing.stderr.decode("utf-8")


# --- logs ---------------------------------------------------------------------------


def test_no_personal_data_in_the_logs(store, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "sqlalchemy.engine.Engine", "sqlalchemy.pool", "alembic"):
        caplog.set_level(logging.DEBUG, logger=name)
    by_email = make_dossier(1)
    by_phone = make_dossier(2, contact_kind="phone", contact=PHONE)
    store.save(by_email)
    store.save(by_phone)
    assert main(["export", "--format", "csv", "--url", store.url]) == 0
    assert main(["export", "--format", "json", "--url", store.url]) == 0
    assert main(["show", by_phone.id, "--url", store.url]) == 0
    assert store.purge(now=datetime(2026, 3, 3, tzinfo=UTC)) == 0
    out = capsys.readouterr().out
    assert PHONE in out and EMAIL in out  # the exports did carry them

    logged = "\n".join(f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records)
    assert f"dossier {by_email.id} enregistré" in logged
    for secret in (EMAIL, PHONE, "12 34 56 78", PROJECT, PROJECT[:30], AVAILABILITY, AVAILABILITY[:25]):
        assert secret not in logged, secret
