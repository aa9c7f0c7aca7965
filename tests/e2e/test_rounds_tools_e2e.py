"""In the browser: a board member moves a weight in the what-if panel with the keyboard and sees
the order change without a reload, resets it, and opens the portfolio under a smaller budget;
the what-if panel and the portfolio pages have no axe-core WCAG 2.1 AA violation."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import WCAG_21_AA, axe_violations, sign_in, submit, switch_language

pytestmark = pytest.mark.e2e

#: The demo round waiting for the board's decisions.
ROUND = "/rounds/1"


def test_the_board_tries_weights_and_a_smaller_budget(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, "lenkung@musterstadt.example")
    page.goto(f"{live_server}{ROUND}/ranking")
    # The first view stores the round's state; the panel works on it from then on.
    page.goto(f"{live_server}{ROUND}/ranking#what-if")
    url = page.url
    first = page.locator("#ranking tbody tr").first.locator("th").inner_text()

    slider = page.locator("#what-if input[type=range]").first
    expect(slider).to_be_visible()
    slider.focus()
    for _ in range(20):
        page.keyboard.press("ArrowRight")
    table = page.locator("#what-if-table tbody")
    expect(page.locator("#what-if-result")).to_be_visible()
    expect(page.locator("#what-if-status")).to_contain_text("Platz")
    moved = page.locator("#what-if-table tbody td:last-child", has_text="▲")
    expect(moved.first).to_be_visible()
    # Nothing was sent as a form: the page is the same, the field follows the slider.
    assert page.url == url
    field = page.locator("#what-if input[name^=w]").first
    assert field.input_value() != field.get_attribute("data-published")

    page.click(".ww-whatif__reset")
    expect(page.locator("#what-if-status")).to_contain_text("0 der ersten 20")
    expect(table.locator("tr").first.locator("th")).to_have_text(first)

    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    # Less than the round's 900,000 euros, more than its mandatory ideas need.
    page.fill("#what-if-budget", "800000")
    submit(page.locator("button[formaction]"))

    expect(page.locator("h1")).to_have_text("Portfolio-Vorschlag")
    expect(page.locator("body")).to_contain_text("Unter einem Budget von 800.000 €.")
    expect(page.locator("#proposal")).to_be_visible()


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_tools_have_no_accessibility_violations(live_server, browser, language, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    found = {}
    try:
        sign_in(page, live_server, "lenkung@musterstadt.example")
        if language == "en":
            switch_language(page)
        page.goto(f"{live_server}{ROUND}/ranking")
        page.goto(f"{live_server}{ROUND}/ranking")
        page.locator("#what-if input[type=range]").first.focus()
        page.keyboard.press("ArrowRight")
        expect(page.locator("#what-if-result")).to_be_visible()
        # The panel, as the script left it; the rest of the ranking page has its own test.
        panel = Axe().run(page, context="#what-if", options=WCAG_21_AA).response["violations"]
        if panel:
            found["what-if panel"] = [v["id"] for v in panel]
        submit(page.locator("button[formaction]"))
        expect(page).to_have_url(re.compile("/portfolio"))
        if violations := axe_violations(page):
            found["portfolio under what-if"] = violations
        page.goto(f"{live_server}{ROUND}/portfolio")
        if violations := axe_violations(page):
            found["portfolio"] = violations
    finally:
        if language == "en":
            switch_language(page)
        context.close()
    # The moderators' forms for the rules of the portfolio, a refused one with its message.
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        sign_in(page, live_server, "moderation@musterstadt.example")
        if language == "en":
            switch_language(page)
        page.goto(f"{live_server}{ROUND}/portfolio")
        page.fill("#dependency-idea", "1")
        page.fill("#dependency-needs", "1")
        submit(page.locator("form[action$='/dependencies'] button[type=submit]"))
        expect(page.locator(".kern-alert--danger")).to_be_visible()
        if violations := axe_violations(page):
            found["portfolio rules"] = violations
    finally:
        if language == "en":
            switch_language(page)
        context.close()
    assert found == {}
