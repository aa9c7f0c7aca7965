"""An assessor in the browser: their list, the scoring form worked by keyboard, submitting,
the review of strong disagreement, and no WCAG 2.1 AA violation on these pages."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.rounds.models import Assignment, Round, RoundIdea, RoundPhase
from portal.rounds.services import catalogue, scoring
from tests import factories
from tests.e2e.conftest import axe_violations, sign_in, submit, switch_language

pytestmark = pytest.mark.e2e

ASSESSOR = "bewertung@musterstadt.example"


def _assign(app):
    """Ask the demo assessor to score three more ideas of the round in its score phase; on the
    first two new colleagues have submitted the lowest scores. Return the round id and the
    three idea ids."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            me = db.session.scalar(select(User).where(User.email == ASSESSOR))
            round_ = db.session.scalar(select(Round).where(Round.phase == RoundPhase.SCORE))
            assert round_ is not None
            taken = set(
                db.session.scalars(
                    select(Assignment.idea_id).where(
                        Assignment.round_id == round_.id, Assignment.assessor_id == me.id
                    )
                )
            )
            ideas = [
                idea_id
                for idea_id in db.session.scalars(
                    select(RoundIdea.idea_id)
                    .where(RoundIdea.round_id == round_.id)
                    .order_by(RoundIdea.idea_id)
                )
                if idea_id not in taken
            ][:3]
            others = [factories.user(roles={Role.ASSESSOR}) for _ in range(2)]
            for idea_id in ideas:
                db.session.add(Assignment(round_id=round_.id, idea_id=idea_id, assessor_id=me.id))
            frozen = catalogue.latest_frozen(round_)
            scored = [c for c in frozen.criteria if scoring.is_scored(c)]
            for other in others:
                assignment = Assignment(round_id=round_.id, idea_id=ideas[0], assessor_id=other.id)
                db.session.add(assignment)
                db.session.flush()
                scoring.save_assessment(
                    round_,
                    ideas[0],
                    other,
                    scoring.Assessment(
                        assignment.lock_version,
                        {c.id: c.scale_min for c in scored},
                        {c.id: "Die Idee wirkt nur nach innen." for c in scored},
                        submit=True,
                    ),
                )
            round_id = round_.id
        db.session.remove()
    return round_id, ideas


def test_an_assessor_scores_by_keyboard_submits_and_is_asked_to_review(
    live_app, live_server, browser_page
):
    round_id, ideas = _assign(live_app)
    page = browser_page
    sign_in(page, live_server, ASSESSOR)
    expect(page.get_by_text("Ideen zu bewerten (").first).to_be_visible()
    page.goto(f"{live_server}/rounds/{round_id}/assessments")
    submit(page.locator(f"a[href='/rounds/{round_id}/assessments/{ideas[0]}']"))
    # Every level of every criterion by keyboard: the last level, then its justification.
    for group in page.locator("fieldset[id^='score-']").all():
        group.locator("input[type=radio]").first.focus()
        page.keyboard.press("ArrowUp")  # from the first level to the last: "not scored yet"
        page.keyboard.press("ArrowUp")  # the highest level
        name = group.get_attribute("id")
        page.fill(f"#justification-{name.removeprefix('score-')}", "Große Wirkung für alle.")
    submit(page.get_by_role("button", name="Bewertung abgeben"))
    submit(page.get_by_role("button", name="Bewertung abgeben"))
    expect(page.get_by_text("Ihre Bewertung wurde abgegeben.")).to_be_visible()
    expect(page.get_by_role("heading", name="Überprüfung bei starker Abweichung")).to_be_visible()
    expect(page.get_by_text("Bewertung A:").first).to_be_visible()
    page.goto(f"{live_server}/rounds/{round_id}/assessments")
    expect(page.get_by_text("Überprüfung erbeten")).to_be_visible()


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_assessor_pages_have_no_accessibility_violations(
    live_app, live_server, browser_page, language
):
    round_id, ideas = _assign(live_app)
    page = browser_page
    sign_in(page, live_server, ASSESSOR)
    if language == "en":
        switch_language(page)
    found = {}
    for path in [
        "/",
        f"/rounds/{round_id}",
        f"/rounds/{round_id}/assessments",
        f"/rounds/{round_id}/assessments/{ideas[1]}",
    ]:
        page.goto(live_server + path)
        if violations := axe_violations(page):
            found[path] = violations
    # The form with its marked errors, and the review after submitting.
    page.goto(f"{live_server}/rounds/{round_id}/assessments/{ideas[0]}")
    submit(page.locator("button[name=action][value=submit]"))
    expect(page.locator(".kern-error").first).to_be_visible()
    if violations := axe_violations(page):
        found["refused"] = violations
    assert found == {}
