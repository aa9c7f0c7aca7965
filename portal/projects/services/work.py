"""The work of a project: milestones and the tasks on its board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.errors import NotFound
from portal.extensions import db
from portal.projects.models import Milestone, Project, Task, TaskState
from portal.projects.services.access import Refused, require_change


def add_milestone(project: Project, title: str, due_on: date | None, user: User) -> Milestone:
    """Add a milestone to *project*; it must lie within the project's planned time."""
    require_change(project, user)
    if not title.strip():
        raise Refused(_("Please give the milestone a title."))
    if due_on is None:
        raise Refused(_("Please give the milestone's date."))
    if due_on < project.starts_on:
        raise Refused(_("The milestone's date lies before the project's planned start."))
    milestone = Milestone(project_id=project.id, title=title.strip(), due_on=due_on)
    db.session.add(milestone)
    db.session.flush()
    return milestone


def milestone_of(project: Project, milestone_id: int) -> Milestone:
    """Return milestone *milestone_id* of *project*."""
    found = db.session.get(Milestone, milestone_id)
    if found is None or found.project_id != project.id:
        raise NotFound(_("This milestone does not exist."))
    return found


def mark_milestone(
    project: Project, milestone_id: int, done_on: date | None, user: User
) -> Milestone:
    """Mark a milestone of *project* as reached on *done_on*, or as open again (None)."""
    require_change(project, user)
    milestone = milestone_of(project, milestone_id)
    milestone.done_on = done_on
    db.session.flush()
    return milestone


def milestones(project: Project) -> list[Milestone]:
    """Return the milestones of *project* by date."""
    return list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.project_id == project.id)
            .order_by(Milestone.due_on, Milestone.id)
        )
    )


@dataclass
class TaskData:
    """A task as a form sends it."""

    title: str
    assignee_id: int | None = None
    due_on: date | None = None


def _assignee(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    found = db.session.get(User, user_id)
    if found is None or not found.active:
        raise Refused(
            _("A task cannot be assigned to a deactivated account; please choose somebody else.")
        )
    return found


def add_task(project: Project, data: TaskData, user: User) -> Task:
    """Add an open task to the board of *project*."""
    require_change(project, user)
    if not data.title.strip():
        raise Refused(_("Please give the task a title."))
    _assignee(data.assignee_id)
    task = Task(
        project_id=project.id,
        title=data.title.strip(),
        assignee_id=data.assignee_id,
        due_on=data.due_on,
    )
    db.session.add(task)
    db.session.flush()
    return task


def task_of(project: Project, task_id: int) -> Task:
    """Return task *task_id* of *project*."""
    found = db.session.get(Task, task_id)
    if found is None or found.project_id != project.id:
        raise NotFound(_("This task does not exist."))
    return found


def move_task(project: Project, task_id: int, state: TaskState, user: User) -> Task:
    """Move a task of *project* to the column *state*."""
    require_change(project, user)
    task = task_of(project, task_id)
    task.state = state
    db.session.flush()
    return task


def board(project: Project) -> dict[TaskState, list[Task]]:
    """Return the tasks of *project* by column, in the order they were added."""
    columns: dict[TaskState, list[Task]] = {state: [] for state in TaskState}
    for task in db.session.scalars(
        select(Task)
        .where(Task.project_id == project.id)
        .options(joinedload(Task.assignee).lazyload(User.role_rows))
        .order_by(Task.id)
    ):
        columns[task.state].append(task)
    return columns


def my_tasks(user: User) -> list[Task]:
    """Return the tasks assigned to *user* that are not done, across projects, the soonest due
    first."""
    return list(
        db.session.scalars(
            select(Task)
            .where(Task.assignee_id == user.id, Task.state != TaskState.DONE)
            .options(joinedload(Task.project))
            .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
        )
    )
