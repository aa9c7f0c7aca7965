"""Notify users in the portal and by e-mail: immediately after the commit, or as a daily digest.

Other modules call `notify()`; the e-mails of those who want them at once are sent only after
the request's transaction committed, so a rolled-back change never sends mail.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from functools import partial

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, or_, select, update

from portal.accounts.models import User
from portal.accounts.services import current_municipality
from portal.core.errors import NotFound
from portal.core.models import utcnow
from portal.core.pagination import Page, paginate
from portal.core.transactions import on_commit
from portal.extensions import db
from portal.notifications.models import (
    DEFAULT_EMAIL_MODE,
    EmailMode,
    Notification,
    NotificationPreference,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """One e-mail to send."""

    to: str
    subject: str
    body: str


def send_mail(mail: Mail) -> None:
    """Send *mail* through `MAIL_SERVER`, or write it to the log when no server is set."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        log.info("Mail to %s: %s\n%s", mail.to, mail.subject, mail.body)
        return
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message.set_content(mail.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=30) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)


def email_mode(user: User) -> EmailMode:
    """Return how *user* wants e-mails about notifications."""
    preference = db.session.get(NotificationPreference, user.id)
    return preference.email_mode if preference else DEFAULT_EMAIL_MODE


def set_email_mode(user: User, mode: EmailMode) -> None:
    """Remember how *user* wants e-mails about notifications."""
    preference = db.session.get(NotificationPreference, user.id)
    if preference is None:
        preference = NotificationPreference(
            municipality_id=user.municipality_id, user_id=user.id, email_mode=mode
        )
        db.session.add(preference)
    preference.email_mode = mode
    db.session.flush()


def notify(
    recipients: Iterable[User], kind: str, message: Callable[[], str], url: str
) -> list[Notification]:
    """Notify each of *recipients* once, with *message()* rendered in the recipient's language.

    *url* is a path on this site. Recipients who want e-mails immediately get one after commit.
    """
    unique = {user.id: user for user in recipients if user.active}
    if not unique:
        return []
    modes: dict[int, EmailMode] = dict(
        db.session.execute(  # type: ignore[arg-type]
            select(NotificationPreference.user_id, NotificationPreference.email_mode).where(
                NotificationPreference.user_id.in_(unique)
            )
        ).all()
    )
    created = []
    for user in unique.values():
        with force_locale(user.locale):
            text = message()
            subject = _("Wandelwerk: %(message)s", message=text)
        notification = Notification(
            municipality_id=user.municipality_id, user_id=user.id, kind=kind, message=text, url=url
        )
        db.session.add(notification)
        created.append(notification)
        if modes.get(user.id, DEFAULT_EMAIL_MODE) is EmailMode.IMMEDIATELY:
            mail = Mail(user.email, subject, _mail_body(user, [text], url))
            on_commit(partial(_send, notification, mail))
    db.session.flush()
    return created


def _mail_body(user: User, lines: list[str], url: str | None = None) -> str:
    base = current_app.config["PORTAL_URL"].rstrip("/")
    with force_locale(user.locale):
        parts = [_("Hello %(name)s,", name=user.name), ""]
        parts += [f"* {line}" for line in lines]
        parts += ["", _("Open the portal: %(url)s", url=base + (url or "/notifications/"))]
        parts += ["", _("You can change which e-mails you get under Notifications.")]
    return "\n".join(parts)


def _send(notification: Notification, mail: Mail) -> None:
    try:
        send_mail(mail)
    except (OSError, smtplib.SMTPException):
        # The change is committed already and the notification is in the portal; a lost
        # e-mail must not turn the user's request into an error.
        log.exception("Could not send notification %s to %s", notification.id, mail.to)


def list_notifications(user: User, page: int, per_page: int) -> Page[Notification]:
    """Return one page of *user*'s notifications, newest first."""
    query = (
        select(Notification)
        .where(
            Notification.municipality_id == current_municipality().id,
            Notification.user_id == user.id,
        )
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


def open_notification(user: User, notification_id: int) -> Notification:
    """Mark *user*'s notification read and return it."""
    notification = db.session.get(Notification, notification_id)
    if (
        notification is None
        or notification.user_id != user.id
        or notification.municipality_id != current_municipality().id
    ):
        raise NotFound(_("This notification does not exist."))
    if notification.read_at is None:
        notification.read_at = utcnow()
    return notification


def mark_all_read(user: User) -> None:
    """Mark all of *user*'s notifications read."""
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


def send_digests() -> int:
    """Send each daily-digest user one e-mail with their notifications not yet mailed.

    Return how many e-mails were sent. Notifications older than a week are marked as mailed
    without sending, so a digest that was not run for a while does not flood inboxes.
    """
    now = utcnow()
    municipality_id = current_municipality().id
    mode = NotificationPreference.email_mode
    # Users without a preference row get the default, which is the digest.
    wants_digest = or_(mode == EmailMode.DAILY, mode.is_(None))
    rows = db.session.execute(
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(
            Notification.municipality_id == municipality_id,
            Notification.emailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at > now - timedelta(days=7),
            User.active.is_(True),
            wants_digest,
        )
        .order_by(User.id, Notification.created_at)
    ).all()
    by_user: dict[int, tuple[User, list[Notification]]] = {}
    for notification, user in rows:
        by_user.setdefault(user.id, (user, []))[1].append(notification)
    for user, notifications in by_user.values():
        with force_locale(user.locale):
            subject = _("Wandelwerk: your daily summary (%(count)d)", count=len(notifications))
        send_mail(Mail(user.email, subject, _mail_body(user, [n.message for n in notifications])))
        for notification in notifications:
            notification.emailed_at = now
    db.session.execute(
        update(Notification)
        .where(
            Notification.municipality_id == municipality_id,
            Notification.emailed_at.is_(None),
            Notification.created_at <= now,
        )
        .values(emailed_at=now)
    )
    return len(by_user)
