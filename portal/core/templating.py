"""Helpers available in every template: dates, navigation by role, the municipality."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from flask import Flask, current_app, render_template, request, url_for
from flask_babel import format_date, format_decimal, format_time, get_locale
from flask_login import current_user
from markupsafe import Markup

from portal.core.access import declared_access, may_access
from portal.core.markdown import render_markdown
from portal.core.registry import Link, NavItem, Section, registry
from portal.core.urls import readable_url


def _in_section(endpoint: str, sections: tuple[str, ...]) -> bool:
    return endpoint.startswith(sections)


def _under(path: str, url: str) -> bool:
    """Tell whether *path* is *url* or lies below it (the start page `/` holds only itself)."""
    if url == "/":
        return path == "/"
    return path == url.rstrip("/") or path.startswith(url.rstrip("/") + "/")


@dataclass(frozen=True)
class NavEntry:
    """A navigation item as the current user sees it."""

    item: NavItem
    url: str
    #: Whether the current page belongs to the item's section.
    active: bool
    #: What the item's count says for the user; None if it has no count.
    count: int | None = None


def navigation() -> list[NavEntry]:
    """Return the navigation items the current user may open, with URL, whether active, and
    their count where they have one.

    An item is active on the endpoints its module names as its sections. A page that no
    section names (an idea page re-rendered after a refused comment at `/ideas/5/comments`)
    belongs to the item whose address is the longest one above its own.
    """
    entries = []
    endpoint = request.endpoint or ""
    for item in registry().navigation:
        view = current_app.view_functions.get(item.endpoint)
        allowed = declared_access(view) if view else None
        if allowed is None or not may_access(current_user, allowed):
            continue
        count = item.count(current_user) if item.count and current_user.is_authenticated else None
        entries.append(
            NavEntry(item, url_for(item.endpoint), _in_section(endpoint, item.sections), count)
        )
    if not any(entry.active for entry in entries):
        below = [entry.url for entry in entries if _under(request.path, entry.url)]
        if below:
            longest = max(below, key=len)
            entries = [replace(entry, active=entry.url == longest) for entry in entries]
    return entries


def current_page_url() -> str:
    """Return the address of the page shown, or the nearest one above it that answers GET.

    Forms that come back to "this page" (the language switch) send this, so that they never
    land on an address that only receives forms.
    """
    return request.script_root + readable_url(
        request.path, current_user, request.query_string.decode("utf-8", "replace")
    )


def link_url(link: Link) -> str:
    """Return the URL of *link* on this site."""
    return url_for(link.endpoint, **link.args)


def render_section(section: Section) -> Markup:
    """Render a section another module adds to a page (`portal.core.registry.add_section`)."""
    return Markup(render_template(section.template, **section.context))


def _format_date(value: date | datetime | None) -> str:
    """Format a date the way users here expect: 22.11.2026 in German."""
    if value is None:
        return ""
    return str(format_date(value, "medium"))


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
    app.jinja_env.filters["link_url"] = link_url
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "navigation": navigation,
            "current_page_url": current_page_url,
            "render_section": render_section,
            "current_locale": str(get_locale() or "de"),
        }
