"""Administration: users, their roles and org units."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.core.registry import NavItem, add_navigation, add_panel_source


def init_app(app: Flask) -> None:
    """Serve the administration pages and list them in the navigation."""
    from portal.accounts.models import Role
    from portal.admin.services import admin_start_items
    from portal.admin.views import bp

    app.register_blueprint(bp, url_prefix="/admin")
    add_navigation(
        app,
        NavItem("admin.users", _l("Users"), ("admin.user",), 90),
        NavItem("admin.org_units", _l("Org units"), ("admin.org_unit",), 91),
        NavItem("admin.settings", _l("Settings"), ("admin.settings",), 92),
    )
    add_panel_source(app, Role.ADMIN, admin_start_items)
