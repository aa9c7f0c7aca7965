"""What the rounds module tells the newsfeed and the start page."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.registry import Link, NewsItem, PanelItem
from portal.extensions import db
from portal.rounds.models import Round, RoundEvent, RoundPhase


def round_news(user: User, limit: int) -> list[NewsItem]:
    """Tell everybody when a round was opened or moved to its next phase."""
    moves = db.session.scalars(
        select(RoundEvent)
        .options(joinedload(RoundEvent.round))
        .order_by(RoundEvent.at.desc(), RoundEvent.id.desc())
        .limit(limit)
    )
    return [
        NewsItem(
            at=event.at,
            text=f"{event.round.name}: {event.to_phase.label}",
            link=Link("rounds.detail", {"round_id": event.round_id}),
            kind=str(_l("Round opened") if event.from_phase is None else _l("Round")),
        )
        for event in moves
    ]


def moderator_start_items(user: User) -> list[PanelItem]:
    """List the rounds that are not closed, with their phase."""
    rounds = db.session.scalars(
        select(Round).where(Round.phase != RoundPhase.CLOSED).order_by(Round.id.desc())
    )
    items = [
        PanelItem(
            _("%(name)s: %(phase)s", name=round_.name, phase=round_.phase.label),
            Link("rounds.detail", {"round_id": round_.id}),
        )
        for round_ in rounds
    ]
    return [*items, PanelItem(_("All prioritisation rounds"), Link("rounds.index"))]
