"""Sessions end on the server (ASVS 5.0 V7): sign-out, new passwords, deactivation and "sign out
on all other devices" end them everywhere; they expire when idle and after a maximum time;
"stay signed in" tokens are random, stored hashed, single-use and revocable."""

import hashlib
import time
from datetime import timedelta

from sqlalchemy import func, select

from portal.accounts import sessions
from portal.accounts.models import RememberToken, Role
from tests import factories
from tests.conftest import csrf_token, start_session
from tests.portal.accounts import sign_in

EMAIL = "aylin.demir@musterstadt.example"
REMEMBER = sessions.COOKIE


def _signed_in(app, *, remember=False):
    """Return a new browser signed in as the user with `EMAIL` through the form."""
    browser = app.test_client()
    extra = {"remember": "y"} if remember else {}
    assert sign_in(browser, EMAIL, factories.PASSWORD, **extra).status_code == 302
    return browser


def _copy(app, browser, *names):
    """Return a new browser holding copies of *browser*'s cookies *names*."""
    thief = app.test_client()
    for name in names:
        cookie = browser.get_cookie(name)
        assert cookie is not None, name
        thief.set_cookie(name, cookie.value)
    return thief


def _opens_account(browser):
    return browser.get("/account").status_code == 200


def test_v7_4_1_a_session_cookie_copied_before_sign_out_opens_nothing_afterwards(app, db):
    factories.user(email=EMAIL)
    browser = _signed_in(app)
    copy = _copy(app, browser, "session")
    assert _opens_account(copy)
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    assert not _opens_account(copy)
    assert not _opens_account(browser)


def test_v7_4_1_a_remember_cookie_copied_before_sign_out_opens_nothing_afterwards(app, db):
    factories.user(email=EMAIL)
    browser = _signed_in(app, remember=True)
    copy = _copy(app, browser, REMEMBER)
    browser.post("/logout", data={"csrf_token": csrf_token(browser, "/account")})
    assert browser.get_cookie(REMEMBER) is None
    assert not _opens_account(copy)
    assert db.session.scalar(select(func.count(RememberToken.id))) == 0


def test_v7_2_4_the_remember_token_is_random_at_every_sign_in_and_stored_hashed(app, db):
    factories.user(email=EMAIL)
    tokens = [_signed_in(app, remember=True).get_cookie(REMEMBER).value for _ in range(2)]
    assert tokens[0] != tokens[1]
    assert len(tokens[0]) >= 43  # 32 random bytes
    stored = set(db.session.scalars(select(RememberToken.token_hash)))
    assert stored == {hashlib.sha256(token.encode()).hexdigest() for token in tokens}


def test_v7_2_4_a_remember_token_is_used_once_and_replaced(app, db):
    factories.user(email=EMAIL)
    browser = _signed_in(app, remember=True)
    first = _copy(app, browser, REMEMBER)
    assert _opens_account(first)
    replacement = first.get_cookie(REMEMBER).value
    assert replacement != browser.get_cookie(REMEMBER).value
    # The old token was used up; the new one opens a session once more.
    assert not _opens_account(_copy(app, browser, REMEMBER))
    assert _opens_account(_copy(app, first, REMEMBER))


def test_v7_3_2_rotation_keeps_the_expiry_of_stay_signed_in(app, db):
    factories.user(email=EMAIL)
    browser = _signed_in(app, remember=True)
    expires = db.session.scalar(select(RememberToken.expires_at))
    _opens_account(_copy(app, browser, REMEMBER))
    db.session.expire_all()
    token = db.session.scalar(select(RememberToken))
    assert token.expires_at == expires
    assert token.last_used_at is not None


def test_v7_3_2_an_expired_remember_token_opens_nothing(app, db):
    factories.user(email=EMAIL)
    browser = _signed_in(app, remember=True)
    token = db.session.scalar(select(RememberToken))
    token.expires_at = token.created_at - timedelta(seconds=1)
    db.session.flush()
    assert not _opens_account(_copy(app, browser, REMEMBER))


def test_v7_3_1_a_session_ends_after_the_idle_time(client, db, app, login_as):
    login_as()
    idle = app.config["SESSION_IDLE_MINUTES"] * 60
    with client.session_transaction() as session:
        session[sessions.SEEN_AT] = time.time() - idle + 60
    assert _opens_account(client)
    with client.session_transaction() as session:
        session[sessions.SEEN_AT] = time.time() - idle - 1
    assert not _opens_account(client)
    assert not _opens_account(client)


def test_v7_3_2_a_session_ends_at_the_latest_after_the_maximum_time(client, db, app, login_as):
    login_as()
    with client.session_transaction() as session:
        session[sessions.SIGNED_IN_AT] = time.time() - app.config["SESSION_MAX_HOURS"] * 3600 - 1
    # Busy until now, but signed in too long ago.
    assert not _opens_account(client)


def test_v7_3_2_no_session_cookie_is_read_after_the_maximum_time(app):
    assert app.permanent_session_lifetime == timedelta(hours=app.config["SESSION_MAX_HOURS"])
    assert app.config["SESSION_MAX_HOURS"] == 12
    assert app.config["SESSION_IDLE_MINUTES"] == 60


def test_v7_3_1_stay_signed_in_starts_a_new_session_when_the_old_one_idled_out(app, db):
    factories.user(email=EMAIL)
    browser = _signed_in(app, remember=True)
    with browser.session_transaction() as session:
        session[sessions.SEEN_AT] = time.time() - app.config["SESSION_IDLE_MINUTES"] * 60 - 1
    old_token = browser.get_cookie(REMEMBER).value
    assert _opens_account(browser)
    assert browser.get_cookie(REMEMBER).value != old_token


def test_v7_4_3_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, db):
    factories.user(email=EMAIL)
    here = _signed_in(app, remember=True)
    elsewhere = _signed_in(app, remember=True)
    remembered_elsewhere = _copy(app, elsewhere, REMEMBER)
    response = here.post(
        "/account",
        data={
            "current": factories.PASSWORD,
            "new": "Ein langer neuer Satz 2026",
            "confirm": "Ein langer neuer Satz 2026",
            "csrf_token": csrf_token(here, "/account"),
        },
    )
    assert response.status_code == 302
    assert _opens_account(here)
    assert not _opens_account(elsewhere)
    assert not _opens_account(remembered_elsewhere)
    # This device stays signed in, with a new token.
    assert _opens_account(_copy(app, here, REMEMBER))
    assert db.session.scalar(select(func.count(RememberToken.id))) == 1


def test_v7_4_2_an_administrator_s_new_password_ends_the_user_s_sessions(app, db):
    user = factories.user(email=EMAIL)
    browser = _signed_in(app, remember=True)
    admin = app.test_client()
    start_session(admin, factories.user(roles={Role.ADMIN}))
    response = admin.post(
        f"/admin/users/{user.id}/password",
        data={
            "password": "Neues Startpasswort",
            "csrf_token": csrf_token(admin, f"/admin/users/{user.id}"),
        },
    )
    assert response.status_code == 302
    assert not _opens_account(browser)
    assert not _opens_account(_copy(app, browser, REMEMBER))


def test_v7_4_2_deactivation_ends_the_user_s_sessions(app, db):
    user = factories.user(email=EMAIL, name="Aylin Demir")
    browser = _signed_in(app, remember=True)
    remembered = _copy(app, browser, REMEMBER)
    admin = app.test_client()
    start_session(admin, factories.user(roles={Role.ADMIN}))
    response = admin.post(
        f"/admin/users/{user.id}",
        data={
            "name": "Aylin Demir",
            "email": EMAIL,
            "locale": "de",
            "roles": ["employee"],
            "csrf_token": csrf_token(admin, f"/admin/users/{user.id}"),
        },
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.active
    # Active again, the user must still sign in anew.
    user.active = True
    db.session.flush()
    assert not _opens_account(browser)
    assert not _opens_account(remembered)


def test_v7_5_2_sign_out_on_all_other_devices_keeps_this_one(app, db):
    factories.user(email=EMAIL)
    here = _signed_in(app, remember=True)
    elsewhere = _signed_in(app)
    remembered_elsewhere = _signed_in(app, remember=True)
    old_cookie = here.get_cookie(REMEMBER).value
    response = here.post("/account/sessions", data={"csrf_token": csrf_token(here, "/account")})
    assert response.status_code == 302
    assert "auf allen anderen Geräten abgemeldet" in here.get("/account").get_data(as_text=True)
    assert not _opens_account(elsewhere)
    assert not _opens_account(remembered_elsewhere)
    assert here.get_cookie(REMEMBER).value != old_cookie
    assert _opens_account(_copy(app, here, REMEMBER))


def test_v7_5_2_the_account_page_offers_to_sign_out_elsewhere(client, db, login_as):
    login_as()
    html = client.get("/account").get_data(as_text=True)
    assert 'action="/account/sessions"' in html
    assert "Auf allen anderen Geräten abmelden" in html


def test_v3_5_1_the_csrf_tokens_of_an_ended_session_are_refused(app, db, writes_nothing):
    factories.user(email=EMAIL)
    here = _signed_in(app)
    elsewhere = _signed_in(app)
    token = csrf_token(elsewhere, "/account")
    here.post("/account/sessions", data={"csrf_token": csrf_token(here, "/account")})
    with writes_nothing():
        # The ended session is cleared at its next request, with the secret of its tokens ...
        response = elsewhere.post("/language/en", data={"csrf_token": token, "next": "/"})
        assert response.status_code == 302
        # ... so they no longer pass, not even for a page that needs no account.
        response = elsewhere.post("/language/en", data={"csrf_token": token, "next": "/"})
        assert response.status_code == 400


def test_signing_out_clears_the_session_and_its_csrf_secret(client, db, login_as, writes_nothing):
    login_as()
    token = csrf_token(client, "/account")
    client.post("/logout", data={"csrf_token": token})
    with client.session_transaction() as session:
        assert set(session) <= {"locale", "_flashes"}
    with writes_nothing():
        assert client.post("/language/en", data={"csrf_token": token}).status_code == 400


def test_an_ended_session_s_post_writes_nothing(app, db, writes_nothing):
    factories.user(email=EMAIL)
    here = _signed_in(app)
    elsewhere = _signed_in(app)
    token = csrf_token(elsewhere, "/account")
    here.post("/account/sessions", data={"csrf_token": csrf_token(here, "/account")})
    with writes_nothing():
        response = elsewhere.post(
            "/account",
            data={
                "current": factories.PASSWORD,
                "new": "Ein langer neuer Satz 2026",
                "confirm": "Ein langer neuer Satz 2026",
                "csrf_token": token,
            },
        )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
