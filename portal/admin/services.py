"""Queries of the administration pages."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from portal.accounts.models import Role, User, UserRole, users_query
from portal.accounts.services import current_municipality
from portal.core.pagination import Page, paginate
from portal.dashboards.services import PanelItem, contributes_to
from portal.extensions import db


@dataclass(frozen=True)
class UserFilter:
    """What the user list is narrowed to."""

    text: str = ""
    role: Role | None = None
    org_unit_id: int | None = None
    #: Only users without org unit.
    without_org_unit: bool = False
    active: bool | None = None


def list_users(criteria: UserFilter, page: int, per_page: int) -> Page[User]:
    """Return one page of the municipality's users matching *criteria*."""
    query = users_query(current_municipality().id)
    if criteria.text:
        pattern = f"%{criteria.text.strip().lower()}%"
        query = query.where(or_(User.email.like(pattern), User.name.ilike(pattern)))
    if criteria.role is not None:
        query = query.where(
            User.id.in_(select(UserRole.user_id).where(UserRole.role == criteria.role))
        )
    if criteria.org_unit_id is not None:
        query = query.where(User.org_unit_id == criteria.org_unit_id)
    if criteria.without_org_unit:
        query = query.where(User.org_unit_id.is_(None))
    if criteria.active is not None:
        query = query.where(User.active.is_(criteria.active))
    return paginate(query, page, per_page)


@contributes_to(Role.ADMIN)
def admin_start_items(user: User) -> list[PanelItem]:
    """List what waits for an administrator: inactive users and users without org unit."""
    municipality_id = current_municipality().id
    total, inactive, without_unit = db.session.execute(
        select(
            func.count(User.id),
            func.count(User.id).filter(User.active.is_(False)),
            func.count(User.id).filter(User.org_unit_id.is_(None)),
        ).where(User.municipality_id == municipality_id)
    ).one()
    return [
        PanelItem(_("Users"), url_for("admin.users"), total),
        PanelItem(_("Inactive users"), url_for("admin.users", active="no"), inactive),
        PanelItem(
            _("Users without org unit"), url_for("admin.users", org_unit="none"), without_unit
        ),
    ]
