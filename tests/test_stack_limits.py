"""Issue 15, finding 5, through the real stack (nginx, two Rasa servers, deploy/credentials.yml):
one client address holding many sockets. nginx counts a websocket as one request whatever it
carries; it now limits the sockets per address, and the Rasa servers count the messages per
address (the one nginx worked out from X-Forwarded-For, passed in X-Real-IP)."""
from __future__ import annotations

import socketio
import yaml

from bot.channels import messages
from tests import servers
from tests.stack import new_address
from tests.widget_client import WidgetClient

SOCKETS_PER_ADDRESS = 10  # deploy/nginx/cqp.conf.template


def client(stack, address: str, route: str) -> WidgetClient:
    # A browser behind the load balancer: its address in X-Forwarded-For, its own routing key.
    return WidgetClient(f"{stack.s.public_url}?route={route}", origin=f"http://localhost:{stack.s.port}",
                        headers={"X-Forwarded-For": address})


def test_an_address_holds_at_most_ten_sockets_and_others_still_connect(stack):
    address, opened, refused = new_address(), [], 0
    for n in range(SOCKETS_PER_ADDRESS + 2):
        widget = client(stack, address, f"{n:024x}")
        try:
            widget.connect()
            opened.append(widget)
        except socketio.exceptions.ConnectionError:  # nginx's 429 on the handshake
            refused += 1
    try:
        assert len(opened) == SOCKETS_PER_ADDRESS and refused == 2
        other = client(stack, new_address(), "f" * 24)
        assert other.start()["messages"] == []
        other.close()
    finally:
        for widget in opened:
            widget.close()


def test_messages_over_many_sockets_of_one_address_are_limited_and_answered(stack):
    per_address = yaml.safe_load((servers.ROOT / "deploy" / "credentials.yml").read_text())[
        "bot.channels.widget.WidgetChannel"].get("messages_per_address", 60)
    address = new_address()
    # As many browsers as nginx lets one address open, spread over both instances by their keys.
    widgets = [client(stack, address, f"{n + 100:024x}") for n in range(SOCKETS_PER_ADDRESS)]
    for widget in widgets:
        widget.start()
    answers = []
    try:
        # Round after round, one message per socket: far under each socket's and each
        # conversation's own limits, until the address's limit answers (both instances together
        # allow at most twice the limit per address).
        for _ in range(2 * per_address // SOCKETS_PER_ADDRESS + 2):
            round_answers = [[m.get("text", "") for m in widget.say("Bonjour")] for widget in widgets]
            answers += round_answers
            if any(messages.ADDRESS_BUSY in a for a in round_answers):
                break
        assert any(a == [messages.ADDRESS_BUSY] for a in answers)
        # Every message answered, and refused by the limit per address only.
        assert all(a and messages.TOO_FAST not in a for a in answers)
        other = client(stack, new_address(), "e" * 24)
        other.start()
        assert messages.ADDRESS_BUSY not in [m.get("text") for m in other.say("Bonjour")]
        other.close()
    finally:
        for widget in widgets:
            widget.close()


def test_a_client_cannot_pick_the_address_it_is_counted_by_past_nginx(stack):
    """nginx overwrites X-Real-IP with the address it worked out: a client sending its own
    X-Real-IP, or an X-Forwarded-For chain naming others, is still counted by nginx's answer."""
    address = new_address()
    widgets = [client(stack, address, f"{n + 200:024x}") for n in range(SOCKETS_PER_ADDRESS)]
    for n, widget in enumerate(widgets):
        widget.headers = {"X-Forwarded-For": address, "X-Real-IP": f"192.0.2.{n}"} if n % 2 \
            else {"X-Forwarded-For": f"192.0.2.{n}, {address}"}
        widget.start()
    answers = []
    try:
        for _ in range(30):
            round_answers = [[m.get("text", "") for m in widget.say("Bonjour")] for widget in widgets]
            answers += round_answers
            if any(messages.ADDRESS_BUSY in a for a in round_answers):
                break
        assert any(a == [messages.ADDRESS_BUSY] for a in answers)
    finally:
        for widget in widgets:
            widget.close()
