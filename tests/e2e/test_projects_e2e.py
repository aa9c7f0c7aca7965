"""A project's way in a real browser: a moderator makes it from an approved decision in wave 1,
the owner plans milestones and tasks, a team member moves a task to done by keyboard, a red
status without a reason is refused, the update reaches the idea author's newsfeed, and the owner
records indicator values and closes the evaluation. The project pages have no WCAG 2.1 AA
violation, in German and English."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.services import municipality_for
from portal.board.models import DecisionOutcome
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.projects.models import Project, ProjectState, Task
from tests.e2e.conftest import axe_violations, sign_in, sign_out, submit, switch_language
from tests.portal.board.helpers import board_setup
from tests.portal.projects.helpers import decide

pytestmark = pytest.mark.e2e

MODERATOR = "moderation@musterstadt.example"
#: Aylin Demir, the author of the idea and so the project's owner.
AUTHOR = "mitarbeiterin@musterstadt.example"
#: Kerstin Köhler, an employee on the team.
MEMBER = "k.koehler@musterstadt.example"
TITLE = "Online-Anmeldung für Kita-Plätze"


def _approved_decision(app) -> int:
    """Let a board approve an idea of Aylin Demir's; return the decision's id."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            setup = board_setup(code="EW")
            idea = setup.ideas[0]
            idea.title = TITLE
            idea.author = db.session.scalar(select(User).where(User.email == AUTHOR))
            (decision,) = decide(setup, [DecisionOutcome.APPROVED])
            found = decision.id
        db.session.remove()
    return found


def _project(app) -> Project:
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        project = db.session.scalar(select(Project).where(Project.title == TITLE))
        assert project is not None
        db.session.expunge_all()
        db.session.remove()
    return project


def _task_state(app, title: str) -> str:
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        state = db.session.scalar(select(Task.state).where(Task.title == title))
        db.session.remove()
    return state.value


def test_a_project_from_decision_to_evaluation(live_app, live_server, browser_page) -> None:
    base, page = live_server, browser_page
    decision_id = _approved_decision(live_app)

    # The moderator finds the decision waiting and makes the project in wave 1.
    sign_in(page, base, MODERATOR)
    page.goto(f"{base}/projects/")
    submit(page.locator("#waiting").get_by_role("link", name=re.compile(TITLE)).first)
    expect(page).to_have_url(f"{base}/projects/new/{decision_id}")
    expect(page.locator("#title")).to_have_value(TITLE)
    page.select_option("#wave_id", label="Welle 1")
    page.fill("#budget_approved", "48.500")
    page.select_option("#team-0-user_id", label="Kerstin Köhler")
    submit(page.get_by_role("button", name="Projekt anlegen"))
    expect(page).to_have_url(re.compile(r"/projects/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator(".ww-facts")).to_contain_text("Welle 1")
    expect(page.locator(".ww-facts")).to_contain_text("48.500")
    project = _project(live_app)
    assert project.decision_id == decision_id
    path = f"{base}/projects/{project.id}"

    # The owner starts the project and plans a milestone and a task for the team member.
    sign_out(page)
    sign_in(page, base, AUTHOR)
    page.goto(path)
    submit(page.get_by_role("button", name="Projekt starten"))
    page.fill("#title", "Anforderungen mit den Kitas abgestimmt")
    page.fill("#due_on", "2027-02-15")
    submit(page.get_by_role("button", name="Meilenstein hinzufügen"))
    expect(page.locator("#milestones table")).to_contain_text(
        "Anforderungen mit den Kitas abgestimmt"
    )
    page.goto(f"{path}/tasks")
    page.fill("#title", "Formular entwerfen")
    page.select_option("#assignee_id", label="Kerstin Köhler")
    submit(page.get_by_role("button", name="Aufgabe hinzufügen"))
    expect(page.locator("#column-open")).to_contain_text("(1)")

    # The team member moves the task to done by keyboard alone.
    sign_out(page)
    sign_in(page, base, MEMBER)
    page.goto(f"{base}/projects/tasks")
    expect(page.locator("main")).to_contain_text("Formular entwerfen")
    page.goto(f"{path}/tasks")
    done = page.get_by_role("button", name=re.compile("Erledigt.*Formular entwerfen"))
    for _ in range(60):
        page.keyboard.press("Tab")
        if done.evaluate("button => button === document.activeElement"):
            break
    else:
        pytest.fail("The button to move the task to done is not reached by Tab.")
    page.keyboard.press("Enter")
    expect(page.locator("#column-done")).to_contain_text("(1)")
    assert _task_state(live_app, "Formular entwerfen") == "done"

    # A red status without a reason is refused and keeps what was typed.
    page.goto(path)
    page.check("input[name=traffic][value=red]")
    page.fill("#progress", "30")
    page.fill("#body", "Das Formular ist entworfen; die Schnittstelle fehlt noch.")
    submit(page.get_by_role("button", name="Bericht veröffentlichen"))
    expect(page.locator(".kern-alert, .kern-error").first).to_be_visible()
    expect(page.locator("#body")).to_have_value(
        "Das Formular ist entworfen; die Schnittstelle fehlt noch."
    )
    assert _project(live_app).traffic.value == "green"
    page.fill("#reason", "Die Schnittstelle zum Kita-Verfahren fehlt.")
    submit(page.get_by_role("button", name="Bericht veröffentlichen"))
    expect(page.locator("#status")).to_contain_text("Die Schnittstelle zum Kita-Verfahren fehlt.")

    # The update reaches the newsfeed of the idea's author.
    sign_out(page)
    sign_in(page, base, AUTHOR)
    page.goto(f"{base}/")
    news = page.locator(f"a[href^='/projects/{project.id}#update-']").first
    expect(news).to_be_visible()

    # The owner completes the project, records indicator values and closes the evaluation.
    page.goto(path)
    submit(page.get_by_role("button", name="Projekt als abgeschlossen markieren"))
    page.goto(f"{path}/evaluation")
    page.fill("#name", "Bearbeitungszeit je Anmeldung")
    page.fill("#unit", "Tage")
    page.fill("#baseline", "14")
    page.fill("#target", "2,5")
    submit(page.get_by_role("button", name="Kennzahl hinzufügen"))
    expect(page.locator("#indicators table")).to_contain_text("2,5")
    page.locator("form.ww-measure input[name=measured]").fill("3,25")
    submit(page.get_by_role("button", name="Wert erfassen"))
    expect(page.locator("#indicators table")).to_contain_text("3,25")
    page.fill("#closing_report", "Die Anmeldung dauert nun gut drei Tage statt zwei Wochen.")
    submit(page.get_by_role("button", name="Evaluation abschließen"))
    expect(page.locator("#report")).to_contain_text("Die Anmeldung dauert nun gut drei Tage")
    assert _project(live_app).state is ProjectState.EVALUATED
    # From now on the project is on the record: its page says so and offers no form.
    page.goto(path)
    expect(page.locator(".ww-notice")).to_contain_text("festgeschrieben")
    expect(page.locator("main form")).to_have_count(0)


def _demo_projects(app) -> list[int]:
    """Return the ids of the demo's projects, the evaluated one first."""
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        found = list(db.session.scalars(select(Project.id).order_by(Project.id)))
        db.session.remove()
    return found


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("email", [MODERATOR, AUTHOR])
def test_project_pages_have_no_accessibility_violations(
    live_app, live_server, browser_page, email, language
) -> None:
    projects = _demo_projects(live_app)
    assert projects, "The demo makes projects from the board's approving decisions."
    evaluated, *others = projects
    paths = ["/projects/", "/projects/?status=red", "/projects/waves", "/projects/tasks"]
    for project in (evaluated, *others[:1]):
        paths += [f"/projects/{project}", f"/projects/{project}/tasks"]
        paths += [f"/projects/{project}/evaluation"]
    if email == MODERATOR:
        paths += ["/projects/roles", "/projects/waves/new", f"/projects/{others[0]}/edit"]
    sign_in(browser_page, live_server, email)
    if language == "en":
        switch_language(browser_page)
    found = {}
    for path in paths:
        answer = browser_page.goto(live_server + path)
        assert answer is not None
        assert answer.status == 200, path
        if violations := axe_violations(browser_page):
            found[path] = violations
    assert found == {}
