"""The lists of accounts: users, filtered and paged for the administration."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User, UserRole
from portal.core.pagination import Page, paginate


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
    """Return one page of the municipality's users matching *criteria*, by name."""
    query = select(User).options(joinedload(User.org_unit)).order_by(func.lower(User.name), User.id)
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
