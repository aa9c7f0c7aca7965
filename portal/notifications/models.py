"""Notifications of a user and how they want to receive them by e-mail."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.models import TenantMixin, UTCDateTime, utcnow
from portal.extensions import db


class EmailMode(enum.Enum):
    """When a user gets e-mails about their notifications."""

    IMMEDIATELY = "immediately"
    DAILY = "daily"
    NONE = "none"

    @property
    def label(self) -> str:
        return str(EMAIL_MODE_LABELS[self])


EMAIL_MODE_LABELS = {
    EmailMode.IMMEDIATELY: _l("Immediately, one e-mail per notification"),
    EmailMode.DAILY: _l("Once a day, as a digest"),
    EmailMode.NONE: _l("No e-mails, only here in the portal"),
}


class Notification(TenantMixin, db.Model):
    """Something a user should know about, written in the user's language when it happened."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    #: What kind of event this was, e.g. "idea.comment"; lets later modules group or filter.
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(String(500))
    #: Where the notification leads, a path on this site.
    url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it went out by e-mail (alone or in a digest); None while it is still due.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notification_user_created", "user_id", "created_at"),
        CheckConstraint("message <> ''", name="message_not_empty"),
        CheckConstraint("url LIKE '/%'", name="url_is_local"),
    )


class NotificationPreference(TenantMixin, db.Model):
    """A user's choice of e-mails; users without a row get the default, a daily digest."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    email_mode: Mapped[EmailMode] = mapped_column(
        Enum(EmailMode, name="email_mode", values_callable=lambda e: [m.value for m in e]),
        default=EmailMode.DAILY,
    )


DEFAULT_EMAIL_MODE = EmailMode.DAILY
