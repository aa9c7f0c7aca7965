"""WCAG 2.1 AA / BITV 2.0: axe-core finds no violations on the portal's pages, in both languages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from portal.accounts.models import User
from portal.extensions import db
from portal.ideas.services import IdeaData, create_idea
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
PAGES = {
    "admin@musterstadt.example": [
        "/", "/account", "/admin/users", "/admin/users/new", "/admin/org-units",
        "/admin/settings", "/nowhere",
    ],
    "moderation@musterstadt.example": [
        "/", "/ideas/", "/ideas/?sort=supported&state=submitted", "/ideas/1", "/ideas/new",
        "/ideas/mine", "/ideas/screening", "/ideas/fields", "/notifications/",
    ],
}  # fmt: skip


def _violations(page):
    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×) "
        f"{violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
    ]


def test_login_page_has_no_accessibility_violations(live_server, browser_page):
    browser_page.goto(f"{live_server}/login")
    assert _violations(browser_page) == []


def _submit_an_idea(app):
    """Give the moderators an idea to screen and a notification of it, as an employee would."""
    with app.test_request_context(), db.session.begin():
        author = db.session.scalar(
            select(User).where(User.email == "mitarbeiterin@musterstadt.example")
        )
        create_idea(
            IdeaData(
                title="Parkausweise für Pflegedienste online beantragen",
                problem="Pflegedienste stehen für jeden Ausweis im Bürgeramt an.",
                proposal="Ein Antrag im Serviceportal, der Ausweis kommt per Post.",
            ),
            author,
            submit=True,
        )


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("email", PAGES)
def test_signed_in_pages_have_no_accessibility_violations(
    live_app, live_server, browser_page, email, language
):
    # The demo has no notifications; without one the notification list would be checked empty.
    _submit_an_idea(live_app)
    sign_in(browser_page, live_server, email)
    if language == "en":
        browser_page.click(".ww-language button")
    found = {}
    for path in PAGES[email]:
        browser_page.goto(live_server + path)
        if violations := _violations(browser_page):
            found[path] = violations
    assert found == {}


def test_skip_link_is_the_first_stop_and_leads_to_the_content(live_server, browser_page):
    browser_page.goto(f"{live_server}/login")
    browser_page.keyboard.press("Tab")
    focused = browser_page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    browser_page.keyboard.press("Enter")
    assert browser_page.evaluate("document.activeElement.id") == "main"
