"""What projects tell the start page, the newsfeed and the idea page; and the reminder job."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.board.models import Decision, DecisionOutcome
from portal.core.jobs import enqueue, job, periodic
from portal.core.registry import Link, NewsItem, PanelItem, Section
from portal.extensions import db
from portal.ideas.models import Idea, Support
from portal.ideas.services.feed import followed_field_ids
from portal.projects.models import ProgressUpdate, Project, ProjectState, Task, TaskState
from portal.projects.services import evaluation
from portal.projects.services.access import is_moderator
from portal.projects.services.time import today


def update_news(user: User, limit: int) -> list[NewsItem]:
    """Tell *user* of the progress updates of the projects they follow: those of their own and
    supported ideas, of the fields of action they follow, and of their teams."""
    followed = followed_field_ids(user)
    cares = or_(
        Idea.author_id == user.id,
        exists().where(Support.idea_id == Project.idea_id, Support.user_id == user.id),
        Project.owner_id == user.id,
        Project.members.any(user_id=user.id),
        *([Project.field_of_action_id.in_(followed)] if followed else []),
    )
    found = db.session.scalars(
        select(ProgressUpdate)
        .join(Project, Project.id == ProgressUpdate.project_id)
        .join(Idea, Idea.id == Project.idea_id)
        .where(cares)
        .options(joinedload(ProgressUpdate.project))
        .order_by(ProgressUpdate.at.desc(), ProgressUpdate.id.desc())
        .limit(limit)
    )
    return [
        NewsItem(
            at=update.at,
            text=f"{update.project.title}: {update.traffic.label}, {update.progress} %",
            link=Link(
                "projects.detail",
                {"project_id": update.project_id, "_anchor": f"update-{update.id}"},
            ),
            kind=_("Project update"),
        )
        for update in found
    ]


def waiting_decisions() -> list[Decision]:
    """Return the approving decisions no project has been made from yet."""
    return list(
        db.session.scalars(
            select(Decision)
            .where(
                Decision.outcome.in_(
                    [DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CONDITIONS]
                ),
                ~exists().where(Project.decision_id == Decision.id),
            )
            .options(joinedload(Decision.idea), joinedload(Decision.board))
            .order_by(Decision.decided_at, Decision.id)
        )
    )


def employee_start_items(user: User) -> list[PanelItem]:
    """List the open tasks of *user* and the projects they work on."""
    tasks, projects = db.session.execute(
        select(
            select(func.count(Task.id))
            .where(Task.assignee_id == user.id, Task.state != TaskState.DONE)
            .scalar_subquery(),
            select(func.count(Project.id))
            .where(
                Project.state != ProjectState.EVALUATED,
                or_(Project.owner_id == user.id, Project.members.any(user_id=user.id)),
            )
            .scalar_subquery(),
        )
    ).one()
    items = [PanelItem(_("My tasks in projects"), Link("projects.my_tasks"), tasks)]
    if projects:
        items.append(
            PanelItem(_("Projects I work on"), Link("projects.portfolio", {"mine": 1}), projects)
        )
    return items


def moderator_start_items(user: User) -> list[PanelItem]:
    """List the approved decisions waiting for their project."""
    return [
        PanelItem(
            _("Approved decisions waiting for a project"),
            Link("projects.portfolio", {"_anchor": "waiting"}),
            len(waiting_decisions()),
        )
    ]


def idea_project(idea: Idea, user: User) -> Section | None:
    """Show the project of *idea* among its facts."""
    found = db.session.scalars(select(Project).where(Project.idea_id == idea.id)).all()
    if not found:
        return None
    return Section("projects/idea_project.html", {"projects": found})


def idea_make_project(idea: Idea, user: User) -> Section | None:
    """Offer a moderator to make the project of an approved decision on *idea*."""
    if not is_moderator(user):
        return None
    waiting = [d for d in waiting_decisions() if d.idea_id == idea.id]
    if not waiting:
        return None
    return Section("projects/idea_make_project.html", {"decisions": waiting})


@job(retries=3, retry_delay=300)
def remind_evaluations() -> None:
    """Remind the owners of the projects whose evaluation is near, for one municipality."""
    evaluation.remind_owners(today())


@periodic(hour="6", minute="15")
def remind_evaluations_everywhere() -> None:
    """Enqueue the evaluation reminders for every municipality with a project due."""
    due = db.session.scalars(
        select(Project.municipality_id)
        .where(Project.state != ProjectState.EVALUATED, Project.evaluation_on.is_not(None))
        .distinct()
    ).all()
    for municipality_id in due:
        enqueue(remind_evaluations, tenant=municipality_id)
