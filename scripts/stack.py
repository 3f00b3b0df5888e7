"""A production-like stack on this machine: nginx in front of two Rasa servers and two action
servers, on the PostgreSQL and Redis servers that run here.

    python scripts/stack.py up      # `make stack`: starts it, returns once it answers
    python scripts/stack.py down    # `make stack-down`: stops it, checks nothing is left
    python scripts/stack.py status

The same configuration as deploy/ (endpoints, credentials, nginx template); only the
addresses differ. The tests (tests/stack.py) start their own copy on free ports, with a
database of their own, and use the methods below to kill, freeze or restart its parts.
"""
from __future__ import annotations

import argparse
import ipaddress
import json
import os
import shutil
import signal
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import requests

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = ROOT / ".venv" / "bin"
# After one failed attempt nginx leaves an instance aside this long (then tries it again):
# a crashed instance costs no second refused connection, a restarted one waits this long.
RASA_FAIL_TIMEOUT_S = 10
ACTIONS_FAIL_TIMEOUT_S = 2


@dataclass
class StackSettings:
    port: int = 8000
    rasa_ports: List[int] = field(default_factory=lambda: [5006, 5007])
    action_ports: List[int] = field(default_factory=lambda: [5056, 5057])
    actions_proxy_port: int = 5050
    demo_port: int = 8081
    state_dir: Path = ROOT / "var" / "stack"
    postgres_host: str = os.environ.get("CQP_POSTGRES_HOST", "127.0.0.1")
    postgres_port: str = os.environ.get("CQP_POSTGRES_PORT", "5432")
    postgres_user: str = os.environ.get("CQP_POSTGRES_USER", "postgres")
    postgres_password: str = os.environ.get("CQP_POSTGRES_PASSWORD", "")
    database: str = os.environ.get("CQP_POSTGRES_DB", "cqp_stack")
    redis_host: str = os.environ.get("CQP_REDIS_HOST", "127.0.0.1")
    redis_port: str = os.environ.get("CQP_REDIS_PORT", "6379")
    redis_db: str = os.environ.get("CQP_REDIS_DB", "0")
    action_timeout: int = 10
    rate_messages: str = "5r/s"
    rate_burst: int = 20
    # Which instance answered (X-Upstream): for the tests of this machine's stack only.
    debug_headers: bool = False
    # The stack on this machine stands for a site behind a load balancer: the load tester
    # and the tests play many visitors from 127.0.0.1 by setting X-Forwarded-For. A real
    # deployment must name its own (deploy/compose.yml and deploy/k8s refuse to start without).
    trusted_proxies: str = os.environ.get("CQP_TRUSTED_PROXIES", "127.0.0.1/32")
    catalog: Optional[str] = None

    @property
    def public_url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def origins(self) -> str:
        return f"http://localhost:{self.port},http://127.0.0.1:{self.port}"


def nginx_binary() -> str:
    found = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).exists():
        raise SystemExit("nginx est introuvable : lancez scripts/install_nginx.sh (ou indiquez-le dans NGINX).")
    return found


class Stack:
    def __init__(self, settings: StackSettings):
        self.s = settings
        self.state = Path(settings.state_dir)
        self.logs = self.state / "logs"
        self.processes_file = self.state / "processes.json"
        self.model: Optional[Path] = None

    # --- configuration ---------------------------------------------------------------

    def postgres_url(self, database: Optional[str] = None) -> str:
        password = f":{self.s.postgres_password}" if self.s.postgres_password else ""
        return (f"postgresql+psycopg2://{self.s.postgres_user}{password}@{self.s.postgres_host}:"
                f"{self.s.postgres_port}/{database or self.s.database}")

    def widget_secret(self) -> str:
        configured = os.environ.get("CQP_WIDGET_SECRET", "").strip()
        if configured:
            return configured
        return _private_secret(self.state / "widget_secret")

    def action_token(self) -> str:
        """What Rasa shows the action servers (bot/action_guard.py); kept in the state folder so
        that a part restarted later (the fault tests) gets the same one."""
        configured = os.environ.get("CQP_ACTION_TOKEN", "").strip()
        return configured or _private_secret(self.state / "action_token")

    def base_env(self) -> Dict[str, str]:
        env = {
            **os.environ,
            "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONPATH": str(ROOT),
            "PYTHONHASHSEED": "0", "PYTHONUNBUFFERED": "1", "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        }
        if self.s.catalog:
            env["CQP_CATALOG"] = self.s.catalog
        return env

    def rasa_env(self) -> Dict[str, str]:
        return {
            **self.base_env(),
            "CQP_ACTION_SERVER_URL": f"http://127.0.0.1:{self.s.actions_proxy_port}/webhook",
            "CQP_ACTION_TIMEOUT": str(self.s.action_timeout + 2),  # nginx's limit answers first
            "CQP_POSTGRES_HOST": self.s.postgres_host, "CQP_POSTGRES_PORT": self.s.postgres_port,
            "CQP_POSTGRES_DB": self.s.database, "CQP_POSTGRES_USER": self.s.postgres_user,
            "CQP_POSTGRES_PASSWORD": self.s.postgres_password,
            "CQP_REDIS_HOST": self.s.redis_host, "CQP_REDIS_PORT": self.s.redis_port,
            "CQP_REDIS_DB": self.s.redis_db, "CQP_REDIS_PASSWORD": os.environ.get("CQP_REDIS_PASSWORD", ""),
            "CQP_WIDGET_SECRET": self.widget_secret(), "CQP_CORS_ORIGINS": self.s.origins,
            "CQP_ACTION_TOKEN": self.action_token(),
        }

    def actions_env(self) -> Dict[str, str]:
        # Bound to the loopback only: nothing but the internal proxy (and so Rasa) reaches them.
        return {**self.base_env(), "SANIC_HOST": "127.0.0.1", "CQP_DOSSIERS_URL": self.postgres_url(),
                "CQP_ACTION_TOKEN": self.action_token()}

    def nginx_config(self) -> str:
        check_trusted_proxies(self.s.trusted_proxies)
        template = (DEPLOY / "nginx" / "cqp.conf.template").read_text()
        servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout={RASA_FAIL_TIMEOUT_S}s;"
                            for p in self.s.rasa_ports)
        actions = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout={ACTIONS_FAIL_TIMEOUT_S}s;"
                            for p in self.s.action_ports)
        values = {
            "CQP_NGINX_WORKERS": "2", "CQP_NGINX_STATE": str(self.state / "nginx"),
            "CQP_NGINX_MIME_TYPES": "/etc/nginx/mime.types" if Path("/etc/nginx/mime.types").exists()
            else str(DEPLOY / "nginx" / "mime.types"),
            "CQP_TRUSTED_PROXIES": self.s.trusted_proxies, "CQP_RATE_MESSAGES": self.s.rate_messages,
            "CQP_RATE_BURST": str(self.s.rate_burst), "CQP_RASA_SERVERS": servers, "CQP_ACTION_SERVERS": actions,
            "CQP_DEMO_SERVER": f"127.0.0.1:{self.s.demo_port}", "CQP_LISTEN": f"127.0.0.1:{self.s.port}",
            "CQP_ACTIONS_LISTEN": f"127.0.0.1:{self.s.actions_proxy_port}",
            "CQP_ACTION_TIMEOUT": str(self.s.action_timeout),
            "CQP_DEBUG_HEADERS": "        add_header X-Upstream $upstream_addr always;" if self.s.debug_headers else "",
        }
        return fill_template(template, values)

    # --- processes -------------------------------------------------------------------

    def commands(self) -> Dict[str, "tuple[List[str], Dict[str, str], Optional[str]]"]:
        """name -> (command, environment, health URL or None for a process that serves nothing)."""
        assert self.model is not None
        out: Dict[str, "tuple[List[str], Dict[str, str], Optional[str]]"] = {}
        for i, port in enumerate(self.s.action_ports):
            out[f"actions-{i + 1}"] = (
                [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "bot.actions", "--port", str(port)],
                self.actions_env(), f"http://127.0.0.1:{port}/health")
        for i, port in enumerate(self.s.rasa_ports):
            out[f"rasa-{i + 1}"] = (
                [str(VENV_BIN / "rasa"), "run", "--model", str(self.model), "--endpoints", str(DEPLOY / "endpoints.yml"),
                 "--credentials", str(DEPLOY / "credentials.yml"), "--interface", "127.0.0.1", "--port", str(port),
                 "--cors", *self.s.origins.split(",")],
                self.rasa_env(), f"http://127.0.0.1:{port}/")
        out["demo"] = (
            [str(VENV_BIN / "python"), str(ROOT / "scripts" / "serve_demo.py"), "--port", str(self.s.demo_port),
             "--rasa", self.s.public_url],
            self.base_env(), f"http://127.0.0.1:{self.s.demo_port}/")
        # The retention periods the privacy page announces: a pass now, then one a day.
        out["housekeeping"] = (
            [str(VENV_BIN / "python"), str(ROOT / "scripts" / "housekeeping.py"), "--every-hours", "24"],
            {**self.rasa_env(), "CQP_DOSSIERS_URL": self.postgres_url()}, None)
        out["nginx"] = (
            [nginx_binary(), "-p", str(self.state / "nginx"), "-e", str(self.state / "nginx" / "error.log"),
             "-c", str(self.state / "nginx" / "nginx.conf"), "-g", "daemon off;"],
            self.base_env(), f"http://127.0.0.1:{self.s.port}/health")
        return out

    def _recorded(self) -> Dict[str, int]:
        if not self.processes_file.exists():
            return {}
        return {name: int(pid) for name, pid in json.loads(self.processes_file.read_text()).items()}

    def _record(self, name: str, pid: Optional[int]) -> None:
        recorded = self._recorded()
        if pid is None:
            recorded.pop(name, None)
        else:
            recorded[name] = pid
        self.processes_file.write_text(json.dumps(recorded, indent=1))

    def start_process(self, name: str, wait: bool = True) -> int:
        command, env, health = self.commands()[name]
        log = (self.logs / f"{name}.log").open("a")
        # Its own session: stopping the stack signals the whole group (a server and its children).
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        self._record(name, process.pid)
        if wait:
            self.wait_healthy(name, process.pid, health)
        return process.pid

    def wait_healthy(self, name: str, pid: int, url: Optional[str], timeout: float = 300) -> None:
        if url is None:  # nothing to ask: alive after its first seconds is all there is to check
            time.sleep(2)
            if not _alive(pid):
                raise RuntimeError(f"{name} s'est arrêté au démarrage (journal : {self.logs / (name + '.log')})")
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _alive(pid):
                tail = (self.logs / f"{name}.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{name} s'est arrêté au démarrage :\n{tail}")
            try:
                if requests.get(url, timeout=2).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{name} ne répond pas après {timeout:.0f} s (journal : {self.logs / (name + '.log')})")

    def signal(self, name: str, sig: int) -> None:
        pid = self._recorded().get(name)
        if pid and _alive(pid):
            os.killpg(pid, sig)

    def kill(self, name: str) -> None:
        """As a crash would: SIGKILL, no clean shutdown."""
        pid = self._recorded().get(name)
        if pid:
            _stop_group(pid, signal.SIGKILL)
            self._record(name, None)

    def restore(self) -> List[str]:
        """Every part running and unfrozen again, as after a fault its operator repaired; the
        names of the parts it had to start again."""
        running = self.running()
        for name, pid in running.items():
            os.killpg(pid, signal.SIGCONT)
        restarted = [name for name in self.commands() if name not in running]
        for name in restarted:
            self.start_process(name)
        return restarted

    def running(self) -> Dict[str, int]:
        return {name: pid for name, pid in self._recorded().items() if _alive(pid)}

    # --- whole stack -----------------------------------------------------------------

    def check_ports(self) -> None:
        import socket

        ports = [self.s.port, *self.s.rasa_ports, *self.s.action_ports, self.s.actions_proxy_port, self.s.demo_port]
        for port in ports:
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind(("127.0.0.1", port))
                except OSError:
                    hint = " (CQP_STACK_PORT=… make stack pour un autre port public)" if port == self.s.port else ""
                    raise SystemExit(f"Le port {port} est déjà pris sur cette machine{hint}.") from None

    def prepare(self) -> None:
        self.check_ports()
        for folder in (self.state, self.logs, self.state / "nginx"):
            folder.mkdir(parents=True, exist_ok=True)
        (self.state / "nginx" / "nginx.conf").write_text(self.nginx_config())
        check = subprocess.run([nginx_binary(), "-t", "-q", "-p", str(self.state / "nginx"), "-e",
                                str(self.state / "nginx" / "error.log"), "-c",
                                str(self.state / "nginx" / "nginx.conf")], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"Configuration nginx refusée :\n{check.stderr}")
        self.ensure_database()
        self.ensure_redis()
        subprocess.run([str(VENV_BIN / "python"), "-m", "dossiers", "migrate", "--url", self.postgres_url()],
                       cwd=ROOT, env=self.base_env(), check=True, stdout=subprocess.DEVNULL)
        if self.model is None:
            trained = subprocess.run([str(VENV_BIN / "python"), str(ROOT / "scripts" / "train.py")], cwd=ROOT,
                                     env=self.base_env(), check=True, stdout=subprocess.PIPE, text=True)
            self.model = ROOT / trained.stdout.strip().splitlines()[-1]

    def ensure_database(self) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self.postgres_url("postgres"), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as connection:
                exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                            {"name": self.s.database}).scalar()
                if not exists:
                    connection.execute(sa.text(f'CREATE DATABASE "{self.s.database}"'))
        except sa.exc.OperationalError as error:
            raise SystemExit(f"PostgreSQL injoignable sur {self.s.postgres_host}:{self.s.postgres_port} "
                             f"({type(error.orig).__name__}).") from None
        finally:
            engine.dispose()

    def ensure_redis(self) -> None:
        import redis

        client = redis.Redis(host=self.s.redis_host, port=int(self.s.redis_port), db=int(self.s.redis_db),
                             password=os.environ.get("CQP_REDIS_PASSWORD") or None, socket_timeout=5)
        try:
            client.ping()
        except redis.RedisError as error:
            raise SystemExit(f"Redis injoignable sur {self.s.redis_host}:{self.s.redis_port} "
                             f"({type(error).__name__}).") from None
        finally:
            client.close()

    def up(self) -> None:
        if self.running():
            raise SystemExit("La pile tourne déjà (make stack-down pour l'arrêter).")
        self.prepare()
        names = list(self.commands())
        try:
            # Action servers and Rasa servers start together: Rasa's 15 s of loading is the wait.
            pids = {name: self.start_process(name, wait=False) for name in names if name != "nginx"}
            for name, pid in pids.items():
                self.wait_healthy(name, pid, self.commands()[name][2])
            self.start_process("nginx")
        except BaseException:
            self.down()
            raise

    def down(self) -> List[str]:
        """Stops every process of the stack; returns the names of any that would not stop."""
        for name, pid in self._recorded().items():
            if _alive(pid):
                os.killpg(pid, signal.SIGTERM)
        left: List[str] = []
        for name, pid in self._recorded().items():
            if not _stop_group(pid, signal.SIGTERM, grace=20):
                left.append(name)
        if not left and self.processes_file.exists():
            self.processes_file.unlink()
        return left


def check_trusted_proxies(value: str) -> None:
    """One address or range (nginx's set_real_ip_from), never a silent default: behind a load
    balancer, a wrong one puts every visitor in one rate-limit bucket."""
    try:
        if not value.strip():
            raise ValueError
        ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        raise ValueError(
            f"CQP_TRUSTED_PROXIES doit être l'adresse ou la plage du répartiteur de charge devant nginx "
            f"(reçu « {value} »). CQP_TRUSTED_PROXIES must be the address or range of the load balancer "
            f"in front of nginx.") from None


def _private_secret(path: Path) -> str:
    """The secret of a file, created private when missing; a short or readable file stops here
    (bot/channels/session_ids.py)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from bot.channels.session_ids import private_secret

    path.parent.mkdir(parents=True, exist_ok=True)
    return private_secret(path).decode()


def fill_template(template: str, values: Dict[str, str]) -> str:
    """${CQP_...} placeholders, as envsubst fills them; nginx's own $variables stay."""
    def value(match: "re.Match[str]") -> str:
        if match.group(1) not in values:
            raise KeyError(f"{match.group(1)} : valeur manquante pour deploy/nginx/cqp.conf.template")
        return values[match.group(1)]
    return re.sub(r"\$\{(CQP_[A-Z0-9_]+)\}", value, template)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of this process (the tests') is dead for every purpose here.
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].split()[0]
    except OSError:
        return False
    if status == "Z":
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            pass
        return False
    return True


def _group_alive(pgid: int) -> bool:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().split(") ")[-1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


def _stop_group(pgid: int, sig: int, grace: float = 5) -> bool:
    """Signals a process group, then SIGKILLs what is left after `grace` seconds."""
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _alive(pgid)  # reaps it when it is our child
        if not _group_alive(pgid):
            return True
        time.sleep(0.2)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        _alive(pgid)
        if not _group_alive(pgid):
            return True
        time.sleep(0.2)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("up", "down", "status"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("CQP_STACK_PORT", "8000")))
    args = parser.parse_args()
    stack = Stack(StackSettings(port=args.port))
    if args.command == "up":
        try:
            stack.up()
        except (RuntimeError, ValueError) as error:  # a part that did not start, or a setting refused
            print(f"La pile n'a pas démarré (tout est arrêté) : {error}", file=sys.stderr)
            return 1
        print(f"""La pile de production locale tourne (modèle {stack.model.name}) :
  Démo      : {stack.s.public_url}/  (la fenêtre de discussion, en bas à droite)
  REST      : POST {stack.s.public_url}/webhooks/rest/webhook  {{"message": "Bonjour"}}
              (sans "sender" : la réponse donne l'identifiant de la conversation dans recipient_id)
  socket.io : {stack.s.public_url}/socket.io
  Derrière nginx : Rasa sur {', '.join(map(str, stack.s.rasa_ports))}, actions sur {', '.join(map(str, stack.s.action_ports))}
  PostgreSQL : base {stack.s.database} ; Redis : base {stack.s.redis_db}
  Journaux  : {stack.logs.relative_to(ROOT)}/
Arrêt : make stack-down""")
        return 0
    if args.command == "down":
        left = stack.down()
        if left:
            print(f"Processus encore présents : {', '.join(left)}", file=sys.stderr)
            return 1
        print("La pile est arrêtée : aucun processus restant.")
        return 0
    running = stack.running()
    print("\n".join(f"{name}: {pid}" for name, pid in running.items()) or "La pile est arrêtée.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
