"""The steering board (Lenkungsgruppe): meetings, votes, decisions on the record with "comply or
explain", written procedures and minutes."""

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
    """Serve the board's pages and contribute the menu, start-page panel, news, the decision on
    the idea page and the job that decides written procedures."""
    from portal.accounts.models import Role
    from portal.board.models import VoteResult
    from portal.board.services import feed, messages
    from portal.board.views import bp

    app.register_blueprint(bp, url_prefix="/board")
    add_navigation(app, NavItem("board.index", _l("Board"), ("board.",), 35))
    add_panel_source(app, Role.BOARD_MEMBER, feed.member_start_items)
    add_news_source(app, feed.decision_news)
    # The idea page shows the board's released decisions on the idea, with the reason.
    add_section(app, "idea", "facts", feed.idea_decisions)
    add_messages(app, messages.MESSAGES)
    app.jinja_env.globals["board_result_label"] = lambda value: VoteResult(value).label
    register_jobs(app, [feed.close_written_procedures, feed.close_written_procedures_everywhere])
