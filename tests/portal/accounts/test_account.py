"""One's own account: password change, initial passwords, language."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from flask_babel import force_locale
from sqlalchemy import func, select

from portal.accounts import services
from portal.accounts.models import LoginAttempt, Role
from tests import factories
from tests.conftest import csrf_token


def _change(client, current, new, confirm=None):
    return client.post(
        "/account",
        data={
            "current": current,
            "new": new,
            "confirm": new if confirm is None else confirm,
            "csrf_token": csrf_token(client, "/account"),
        },
    )


def test_password_change_replaces_the_hash_with_argon2id(client, db, login_as):
    user = login_as()
    response = _change(client, factories.PASSWORD, "Ein langer neuer Satz 2026")
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    PasswordHasher().verify(user.password_hash, "Ein langer neuer Satz 2026")


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong current pw", "Ein langer neuer Satz", None, "Das aktuelle Passwort ist falsch."),
        (factories.PASSWORD, "zu kurz", None, "Mindestens 12 Zeichen."),
        (factories.PASSWORD, "Ein langer neuer Satz", "anders", "stimmen nicht überein"),
        (factories.PASSWORD, factories.PASSWORD, None, "muss sich vom aktuellen unterscheiden"),
    ],
)
def test_password_change_refuses_bad_input_and_says_why(
    client, db, login_as, current, new, confirm, message
):
    user = login_as()
    old_hash = user.password_hash
    response = _change(client, current, new, confirm)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_password_must_not_be_the_e_mail_address(client, db, login_as):
    login_as(email="lena.meier.stadt@musterstadt.example")
    response = _change(client, factories.PASSWORD, "lena.meier.stadt@musterstadt.example")
    assert response.status_code == 422
    assert "nicht Ihr Name oder Ihre E-Mail-Adresse" in response.get_data(as_text=True)


def test_initial_password_must_be_replaced_before_anything_else(client, db):
    user = factories.user(email="new@musterstadt.example", must_change_password=True)
    response = client.post(
        "/login",
        data={
            "email": "new@musterstadt.example",
            "password": factories.PASSWORD,
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.headers["Location"] == "/account"
    assert client.get("/").headers["Location"] == "/account"
    # What anybody may read without an account stays open (the privacy policy, the help).
    assert client.get("/privacy").status_code == 200
    assert client.get("/help/").status_code == 200
    assert _change(client, factories.PASSWORD, "Mein eigenes Passwort 1").status_code == 302
    db.session.refresh(user)
    assert not user.must_change_password
    assert client.get("/").status_code == 200


def test_language_switch_is_remembered_for_the_user(client, db, login_as):
    user = login_as(Role.EMPLOYEE)
    response = client.post(
        "/language/en", data={"next": "/account", "csrf_token": csrf_token(client, "/")}
    )
    assert response.headers["Location"] == "/account"
    db.session.refresh(user)
    assert user.locale == "en"
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)


def test_language_switch_works_without_an_account(client, db):
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/login")})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in" in html


def test_unknown_language_changes_nothing(client, db):
    client.post("/language/fr", data={"csrf_token": csrf_token(client, "/login")})
    assert '<html lang="de">' in client.get("/login").get_data(as_text=True)


def test_dates_are_shown_the_german_way(app):
    template = app.jinja_env.from_string("{{ d|date }}")
    with app.test_request_context(), force_locale("de"):
        assert template.render(d=datetime(2026, 11, 22, 10, 0, tzinfo=UTC)) == "22.11.2026"


def test_a_wrong_current_password_is_reported_under_current_password(
    client, db, login_as, writes_nothing
):
    login_as()
    with writes_nothing(except_tables={"login_attempt"}):
        response = _change(client, "wrong current pw", "Ein langer neuer Satz 2026")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(r'<p class="kern-error" id="([^"]+)-error"[^>]*>(.*?)</p>', html, re.S)
    assert error is not None
    assert error.group(1) == "current"
    assert "Das aktuelle Passwort ist falsch." in error.group(2)
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="current"', html)


def test_v6_3_1_guessing_the_current_password_of_an_open_session_is_slowed_down(
    client, db, app, login_as, writes_nothing, monkeypatch
):
    """A session left open must not allow guessing its user's password without limit: wrong
    current passwords count as failed sign-ins of the account."""
    user = login_as()
    for _ in range(app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"] + 1):
        assert _change(client, "wrong current pw", "Ein langer neuer Satz 2026").status_code == 422
    attempts = db.session.scalars(
        select(LoginAttempt.succeeded).where(LoginAttempt.email == user.email)
    ).all()
    assert attempts == [False] * (app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"] + 1)
    # Tried a moment after the last failure: the clock stands still there, however long the
    # test takes, so the wait cannot pass before the try.
    latest = db.session.scalar(select(func.max(LoginAttempt.at)))
    monkeypatch.setattr(services, "utcnow", lambda: latest + timedelta(milliseconds=200))
    with writes_nothing():
        response = _change(client, factories.PASSWORD, "Ein langer neuer Satz 2026")
    assert response.status_code == 429
