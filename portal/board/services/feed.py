"""What the board tells the start page, the newsfeed and the idea page; and the job that decides
written procedures."""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.board.models import (
    AgendaItem,
    Ballot,
    BoardMember,
    Meeting,
    MeetingState,
    Recusal,
    Vote,
    VoteMode,
    VoteState,
)
from portal.board.services import decisions, votes
from portal.core.jobs import enqueue, job, periodic
from portal.core.registry import Link, NewsItem, PanelItem, Section
from portal.extensions import db
from portal.ideas.models import Idea


def member_start_items(user: User) -> list[PanelItem]:
    """List the meetings a board member prepares for and the votes open for them."""
    seats = select(BoardMember.board_id).where(BoardMember.user_id == user.id)
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.board_id.in_(seats), Meeting.state == MeetingState.INVITED)
        .options(joinedload(Meeting.board))
        .order_by(Meeting.starts_at)
    ).all()
    items = [
        PanelItem(
            _("Prepare: %(title)s", title=meeting.title),
            Link("board.meeting", {"meeting_id": meeting.id}),
            note=f"{meeting.board.name} · {format_datetime(meeting.starts_at, 'short')}",
        )
        for meeting in meetings
    ]
    mine = select(BoardMember.id).where(BoardMember.user_id == user.id)
    open_votes = db.session.scalars(
        select(Vote)
        .join(AgendaItem, AgendaItem.id == Vote.item_id)
        .where(
            Vote.state == VoteState.OPEN,
            AgendaItem.board_id.in_(seats),
            ~Vote.id.in_(select(Ballot.vote_id).where(Ballot.member_id.in_(mine))),
            ~Vote.id.in_(select(Recusal.vote_id).where(Recusal.member_id.in_(mine))),
        )
        .options(joinedload(Vote.item))
        .order_by(Vote.deadline, Vote.id)
    ).all()
    for vote in open_votes:
        note = (
            _(
                "Written procedure until %(deadline)s",
                deadline=format_datetime(vote.deadline, "short"),
            )
            if vote.mode is VoteMode.WRITTEN and vote.deadline
            else _("Vote in the meeting")
        )
        items.append(
            PanelItem(
                _("Vote: %(title)s", title=vote.item.title),
                Link("board.item", {"item_id": vote.item_id}),
                note=note,
            )
        )
    return items


def decision_news(user: User, limit: int) -> list[NewsItem]:
    """Tell all staff of the decisions the board has released."""
    return [
        NewsItem(
            at=decision.released_at or decision.decided_at,
            text=f"{decision.reference}: {decision.idea.title} — {decision.outcome.label}",
            link=Link("board.decision", {"decision_id": decision.id}),
            kind=_("Board decision"),
        )
        for decision in decisions.released_decisions(limit)
    ]


def idea_decisions(idea: Idea, user: User) -> Section | None:
    """Show the released decisions on *idea* with their reasons on its page."""
    found = decisions.decisions_of_idea(idea, released_only=True)
    if not found:
        return None
    return Section("board/idea_decision.html", {"decisions": found})


@job(retries=3, retry_delay=60)
def close_written_procedures() -> None:
    """Decide the due written procedures of the municipality the job runs for."""
    votes.close_written()


@periodic(minute="*/5")
def close_written_procedures_everywhere() -> None:
    """Enqueue the closing of written procedures for every municipality that has one due."""
    # Whether a procedure is due (deadline passed, or everybody voted) the job itself decides.
    due = db.session.scalars(
        select(Vote.municipality_id)
        .where(Vote.state == VoteState.OPEN, Vote.mode == VoteMode.WRITTEN)
        .distinct()
    ).all()
    for municipality_id in due:
        enqueue(close_written_procedures, tenant=municipality_id)
