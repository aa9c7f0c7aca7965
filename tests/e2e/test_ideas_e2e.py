"""The idea portal in a real browser: write, attach, support, comment, screen, merge, decline."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import sign_in, sign_out, submit

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _write_idea(page: Page, base: str, title: str, problem: str, action: str) -> str:
    page.goto(f"{base}/ideas/new")
    page.fill("#title", title)
    page.fill("#problem", problem)
    page.fill("#proposal", "Ein Online-Kalender mit Erinnerung per E-Mail.")
    submit(page.locator(f"button[name=action][value={action}]"))
    expect(page.locator("h1")).to_have_text(title)
    return page.url


def test_employee_and_moderator_work_through_the_idea_portal(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, "l.meier@musterstadt.example")

    # While the title is typed, the portal points to a similar idea.
    page.goto(f"{live_server}/ideas/new")
    page.fill("#title", "Terminvergabe online für das Standesamt")
    hint = page.locator("#similar-ideas")
    expect(hint).to_be_visible()
    expect(hint).to_contain_text("Online-Terminvergabe")

    # A draft, then submitted.
    url = _write_idea(
        page,
        live_server,
        "Trautermine online reservieren",
        "Trautermine werden nur telefonisch vergeben.",
        "draft",
    )
    expect(page.locator("main .kern-badge").first).to_contain_text("Entwurf")
    submit(page.locator("button[name=target][value=submitted]"))
    expect(page.locator("main .kern-badge").first).to_contain_text("Eingereicht")

    # A file attached.
    page.set_input_files(
        "#file", files=[{"name": "Konzept.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    submit(page.locator("#attachments button[type=submit]"))
    expect(page.locator("#attachments")).to_contain_text("Konzept.pdf")

    # Another idea supported and commented on.
    page.goto(f"{live_server}/ideas/1")
    support_count = page.locator(".ww-support-count__number")
    before = int(support_count.inner_text())
    submit(page.locator("form[action$='/support'] button"))
    expect(support_count).to_have_text(str(before + 1))
    page.fill("#body", "Das würde auch dem Standesamt helfen.")
    submit(page.locator("#comment-form button[type=submit]"))
    expect(page.locator("#comments")).to_contain_text("Das würde auch dem Standesamt helfen.")

    # A second idea that duplicates the first, and a third that will be declined.
    duplicate_url = _write_idea(
        page,
        live_server,
        "Hochzeitstermine im Internet buchen",
        "Das Standesamt ist telefonisch schwer erreichbar.",
        "submit",
    )
    declined_url = _write_idea(
        page,
        live_server,
        "Eigene App für das Standesamt",
        "Es gibt keine App.",
        "submit",
    )
    kept_id = re.search(r"/ideas/(\d+)$", url).group(1)
    sign_out(page)

    # The moderator screens, merges the duplicate and declines with a reason.
    sign_in(page, live_server, "moderation@musterstadt.example")
    page.goto(f"{live_server}/ideas/screening")
    expect(page.locator("main [role=status]")).to_contain_text("Ideen warten")
    page.goto(url)
    submit(page.locator("button[name=target][value=screening]"))
    expect(page.locator("main .kern-badge").first).to_contain_text("Screening")

    page.goto(duplicate_url)
    page.fill("#keep_id", kept_id)
    submit(page.locator("form[action$='/merge'] button"))
    # Merging asks first, and says which idea is the duplicate of which.
    expect(page.locator("h1")).to_have_text(re.compile(rf"in Idee Nr.\s{kept_id} zusammenführen\?"))
    expect(page.locator("main")).to_contain_text("ist eine Dublette von Idee Nr.")
    submit(page.locator(f"button:has-text('In Idee Nr. {kept_id} zusammenführen')"))
    expect(page).to_have_url(url)
    expect(page.locator("main")).to_contain_text("Hochzeitstermine im Internet buchen")

    page.goto(declined_url)
    page.fill("#decline-reason", "Die Stadt nutzt die App des Landes.")
    submit(page.locator("button:has-text('Ablehnen')"))
    expect(page.locator("h1")).to_contain_text("wirklich ablehnen?")
    expect(page.locator("blockquote")).to_have_text("Die Stadt nutzt die App des Landes.")
    submit(page.locator("button:has-text('Idee ablehnen')"))
    expect(page.locator(".kern-alert--danger")).to_contain_text("App des Landes")
    sign_out(page)

    # The author is notified of each step and reads the reason.
    sign_in(page, live_server, "l.meier@musterstadt.example")
    page.goto(f"{live_server}/notifications/")
    notifications = page.locator(".ww-notifications")
    expect(notifications).to_contain_text("Trautermine online reservieren")
    expect(notifications).to_contain_text("Hochzeitstermine im Internet buchen")
    expect(notifications).to_contain_text("Eigene App für das Standesamt")
    page.goto(declined_url)
    expect(page.locator(".kern-alert--danger")).to_contain_text("App des Landes")


def test_draft_of_one_employee_is_not_found_by_another(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, "s.lehmann@musterstadt.example")
    url = _write_idea(
        page, live_server, "Geheimer Entwurf zur Aktenablage", "Noch nicht fertig.", "draft"
    )
    sign_out(page)
    sign_in(page, live_server, "mitarbeiterin@musterstadt.example")
    response = page.goto(url)
    assert response is not None
    assert response.status == 404
    response = page.goto(f"{live_server}/ideas/screening")
    assert response is not None
    assert response.status == 403


def test_irreversible_actions_are_confirmed_by_keyboard_without_javascript(live_server, browser):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, "k.koehler@musterstadt.example")
        url = _write_idea(page, live_server, "Entwurf zum Verwerfen", "Noch offen.", "draft")
        submit(page.locator("button:has-text('Entwurf löschen')"), key="Enter")
        expect(page.locator("h1")).to_have_text(
            "Den Entwurf „Entwurf zum Verwerfen“ wirklich löschen?"
        )
        # "Cancel" leads back and nothing happened.
        submit(page.locator("main a:has-text('Abbrechen')"), key="Enter")
        expect(page).to_have_url(url)
        submit(page.locator("button:has-text('Entwurf löschen')"), key="Enter")
        submit(page.locator("button:has-text('Entwurf löschen')"), key="Enter")
        expect(page.locator(".ww-flashes")).to_contain_text("Ihr Entwurf wurde gelöscht.")
        response = page.goto(url)
        assert response is not None
        assert response.status == 404
    finally:
        context.close()


def test_unread_notifications_show_in_the_menu(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, "moderation@musterstadt.example")
    link = page.locator(".ww-nav__link[href='/notifications/']")
    expect(link.locator(".kern-badge")).to_be_visible()
    expect(link).to_have_accessible_name(re.compile(r"Benachrichtigungen \([\d.]+ neu\)"))
