"""Idea portal: staff submit, discuss, support and follow ideas; moderators screen them."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.core.registry import (
    NavItem,
    add_messages,
    add_navigation,
    add_news_source,
    add_panel_source,
)


def init_app(app: Flask) -> None:
    """Serve the idea pages and contribute the menu, start-page panels, news and messages."""
    from portal.accounts.models import Role
    from portal.ideas.services import feed, messages
    from portal.ideas.views import bp

    app.register_blueprint(bp, url_prefix="/ideas")
    add_navigation(
        app,
        NavItem(
            "ideas.index",
            _l("Ideas"),
            # The idea page and what its forms answer with (a confirmation, a refused form).
            (
                "ideas.index",
                "ideas.detail",
                "ideas.edit",
                "ideas.change_state",
                "ideas.merge",
                "ideas.delete",
                "ideas.comment",
                "ideas.edit_comment",
                "ideas.delete_comment",
                "ideas.attach",
                "ideas.remove_attachment",
            ),
            20,
        ),
        NavItem("ideas.mine", _l("My ideas"), ("ideas.mine", "ideas.new"), 21),
        NavItem("ideas.screening", _l("Screening"), ("ideas.screening", "ideas.field"), 22),
    )
    add_panel_source(app, Role.EMPLOYEE, feed.employee_start_items)
    add_panel_source(app, Role.MODERATOR, feed.moderator_start_items)
    add_news_source(app, feed.idea_news)
    add_messages(app, messages.MESSAGES)
