"""A board meeting in the browser, each member in a browser of their own: the chair puts ideas
from the ranking on the agenda and invites, members vote with one recused, the result follows
the rules, a departure from the ranking is refused without an explanation and saved with one,
the minutes are generated and approved at the next meeting, and the author reads the decision
once released; in German and English, with no WCAG 2.1 AA violation on the board's pages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.services import municipality_for
from portal.board.models import Board, Meeting
from portal.board.services import meetings
from portal.core.models import utcnow
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from tests.e2e.conftest import axe_violations, sign_in, submit, switch_language

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
CHAIR = "lenkung@musterstadt.example"
#: The author of "Einheitliche Diensthandys mit Mobilgeräteverwaltung" (idea 43, rank 16, which
#: the demo board has not decided yet): recused on it.
DEPUTY = "t.weber@musterstadt.example"
MEMBERS = ["a.fischer@musterstadt.example", "m.wagner@musterstadt.example"]
#: The author of "Fachverfahren über Schnittstellen verbinden" (idea 42, rank 20).
AUTHOR = "mitarbeiterin@musterstadt.example"
RECUSED_IDEA, DEPARTING_IDEA = 43, 42
TEXT = {
    "de": {"departs": "weicht von der Rangfolge ab", "recused": "Befangen"},
    "en": {"departs": "departs from the ranking", "recused": "Recused"},
}


def _next_meeting(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """Clear the agenda of the demo board's fourth meeting and plan a fifth after it; return
    both ids."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            board = db.session.scalar(select(Board))
            moderator = db.session.scalar(
                select(User).where(User.email == "moderation@musterstadt.example")
            )
            fourth = db.session.scalar(select(Meeting).where(Meeting.title == "4. Sitzung"))
            # The demo prepares the fourth meeting's agenda for its pack; the chair here sets
            # the agenda from the ranking instead.
            for item in list(fourth.items):
                meetings.remove_item(fourth, item.id, moderator)
            start = utcnow() + timedelta(days=49)
            fifth = meetings.create_meeting(
                board,
                meetings.MeetingData(
                    "5. Sitzung", start, start + timedelta(hours=2), place="Rathaus"
                ),
                moderator,
            )
            ids = (fourth.id, fifth.id)
        db.session.remove()
    return ids


class People:
    """One browser context per person, signed in, in the language of the test."""

    def __init__(self, browser: Browser, base: str, language: str) -> None:
        self.browser, self.base, self.language = browser, base, language
        self.pages: dict[str, Page] = {}

    def __getitem__(self, email: str) -> Page:
        if email not in self.pages:
            context = self.browser.new_context(viewport={"width": 1366, "height": 900})
            page = context.new_page()
            page.set_default_timeout(15_000)
            sign_in(page, self.base, email)
            if self.language == "en":
                switch_language(page)
            self.pages[email] = page
        return self.pages[email]

    def close(self) -> None:
        for page in self.pages.values():
            page.context.close()


def _shoot(page: Page, language: str, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=SCREENSHOTS / f"board-{language}-{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1366, "height": 900})


def _item_link(page: Page, title: str):  # type: ignore[no-untyped-def]
    return page.locator(".ww-agenda h3 a", has_text=title)


def _vote(page: Page, base: str, meeting: int, title: str) -> None:
    """Vote yes on *title*, reached from the meeting page's list of open votes."""
    page.goto(f"{base}/board/meetings/{meeting}")
    submit(page.locator(".ww-notice a", has_text=title))
    page.check("input[name=choice][value=yes]")
    submit(page.locator("form[action$='/cast'] button[type=submit]"))
    expect(page.locator("form[action$='/cast']")).to_have_count(0)


def _motion(page: Page, outcome: str, explanation: str = "") -> None:
    page.fill("#motion", "Die Lenkungsgruppe beschließt.")
    page.select_option("#outcome", outcome)
    page.fill("#reason", "Die Bewertung und der Haushalt sprechen dafür.")
    page.fill("#explanation", explanation)
    submit(page.locator("form[action$='/vote'] button[type=submit]"))


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_meeting_decides_from_the_ranking(live_app, live_server, browser, language):  # type: ignore[no-untyped-def]
    fourth, fifth = _next_meeting(live_app)
    people = People(browser, live_server, language)
    text = TEXT[language]
    found: dict[str, list[str]] = {}

    def check(page: Page, name: str) -> None:
        if violations := axe_violations(page):
            found[name] = violations

    try:
        chair = people[CHAIR]
        # The chair sets the agenda from the ranking, invites and records who is present.
        chair.goto(f"{live_server}/board/meetings/{fourth}")
        check(chair, "meeting planned")
        for idea in (RECUSED_IDEA, DEPARTING_IDEA):
            chair.check(f"input[name=chosen][value='1:{idea}']")
        submit(chair.locator("form[action$='/ideas'] button[type=submit]"))
        submit(chair.locator("form[action$='/invite'] button[type=submit]"))
        for box in chair.locator("input[name=present]").all():
            box.check()
        submit(chair.locator("form[action$='/attendance'] button[type=submit]"))
        recused_title = "Einheitliche Diensthandys mit Mobilgeräteverwaltung"
        departing_title = "Fachverfahren über Schnittstellen verbinden"
        expect(_item_link(chair, recused_title)).to_be_visible()
        _shoot(chair, language, "meeting")

        # The first idea: rejected; its author, the deputy, is recused and cannot vote.
        submit(_item_link(chair, recused_title))
        check(chair, "item before the vote")
        _motion(chair, "rejected")
        chair.check("input[name=choice][value=yes]")
        submit(chair.locator("form[action$='/cast'] button[type=submit]"))
        for member in MEMBERS:
            _vote(people[member], live_server, fourth, recused_title)
        deputy = people[DEPUTY]
        deputy.goto(f"{live_server}/board/meetings/{fourth}")
        expect(deputy.locator(".ww-notice a", has_text=recused_title)).to_have_count(0)
        submit(_item_link(deputy, recused_title))
        expect(deputy.locator("form[action$='/cast']")).to_have_count(0)
        expect(deputy.get_by_text(text["recused"]).first).to_be_visible()
        chair.reload()
        check(chair, "item, vote open")
        _shoot(chair, language, "item-open")
        submit(chair.locator("form[action$='/close'] button[type=submit]"))
        # Three yes of six entitled (the deputy recused), all present: adopted, decided.
        expect(chair.locator(".ww-tally td").nth(0)).to_have_text("3")
        expect(chair.locator(".ww-tally td").nth(3)).to_contain_text("6")
        expect(chair.locator("a[href^='/board/decisions/']")).to_have_count(1)

        # The second idea ranks below the one just rejected: approving it needs an explanation.
        chair.goto(f"{live_server}/board/meetings/{fourth}")
        submit(_item_link(chair, departing_title))
        _motion(chair, "approved")
        expect(chair.locator(".kern-alert--danger")).to_contain_text(text["departs"])
        expect(chair.locator("#motion")).to_have_value("Die Lenkungsgruppe beschließt.")
        check(chair, "item, departure refused")
        _shoot(chair, language, "item-refused")
        _motion(chair, "approved", "Das Land fördert die Schnittstellen nur noch in diesem Jahr.")
        chair.check("input[name=choice][value=yes]")
        submit(chair.locator("form[action$='/cast'] button[type=submit]"))
        for member in [DEPUTY, *MEMBERS]:
            _vote(people[member], live_server, fourth, departing_title)
        chair.reload()
        submit(chair.locator("form[action$='/close'] button[type=submit]"))
        decision = chair.locator("a[href^='/board/decisions/']")
        expect(decision).to_have_count(1)
        submit(decision)
        expect(chair.get_by_text("Das Land fördert die Schnittstellen")).to_be_visible()
        check(chair, "decision")
        _shoot(chair, language, "decision")

        # The author reads nothing before the release, the decision and its explanation after.
        author = people[AUTHOR]
        author.goto(f"{live_server}/ideas/{DEPARTING_IDEA}")
        expect(author.get_by_text("Das Land fördert die Schnittstellen")).to_have_count(0)
        chair.goto(f"{live_server}/board/meetings/{fourth}")
        submit(chair.locator(f"form[action$='/meetings/{fourth}/close'] button[type=submit]"))
        check(chair, "confirm closing")
        submit(chair.locator(".ww-confirm button[type=submit]"))
        chair.goto(f"{live_server}/board/meetings/{fourth}")
        submit(chair.locator("form[action$='/release'] button[type=submit]"))
        expect(chair.locator("form[action$='/release']")).to_have_count(0)
        check(chair, "meeting held")
        chair.goto(f"{live_server}/board/meetings/{fourth}/minutes")
        expect(chair.locator("main")).to_contain_text(departing_title)
        check(chair, "minutes")
        _shoot(chair, language, "minutes")
        author.reload()
        expect(author.get_by_text("Das Land fördert die Schnittstellen")).to_be_visible()
        check(author, "idea page")
        author.goto(f"{live_server}/board/decisions")
        check(author, "decisions")

        # The next meeting approves the minutes, which are frozen from then on.
        chair.goto(f"{live_server}/board/meetings/{fifth}")
        chair.fill("form[action$='/topics'] #title", "Genehmigung des Protokolls")
        submit(chair.locator("form[action$='/topics'] button[type=submit]"))
        submit(chair.locator("form[action$='/invite'] button[type=submit]"))
        for box in chair.locator("input[name=present]").all():
            box.check()
        submit(chair.locator("form[action$='/attendance'] button[type=submit]"))
        chair.select_option("#meeting_id", str(fourth))
        submit(chair.locator("form[action$='/approve-minutes'] button[type=submit]"))
        chair.goto(f"{live_server}/board/meetings/{fourth}")
        expect(chair.locator(".ww-facts")).to_contain_text("5. Sitzung")
        chair.goto(f"{live_server}/board/meetings/{fourth}/minutes")
        expect(chair.locator("form textarea")).to_have_count(0)
        chair.goto(f"{live_server}/board/1")
        check(chair, "board")
        _shoot(chair, language, "board")
    finally:
        people.close()
    assert found == {}
