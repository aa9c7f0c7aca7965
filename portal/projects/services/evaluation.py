"""The evaluation of a project: indicators with their measured values, the closing report, the
reminder to the owner when the evaluation date nears, and reopening a closed evaluation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from portal.accounts.models import User
from portal.core.errors import InvalidTransition, NotFound
from portal.core.models import utcnow
from portal.extensions import db
from portal.notifications.services import notify
from portal.projects.models import Indicator, ProgressUpdate, Project, ProjectState
from portal.projects.services import messages, reporting
from portal.projects.services.access import (
    Refused,
    require_change,
    require_moderator,
    require_steer,
)

#: How many days before the evaluation date the owner is reminded, once a day.
REMINDER_DAYS = 14


@dataclass
class IndicatorData:
    """An indicator as a form sends it."""

    name: str
    unit: str
    baseline: float | None
    target: float | None


def add_indicator(project: Project, data: IndicatorData, user: User) -> Indicator:
    """Add a key performance indicator to the evaluation of *project*."""
    require_change(project, user)
    if not data.name.strip():
        raise Refused(_("Please name the indicator."))
    if not data.unit.strip():
        raise Refused(_("An indicator needs a unit (e.g. “days”, “%%”, “applications per month”)."))
    if data.baseline is None or data.target is None:
        raise Refused(_("Please give the baseline and the target of the indicator."))
    indicator = Indicator(
        project_id=project.id,
        name=data.name.strip(),
        unit=data.unit.strip(),
        baseline=data.baseline,
        target=data.target,
    )
    db.session.add(indicator)
    db.session.flush()
    return indicator


def measure(
    project: Project,
    indicator_id: int,
    value: float | None,
    measured_on: date | None,
    user: User,
    today: date,
) -> Indicator:
    """Record the value of an indicator of *project* measured on *measured_on*."""
    require_change(project, user)
    indicator = db.session.get(Indicator, indicator_id)
    if indicator is None or indicator.project_id != project.id:
        raise NotFound(_("This indicator does not exist."))
    if value is None or measured_on is None:
        raise Refused(_("Please give the measured value and the day it was measured."))
    if measured_on > today:
        raise Refused(_("The day of the measurement lies in the future."))
    if measured_on < project.starts_on:
        raise Refused(_("The day of the measurement lies before the project's start."))
    indicator.measured = value
    indicator.measured_on = measured_on
    db.session.flush()
    return indicator


def indicators(project: Project) -> list[Indicator]:
    """Return the indicators of *project* in the order they were added."""
    return list(
        db.session.scalars(
            select(Indicator).where(Indicator.project_id == project.id).order_by(Indicator.id)
        )
    )


def close_evaluation(
    project: Project, report: str, user: User, *, at: datetime | None = None
) -> None:
    """Close the evaluation of a completed *project* with its closing report, as its owner or a
    moderator; every indicator must have its measured value."""
    require_steer(project, user)
    if project.state is not ProjectState.COMPLETED:
        raise InvalidTransition(
            _(
                "Only a completed project is evaluated; this one is “%(state)s”.",
                state=project.state.label,
            )
        )
    if not report.strip():
        raise Refused(_("Please write the closing report."))
    found = indicators(project)
    if not found:
        raise Refused(_("An evaluation needs at least one indicator."))
    missing = [i.name for i in found if i.measured is None]
    if missing:
        raise Refused(
            _("These indicators have no measured value yet: %(names)s", names=", ".join(missing))
        )
    project.closing_report = report.strip()
    project.state = ProjectState.EVALUATED
    project.evaluated_at = at or utcnow()
    db.session.flush()


def reopen_evaluation(
    project: Project, reason: str, user: User, *, at: datetime | None = None
) -> ProgressUpdate:
    """Reopen the closed evaluation of *project* as a moderator, for a reason that stays on
    record as a progress update; the project is completed again and its owner may correct
    the indicators and the closing report, and close the evaluation anew."""
    require_moderator(user)
    if project.state is not ProjectState.EVALUATED:
        raise InvalidTransition(
            _(
                "Only an evaluated project is reopened; this one is “%(state)s”.",
                state=project.state.label,
            )
        )
    if not reason.strip():
        raise Refused(_("Please say why the evaluation is reopened; the reason stays on record."))
    project.state = ProjectState.COMPLETED
    project.evaluated_at = None
    return reporting.publish_update(
        project, user, _("Evaluation reopened: %(reason)s", reason=reason.strip()), at or utcnow()
    )


def remind_owners(today: date) -> int:
    """Remind the owner of each project whose evaluation date is near (within
    `REMINDER_DAYS`) and that is not evaluated yet, once per project and day; return how
    many were reminded."""
    due = list(
        db.session.scalars(
            select(Project).where(
                Project.state != ProjectState.EVALUATED,
                Project.evaluation_on.is_not(None),
                Project.evaluation_on <= today + timedelta(days=REMINDER_DAYS),
                or_(Project.reminded_on.is_(None), Project.reminded_on < today),
            )
        )
    )
    reminded = 0
    for project in due:
        # Taken by a conditional update, so that two runs on one day remind once.
        taken = db.session.execute(
            update(Project)
            .where(
                Project.id == project.id,
                or_(Project.reminded_on.is_(None), Project.reminded_on < today),
            )
            .values(reminded_on=today)
            .execution_options(synchronize_session=False)
        )
        if not taken.rowcount:  # type: ignore[attr-defined]
            continue
        assert project.evaluation_on is not None
        notify(
            [project.owner],
            messages.EVALUATION_DUE,
            {"title": project.title, "date": project.evaluation_on.isoformat()},
            messages.project_link(project.id),
        )
        reminded += 1
    return reminded


def days_left(project: Project, today: date) -> int | None:
    """Return the days until the evaluation date of *project*, if it has one."""
    return (project.evaluation_on - today).days if project.evaluation_on else None
