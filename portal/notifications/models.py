"""Notifications of a user and how they want to receive them by e-mail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.enums import LabelledEnum, db_enum
from portal.core.models import TenantMixin, UTCDateTime, utcnow
from portal.extensions import Base


class EmailMode(LabelledEnum):
    """When a user gets e-mails about their notifications."""

    IMMEDIATELY = "immediately", _l("Immediately, one e-mail per notification")
    DAILY = "daily", _l("Once a day, as a digest")
    NONE = "none", _l("No e-mails, only here in the portal")


class Notification(TenantMixin, Base):
    """Something a user should know about: its kind and parameters, and the page it leads to.

    The text is written from the kind and the parameters when it is read, in the reader's
    language of that moment; the link is built from the endpoint and its arguments where it is
    shown or mailed.
    """

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    #: What kind of event this was, e.g. "idea.comment"; says how the text reads.
    kind: Mapped[str] = mapped_column(String(64))
    #: The values the text names (a title, a name, a state), as plain JSON values.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: The page the notification leads to: an endpoint of the portal and its arguments.
    target_endpoint: Mapped[str] = mapped_column(String(100))
    target_args: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When it went out by e-mail (alone or in a digest); None while it is still due.
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index("ix_notification_user_created", "user_id", "created_at"),
        CheckConstraint("kind <> '' AND target_endpoint <> ''", name="kind_and_target"),
    )


class NotificationPreference(TenantMixin, Base):
    """A user's choice of e-mails; users without a row get the default, a daily digest."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    email_mode: Mapped[EmailMode] = mapped_column(
        db_enum(EmailMode, "email_mode"),
        default=EmailMode.DAILY,
    )


DEFAULT_EMAIL_MODE = EmailMode.DAILY
