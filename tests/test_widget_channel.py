"""The widget's socket.io channel (bot/channels/widget.py) against the real Rasa server."""
from __future__ import annotations

import asyncio

import pytest
import requests
import socketio
from rasa.shared.core.events import BotUttered, UserUttered

from bot.channels import widget
from bot.channels.session_ids import SessionIds
from bot.channels.widget import MAX_MESSAGE_CHARS, WidgetOutput, conversation_of, details_of
from tests import servers
from tests.widget_client import WidgetClient


def test_a_new_visitor_gets_a_signed_random_id_and_an_empty_history(rasa):
    def scenario():
        first, second = WidgetClient(rasa.url), WidgetClient(rasa.url)
        assert (first.start())["messages"] == []
        assert (second.start())["messages"] == []
        first.close()
        second.close()
        return first.session_id, second.session_id

    one, two = scenario()
    assert one != two
    token, signature = one.split(".")
    assert len(token) == 24 and len(signature) == 22


def test_an_unsigned_or_forged_id_is_replaced_not_reused(rasa):
    def scenario(claimed):
        client = WidgetClient(rasa.url)
        history = client.start(claimed)
        client.close()
        return client.session_id, history

    another_server = SessionIds(b"not the server's secret" * 2).issue()
    for claimed in ("visitor-42", "a" * 24 + "." + "b" * 22, another_server, {"$ne": None}, 12):
        session_id, history = scenario(claimed)
        assert session_id != claimed and history["messages"] == []


def test_the_conversation_comes_back_on_reconnection_with_button_titles(rasa):
    def scenario():
        client = WidgetClient(rasa.url)
        client.start()
        greeting = client.say("/greet")
        button = greeting[-1]["quick_replies"][0]
        client.say(button["payload"], title=button["title"])
        client.close()
        again = WidgetClient(rasa.url)
        history = again.start(client.session_id)
        again.close()
        return button, history["messages"], again.session_id == client.session_id

    button, messages, same = scenario()
    assert same
    users = [m["text"] for m in messages if m["from"] == "user"]
    assert users == [button["title"]]  # the hidden « /greet » is not shown, the title is
    assert messages[0]["from"] == "bot" and messages[0]["quick_replies"]


def test_a_second_tab_sees_what_the_visitor_typed_in_the_first(rasa):
    def scenario():
        first = WidgetClient(rasa.url)
        first.start()
        second = WidgetClient(rasa.url)
        second.start(first.session_id)
        mark = len(second.events)
        replies = first.say("Qu'est-ce qu'un CQP ?")
        echo = second.wait_for("user_echo", after=mark)
        second.wait_for("turn_end", after=mark)
        seen = [d for e, d in second.events[mark:] if e == "bot_uttered"]
        own_echo = [e for e, _ in first.events if e == "user_echo"]
        first.close()
        second.close()
        return echo, replies, seen, own_echo

    echo, replies, seen, own_echo = scenario()
    assert echo == {"text": "Qu'est-ce qu'un CQP ?"}
    assert replies and seen == replies
    assert own_echo == []  # the tab that sent it shows it already


def test_empty_oversized_and_malformed_messages_get_a_clear_answer(rasa):
    def scenario():
        client = WidgetClient(rasa.url)
        client.start()
        answers = [client.say(message) for message in ("", "   ", "x" * (MAX_MESSAGE_CHARS + 1), None, ["a"])]
        still_there = client.say("Bonjour")
        client.close()
        return answers, still_there

    answers, still_there = scenario()
    assert "vide" in answers[0][0]["text"] and "vide" in answers[1][0]["text"]
    assert f"{MAX_MESSAGE_CHARS} caractères" in answers[2][0]["text"]
    assert all("vide" in a[0]["text"] for a in answers[3:])
    assert still_there  # and the conversation goes on


def test_a_message_before_any_session_is_refused(rasa):
    def scenario():
        client = WidgetClient(rasa.url)
        client.connect()
        client.sio.emit("user_uttered", {"message": "Bonjour", "session_id": "someone-else"})
        error = client.wait_for("widget_error")
        client.close()
        return error

    assert scenario() == {"reason": "session"}


def test_pages_from_other_origins_are_refused(rasa):
    def scenario():
        client = WidgetClient(rasa.url, origin="https://evil.example")
        client.connect()

    with pytest.raises(socketio.exceptions.ConnectionError):
        scenario()
    polling = requests.get(f"{rasa.url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                           headers={"Origin": "https://evil.example"}, timeout=10)
    assert polling.status_code == 400
    allowed = requests.get(f"{rasa.url}/socket.io/", params={"EIO": "4", "transport": "polling"},
                           headers={"Origin": servers.DEMO_ORIGIN}, timeout=10)
    assert allowed.status_code == 200


def test_rest_cors_answers_only_the_configured_origin(rasa):
    def preflight(origin):
        return requests.options(f"{rasa.url}/webhooks/rest/webhook", timeout=10, headers={
            "Origin": origin, "Access-Control-Request-Method": "POST"}).headers.get("Access-Control-Allow-Origin")

    assert preflight(servers.DEMO_ORIGIN) == servers.DEMO_ORIGIN
    assert preflight("https://evil.example") is None


def test_history_shows_titles_for_payloads_and_hides_unknown_commands():
    events = [
        UserUttered("/greet"),
        BotUttered("Bonjour", data={"buttons": [{"title": "La VAE", "payload": "/ask_vae"}]}),
        UserUttered("/ask_vae"),
        BotUttered("La VAE…"),
        UserUttered("<b>texte</b>"),
    ]
    assert conversation_of(events) == [
        {"from": "bot", "text": "Bonjour", "quick_replies": [{"title": "La VAE", "payload": "/ask_vae"}]},
        {"from": "user", "text": "La VAE"},
        {"from": "bot", "text": "La VAE…"},
        {"from": "user", "text": "<b>texte</b>"},
    ]


def test_session_ids_reject_tampering():
    ids = SessionIds(b"k" * 48)
    good = ids.issue()
    assert ids.sender_of(good) == "w-" + good.split(".")[0]
    token, signature = good.split(".")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B") + "." + signature
    for bad in (tampered, good + "x", "", None, 42, good.replace(".", "")):
        assert ids.sender_of(bad) is None


# « En savoir plus »: what rasa_sdk's utter_message(text=..., buttons=..., json_message={"details": ...})
# becomes in the tracker (a BotUttered whose data holds "custom"), and what the widget gets of it.
DETAILS = {
    "label": "En savoir plus",
    "text": "Les droits acquis restent sur le compte.\n\nIls ne sont pas perdus au changement d'emploi.",
    "sources": [{"title": "Service-Public.fr", "url": "https://www.service-public.fr/particuliers/vosdroits/F10705"}],
    "dates": "Règle en vigueur depuis le 1er août 2025, vérifiée le 2 décembre 2026.",
}
FAQ_BUTTONS = [{"title": "Et la VAE ?", "payload": '/faq{"faq_entry": "vae"}'}]


def faq_answer(custom=None):
    return BotUttered("Non, ils n'expirent pas.\n\nSource : Service-Public.fr",
                      data={"buttons": FAQ_BUTTONS, "custom": {"details": DETAILS} if custom is None else custom})


class RecordingServer:
    """Stands for python-socketio's server: records what the output channel emits."""

    def __init__(self):
        self.emitted = []

    async def emit(self, event, data=None, room=None, **kwargs):
        self.emitted.append((event, data, room))


def emitted_for(message=None, custom=None):
    sio = RecordingServer()
    output = WidgetOutput(sio, "bot_uttered")
    if message is not None:
        asyncio.run(output.send_response("w-visitor", message))
    else:
        asyncio.run(output.send_custom_json("w-visitor", custom))
    return sio.emitted


def test_an_answer_with_details_is_one_message_with_text_replies_and_details():
    emitted = emitted_for(faq_answer().message())
    assert emitted == [("bot_uttered", {
        "text": "Non, ils n'expirent pas.\n\nSource : Service-Public.fr",
        "quick_replies": FAQ_BUTTONS,
        "details": DETAILS,
    }, "w-visitor")]


def test_details_sent_on_their_own_go_to_the_widget_and_other_custom_parts_do_not():
    assert emitted_for(custom={"details": DETAILS, "other": "x"}) == [("bot_uttered", {"details": DETAILS}, "w-visitor")]
    # Rasa's socketio channel would call emit(**custom) and fail on any key emit does not know.
    assert emitted_for(custom={"payload": "carte", "data": {"a": 1}}) == []
    # A custom part without text before it (utter_message(json_message=...) alone) gets the same.
    alone = BotUttered(data={"custom": {"details": DETAILS}}).message()
    assert emitted_for(alone) == [("bot_uttered", {"details": DETAILS}, "w-visitor")]
    # Without custom part, as before.
    plain = BotUttered("Bonjour", data={"buttons": FAQ_BUTTONS}).message()
    assert emitted_for(plain) == [("bot_uttered", {"text": "Bonjour", "quick_replies": FAQ_BUTTONS}, "w-visitor")]


def test_details_are_checked_strings_only_http_links_only_sizes_capped():
    hostile = {
        "details": {
            "label": {"html": "<b>x</b>"},
            "text": "Texte\u202e inversé\x00 " + "a" * 10000,
            "sources": [
                {"title": "Bon", "url": "https://example.fr/page"},
                {"title": "Script", "url": "javascript:alert(1)"},
                {"title": "Données", "url": "data:text/html,<script>alert(1)</script>"},
                {"title": "Relatif", "url": "/chemin"},
                {"title": "Espaces", "url": "https://exa mple.fr"},
                {"title": ["pas", "une chaîne"], "url": "http://example.org"},
                {"title": "Trop long", "url": "https://example.fr/" + "x" * 3000},
                "https://example.fr/pas-un-objet",
                *({"title": f"Source {i}", "url": f"https://example.fr/{i}"} for i in range(20)),
            ],
            "dates": 42,
            "html": "<img src=x onerror=alert(1)>",
        },
        "other": {"text": "ignored"},
    }
    details = details_of(hostile)
    assert set(details) == {"label", "text", "sources"}  # no dates (not a string), no other key
    assert details["label"] == "En savoir plus"
    assert len(details["text"]) == widget.MAX_DETAILS_TEXT_CHARS and details["text"].endswith("…")
    assert "\u202e" not in details["text"] and "\x00" not in details["text"]
    assert details["sources"][:2] == [{"title": "Bon", "url": "https://example.fr/page"},
                                      {"title": "", "url": "http://example.org"}]
    assert len(details["sources"]) == widget.MAX_SOURCES
    assert all(s["url"].startswith(("https://", "http://")) for s in details["sources"])
    assert details_of({"details": {"text": "", "sources": [{"url": "javascript:alert(1)"}]}}) is None
    for nothing in (None, "texte", [], {"details": "texte"}, {"details": []}, {"other": DETAILS}):
        assert details_of(nothing) is None


def test_history_keeps_the_details_of_the_message_they_belong_to():
    events = [
        UserUttered("Mes droits CPF peuvent-ils expirer ?"),
        faq_answer(),
        UserUttered("Et la VAE ?"),
        BotUttered("La VAE…"),
        BotUttered(data={"custom": {"details": {**DETAILS, "text": "Plus sur la VAE."}}}),
        BotUttered("Autre chose ?"),
        faq_answer(custom={"details": {"text": 12, "sources": [{"url": "ftp://example.fr"}]}}),
    ]
    messages = conversation_of(events)
    assert messages[1] == {"from": "bot", "text": "Non, ils n'expirent pas.\n\nSource : Service-Public.fr",
                           "quick_replies": FAQ_BUTTONS, "details": DETAILS}
    assert messages[3] == {"from": "bot", "text": "La VAE…", "details": {**DETAILS, "text": "Plus sur la VAE."}}
    assert messages[4] == {"from": "bot", "text": "Autre chose ?"}
    assert "details" not in messages[5]  # nothing valid in them: no « En savoir plus »
    assert len(messages) == 6
