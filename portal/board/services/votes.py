"""Votes on agenda items, in a meeting or in a written procedure (Umlaufverfahren).

A vote puts a motion; for an idea the motion proposes the decision, which is recorded when the
motion is adopted. Members with a conflict of interest are recused: they leave the quorum and
cannot vote. The result is counted by `portal.board.counting` from the board's rules and the
ballots when the vote closes, and a closed vote never changes.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from portal.accounts.models import OrgUnit, User
from portal.board import counting
from portal.board.models import (
    AgendaItem,
    Ballot,
    Board,
    BoardMember,
    Choice,
    DecisionOutcome,
    ItemKind,
    Meeting,
    MeetingState,
    Recusal,
    RecusalReason,
    SecretChoice,
    Vote,
    VoteMode,
    VoteResult,
    VoteState,
    attendance,
)
from portal.board.services import decisions, messages
from portal.board.services.access import require_presiding, seat
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.core.models import utcnow
from portal.core.registry import Link
from portal.extensions import db
from portal.ideas.models import Idea
from portal.notifications.services import notify


@dataclass(frozen=True)
class MotionData:
    """What the chair puts to the vote."""

    motion: str
    secret: bool = False
    outcome: DecisionOutcome | None = None
    conditions: str = ""
    reason: str = ""
    explanation: str = ""


def rules_of(board: Board) -> counting.Rules:
    """Return the counting rules of *board*."""
    return counting.Rules(
        majority=counting.Majority(board.majority.value),
        quorum_percent=board.quorum_percent,
        abstentions_count=board.abstentions_count,
        casting_vote=board.casting_vote,
    )


def _units_with_parents(unit: OrgUnit | None) -> set[int]:
    found: set[int] = set()
    while unit is not None and unit.id not in found:
        found.add(unit.id)
        unit = unit.parent
    return found


def conflicts(idea: Idea, members: list[BoardMember]) -> dict[int, RecusalReason]:
    """Return the members who must be recused from deciding *idea*, by member id: its author,
    and those whose org unit (or one above it) the idea affects."""
    affected = {unit.id for unit in idea.org_units}
    found: dict[int, RecusalReason] = {}
    for member in members:
        if member.user_id == idea.author_id:
            found[member.id] = RecusalReason.AUTHOR
        elif affected & _units_with_parents(member.user.org_unit):
            found[member.id] = RecusalReason.ORG_UNIT
    return found


def _check_motion(item: AgendaItem, data: MotionData, board: Board) -> None:
    if not data.motion.strip():
        raise DomainError(_("Please write the motion that is put to the vote."))
    if item.kind is ItemKind.IDEA:
        assert item.idea is not None
        assert item.round is not None
        decisions.check_motion(
            board,
            item.round,
            item.idea,
            data.outcome,
            data.conditions,
            data.reason,
            data.explanation,
        )
    elif data.outcome is not None:
        raise DomainError(_("Only a motion on an idea proposes a decision."))


def _new_vote(
    item: AgendaItem,
    data: MotionData,
    mode: VoteMode,
    user: User,
    at: datetime,
    deadline: datetime | None,
    board: Board,
) -> Vote:
    vote = Vote(
        item=item,
        mode=mode,
        secret=data.secret,
        motion=data.motion.strip(),
        outcome=data.outcome if item.kind is ItemKind.IDEA else None,
        conditions=data.conditions.strip(),
        reason=data.reason.strip(),
        explanation=data.explanation.strip(),
        deadline=deadline,
        opened_by_id=user.id,
        opened_at=at,
    )
    db.session.add(vote)
    if item.idea is not None:
        for member_id, reason in conflicts(item.idea, board.members).items():
            db.session.add(Recusal(vote=vote, member_id=member_id, reason=reason))
    db.session.flush()
    return vote


def present_members(meeting: Meeting) -> set[int]:
    """Return the ids of the members recorded as present at *meeting*."""
    return set(
        db.session.scalars(
            select(attendance.c.member_id).where(attendance.c.meeting_id == meeting.id)
        )
    )


def _eligible(board: Board, recused: set[int]) -> list[BoardMember]:
    return [m for m in board.members if m.function.votes and m.id not in recused]


def open_vote(
    item: AgendaItem, data: MotionData, user: User, *, at: datetime | None = None
) -> Vote:
    """Put *data*'s motion on meeting item *item* to the vote, as the chair or the deputy."""
    meeting = item.meeting
    if meeting is None:
        raise Conflict(_("This item is not on a meeting's agenda."))
    board = meeting.board
    require_presiding(board, user)
    if meeting.state is not MeetingState.INVITED or meeting.opened_at is None:
        raise Conflict(
            _("Votes are taken once the members are invited and the attendance is recorded.")
        )
    if item.vote is not None:
        raise Conflict(_("This item has been put to the vote already."))
    _check_motion(item, data, board)
    recused = set(conflicts(item.idea, board.members)) if item.idea is not None else set()
    eligible = _eligible(board, recused)
    present = present_members(meeting) & {m.id for m in eligible}
    if not counting.quorum_met(rules_of(board), eligible=len(eligible), present=len(present)):
        raise Conflict(
            _(
                "The meeting has no quorum for this item: %(present)s of %(eligible)s members "
                "entitled to vote are present, %(percent)s %% are needed. It cannot decide.",
                present=len(present),
                eligible=len(eligible),
                percent=board.quorum_percent,
            )
        )
    return _new_vote(item, data, VoteMode.MEETING, user, at or utcnow(), None, board)


def send_written(
    item: AgendaItem,
    data: MotionData,
    deadline: datetime,
    user: User,
    *,
    at: datetime | None = None,
) -> Vote:
    """Send *item* to all members in a written procedure that ends at *deadline*."""
    board = db.session.get(Board, item.board_id)
    assert board is not None
    require_presiding(board, user)
    at = at or utcnow()
    if item.vote is not None:
        raise Conflict(_("This item has been put to the vote already."))
    if deadline <= at:
        raise DomainError(_("The deadline must lie in the future."))
    _check_motion(item, data, board)
    db.session.add(item)
    vote = _new_vote(item, data, VoteMode.WRITTEN, user, at, deadline, board)
    recused = {recusal.member_id for recusal in vote.recusals}
    notify(
        [m.user for m in _eligible(board, recused)],
        messages.WRITTEN_OPENED,
        {
            "board": board.name,
            "title": item.title,
            "deadline": format_datetime(deadline, "short"),
        },
        Link("board.item", {"item_id": item.id}),
        at=at,
    )
    return vote


def vote_of(item: AgendaItem) -> Vote:
    """Return the vote *item* was put to; refuse an item that has not been put to the vote."""
    if item.vote is None:
        raise Conflict(_("This item has not been put to the vote."))
    return item.vote


def _lock(vote: Vote) -> Vote:
    """Re-read *vote* locked for update (PostgreSQL), so that casting and closing take turns."""
    locked = db.session.scalar(
        select(Vote)
        .where(Vote.id == vote.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    return locked


def _voter(vote: Vote, user: User) -> BoardMember:
    """Return *user*'s seat if they may vote on *vote* now, else raise."""
    board = db.session.get(Board, vote.item.board_id)
    assert board is not None
    member = seat(board, user)
    if member is None:
        raise Forbidden(_("Only members of the board vote."))
    if not member.function.votes:
        raise Forbidden(_("Guests take part without a vote."))
    if any(recusal.member_id == member.id for recusal in vote.recusals):
        raise Forbidden(_("You are recused from this item for a conflict of interest."))
    if vote.state is not VoteState.OPEN:
        raise Conflict(_("This vote is closed; its result cannot change."))
    if vote.mode is VoteMode.MEETING:
        meeting = vote.item.meeting
        assert meeting is not None
        if member.id not in present_members(meeting):
            raise Forbidden(_("Only members present at the meeting vote."))
    return member


def cast(vote: Vote, user: User, choice: Choice, *, at: datetime | None = None) -> Ballot:
    """Record *user*'s vote *choice*; in a secret vote, the choice apart from the voter."""
    vote = _lock(vote)
    member = _voter(vote, user)
    if any(ballot.member_id == member.id for ballot in vote.ballots):
        raise Conflict(_("You have already voted on this item."))
    ballot = Ballot(
        vote_id=vote.id,
        member_id=member.id,
        choice=None if vote.secret else choice,
        cast_at=at or utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(ballot)
            if vote.secret:
                db.session.add(
                    SecretChoice(id=secrets.token_hex(16), vote_id=vote.id, choice=choice)
                )
            db.session.flush()
    except IntegrityError as error:
        # The same member voting twice at the same moment, in two tabs.
        raise Conflict(_("You have already voted on this item.")) from error
    db.session.expire(vote, ["ballots"])
    return ballot


def declare_conflict(vote: Vote, user: User, note: str) -> Recusal:
    """Recuse *user* from *vote* for a conflict of interest they declare, before they vote."""
    vote = _lock(vote)
    member = _voter(vote, user)
    if not note.strip():
        raise DomainError(_("Please say what the conflict of interest is."))
    if any(ballot.member_id == member.id for ballot in vote.ballots):
        raise Conflict(_("You have already voted on this item."))
    recusal = Recusal(vote=vote, member=member, reason=RecusalReason.DECLARED, note=note.strip())
    db.session.add(recusal)
    db.session.flush()
    return recusal


def refer_to_meeting(vote: Vote, user: User, *, at: datetime | None = None) -> None:
    """Stop a written procedure because member *user* demands that a meeting decide it."""
    vote = _lock(vote)
    if vote.mode is not VoteMode.WRITTEN:
        raise Conflict(_("Only an item in a written procedure can be referred to a meeting."))
    member = _voter(vote, user)
    vote.state = VoteState.REFERRED
    vote.referred_by_id = member.id
    vote.closed_at = at or utcnow()
    db.session.flush()


def tally(vote: Vote) -> counting.Tally:
    """Count *vote* as it stands now under its board's rules."""
    board = db.session.get(Board, vote.item.board_id)
    assert board is not None
    recused = {recusal.member_id for recusal in vote.recusals}
    eligible = _eligible(board, recused)
    eligible_ids = {member.id for member in eligible}
    ballots = [ballot for ballot in vote.ballots if ballot.member_id in eligible_ids]
    if vote.secret:
        choices = list(
            db.session.scalars(select(SecretChoice.choice).where(SecretChoice.vote_id == vote.id))
        )
    else:
        choices = [ballot.choice for ballot in ballots if ballot.choice is not None]
    if vote.mode is VoteMode.MEETING:
        assert vote.item.meeting is not None
        present = len(present_members(vote.item.meeting) & eligible_ids)
    else:
        present = len(ballots)
    chair = next((b for b in ballots if b.member.function.value == "chair"), None)
    return counting.count(
        rules_of(board),
        yes=choices.count(Choice.YES),
        no=choices.count(Choice.NO),
        abstain=choices.count(Choice.ABSTAIN),
        eligible=len(eligible),
        present=present,
        chair_choice=chair.choice.value if chair is not None and chair.choice else None,
    )


def _close(vote: Vote, actor: User, at: datetime) -> counting.Tally:
    result = tally(vote)
    vote.state = VoteState.CLOSED
    vote.closed_at = at
    vote.yes, vote.no, vote.abstain = result.yes, result.no, result.abstain
    vote.eligible, vote.present = result.eligible, result.present
    vote.result = VoteResult(result.result.value)
    vote.casting_vote_used = result.casting_vote_used
    db.session.flush()
    if result.result is counting.Result.ADOPTED and vote.item.kind is ItemKind.IDEA:
        decisions.record_decision(vote, actor, at)
    return result


def close_vote(vote: Vote, user: User, *, at: datetime | None = None) -> counting.Tally:
    """Close a meeting's vote as the chair or the deputy and record its result."""
    vote = _lock(vote)
    meeting = vote.item.meeting
    if vote.mode is not VoteMode.MEETING or meeting is None:
        raise Conflict(_("A written procedure closes at its deadline or when all have voted."))
    require_presiding(meeting.board, user)
    if vote.state is not VoteState.OPEN:
        raise Conflict(_("This vote is closed; its result cannot change."))
    if tally(vote).result is counting.Result.NO_QUORUM:
        raise Conflict(_("The meeting has no quorum for this item. It cannot decide."))
    return _close(vote, user, at or utcnow())


def written_due(at: datetime) -> list[Vote]:
    """Return the open written procedures that are decided at *at*: their deadline has passed
    or every member entitled to vote has voted."""
    open_votes = db.session.scalars(
        select(Vote)
        .where(Vote.state == VoteState.OPEN, Vote.mode == VoteMode.WRITTEN)
        .options(selectinload(Vote.ballots), selectinload(Vote.recusals))
        .order_by(Vote.id)
    ).all()
    due = []
    for vote in open_votes:
        assert vote.deadline is not None
        if vote.deadline <= at:
            due.append(vote)
            continue
        board = db.session.get(Board, vote.item.board_id)
        assert board is not None
        recused = {recusal.member_id for recusal in vote.recusals}
        eligible = {member.id for member in _eligible(board, recused)}
        if eligible and eligible <= {ballot.member_id for ballot in vote.ballots}:
            due.append(vote)
    return due


def close_written(at: datetime | None = None) -> int:
    """Close the written procedures of the current municipality that are due; return how many.

    A procedure whose approval would now depart from the ranking without an explanation (a
    decision taken meanwhile changed the picture) is referred to a meeting instead.
    """
    at = at or utcnow()
    closed = 0
    for vote in written_due(at):
        vote = _lock(vote)
        if vote.state is not VoteState.OPEN:
            continue
        actor = db.session.get(User, vote.opened_by_id) if vote.opened_by_id else None
        board = db.session.get(Board, vote.item.board_id)
        assert board is not None
        if actor is None:
            actor = next(m.user for m in board.members if m.function.presides)
        try:
            with db.session.begin_nested():
                _close(vote, actor, at)
        except DomainError:
            chair = next(m for m in board.members if m.function.presides)
            vote.state, vote.referred_by_id, vote.closed_at = VoteState.REFERRED, chair.id, at
            db.session.flush()
        closed += 1
    return closed
