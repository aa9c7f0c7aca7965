"""Decisions on the record: numbers per board and year, the snapshot of the idea's standing,
comply or explain, and their release to all staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.board.models import AgendaItem, Board, Decision, DecisionOutcome, Meeting, Vote
from portal.board.services import messages
from portal.board.services.access import require_presiding
from portal.board.services.standing import NOT_RANKED, Standing, round_standings
from portal.core.errors import Conflict, DomainError
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea, IdeaState, Support
from portal.ideas.services.lifecycle import Actor, change_state
from portal.notifications.services import notify
from portal.rounds.models import Round

Outcome = DecisionOutcome
#: Outcomes that leave an idea's rank unused: approving an idea ranked below one of these departs.
SET_ASIDE = (Outcome.REJECTED, Outcome.DEFERRED)


@dataclass(frozen=True)
class Departure:
    """Why approving an idea departs from the ranking or the portfolio proposal."""

    reasons: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.reasons)


def departure(board: Board, round_: Round, idea: Idea, outcome: DecisionOutcome) -> Departure:
    """Say why deciding *outcome* on *idea* departs from its round's ranking, if it does.

    Approving (with or without conditions) departs when the idea ranks below an idea of the
    same round that the board rejected or deferred, or when the portfolio proposal leaves it
    out. Only approvals need to be explained.
    """
    if not outcome.approves:
        return Departure(())
    standings = round_standings(round_)
    own = standings.get(idea.id)
    reasons: list[str] = []
    if own is None or own.rank is None:
        reasons.append(_("The ranking of the round does not rank this idea."))
    if own is not None and own.in_portfolio is False:
        reasons.append(_("The portfolio proposal of the round does not fund this idea."))
    if own is not None and own.rank is not None:
        set_aside = db.session.execute(
            select(Decision.idea_id, Decision.outcome, Decision.number, Decision.year)
            .where(
                Decision.board_id == board.id,
                Decision.round_id == round_.id,
                Decision.outcome.in_(SET_ASIDE),
                Decision.idea_id != idea.id,
            )
            .order_by(Decision.year, Decision.number)
        ).all()
        for other_id, other_outcome, number, year in set_aside:
            other = standings.get(other_id)
            if other is not None and other.rank is not None and other.rank < own.rank:
                reasons.append(
                    _(
                        "It ranks %(rank)s, below idea #%(other)s (rank %(other_rank)s), which "
                        "the board %(outcome)s in %(reference)s.",
                        rank=own.rank,
                        other=other_id,
                        other_rank=other.rank,
                        outcome=_("rejected")
                        if other_outcome is Outcome.REJECTED
                        else _("deferred"),
                        reference=f"{board.code}-{year}/{number:03d}",
                    )
                )
    return Departure(tuple(reasons))


def check_motion(
    board: Board,
    round_: Round,
    idea: Idea,
    outcome: DecisionOutcome | None,
    conditions: str,
    reason: str,
    explanation: str,
) -> Departure:
    """Refuse a proposed decision on *idea* that lacks what it needs; return its departure."""
    if outcome is None:
        raise DomainError(_("Please choose the decision the motion proposes."))
    if idea.state is not IdeaState.SCORED:
        raise Conflict(
            _(
                "Only a scored idea can be decided; this one is “%(state)s”.",
                state=idea.state.label,
            )
        )
    if outcome is Outcome.APPROVED_WITH_CONDITIONS and not conditions.strip():
        raise DomainError(_("Please state the conditions of the approval."))
    if not reason.strip():
        raise DomainError(_("Please give the reason for the decision; it is published with it."))
    found = departure(board, round_, idea, outcome)
    if found and not explanation.strip():
        raise DomainError(
            _(
                "This decision departs from the ranking, so it needs a written explanation, "
                "which is published with it (comply or explain): %(reasons)s",
                reasons=" ".join(found.reasons),
            )
        )
    return found


def _snapshot(standing: Standing) -> dict[str, object]:
    return {
        "rank": standing.rank,
        "score": standing.score,
        "breakdown": [
            {"criterion": share.criterion, "contribution": share.contribution}
            for share in standing.breakdown
        ],
        "in_portfolio": standing.in_portfolio,
    }


def record_decision(vote: Vote, actor: User, at: datetime) -> Decision:
    """Record the decision an adopted motion on an idea makes, numbered per board and year,
    with a snapshot of the idea's standing; the idea becomes "decided" unless deferred."""
    item = vote.item
    assert item.idea is not None
    assert item.round is not None
    assert vote.outcome is not None
    board = db.session.scalar(select(Board).where(Board.id == item.board_id).with_for_update())
    assert board is not None
    found = check_motion(
        board, item.round, item.idea, vote.outcome, vote.conditions, vote.reason, vote.explanation
    )
    year = at.year
    # The board's row is locked above (PostgreSQL; SQLite has one writer), so two votes closing
    # at once cannot take the same number; the unique constraint guards it anyway.
    last = db.session.scalar(
        select(func.max(Decision.number)).where(
            Decision.board_id == board.id, Decision.year == year
        )
    )
    standing = round_standings(item.round).get(item.idea.id, NOT_RANKED)
    decision = Decision(
        board=board,
        year=year,
        number=(last or 0) + 1,
        vote=vote,
        idea=item.idea,
        round=item.round,
        outcome=vote.outcome,
        conditions=vote.conditions.strip(),
        reason=vote.reason.strip(),
        explanation=vote.explanation.strip() if found else "",
        departs=bool(found),
        decided_at=at,
        **_snapshot(standing),
    )
    db.session.add(decision)
    db.session.flush()
    if vote.outcome is not Outcome.DEFERRED:
        change_state(item.idea, IdeaState.DECIDED, actor, module=Actor.BOARD, at=at)
    return decision


def release(decisions: list[Decision], user: User, *, at: datetime | None = None) -> int:
    """Release *decisions* to all staff and tell each idea's author and supporters; return how
    many were released now."""
    fresh = [decision for decision in decisions if decision.released_at is None]
    for decision in fresh:
        require_presiding(decision.board, user)
    at = at or utcnow()
    for decision in fresh:
        decision.released_at = at
        supporters = db.session.scalars(
            select(User)
            .join(Support, Support.user_id == User.id)
            .where(Support.idea_id == decision.idea_id)
        ).all()
        notify(
            [decision.idea.author, *supporters],
            messages.DECISION_RELEASED,
            {
                "title": decision.idea.title,
                "reference": decision.reference,
                "outcome": decision.outcome.value,
            },
            messages.idea_link(decision.idea_id),
            at=at,
        )
    db.session.flush()
    return len(fresh)


def decisions_of_idea(idea: Idea, *, released_only: bool) -> list[Decision]:
    """Return the decisions on *idea*, oldest first."""
    query = (
        select(Decision)
        .where(Decision.idea_id == idea.id)
        .options(joinedload(Decision.board))
        .order_by(Decision.decided_at, Decision.id)
    )
    if released_only:
        query = query.where(Decision.released_at.is_not(None))
    return list(db.session.scalars(query))


def released_decisions(limit: int | None = None) -> list[Decision]:
    """Return the released decisions, newest first."""
    query = (
        select(Decision)
        .where(Decision.released_at.is_not(None))
        .options(joinedload(Decision.board), joinedload(Decision.idea))
        .order_by(Decision.released_at.desc(), Decision.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def of_meeting(meeting: Meeting) -> list[Decision]:
    """Return the decisions taken in *meeting*, in the order of its agenda."""
    return list(
        db.session.scalars(
            select(Decision)
            .join(Vote, Vote.id == Decision.vote_id)
            .join(AgendaItem, AgendaItem.id == Vote.item_id)
            .where(AgendaItem.meeting_id == meeting.id)
            .options(joinedload(Decision.board), joinedload(Decision.idea))
            .order_by(AgendaItem.position)
        )
    )
