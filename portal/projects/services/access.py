"""Who may see and change a project; the pages ask these, the services enforce them.

All staff read projects (transparency of every state of work). The owner, the team and the
moderators change a project; the owner and the moderators steer it (its facts, its team, the
money spent, closing the evaluation); moderators create projects and keep waves and roles.
Once evaluated, a project is on the record: nobody changes it any more, as nobody changes a
released decision.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import Role, User
from portal.core.errors import Conflict, DomainError, Forbidden, NotFound
from portal.extensions import db
from portal.projects.models import Project, ProjectState, TeamMember


def is_moderator(user: User) -> bool:
    """Tell whether *user* keeps projects, waves and roles."""
    return user.has_role(Role.MODERATOR)


def is_team(project: Project, user: User) -> bool:
    """Tell whether *user* is the owner of *project* or on its team."""
    return project.owner_id == user.id or any(m.user_id == user.id for m in project.members)


def is_closed(project: Project) -> bool:
    """Tell whether *project* is evaluated, and so closed to every change."""
    return project.state is ProjectState.EVALUATED


def _may_work(project: Project, user: User) -> bool:
    return is_moderator(user) or is_team(project, user)


def _may_lead(project: Project, user: User) -> bool:
    return is_moderator(user) or project.owner_id == user.id


def may_change(project: Project, user: User) -> bool:
    """Tell whether *user* may work on *project* now: tasks, milestones, status, updates, files."""
    return _may_work(project, user) and not is_closed(project)


def may_steer(project: Project, user: User) -> bool:
    """Tell whether *user* may change the facts, the team, the money spent and the evaluation
    now."""
    return _may_lead(project, user) and not is_closed(project)


def _require_open(project: Project) -> None:
    if is_closed(project):
        raise Conflict(
            _("This project has been evaluated; its record is closed and no longer changes.")
        )


def require_change(project: Project, user: User) -> None:
    """Refuse *user* unless they may work on *project* (403) and it is not closed (409)."""
    if not _may_work(project, user):
        raise Forbidden(_("Only the project's owner, its team and the moderators change it."))
    _require_open(project)


def require_steer(project: Project, user: User) -> None:
    """Refuse *user* unless they own *project* or are a moderator (403) and it is not closed
    (409)."""
    if not _may_lead(project, user):
        raise Forbidden(_("Only the project's owner and the moderators may do this."))
    _require_open(project)


def require_moderator(user: User) -> None:
    """Refuse *user* unless they are a moderator (403)."""
    if not is_moderator(user):
        raise Forbidden(_("Only moderators may do this."))


def require_current(project: Project, lock_version: int | None) -> None:
    """Refuse a change sent from a form that showed an older state of *project* (409)."""
    if lock_version is not None and lock_version != project.lock_version:
        raise Conflict(
            _(
                "The project was changed in the meantime (perhaps in another tab). "
                "Please reload the page and try again."
            )
        )


def get_project(project_id: int) -> Project:
    """Return project *project_id* with its owner and team."""
    found = db.session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(
            joinedload(Project.owner).lazyload(User.role_rows),
            selectinload(Project.members).joinedload(TeamMember.user).lazyload(User.role_rows),
            selectinload(Project.members).joinedload(TeamMember.role),
        )
    )
    if found is None:
        raise NotFound(_("This project does not exist."))
    return found


class Refused(DomainError):
    """Input that the rules of projects refuse; the form is shown again with the message."""

    status_code = 422
