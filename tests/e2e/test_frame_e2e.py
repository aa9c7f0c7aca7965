"""The frame on a phone (390 px): the menu folds and opens by keyboard, the list filters fold,
and a long address in a comment does not make the page wider than the screen."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, submit

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LONG_URL = (
    "https://intranet.musterstadt.example/sites/digitalisierung/dokumente/projektsteckbriefe/"
    "Digitalisierungsbeauftragtenkoordinationsstelle_v3.pdf"
)


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_on_a_phone_the_menu_folds_and_opens_by_keyboard(live_server, phone):
    sign_in(phone, live_server, "admin@musterstadt.example")
    phone.goto(f"{live_server}/ideas/1")
    desktop_nav = phone.locator("nav.ww-nav")
    expect(desktop_nav).to_be_hidden()
    menu_link = phone.locator(".ww-menu__panel a[href='/admin/users']")
    expect(menu_link).to_be_hidden()
    # The header is compact: the content starts within the upper fifth of the screen.
    assert phone.locator("main h1").bounding_box()["y"] < 0.25 * PHONE["height"]

    toggle = phone.locator("summary.ww-menu__toggle")
    for _ in range(10):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.classList.contains('ww-menu__toggle')"):
            break
    else:
        pytest.fail("the menu button cannot be reached with the Tab key")
    phone.keyboard.press("Enter")
    expect(menu_link).to_be_visible()
    expect(phone.locator(".ww-menu__panel [aria-current=page]")).to_have_text("Ideen")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('.ww-menu__panel') !== null")
    phone.keyboard.press("Escape")
    expect(menu_link).to_be_hidden()
    assert phone.evaluate("document.activeElement.classList.contains('ww-menu__toggle')")
    toggle.press("Space")
    expect(menu_link).to_be_visible()
    submit(menu_link)
    expect(phone.locator("h1")).to_have_text("Konten")
    # The width is measured once the page and its stylesheets have loaded (under load the
    # heading can be there before the styles that give wide tables their scrolling box).
    phone.wait_for_load_state()
    assert _fits(phone)


def test_on_a_phone_the_menu_works_without_javascript(live_server, browser):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server, "mitarbeiterin@musterstadt.example")
        page.goto(f"{live_server}/ideas/")
        link = page.locator(".ww-menu__panel a[href='/ideas/mine']")
        expect(link).to_be_hidden()
        page.locator("summary.ww-menu__toggle").click()
        expect(link).to_be_visible()
    finally:
        context.close()


def test_on_a_phone_the_list_filters_fold_and_on_a_desktop_they_are_open(
    live_server, phone, browser_page
):
    sign_in(phone, live_server, "mitarbeiterin@musterstadt.example")
    phone.goto(f"{live_server}/ideas/")
    search = phone.locator("#q")
    expect(search).to_be_hidden()
    phone.locator("summary.ww-disclosure__toggle").click()
    expect(search).to_be_visible()
    # A list that is filtered shows its filters.
    phone.goto(f"{live_server}/ideas/?tag=website")
    expect(phone.locator("#tag")).to_be_visible()
    expect(phone.locator("summary.ww-disclosure__toggle")).to_contain_text("Filter (1 aktiv)")

    sign_in(browser_page, live_server, "mitarbeiterin@musterstadt.example")
    browser_page.goto(f"{live_server}/ideas/")
    expect(browser_page.locator("#q")).to_be_visible()
    expect(browser_page.locator("summary.ww-disclosure__toggle")).to_be_hidden()


def test_a_long_address_in_a_comment_does_not_widen_the_page(live_server, phone):
    sign_in(phone, live_server, "mitarbeiterin@musterstadt.example")
    phone.goto(f"{live_server}/ideas/2")
    phone.fill("#body", f"Siehe {LONG_URL} und `{LONG_URL}`\n\n| Stelle |\n|---|\n| {LONG_URL} |")
    submit(phone.locator("#comment-form button[type=submit]"))
    comment = phone.locator(".ww-comment", has_text="Siehe")
    expect(comment).to_contain_text("Digitalisierungsbeauftragtenkoordinationsstelle")
    phone.wait_for_load_state("load")
    assert _fits(phone), phone.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    box = comment.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]


def test_a_wide_table_scrolls_in_a_labelled_container_reached_by_keyboard(live_server, phone):
    sign_in(phone, live_server, "admin@musterstadt.example")
    phone.goto(f"{live_server}/admin/users")
    region = phone.get_by_role("region", name="Konten")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("box => box.scrollWidth > box.clientWidth")
    expect(phone.locator(".ww-table-scroll__hint")).to_be_visible()
    assert _fits(phone)


def test_markdown_text_is_as_large_as_the_sidebar_and_its_tables_and_code_are_styled(
    live_server, browser_page
):
    sign_in(browser_page, live_server, "mitarbeiterin@musterstadt.example")
    browser_page.goto(f"{live_server}/ideas/3")
    browser_page.fill(
        "#body", "Kosten:\n\n| Posten | Euro |\n|---|---|\n| Lizenz | 900 |\n\n`make run`"
    )
    submit(browser_page.locator("#comment-form button[type=submit]"))
    comment = browser_page.locator(".ww-comment", has_text="Lizenz")
    expect(comment).to_be_visible()

    def style(locator, name):
        return locator.evaluate(f"e => getComputedStyle(e).getPropertyValue('{name}')")

    body = style(browser_page.locator(".ww-idea .ww-prose p").first, "font-size")
    sidebar = style(
        browser_page.locator(".ww-aside .kern-description-list-item__value").first, "font-size"
    )
    assert float(body.removesuffix("px")) >= float(sidebar.removesuffix("px"))
    header = comment.locator("th").first
    assert style(header, "border-bottom-style") == "solid"
    assert style(comment.locator("code"), "background-color") != "rgba(0, 0, 0, 0)"
    # The table scrolls in a labelled region that the keyboard reaches.
    region = comment.locator(".ww-table-scroll")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("aria-label", "Tabelle: Posten")
