"""Dashboards and documents in a real browser: a board member filters the dashboard by round,
reads the table beside a chart and downloads its CSV, generates the council paper, sees it
ready and releases it; an employee then downloads it. The chair asks for the pack of the planned
meeting on the meeting page and downloads it. axe-core finds no WCAG 2.1 AA violation."""

import csv
import io

import pypdf
import pytest
from playwright.sync_api import expect
from sqlalchemy import delete, select

from portal.accounts.services import municipality_for
from portal.board.models import Meeting
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.insights.models import GeneratedDocument
from tests.e2e.conftest import axe_violations, sign_in, sign_out, submit, switch_language

pytestmark = pytest.mark.e2e

RANKING = "Rangfolge mit dem Beitrag jedes Kriteriums"


@pytest.fixture
def without_documents(live_app):
    """The demo without its released paper, so that the board generates it here."""
    with live_app.app_context():
        set_tenant(municipality_for(live_app.config["TENANT"]).id)
        with unit_of_work():
            db.session.execute(delete(GeneratedDocument))


def test_the_board_reads_the_dashboard_generates_and_releases_the_paper(
    live_server, browser, without_documents
):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, live_server, "lenkung@musterstadt.example")
        page.goto(f"{live_server}/insights/")
        page.select_option("#round", label="Priorisierung 2026")
        submit(page.locator("form.ww-filter button[type=submit]"))
        expect(page).to_have_url(f"{live_server}/insights/?round=1&field=&unit=&since=&until=")
        section = page.locator("section.ww-chart", has=page.locator(f"h2:text-is('{RANKING}')"))
        expect(section.locator(".ww-chart__figure--drawn svg.main-svg").first).to_be_visible()
        first = section.locator("tbody tr").first
        expect(first.locator("th")).to_have_text("1")
        title = first.locator("td").first.inner_text()
        assert axe_violations(page) == []

        with page.expect_download() as download:
            section.locator("a:has-text('Daten als CSV herunterladen')").click()
        rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
        assert rows[0][:2] == ["Rang", "Idee"]
        assert rows[1][:2] == ["1", title]

        submit(page.locator("main a:has-text('Dokumente')"))
        page.select_option("#kind", "council_paper")
        page.select_option("#round_id", label="Priorisierung 2026")
        # Jobs run at once in the tests, so this request waits for the paper (and for the
        # browser that draws its figures to start).
        submit(page.get_by_role("button", name="Erstellen", exact=True), timeout=180_000)
        expect(page.locator("h1")).to_have_text("Informationsvorlage: Priorisierung 2026")
        expect(page.locator("main .kern-badge")).to_have_text("Fertig")
        assert axe_violations(page) == []
        submit(page.locator("button:has-text('Für alle Mitarbeitenden freigeben')"))
        expect(page.locator("main")).to_contain_text("nicht zurückgenommen werden")
        submit(page.locator("main form button:has-text('Freigeben')"))
        expect(page.locator(".ww-flashes")).to_contain_text("für alle Mitarbeitenden freigegeben")
        sign_out(page)

        sign_in(page, live_server, "mitarbeiterin@musterstadt.example")
        page.goto(f"{live_server}/insights/documents")
        assert axe_violations(page) == []
        submit(page.locator("a:has-text('Informationsvorlage: Priorisierung 2026')"))
        with page.expect_download() as download:
            page.click("a:has-text('PDF herunterladen')")
        assert download.value.path().read_bytes().startswith(b"%PDF")
        assert axe_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_dashboard_on_a_phone_has_no_accessibility_violations(live_server, browser, language):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, live_server, "lenkung@musterstadt.example")
        page.goto(f"{live_server}/insights/?round=1")
        if language == "en":
            switch_language(page)
        expect(page.locator(".ww-chart__figure--drawn").first).to_be_visible()
        assert axe_violations(page) == []
    finally:
        context.close()


def test_a_board_member_asks_for_the_meeting_pack_on_the_meeting_page(
    live_app, live_server, browser, without_documents
):
    with live_app.app_context():
        set_tenant(municipality_for(live_app.config["TENANT"]).id)
        meeting_id = db.session.scalar(select(Meeting.id).where(Meeting.title == "4. Sitzung"))
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        sign_in(page, live_server, "lenkung@musterstadt.example")
        page.goto(f"{live_server}/board/meetings/{meeting_id}")
        section = page.locator("section[aria-labelledby=h-meeting-pack]")
        expect(section.locator("h2")).to_have_text("Sitzungsunterlage")
        assert axe_violations(page) == []
        # Jobs run at once in the tests, so this request waits for the pack.
        submit(section.locator("button:has-text('Sitzungsunterlage erstellen')"), timeout=120_000)
        expect(page.locator("h1")).to_have_text("Sitzungsunterlage: 4. Sitzung")
        expect(page.locator("main .kern-badge")).to_have_text("Fertig")
        with page.expect_download() as download:
            page.click("a:has-text('PDF herunterladen')")
        reader = pypdf.PdfReader(io.BytesIO(download.value.path().read_bytes()))
        text = "\n".join(p.extract_text() for p in reader.pages)
        assert "Tagesordnung" in text
        assert "4. Sitzung" in text
        assert axe_violations(page) == []
        # The meeting page now lists the pack it made.
        page.goto(f"{live_server}/board/meetings/{meeting_id}")
        expect(section.locator("a:has-text('Sitzungsunterlage: 4. Sitzung')")).to_have_count(1)
    finally:
        context.close()
