"""What the rounds module tells the newsfeed and the start page."""

from __future__ import annotations

from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.registry import Link, NewsItem, PanelItem
from portal.extensions import db
from portal.rounds.models import Round, RoundEvent, RoundPhase
from portal.rounds.services import assignment, phases


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


def progress(round_: Round) -> str:
    """Say in a few words how far *round_* has come in its phase."""
    if round_.phase in phases.OPEN_FOR_IDEAS:
        count = phases.idea_count(round_)
        return str(
            ngettext("%(count)s idea", "%(count)s ideas", count, count=format_decimal(count))
        )
    if round_.phase is RoundPhase.SCORE:
        submitted, total = phases.assessment_progress(round_)
        return str(
            _(
                "%(submitted)s of %(total)s assessments submitted",
                submitted=format_decimal(submitted),
                total=format_decimal(total),
            )
        )
    if round_.phase is RoundPhase.DECIDE:
        count = phases.scored_count(round_)
        return str(
            ngettext(
                "%(count)s idea scored",
                "%(count)s ideas scored",
                count,
                count=format_decimal(count),
            )
        )
    return ""


def next_step_note(round_: Round) -> str:
    """Say which phase comes next for *round_* and what still blocks it, the assessment's ideas
    below the minimum and open assessments included."""
    step = phases.next_step(round_)
    if step.target is None:
        return ""
    blockers = [blocker.message for blocker in step.blockers] + assignment.pending(round_)
    if blockers:
        return str(
            _(
                "Before “%(phase)s”: %(blockers)s",
                phase=step.target.label,
                blockers=" ".join(blockers),
            )
        )
    return str(_("Ready for “%(phase)s”.", phase=step.target.label))


def moderator_start_items(user: User) -> list[PanelItem]:
    """List the rounds that are not closed, with their phase, progress and what blocks the
    next phase."""
    rounds = db.session.scalars(
        select(Round).where(Round.phase != RoundPhase.CLOSED).order_by(Round.id.desc())
    )
    items = [
        PanelItem(
            _("%(name)s: %(phase)s", name=round_.name, phase=round_.phase.label),
            Link("rounds.detail", {"round_id": round_.id}),
            note=" · ".join(part for part in (progress(round_), next_step_note(round_)) if part),
        )
        for round_ in rounds
    ]
    return [*items, PanelItem(_("All prioritisation rounds"), Link("rounds.index"))]
