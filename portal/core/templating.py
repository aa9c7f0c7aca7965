"""Helpers available in every template: dates, navigation by role, the municipality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, g, request, url_for
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accounts.models import Role
from portal.core.access import declared_access, may_access
from portal.core.markdown import render_markdown


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation, shown when its view admits the user."""

    endpoint: str
    label: Any
    #: Endpoints starting with this mark the item as the current section.
    section: str


NAVIGATION = [
    NavItem("dashboards.index", _l("Start"), "dashboards.index"),
    NavItem("ideas.index", _l("Ideas"), "ideas.index"),
    NavItem("ideas.mine", _l("My ideas"), "ideas.mine"),
    NavItem("ideas.screening", _l("Screening"), "ideas.screening"),
    NavItem("notifications.index", _l("Notifications"), "notifications."),
    NavItem("admin.users", _l("Users"), "admin.user"),
    NavItem("admin.org_units", _l("Org units"), "admin.org_unit"),
    NavItem("admin.settings", _l("Settings"), "admin.settings"),
]


def navigation() -> list[tuple[NavItem, str, bool]]:
    """Return the navigation items the current user may open, with URL and whether active."""
    items = []
    for item in NAVIGATION:
        view = current_app.view_functions.get(item.endpoint)
        allowed = declared_access(view) if view else None
        if allowed is None or not may_access(current_user, allowed):
            continue
        active = (request.endpoint or "").startswith(item.section)
        items.append((item, url_for(item.endpoint), active))
    return items


def _format_date(value: date | datetime | None) -> str:
    """Format a date the way users here expect: 22.11.2026 in German."""
    if value is None:
        return ""
    return format_date(value, "medium")


def _format_datetime(value: datetime | None) -> str:
    """Format a point in time to the minute: 22.11.2026, 14:05 in German."""
    if value is None:
        return ""
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"


def register_template_helpers(app: Flask) -> None:
    """Make the helpers available in templates."""
    app.jinja_env.filters["date"] = _format_date
    app.jinja_env.filters["datetime"] = _format_datetime
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["number"] = format_decimal
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "navigation": navigation,
            "municipality": g.get("municipality"),
            "current_locale": str(get_locale() or "de"),
            "Role": Role,
        }
