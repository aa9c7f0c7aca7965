"""The start page: a panel per role and the newsfeed."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.core.registry import NavItem, add_navigation


def init_app(app: Flask) -> None:
    """Serve the start page and put it first in the navigation."""
    from portal.dashboards.views import bp

    app.register_blueprint(bp)
    add_navigation(app, NavItem("dashboards.index", _l("Start"), ("dashboards.index",), 10))
