"""Notifications in the portal, written in the reader's language, and e-mails sent by jobs:
at once after commit, or as a daily digest that each recipient gets once."""

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.cli import notifications_send_digest
from portal.core.models import utcnow
from portal.core.registry import Link
from portal.ideas.services import messages
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


IDEAS = Link("ideas.index")


def _notify(user, text="Neue Idee: Digitale Akte", target=IDEAS):
    return services.notify([user], "notification.text", {"text": text}, target)


def test_notification_is_listed_and_opening_leads_to_its_page_and_marks_it_read(
    client, login_as, db
):
    user = login_as(Role.EMPLOYEE)
    idea = factories.idea()
    [notification] = _notify(user, target=messages.idea_link(idea.id, "comment-7"))
    html = client.get("/notifications/").get_data(as_text=True)
    assert "Neue Idee: Digitale Akte" in html
    token = csrf_token(client, "/notifications/")
    response = client.post(f"/notifications/{notification.id}/open", data={"csrf_token": token})
    assert response.headers["Location"] == f"/ideas/{idea.id}#comment-7"
    db.session.refresh(notification)
    assert notification.read_at is not None


def test_notification_whose_page_is_gone_leads_to_the_list(client, login_as):
    user = login_as(Role.EMPLOYEE)
    [notification] = _notify(user, target=Link("retired.page", {"page_id": 3}))
    token = csrf_token(client, "/notifications/")
    response = client.post(f"/notifications/{notification.id}/open", data={"csrf_token": token})
    assert response.headers["Location"] == "/notifications/"


def test_others_cannot_open_my_notification(client, login_as):
    [notification] = _notify(factories.user())
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/notifications/")
    response = client.post(f"/notifications/{notification.id}/open", data={"csrf_token": token})
    assert response.status_code == 404


def test_text_is_written_in_the_language_of_the_reader_when_read(client, login_as):
    user = login_as(Role.EMPLOYEE, locale="de")
    idea = factories.idea(author=user, title="Digitale Posteingangsstelle")
    services.notify(
        [user],
        messages.STATE_CHANGED,
        {"title": idea.title, "state": "declined"},
        messages.idea_link(idea.id),
    )
    german = client.get("/notifications/").get_data(as_text=True)
    assert "Ihre Idee „Digitale Posteingangsstelle“ ist jetzt: Abgelehnt" in german
    token = csrf_token(client, "/notifications/")
    client.post("/language/en", data={"csrf_token": token, "next": "/notifications/"})
    english = client.get("/notifications/").get_data(as_text=True)
    assert "Your idea “Digitale Posteingangsstelle” is now: Declined" in english


def test_immediate_mail_is_sent_by_a_job_only_after_commit(db, sent):
    user = factories.user(locale="en")
    services.set_email_mode(user, EmailMode.IMMEDIATELY)
    [notification] = _notify(user, target=Link("ideas.index"))
    assert sent == []
    db.session.commit()
    assert [mail.to for mail in sent] == [user.email]
    assert "Neue Idee: Digitale Akte" in sent[0].body
    assert "http://localhost:5000/ideas/" in sent[0].body
    assert "Hello" in sent[0].body
    db.session.refresh(notification)
    assert notification.emailed_at is not None


def test_rolled_back_change_sends_no_mail(db, sent):
    user = factories.user()
    services.set_email_mode(user, EmailMode.IMMEDIATELY)
    db.session.commit()
    _notify(user)
    db.session.rollback()
    db.session.commit()
    assert sent == []


def test_daily_digest_goes_to_each_recipient_once(db, sent):
    daily, immediate, silent = factories.user(), factories.user(), factories.user()
    services.set_email_mode(immediate, EmailMode.IMMEDIATELY)
    services.set_email_mode(silent, EmailMode.NONE)
    for user in (daily, immediate, silent):
        _notify(user, "Erste Nachricht")
        _notify(user, "Zweite Nachricht")
    db.session.commit()
    sent.clear()
    assert services.start_digests() == 1
    assert sent == []  # the digest leaves through a job, after commit
    db.session.commit()
    assert [mail.to for mail in sent] == [daily.email]
    assert "Erste Nachricht" in sent[0].body
    assert "Zweite Nachricht" in sent[0].body
    assert services.start_digests() == 0


def test_a_failed_digest_sends_nobody_a_second_copy(db, monkeypatch):
    first, second = factories.user(), factories.user()
    _notify(first)
    _notify(second)
    # The jobs run while the test's own session commits, so its objects cannot load then.
    first_email, second_email = first.email, second.email
    db.session.commit()
    delivered = []

    def flaky(mail):
        if mail.to == first_email:
            raise OSError("mail server refused")
        delivered.append(mail.to)

    monkeypatch.setattr(services, "send_mail", flaky)
    assert services.start_digests() == 2
    db.session.commit()
    assert delivered == [second_email]
    # The retry (here: the next digest run) reaches only the one who has not got it.
    monkeypatch.setattr(services, "send_mail", lambda mail: delivered.append(mail.to))
    assert services.start_digests() == 1
    db.session.commit()
    assert delivered == [second_email, first_email]


def test_digest_leaves_out_stale_notifications(db, sent):
    user = factories.user()
    [old] = _notify(user)
    old.created_at = utcnow() - timedelta(days=8)
    db.session.commit()
    assert services.start_digests() == 0


def test_send_digest_command_enqueues_the_due_digests(app, db, sent):
    user = factories.user()
    _notify(user)
    db.session.commit()
    result = app.test_cli_runner().invoke(notifications_send_digest)
    assert result.exit_code == 0, result.output
    assert "Enqueued 1 digest" in result.output
    assert [mail.to for mail in sent] == [user.email]
    assert db.session.scalar(select(Notification.emailed_at).where(Notification.user_id == user.id))


def test_without_mail_server_mails_go_to_the_log(db, caplog):
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


def test_notifications_older_than_a_year_are_forgotten_everywhere(db):
    from portal.core.tenancy import across_tenants

    user = factories.user()
    [old] = _notify(user, "Vor langer Zeit")
    [recent] = _notify(user, "Gestern")
    old.created_at = utcnow() - timedelta(days=366)
    recent.created_at = utcnow() - timedelta(days=364)
    db.session.flush()
    with across_tenants():
        services.forget_old_notifications()
    remaining = db.session.scalars(select(Notification.id).where(Notification.user_id == user.id))
    assert list(remaining) == [recent.id]
