"""WCAG 2.1 AA / BITV 2.0: axe-core finds no violations on the portal's pages, in both languages."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.ideas.services.authoring import IdeaData, create_idea
from tests.e2e.conftest import axe_violations, sign_in, submit, switch_language

pytestmark = pytest.mark.e2e

PAGES = {
    "admin@musterstadt.example": [
        "/", "/account", "/admin/users", "/admin/users/new", "/admin/org-units",
        "/admin/settings", "/nowhere", "/imprint", "/privacy", "/accessibility", "/help/",
        "/help/admin", "/admin/legal/", "/admin/legal/privacy",
    ],
    "moderation@musterstadt.example": [
        "/", "/ideas/", "/ideas/?sort=supported&state=submitted", "/ideas/1", "/ideas/new",
        "/ideas/mine", "/ideas/screening", "/ideas/fields", "/notifications/",
        # Rounds: the demo round collecting ideas, its catalogue draft (criterion 19 has a
        # knock-out level, 20 is measured), and an idea in screening with the form to accept it;
        # the round in its score phase.
        "/rounds/", "/rounds/3", "/rounds/new", "/rounds/3/edit", "/rounds/3/catalogue",
        "/rounds/3/catalogue/edit", "/rounds/3/catalogue/criteria/new",
        "/rounds/3/catalogue/criteria/19", "/rounds/3/catalogue/criteria/20", "/ideas/52",
        "/rounds/accept/52", "/rounds/2",
    ],
    # The finished round: its ranking with the heat map, the portfolio, why an idea ranks.
    "lenkung@musterstadt.example": [
        "/rounds/1", "/rounds/1/catalogue", "/rounds/1/ranking", "/rounds/1/portfolio",
        "/ideas/13",
    ],
    # The author of idea 1: its files (one removed), a deleted comment, her drafts, the badge.
    "mitarbeiterin@musterstadt.example": [
        "/", "/ideas/1", "/ideas/1/edit", "/ideas/mine?show=drafts", "/notifications/",
        "/rounds/", "/rounds/1", "/ideas/3",
    ],
}  # fmt: skip


#: Pages everybody may open, without an account.
PUBLIC_PAGES = ["/imprint", "/privacy", "/accessibility", "/help/", "/help/employee"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_have_no_accessibility_violations(live_server, browser_page, path):
    browser_page.goto(f"{live_server}{path}")
    assert axe_violations(browser_page) == []


@pytest.mark.parametrize(
    "path", ["/login", "/password/forgot", "/password/reset/no-such-link-0123456789abcdef"]
)
@pytest.mark.parametrize("language", ["de", "en"])
def test_public_account_pages_have_no_accessibility_violations(
    live_server, browser_page, path, language
):
    browser_page.goto(f"{live_server}/login")
    if language == "en":
        switch_language(browser_page)
    browser_page.goto(live_server + path)
    assert axe_violations(browser_page) == []


@pytest.mark.parametrize(
    "path", ["/", "/ideas/", "/admin/users", "/privacy", "/rounds/1", "/rounds/1/catalogue"]
)
def test_pages_on_a_phone_with_the_menu_open_have_no_accessibility_violations(
    live_server, browser, path
):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, live_server, "admin@musterstadt.example")
        page.goto(live_server + path)
        assert axe_violations(page) == []
        page.click("summary.ww-menu__toggle")
        assert axe_violations(page) == []
    finally:
        context.close()


def _submit_an_idea(app):
    """Give the moderators an idea to screen and a notification of it, as an employee would."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
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
        db.session.remove()


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("email", PAGES)
def test_signed_in_pages_have_no_accessibility_violations(
    live_app, live_server, browser_page, email, language
):
    # A fresh submission notifies the moderators, so their list is never checked empty.
    _submit_an_idea(live_app)
    sign_in(browser_page, live_server, email)
    if language == "en":
        switch_language(browser_page)
    found = {}
    for path in PAGES[email]:
        browser_page.goto(live_server + path)
        if violations := axe_violations(browser_page):
            found[path] = violations
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
        switch_language(page)
    try:
        page.goto(f"{live_server}/ideas/screening")
        submit(page.locator(".ww-idea-card__title a").first)
        page.fill("#decline-reason", "Reason / Begründung")
        submit(page.locator("form:has(#decline-reason) button[type=submit]"))
        expect(page.locator("form input[name=confirm]")).to_have_count(1)
        violations = axe_violations(page)
    finally:
        if language == "en":
            switch_language(page)
    assert violations == []


@pytest.mark.parametrize("language", ["de", "en"])
def test_round_forms_with_errors_and_their_confirmations_have_no_accessibility_violations(
    live_server, browser_page, language
):
    page = browser_page
    sign_in(page, live_server, "moderation@musterstadt.example")
    if language == "en":
        switch_language(page)
    found = {}
    try:
        # A criterion whose level lost its sentence, shown again with the errors.
        page.goto(f"{live_server}/rounds/3/catalogue/criteria/19")
        page.fill("#level-1-text", "")
        page.fill("#scale_min", "")
        submit(page.locator("button[name=action][value=save]"))
        expect(page.locator("#scale_min[aria-invalid=true]")).to_have_count(1)
        found["criterion"] = axe_violations(page)
        # A round without a name, shown again.
        page.goto(f"{live_server}/rounds/new")
        submit(page.locator("main form button[type=submit]"))
        expect(page.locator("#name[aria-invalid=true]")).to_have_count(1)
        found["round"] = axe_violations(page)
        # The confirmation of a phase move and of removing a criterion.
        page.goto(f"{live_server}/rounds/3")
        submit(page.locator("form[action$='/phase'] button"))
        expect(page.locator("form input[name=confirm]")).to_have_count(1)
        found["phase"] = axe_violations(page)
        page.goto(f"{live_server}/rounds/3/catalogue/edit")
        submit(page.locator("form[action$='/remove'] button").first)
        expect(page.locator("form input[name=confirm]")).to_have_count(1)
        found["remove"] = axe_violations(page)
    finally:
        if language == "en":
            switch_language(page)
    assert {name: found for name, found in found.items() if found} == {}


#: The board's weighting of the demo round: Stefan Brandt's draft with a comparison to
#: reconsider, Thomas Weber's submitted weighting beside the others', the moderators' part.
WEIGHTING_PAGES = [
    ("lenkung@musterstadt.example", "/rounds/3/weighting"),
    ("t.weber@musterstadt.example", "/rounds/3/weighting"),
    ("moderation@musterstadt.example", "/rounds/3/weighting"),
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
                switch_language(page)
            page.goto(live_server + path)
            if violations := axe_violations(page):
                found[(email, path)] = violations
            if email.startswith("lenkung") and path != "/":
                # The question before submitting; nothing is written until it is confirmed.
                submit(page.locator("button[name=action][value=submit]"))
                expect(page.locator("form input[name=confirm]")).to_have_count(1)
                if violations := axe_violations(page):
                    found[(email, "confirm")] = violations
        finally:
            if language == "en":
                switch_language(page)
            context.close()
    assert found == {}
