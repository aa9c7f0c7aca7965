"""Projects: approved ideas carried out in waves, with a team, milestones, tasks, status
updates, documents and an evaluation."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.core.jobs import register_jobs
from portal.core.registry import (
    NavItem,
    add_messages,
    add_navigation,
    add_news_source,
    add_panel_source,
    add_section,
)


def init_app(app: Flask) -> None:
    """Serve the pages of projects and contribute the menu, start-page panels, news of progress
    updates, the project on the idea page and the evaluation reminder."""
    from portal.accounts.models import Role
    from portal.projects.services import feed, messages
    from portal.projects.views import bp

    app.register_blueprint(bp, url_prefix="/projects")
    add_navigation(app, NavItem("projects.portfolio", _l("Projects"), ("projects.",), 40))
    add_panel_source(app, Role.EMPLOYEE, feed.employee_start_items)
    add_panel_source(app, Role.MODERATOR, feed.moderator_start_items)
    add_news_source(app, feed.update_news)
    # The idea page names its project; moderators make it there from the approved decision.
    add_section(app, "idea", "facts", feed.idea_project)
    add_section(app, "idea", "moderation", feed.idea_make_project)
    add_messages(app, messages.MESSAGES)
    register_jobs(app, [feed.remind_evaluations, feed.remind_evaluations_everywhere])
