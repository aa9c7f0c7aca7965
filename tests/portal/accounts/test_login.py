"""Signing in and out: credentials, rate limits, cookies, CSRF and redirects."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from portal.accounts.models import LoginAttempt, Role
from tests import factories
from tests.conftest import csrf_token


def _login(client, email, password, **extra):
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/login")}
    data.update(extra)
    return client.post("/login", data=data)


def test_valid_credentials_sign_in_and_lead_to_the_start_page(client, db):
    factories.user(email="aylin.demir@musterstadt.example")
    response = _login(client, "Aylin.Demir@musterstadt.example ", factories.PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert client.get("/").status_code == 200


def test_session_cookie_is_http_only_and_same_site(client, db):
    factories.user(email="a@musterstadt.example")
    response = _login(client, "a@musterstadt.example", factories.PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    ("email", "password"),
    [("a@musterstadt.example", "wrong password here"), ("nobody@musterstadt.example", "x" * 12)],
)
def test_wrong_credentials_are_refused_with_the_same_message_and_keep_the_e_mail(
    client, db, email, password
):
    factories.user(email="a@musterstadt.example")
    response = _login(client, email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 401
    assert "E-Mail-Adresse oder Passwort ist falsch." in html
    assert f'value="{email}"' in html
    assert client.get("/").status_code == 302


def test_inactive_user_cannot_sign_in(client, db):
    factories.user(email="gone@musterstadt.example", active=False)
    assert _login(client, "gone@musterstadt.example", factories.PASSWORD).status_code == 401


def test_deactivated_user_loses_an_open_session(client, db, login_as):
    user = login_as(Role.EMPLOYEE)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.flush()
    assert client.get("/").status_code == 302


def test_failed_attempts_lock_the_account_for_a_while_even_with_the_right_password(client, db, app):
    factories.user(email="target@musterstadt.example")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert _login(client, "target@musterstadt.example", "guess guess guess").status_code == 401
    response = _login(client, "target@musterstadt.example", factories.PASSWORD)
    assert response.status_code == 429
    assert "Zu viele fehlgeschlagene Anmeldeversuche" in response.get_data(as_text=True)


def test_failed_attempts_from_one_address_are_limited_across_accounts(client, db, app):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for number in range(limit):
        _login(client, f"probe{number}@musterstadt.example", "guess guess guess")
    factories.user(email="fresh@musterstadt.example")
    assert _login(client, "fresh@musterstadt.example", factories.PASSWORD).status_code == 429


def test_a_successful_sign_in_resets_the_failure_count(client, db, app):
    factories.user(email="forgetful@musterstadt.example")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit - 1):
        _login(client, "forgetful@musterstadt.example", "guess guess guess")
    assert _login(client, "forgetful@musterstadt.example", factories.PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    for _ in range(limit - 1):
        _login(client, "forgetful@musterstadt.example", "guess guess guess")
    assert _login(client, "forgetful@musterstadt.example", factories.PASSWORD).status_code == 302


def test_every_attempt_is_recorded(client, db):
    factories.user(email="a@musterstadt.example")
    _login(client, "a@musterstadt.example", "wrong password here")
    _login(client, "a@musterstadt.example", factories.PASSWORD)
    attempts = db.session.execute(
        select(LoginAttempt.succeeded, func.count())
        .where(LoginAttempt.email == "a@musterstadt.example")
        .group_by(LoginAttempt.succeeded)
    ).all()
    assert dict(attempts) == {False: 1, True: 1}


def test_login_without_csrf_token_is_refused(client, db):
    factories.user(email="a@musterstadt.example")
    response = client.post(
        "/login", data={"email": "a@musterstadt.example", "password": factories.PASSWORD}
    )
    assert response.status_code == 400
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil"])
def test_login_never_redirects_to_another_site(client, db, target):
    factories.user(email="a@musterstadt.example")
    response = _login(client, "a@musterstadt.example", factories.PASSWORD, next=target)
    assert response.headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for(client, db):
    factories.user(email="a@musterstadt.example", roles={Role.ADMIN})
    response = _login(client, "a@musterstadt.example", factories.PASSWORD, next="/admin/users")
    assert response.headers["Location"] == "/admin/users"


def test_logout_ends_the_session(client, db, login_as):
    login_as()
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_logout_needs_a_post_with_csrf_token(client, db, login_as):
    login_as()
    # A GET leads to the start page, still signed in.
    response = client.get("/logout")
    assert (response.status_code, response.headers["Location"]) == (303, "/")
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200


def test_behind_a_proxy_the_rate_limit_counts_the_forwarded_client_address(app, db):
    import config
    from portal import create_app

    proxied = create_app(
        config.TestingConfig(
            PROXY_HOPS=1, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
        )
    )
    client = proxied.test_client()
    client.post(
        "/login",
        data={"email": "x@musterstadt.example", "password": "wrong password here",
              "csrf_token": csrf_token(client, "/login")},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )  # fmt: skip
    addresses = db.session.scalars(select(LoginAttempt.address)).all()
    assert addresses == ["203.0.113.7"]


def test_stay_signed_in_sets_a_remember_cookie_of_limited_lifetime(client, db):
    factories.user(email="a@musterstadt.example")
    response = _login(client, "a@musterstadt.example", factories.PASSWORD, remember="y")
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(cookie for cookie in cookies if cookie.startswith("remember_token="))
    assert "HttpOnly" in remember
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)
