"""Boards: their rules of procedure, members with their functions, and the rounds they decide."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import User
from portal.board.models import Board, BoardFunction, BoardMember, MajorityRule, board_round
from portal.board.services.access import is_keeper, require_current, require_keeper
from portal.core.errors import Conflict, DomainError, NotFound
from portal.extensions import db
from portal.rounds.models import Round

_CODE = re.compile(r"^[A-ZÄÖÜ]{1,12}$")


@dataclass(frozen=True)
class BoardData:
    """What the board form sends."""

    name: str
    code: str
    description: str = ""
    term_start: date | None = None
    term_end: date | None = None
    quorum_percent: int = 50
    majority: MajorityRule = MajorityRule.SIMPLE
    abstentions_count: bool = False
    casting_vote: bool = False
    round_ids: frozenset[int] = frozenset()


def _check(data: BoardData, board: Board | None) -> list[Round]:
    if not data.name.strip():
        raise DomainError(_("Please give the board a name."))
    if not _CODE.match(data.code):
        raise DomainError(
            _("The code of the decision numbers is one to twelve capital letters, e.g. “LG”.")
        )
    if data.term_start is None:
        raise DomainError(_("Please give the first day of the board's term."))
    if data.term_end is not None and data.term_end < data.term_start:
        raise DomainError(_("The term cannot end before it starts."))
    if not 1 <= data.quorum_percent <= 100:
        raise DomainError(_("The quorum is a share between 1 and 100 percent."))
    same_code = db.session.scalar(select(Board.id).where(Board.code == data.code))
    if same_code is not None and (board is None or same_code != board.id):
        raise Conflict(_("Another board already numbers its decisions with this code."))
    rounds = list(db.session.scalars(select(Round).where(Round.id.in_(data.round_ids))))
    if len(rounds) != len(data.round_ids):
        raise NotFound(_("One of the chosen rounds does not exist."))
    taken = db.session.scalars(
        select(board_round.c.round_id).where(
            board_round.c.round_id.in_(data.round_ids),
            board_round.c.board_id != (board.id if board else 0),
        )
    ).all()
    if taken:
        raise Conflict(_("Another board already decides one of the chosen rounds."))
    return rounds


def _apply(board: Board, data: BoardData, rounds: list[Round]) -> None:
    board.name = data.name.strip()
    board.code = data.code
    board.description = data.description.strip()
    assert data.term_start is not None
    board.term_start = data.term_start
    board.term_end = data.term_end
    board.quorum_percent = data.quorum_percent
    board.majority = data.majority
    board.abstentions_count = data.abstentions_count
    board.casting_vote = data.casting_vote
    board.rounds = rounds


def create_board(data: BoardData, keeper: User) -> Board:
    """Create a board as *keeper* (a moderator or an administrator)."""
    require_keeper(keeper)
    rounds = _check(data, None)
    board = Board()
    _apply(board, data, rounds)
    db.session.add(board)
    db.session.flush()
    return board


def update_board(board: Board, data: BoardData, keeper: User, *, lock_version: int | None) -> None:
    """Change *board*'s name, term, rules and rounds."""
    require_keeper(keeper)
    require_current(board, lock_version)
    _apply(board, data, _check(data, board))
    db.session.flush()


def add_member(board: Board, user: User, function: BoardFunction, keeper: User) -> BoardMember:
    """Give *user* a seat with *function* on *board*."""
    require_keeper(keeper)
    if not user.active:
        raise DomainError(_("Only active users can sit on a board."))
    if any(member.user_id == user.id for member in board.members):
        raise Conflict(_("%(name)s already sits on this board.", name=user.name))
    if function.presides and any(member.function is function for member in board.members):
        raise Conflict(_("The board already has a “%(function)s”.", function=function.label))
    member = BoardMember(board=board, user=user, function=function)
    db.session.add(member)
    db.session.flush()
    return member


def remove_member(board: Board, member_id: int, keeper: User) -> None:
    """Take a seat off *board*; their past votes stay on the record."""
    require_keeper(keeper)
    member = next((m for m in board.members if m.id == member_id), None)
    if member is None:
        raise NotFound(_("This member does not sit on the board."))
    board.members.remove(member)
    db.session.flush()


def boards_of(user: User) -> list[Board]:
    """Return the boards *user* sits on, or all boards for those who keep them."""
    query = select(Board).order_by(Board.name)
    if not is_keeper(user):
        query = query.where(
            Board.id.in_(select(BoardMember.board_id).where(BoardMember.user_id == user.id))
        )
    return list(db.session.scalars(query))


def board_of_round(round_id: int) -> Board | None:
    """Return the board that decides round *round_id*, if any."""
    return db.session.scalar(
        select(Board).join(board_round).where(board_round.c.round_id == round_id)
    )


def voting_members(board: Board) -> list[BoardMember]:
    """Return the members of *board* who have a vote."""
    return [member for member in board.members if member.function.votes]


def chair(board: Board) -> BoardMember | None:
    """Return the chair of *board*."""
    return next((m for m in board.members if m.function is BoardFunction.CHAIR), None)
