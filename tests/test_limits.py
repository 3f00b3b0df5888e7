"""Issue 15, findings 5, 6 (new conversations) and 7 (part): the limits per client address of both
channels, against a real Rasa server configured as in production (signed ids, behind nginx) with
small limits; the action server's token and JSON requirement; the secret files; the trusted
proxies of production; `make shell` on the loopback only."""
from __future__ import annotations

import json
import os
import pty
import signal
import stat
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml

from bot.channels import messages, session_ids
from bot.channels.session_ids import load_secret
from tests import servers
from tests.widget_client import WidgetClient

ROOT = servers.ROOT
MESSAGES_PER_ADDRESS = 10
CONVERSATIONS_PER_ADDRESS = 6
# 127.0.0.1 and ::1 as /proc/net/tcp* write them (0.0.0.0 is 00000000).
LOOPBACK = {"0100007F", "00000000000000000000000001000000"}


# --- a Rasa server with the production channels and small limits ----------------------------------

@pytest.fixture(scope="module")
def limited(model, action_server, tmp_path_factory):
    """deploy/credentials.yml's channels (signed ids, the address nginx passes in X-Real-IP), with
    limits small enough to reach, over windows no test run comes near (no timing involved)."""
    workdir = tmp_path_factory.mktemp("limited")
    production = yaml.safe_load((ROOT / "deploy" / "credentials.yml").read_text())
    for channel in production.values():
        channel.update(behind_proxy=True,
                       messages_per_address=MESSAGES_PER_ADDRESS, messages_per_address_seconds=3600,
                       conversations_per_address=CONVERSATIONS_PER_ADDRESS, conversations_per_address_seconds=3600)
    credentials = workdir / "credentials.yml"
    credentials.write_text(yaml.safe_dump(production))
    action_port, _ = action_server
    port = servers.free_port()
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        f'action_endpoint:\n  url: "http://127.0.0.1:{action_port}/webhook"\n'
        "  headers:\n    Authorization: Bearer ${CQP_ACTION_TOKEN}\n"
        f'tracker_store:\n  type: bot.stores.erasable.ErasableSQLTrackerStore\n  dialect: "sqlite"\n'
        f'  db: "{workdir / "tracker.db"}"\n')
    server = servers.Server(
        "rasa server (production channels, small limits)",
        [servers.RASA, "run", "--model", str(model), "--endpoints", str(endpoints), "--credentials", str(credentials),
         "--interface", "127.0.0.1", "--port", str(port), "--cors", servers.DEMO_ORIGIN],
        f"http://127.0.0.1:{port}/", workdir / "rasa.log", servers.WIDGET_ENV)
    server.wait_ready()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def rest(url: str, address: str, body: dict) -> requests.Response:
    # As nginx passes it: the client address it worked out, in X-Real-IP.
    return requests.post(f"{url}/webhooks/rest/webhook", json=body, headers={"X-Real-IP": address}, timeout=60)


def widget(url: str, address: str, session_id=None) -> WidgetClient:
    client = WidgetClient(url, headers={"X-Real-IP": address})
    client.start(session_id)
    return client


def test_many_sockets_from_one_address_share_one_message_limit(limited):
    # Five browsers behind one address: five conversations, five session requests (each reads
    # a conversation from the database, so each counts: 5 of the 10).
    sockets = [widget(limited, "203.0.113.7") for _ in range(5)]
    answers = []
    for _ in range(2):
        for client in sockets:
            answers.append([m.get("text", "") for m in client.say("Qu'est-ce qu'un CQP ?")])
    served = [a for a in answers if messages.ADDRESS_BUSY not in a]
    refused = [a for a in answers if messages.ADDRESS_BUSY in a]
    # Each socket sent 2 messages (its own limits are 30 and 20): only the address's limit refuses.
    assert len(served) == MESSAGES_PER_ADDRESS - 5 and len(refused) == 5
    assert all("certificat de qualification professionnelle" in " ".join(a) for a in served), served
    assert all(a == [messages.ADDRESS_BUSY] for a in refused)  # said, never dropped
    other = widget(limited, "198.51.100.20")
    assert "certificat de qualification professionnelle" in " ".join(
        m.get("text", "") for m in other.say("Qu'est-ce qu'un CQP ?"))
    for client in [*sockets, other]:
        client.close()


def test_rest_messages_from_one_address_over_the_limit_get_a_429_in_french(limited):
    first = rest(limited, "203.0.113.8", {"message": "Bonjour"})
    sender = first.json()[0]["recipient_id"]
    statuses = [first.status_code]
    for _ in range(MESSAGES_PER_ADDRESS + 2):
        response = rest(limited, "203.0.113.8", {"sender": sender, "message": "Qu'est-ce qu'un CQP ?"})
        statuses.append(response.status_code)
    assert statuses.count(200) == MESSAGES_PER_ADDRESS and statuses.count(429) == 3
    refusal = response.json()
    assert refusal == {"erreur": "trop_de_requetes", "message": messages.ADDRESS_BUSY}
    assert rest(limited, "198.51.100.21", {"sender": sender, "message": "et la VAE ?"}).status_code == 200


def test_rest_requests_without_sender_open_a_limited_number_of_conversations(limited):
    opened = [rest(limited, "203.0.113.9", {"message": "Bonjour"}) for _ in range(CONVERSATIONS_PER_ADDRESS)]
    assert all(r.status_code == 200 for r in opened)
    assert len({r.json()[0]["recipient_id"] for r in opened}) == CONVERSATIONS_PER_ADDRESS
    refused = rest(limited, "203.0.113.9", {"message": "Bonjour"})
    assert refused.status_code == 429
    assert refused.json() == {"erreur": "trop_de_conversations", "message": messages.TOO_MANY_CONVERSATIONS}
    # An open conversation goes on, and another address opens its own.
    going_on = rest(limited, "203.0.113.9", {"sender": opened[0].json()[0]["recipient_id"], "message": "et la VAE ?"})
    assert going_on.status_code == 200 and "VAE" in going_on.text
    assert rest(limited, "198.51.100.22", {"message": "Bonjour"}).status_code == 200


def test_widget_session_requests_open_a_limited_number_of_conversations(limited):
    opened = [widget(limited, "203.0.113.10") for _ in range(CONVERSATIONS_PER_ADDRESS)]
    for client in opened:
        client.close()
    refused = WidgetClient(limited, headers={"X-Real-IP": "203.0.113.10"})
    refused.connect()
    refused.sio.emit("session_request", {"session_id": None})
    said = refused.wait_for("bot_uttered")
    assert said == {"text": messages.TOO_MANY_CONVERSATIONS}
    deadline = time.monotonic() + 30
    while refused.sio.connected and time.monotonic() < deadline:  # closed: the widget offers to reconnect
        time.sleep(0.1)
    assert not refused.sio.connected and "session_confirm" not in [e for e, _ in refused.events]
    # Coming back to a conversation already open is not a new one.
    back = widget(limited, "203.0.113.10", opened[0].session_id)
    assert back.session_id == opened[0].session_id
    back.close()


def test_the_client_address_is_nginx_s_behind_the_proxy_and_the_peer_s_otherwise():
    from bot.channels.limits import AddressLimits, client_address

    headers = {"X-Real-IP": "203.0.113.5"}
    assert client_address("127.0.0.1", headers, behind_proxy=True) == "203.0.113.5"
    assert client_address("127.0.0.1", headers, behind_proxy=False) == "127.0.0.1"
    assert client_address("127.0.0.1", {"X-Real-IP": "not an address"}, behind_proxy=True) == "127.0.0.1"
    assert client_address("127.0.0.1", {}, behind_proxy=True) == "127.0.0.1"
    off = AddressLimits(messages=0, conversations=0)
    assert all(off.allow_message("a") and off.allow_conversation("a") for _ in range(1000))
    on = AddressLimits(messages=2, conversations=1)
    assert [on.allow_message("a") for _ in range(3)] == [True, True, False] and on.allow_message("b")
    with pytest.raises(ValueError):
        AddressLimits(messages=-1)


def test_production_channels_count_per_address_by_nginx_s_address():
    production = yaml.safe_load((ROOT / "deploy" / "credentials.yml").read_text())
    embedded = yaml.safe_load((ROOT / "credentials.yml").read_text())
    for name, channel in production.items():
        assert channel["behind_proxy"] is True, name
        assert channel["messages_per_address"] > 0 and channel["conversations_per_address"] > 0, name
        # Bound to this machine, the embedded set-up has one address: its limits are per conversation.
        assert embedded[name]["messages_per_address"] == 0 and not embedded[name].get("behind_proxy"), name


def test_nginx_limits_sockets_per_address_and_passes_its_client_address():
    template = (ROOT / "deploy" / "nginx" / "cqp.conf.template").read_text()
    socket_location = template.split("location /socket.io/ {")[1].split("\n        }")[0]
    rest_location = template.split("location = /webhooks/rest/webhook {")[1].split("\n        }")[0]
    assert "limit_conn sockets 10;" in socket_location
    assert "limit_conn_zone $binary_remote_addr zone=sockets" in template
    for location in (socket_location, rest_location):
        assert "proxy_set_header X-Real-IP $remote_addr;" in location


# --- the action server --------------------------------------------------------------------------

ACTION_CALL = {"next_action": "action_answer", "version": "3.6.2", "domain": {},
               "tracker": {"sender_id": "page-web", "slots": {}, "latest_message": {}, "events": []}}


def test_the_action_server_wants_rasa_s_token_and_json_and_rasa_still_works(action_server, rasa):
    port, _ = action_server
    url = f"http://127.0.0.1:{port}/webhook"
    token = servers.ENV["CQP_ACTION_TOKEN"]
    body = json.dumps(ACTION_CALL)
    # What any web page can send cross-origin without a preflight: a text/plain body.
    page = requests.post(url, data=body, headers={"Content-Type": "text/plain"}, timeout=30)
    assert page.status_code == 401
    plain = requests.post(url, data=body, headers={"Content-Type": "text/plain", "Authorization": f"Bearer {token}"},
                          timeout=30)
    assert plain.status_code == 415
    for wrong in ("", "Bearer", f"Bearer {token[:-1]}", f"Basic {token}", token):
        response = requests.post(url, data=body, headers={"Content-Type": "application/json", "Authorization": wrong},
                                 timeout=30)
        assert response.status_code == 401, wrong
    assert requests.get(f"http://127.0.0.1:{port}/actions", timeout=30).status_code == 401
    assert requests.get(f"http://127.0.0.1:{port}/health", timeout=30).status_code == 200
    good = requests.post(url, data=body, headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"}, timeout=30)
    assert good.status_code == 200 and "events" in good.json()
    # Rasa, given the token in its endpoints, runs custom actions as before.
    conversation = rasa.conversation()
    conversation.say("Qu'est-ce qu'un CQP ?")
    assert "certificat de qualification professionnelle" in conversation.text


def test_the_action_server_does_not_start_without_a_token(tmp_path):
    for token in ("", "trop-court"):
        port, log = servers.free_port(), tmp_path / f"actions-{len(token)}.log"
        with log.open("w") as handle:
            env = {**servers.ENV, "CQP_ACTION_TOKEN": token, "SANIC_HOST": "127.0.0.1"}
            server = subprocess.Popen([servers.RASA, "run", "actions", "--actions", "bot.actions", "--port", str(port)],
                                      cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 300
            while server.poll() is None:  # stopped, or serving (then it started without a token)
                try:
                    answered = requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok
                except requests.RequestException:
                    answered = False
                assert not answered and time.monotonic() < deadline, "the action server started without a token"
                time.sleep(0.5)
        finally:
            if server.poll() is None:
                server.kill()
            server.wait()
        assert server.returncode != 0
        assert "CQP_ACTION_TOKEN" in log.read_text()


def test_endpoints_send_the_token_to_the_action_server():
    for path in ("endpoints.yml", "deploy/endpoints.yml"):
        endpoint = yaml.safe_load((ROOT / path).read_text())["action_endpoint"]
        assert endpoint["headers"]["Authorization"] == "Bearer ${CQP_ACTION_TOKEN}", path


# --- secret files --------------------------------------------------------------------------------

def write(path: Path, content: bytes, mode: int) -> Path:
    path.write_bytes(content)
    path.chmod(mode)
    return path


@pytest.mark.parametrize("content, mode", [
    (b"", 0o600), (b"\n", 0o600), (b"x" * 31, 0o600),   # empty or short: a key anybody can guess
    (b"x" * 64, 0o644), (b"x" * 64, 0o640), (b"x" * 64, 0o604),  # readable by others
], ids=["empty", "newline", "31-bytes", "0644", "0640", "0604"])
def test_a_weak_widget_secret_file_stops_the_start(tmp_path, monkeypatch, content, mode):
    from bot.channels.widget import WidgetChannel

    secret = write(tmp_path / "widget_secret", content, mode)
    monkeypatch.delenv("CQP_WIDGET_SECRET", raising=False)
    with pytest.raises(ValueError) as refused:  # SecretError
        load_secret(secret)
    assert str(secret) in str(refused.value)
    # As Rasa builds the channel at start-up, with the default file.
    monkeypatch.setattr(session_ids, "DEFAULT_SECRET_FILE", secret)
    with pytest.raises(ValueError):
        WidgetChannel.from_credentials(None)


def test_a_missing_secret_file_is_created_private_and_a_good_one_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("CQP_WIDGET_SECRET", raising=False)
    created = load_secret(tmp_path / "var" / "widget_secret")
    assert len(created) >= 32
    assert stat.S_IMODE((tmp_path / "var" / "widget_secret").stat().st_mode) == 0o600
    assert load_secret(tmp_path / "var" / "widget_secret") == created
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "var" / "widget_secret")
    with pytest.raises(ValueError):  # a link could lead anywhere
        session_ids.private_secret(link)
    monkeypatch.setenv("CQP_WIDGET_SECRET", "x" * 31)
    with pytest.raises(ValueError):
        load_secret(tmp_path / "var" / "widget_secret")


def test_the_local_stack_refuses_a_weak_secret_file(tmp_path, monkeypatch):
    from tests.stack import Stack, StackSettings

    monkeypatch.delenv("CQP_WIDGET_SECRET", raising=False)
    monkeypatch.delenv("CQP_ACTION_TOKEN", raising=False)
    write(tmp_path / "widget_secret", b"", 0o600)
    write(tmp_path / "action_token", b"x" * 64, 0o644)
    stack = Stack(StackSettings(state_dir=tmp_path))
    with pytest.raises(ValueError, match="widget_secret"):
        stack.widget_secret()
    with pytest.raises(ValueError, match="action_token"):
        stack.action_token()


# --- trusted proxies in production ---------------------------------------------------------------

def test_production_requires_the_trusted_proxies(tmp_path):
    from tests.stack import Stack, StackSettings

    compose = yaml.safe_load((ROOT / "deploy" / "compose.yml").read_text())
    value = compose["services"]["nginx"]["environment"]["CQP_TRUSTED_PROXIES"]
    assert value.startswith("${CQP_TRUSTED_PROXIES:?"), value  # Compose stops when it is unset or empty
    env_example = dict(line.split("=", 1) for line in (ROOT / "deploy" / "env.example").read_text().splitlines()
                       if line and not line.startswith("#"))
    assert env_example["CQP_TRUSTED_PROXIES"] == ""
    config = dict(line.split("=", 1) for line in (ROOT / "deploy" / "k8s" / "config.env").read_text().splitlines()
                  if line and not line.startswith("#"))
    assert config["CQP_TRUSTED_PROXIES"] == ""
    # Kubernetes: the nginx container's own start refuses an empty value, with the reason.
    nginx = next(d for d in yaml.safe_load_all((ROOT / "deploy" / "k8s" / "nginx.yaml").read_text())
                 if d["kind"] == "Deployment")
    container = nginx["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["/bin/sh", "-c"]
    start = container["args"][0].replace("exec /docker-entrypoint.sh", "exec true")
    refused = subprocess.run(["/bin/sh", "-c", start], env={"PATH": os.environ["PATH"], "CQP_TRUSTED_PROXIES": ""},
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "CQP_TRUSTED_PROXIES" in refused.stderr
    accepted = subprocess.run(["/bin/sh", "-c", start], capture_output=True, text=True,
                              env={"PATH": os.environ["PATH"], "CQP_TRUSTED_PROXIES": "10.0.0.0/8"})
    assert accepted.returncode == 0
    # The stack's nginx configuration: an empty or malformed value stops it with the reason.
    for wrong in ("", " ", "load-balancer", "10.0.0.0/8, 192.168.0.0/16"):
        with pytest.raises(ValueError, match="CQP_TRUSTED_PROXIES"):
            Stack(StackSettings(state_dir=tmp_path, trusted_proxies=wrong)).nginx_config()
    assert "set_real_ip_from 10.1.2.0/24;" in Stack(StackSettings(state_dir=tmp_path,
                                                                  trusted_proxies="10.1.2.0/24")).nginx_config()


# --- make shell ----------------------------------------------------------------------------------

def listening_addresses_of_session(session: int) -> set:
    """The local addresses every process of a session listens on (TCP, IPv4 and IPv6), from /proc:
    whatever port each picked."""
    inodes = set()
    for entry in Path("/proc").iterdir():
        try:
            if not entry.name.isdigit() or int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[3]) != session:
                continue
            for fd in (entry / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
        except (OSError, IndexError, ValueError):
            continue
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # LISTEN
                found.add(fields[1])
    return found


def test_make_shell_listens_on_the_loopback_only(model):
    """`scripts/run.sh shell` (make shell), started in a terminal as a developer would: the stock
    REST channel of `rasa shell`, over the real conversations, and the action server are reachable
    from this machine only."""
    env = {**os.environ, "RASA_PORT": str(servers.free_port()), "ACTION_PORT": str(servers.free_port()),
           "TERM": "dumb"}
    env.pop("CQP_ACTION_TOKEN", None)
    primary, secondary = pty.openpty()
    shell = subprocess.Popen([str(ROOT / "scripts" / "run.sh"), "shell"], cwd=ROOT, env=env, stdin=secondary,
                             stdout=secondary, stderr=secondary, start_new_session=True)
    os.close(secondary)
    output = b""
    try:
        deadline = time.monotonic() + 600
        while b"Bot loaded" not in output:  # rasa shell's prompt: its server is up
            assert shell.poll() is None, output.decode(errors="replace")[-3000:]
            assert time.monotonic() < deadline, output.decode(errors="replace")[-3000:]
            output += _read_available(primary)
            time.sleep(0.2)
        addresses = listening_addresses_of_session(shell.pid)
        assert len(addresses) >= 2, addresses  # the action server's and Rasa's
        assert {address.rsplit(":", 1)[0] for address in addresses} <= LOOPBACK, addresses
    finally:
        try:
            os.killpg(shell.pid, signal.SIGTERM)
            shell.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(shell.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            shell.wait()
        os.close(primary)


def _read_available(descriptor: int) -> bytes:
    import select

    ready, _, _ = select.select([descriptor], [], [], 0)
    try:
        return os.read(descriptor, 65536) if ready else b""
    except OSError:
        return b""
