"""The ranking of the demo's finished round in a real browser: a board member reads an idea's
breakdown and moves the weight a stability sentence names, and the two ideas it names swap; an
employee cannot open the ranking before it is published and reads why her idea ranks where it
does once it is."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import Round, RoundIdea, RoundPhase
from portal.rounds.services import phases
from tests.e2e.conftest import sign_in, submit

pytestmark = pytest.mark.e2e

RANKING = "/rounds/1/ranking"
SWAP = re.compile(r"Wiegt (.+) ([\d,]+) Punkte mehr, tauschen #(\d+) und #(\d+) die Plätze")


def _titles(page: Page, rows: str) -> list[str]:
    return [title.strip() for title in page.locator(rows).all_inner_texts()]


def test_the_weight_a_stability_sentence_names_swaps_the_two_ideas(live_server, browser_page):
    page = browser_page
    sign_in(page, live_server, "lenkung@musterstadt.example")
    page.goto(f"{live_server}{RANKING}")
    # The analyses run in the background; the page offers to reload until they are there.
    for _attempt in range(30):
        if page.locator(".ww-swaps li").count():
            break
        page.wait_for_timeout(1000)
        page.reload()
    ranked = _titles(page, "#ranking tbody tr th a")
    # The breakdown of the first idea: points per criterion beside its total.
    first = page.locator("#ranking tbody tr").first
    expect(first).to_contain_text("Barrierefreie Website der Stadt")

    sentences = page.locator(".ww-swaps li").all_inner_texts()
    found = [m for m in map(SWAP.search, sentences) if m and int(m.group(4)) <= 20]
    assert found, sentences
    criterion, points, above, below = found[0].groups()
    change = float(points.replace(",", "."))
    field = page.get_by_label(criterion, exact=True)
    published = float(field.get_attribute("data-published"))
    # The sentence moves the criterion's share of 100 points and the others in proportion;
    # with the other fields left as they are, this value of the one field gives that share
    # (and a little more, beyond the tie).
    share = (published + change + 0.3) / 100
    value = share * (100 - published) / (1 - share)
    field.fill(f"{value:.1f}".replace(".", ","))
    submit(page.get_by_role("button", name="Reihenfolge zeigen"))

    tried = _titles(page, "#what-if-table tbody tr th a")
    above_title, below_title = ranked[int(above) - 1], ranked[int(below) - 1]
    assert tried.index(below_title) < tried.index(above_title)


def _publish_and_find_author(app) -> tuple[str, int]:
    """Publish the finished round as a moderator would; return the e-mail address of the
    author of its best idea and the idea's id."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            round_ = db.session.get(Round, 1)
            moderator = db.session.scalar(
                select(User).where(User.email == "moderation@musterstadt.example")
            )
            phases.move_phase(round_, RoundPhase.PUBLISH, moderator)
            idea = db.session.scalar(
                select(Idea)
                .join(RoundIdea, RoundIdea.idea_id == Idea.id)
                .where(RoundIdea.round_id == 1, Idea.title == "Barrierefreie Website der Stadt")
            )
            found = (idea.author.email, idea.id)
        db.session.remove()
    return found


def test_an_author_reads_why_her_idea_ranks_only_once_the_round_is_published(
    live_app, live_server, browser
):
    with live_app.app_context():
        set_tenant(municipality_for(live_app.config["TENANT"]).id)
        idea = db.session.scalar(
            select(Idea).where(Idea.title == "Barrierefreie Website der Stadt")
        )
        email, idea_id = idea.author.email, idea.id
        db.session.remove()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        sign_in(page, live_server, email)
        assert page.goto(f"{live_server}{RANKING}").status == 403
        page.goto(f"{live_server}/ideas/{idea_id}")
        expect(page.locator("#why-this-rank")).to_have_count(0)

        assert _publish_and_find_author(live_app) == (email, idea_id)
        page.goto(f"{live_server}/ideas/{idea_id}")
        why = page.locator("#why-this-rank")
        expect(why).to_contain_text("Warum dieser Rang")
        expect(why).to_contain_text("Nutzen für Bürger:innen")
        assert page.goto(f"{live_server}{RANKING}").status == 200
    finally:
        context.close()
