"""Every route of projects answers 403 to those who may not use it, and writes nothing: only the
owner, the team and the moderators change a project; only the owner and the moderators steer
it; only moderators make projects and keep waves and roles. Once evaluated, a project refuses
every change (409), even to its owner and the moderators."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Role, User
from portal.extensions import db as _db
from portal.projects.models import Project, ProjectState
from portal.projects.services import evaluation, work
from tests.conftest import SharedData, db_within, shared_database, start_session
from tests.portal.projects.helpers import places

pytestmark = pytest.mark.usefixtures("db")

OUTSIDERS = ["employee", "board"]
NOT_STEERING = [*OUTSIDERS, "member"]
MODERATORS_ONLY = [*NOT_STEERING, "owner"]

ROUTES = [
    ("GET", "/projects/new/{spare}", MODERATORS_ONLY),
    ("POST", "/projects/new/{spare}", MODERATORS_ONLY),
    ("GET", "/projects/{project}/edit", NOT_STEERING),
    ("POST", "/projects/{project}/edit", NOT_STEERING),
    ("POST", "/projects/{project}/team", NOT_STEERING),
    ("POST", "/projects/{project}/team/{seat}/remove", NOT_STEERING),
    ("POST", "/projects/{project}/state", NOT_STEERING),
    ("POST", "/projects/{project}/spent", NOT_STEERING),
    ("POST", "/projects/{project}/evaluation", NOT_STEERING),
    ("POST", "/projects/{project}/evaluation/reopen", MODERATORS_ONLY),
    ("POST", "/projects/{project}/status", OUTSIDERS),
    ("POST", "/projects/{project}/documents", OUTSIDERS),
    ("POST", "/projects/{project}/milestones", OUTSIDERS),
    ("POST", "/projects/{project}/milestones/{milestone}", OUTSIDERS),
    ("POST", "/projects/{project}/tasks", OUTSIDERS),
    ("POST", "/projects/{project}/tasks/{task}", OUTSIDERS),
    ("POST", "/projects/{project}/indicators", OUTSIDERS),
    ("POST", "/projects/{project}/indicators/{indicator}", OUTSIDERS),
    ("GET", "/projects/waves/new", MODERATORS_ONLY),
    ("POST", "/projects/waves/new", MODERATORS_ONLY),
    ("GET", "/projects/waves/{wave}/edit", MODERATORS_ONLY),
    ("POST", "/projects/waves/{wave}/edit", MODERATORS_ONLY),
    ("GET", "/projects/roles", MODERATORS_ONLY),
    ("POST", "/projects/roles", MODERATORS_ONLY),
    ("POST", "/projects/roles/{role}", MODERATORS_ONLY),
]

DATA = {
    "title": "X",
    "name": "X",
    "unit": "Tage",
    "baseline": "1",
    "target": "2",
    "owner_id": "1",
    "starts_on": "2026-01-01",
    "ends_on": "2026-12-31",
    "evaluation_on": "2026-12-31",
    "state": "done",
    "traffic": "green",
    "progress": "10",
    "body": "Text",
    "target_state": "running",
    "done": "1",
    "measured": "3",
    "measured_on": "2026-05-01",
    "closing_report": "Bericht",
    "budget_spent": "1",
    "staff_days_spent": "1",
    "user_id": "1",
}


@pytest.fixture(scope="module")
def found(app: Flask) -> Iterator[SharedData]:
    """Build one project with a milestone, a task and an indicator for the whole module."""
    app.config["WTF_CSRF_ENABLED"] = False
    with shared_database(app) as shared:
        here = places()
        project = here.project
        milestone = work.add_milestone(project, "Vergabe", project.starts_on, here.owner)
        task = work.add_task(project, work.TaskData("Aufgabe"), here.owner)
        indicator = evaluation.add_indicator(
            project, evaluation.IndicatorData("Wartezeit", "Tage", 20, 5), here.owner
        )
        shared.update(
            {
                "project": project.id,
                "spare": here.spare.id,
                "seat": project.members[0].id,
                "milestone": milestone.id,
                "task": task.id,
                "indicator": indicator.id,
                "wave": here.wave.id,
                "role": project.members[0].role_id or 0,
                "board": here.setup.chair.id,
                "member": here.member.id,
                "owner": here.owner.id,
                "moderator": here.setup.moderator.id,
            }
        )
        yield shared
    app.config["WTF_CSRF_ENABLED"] = True


in_savepoints = db_within("found")


CASES = [(method, path, who) for method, path, refused in ROUTES for who in refused]


@pytest.mark.parametrize(("method", "path", "who"), CASES)
def test_refused_with_403(
    client: FlaskClient,
    found: dict,
    login_as: Callable,
    writes_nothing: Callable,
    method: str,
    path: str,
    who: str,
) -> None:
    if who == "employee":
        login_as(Role.EMPLOYEE)
    else:
        start_session(client, _db.session.get(User, found[who]))
    url = path.format(**found)
    with writes_nothing():
        answer = client.open(url, method=method, data=DATA)
    assert answer.status_code == 403, (method, url, who)


@pytest.mark.parametrize(
    "path",
    [
        "/projects/",
        "/projects/waves",
        "/projects/tasks",
        "/projects/{project}",
        "/projects/{project}/tasks",
        "/projects/{project}/evaluation",
    ],
)
def test_all_staff_read_projects(
    client: FlaskClient, found: dict, login_as: Callable, path: str
) -> None:
    login_as(Role.EMPLOYEE)
    assert client.get(path.format(**found)).status_code == 200


def _evaluate(found: dict) -> None:
    project = _db.session.get(Project, found["project"])
    project.state = ProjectState.EVALUATED
    project.closing_report = "Ziele erreicht."
    project.evaluated_at = datetime(2026, 11, 2, 9, tzinfo=UTC)
    _db.session.flush()


def _signed_in_in_english(client: FlaskClient, user_id: int) -> None:
    user = _db.session.get(User, user_id)
    user.locale = "en"
    _db.session.flush()
    start_session(client, user)


CLOSED = [
    (method, path, who)
    for method, path, _refused in ROUTES
    if path.startswith("/projects/{project}") and not path.endswith("/reopen")
    for who in ("owner", "moderator")
]


@pytest.mark.parametrize(("method", "path", "who"), CLOSED)
def test_an_evaluated_project_refuses_every_change_with_409(
    client: FlaskClient,
    found: dict,
    writes_nothing: Callable,
    method: str,
    path: str,
    who: str,
) -> None:
    _evaluate(found)
    _signed_in_in_english(client, found[who])
    url = path.format(**found)
    with writes_nothing():
        answer = client.open(url, method=method, data=DATA)
    assert answer.status_code == 409, (method, url, who)
    assert "evaluated" in answer.get_data(as_text=True)


@pytest.mark.parametrize("who", ["owner", "member", "moderator"])
def test_an_evaluated_project_offers_no_forms_and_says_it_is_closed(
    client: FlaskClient, found: dict, who: str
) -> None:
    _evaluate(found)
    _signed_in_in_english(client, found[who])
    for page in ("", "/tasks", "/evaluation"):
        text = client.get(f"/projects/{found['project']}{page}").get_data(as_text=True)
        main = text.split("<main", 1)[1].split("</main>", 1)[0]
        # A moderator may reopen the evaluation; nothing else is offered.
        posting = re.findall(r'<form method="post" action="([^"]+)"', main)
        reopening = [f"/projects/{found['project']}/evaluation/reopen"]
        assert posting == (reopening if who == "moderator" and page == "/evaluation" else []), page
    detail = client.get(f"/projects/{found['project']}").get_data(as_text=True)
    assert "The project's record is closed and no longer changes." in detail
