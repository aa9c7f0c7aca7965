"""The demo municipality Musterstadt: every module adds its part so that every page shows data."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from portal.accounts import demo as accounts_demo
from portal.accounts.models import User
from portal.accounts.services import current_municipality
from portal.board import demo as board_demo
from portal.core.transactions import will_write
from portal.extensions import db
from portal.ideas import demo as ideas_demo
from portal.insights import demo as insights_demo
from portal.pages import demo as pages_demo
from portal.projects import demo as projects_demo
from portal.rounds import demo as rounds_demo


class DemoRefused(RuntimeError):
    """The demo may not be loaded here."""


def check_demo_allowed() -> None:
    """Refuse the demo where it must not be loaded (production)."""
    if not current_app.config["DEMO_ALLOWED"]:
        raise DemoRefused(
            "The demo municipality cannot be loaded in production (WANDELWERK_ENV=production): "
            "it creates accounts with a published password."
        )


def load_demo(*, skip_if_not_empty: bool = False) -> str:
    """Fill the current municipality with the demo data through the services; return a summary.

    The caller commits.
    """
    check_demo_allowed()
    # The demo writes throughout; declared first, a later service that starts background work
    # from a read (the ranking's analyses) does not end the transaction that holds the demo.
    will_write()
    municipality = current_municipality()
    users = db.session.scalar(select(func.count(User.id)))
    if users:
        if skip_if_not_empty:
            return "The database already has users; the demo was not loaded."
        raise DemoRefused("The database already has users; load the demo into an empty one.")
    counts = accounts_demo.load(municipality)
    counts |= ideas_demo.load(municipality)
    counts |= rounds_demo.load(municipality)
    counts |= board_demo.load(municipality)
    counts |= projects_demo.load(municipality)
    counts |= pages_demo.load(municipality)
    counts |= insights_demo.load(municipality)
    return (
        "Loaded the demo municipality {name}: {units} org units, {users} users, "
        "{ideas} ideas with {supports} supports and {comments} comments, {rounds} rounds with "
        "{accepted} accepted ideas and {weightings} board members' weightings, {boards} board "
        "with {meetings} meetings and {decisions} decisions, {waves} waves with {projects} "
        "projects, {legal_pages} legal pages, {documents} released council paper, {packs} meeting "
        "pack."
    ).format(name=municipality.name, **counts)
