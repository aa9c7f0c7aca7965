"""A new password by e-mail (ASVS 5.0 V6.4): a single-use link valid for one hour, stored
hashed, mailed through a job; the same answer whether or not the address has an account; the
new password ends every session; requests are limited per client address."""

import hashlib
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.models import PasswordReset, RememberToken
from tests import factories
from tests.conftest import csrf_token, start_session
from tests.portal.accounts import sign_in

EMAIL = "aylin.demir@musterstadt.example"
NEW = "Ein ganz neuer Satz für Montag"
LINK = re.compile(r"http://localhost:5000(/password/reset/[A-Za-z0-9_-]+)")


@pytest.fixture
def mails(caplog):
    """The e-mails written to the log (no MAIL_SERVER in the tests)."""
    caplog.set_level(logging.INFO, logger="portal.notifications.services")
    return caplog


def _ask(client, email=EMAIL):
    return client.post(
        "/password/forgot",
        data={"email": email, "csrf_token": csrf_token(client, "/password/forgot")},
    )


def _link(mails):
    found = LINK.findall(mails.text)
    assert len(found) == 1, mails.text
    return found[0]


def _set(client, path, password=NEW, confirm=None):
    return client.post(
        path,
        data={
            "new": password,
            "confirm": password if confirm is None else confirm,
            "csrf_token": csrf_token(client, path),
        },
    )


def test_the_sign_in_page_links_to_the_reset(client, db):
    html = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in html
    assert "Passwort vergessen?" in html


def test_v6_4_1_a_reset_link_is_mailed_through_a_job_and_sets_a_new_password(client, db, mails):
    user = factories.user(email=EMAIL, name="Aylin Demir")
    response = _ask(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert f"Mail to {EMAIL}: Wandelwerk: Neues Passwort festlegen" in mails.text
    path = _link(mails)
    # Only the token's hash is stored.
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalar(select(PasswordReset.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored
    assert client.get(path).status_code == 200
    response = _set(client, path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert sign_in(client, EMAIL, factories.PASSWORD).status_code == 401
    assert sign_in(client, EMAIL, NEW).status_code == 302
    db.session.refresh(user)
    assert not user.must_change_password


def test_v6_4_1_a_reset_link_works_once(client, db, mails, writes_nothing):
    factories.user(email=EMAIL)
    _ask(client)
    path = _link(mails)
    assert _set(client, path).status_code == 302
    with writes_nothing():
        response = _set(client, path, "Noch ein ganz anderer Satz")
    assert response.status_code == 404
    assert "bereits verwendet" in response.get_data(as_text=True)
    assert 'href="/password/forgot"' in response.get_data(as_text=True)


def test_v6_4_1_a_reset_link_expires_after_one_hour(client, db, mails, writes_nothing):
    factories.user(email=EMAIL)
    _ask(client)
    path = _link(mails)
    reset = db.session.scalar(select(PasswordReset))
    reset.requested_at -= timedelta(hours=1, seconds=1)
    db.session.flush()
    with writes_nothing():
        assert client.get(path).status_code == 404
        assert _set(client, path).status_code == 404


def test_v6_4_1_an_unknown_link_shows_a_way_to_ask_again(client, db, writes_nothing):
    with writes_nothing():
        response = client.get("/password/reset/" + "x" * 43)
    assert response.status_code == 404
    assert 'href="/password/forgot"' in response.get_data(as_text=True)


def test_v7_4_1_a_reset_by_link_ends_every_session_of_the_user(app, client, db, mails):
    user = factories.user(email=EMAIL)
    browser = app.test_client()
    assert sign_in(browser, EMAIL, factories.PASSWORD, remember="y").status_code == 302
    _ask(client)
    _set(client, _link(mails))
    assert browser.get("/account").status_code == 302
    assert db.session.scalar(select(func.count(RememberToken.id))) == 0
    db.session.refresh(user)
    assert user.session_generation > 0


def test_v6_4_1_a_new_password_makes_earlier_links_useless(client, db, mails, login_as):
    user = factories.user(email=EMAIL)
    _ask(client)
    path = _link(mails)
    # The user remembers the password after all and changes it.
    start_session(client, user)
    client.post(
        "/account",
        data={
            "current": factories.PASSWORD,
            "new": "Mein eigener neuer Satz 7",
            "confirm": "Mein eigener neuer Satz 7",
            "csrf_token": csrf_token(client, "/account"),
        },
    )
    assert client.get(path).status_code == 404


def test_v6_2_the_new_password_follows_the_rules_and_the_link_stays_usable(
    client, db, mails, writes_nothing
):
    factories.user(email=EMAIL)
    _ask(client)
    path = _link(mails)
    with writes_nothing():
        response = _set(client, path, "Passwort1234")
    assert response.status_code == 422
    assert "zu leicht zu erraten" in response.get_data(as_text=True)
    with writes_nothing():
        response = _set(client, path, NEW, "etwas anderes")
    assert response.status_code == 422
    assert _set(client, path).status_code == 302


def test_v6_4_2_the_answer_is_the_same_whether_or_not_the_account_exists(
    app, db, count_queries, monkeypatch
):
    """The request runs the same statements and enqueues the same job for an address with and
    without an account; only the job, after the answer, looks the account up."""
    factories.user(email=EMAIL)
    enqueued = []
    monkeypatch.setattr(services, "enqueue", lambda job, *args: enqueued.append(job.__name__))
    answers = []
    for email in (EMAIL, "nobody@musterstadt.example"):
        browser = app.test_client()
        csrf_token(browser, "/password/forgot")
        with count_queries() as statements:
            response = _ask(browser, email)
        flashed = browser.get("/login").get_data(as_text=True).replace(email, "EMAIL")
        flashed = re.sub(r'value="[\w.-]{60,}"', "", flashed)
        answers.append((response.status_code, response.headers["Location"], flashed, statements))
    assert answers[0][:2] == answers[1][:2]
    assert answers[0][2] == answers[1][2]
    assert answers[0][3] == answers[1][3]
    assert "Falls zu EMAIL ein Konto gehört" in answers[0][2]
    assert enqueued == ["send_password_reset_mail"] * 2


def test_an_inactive_account_gets_no_link(client, db, mails):
    factories.user(email=EMAIL, active=False)
    assert _ask(client).status_code == 302
    assert "Mail to" not in mails.text


def test_v6_3_1_requests_are_limited_per_client_address(client, db, app, mails, writes_nothing):
    limit = app.config["PASSWORD_RESET_MAX_PER_ADDRESS"]
    for number in range(limit):
        assert _ask(client, f"person{number}@musterstadt.example").status_code == 302
    with writes_nothing():
        response = _ask(client, "one.more@musterstadt.example")
    assert response.status_code == 429
    assert "Zu viele Anfragen" in response.get_data(as_text=True)
    assert 'value="one.more@musterstadt.example"' in response.get_data(as_text=True)


def test_one_address_gets_at_most_three_mails_an_hour(app, db, mails):
    factories.user(email=EMAIL)
    for _ in range(5):
        assert _ask(app.test_client()).status_code == 302
    assert mails.text.count(f"Mail to {EMAIL}") == 3


def test_a_failed_send_leaves_no_usable_link(client, db, monkeypatch):
    factories.user(email=EMAIL)

    def broken(mail):
        raise OSError("mail server down")

    monkeypatch.setattr("portal.notifications.services.send_mail", broken)
    assert _ask(client).status_code == 302
    assert db.session.scalar(select(PasswordReset.token_hash)) is None
