"""Prioritisation rounds: published criteria, weighting by the board, assessment by experts."""

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
    """Serve the round pages and contribute the menu, start-page panels and news."""
    from portal.accounts.models import Role
    from portal.rounds.services import (
        analysis,
        assignment,
        feed,
        idea_page,
        messages,
        scoring,
        weighting,
    )
    from portal.rounds.views import bp

    app.register_blueprint(bp, url_prefix="/rounds")
    add_navigation(app, NavItem("rounds.index", _l("Rounds"), ("rounds.",), 30))
    add_panel_source(app, Role.MODERATOR, feed.moderator_start_items)
    add_news_source(app, feed.round_news)
    # The idea page shows an idea's round, and moderators accept ideas in screening there.
    add_section(app, "idea", "facts", idea_page.round_fact)
    add_section(app, "idea", "moderation", idea_page.accept_form)
    add_section(app, "idea", "main", idea_page.why_this_rank)
    add_messages(app, messages.MESSAGES)
    # Weighting by the board: the weightings that wait for a board member.
    add_panel_source(app, Role.BOARD_MEMBER, weighting.board_start_items)
    # Assessment: the moderators follow it from the round page; reminders before scoring ends.
    add_section(app, "round", "aside", assignment.round_section)
    register_jobs(
        app, [assignment.send_assessment_reminders, assignment.remind_assessors_everywhere]
    )
    # The analyses of a ranking run in the background, one step per job.
    register_jobs(app, [analysis.run_analysis_step])
    # Assessment: the ideas that wait for an assessor, on the start page and the round page.
    add_panel_source(app, Role.ASSESSOR, scoring.assessor_start_items)
    add_section(app, "round", "aside", scoring.round_section)
