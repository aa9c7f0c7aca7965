"""A moderator assigns assessors in the browser without JavaScript: bulk assignment after a
question, an idea's assessors with a declared conflict, removing after a question; axe-core finds
no WCAG 2.1 AA violation on these pages, in German and English, on a desk and on a phone."""

import pytest
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.rounds.models import Assignment, AssignmentState, RecusalReason, Round, RoundPhase
from portal.rounds.services import assignment, phases
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility_e2e import _violations

pytestmark = pytest.mark.e2e


def _screening(app) -> int:
    """Move the demo round to screening and let one assessor declare a conflict; return the
    idea concerned."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            moderator = db.session.scalar(
                select(User).where(User.email == "moderation@musterstadt.example")
            )
            round_ = db.session.get_one(Round, 1)
            phases.move_phase(round_, RoundPhase.SCREEN, moderator)
            assignment.bulk_assign(round_, assignment.Scope(), moderator)
            first = db.session.scalars(
                select(Assignment)
                .where(Assignment.round_id == 1, Assignment.state == AssignmentState.OPEN)
                .order_by(Assignment.id)
            ).first()
            assert first is not None
            first.state, first.recusal = AssignmentState.RECUSED, RecusalReason.DECLARED
            first.recusal_note = "Ich habe die Idee mit dem Amt zusammen entwickelt."
            idea_id = first.idea_id
        db.engine.dispose()
    return idea_id


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["de", "en"])
def test_the_assessment_pages_work_without_script_and_have_no_violations(
    live_app, live_server, browser, language, width
):
    idea_id = _screening(live_app)
    context = browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=False
    )
    page = context.new_page()
    found = {}
    try:
        sign_in(page, live_server, "moderation@musterstadt.example")
        if language == "en":
            page.click(".ww-language button")
        page.goto(f"{live_server}/rounds/1")
        page.click("a[href='/rounds/1/assessment']")
        found["progress"] = _violations(page)
        assert page.locator(".ww-assessment-ideas").count() == 1
        # Filling the ideas that lack assessors after the declared conflict asks first.
        page.select_option("#scope", "all")
        page.click("form[action$='/assessment/bulk'] button[type=submit]")
        assert page.locator("form input[name=confirm]").count() == 1
        found["bulk question"] = _violations(page)
        page.click("form button[type=submit]")
        page.goto(f"{live_server}/rounds/1/assessment/ideas/{idea_id}")
        assert "Ich habe die Idee mit dem Amt zusammen entwickelt." in page.content()
        found["idea"] = _violations(page)
        page.locator("form[action*='/remove'] button").first.click()
        assert page.locator("form input[name=confirm]").count() == 1
        found["remove question"] = _violations(page)
    finally:
        context.close()
    assert {name: violations for name, violations in found.items() if violations} == {}
