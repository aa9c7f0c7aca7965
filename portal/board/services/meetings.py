"""Meetings of a board: planned → invited → held → minutes approved, their agenda (ideas of the
board's rounds suggested in rank order, reports, other topics), invitations and attendance."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import delete, func, insert, select

from portal.accounts.models import User
from portal.board.models import (
    AgendaItem,
    Board,
    ItemKind,
    Meeting,
    MeetingState,
    VoteState,
    attendance,
)
from portal.board.services import messages, minutes
from portal.board.services.access import (
    presides,
    require_current,
    require_prepare,
    require_presiding,
)
from portal.board.services.standing import NOT_RANKED, Standing, standings_of
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.models import utcnow
from portal.core.registry import Link
from portal.extensions import db
from portal.ideas.models import Idea, IdeaState
from portal.notifications.services import notify
from portal.rounds.models import Round, RoundIdea

M = MeetingState


@dataclass(frozen=True)
class MeetingData:
    """What the meeting form sends."""

    title: str
    starts_at: datetime | None
    ends_at: datetime | None
    place: str = ""
    video_url: str = ""


def _check(data: MeetingData) -> None:
    if not data.title.strip():
        raise DomainError(_("Please give the meeting a title."))
    if data.starts_at is None or data.ends_at is None:
        raise DomainError(_("Please give the start and the end of the meeting."))
    if data.ends_at <= data.starts_at:
        raise DomainError(_("The meeting must end after it starts."))
    if not (data.place.strip() or data.video_url.strip()):
        raise DomainError(_("Please give a place or a video link."))
    if data.video_url.strip() and not data.video_url.strip().startswith("https://"):
        raise DomainError(_("A video link starts with https://."))


def _apply(meeting: Meeting, data: MeetingData) -> None:
    assert data.starts_at is not None
    assert data.ends_at is not None
    meeting.title = data.title.strip()
    meeting.starts_at, meeting.ends_at = data.starts_at, data.ends_at
    meeting.place, meeting.video_url = data.place.strip(), data.video_url.strip()


def create_meeting(board: Board, data: MeetingData, user: User) -> Meeting:
    """Plan a meeting of *board*."""
    require_prepare(board, user)
    _check(data)
    meeting = Meeting(board=board, state=M.PLANNED)
    _apply(meeting, data)
    db.session.add(meeting)
    db.session.flush()
    return meeting


def update_meeting(
    meeting: Meeting, data: MeetingData, user: User, *, lock_version: int | None
) -> None:
    """Change the date, place or title of a meeting that has not been held."""
    require_prepare(meeting.board, user)
    require_current(meeting, lock_version)
    if meeting.state not in (M.PLANNED, M.INVITED):
        raise Conflict(_("A meeting that has been held cannot change."))
    _check(data)
    _apply(meeting, data)
    db.session.flush()


# --- the agenda --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    """An idea of one of the board's rounds that waits for a decision, with its standing."""

    round: Round
    idea: Idea
    standing: Standing


def _on_an_agenda(board: Board) -> set[int]:
    """Return the ideas already on an agenda of *board* whose vote is not referred or lost."""
    rows = db.session.execute(
        select(AgendaItem.idea_id, AgendaItem.id).where(
            AgendaItem.board_id == board.id, AgendaItem.idea_id.is_not(None)
        )
    ).all()
    items: dict[int, int] = {item_id: idea_id for idea_id, item_id in rows if idea_id is not None}
    if not items:
        return set()
    from portal.board.models import Vote

    given_up = set(
        db.session.scalars(
            select(Vote.item_id).where(
                Vote.item_id.in_(items),
                (Vote.state == VoteState.REFERRED) | (Vote.result.in_(("defeated", "no_quorum"))),
            )
        )
    )
    return {idea_id for item_id, idea_id in items.items() if item_id not in given_up}


def suggestions(
    board: Board, standings: Mapping[int, dict[int, Standing]] | None = None
) -> list[Suggestion]:
    """Return the scored ideas of *board*'s rounds that no agenda holds yet, in rank order.

    *standings* (by round id, covering the board's rounds) saves reading the rankings again.
    """
    taken = _on_an_agenda(board)
    known = standings_of(board.rounds) if standings is None else standings
    found: list[Suggestion] = []
    for round_ in board.rounds:
        ranks = known[round_.id]
        ideas = db.session.scalars(
            select(Idea)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == round_.id, Idea.state == IdeaState.SCORED)
        ).all()
        ranked = [
            Suggestion(round_, idea, ranks.get(idea.id, NOT_RANKED))
            for idea in ideas
            if idea.id not in taken
        ]
        ranked.sort(key=lambda s: (s.standing.rank is None, s.standing.rank or 0, s.idea.id))
        found.extend(ranked)
    return found


def _require_agenda_open(meeting: Meeting) -> None:
    if meeting.state not in (M.PLANNED, M.INVITED):
        raise Conflict(_("The agenda of a meeting that has been held cannot change."))


def _next_position(meeting: Meeting) -> int:
    last = db.session.scalar(
        select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)
    )
    return (last or 0) + 1


def idea_item(board: Board, round_id: int, idea_id: int) -> AgendaItem:
    """Return a new (unsaved) agenda item for idea *idea_id* of round *round_id*, which must be a
    scored idea of a round that *board* decides."""
    round_ = next((r for r in board.rounds if r.id == round_id), None)
    if round_ is None:
        raise Conflict(_("This board does not decide that round; another board does, or none."))
    idea = db.session.scalar(
        select(Idea)
        .join(RoundIdea, RoundIdea.idea_id == Idea.id)
        .where(RoundIdea.round_id == round_.id, Idea.id == idea_id)
    )
    if idea is None:
        raise NotFound(_("This idea is not in the round."))
    if idea.state is not IdeaState.SCORED:
        raise Conflict(
            _(
                "Only a scored idea can come before the board; this one is “%(state)s”.",
                state=idea.state.label,
            )
        )
    return AgendaItem(
        board_id=board.id, kind=ItemKind.IDEA, title=idea.title, idea=idea, round=round_
    )


def written_item(
    board: Board, subject: tuple[int, int] | None, title: str, notes: str
) -> AgendaItem:
    """Return a new (unsaved) item of *board* for a written procedure: the idea *subject*
    ((round id, idea id)) of a round the board decides, or without one another topic *title*."""
    if subject is None:
        if not title.strip():
            raise DomainError(_("Please give the topic a title."))
        return AgendaItem(
            board_id=board.id, kind=ItemKind.OTHER, title=title.strip(), notes=notes.strip()
        )
    item = idea_item(board, *subject)
    item.notes = notes.strip()
    return item


def add_idea_items(
    meeting: Meeting, choices: list[tuple[int, int]], user: User
) -> list[AgendaItem]:
    """Put the ideas *choices* ((round id, idea id), in order) on *meeting*'s agenda."""
    require_prepare(meeting.board, user)
    _require_agenda_open(meeting)
    if not choices:
        raise DomainError(_("Please choose at least one idea."))
    taken = _on_an_agenda(meeting.board)
    items = []
    for round_id, idea_id in choices:
        item = idea_item(meeting.board, round_id, idea_id)
        if idea_id in taken:
            raise Conflict(_("The idea “%(title)s” is on an agenda already.", title=item.title))
        items.append(item)
    position = _next_position(meeting)
    for offset, item in enumerate(items):
        item.meeting = meeting
        item.position = position + offset
        db.session.add(item)
    db.session.flush()
    return items


def add_topic(meeting: Meeting, kind: ItemKind, title: str, notes: str, user: User) -> AgendaItem:
    """Put a report or another topic on *meeting*'s agenda."""
    require_prepare(meeting.board, user)
    _require_agenda_open(meeting)
    if kind is ItemKind.IDEA:
        raise DomainError(_("Ideas come onto the agenda from the ranking of their round."))
    if not title.strip():
        raise DomainError(_("Please give the item a title."))
    item = AgendaItem(
        board_id=meeting.board_id,
        meeting=meeting,
        position=_next_position(meeting),
        kind=kind,
        title=title.strip(),
        notes=notes.strip(),
    )
    db.session.add(item)
    db.session.flush()
    return item


def remove_item(meeting: Meeting, item_id: int, user: User) -> None:
    """Take an item that has not been voted on off *meeting*'s agenda."""
    require_prepare(meeting.board, user)
    _require_agenda_open(meeting)
    item = next((i for i in meeting.items if i.id == item_id), None)
    if item is None:
        raise NotFound(_("This item is not on the agenda."))
    if item.vote is not None:
        raise Conflict(_("An item that has been put to the vote stays on the record."))
    meeting.items.remove(item)
    db.session.delete(item)
    db.session.flush()
    # Close the gap, keeping the order.
    for position, rest in enumerate(sorted(meeting.items, key=lambda i: i.position or 0), 1):
        rest.position = -position
    db.session.flush()
    for rest in meeting.items:
        rest.position = -(rest.position or 0)
    db.session.flush()


# --- invitation, attendance, held ---------------------------------------------------------------


def invite(meeting: Meeting, user: User, *, at: datetime | None = None) -> None:
    """Invite the members of the board to *meeting* (in the portal and by e-mail)."""
    require_prepare(meeting.board, user)
    if meeting.state is not M.PLANNED:
        raise Conflict(_("The members have been invited already."))
    if not meeting.items:
        raise DomainError(_("Please set the agenda before you invite."))
    at = at or utcnow()
    meeting.state, meeting.invited_at = M.INVITED, at
    notify(
        [member.user for member in meeting.board.members],
        messages.INVITED,
        {
            "title": meeting.title,
            "board": meeting.board.name,
            "when": format_datetime(meeting.starts_at, "short"),
        },
        Link("board.meeting", {"meeting_id": meeting.id}),
        at=at,
    )
    db.session.flush()


def record_attendance(
    meeting: Meeting, member_ids: set[int], user: User, *, at: datetime | None = None
) -> None:
    """Record who of the board is present at *meeting*; from then on it can vote."""
    require_presiding(meeting.board, user)
    if meeting.state is not M.INVITED:
        raise Conflict(_("Attendance is recorded at a meeting the members were invited to."))
    if any(i.vote is not None and i.vote.state is VoteState.OPEN for i in meeting.items):
        raise Conflict(_("Attendance cannot change while a vote is open."))
    known = {member.id for member in meeting.board.members}
    if not member_ids <= known:
        raise NotFound(_("Only members of the board can be present."))
    db.session.execute(delete(attendance).where(attendance.c.meeting_id == meeting.id))
    if member_ids:
        db.session.execute(
            insert(attendance),
            [{"meeting_id": meeting.id, "member_id": member_id} for member_id in member_ids],
        )
    meeting.opened_at = meeting.opened_at or at or utcnow()
    db.session.flush()


def close_meeting(meeting: Meeting, user: User, *, at: datetime | None = None) -> None:
    """Record that *meeting* has been held, and write the draft of its minutes."""
    require_presiding(meeting.board, user)
    if meeting.state is not M.INVITED or meeting.opened_at is None:
        raise Conflict(_("Only a meeting in session, with its attendance recorded, can be closed."))
    if any(i.vote is not None and i.vote.state is VoteState.OPEN for i in meeting.items):
        raise Conflict(_("Please close the open votes first."))
    meeting.state, meeting.held_at = M.HELD, at or utcnow()
    db.session.flush()
    meeting.minutes = minutes.generate(meeting)
    db.session.flush()


def may_correct_minutes(meeting: Meeting, user: User) -> bool:
    """Tell whether *user* may correct *meeting*'s minutes now: the chair or the deputy, while
    the minutes wait for approval."""
    return meeting.state is M.HELD and presides(meeting.board, user)


def correct_minutes(meeting: Meeting, text: str, user: User, *, lock_version: int | None) -> None:
    """Replace the text of *meeting*'s minutes, as the chair, until they are approved."""
    require_presiding(meeting.board, user)
    require_current(meeting, lock_version)
    if meeting.state is not M.HELD:
        raise Conflict(_("Approved minutes are frozen; minutes exist once the meeting is held."))
    if not text.strip():
        raise DomainError(_("The minutes cannot be empty."))
    meeting.minutes = text.strip()
    db.session.flush()


def minutes_to_approve(meeting: Meeting) -> list[Meeting]:
    """Return the earlier meetings of the board whose minutes *meeting* can approve."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(
                Meeting.board_id == meeting.board_id,
                Meeting.state == M.HELD,
                Meeting.starts_at < meeting.starts_at,
            )
            .order_by(Meeting.starts_at)
        )
    )


def approve_minutes(
    meeting: Meeting, earlier: Meeting, user: User, *, at: datetime | None = None
) -> None:
    """Approve the minutes of *earlier* in *meeting*, its board's next meeting; they freeze."""
    require_presiding(meeting.board, user)
    if meeting.state is not M.INVITED or meeting.opened_at is None:
        raise Conflict(_("Minutes are approved by a meeting in session."))
    if earlier not in minutes_to_approve(meeting):
        raise Conflict(_("These minutes are not waiting for this meeting's approval."))
    earlier.state = M.MINUTES_APPROVED
    earlier.minutes_approved_at = at or utcnow()
    earlier.minutes_approved_in_id = meeting.id
    db.session.flush()


def meetings_of(board: Board) -> list[Meeting]:
    """Return the meetings of *board*, latest first."""
    return list(
        db.session.scalars(
            select(Meeting).where(Meeting.board_id == board.id).order_by(Meeting.starts_at.desc())
        )
    )
