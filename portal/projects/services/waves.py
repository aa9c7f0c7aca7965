"""Waves of projects and the project roles, both kept by moderators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import OrgUnit, User
from portal.core.errors import NotFound
from portal.extensions import db
from portal.projects.models import ProjectRole, Wave, WaveState
from portal.projects.services.access import Refused, require_moderator

#: The roles of Kiel's Ki:GO programme, offered to every new municipality as the start.
DEFAULT_ROLES = (
    "Change-Manager:in",
    "Digital-Coach",
    "Projektprofi",
    "Data-Tech-Enabler",
    "Digitalgestalter:in",
    "Digitalkoordinator:in",
)


@dataclass
class WaveData:
    """A wave as a form sends it."""

    name: str
    starts_on: date | None
    evaluation_on: date | None
    state: WaveState = WaveState.PLANNED
    description: str = ""
    org_unit_ids: frozenset[int] = field(default_factory=frozenset)


def waves() -> list[Wave]:
    """Return all waves, earliest first."""
    return list(db.session.scalars(select(Wave).order_by(Wave.starts_on, Wave.id)))


def get_wave(wave_id: int) -> Wave:
    """Return wave *wave_id*."""
    found = db.session.get(Wave, wave_id)
    if found is None:
        raise NotFound(_("This wave does not exist."))
    return found


def _check(data: WaveData, wave: Wave | None) -> list[OrgUnit]:
    if not data.name.strip():
        raise Refused(_("Please give the wave a name."))
    if data.starts_on is None or data.evaluation_on is None:
        raise Refused(_("Please give the start and the planned evaluation date."))
    if data.evaluation_on < data.starts_on:
        raise Refused(_("The planned evaluation date lies before the start."))
    taken = db.session.scalar(
        select(func.count(Wave.id)).where(
            Wave.name == data.name.strip(), Wave.id != (wave.id if wave else 0)
        )
    )
    if taken:
        raise Refused(_("Another wave already has this name."))
    units = list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(data.org_unit_ids))))
    if len(units) != len(data.org_unit_ids):
        raise Refused(_("This org unit does not exist."))
    return units


def save_wave(wave: Wave | None, data: WaveData, user: User) -> Wave:
    """Create a wave (*wave* None) or change it, as a moderator."""
    require_moderator(user)
    units = _check(data, wave)
    if wave is None:
        wave = Wave()
        db.session.add(wave)
    wave.name = data.name.strip()
    wave.description = data.description.strip()
    assert data.starts_on is not None
    assert data.evaluation_on is not None
    wave.starts_on = data.starts_on
    wave.evaluation_on = data.evaluation_on
    wave.state = data.state
    wave.org_units = units
    db.session.flush()
    return wave


def roles() -> list[ProjectRole]:
    """Return every project role, active first, in their order."""
    return list(
        db.session.scalars(
            select(ProjectRole).order_by(
                ProjectRole.active.desc(), ProjectRole.position, ProjectRole.id
            )
        )
    )


def ensure_default_roles() -> None:
    """Create the Ki:GO roles if the municipality has no project role yet."""
    if db.session.scalar(select(func.count(ProjectRole.id))):
        return
    db.session.add_all(
        ProjectRole(name=name, position=number) for number, name in enumerate(DEFAULT_ROLES)
    )
    db.session.flush()


def add_role(name: str, user: User) -> ProjectRole:
    """Add a project role after the others, as a moderator."""
    require_moderator(user)
    name = name.strip()
    if not name:
        raise Refused(_("Please give the role a name."))
    if db.session.scalar(select(func.count(ProjectRole.id)).where(ProjectRole.name == name)):
        raise Refused(_("This role already exists."))
    last = db.session.scalar(select(func.max(ProjectRole.position))) or 0
    role = ProjectRole(name=name, position=last + 1)
    db.session.add(role)
    db.session.flush()
    return role


def toggle_role(role_id: int, user: User) -> ProjectRole:
    """Retire an active role (teams keep it) or offer a retired one again, as a moderator."""
    require_moderator(user)
    role = db.session.get(ProjectRole, role_id)
    if role is None:
        raise NotFound(_("This role does not exist."))
    role.active = not role.active
    db.session.flush()
    return role
