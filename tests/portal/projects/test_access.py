"""Every route of projects answers 403 to those who may not use it, and writes nothing: only the
owner, the team and the moderators change a project; only the owner and the moderators steer
it; only moderators make projects and keep waves and roles."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Role, User
from portal.extensions import db as _db
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
