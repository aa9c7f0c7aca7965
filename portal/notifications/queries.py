"""The list of a user's notifications, and how many are unread."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.pagination import Page, paginate
from portal.extensions import db
from portal.notifications.models import Notification


def list_notifications(user: User, page: int, per_page: int) -> Page[Notification]:
    """Return one page of *user*'s notifications, newest first."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    return paginate(query, page, per_page)


def unread_count(user: User) -> int:
    """Return how many notifications *user* has not read."""
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )
