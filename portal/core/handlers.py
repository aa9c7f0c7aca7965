"""Error pages: domain errors and HTTP errors answered in the portal's design."""

from __future__ import annotations

from flask import Flask, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from portal.core.errors import DomainError
from portal.core.urls import readable_url
from portal.extensions import db

_TITLES = {
    400: _l("Bad request"),
    401: _l("Sign-in failed"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("This address only receives forms"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    422: _l("Input not accepted"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Temporarily unavailable"),
}

#: What the page says when the error brings no message of its own.
_EXPLANATIONS = {
    400: _l(
        "The portal could not understand what your browser sent. Nothing has been saved. "
        "Go back, reload the page and try again."
    ),
    401: _l("Please sign in to continue."),
    403: _l(
        "Your roles do not allow this page. If you need access, ask the administration of the "
        "portal."
    ),
    404: _l(
        "This page does not exist or has been removed. Check the address or start again from "
        "the start page."
    ),
    405: _l(
        "This address receives a form and cannot be opened on its own, for instance after a "
        "reload. Nothing has been saved. Go on from the page below."
    ),
    409: _l(
        "Something changed in the meantime. Nothing has been saved. Reload the page and try again."
    ),
    413: _l("The file is larger than the portal accepts. Nothing has been saved."),
    422: _l("The input could not be accepted. Nothing has been saved."),
    429: _l("Too many attempts in a short time. Please wait a few minutes and try again."),
    500: _l(
        "The portal could not answer. Nothing has been saved. Please try again later; if it "
        "happens again, tell the administration."
    ),
    503: _l("The portal is being maintained. Please try again in a few minutes."),
}


def _page(
    status: int, message: str | None, headers: dict[str, str] | None = None
) -> ResponseReturnValue:
    db.session.rollback()
    title = str(_TITLES.get(status, _l("Error")))
    explanation = message or str(
        _EXPLANATIONS.get(
            status,
            _l("The portal could not answer this request. Nothing has been saved."),
        )
    )
    if status == 401 or not current_user.is_authenticated:
        next_url, next_label = url_for("accounts.login"), _("To the sign-in page")
    elif status in (400, 405, 409, 413, 422):
        # Back to the page this address belongs to: /ideas/5 for /ideas/5/comments.
        target = readable_url(request.path, current_user)
        next_url = request.script_root + target
        next_label = _("To the start page") if target == "/" else _("Back to the page")
    else:
        next_url, next_label = url_for("dashboards.index"), _("To the start page")
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=title,
            message=explanation,
            next_url=next_url,
            next_label=next_label,
        ),
        status,
        headers or {},
    )


def register_error_handlers(app: Flask) -> None:
    """Answer domain errors and HTTP errors with an error page, rolling back the request.

    An unhandled exception reaches the 500 handler as Flask's `InternalServerError` (outside
    tests, where it propagates instead).
    """

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> ResponseReturnValue:
        return _page(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> ResponseReturnValue:
        return _page(400, _("The form has expired. Please reload the page and try again."))

    @app.errorhandler(MethodNotAllowed)
    def method_not_allowed(error: MethodNotAllowed) -> ResponseReturnValue:
        # Opening an address that only receives forms (a reload after a refused comment, a
        # bookmark) leads to the page it belongs to instead of an error.
        if request.method in ("GET", "HEAD"):
            db.session.rollback()
            return redirect(request.script_root + readable_url(request.path, current_user), 303)
        return _page(405, None, {"Allow": ", ".join(error.valid_methods or ())})

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return _page(error.code or 500, None)
