"""The website widget in a real browser (headless Chromium) against the real servers:
the demo page of `make run`, the Rasa server with the widget channel, the action server."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from tests import servers
from tests.browser import launch

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
LAUNCHER = "Une question sur les CQP ?"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def demo(rasa, tmp_path_factory):
    server, url = servers.start_demo_server(rasa.url, tmp_path_factory.mktemp("demo"), port=servers.DEMO_PORT)
    yield url
    server.stop()


@pytest.fixture(scope="module")
def unreachable_demo(tmp_path_factory):
    """The same page, pointing at an assistant server that is not there."""
    server, url = servers.start_demo_server(f"http://127.0.0.1:{servers.free_port()}", tmp_path_factory.mktemp("down"))
    yield url
    server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="fr-FR")
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


def bot_messages(page: Page):
    return page.locator(".message.bot")


def wait_for_answer(page: Page, before: int) -> str:
    """Waits for a new bot message and the end of the turn, returns the new messages' text."""
    bot_messages(page).nth(before).wait_for(timeout=60000)
    expect(page.locator(".typing")).to_be_hidden(timeout=60000)
    return "\n".join(bot_messages(page).all_inner_texts()[before:])


def open_widget(page: Page, url: str) -> str:
    page.goto(url)
    page.get_by_role("button", name=LAUNCHER).click()
    return wait_for_answer(page, 1)  # the page's opening message, then the assistant's greeting


def ask(page: Page, text: str) -> str:
    before = bot_messages(page).count()
    page.get_by_label("Votre message").fill(text)
    page.get_by_label("Votre message").press("Enter")
    return wait_for_answer(page, before)


def click_reply(page: Page, title_start: str) -> str:
    before = bot_messages(page).count()
    page.locator(".replies button", has_text=title_start).first.click()
    return wait_for_answer(page, before)


def test_ask_a_question_and_read_the_answer_with_safe_links(page, demo):
    greeting = open_widget(page, demo)
    assert "assistant CQP" in greeting
    answer = ask(page, "Qu'est-ce qu'un CQP ?")
    assert "certificat de qualification professionnelle" in answer.lower()
    assert "Source" in answer
    links = page.locator(".message.bot a")
    assert links.count() >= 1
    for i in range(links.count()):
        link = links.nth(i)
        assert link.get_attribute("href").startswith("https://")
        assert link.get_attribute("target") == "_blank"
        assert link.get_attribute("rel") == "noopener noreferrer"
    assert page.errors == []


def test_the_four_steps_with_the_mouse(page, demo):
    open_widget(page, demo)
    assert "Étape 1/4" in click_reply(page, "Je veux obtenir un CQP")
    for step in (2, 3, 4):
        assert f"Étape {step}/4" in click_reply(page, "Étape suivante")
    # The clicked titles show as the visitor's messages, the old buttons are gone.
    assert page.locator(".message.user").all_inner_texts()[-1].endswith("Étape suivante")
    assert page.locator(".replies").count() == 1


def test_the_conversation_survives_a_reload_and_a_new_tab(page, context, demo):
    open_widget(page, demo)
    answer = ask(page, "Qui finance une VAE ?")
    session_id = page.evaluate("Object.entries(localStorage).find(([k]) => k.endsWith(':session'))[1]")
    page.reload()
    restored = page.locator(".message.user", has_text="Qui finance une VAE ?")
    expect(restored).to_have_count(1)  # the window reopens by itself, with the history
    assert bot_messages(page).all_inner_texts()[-1].strip() in answer

    second = context.new_page()
    second.goto(demo)
    second.get_by_role("button", name=LAUNCHER).click()
    expect(second.locator(".message.user", has_text="Qui finance une VAE ?")).to_have_count(1)
    assert second.evaluate("Object.entries(localStorage).find(([k]) => k.endsWith(':session'))[1]") == session_id

    # What is asked in the second tab shows in the first one too.
    before = bot_messages(page).count()
    ask(second, "Et le CPF ?")
    expect(page.locator(".message.user", has_text="Et le CPF ?")).to_have_count(1)
    wait_for_answer(page, before)


def test_new_conversation_starts_afresh(page, demo):
    open_widget(page, demo)
    ask(page, "Qu'est-ce que la VAE ?")
    old = page.evaluate("Object.entries(localStorage).find(([k]) => k.endsWith(':session'))[1]")
    page.get_by_role("button", name="Nouvelle conversation").click()
    wait_for_answer(page, 1)
    expect(page.locator(".message.user")).to_have_count(0)
    new = page.evaluate("Object.entries(localStorage).find(([k]) => k.endsWith(':session'))[1]")
    assert new != old
    page.reload()
    expect(page.locator(".message.user")).to_have_count(0)


@pytest.mark.parametrize("payload", [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=1</script>",
    "CQP <img src=x onerror=window.__xss=1> soudeur",
])
def test_html_typed_or_echoed_shows_as_text(page, demo, payload):
    open_widget(page, demo)
    ask(page, payload)
    expect(page.locator(".message.user").last).to_have_text("Vous : " + payload)
    widget_html = page.evaluate("document.getElementById('cqp-widget').shadowRoot.innerHTML")
    assert "<img" not in widget_html and "<script" not in widget_html
    assert page.evaluate("window.__xss") is None
    assert page.errors == []


def focused(page: Page) -> str:
    """The text of the element that has the focus inside the widget."""
    return page.evaluate("(() => { const a = document.getElementById('cqp-widget').shadowRoot.activeElement;"
                         " return a ? a.textContent : ''; })()")


def test_keyboard_only(page, demo):
    page.goto(demo)
    for _ in range(10):  # from the top of the page to the widget's button
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == "cqp-widget":
            break
    assert focused(page) == LAUNCHER
    assert page.evaluate("getComputedStyle(document.getElementById('cqp-widget').shadowRoot.activeElement)"
                         ".outlineStyle") != "none"  # focus is visible
    page.keyboard.press("Enter")
    wait_for_answer(page, 1)
    expect(page.get_by_label("Votre message")).to_be_focused()

    page.keyboard.type("je veux obtenir un CQP")
    before = bot_messages(page).count()
    page.keyboard.press("Enter")
    assert "Étape 1/4" in wait_for_answer(page, before)
    for step in (2, 3, 4):  # back from the input to the quick replies, as a keyboard user does
        before = bot_messages(page).count()
        page.keyboard.press("Shift+Tab")
        while focused(page) != "Étape suivante":
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        assert f"Étape {step}/4" in wait_for_answer(page, before)

    page.keyboard.press("Escape")
    expect(page.locator(".panel")).to_be_hidden()
    assert focused(page) == LAUNCHER


def test_server_down_says_so_and_keeps_what_was_typed(page, unreachable_demo):
    page.goto(unreachable_demo)
    page.get_by_role("button", name=LAUNCHER).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Impossible de joindre l'assistant")
    field = page.get_by_label("Votre message")
    field.fill("Mon message important")
    field.press("Enter")
    expect(field).to_have_value("Mon message important")
    expect(page.get_by_role("button", name="Réessayer")).to_be_visible()
    page.reload()  # even a reload keeps the draft
    expect(page.get_by_label("Votre message")).to_have_value("Mon message important")
    assert page.locator(".message.user").count() == 0


def test_screen_reader_structure(page, demo):
    open_widget(page, demo)
    log = page.get_by_role("log")
    assert log.get_attribute("aria-live") == "polite"
    assert page.get_by_role("dialog", name="Assistant CQP").is_visible()
    assert page.locator(".launcher").get_attribute("aria-expanded") == "true"
    assert page.evaluate("document.documentElement.lang") == "fr"


def axe_violations(page: Page):
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violation(browser, demo, viewport):
    # The demo page's CSP forbids injected scripts, as a careful site's would: axe is let in here only.
    context = browser.new_context(locale="fr-FR", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(demo)
        assert axe_violations(page) == []  # closed
        page.get_by_role("button", name=LAUNCHER).click()
        wait_for_answer(page, 1)
        ask(page, "Je veux obtenir un CQP")
        page.get_by_label("Votre message").focus()
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)[:4000]
    finally:
        context.close()


def test_usable_on_a_360_pixel_phone(browser, demo):
    context = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_widget(page, demo)
        for control in [page.locator(".panel")] + page.locator(".panel button:visible").all():
            box = control.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], control.inner_text()
        assert "Étape 1/4" in click_reply(page, "Je veux obtenir un CQP")
        assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
        expect(page.get_by_label("Votre message")).to_be_in_viewport()
    finally:
        context.close()


def no_horizontal_overflow(page: Page) -> None:
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"]
    log = page.locator(".messages")
    assert log.evaluate("log => log.scrollWidth <= log.clientWidth")
    for part in page.locator(".message.bot").last.locator("button:visible, a:visible, p:visible, li:visible").all():
        box = part.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], part.inner_text()


def test_more_details_open_with_the_keyboard_on_a_360_pixel_phone(browser, demo):
    # bypass_csp: axe is let in at the end, as in test_axe_finds_no_serious_violation.
    context = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        open_widget(page, demo)
        ask(page, "Mes droits CPF peuvent-ils expirer ?")
        answer = bot_messages(page).last
        toggle = answer.locator(".details-toggle")
        assert toggle.count() == 1, "the answer carries its details (« En savoir plus »)"
        body = answer.locator(".details-body")
        expect(answer.locator("p").first).to_be_visible()  # the short answer, at once
        assert "Source" in answer.inner_text()
        expect(toggle).to_have_text("En savoir plus")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        assert toggle.get_attribute("aria-controls") == body.get_attribute("id")
        expect(body).to_be_hidden()
        no_horizontal_overflow(page)

        # From the input back to the button, as a keyboard user does; Enter opens, Space closes.
        expect(page.get_by_label("Votre message")).to_be_focused()
        for _ in range(30):
            page.keyboard.press("Shift+Tab")
            if focused(page) == "En savoir plus":
                break
        expect(toggle).to_be_focused()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(body).to_be_visible()
        assert body.inner_text().strip()
        links = body.locator("a")
        assert links.count() >= 1
        for i in range(links.count()):
            link = links.nth(i)
            expect(link).to_be_visible()
            assert link.get_attribute("href").startswith(("https://", "http://"))
            assert link.get_attribute("target") == "_blank"
            assert link.get_attribute("rel") == "noopener noreferrer"
        assert any(links.nth(i).get_attribute("href").startswith("https://") for i in range(links.count()))
        no_horizontal_overflow(page)
        violations = axe_violations(page)
        assert violations == [], json.dumps(violations, ensure_ascii=False, indent=1)[:4000]

        page.keyboard.press("Space")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(body).to_be_hidden()
        page.keyboard.press("Space")
        expect(toggle).to_have_attribute("aria-expanded", "true")

        # A reload brings the answer back with its details, closed again.
        page.reload()
        restored = bot_messages(page).last.locator(".details-toggle")
        expect(restored).to_have_attribute("aria-expanded", "false")
        expect(bot_messages(page).last.locator(".details-body")).to_be_hidden()
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("name,viewport", [("desktop", {"width": 1280, "height": 800}), ("phone", PHONE)])
def test_screenshot(browser, demo, tmp_path, name, viewport):
    """`make screenshots` writes these into docs/; the tests into a temporary folder."""
    folder = Path(os.environ.get("CQP_SCREENSHOTS_DIR") or tmp_path)
    context = browser.new_context(locale="fr-FR", viewport=viewport, device_scale_factor=1)
    page = context.new_page()
    try:
        open_widget(page, demo)
        click_reply(page, "Je veux obtenir un CQP")
        page.locator(".messages").evaluate("log => { log.scrollTop = log.scrollHeight; }")  # its buttons
        path = folder / f"widget-{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10000
    finally:
        context.close()
