"""The lists of projects: the portfolio with its filters and totals, and the waves' figures."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.pagination import Page, paginate
from portal.extensions import db
from portal.projects.models import Milestone, Project, ProjectState, Traffic


@dataclass(frozen=True)
class PortfolioFilter:
    """The filters of the portfolio, as the URL carries them."""

    wave_id: int | None = None
    traffic: Traffic | None = None
    state: ProjectState | None = None
    field_id: int | None = None
    org_unit_id: int | None = None

    @property
    def active(self) -> int:
        """Count the filters in use."""
        return sum(
            value is not None
            for value in (self.wave_id, self.traffic, self.state, self.field_id, self.org_unit_id)
        )


@dataclass(frozen=True)
class Totals:
    """Budget and staff days of a set of projects: approved and spent."""

    projects: int
    budget_approved: int
    budget_spent: int
    staff_days_approved: int
    staff_days_spent: int


def _conditions(criteria: PortfolioFilter) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if criteria.wave_id is not None:
        found.append(Project.wave_id == criteria.wave_id)
    if criteria.traffic is not None:
        found.append(Project.traffic == criteria.traffic)
    if criteria.state is not None:
        found.append(Project.state == criteria.state)
    if criteria.field_id is not None:
        found.append(Project.field_of_action_id == criteria.field_id)
    if criteria.org_unit_id is not None:
        found.append(Project.org_unit_id == criteria.org_unit_id)
    return found


def _late(today: date) -> ColumnElement[bool]:
    return and_(Milestone.done_on.is_(None), Milestone.due_on < today)


def portfolio_query(criteria: PortfolioFilter, today: date) -> Select[Project]:
    """Select the projects *criteria* admit, those with late milestones first."""
    has_late = select(Milestone.id).where(Milestone.project_id == Project.id, _late(today)).exists()
    return (
        select(Project)
        .where(*_conditions(criteria))
        .options(
            joinedload(Project.wave),
            joinedload(Project.owner).lazyload(User.role_rows),
            joinedload(Project.org_unit),
            joinedload(Project.field_of_action),
        )
        .order_by(has_late.desc(), Project.ends_on, Project.id)
    )


def portfolio(
    criteria: PortfolioFilter, today: date, page: int, per_page: int
) -> tuple[Page[Project], dict[int, int]]:
    """Return one page of the portfolio and the number of late milestones of its projects."""
    found = paginate(portfolio_query(criteria, today), page, per_page)
    return found, late_milestones([p.id for p in found.items], today)


def late_milestones(project_ids: Sequence[int], today: date) -> dict[int, int]:
    """Count the late milestones of each of *project_ids*."""
    if not project_ids:
        return {}
    rows = db.session.execute(
        select(Milestone.project_id, func.count(Milestone.id))
        .where(Milestone.project_id.in_(project_ids), _late(today))
        .group_by(Milestone.project_id)
    )
    return dict(rows.all())


def _sum(column: Any) -> Any:
    return func.coalesce(func.sum(column), 0)


def totals(criteria: PortfolioFilter) -> Totals:
    """Add up budget and staff days, approved and spent, of the projects *criteria* admit."""
    row = db.session.execute(
        select(
            func.count(Project.id),
            _sum(Project.budget_approved),
            _sum(Project.budget_spent),
            _sum(Project.staff_days_approved),
            _sum(Project.staff_days_spent),
        ).where(*_conditions(criteria))
    ).one()
    return Totals(*(int(value or 0) for value in row))


@dataclass(frozen=True)
class WaveFigures:
    """How the projects of one wave stand."""

    projects: int
    by_traffic: dict[Traffic, int]
    by_state: dict[ProjectState, int]


def wave_figures() -> dict[int | None, WaveFigures]:
    """Count the projects of each wave (None: no wave yet) by status and by state."""
    rows = db.session.execute(
        select(Project.wave_id, Project.traffic, Project.state, func.count(Project.id)).group_by(
            Project.wave_id, Project.traffic, Project.state
        )
    ).all()
    figures: dict[int | None, WaveFigures] = {}
    for wave_id, traffic, state, count in rows:
        found = figures.setdefault(
            wave_id,
            WaveFigures(0, dict.fromkeys(Traffic, 0), dict.fromkeys(ProjectState, 0)),
        )
        found.by_traffic[traffic] += count
        found.by_state[state] += count
        figures[wave_id] = WaveFigures(found.projects + count, found.by_traffic, found.by_state)
    return figures
