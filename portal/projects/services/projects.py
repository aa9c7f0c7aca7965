"""Projects made from approved decisions: their facts, team, state and the money spent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import OrgUnit, User
from portal.board.models import Decision
from portal.core.errors import Conflict, InvalidTransition, NotFound
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import IdeaState
from portal.ideas.services.lifecycle import Actor, change_state
from portal.projects.models import Project, ProjectRole, ProjectState, TeamMember, Wave
from portal.projects.services.access import (
    Refused,
    require_current,
    require_moderator,
    require_steer,
)

#: How long a project is planned to run unless the moderator says otherwise.
DEFAULT_DURATION = timedelta(days=365)


@dataclass
class ProjectData:
    """The facts of a project as a form sends them."""

    title: str
    owner_id: int
    starts_on: date | None
    ends_on: date | None
    goal: str = ""
    org_unit_id: int | None = None
    wave_id: int | None = None
    budget_approved: int | None = None
    staff_days_approved: int | None = None
    evaluation_on: date | None = None
    #: (user id, project role id or None) for each member of the team.
    team: list[tuple[int, int | None]] = field(default_factory=list)


def get_decision(decision_id: int) -> Decision:
    """Return decision *decision_id* of the board."""
    found = db.session.get(Decision, decision_id)
    if found is None:
        raise NotFound(_("This decision does not exist."))
    return found


def project_of_decision(decision: Decision) -> Project | None:
    """Return the project made from *decision*, if any."""
    return db.session.scalar(select(Project).where(Project.decision_id == decision.id))


def active_roles() -> list[ProjectRole]:
    """Return the project roles offered for new team members, in their order."""
    return list(
        db.session.scalars(
            select(ProjectRole)
            .where(ProjectRole.active.is_(True))
            .order_by(ProjectRole.position, ProjectRole.id)
        )
    )


def defaults_for(decision: Decision, today: date) -> ProjectData:
    """Return the project prefilled from the idea of *decision*: its title, its proposal as the
    goal, its author as owner, its (or the author's) org unit, its estimates as the approved
    budget and staff days, a year from *today*, and a seat for each project role."""
    idea = decision.idea
    unit = idea.org_units[0].id if idea.org_units else idea.author.org_unit_id
    return ProjectData(
        title=idea.title,
        goal=idea.proposal,
        owner_id=idea.author_id,
        org_unit_id=unit,
        starts_on=today,
        ends_on=today + DEFAULT_DURATION,
        budget_approved=idea.cost_euros,
        staff_days_approved=idea.effort_days,
        team=[(0, role.id) for role in active_roles()],
    )


def check_decision(decision: Decision) -> None:
    """Refuse a project for *decision* unless the board approved the idea and no project was
    made from it yet."""
    if not decision.outcome.approves:
        raise Refused(
            _(
                "The board did not approve this idea (decision %(reference)s: %(outcome)s); "
                "only an approved idea becomes a project.",
                reference=decision.reference,
                outcome=decision.outcome.label,
            )
        )
    if project_of_decision(decision) is not None:
        raise Conflict(_("A project has already been made from this decision."))


def _active_user(user_id: int, what: str) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        raise Refused(
            _("%(what)s must be an active account; this one is deactivated or unknown.", what=what)
        )
    return user


def _check(data: ProjectData) -> tuple[User, OrgUnit | None, Wave | None]:
    """Check the facts of a project before anything is written; return what they name."""
    if not data.title.strip():
        raise Refused(_("Please give the project a title."))
    if data.starts_on is None or data.ends_on is None:
        raise Refused(_("Please give the planned start and end."))
    if data.ends_on < data.starts_on:
        raise Refused(_("The planned end lies before the planned start."))
    if data.evaluation_on is not None and data.evaluation_on < data.starts_on:
        raise Refused(_("The evaluation date lies before the planned start."))
    for amount in (data.budget_approved, data.staff_days_approved):
        if amount is not None and amount < 0:
            raise Refused(_("Budget and staff days cannot be negative."))
    owner = _active_user(data.owner_id, _("The owner"))
    unit = db.session.get(OrgUnit, data.org_unit_id) if data.org_unit_id else None
    if data.org_unit_id and unit is None:
        raise Refused(_("This org unit does not exist."))
    wave = db.session.get(Wave, data.wave_id) if data.wave_id else None
    if data.wave_id and wave is None:
        raise Refused(_("This wave does not exist."))
    roles = {role.id for role in db.session.scalars(select(ProjectRole))}
    for user_id, role_id in data.team:
        if user_id:
            _active_user(user_id, _("Every team member"))
        if role_id is not None and role_id not in roles:
            raise Refused(_("This project role does not exist."))
    return owner, unit, wave


def _apply(project: Project, data: ProjectData, wave: Wave | None) -> None:
    project.title = data.title.strip()
    project.goal = data.goal.strip()
    project.owner_id = data.owner_id
    project.org_unit_id = data.org_unit_id
    project.wave_id = data.wave_id
    assert data.starts_on is not None
    assert data.ends_on is not None
    project.starts_on = data.starts_on
    project.ends_on = data.ends_on
    project.budget_approved = data.budget_approved
    project.staff_days_approved = data.staff_days_approved
    project.evaluation_on = data.evaluation_on or (wave.evaluation_on if wave else None)


def create_project(
    decision: Decision, data: ProjectData, user: User, *, at: datetime | None = None
) -> Project:
    """Make the project of the approved *decision* as moderator *user*; the idea becomes a
    project in its lifecycle."""
    require_moderator(user)
    check_decision(decision)
    _owner, _unit, wave = _check(data)
    idea = decision.idea
    if idea.state is not IdeaState.PROJECT and idea.state is not IdeaState.DECIDED:
        raise InvalidTransition(
            _("An idea that is “%(state)s” cannot become a project.", state=idea.state.label)
        )
    project = Project(
        decision_id=decision.id,
        idea_id=idea.id,
        round_id=decision.round_id,
        field_of_action_id=idea.field_of_action_id,
        created_at=at or utcnow(),
        status_at=at or utcnow(),
    )
    _apply(project, data, wave)
    seen: set[int] = set()
    for user_id, role_id in data.team:
        if user_id and user_id not in seen and user_id != data.owner_id:
            seen.add(user_id)
            project.members.append(TeamMember(user_id=user_id, role_id=role_id))
    db.session.add(project)
    try:
        # The unique decision stops a second project made at the same moment.
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise Conflict(_("A project has already been made from this decision.")) from None
    if idea.state is IdeaState.DECIDED:
        change_state(idea, IdeaState.PROJECT, user, module=Actor.PROJECTS, at=at)
    return project


def update_project(
    project: Project, data: ProjectData, user: User, *, lock_version: int | None = None
) -> None:
    """Change the facts of *project* as its owner or a moderator."""
    require_steer(project, user)
    require_current(project, lock_version)
    _owner, _unit, wave = _check(data)
    _apply(project, data, wave)
    db.session.flush()


def add_member(project: Project, user_id: int, role_id: int | None, actor: User) -> TeamMember:
    """Seat user *user_id* on the team of *project* in the role *role_id*."""
    require_steer(project, actor)
    _active_user(user_id, _("Every team member"))
    if role_id is not None and db.session.get(ProjectRole, role_id) is None:
        raise Refused(_("This project role does not exist."))
    if user_id == project.owner_id or any(m.user_id == user_id for m in project.members):
        raise Refused(_("This person is already on the team."))
    member = TeamMember(user_id=user_id, role_id=role_id)
    project.members.append(member)
    db.session.flush()
    return member


def remove_member(project: Project, member_id: int, actor: User) -> TeamMember:
    """Take member *member_id* off the team of *project*."""
    require_steer(project, actor)
    member = next((m for m in project.members if m.id == member_id), None)
    if member is None:
        raise NotFound(_("This person is not on the team."))
    project.members.remove(member)
    db.session.flush()
    return member


#: The moves of a project's state by hand; "evaluated" is reached by closing the evaluation.
MOVES = {
    ProjectState.PLANNED: ProjectState.RUNNING,
    ProjectState.RUNNING: ProjectState.COMPLETED,
}


def move(project: Project, target: ProjectState, user: User) -> None:
    """Start a planned project or complete a running one, as its owner or a moderator."""
    require_steer(project, user)
    if MOVES.get(project.state) is not target:
        raise InvalidTransition(
            _(
                "A project that is “%(source)s” cannot become “%(target)s”.",
                source=project.state.label,
                target=target.label,
            )
        )
    project.state = target
    db.session.flush()


def record_spent(project: Project, budget: int, staff_days: int, user: User) -> None:
    """Record the euros and staff days *project* has spent so far, as its owner (or a
    moderator)."""
    require_steer(project, user)
    if budget < 0 or staff_days < 0:
        raise Refused(_("Budget and staff days cannot be negative."))
    project.budget_spent = budget
    project.staff_days_spent = staff_days
    db.session.flush()
