"""A moderator assigns assessors in the browser through plain forms: bulk assignment after a
question, an idea's assessors with a declared conflict, removing after a question; axe-core finds
no WCAG 2.1 AA violation on these pages, in German and English, on a desk and on a phone."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.extensions import db
from portal.rounds.models import Assignment, RecusalReason, Round, RoundPhase
from tests.e2e.conftest import axe_violations, sign_in, submit, switch_language

pytestmark = pytest.mark.e2e


def _scoring_round(app) -> tuple[int, int, str]:
    """Return the demo round that is being scored, an idea of it with a declared conflict and
    that conflict's note."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        round_id = db.session.scalar(select(Round.id).where(Round.phase == RoundPhase.SCORE))
        declared = db.session.scalars(
            select(Assignment).where(
                Assignment.round_id == round_id, Assignment.recusal == RecusalReason.DECLARED
            )
        ).first()
        assert round_id is not None
        assert declared is not None
        found = (round_id, declared.idea_id, declared.recusal_note)
        db.session.remove()
        db.engine.dispose()
    return found


@pytest.mark.parametrize("width", [1366, 390])
@pytest.mark.parametrize("language", ["de", "en"])
def test_a_moderator_assigns_and_the_pages_have_no_violations(
    live_app, live_server, browser, language, width
):
    round_id, idea_id, note = _scoring_round(live_app)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    found = {}
    try:
        sign_in(page, live_server, "moderation@musterstadt.example")
        if language == "en":
            switch_language(page)
        page.goto(f"{live_server}/rounds/{round_id}")
        submit(page.locator(f"a[href='/rounds/{round_id}/assessment']"))
        expect(page.locator(".ww-assessment-ideas")).to_have_count(1)
        found["progress"] = axe_violations(page)
        # Filling up the ideas that lack assessors (after the declared conflict) asks first.
        page.select_option("#scope", "all")
        submit(page.locator("form[action$='/assessment/bulk'] button[type=submit]"))
        expect(page.locator("form input[name=confirm]")).to_have_count(1)
        found["bulk question"] = axe_violations(page)
        submit(page.locator("form:has(input[name=confirm]) button[type=submit]"))
        expect(page.locator("form input[name=confirm]")).to_have_count(0)
        page.goto(f"{live_server}/rounds/{round_id}/assessment/ideas/{idea_id}")
        assert note in page.content()
        found["idea"] = axe_violations(page)
        submit(page.locator("form[action*='/remove'] button").first)
        expect(page.locator("form input[name=confirm]")).to_have_count(1)
        found["remove question"] = axe_violations(page)
    finally:
        context.close()
    assert {name: violations for name, violations in found.items() if violations} == {}
