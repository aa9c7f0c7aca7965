"""WCAG 2.1 AA / BITV 2.0: axe-core finds no violations on the portal's pages, in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = {
    "admin@musterstadt.example": [
        "/", "/account", "/admin/users", "/admin/users/new", "/admin/org-units",
        "/admin/settings", "/nowhere", "/imprint", "/privacy", "/accessibility", "/help/",
        "/help/admin", "/admin/legal/", "/admin/legal/privacy",
    ],
    "moderation@musterstadt.example": [
        "/", "/ideas/", "/ideas/?sort=supported&state=submitted", "/ideas/1", "/ideas/new",
        "/ideas/mine", "/ideas/screening", "/ideas/fields", "/notifications/",
    ],
    # The author of idea 1: its files (one removed), a deleted comment, her drafts, the badge.
    "mitarbeiterin@musterstadt.example": [
        "/", "/ideas/1", "/ideas/1/edit", "/ideas/mine?show=drafts", "/notifications/",
    ],
}  # fmt: skip


def _violations(page):
    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×) "
        f"{violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
    ]


#: Pages everybody may open, without an account.
PUBLIC_PAGES = ["/imprint", "/privacy", "/accessibility", "/help/", "/help/employee"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_accessibility_violations(live_server, browser_page, path):
    browser_page.goto(f"{live_server}{path}")
    assert _violations(browser_page) == []


@pytest.mark.parametrize(
    "path", ["/login", "/password/forgot", "/password/reset/no-such-link-0123456789abcdef"]
)
@pytest.mark.parametrize("language", ["de", "en"])
def test_public_account_pages_have_no_accessibility_violations(
    live_server, browser_page, path, language
):
    browser_page.goto(f"{live_server}/login")
    if language == "en":
        browser_page.click(".ww-language button")
    browser_page.goto(live_server + path)
    assert _violations(browser_page) == []


@pytest.mark.parametrize("path", ["/", "/ideas/", "/admin/users", "/privacy"])
def test_pages_on_a_phone_with_the_menu_open_have_no_accessibility_violations(
    live_server, browser, path
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server, "admin@musterstadt.example")
        page.goto(live_server + path)
        assert _violations(page) == []
        page.click("summary.ww-menu__toggle")
        assert _violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("email", PAGES)
def test_signed_in_pages_have_no_accessibility_violations(
    live_server, browser_page, email, language
):
    sign_in(browser_page, live_server, email)
    if language == "en":
        browser_page.click(".ww-language button")
    found = {}
    try:
        for path in PAGES[email]:
            browser_page.goto(live_server + path)
            if violations := _violations(browser_page):
                found[path] = violations
    finally:
        # The language is stored with the account, which other tests of this server share.
        if language == "en":
            browser_page.click(".ww-language button")
    assert found == {}


def test_skip_link_is_the_first_stop_and_leads_to_the_content(live_server, browser_page):
    browser_page.goto(f"{live_server}/login")
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_confirmation_step_has_no_accessibility_violations(live_server, browser_page, language):
    page = browser_page
    sign_in(page, live_server, "moderation@musterstadt.example")
    if language == "en":
        page.click(".ww-language button")
    try:
        page.goto(f"{live_server}/ideas/screening")
        page.locator(".ww-idea-card__title a").first.click()
        page.fill("#decline-reason", "Reason / Begründung")
        page.click("form:has(#decline-reason) button[type=submit]")
        assert page.locator("form input[name=confirm]").count() == 1
        violations = _violations(page)
    finally:
        if language == "en":
            page.click(".ww-language button")
    assert violations == []


#: The board's weighting of the demo round: Stefan Brandt's draft with a comparison to
#: reconsider, Thomas Weber's submitted weighting beside the others', the moderators' part.
WEIGHTING_PAGES = [
    ("lenkung@musterstadt.example", "/rounds/1/weighting"),
    ("t.weber@musterstadt.example", "/rounds/1/weighting"),
    ("moderation@musterstadt.example", "/rounds/1/weighting"),
    ("lenkung@musterstadt.example", "/"),
]


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_weighting_pages_have_no_accessibility_violations(
    live_server, browser, language, width
):
    found = {}
    for email, path in WEIGHTING_PAGES:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, live_server, email)
            if language == "en":
                page.click(".ww-language button")
            page.goto(live_server + path)
            if violations := _violations(page):
                found[(email, path)] = violations
            if email.startswith("lenkung") and path != "/":
                # The question before submitting; nothing is written until it is confirmed.
                page.click("button[name=action][value=submit]")
                assert page.locator("form input[name=confirm]").count() == 1
                if violations := _violations(page):
                    found[(email, "confirm")] = violations
        finally:
            if language == "en":
                page.click(".ww-language button")
            context.close()
    assert found == {}
