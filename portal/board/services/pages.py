"""Everything the board's pages show, in one call each, so that views and templates restate no
rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.board import counting
from portal.board.models import (
    AgendaItem,
    Ballot,
    Board,
    BoardMember,
    Decision,
    ItemKind,
    Meeting,
    MeetingState,
    Vote,
    VoteMode,
    VoteState,
)
from portal.board.services import access, meetings, votes
from portal.board.services.decisions import Departure, departure
from portal.board.services.standing import NOT_RANKED, Standing, standings_of
from portal.core.registry import Section, page_sections
from portal.extensions import db


@dataclass(frozen=True)
class ItemView:
    """An agenda item as a page shows it."""

    item: AgendaItem
    standing: Standing
    vote: Vote | None
    decision: Decision | None
    #: The count so far (open vote, for those who lead it) or the stored result.
    tally: counting.Tally | None
    recused: tuple[BoardMember, ...]
    voted: bool
    may_vote: bool


def _decisions(votes_: list[Vote]) -> dict[int, Decision]:
    if not votes_:
        return {}
    return {
        d.vote_id: d
        for d in db.session.scalars(
            select(Decision)
            .where(Decision.vote_id.in_([v.id for v in votes_]))
            .options(joinedload(Decision.board))
        )
    }


def _item_views(
    items: list[AgendaItem],
    board: Board,
    user: User,
    present: set[int] | None,
    standings: dict[int, dict[int, Standing]] | None = None,
) -> list[ItemView]:
    member = next((m for m in board.members if m.user_id == user.id), None)
    if standings is None:
        standings = standings_of(item.round for item in items if item.round is not None)
    found = _decisions([i.vote for i in items if i.vote is not None])
    views = []
    for item in items:
        vote = item.vote
        recused = tuple(r.member for r in vote.recusals) if vote else ()
        voted = bool(vote and member and any(b.member_id == member.id for b in vote.ballots))
        may_vote = bool(
            vote
            and vote.state is VoteState.OPEN
            and member is not None
            and member.function.votes
            and member not in recused
            and not voted
            and (vote.mode is VoteMode.WRITTEN or (present is not None and member.id in present))
        )
        result = None
        if vote is not None and vote.state is VoteState.CLOSED:
            result = _stored_tally(vote)
        elif vote is not None and vote.state is VoteState.OPEN and access.presides(board, user):
            result = votes.tally(vote)
        views.append(
            ItemView(
                item=item,
                standing=standings.get(item.round_id or 0, {}).get(item.idea_id or 0, NOT_RANKED),
                vote=vote,
                decision=found.get(vote.id) if vote else None,
                tally=result,
                recused=recused,
                voted=voted,
                may_vote=may_vote,
            )
        )
    return views


def _stored_tally(vote: Vote) -> counting.Tally:
    assert vote.result is not None
    return counting.Tally(
        result=counting.Result(vote.result.value),
        yes=vote.yes or 0,
        no=vote.no or 0,
        abstain=vote.abstain or 0,
        eligible=vote.eligible or 0,
        present=vote.present or 0,
        quorum_met=vote.result.value != "no_quorum",
        base=0,
        casting_vote_used=vote.casting_vote_used,
    )


def _load_items(condition: object) -> list[AgendaItem]:
    return list(
        db.session.scalars(
            select(AgendaItem)
            .where(condition)  # type: ignore[arg-type]
            .options(
                joinedload(AgendaItem.idea),
                joinedload(AgendaItem.round),
                joinedload(AgendaItem.vote).options(
                    # Pages show who voted and how, never when: hundreds of ballots a
                    # meeting, read without their times.
                    selectinload(Vote.ballots).load_only(
                        Ballot.vote_id, Ballot.member_id, Ballot.choice
                    ),
                    selectinload(Vote.recusals),
                ),
            )
            .order_by(AgendaItem.position, AgendaItem.id)
        ).unique()
    )


@dataclass(frozen=True)
class MeetingPage:
    """What the meeting page shows."""

    meeting: Meeting
    items: list[ItemView]
    present: set[int]
    presides: bool
    prepares: bool
    suggestions: list[meetings.Suggestion] = field(default_factory=list)
    to_approve: list[Meeting] = field(default_factory=list)
    approved_in: Meeting | None = None
    #: What other modules add to the page, by place (the insights' meeting pack in "aside").
    sections: dict[str, list[Section]] = field(default_factory=dict)

    @property
    def open_for_me(self) -> list[ItemView]:
        """Return the items whose open vote the reader may cast now."""
        return [view for view in self.items if view.may_vote]

    @property
    def unreleased(self) -> int:
        """Return how many decisions of the meeting wait to be released to all staff."""
        return sum(1 for view in self.items if view.decision and view.decision.released_at is None)


def meeting_page(meeting: Meeting, user: User) -> MeetingPage:
    """Gather the meeting page of *meeting* for *user*."""
    board = db.session.scalar(
        select(Board)
        .where(Board.id == meeting.board_id)
        .options(
            selectinload(Board.members).joinedload(BoardMember.user), selectinload(Board.rounds)
        )
    )
    assert board is not None
    access.require_see(board, user)
    present = votes.present_members(meeting)
    items = _load_items(AgendaItem.meeting_id == meeting.id)
    agenda_open = meeting.state in (MeetingState.PLANNED, MeetingState.INVITED)
    prepares = access.may_prepare(board, user)
    offer = prepares and agenda_open
    # Each round's ranking read once, for the agenda and the suggestions alike.
    rounds = [item.round for item in items if item.round is not None]
    standings = standings_of([*rounds, *board.rounds] if offer else rounds)
    return MeetingPage(
        meeting=meeting,
        items=_item_views(items, board, user, present, standings),
        present=present,
        presides=access.presides(board, user),
        prepares=prepares,
        suggestions=meetings.suggestions(board, standings) if offer else [],
        to_approve=meetings.minutes_to_approve(meeting) if meeting.opened_at else [],
        approved_in=(
            db.session.get(Meeting, meeting.minutes_approved_in_id)
            if meeting.minutes_approved_in_id
            else None
        ),
        sections=page_sections("meeting", meeting, user),
    )


@dataclass(frozen=True)
class ItemPage:
    """What an agenda item's page shows."""

    board: Board
    view: ItemView
    presides: bool
    departure: Departure | None


def item_page(item: AgendaItem, user: User) -> ItemPage:
    """Gather the page of agenda item *item* for *user*."""
    board = access.get_board(item.board_id)
    access.require_see(board, user)
    present = votes.present_members(item.meeting) if item.meeting is not None else None
    (view,) = _item_views(_load_items(AgendaItem.id == item.id), board, user, present)
    return ItemPage(board=board, view=view, presides=access.presides(board, user), departure=None)


def proposed_departure(item: AgendaItem, outcome_value: str | None) -> Departure | None:
    """Say whether the decision proposed for *item* departs from the ranking."""
    from portal.board.models import DecisionOutcome

    if item.kind is not ItemKind.IDEA or not outcome_value or item.idea is None:
        return None
    board = access.get_board(item.board_id)
    assert item.round is not None
    return departure(board, item.round, item.idea, DecisionOutcome(outcome_value))


@dataclass(frozen=True)
class BoardPage:
    """What a board's page shows."""

    board: Board
    meetings: list[Meeting]
    written: list[ItemView]
    decisions: list[Decision]
    keeper: bool
    presides: bool
    prepares: bool


def board_page(board: Board, user: User) -> BoardPage:
    """Gather the page of *board* for *user*."""
    access.require_see(board, user)
    written = _load_items((AgendaItem.board_id == board.id) & AgendaItem.meeting_id.is_(None))
    return BoardPage(
        board=board,
        meetings=meetings.meetings_of(board),
        written=_item_views(written, board, user, None),
        decisions=list(
            db.session.scalars(
                select(Decision)
                .where(Decision.board_id == board.id)
                .options(joinedload(Decision.idea), joinedload(Decision.board))
                .order_by(Decision.year.desc(), Decision.number.desc())
            )
        ),
        keeper=access.is_keeper(user),
        presides=access.presides(board, user),
        prepares=access.may_prepare(board, user),
    )
