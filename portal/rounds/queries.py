"""The lists of the rounds module."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.core.pagination import Page, paginate
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import Round, RoundIdea, RoundPhase


@dataclass(frozen=True)
class RoundRow:
    """A round as the list of rounds shows it."""

    round: Round
    ideas: int


def list_rounds(*, include_closed: bool = True) -> list[RoundRow]:
    """Return the rounds with the number of their ideas, newest first."""
    ideas = (
        select(func.count(RoundIdea.id))
        .where(RoundIdea.round_id == Round.id)
        .correlate(Round)
        .scalar_subquery()
    )
    query = select(Round, ideas).order_by(Round.id.desc())
    if not include_closed:
        query = query.where(Round.phase != RoundPhase.CLOSED)
    return [RoundRow(round_, count) for round_, count in db.session.execute(query)]


def round_ideas(round_: Round) -> list[Idea]:
    """Return the ideas of *round_*, in the order they joined."""
    return list(
        db.session.scalars(
            select(Idea)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == round_.id)
            .order_by(RoundIdea.added_at, RoundIdea.id)
        )
    )


def round_ideas_page(round_: Round, page: int, per_page: int) -> Page[Idea]:
    """Return page *page* of the ideas of *round_*, in the order they joined, with their field
    of action."""
    return paginate(
        select(Idea)
        .options(joinedload(Idea.field_of_action))
        .join(RoundIdea, RoundIdea.idea_id == Idea.id)
        .where(RoundIdea.round_id == round_.id)
        .order_by(RoundIdea.added_at, RoundIdea.id),
        page,
        per_page,
    )
