"""Signing in and switching the language in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_employee_signs_in_and_reaches_the_start_page(live_server, browser_page):
    sign_in(browser_page, live_server, "mitarbeiterin@musterstadt.example")
    expect(browser_page).to_have_url(f"{live_server}/")
    expect(browser_page.locator("h1")).to_contain_text("Aylin Demir")
    expect(browser_page.locator("html")).to_have_attribute("lang", "de")


def test_wrong_password_keeps_the_e_mail_and_says_why(live_server, browser_page):
    sign_in(browser_page, live_server, "mitarbeiterin@musterstadt.example", "falsches-passwort")
    expect(browser_page.locator("#email")).to_have_value("mitarbeiterin@musterstadt.example")
    expect(browser_page.locator(".kern-error")).to_contain_text("falsch")


def test_language_switch_turns_the_page_english_and_back(live_server, browser_page):
    sign_in(browser_page, live_server, "lenkung@musterstadt.example")
    browser_page.click(".ww-language button")
    expect(browser_page.locator("html")).to_have_attribute("lang", "en")
    expect(browser_page.locator("h1")).to_contain_text("Welcome")
    browser_page.click(".ww-language button")
    expect(browser_page.locator("html")).to_have_attribute("lang", "de")
    expect(browser_page.locator("h1")).to_contain_text("Willkommen")


def test_employee_gets_access_denied_on_admin_page(live_server, browser_page):
    sign_in(browser_page, live_server, "mitarbeiterin@musterstadt.example")
    response = browser_page.goto(f"{live_server}/admin/users")
    assert response is not None
    assert response.status == 403
    expect(browser_page.locator("h1")).to_contain_text("Zugriff verweigert")
