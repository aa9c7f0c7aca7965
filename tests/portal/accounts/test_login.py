"""Signing in and out: credentials, rate limits, cookies, CSRF and redirects."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import func, select

from portal.accounts import services
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


def _age_attempts(db, seconds):
    """Let every recorded sign-in attempt have happened *seconds* earlier."""
    for attempt in db.session.scalars(select(LoginAttempt)):
        attempt.at -= timedelta(seconds=seconds)
    db.session.flush()


def test_v6_3_1_failed_attempts_slow_an_account_down_step_by_step_without_locking_it(
    client, db, app, writes_nothing, monkeypatch
):
    factories.user(email="target@musterstadt.example")
    free = app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    for _ in range(free + 1):
        assert _login(client, "target@musterstadt.example", "guess guess guess").status_code == 401
    # After the first failure beyond the free ones, the next try must wait one second: tried a
    # moment after the last failure (the clock stands still there, however long the test takes) ...
    latest = db.session.scalar(select(func.max(LoginAttempt.at)))
    monkeypatch.setattr(services, "utcnow", lambda: latest + timedelta(milliseconds=200))
    with writes_nothing():
        response = _login(client, "target@musterstadt.example", factories.PASSWORD)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert "Bitte warten Sie 1 Sekunde" in response.get_data(as_text=True)
    # ... and then whoever knows the password gets in.
    _age_attempts(db, 1)
    assert _login(client, "target@musterstadt.example", factories.PASSWORD).status_code == 302


def test_v6_3_1_the_wait_doubles_with_each_failure_up_to_the_cap(app):
    free = app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    cap = app.config["LOGIN_MAX_DELAY_SECONDS"]
    with app.app_context():
        waits = [services.account_delay(n) for n in range(free + 12)]
        assert services.account_delay(10_000) == cap
    assert waits[: free + 1] == [0] * (free + 1)
    assert waits[free + 1 : free + 7] == [1, 2, 4, 8, 16, 32]
    assert max(waits) == cap


def test_v6_3_1_a_colleague_cannot_lock_the_owner_out(client, db, app):
    """Twenty wrong passwords from one address hold the account back by the longest wait at
    most; the owner, from another address, then signs in."""
    factories.user(email="target@musterstadt.example")
    cap = app.config["LOGIN_MAX_DELAY_SECONDS"]
    for _ in range(20):
        _login(client, "target@musterstadt.example", "guess guess guess")
        _age_attempts(db, cap)
    owner = app.test_client()
    response = _login(owner, "target@musterstadt.example", factories.PASSWORD)
    assert response.status_code == 302


def test_v6_3_1_the_wait_does_not_tell_whether_the_account_exists(client, db, app, monkeypatch):
    factories.user(email="exists@musterstadt.example")
    # Every try at the same moment: the waits of both accounts do not depend on how fast the
    # machine runs the test.
    moment = datetime.now(UTC)
    monkeypatch.setattr(services, "utcnow", lambda: moment)
    answers = []
    for email in ("exists@musterstadt.example", "nobody@musterstadt.example"):
        for _ in range(app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"] + 3):
            _login(client, email, "guess guess guess")
        response = _login(client, email, factories.PASSWORD)
        html = response.get_data(as_text=True).replace(email, "EMAIL")
        html = re.sub(r'value="[\w.-]{60,}"', "", html)
        answers.append((response.status_code, response.headers["Retry-After"], html))
    assert answers[0] == answers[1]
    assert answers[0][0] == 429


def test_failed_attempts_from_one_address_are_limited_across_accounts(client, db, app):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for number in range(limit):
        _login(client, f"probe{number}@musterstadt.example", "guess guess guess")
    factories.user(email="fresh@musterstadt.example")
    response = _login(client, "fresh@musterstadt.example", factories.PASSWORD)
    assert response.status_code == 429
    window = app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60
    assert window - 5 <= int(response.headers["Retry-After"]) <= window
    assert "Bitte warten Sie 15 Minuten" in response.get_data(as_text=True)


def test_v6_3_1_own_successful_sign_in_does_not_reset_the_count_of_an_address(client, db, app):
    """An insider who signs in to their own account in between still gets no more than the
    limit of guesses at colleagues' passwords from their address."""
    factories.user(email="insider@musterstadt.example")
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for number in range(limit - 1):
        _login(client, f"colleague{number}@musterstadt.example", "guess guess guess")
    assert _login(client, "insider@musterstadt.example", factories.PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    assert _login(client, "colleague99@musterstadt.example", "guess").status_code == 401
    assert _login(client, "colleague98@musterstadt.example", "guess").status_code == 429


def test_v6_3_1_the_address_may_try_again_once_failures_leave_the_window(client, db, app):
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    for number in range(limit):
        _login(client, f"probe{number}@musterstadt.example", "guess guess guess")
    factories.user(email="fresh@musterstadt.example")
    assert _login(client, "fresh@musterstadt.example", factories.PASSWORD).status_code == 429
    _age_attempts(db, app.config["LOGIN_FAILURE_WINDOW_MINUTES"] * 60)
    assert _login(client, "fresh@musterstadt.example", factories.PASSWORD).status_code == 302


def test_a_successful_sign_in_lets_the_account_start_afresh(client, db, app):
    factories.user(email="forgetful@musterstadt.example")
    free = app.config["LOGIN_FREE_FAILURES_PER_ACCOUNT"]
    for _ in range(free):
        _login(client, "forgetful@musterstadt.example", "guess guess guess")
    assert _login(client, "forgetful@musterstadt.example", factories.PASSWORD).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account")})
    for _ in range(free):
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
    remember = next(cookie for cookie in cookies if cookie.startswith("wandelwerk_remember="))
    assert "HttpOnly" in remember
    assert "SameSite=Lax" in remember
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14)
    assert not any(cookie.startswith("remember_token=") for cookie in cookies)


def test_v6_3_1_a_password_too_long_to_be_one_is_refused_and_counted(client, db):
    factories.user(email="a@musterstadt.example")
    response = _login(client, "a@musterstadt.example", "x" * 100_000)
    assert response.status_code == 401
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 1


def test_sign_in_attempts_are_forgotten_after_30_days_everywhere(db):
    """The privacy policy promises that sign-in attempts are kept for 30 days."""
    from datetime import timedelta

    from portal.accounts.services import forget_old_sign_in_records
    from portal.core.models import utcnow
    from portal.core.tenancy import across_tenants

    old = LoginAttempt(email="a@x.example", address="1.2.3.4", succeeded=False)
    recent = LoginAttempt(email="b@x.example", address="1.2.3.4", succeeded=False)
    old.at, recent.at = utcnow() - timedelta(days=31), utcnow() - timedelta(days=29)
    db.session.add_all([old, recent])
    db.session.flush()
    with across_tenants():
        forget_old_sign_in_records()
    assert db.session.scalars(select(LoginAttempt.email)).all() == ["b@x.example"]
