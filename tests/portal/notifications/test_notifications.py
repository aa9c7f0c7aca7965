"""Notifications in the portal and by e-mail: immediately after commit, or as a daily digest."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cli import notifications_send_digest
from portal.core.models import utcnow
from portal.notifications import services
from portal.notifications.models import EmailMode, Notification
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def sent(monkeypatch):
    """Collect the e-mails the portal sends instead of sending them."""
    mails = []
    monkeypatch.setattr(services, "send_mail", mails.append)
    return mails


def _notify(user, message="Neue Idee: Digitale Akte"):
    return services.notify([user], "test", lambda: message, "/ideas/1")


def test_notification_is_listed_and_opening_marks_it_read(client, login_as, db):
    user = login_as(Role.EMPLOYEE)
    [notification] = _notify(user)
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Neue Idee: Digitale Akte" in html
    token = csrf_token(client, "/notifications/")
    response = client.post(f"/notifications/{notification.id}/open", data={"csrf_token": token})
    assert response.headers["Location"] == "/ideas/1"
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_others_cannot_open_my_notification(client, login_as):
    [notification] = _notify(factories.user())
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/notifications/")
    response = client.post(f"/notifications/{notification.id}/open", data={"csrf_token": token})
    assert response.status_code == 404


def test_message_is_written_in_the_recipients_language(db):
    from flask_babel import gettext as _

    english = factories.user(locale="en")
    [notification] = services.notify([english], "test", lambda: _("Notifications"), "/")
    assert notification.message == "Notifications"


def test_immediate_mail_is_sent_only_after_commit(db, sent):
    user = factories.user()
    services.set_email_mode(user, EmailMode.IMMEDIATELY)
    _notify(user)
    assert sent == []
    db.session.commit()
    assert [mail.to for mail in sent] == [user.email]
    assert "Neue Idee: Digitale Akte" in sent[0].body


def test_rolled_back_change_sends_no_mail(db, sent):
    user = factories.user()
    services.set_email_mode(user, EmailMode.IMMEDIATELY)
    db.session.commit()
    _notify(user)
    db.session.rollback()
    db.session.commit()
    assert sent == []


def test_daily_digest_collects_unread_notifications_once(app, db, sent):
    daily, immediate, silent = factories.user(), factories.user(), factories.user()
    services.set_email_mode(immediate, EmailMode.IMMEDIATELY)
    services.set_email_mode(silent, EmailMode.NONE)
    for user in (daily, immediate, silent):
        _notify(user, "Erste Nachricht")
        _notify(user, "Zweite Nachricht")
    sent.clear()
    assert services.send_digests() == 1
    assert [mail.to for mail in sent] == [daily.email]
    assert "Erste Nachricht" in sent[0].body
    assert "Zweite Nachricht" in sent[0].body
    assert services.send_digests() == 0


def test_digest_skips_stale_notifications(db, sent):
    user = factories.user()
    [old] = _notify(user)
    old.created_at = utcnow() - timedelta(days=8)
    assert services.send_digests() == 0
    assert db.session.scalar(select(Notification.emailed_at).where(Notification.id == old.id))


def test_send_digest_command(app, db, sent):
    _notify(factories.user())
    db.session.commit()
    result = app.test_cli_runner().invoke(notifications_send_digest)
    assert result.exit_code == 0, result.output
    assert "Sent 1 digest" in result.output


def test_without_mail_server_mails_go_to_the_log(app, caplog):
    caplog.set_level(logging.INFO, logger="portal.notifications.services")
    services.send_mail(services.Mail("a@musterstadt.example", "Betreff", "Text"))
    assert "a@musterstadt.example" in caplog.text


def test_user_chooses_the_e_mail_mode(client, login_as):
    user = login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/notifications/")
    response = client.post(
        "/notifications/preferences", data={"csrf_token": token, "email_mode": "none"}
    )
    assert response.status_code == 302
    assert services.email_mode(user) is EmailMode.NONE
