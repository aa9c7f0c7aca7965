"""Who may use a view: every view declares it, and one hook checks it before the view runs.

A view without a declaration is refused with a server error, so that a forgotten check shows up
in the first test that opens the page instead of leaking data.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any, TypeVar

from flask import current_app, request
from flask_babel import gettext as _
from flask_login import current_user

from portal.core.errors import Forbidden
from portal.extensions import login_manager

F = TypeVar("F", bound=Callable[..., Any])


class Audience(enum.Enum):
    """Access levels that are not roles."""

    #: Anybody, without an account (council, public, the log-in page).
    PUBLIC = "public"
    #: Any signed-in user, whatever their roles.
    SIGNED_IN = "signed-in"


PUBLIC = Audience.PUBLIC
SIGNED_IN = Audience.SIGNED_IN
ACCESS_ATTRIBUTE = "_wandelwerk_access"


class AccessNotDeclared(RuntimeError):
    """A view was registered without `@allow(...)`."""


def allow(*who: enum.Enum) -> Callable[[F], F]:
    """Declare who may use the view: `PUBLIC`, `SIGNED_IN` or one or more roles."""
    if not who:
        raise ValueError("allow() needs at least one audience or role")

    def decorate(view: F) -> F:
        setattr(view, ACCESS_ATTRIBUTE, frozenset(who))
        return view

    return decorate


def declared_access(view: Callable[..., Any]) -> frozenset[enum.Enum] | None:
    """Return what *view* declared with `allow`, or None."""
    return getattr(view, ACCESS_ATTRIBUTE, None)


def may_access(user: Any, allowed: frozenset[enum.Enum]) -> bool:
    """Tell whether *user* (possibly anonymous) falls into *allowed*."""
    if PUBLIC in allowed:
        return True
    if not user.is_authenticated:
        return False
    if SIGNED_IN in allowed:
        return True
    return bool(user.roles & allowed)


def enforce_access() -> Any:
    """Check the current request against its view's declaration (a `before_request` hook)."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    view = current_app.view_functions[request.endpoint]
    allowed = declared_access(view)
    if allowed is None:
        raise AccessNotDeclared(f"view {request.endpoint!r} does not declare who may use it")
    if may_access(current_user, allowed):
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    raise Forbidden(_("Your roles do not allow this page."))
