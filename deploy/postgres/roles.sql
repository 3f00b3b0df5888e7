-- The assistant's PostgreSQL roles, one per part, each with only what it needs (issue 15).
-- A psql script, run as a superuser in the assistant's database. Compose mounts it in
-- /docker-entrypoint-initdb.d/, so the postgres container runs it on its first start; on an
-- existing database, or a managed one, run it by hand:
--
--   CQP_DB_PASSWORD_MIGRATE=… CQP_DB_PASSWORD_RASA=… CQP_DB_PASSWORD_ACTIONS=… \
--   CQP_DB_PASSWORD_HOUSEKEEPING=… CQP_DB_PASSWORD_ADVISORS=… \
--   psql -v ON_ERROR_STOP=1 -d cqp -f deploy/postgres/roles.sql
--
-- (`-v prefix=…` for other role names than cqp_*; `-v migrate_password=…` and so on instead
-- of the environment). Safe to run again: it creates what is missing, then sets every
-- password and privilege to what follows, and takes over the tables an earlier single-role
-- set-up left to another owner.
--
--   <prefix>_migrate       owns the dossier tables (python -m dossiers migrate, Alembic)
--   <prefix>_rasa          owns Rasa's tracker store: the `events` table Rasa creates at start
--   <prefix>_actions       the action servers: SELECT, INSERT, DELETE on the dossier tables
--                          (save, same_as, the visitor's « supprimez mes données »); no UPDATE
--   <prefix>_housekeeping  retention and erasure (scripts/housekeeping.py, python -m dossiers
--                          erase): SELECT, DELETE on the dossier tables and on `events`
--   <prefix>_advisors      the advisors' command line: SELECT, DELETE on the dossier tables,
--                          nothing else; every statement of theirs is in PostgreSQL's log
--                          (ids, dates and filters: their commands never send a contact)
--
-- Nobody else can connect to the database, nor create anything in it.

\set ON_ERROR_STOP on
\if :{?prefix}
\else
  \set prefix cqp
\endif
\set migrate_role :prefix '_migrate'
\set rasa_role :prefix '_rasa'
\set actions_role :prefix '_actions'
\set housekeeping_role :prefix '_housekeeping'
\set advisors_role :prefix '_advisors'

\if :{?migrate_password}
\else
  \getenv migrate_password CQP_DB_PASSWORD_MIGRATE
\endif
\if :{?rasa_password}
\else
  \getenv rasa_password CQP_DB_PASSWORD_RASA
\endif
\if :{?actions_password}
\else
  \getenv actions_password CQP_DB_PASSWORD_ACTIONS
\endif
\if :{?housekeeping_password}
\else
  \getenv housekeeping_password CQP_DB_PASSWORD_HOUSEKEEPING
\endif
\if :{?advisors_password}
\else
  \getenv advisors_password CQP_DB_PASSWORD_ADVISORS
\endif
\if :{?migrate_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'CQP_DB_PASSWORD_MIGRATE manque (mot de passe du rôle de migration)'; END $$;
\endif
\if :{?rasa_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'CQP_DB_PASSWORD_RASA manque (mot de passe du rôle de Rasa)'; END $$;
\endif
\if :{?actions_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'CQP_DB_PASSWORD_ACTIONS manque (mot de passe du rôle des serveurs d''actions)'; END $$;
\endif
\if :{?housekeeping_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'CQP_DB_PASSWORD_HOUSEKEEPING manque (mot de passe du rôle de l''entretien)'; END $$;
\endif
\if :{?advisors_password}
\else
  DO $$ BEGIN RAISE EXCEPTION 'CQP_DB_PASSWORD_ADVISORS manque (mot de passe du rôle des conseillers)'; END $$;
\endif

-- Everything below or nothing.
BEGIN;

-- The roles: log in, nothing more (no superuser, no CREATEDB, no CREATEROLE, no replication).
SELECT format('CREATE ROLE %I', name)
  FROM unnest(ARRAY[:'migrate_role', :'rasa_role', :'actions_role', :'housekeeping_role', :'advisors_role']) AS name
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name)
\gexec
ALTER ROLE :"migrate_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'migrate_password';
ALTER ROLE :"rasa_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'rasa_password';
ALTER ROLE :"actions_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'actions_password';
ALTER ROLE :"housekeeping_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'housekeeping_password';
ALTER ROLE :"advisors_role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'advisors_password';

-- The database: these five connect, nobody else; only the two owners create tables.
SELECT current_database() AS database \gset
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT ON DATABASE :"database" TO :"migrate_role", :"rasa_role", :"actions_role", :"housekeeping_role", :"advisors_role";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"migrate_role", :"rasa_role", :"actions_role", :"housekeeping_role", :"advisors_role";
GRANT CREATE ON SCHEMA public TO :"migrate_role", :"rasa_role";

-- Alembic's version table exists before the default privileges below, so that they do not
-- reach it: only the migration role writes it; the action servers read it (they check the
-- schema is up to date at start). The same definition as Alembic's own.
CREATE TABLE IF NOT EXISTS public.alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
ALTER TABLE public.alembic_version OWNER TO :"migrate_role";
REVOKE ALL ON public.alembic_version FROM PUBLIC, :"rasa_role", :"actions_role", :"housekeeping_role", :"advisors_role";
GRANT SELECT ON public.alembic_version TO :"actions_role";

-- Tables an earlier set-up (one role for everything) left: to their owners, with the same
-- privileges as new ones get.
SELECT format('ALTER TABLE public.dossier OWNER TO %I', :'migrate_role')
 WHERE to_regclass('public.dossier') IS NOT NULL
\gexec
SELECT format('ALTER TABLE public.events OWNER TO %I', :'rasa_role')
 WHERE to_regclass('public.events') IS NOT NULL
\gexec
SELECT statement FROM (VALUES
    (format('REVOKE ALL ON public.dossier FROM PUBLIC, %I, %I, %I, %I', :'rasa_role', :'actions_role', :'housekeeping_role', :'advisors_role')),
    (format('GRANT SELECT, INSERT, DELETE ON public.dossier TO %I', :'actions_role')),
    (format('GRANT SELECT, DELETE ON public.dossier TO %I, %I', :'housekeeping_role', :'advisors_role'))
) AS grants (statement)
 WHERE to_regclass('public.dossier') IS NOT NULL
\gexec
SELECT statement FROM (VALUES
    (format('REVOKE ALL ON public.events FROM PUBLIC, %I, %I, %I, %I', :'migrate_role', :'actions_role', :'housekeeping_role', :'advisors_role')),
    (format('GRANT SELECT, DELETE ON public.events TO %I', :'housekeeping_role'))
) AS grants (statement)
 WHERE to_regclass('public.events') IS NOT NULL
\gexec

-- Tables created from now on: the dossier tables of later migrations, and `events`, which
-- Rasa creates at its first start.
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrate_role" IN SCHEMA public
    REVOKE ALL ON TABLES FROM :"rasa_role", :"actions_role", :"housekeeping_role", :"advisors_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrate_role" IN SCHEMA public GRANT SELECT, INSERT, DELETE ON TABLES TO :"actions_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrate_role" IN SCHEMA public GRANT SELECT, DELETE ON TABLES TO :"housekeeping_role", :"advisors_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"rasa_role" IN SCHEMA public
    REVOKE ALL ON TABLES FROM :"migrate_role", :"actions_role", :"housekeeping_role", :"advisors_role";
ALTER DEFAULT PRIVILEGES FOR ROLE :"rasa_role" IN SCHEMA public GRANT SELECT, DELETE ON TABLES TO :"housekeeping_role";

-- The advisors' reading in PostgreSQL's own log, out of their reach. Only a superuser may
-- set it: skipped, with the rest applied, on a managed database that does not allow it.
SELECT format('ALTER ROLE %I IN DATABASE %I SET log_statement = %L', :'advisors_role', :'database', 'all')
 WHERE (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
\gexec

COMMIT;
