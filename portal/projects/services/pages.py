"""What the pages of projects show, in one call each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.board.models import Decision
from portal.extensions import db
from portal.projects.models import (
    Document,
    Indicator,
    Milestone,
    ProgressUpdate,
    Project,
    Task,
    TaskState,
)
from portal.projects.services import evaluation, reporting, work
from portal.projects.services.access import is_team, may_change, may_steer


@dataclass(frozen=True)
class ProjectPage:
    """Everything the project page shows."""

    project: Project
    decision: Decision
    milestones: list[Milestone]
    updates: list[ProgressUpdate]
    documents: list[Document]
    indicators: list[Indicator]
    #: Tasks not done, by column, and how many are done.
    open_tasks: int
    done_tasks: int
    today: date
    may_change: bool
    may_steer: bool
    on_team: bool

    @property
    def late(self) -> list[Milestone]:
        return [m for m in self.milestones if m.late(self.today)]


def project_page(project: Project, user: User, today: date) -> ProjectPage:
    """Gather what the page of *project* shows to *user*."""
    decision = db.session.scalar(
        select(Decision)
        .where(Decision.id == project.decision_id)
        .options(joinedload(Decision.board), joinedload(Decision.idea), joinedload(Decision.round))
    )
    assert decision is not None
    counts: dict[TaskState, int] = dict(
        db.session.execute(
            select(Task.state, func.count(Task.id))
            .where(Task.project_id == project.id)
            .group_by(Task.state)
        ).all()
    )
    done = counts.pop(TaskState.DONE, 0)
    return ProjectPage(
        project=project,
        decision=decision,
        milestones=work.milestones(project),
        updates=reporting.updates(project),
        documents=reporting.documents(project),
        indicators=evaluation.indicators(project),
        open_tasks=sum(counts.values()),
        done_tasks=done,
        today=today,
        may_change=may_change(project, user),
        may_steer=may_steer(project, user),
        on_team=is_team(project, user),
    )
