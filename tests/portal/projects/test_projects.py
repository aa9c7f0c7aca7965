"""Projects made from approved decisions, their work, reports, files and evaluation; each
refusal writes nothing."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.extensions import db
from portal.ideas.models import IdeaState
from portal.notifications.models import Notification
from portal.projects.models import (
    Indicator,
    Milestone,
    ProjectFile,
    ProjectState,
    Task,
    TaskState,
)
from portal.projects.services import evaluation, reporting, work
from portal.projects.services.access import Refused
from tests import factories
from tests.conftest import db_within, start_session
from tests.portal.projects.helpers import Places

pytestmark = pytest.mark.usefixtures("db")

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


in_savepoints = db_within("places_data")


@pytest.fixture
def here(app: Flask, shared_places: Places) -> Iterator[Places]:
    app.config["WTF_CSRF_ENABLED"] = False
    found = shared_places
    # The pages answer in the language of the signed-in user; the tests read English.
    for person in (found.owner, found.member, found.setup.moderator, found.project.idea.author):
        person.locale = "en"
    yield found
    app.config["WTF_CSRF_ENABLED"] = True


def test_a_project_is_made_from_an_approved_decision_and_the_idea_becomes_a_project(
    here: Places,
) -> None:
    project = here.project
    assert project.idea.state is IdeaState.PROJECT
    assert (project.decision_id, project.round_id) == (here.approved.id, here.setup.round.id)
    assert [m.role.name for m in project.members] == ["Change-Manager:in"]
    assert project.evaluation_on == date(2027, 6, 30)  # from its wave


def test_the_form_is_prefilled_from_the_idea_with_a_seat_per_ki_go_role(
    client: FlaskClient, here: Places
) -> None:
    start_session(client, here.setup.moderator)
    page = client.get(f"/projects/new/{here.spare.id}").get_data(as_text=True)
    assert here.spare.idea.title in page
    for role in ("Change-Manager:in", "Digital-Coach", "Projektprofi", "Data-Tech-Enabler"):
        assert role in page


def _new(here: Places, decision_id: int, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Projekt",
        "owner_id": here.owner.id,
        "starts_on": "2026-03-01",
        "ends_on": "2026-12-31",
        "wave_id": here.wave.id,
        "team-0-role_id": "",
        "team-0-user_id": "",
    }
    data.update(changes)
    return data


def test_a_moderator_makes_a_project_in_one_post(client: FlaskClient, here: Places) -> None:
    start_session(client, here.setup.moderator)
    answer = client.post(f"/projects/new/{here.spare.id}", data=_new(here, here.spare.id))
    assert answer.status_code == 302
    db.session.expire_all()
    assert here.spare.idea.state is IdeaState.PROJECT


@pytest.mark.parametrize(
    ("decision", "changes", "status", "message"),
    [
        ("rejected", {}, 422, "did not approve"),
        ("approved", {}, 409, "already been made"),
        ("spare", {"ends_on": "2026-01-01"}, 422, "before the planned start"),
        ("spare", {"title": ""}, 422, "title"),
    ],
)
def test_bad_projects_are_refused_and_write_nothing(
    client: FlaskClient,
    here: Places,
    writes_nothing: Callable,
    decision: str,
    changes: dict[str, object],
    status: int,
    message: str,
) -> None:
    start_session(client, here.setup.moderator)
    target = getattr(here, decision)
    with writes_nothing():
        answer = client.post(f"/projects/new/{target.id}", data=_new(here, target.id, **changes))
    assert answer.status_code == status
    assert message in answer.get_data(as_text=True).replace("&#34;", '"')


def test_a_task_for_a_deactivated_account_is_refused(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    gone = factories.user(active=False, name="Ehemalige Person")
    start_session(client, here.owner)
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/tasks", data={"title": "Aufgabe", "assignee_id": gone.id}
        )
    # The form offers active accounts only, and the service refuses the rest too.
    assert answer.status_code == 422
    with pytest.raises(Refused, match="deaktivierten Konto"):
        work.add_task(here.project, work.TaskData("Aufgabe", gone.id), here.owner)


def _report(here: Places, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "traffic": "green",
        "reason": "",
        "progress": "30",
        "body": "Die Ausschreibung läuft.",
        "lock_version": here.project.lock_version,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"traffic": "red"}, "needs a reason"),
        ({"traffic": "yellow", "reason": "  "}, "needs a reason"),
        ({"progress": "140"}, "between 0 and 100"),
        ({"body": ""}, "what has happened"),
    ],
)
def test_bad_reports_are_refused(
    client: FlaskClient,
    here: Places,
    writes_nothing: Callable,
    changes: dict[str, object],
    message: str,
) -> None:
    start_session(client, here.member)
    with writes_nothing():
        answer = client.post(f"/projects/{here.project.id}/status", data=_report(here, **changes))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)


def test_an_update_by_somebody_outside_the_team_is_refused(
    client: FlaskClient, here: Places, login_as: Callable, writes_nothing: Callable
) -> None:
    login_as(Role.EMPLOYEE)
    with writes_nothing():
        answer = client.post(f"/projects/{here.project.id}/status", data=_report(here))
    assert answer.status_code == 403


def test_an_update_reaches_the_newsfeed_of_the_author_and_supporters_not_of_others(
    client: FlaskClient, here: Places, login_as: Callable
) -> None:
    from portal.ideas.services.discussion import support

    idea = here.project.idea
    supporter = factories.user(name="Susi Support")
    support(idea, supporter)
    start_session(client, here.member)
    answer = client.post(
        f"/projects/{here.project.id}/status",
        data=_report(
            here, traffic="yellow", reason="Lieferverzug", file=(io.BytesIO(PDF), "a.pdf")
        ),
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302
    assert db.session.scalar(select(func.count(ProjectFile.id))) == 1
    news = f"/projects/{here.project.id}#update-"
    for reader in (idea.author, supporter):
        start_session(client, reader)
        assert news in client.get("/").get_data(as_text=True)
    login_as(Role.EMPLOYEE)
    assert news not in client.get("/").get_data(as_text=True)


def test_a_stale_status_form_is_refused_with_409(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    start_session(client, here.owner)
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/status", data=_report(here, lock_version=0)
        )
    assert answer.status_code == 409


def test_a_new_upload_of_a_document_keeps_the_old_version(
    client: FlaskClient, here: Places
) -> None:
    start_session(client, here.member)
    for content in (PDF, PDF + b" "):
        answer = client.post(
            f"/projects/{here.project.id}/documents",
            data={"title": "Konzept", "file": (io.BytesIO(content), "konzept.pdf")},
            content_type="multipart/form-data",
        )
        assert answer.status_code == 302
    [document] = reporting.documents(here.project)
    assert [v.version for v in document.versions] == [2, 1]
    download = client.get(f"/projects/{here.project.id}/files/{document.versions[1].id}")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    download.close()


def test_a_document_of_a_refused_type_is_refused(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    start_session(client, here.member)
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/documents",
            data={"title": "Skript", "file": (io.BytesIO(b"#!/bin/sh\necho hi\n"), "x.pdf")},
            content_type="multipart/form-data",
        )
    assert answer.status_code == 422
    assert "not accepted" in answer.get_data(as_text=True)


def test_tasks_move_between_columns_by_buttons_and_show_in_my_tasks(
    client: FlaskClient, here: Places
) -> None:
    task = work.add_task(
        here.project,
        work.TaskData("Leistungsbeschreibung", here.member.id, date(2026, 5, 1)),
        here.owner,
    )
    start_session(client, here.member)
    assert "Leistungsbeschreibung" in client.get("/projects/tasks").get_data(as_text=True)
    answer = client.post(f"/projects/{here.project.id}/tasks/{task.id}", data={"state": "done"})
    assert answer.status_code == 302
    db.session.expire_all()
    assert task.state is TaskState.DONE
    client.get(f"/projects/{here.project.id}/tasks")  # shows the message of the move
    assert "Leistungsbeschreibung" not in client.get("/projects/tasks").get_data(as_text=True)


def test_milestones_must_not_lie_before_the_start_and_show_late(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    start_session(client, here.owner)
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/milestones",
            data={"title": "Zu früh", "due_on": "2025-01-01"},
        )
    assert answer.status_code == 422
    work.add_milestone(here.project, "Vergabe", date(2026, 3, 1), here.owner)
    assert ">Late<" in client.get(f"/projects/{here.project.id}").get_data(as_text=True)


def test_an_indicator_without_unit_is_refused(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    start_session(client, here.owner)
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/indicators",
            data={"name": "Wartezeit", "unit": "", "baseline": "20", "target": "5"},
        )
    assert answer.status_code == 422
    assert "needs a unit" in answer.get_data(as_text=True)


def test_the_owner_closes_the_evaluation_once_every_indicator_is_measured(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    project = here.project
    project.state = ProjectState.COMPLETED
    indicator = evaluation.add_indicator(
        project, evaluation.IndicatorData("Wartezeit", "Tage", 20, 5), here.owner
    )
    start_session(client, here.owner)
    with writes_nothing():
        refused = client.post(
            f"/projects/{project.id}/evaluation", data={"closing_report": "Gut gelaufen."}
        )
    assert refused.status_code == 422
    answer = client.post(
        f"/projects/{project.id}/indicators/{indicator.id}",
        data={"measured": "6", "measured_on": "2026-06-01"},
    )
    assert answer.status_code == 302
    answer = client.post(
        f"/projects/{project.id}/evaluation", data={"closing_report": "Gut gelaufen."}
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert project.state is ProjectState.EVALUATED
    assert db.session.get(Indicator, indicator.id).measured == 6


def _evaluated(here: Places) -> None:
    project = here.project
    project.state = ProjectState.COMPLETED
    indicator = evaluation.add_indicator(
        project, evaluation.IndicatorData("Wartezeit", "Tage", 20, 5), here.owner
    )
    evaluation.measure(project, indicator.id, 6, date(2026, 6, 1), here.owner, date(2026, 11, 30))
    evaluation.close_evaluation(project, "Gut gelaufen.", here.owner)
    db.session.flush()


def test_only_a_moderator_reopens_an_evaluation_and_the_reason_stays_on_record(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    _evaluated(here)
    project, url = here.project, f"/projects/{here.project.id}/evaluation/reopen"
    for person in (here.owner, here.member):
        start_session(client, person)
        with writes_nothing():
            assert client.post(url, data={"reason": "Tippfehler"}).status_code == 403
    start_session(client, here.setup.moderator)
    page = client.get(f"/projects/{project.id}/evaluation").get_data(as_text=True)
    assert "Reopen the evaluation" in page
    with writes_nothing():
        refused = client.post(url, data={"reason": "  "})
    assert refused.status_code == 422
    assert "the reason stays on record" in refused.get_data(as_text=True)

    answer = client.post(url, data={"reason": "Die Zielwerte waren vertauscht."})

    assert answer.status_code == 302
    db.session.expire_all()
    assert (project.state, project.evaluated_at) == (ProjectState.COMPLETED, None)
    assert project.closing_report == "Gut gelaufen."
    (latest, *_older) = reporting.updates(project)
    assert latest.body == "Evaluation reopened: Die Zielwerte waren vertauscht."
    assert latest.author_id == here.setup.moderator.id
    # Open again: the owner corrects and closes it anew.
    start_session(client, here.owner)
    assert client.post(url, data={"reason": "Noch einmal"}).status_code == 403
    closed = client.post(
        f"/projects/{project.id}/evaluation", data={"closing_report": "Ziele erreicht."}
    )
    assert closed.status_code == 302
    db.session.expire_all()
    assert project.state is ProjectState.EVALUATED


def test_a_project_that_is_not_evaluated_is_not_reopened(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    start_session(client, here.setup.moderator)
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/evaluation/reopen", data={"reason": "Warum nicht"}
        )
    assert answer.status_code == 409


def test_the_owner_is_reminded_of_the_evaluation_once_a_day(here: Places) -> None:
    project = here.project
    project.evaluation_on = date(2026, 6, 10)
    day = date(2026, 6, 1)
    assert evaluation.remind_owners(day - timedelta(days=30)) == 0
    assert evaluation.remind_owners(day) == 1
    assert evaluation.remind_owners(day) == 0
    assert evaluation.remind_owners(day + timedelta(days=1)) == 1
    kinds = db.session.scalars(
        select(Notification.kind).where(Notification.user_id == here.owner.id)
    ).all()
    assert kinds == ["projects.evaluation_due", "projects.evaluation_due"]


def test_the_portfolio_lists_late_projects_first_filters_by_url_and_adds_up(
    client: FlaskClient, here: Places, login_as: Callable, count_queries: Callable
) -> None:
    work.add_milestone(here.project, "Vergabe", date(2026, 3, 1), here.owner)
    here.project.budget_approved = 50_000
    here.project.budget_spent = 12_000
    login_as(Role.EMPLOYEE, locale="en")
    page = client.get("/projects/").get_data(as_text=True)
    assert "Online-Termine" in page
    assert "12,000 €" in page
    assert "Online-Termine" not in client.get("/projects/?status=red").get_data(as_text=True)
    assert "Online-Termine" in client.get(f"/projects/?wave={here.wave.id}").get_data(as_text=True)
    with count_queries() as statements:
        assert client.get("/projects/").status_code == 200
    assert len(statements) <= 16
    with count_queries() as statements:
        assert client.get(f"/projects/{here.project.id}").status_code == 200
    assert len(statements) <= 22


def test_the_idea_page_names_its_project(client: FlaskClient, here: Places, login_as) -> None:
    login_as(Role.EMPLOYEE)
    page = client.get(f"/ideas/{here.project.idea_id}").get_data(as_text=True)
    assert f"/projects/{here.project.id}" in page


def test_moderators_are_offered_to_make_the_project_on_the_idea_page(
    client: FlaskClient, here: Places
) -> None:
    start_session(client, here.setup.moderator)
    page = client.get(f"/ideas/{here.spare.idea_id}").get_data(as_text=True)
    assert f"/projects/new/{here.spare.id}" in page


def test_tasks_are_counted_per_project(here: Places) -> None:
    work.add_task(here.project, work.TaskData("A"), here.owner)
    assert db.session.scalar(select(func.count(Task.id))) == 1
    assert db.session.scalar(select(func.count(Milestone.id))) == 0
