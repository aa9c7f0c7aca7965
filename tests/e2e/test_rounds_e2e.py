"""Prioritisation rounds in a real browser: a moderator sets a round up from a template, adjusts
a criterion, accepts an idea into the round and moves it on — without JavaScript, by keyboard
where it matters. (The weighting and the assessment add their steps of the issue's "Done when".)"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, submit

pytestmark = pytest.mark.e2e

NAME = "Priorisierung Verwaltung 4.0"


def test_a_moderator_creates_a_round_from_a_template_and_adjusts_a_criterion(live_server, browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, "moderation@musterstadt.example")

        # A new round.
        page.goto(f"{live_server}/rounds/")
        submit(page.locator("main a:has-text('Neue Runde')"))
        page.fill("#name", NAME)
        page.fill("#description", "Welche Vorhaben der **Verwaltung 4.0** setzen wir um?")
        page.get_by_label("E-Akte").check()
        page.fill("#budget_euros", "400000")
        page.fill("#staff_days", "600")
        page.fill("#collect_until", "2028-01-31")
        page.fill("#score_until", "2028-04-15")
        submit(page.locator("button:has-text('Runde anlegen')"))
        expect(page.locator("h1")).to_have_text(NAME)
        steps = page.locator("ol.ww-phases")
        expect(steps.locator("[aria-current=step]")).to_contain_text("Ideen sammeln")
        expect(steps).to_contain_text("bis 31.01.2028")
        expect(page.locator("main")).to_contain_text("400.000 €")

        # Its catalogue from the compact template.
        submit(page.locator("main a:has-text('Katalog bearbeiten')"))
        page.get_by_label("Kompakt: Nutzen, Aufwand, Pflicht").check()
        submit(page.locator("button:has-text('Mit dieser Vorlage beginnen')"))
        expect(page.locator(".ww-flashes")).to_contain_text("die 5 Kriterien der Vorlage")
        relief = page.locator("li.ww-criterion:has-text('Entlastung der Mitarbeitenden')")
        expect(relief).to_contain_text("Stufen 0 bis 4")

        # One criterion gets a fifth level, which must be justified; the form shows the new row
        # after "Formular aktualisieren", without JavaScript.
        submit(relief.locator("a:has-text('Bearbeiten')"))
        expect(page.locator("#level-5-text")).to_have_count(0)
        page.fill("#scale_max", "5")
        submit(page.locator("button:has-text('Formular aktualisieren')"))
        expect(page.locator("main [role=status]")).to_contain_text("noch nichts gespeichert")
        expect(page.locator("#level-3-text")).to_have_value("entlastet mehrere Ämter spürbar")
        page.fill("#level-5-text", "entlastet die Verwaltung breit, dauerhaft und messbar")
        page.check("#level-5-justify")
        submit(page.locator("button:has-text('Kriterium speichern')"))
        expect(page.locator(".ww-flashes")).to_contain_text(
            "Das Kriterium „Entlastung der Mitarbeitenden“ wurde gespeichert."
        )
        expect(relief).to_contain_text("Stufen 0 bis 5")

        # Moved to the top by keyboard.
        relief.locator("button[value=up]").press("Enter")
        expect(page.locator("li.ww-criterion h3").first).to_have_text(
            "1. Entlastung der Mitarbeitenden"
        )

        # The catalogue reads as staff will read it once scoring starts.
        submit(page.locator("main a:has-text('Katalog so lesen')"))
        criterion = page.locator("li.ww-criterion").first
        expect(criterion).to_contain_text("Entlastung der Mitarbeitenden")
        level = criterion.locator("tr:has(th:text-is('5'))")
        expect(level).to_contain_text("entlastet die Verwaltung breit, dauerhaft und messbar")
        expect(level).to_contain_text("Begründung erforderlich")
        expect(page.locator("main")).to_contain_text("Entwurf der Fassung 1")

        # An idea in screening joins the round from its own page.
        page.goto(f"{live_server}/ideas/screening")
        in_screening = page.locator(".kern-badge", has_text="Im Screening")
        waiting = page.locator(".ww-idea-card").filter(has=in_screening).last
        title = waiting.locator("h2").inner_text()
        submit(waiting.locator("h2 a"))
        accept = page.locator("section").filter(
            has=page.get_by_role("heading", name="Für eine Runde annehmen")
        )
        accept.get_by_label("Runde").select_option(label=f"{NAME} (Ideen sammeln)")
        submit(accept.locator("button"))
        expect(page.locator(".ww-flashes")).to_contain_text(f"in die Runde „{NAME}“ aufgenommen")
        expect(page.locator(".ww-facts")).to_contain_text(NAME)
        submit(page.locator(f".ww-facts a:has-text('{NAME}')"))
        expect(page.locator("#ideas")).to_contain_text(title)

        # The round moves on after asking once more.
        submit(page.locator("button:has-text('Weiter zu „Screening“')"))
        expect(page.locator("h1")).to_have_text(
            f"„{NAME}“ wirklich in die Phase „Screening“ bringen?"
        )
        page.locator("form button:has-text('Weiter zu „Screening“')").press("Enter")
        expect(page.locator(".ww-flashes")).to_contain_text("jetzt in der Phase „Screening“")
        expect(steps.locator("[aria-current=step]")).to_contain_text("Screening")
        expect(page.locator("main")).to_contain_text("Ideen sammeln → Screening")
        page.goto(f"{live_server}/")
        expect(page.locator(".ww-news")).to_contain_text(f"{NAME}: Screening")
    finally:
        context.close()


def test_staff_read_rounds_but_cannot_configure_them(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, "mitarbeiterin@musterstadt.example")
    page.goto(f"{live_server}/rounds/")
    expect(page.locator("h1")).to_have_text("Priorisierungsrunden")
    expect(page.locator("main a:has-text('Neue Runde')")).to_have_count(0)
    submit(page.locator(".ww-idea-card h2 a").first)
    expect(page.locator("ol.ww-phases")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Katalog bearbeiten")
    for path in ("/rounds/new", "/rounds/1/edit", "/rounds/1/catalogue/edit"):
        response = page.goto(live_server + path)
        assert response is not None
        assert response.status == 403, path
