"""Accounts: municipalities, users, roles and org units; log-in and passwords."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core import tenancy
from portal.core.access import PUBLIC, declared_access
from portal.core.jobs import register_jobs
from portal.extensions import db, login_manager

#: Pages a user who must replace an initial password may still open, besides those that anybody
#: may open without an account (legal pages, help, the language switch, password reset).
_WHILE_PASSWORD_MUST_CHANGE = frozenset(
    {"accounts.account", "accounts.end_other_sessions", "accounts.logout", "static"}
)


def init_app(app: Flask) -> None:
    """Load the signed-in user, keep initial passwords from being used, serve the account pages."""
    from portal.accounts import sessions
    from portal.accounts.services import (
        current_municipality,
        forget_old_sign_in_records,
        send_password_reset_mail,
    )
    from portal.accounts.views import bp

    app.register_blueprint(bp)
    register_jobs(app, [send_password_reset_mail, forget_old_sign_in_records])
    sessions.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        if not tenancy.has_tenant():
            return None  # the request failed before its municipality was known
        # Every page asks for the roles, so they come with the user in one statement. The
        # tenant filter finds no user of another municipality.
        user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
        if user is None or not user.active or not sessions.is_current(user):
            # Ended on the server, idle or too old: the session goes, with its CSRF secret;
            # Flask-Login then tries the "stay signed in" cookie (`load_from_cookie`).
            sessions.end()
            return None
        return user

    # Registered by calls: as decorators, Flask-Login's (untyped) ones would erase the types.
    login_manager.user_loader(load_user)
    login_manager.request_loader(sessions.load_from_cookie)

    @app.before_request
    def require_own_password() -> ResponseReturnValue | None:
        endpoint = request.endpoint
        if (
            endpoint is None
            or endpoint in _WHILE_PASSWORD_MUST_CHANGE
            or PUBLIC in (declared_access(app.view_functions[endpoint]) or ())
        ):
            return None
        if current_user.is_authenticated and current_user.must_change_password:
            return redirect(url_for("accounts.account"))
        return None

    @app.context_processor
    def inject_municipality() -> dict[str, Any]:
        return {"municipality": current_municipality() if tenancy.has_tenant() else None}


def signed_in_user() -> User:
    """Return the user of the current request, in a view that admits signed-in users only."""
    user = current_user._get_current_object()
    if not isinstance(user, User):
        raise RuntimeError("signed_in_user() serves only views that admit signed-in users")
    return user
