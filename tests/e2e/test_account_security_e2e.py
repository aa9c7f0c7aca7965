"""Sessions and passwords in a real browser: signing out on all other devices (ASVS 5.0 V7.5.2)
and a new password by e-mail, through the job queue and the logged mail (V6.4.1)."""

import logging
import re

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import axe_violations, sign_in, submit

pytestmark = pytest.mark.e2e

#: Demo staff no other browser test signs in as: one test here changes the password.
SESSIONS_USER = "k.friedrich@musterstadt.example"
RESET_USER = "j.roth@musterstadt.example"
NEW_PASSWORD = "Ein neuer Satz für den Montagmorgen"
LINK = re.compile(r"https?://[^/\s]+(/password/reset/[A-Za-z0-9_-]+)")


def _device(browser: Browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_v7_5_2_sign_out_on_all_other_devices_ends_the_other_browser(live_server, browser):
    office, office_page = _device(browser)
    home, home_page = _device(browser)
    try:
        sign_in(office_page, live_server, SESSIONS_USER)
        sign_in(home_page, live_server, SESSIONS_USER)
        expect(home_page).to_have_url(f"{live_server}/")
        office_page.goto(f"{live_server}/account")
        submit(office_page.get_by_role("button", name="Auf allen anderen Geräten abmelden"))
        expect(office_page.locator(".kern-alert--success")).to_contain_text(
            "auf allen anderen Geräten abgemeldet"
        )
        # The other browser is signed out at its next step; this one stays signed in.
        home_page.goto(f"{live_server}/account")
        expect(home_page).to_have_url(re.compile(r"/login\?next=%2Faccount$"))
        office_page.goto(f"{live_server}/ideas/")
        expect(office_page).to_have_url(f"{live_server}/ideas/")
    finally:
        office.close()
        home.close()


def test_v6_4_1_a_new_password_by_e_mail(live_server, browser_page, caplog):
    caplog.set_level(logging.INFO, logger="portal.notifications.services")
    page = browser_page
    page.goto(f"{live_server}/login")
    submit(page.get_by_role("link", name="Passwort vergessen?"))
    expect(page.locator("h1")).to_have_text("Passwort vergessen?")
    assert axe_violations(page) == []
    page.fill("#email", RESET_USER)
    submit(page.get_by_role("button", name="Link senden"))
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator(".kern-alert--info")).to_contain_text(f"Falls zu {RESET_USER} ein Konto")

    # The job ran after the request committed and, without a mail server, logged the mail.
    mails = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Mail to")]
    assert len(mails) == 1
    assert mails[0].startswith(f"Mail to {RESET_USER}: Wandelwerk: Neues Passwort festlegen")
    path = LINK.search(mails[0]).group(1)

    page.goto(live_server + path)
    expect(page.locator("h1")).to_have_text("Neues Passwort festlegen")
    assert axe_violations(page) == []
    page.fill("#new", "Passwort1234")
    page.fill("#confirm", "Passwort1234")
    submit(page.get_by_role("button", name="Passwort setzen"))
    expect(page.locator("#new-error")).to_contain_text("zu leicht zu erraten")
    page.fill("#new", NEW_PASSWORD)
    page.fill("#confirm", NEW_PASSWORD)
    submit(page.get_by_role("button", name="Passwort setzen"))
    expect(page).to_have_url(f"{live_server}/login")
    expect(page.locator(".kern-alert--success")).to_contain_text("Ihr neues Passwort")

    sign_in(page, live_server, RESET_USER, "musterstadt-demo")
    expect(page.locator("#password-error")).to_contain_text("falsch")
    sign_in(page, live_server, RESET_USER, NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server}/")
    expect(page.locator("h1")).to_contain_text("Johanna Roth")

    # The link worked once.
    page.goto(live_server + path)
    expect(page.locator(".kern-alert--warning")).to_contain_text("bereits verwendet")
