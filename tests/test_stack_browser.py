"""The widget in a real browser, through nginx and the two Rasa instances (issue 8): the demo
page, socket.io over nginx's websocket proxy, and the routing key that keeps every tab of a
browser on one instance (rooms, and so the echo to other tabs, live in one process)."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.test_widget_browser import (  # noqa: F401  (fixtures)
    LAUNCHER, ask, bot_messages, browser, context, open_widget, page, wait_for_answer,
)


def test_the_widget_works_through_the_stack_across_reloads_and_tabs(page, context, stack):
    url = f"{stack.s.public_url}/"
    greeting = open_widget(page, url)
    assert "assistant CQP" in greeting
    answer = ask(page, "Qui finance une VAE ?")
    assert "VAE" in answer

    page.reload()
    expect(page.locator(".message.user", has_text="Qui finance une VAE ?")).to_have_count(1)

    second = context.new_page()
    second.goto(url)
    second.get_by_role("button", name=LAUNCHER).click()
    expect(second.locator(".message.user", has_text="Qui finance une VAE ?")).to_have_count(1)
    before = bot_messages(page).count()
    ask(second, "Et le CPF ?")
    # Shown in the first tab too: both tabs reached the same instance.
    expect(page.locator(".message.user", has_text="Et le CPF ?")).to_have_count(1)
    wait_for_answer(page, before)
    assert page.errors == []
