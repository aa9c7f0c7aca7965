"""Sessions of signed-in users (ASVS V7): what the session cookie holds, when a session ends,
and the cookie of a device that stays signed in.

The session is Flask's signed cookie. At sign-in it gets the user's *session generation*, the
time of the sign-in and the time of the last request. Flask-Login's user loader calls
`is_current` on every request: the session ends when the generation no longer matches (the
user signed out, changed or reset the password, was deactivated, or signed out on other
devices), after `SESSION_IDLE_MINUTES` without a request, or `SESSION_MAX_HOURS` after the
sign-in. An ended session is cleared, and with it the secret of its CSRF tokens.

"Stay signed in on this device" does not use Flask-Login's remember cookie (the signed user
id, the same at every sign-in and valid until it expires): the cookie `COOKIE` holds a random
token whose SHA-256 is stored (`RememberToken`). Flask-Login's request loader turns it into a
new session when the session has ended; each use replaces the token by a new one. The new
cookie is sent only if the request's unit of work committed, so a refused request leaves the
device with the token the database still knows.

This module is the HTTP side of the accounts services: it alone reads and writes the session
and the cookie.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from flask import Flask, Request, Response, current_app, g, request, session
from flask_login import login_user, logout_user

from portal.accounts import services
from portal.accounts.models import User
from portal.core import tenancy
from portal.core.transactions import on_commit, will_write

GENERATION = "_ww_generation"
SIGNED_IN_AT = "_ww_signed_in_at"
SEEN_AT = "_ww_seen_at"
#: When the device's "stay signed in" ends (a UNIX time), if it stays signed in.
REMEMBER_UNTIL = "_ww_remember_until"
#: The cookie of a device that stays signed in; not Flask-Login's `remember_token`.
COOKIE = "wandelwerk_remember"
#: Flask-Login's own remember cookie, which the portal no longer sets; old ones are removed.
_LEGACY_COOKIE = "remember_token"
#: The time of the last request is written into the cookie at most this often (seconds).
_SEEN_STEP = 60
#: What stays in the session when a session ends.
_KEPT = ("locale",)
_COOKIE_CHANGE = "wandelwerk_remember_cookie"


def session_values(user: User, now: float | None = None) -> dict[str, object]:
    """Return what the session of *user*, signed in at *now*, holds (Flask-Login's keys and
    the portal's)."""
    now = time.time() if now is None else now
    return {
        "_user_id": user.get_id(),
        "_fresh": True,
        GENERATION: user.session_generation,
        SIGNED_IN_AT: now,
        SEEN_AT: now,
    }


def _clear() -> None:
    kept = {key: session[key] for key in _KEPT if key in session}
    session.clear()
    session.update(kept)


def _begin(user: User, *, fresh: bool, remember_until: datetime | None) -> None:
    _clear()
    login_user(user, fresh=fresh)
    now = time.time()
    session.update({GENERATION: user.session_generation, SIGNED_IN_AT: now, SEEN_AT: now})
    if remember_until is not None:
        session[REMEMBER_UNTIL] = remember_until.timestamp()
    session["locale"] = user.locale


def _send_cookie_after_commit(token: str, expires: datetime) -> None:
    def stash() -> None:
        g.setdefault(_COOKIE_CHANGE, {})["set"] = (token, expires)

    on_commit(stash)


def sign_in(user: User, *, remember: bool) -> None:
    """Start a fresh session for *user*, who gave the password; with *remember*, let this
    device stay signed in."""
    remember_until = None
    if remember:
        token, remember_until = services.remember_device(user)
        _send_cookie_after_commit(token, remember_until)
    _begin(user, fresh=True, remember_until=remember_until)


def sign_out() -> None:
    """End this browser's session and forget its "stay signed in" cookie (the caller ends the
    user's sessions on the server)."""
    logout_user()
    _clear()
    g.setdefault(_COOKIE_CHANGE, {})["delete"] = True


def renew(user: User) -> None:
    """Keep this browser's session after *user*'s sessions were ended elsewhere (a new
    password, "sign out on other devices"): take the new generation, and give a device that
    stays signed in a new token until its old expiry."""
    session[GENERATION] = user.session_generation
    until = session.get(REMEMBER_UNTIL)
    if isinstance(until, int | float) and until > time.time():
        expires = datetime.fromtimestamp(until, tz=UTC)
        token, _ = services.remember_device(user, expires_at=expires)
        _send_cookie_after_commit(token, expires)
    else:
        session.pop(REMEMBER_UNTIL, None)


def is_current(user: User) -> bool:
    """Tell whether this request's session of *user* is still valid; note the request."""
    config = current_app.config
    generation, signed_in, seen = (session.get(k) for k in (GENERATION, SIGNED_IN_AT, SEEN_AT))
    if generation != user.session_generation:
        return False
    if not isinstance(signed_in, int | float) or not isinstance(seen, int | float):
        return False
    now = time.time()
    if now - seen > config["SESSION_IDLE_MINUTES"] * 60:
        return False
    if now - signed_in > config["SESSION_MAX_HOURS"] * 3600:
        return False
    if now - seen >= _SEEN_STEP:
        session[SEEN_AT] = now
    return True


def end() -> None:
    """Clear a session that has ended, with the secret of its CSRF tokens."""
    _clear()


def load_from_cookie(req: Request) -> User | None:
    """Start a new session from the "stay signed in" cookie (Flask-Login's request loader)."""
    token = req.cookies.get(COOKIE, "")
    if not token or len(token) > 100 or not tenancy.has_tenant():
        return None
    # The token is used up and replaced, even when the device only opens a page.
    will_write()
    found = services.use_remember_token(token)
    if found is None:
        # Unknown, used or revoked. The cookie is left alone: a second request racing with
        # the one that replaced it must not delete the replacement.
        return None
    user, replacement, expires = found
    _send_cookie_after_commit(replacement, expires)
    _begin(user, fresh=False, remember_until=expires)
    return user


def _write_cookie(response: Response) -> Response:
    change = g.pop(_COOKIE_CHANGE, {})
    config = current_app.config
    options = {
        "path": "/",
        "secure": bool(config.get("REMEMBER_COOKIE_SECURE", False)),
        "httponly": True,
        "samesite": config["REMEMBER_COOKIE_SAMESITE"],
    }
    if "set" in change:
        token, expires = change["set"]
        response.set_cookie(COOKIE, token, expires=expires, **options)
    elif change.get("delete"):
        response.delete_cookie(COOKIE, **options)
    if _LEGACY_COOKIE in request.cookies:
        response.delete_cookie(_LEGACY_COOKIE, path="/")
    return response


def init_app(app: Flask) -> None:
    """Send the cookie changes of each request once its unit of work has ended.

    Registered before the portal's hook that commits (`after_request` hooks run in reverse),
    so it runs after it and knows whether the change was committed.
    """
    app.after_request(_write_cookie)
