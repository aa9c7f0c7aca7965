"""Error pages: domain errors and HTTP errors answered in the portal's design."""

from __future__ import annotations

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from portal.core.errors import DomainError
from portal.extensions import db

_TITLES = {
    400: _l("Bad request"),
    401: _l("Sign-in failed"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("Conflict"),
    413: _l("Upload too large"),
    422: _l("Input not accepted"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
}


def _page(status: int, message: str | None) -> ResponseReturnValue:
    db.session.rollback()
    title = str(_TITLES.get(status, _l("Error")))
    return render_template("errors/error.html", status=status, title=title, message=message), status


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

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        return _page(error.code or 500, None)
