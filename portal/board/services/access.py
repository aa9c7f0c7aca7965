"""Who may see and do what on a board; the pages ask these, the services enforce them.

Moderators and administrators keep the boards (members, rules, rounds) and prepare meetings;
the chair and the deputy lead meetings and votes; members with a vote vote; guests read.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.board.models import AgendaItem, Board, BoardMember, Decision, Meeting, Vote
from portal.core.errors import Conflict, Forbidden, NotFound
from portal.extensions import db


def get_board(board_id: int) -> Board:
    """Return board *board_id* of the current municipality."""
    found = db.session.get(Board, board_id)
    if found is None:
        raise NotFound(_("This board does not exist."))
    return found


def get_meeting(meeting_id: int) -> Meeting:
    """Return meeting *meeting_id* with its board."""
    found = db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).options(joinedload(Meeting.board))
    )
    if found is None:
        raise NotFound(_("This meeting does not exist."))
    return found


def get_item(item_id: int) -> AgendaItem:
    """Return agenda item *item_id*."""
    found = db.session.get(AgendaItem, item_id)
    if found is None:
        raise NotFound(_("This agenda item does not exist."))
    return found


def get_vote(vote_id: int) -> Vote:
    """Return vote *vote_id*."""
    found = db.session.get(Vote, vote_id)
    if found is None:
        raise NotFound(_("This vote does not exist."))
    return found


def get_decision(decision_id: int) -> Decision:
    """Return decision *decision_id*."""
    found = db.session.get(Decision, decision_id)
    if found is None:
        raise NotFound(_("This decision does not exist."))
    return found


def require_read_decision(decision: Decision, user: User) -> None:
    """Refuse a decision that is not released yet to anybody who does not see its board."""
    if decision.released_at is None:
        require_see(decision.board, user)


def is_keeper(user: User) -> bool:
    """Tell whether *user* keeps boards and prepares meetings (moderators, administrators)."""
    return user.has_role(Role.MODERATOR, Role.ADMIN)


def require_keeper(user: User) -> None:
    """Refuse anybody but a moderator or an administrator."""
    if not is_keeper(user):
        raise Forbidden(_("Only moderators and administrators keep the boards."))


def seat(board: Board, user: User) -> BoardMember | None:
    """Return *user*'s seat on *board*, or None."""
    return db.session.scalar(
        select(BoardMember).where(BoardMember.board_id == board.id, BoardMember.user_id == user.id)
    )


def may_see(board: Board, user: User) -> bool:
    """Members (guests too) and the keepers read a board's meetings, votes and drafts."""
    return is_keeper(user) or seat(board, user) is not None


def require_see(board: Board, user: User) -> None:
    """Refuse anybody who is neither on *board* nor keeps it."""
    if not may_see(board, user):
        raise Forbidden(_("Only the board's members and the moderators see this page."))


def presides(board: Board, user: User) -> bool:
    """Tell whether *user* is the chair or the deputy of *board*."""
    found = seat(board, user)
    return found is not None and found.function.presides


def require_presiding(board: Board, user: User) -> None:
    """Refuse anybody but the chair and the deputy."""
    if not presides(board, user):
        raise Forbidden(_("Only the chair or the deputy chair of the board may do this."))


def may_prepare(board: Board, user: User) -> bool:
    """Moderators prepare meetings, and so do the chair and the deputy."""
    return is_keeper(user) or presides(board, user)


def require_prepare(board: Board, user: User) -> None:
    """Refuse anybody who may not prepare the board's meetings."""
    if not may_prepare(board, user):
        raise Forbidden(_("Only moderators and the board's chair prepare meetings."))


def require_current(obj: Board | Meeting, lock_version: int | None) -> None:
    """Refuse a change sent from a form that showed an older state of *obj* (409)."""
    if lock_version is not None and lock_version != obj.lock_version:
        raise Conflict(
            _(
                "This was changed in the meantime (perhaps in another tab). "
                "Please reload the page and try again."
            )
        )
