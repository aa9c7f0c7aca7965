"""The rest of a round's way in a real browser, after it was set up and weighted (see
test_rounds_e2e and test_rounds_weighting_e2e): the catalogue freezes when a moderator starts
scoring, two assessors score with justifications, one of them is recused from an idea of her
own org unit and cannot open its form, and once scoring has closed no score can change."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import OrgUnit, User
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.ideas.models import IdeaState
from portal.ideas.services import lifecycle
from portal.rounds.services import assignment, catalogue, phases
from tests import factories
from tests.e2e.conftest import sign_in, submit
from tests.portal.rounds.round_states import weigh

pytestmark = pytest.mark.e2e

NAME = "Priorisierung Bürgerdienste"
MODERATOR = "moderation@musterstadt.example"
#: Dr. Miriam Hoffmann (11.2) and Nadine Krüger (Amt 12, whose ideas she may not score).
HOFFMANN = "bewertung@musterstadt.example"
KRUEGER = "n.krueger@musterstadt.example"


def _round_in_screening(app) -> tuple[int, int, int]:
    """A weighted round in screening with two ideas, one for the citizens' office, one that
    affects the IT department, both given to the two assessors. Return the ids of the round and
    the two ideas."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            moderator = db.session.scalar(select(User).where(User.email == MODERATOR))
            units = {unit.code: unit for unit in db.session.scalars(select(OrgUnit))}
            round_ = phases.create_round(phases.RoundData(name=NAME, min_assessors=1), moderator)
            draft = catalogue.start_from_template(round_, "kompakt", moderator)
            weigh(draft)
            ideas = []
            for title, unit in (
                ("Terminbuchung für das Standesamt", "33.2"),
                ("Ticketsystem für die IT-Hotline", "Amt 12"),
            ):
                idea = factories.idea(title=title)
                idea.org_units = [units[unit]]
                idea.cost_euros = 20_000
                lifecycle.change_state(idea, IdeaState.SCREENING, moderator)
                phases.accept_into_round(idea, round_, moderator)
                ideas.append(idea.id)
            phases.move_phase(round_, phases.RoundPhase.SCREEN, moderator)
            people = db.session.scalars(select(User.id).where(User.email.in_((HOFFMANN, KRUEGER))))
            chosen = list(people)
            for idea_id in ideas:
                assignment.assign(round_, idea_id, chosen, moderator)
            ids = (round_.id, *ideas)
        db.session.remove()
    return ids


def _move_on(page: Page, base: str, round_id: int, phase: str) -> None:
    page.goto(f"{base}/rounds/{round_id}")
    submit(page.locator(f"button:has-text('Weiter zu „{phase}“')"))
    page.locator(f"form button:has-text('Weiter zu „{phase}“')").press("Enter")
    expect(page.locator(".ww-flashes")).to_contain_text(f"jetzt in der Phase „{phase}“")


def _score(page: Page, base: str, round_id: int, idea_id: int, reason: str) -> None:
    """Give every criterion its second level with *reason*, and submit."""
    page.goto(f"{base}/rounds/{round_id}/assessments/{idea_id}")
    for group in page.locator("fieldset[id^='score-']").all():
        group.locator("input[type=radio]").nth(1).check()
        criterion = group.get_attribute("id").removeprefix("score-")
        page.fill(f"#justification-{criterion}", reason)
    submit(page.get_by_role("button", name="Bewertung abgeben"))
    submit(page.get_by_role("button", name="Bewertung abgeben"))
    expect(page.get_by_text("Ihre Bewertung wurde abgegeben.")).to_be_visible()


def test_scoring_starts_on_a_frozen_catalogue_respects_recusal_and_ends_for_good(
    live_app, live_server, browser
):
    round_id, office, hotline = _round_in_screening(live_app)
    pages = {}
    for email in (MODERATOR, HOFFMANN, KRUEGER):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        pages[email] = context.new_page()
        pages[email].set_default_timeout(10_000)
        sign_in(pages[email], live_server, email)
    moderator, hoffmann, krueger = pages[MODERATOR], pages[HOFFMANN], pages[KRUEGER]
    try:
        # Nadine Krüger was recused from the IT department's idea when she was assigned.
        moderator.goto(f"{live_server}/rounds/{round_id}/assessment/ideas/{hotline}")
        recused = moderator.locator("main li, main tr").filter(has_text="Nadine Krüger").first
        expect(recused).to_contain_text("Die Idee betrifft die eigene Organisationseinheit")

        # Starting the score phase freezes the catalogue as version 1, read by all staff.
        _move_on(moderator, live_server, round_id, "Bewertung")
        krueger.goto(f"{live_server}/rounds/{round_id}/catalogue")
        expect(krueger.locator("main")).to_contain_text("Fassung 1, eingefroren am")

        # The recused assessor sees why, and cannot open the form.
        krueger.goto(f"{live_server}/rounds/{round_id}/assessments")
        expect(krueger.locator("main")).to_contain_text("Ticketsystem für die IT-Hotline")
        response = krueger.goto(f"{live_server}/rounds/{round_id}/assessments/{hotline}")
        assert response.status == 403

        # Two assessors score the citizens' idea with their reasons.
        _score(hoffmann, live_server, round_id, office, "Spürbar für alle Brautpaare.")
        _score(krueger, live_server, round_id, office, "Weniger Anrufe im Standesamt.")
        _score(hoffmann, live_server, round_id, hotline, "Entlastet die IT-Hotline.")

        # Once scoring has closed, the form is read-only and a stale submission is refused.
        hoffmann.goto(f"{live_server}/rounds/{round_id}/assessments/{office}")
        _move_on(moderator, live_server, round_id, "Entscheidung")
        hoffmann.reload()
        expect(hoffmann.locator("main")).to_contain_text(
            "Die Bewertungsphase dieser Runde ist beendet"
        )
        expect(hoffmann.get_by_role("button", name="Bewertung abgeben")).to_have_count(0)
        expect(hoffmann.locator("main")).to_contain_text("Spürbar für alle Brautpaare.")
    finally:
        for page in pages.values():
            page.context.close()
