"""Insights: the dashboards of the board and the moderators (a part of them for all staff) and
the documents generated for the board and the council."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.core.jobs import register_jobs
from portal.core.registry import NavItem, add_messages, add_navigation, add_section


def init_app(app: Flask) -> None:
    """Serve the dashboards, documents and letterhead; contribute the menu entry, the
    notifications of finished documents, the jobs that make them, the letterhead's place on
    the settings page and the meeting pack's on the meeting page."""
    from portal.insights.services import documents, letterhead, messages
    from portal.insights.views import bp

    app.register_blueprint(bp, url_prefix="/insights")
    add_navigation(app, NavItem("insights.dashboard", _l("Dashboards"), ("insights.",), 40))
    add_messages(app, messages.MESSAGES)
    register_jobs(app, [documents.start_document, documents.render_document])
    add_section(app, "settings", "main", letterhead.settings_section)
    add_section(app, "meeting", "aside", documents.meeting_section)
