"""Notify users in the portal and by e-mail: at once through a job, or as a daily digest.

Other modules call `notify()` with the kind of event, its parameters and the page it leads to;
they teach the portal how each kind reads with `portal.core.registry.add_messages`. E-mails leave
through jobs that are enqueued only after the change committed, so a rolled-back change never
sends mail, and a failed send is retried.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, and_, delete, or_, select, update

from portal.accounts.models import User
from portal.core.errors import NotFound
from portal.core.jobs import enqueue, job, periodic
from portal.core.models import utcnow
from portal.core.registry import Link, registry
from portal.core.urls import external_url
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
        preference = NotificationPreference(user_id=user.id, email_mode=mode)
        db.session.add(preference)
    preference.email_mode = mode
    db.session.flush()


def notify(
    recipients: Iterable[User],
    kind: str,
    params: Mapping[str, Any],
    target: Link,
    *,
    at: datetime | None = None,
) -> list[Notification]:
    """Notify each active one of *recipients* once of an event of *kind* (that happened at *at*,
    default now) and leads to *target*.

    *params* are the plain values the text names; the text is written when it is read, in the
    reader's language. Recipients who want e-mails at once get one from a job after commit.
    """
    unique = {user.id: user for user in recipients if user.active}
    if not unique:
        return []
    modes = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.email_mode).where(
                NotificationPreference.user_id.in_(unique)
            )
        ).all()
    )
    created = [
        Notification(
            user_id=user.id,
            kind=kind,
            params=dict(params),
            target_endpoint=target.endpoint,
            target_args=dict(target.args),
            created_at=at or utcnow(),
        )
        for user in unique.values()
    ]
    db.session.add_all(created)
    db.session.flush()
    for notification in created:
        if modes.get(notification.user_id, DEFAULT_EMAIL_MODE) is EmailMode.IMMEDIATELY:
            enqueue(send_notification_mail, notification.id)
    return created


def message_of(notification: Notification) -> str:
    """Return the text of *notification* in the current language."""
    render = registry().messages.get(notification.kind)
    if render is None:
        # A module that is no longer installed wrote it; the link still leads somewhere.
        return str(_("Something changed that concerns you."))
    return render(notification.params)


def target_of(notification: Notification) -> Link:
    """Return the page *notification* leads to."""
    return Link(notification.target_endpoint, notification.target_args)


def _mail_body(user: User, lines: list[str], link: Link) -> str:
    parts = [_("Hello %(name)s,", name=user.name), ""]
    parts += [f"* {line}" for line in lines]
    parts += ["", _("Open the portal: %(url)s", url=external_url(link))]
    parts += ["", _("You can change which e-mails you get under Notifications.")]
    return "\n".join(parts)


@job(retries=5, retry_delay=300)
def send_notification_mail(notification_id: int) -> None:
    """Mail one notification to its recipient, unless it went out or was read meanwhile."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.emailed_at or notification.read_at:
        return
    user = db.session.get(User, notification.user_id)
    if user is None or not user.active:
        return
    with force_locale(user.locale):
        text = message_of(notification)
        mail = Mail(
            user.email,
            _("Wandelwerk: %(message)s", message=text),
            _mail_body(user, [text], target_of(notification)),
        )
    send_mail(mail)
    notification.emailed_at = utcnow()


def open_notification(user: User, notification_id: int) -> Notification:
    """Mark *user*'s notification read and return it."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
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


#: Notifications older than this are left out of digests, so that a digest that did not go out
#: for a while does not flood inboxes.
DIGEST_MAX_AGE = timedelta(days=7)


def _due_for_digest() -> ColumnElement[bool]:
    """Select the notifications a digest should still carry."""
    mode = NotificationPreference.email_mode
    return and_(
        Notification.emailed_at.is_(None),
        Notification.read_at.is_(None),
        Notification.created_at > utcnow() - DIGEST_MAX_AGE,
        User.active.is_(True),
        # Users without a preference row get the default, which is the digest.
        or_(mode == EmailMode.DAILY, mode.is_(None)),
    )


def _digest_rows() -> Select[Notification, User]:
    return (
        select(Notification, User)
        .join(User, User.id == Notification.user_id)
        .outerjoin(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(_due_for_digest())
    )


def start_digests() -> int:
    """Enqueue a digest for each user of the current municipality who has one due; return how
    many. Each goes out in a job of its own, so a failure sends nobody a second copy."""
    recipients = db.session.scalars(
        _digest_rows().with_only_columns(Notification.user_id).distinct()
    ).all()
    for user_id in recipients:
        enqueue(send_digest, user_id)
    return len(recipients)


@periodic(minute="5")
def start_digests_everywhere() -> None:
    """Enqueue the due digests of every municipality at the digest hour of its time zone."""
    config = current_app.config
    local = datetime.now(ZoneInfo(config["BABEL_DEFAULT_TIMEZONE"]))
    if local.hour != config["DIGEST_HOUR"]:
        return
    due = db.session.execute(
        _digest_rows()
        .with_only_columns(Notification.municipality_id, Notification.user_id)
        .distinct()
    )
    for municipality_id, user_id in due:
        enqueue(send_digest, user_id, tenant=municipality_id)


@job(retries=5, retry_delay=300)
def send_digest(user_id: int) -> None:
    """Mail *user_id* one summary of their due notifications and mark them as mailed."""
    rows = db.session.execute(
        _digest_rows().where(User.id == user_id).order_by(Notification.created_at)
    ).all()
    if not rows:
        return
    user = rows[0][1]
    notifications = [notification for notification, _user in rows]
    with force_locale(user.locale):
        mail = Mail(
            user.email,
            _("Wandelwerk: your daily summary (%(count)d)", count=len(notifications)),
            _mail_body(user, [message_of(n) for n in notifications], Link("notifications.index")),
        )
    send_mail(mail)
    now = utcnow()
    for notification in notifications:
        notification.emailed_at = now


@periodic(hour="3", minute="15")
def forget_old_notifications() -> None:
    """Delete notifications older than `NOTIFICATION_RETENTION_DAYS`, in every municipality, as
    the privacy policy promises."""
    days = current_app.config["NOTIFICATION_RETENTION_DAYS"]
    db.session.execute(
        delete(Notification).where(Notification.created_at < utcnow() - timedelta(days=days))
    )
