"""The two-instance stack under faults (issue 8): nginx → two Rasa servers → two action servers,
on this machine's PostgreSQL and Redis. Kills, freezes and restarts are real: SIGKILL and
SIGSTOP to the stack's processes, pg_ctlcluster and redis-server for the shared services."""
from __future__ import annotations

import random
import signal
import threading
import time

import pytest
import requests
import sqlalchemy as sa

from bot.actions import ui
from bot.channels import messages
from tests import stack as helpers
from tests.stack import Visitor, retry
from tests.test_prequalification import AVAILABILITY, EMAIL, PROJECT
from tests.widget_client import WidgetClient


@pytest.fixture
def healthy(stack):
    """The stack as a fault leaves it is repaired after each test, whatever happened."""
    yield stack
    helpers.wait_for_postgres()
    helpers.start_redis()
    helpers.restore_and_route(stack)


def instance_of(visitor: Visitor) -> str:
    return visitor.instances[-1]


def rasa_name(stack, address: str) -> str:
    port = int(address.rsplit(":", 1)[1])
    return f"rasa-{stack.s.rasa_ports.index(port) + 1}"


def test_each_conversation_stays_on_one_instance_and_both_instances_serve(healthy):
    visitors = [Visitor(healthy) for _ in range(16)]
    for visitor in visitors:
        visitor.say("Bonjour")
        for text in ("c'est quoi un CQP ?", "qui peut faire une VAE ?", "et le CPF ?"):
            visitor.say(text)
            assert visitor.text
    # The first message has no id yet, so it may land anywhere; the id then fixes the instance.
    for visitor in visitors:
        assert len(set(visitor.instances[1:])) == 1, visitor.instances
    assert len({visitor.instances[-1] for visitor in visitors}) == 2


def socket_instances(stack, route: str, times: int) -> list:
    """The Rasa instance of each of `times` widget connections made with this routing key, from
    nginx's access log (a websocket's line is written when it closes)."""
    log = stack.state / "nginx" / "access.log"
    origin = f"http://localhost:{stack.s.port}"
    seen = []
    for _ in range(times):
        before = log.read_text().count("\n")
        client = WidgetClient(f"{stack.s.public_url}?route={route}", origin=origin)
        client.start()
        client.close()
        deadline = time.monotonic() + 20
        while True:
            lines = [line for line in log.read_text().splitlines()[before:] if "/socket.io/" in line]
            if lines or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert lines, "no access log line for the websocket"
        seen.append(lines[0].split()[-1])
    return seen


def test_every_connection_of_a_browser_reaches_the_same_instance_and_browsers_spread(healthy):
    for key in ("a1b2c3d4e5f6a1b2c3d4e5f6", "0123456789abcdef01234567"):
        assert len(set(socket_instances(healthy, key, 4))) == 1
    spread = {socket_instances(healthy, f"{n:024x}", 1)[0] for n in range(12)}
    assert len(spread) == 2


def test_without_action_servers_the_visitor_gets_an_apology_then_the_conversation_goes_on(healthy):
    visitor = Visitor(healthy)
    visitor.say("Bonjour")
    visitor.say("Je veux obtenir un CQP")
    assert "Étape 1" in visitor.text or "étape 1" in visitor.text.lower()

    healthy.kill("actions-1")  # one down: the other answers, nobody notices
    visitor.say("étape suivante")
    assert messages.SERVICE_DOWN not in visitor.text and "2" in visitor.text

    healthy.kill("actions-2")  # all down: a short apology, not silence
    visitor.say("étape suivante")
    assert visitor.text == messages.SERVICE_DOWN

    healthy.restore()

    def answered():  # nginx rests a failed server a moment before trying it again
        visitor.say("on en est où ?")
        assert messages.SERVICE_DOWN not in visitor.text
    retry(answered)
    assert "2" in visitor.text  # still at step 2: the failed turns changed nothing


def test_a_hung_action_server_ends_in_a_time_limit_and_an_apology(healthy):
    visitor = Visitor(healthy)
    visitor.say("Bonjour")
    for name in ("actions-1", "actions-2"):
        healthy.signal(name, signal.SIGSTOP)
    visitor.say("Qu'est-ce qu'un CQP ?")
    assert visitor.text == messages.SERVICE_DOWN
    for name in ("actions-1", "actions-2"):
        healthy.signal(name, signal.SIGCONT)

    def answered():
        visitor.say("Qu'est-ce qu'un CQP ?")
        assert messages.SERVICE_DOWN not in visitor.text and "CQP" in visitor.text
    retry(answered)  # nginx rests a failed server a moment before trying it again


def test_killing_a_rasa_instance_moves_its_conversations_to_the_other_with_their_state(healthy):
    visitor = Visitor(healthy)
    visitor.say("RNCP40557")
    visitor.say('/inform{"status": "demandeur_emploi"}')
    visitor.say("je voudrais parler à un conseiller")
    visitor.click(ui.CONSENT_YES)
    visitor.click("Non")
    assert ui.QUESTIONS["project"] in visitor.text
    held_by = instance_of(visitor)

    healthy.kill(rasa_name(healthy, held_by))
    visitor.say(PROJECT)
    assert instance_of(visitor) != held_by
    assert ui.QUESTIONS["departement"] in visitor.text  # the form goes on where it was
    visitor.say("69003")
    assert ui.QUESTIONS["contact"] in visitor.text


def test_a_widget_conversation_survives_the_loss_of_its_instance(healthy):
    origin = f"http://localhost:{healthy.s.port}"
    url = f"{healthy.s.public_url}?route=survivor"
    healthy.kill("rasa-1")  # the widget can only reach rasa-2
    first = WidgetClient(url, origin=origin)
    first.start()
    first.say("c'est quoi un CQP ?")
    session_id = first.session_id

    helpers.restore_and_route(healthy)
    healthy.kill("rasa-2")  # its instance goes; the browser reconnects, nginx picks rasa-1
    first.close()
    second = WidgetClient(url, origin=origin)
    history = second.start(session_id)
    assert second.session_id == session_id
    assert [m["from"] for m in history["messages"]][:2] == ["user", "bot"]
    assert "CQP" in history["messages"][0]["text"]
    answers = second.say("et la VAE ?")
    assert answers and "VAE" in " ".join(a["text"] for a in answers)
    second.close()


def confirmed_dossiers(stack, visitor: Visitor) -> list:
    engine = sa.create_engine(stack.postgres_url())
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id FROM dossier WHERE conversation_id = :c"),
                                  {"c": visitor.tracker_sender}).scalars().all()
    engine.dispose()
    return rows


def prequalify_through_faults(stack, visitor: Visitor, log: list) -> str:
    """The whole pre-qualification; a message is sent again only when the visitor was told it
    was not handled (a 503 in French, the apology of a failed action, a dossier not saved).
    Any other answer than the expected one fails the test at once: a message handled twice,
    or a conversation that lost its state, shows here."""
    def step(text: str, expected: str) -> None:
        for _ in range(120):
            try:
                visitor.say(text, expect_ok=False)
            except requests.RequestException:
                log.append("connection")
                time.sleep(0.5)
                continue
            status = visitor.response.status_code
            if status != 200:
                body = visitor.response.json()
                assert status in (502, 503, 504) and body["erreur"] == "indisponible" and body["message"], body
                log.append(status)
            elif visitor.text == messages.SERVICE_DOWN:
                log.append("action failed, told")
            elif ui.NOT_SAVED.split(":")[0] in visitor.text:
                log.append("not saved, told")
            else:
                assert expected in visitor.text, (text, visitor.text[-300:])
                return
            time.sleep(0.5)
        raise AssertionError(f"no recovery for {text!r}")

    step("RNCP40557", "RNCP40557")
    step('/inform{"status": "demandeur_emploi"}', "")
    step("je voudrais parler à un conseiller", "Acceptez-vous")
    step("/affirm", ui.QUESTIONS["health_consent"])
    step("Non", ui.QUESTIONS["project"])
    step(PROJECT, ui.QUESTIONS["departement"])
    step("69003", ui.QUESTIONS["contact"])
    step(EMAIL, ui.QUESTIONS["availability"])
    step(AVAILABILITY, ui.SUMMARY)
    step("/affirm", "Votre dossier est enregistré")
    return visitor.text.split("n° ")[1][:8]


def run_visitors_during(stack, fault, count: int = 5) -> None:
    visitors = [Visitor(stack) for _ in range(count)]
    results, errors, log = {}, [], []

    def run(visitor):
        try:
            time.sleep(random.Random(visitor.address).uniform(0, 1.5))
            results[visitor.address] = prequalify_through_faults(stack, visitor, log)
        except BaseException as error:  # reported below, with the visitor's last answer
            errors.append((visitor.address, repr(error)[:500]))

    threads = [threading.Thread(target=run, args=(v,)) for v in visitors]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    fault()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    print(f"errors told to the visitors during the fault: {len(log)} ({sorted(set(map(str, log)))})")
    # Recovery: every visitor finished; nothing confirmed is missing from the database.
    for visitor in visitors:
        saved = confirmed_dossiers(stack, visitor)
        # Exactly one: a confirmation sent again after an error finds the dossier already written.
        assert len(saved) == 1 and saved[0].startswith(results[visitor.address]), (visitor.address, saved)


def test_restarting_postgres_during_traffic_loses_no_confirmed_dossier(healthy):
    run_visitors_during(healthy, helpers.restart_postgres)


def test_restarting_redis_during_traffic_loses_no_confirmed_dossier(healthy):
    def restart_redis():
        helpers.stop_redis()
        time.sleep(2)
        helpers.start_redis()
    run_visitors_during(healthy, restart_redis)


def test_the_stack_stops_without_leaving_a_process(model, tmp_path):
    from tests.stack import start_stack

    small = start_stack(tmp_path / "stack", model, database="cqp_stack_test_stop")
    pids = dict(small.running())
    assert set(pids) == {"actions-1", "actions-2", "rasa-1", "rasa-2", "demo", "housekeeping", "nginx"}
    assert requests.get(f"{small.s.public_url}/health", timeout=10).ok
    assert small.down() == []
    assert small.running() == {}
