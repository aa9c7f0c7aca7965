"""Pages of boards: the list, setting a board up, members, the board page, decisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.accounts.models import Role, User
from portal.board.forms import BoardForm, MemberForm
from portal.board.models import Board, BoardFunction, MajorityRule
from portal.board.services import access, boards, decisions, pages
from portal.board.views import bp
from portal.board.views.common import BOARD_PEOPLE
from portal.core.access import SIGNED_IN, allow
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.forms import enum_choices, sent_version
from portal.extensions import db
from portal.rounds.models import Round


@bp.route("/")
@allow(*BOARD_PEOPLE)
def index() -> ResponseReturnValue:
    user = signed_in_user()
    return render_template(
        "board/index.html", boards=boards.boards_of(user), may_create=access.is_keeper(user)
    )


def _prepare(form: BoardForm, board: Board | None) -> None:
    form.majority.choices = enum_choices(MajorityRule)
    form.round_ids.choices = [
        SelectChoice(r.id, r.name) for r in db.session.scalars(select(Round).order_by(Round.id))
    ]
    if board is not None and request.method == "GET":
        form.round_ids.data = [r.id for r in board.rounds]
        form.majority.data = board.majority.value
        form.lock_version.data = str(board.lock_version)


def _data(form: BoardForm) -> boards.BoardData:
    return boards.BoardData(
        name=form.name.data or "",
        code=(form.code.data or "").upper(),
        description=form.description.data or "",
        term_start=form.term_start.data,
        term_end=form.term_end.data,
        quorum_percent=form.quorum_percent.data or 0,
        majority=MajorityRule(form.majority.data),
        abstentions_count=bool(form.abstentions_count.data),
        casting_vote=bool(form.casting_vote.data),
        round_ids=frozenset(form.round_ids.data or []),
    )


def _board_form(board: Board | None) -> ResponseReturnValue:
    form = BoardForm(obj=board)
    _prepare(form, board)
    status, error = (422 if request.method == "POST" else 200), ""
    if form.validate_on_submit():
        user = signed_in_user()
        try:
            if board is None:
                board = boards.create_board(_data(form), user)
            else:
                boards.update_board(
                    board, _data(form), user, lock_version=sent_version(form.lock_version.data)
                )
        except Conflict as refused:
            error, status = refused.message, refused.status_code
        except DomainError as refused:
            error = refused.message
        else:
            flash(_("The board has been saved."), "success")
            return redirect(url_for("board.detail", board_id=board.id))
    elif request.method == "POST":
        error = _("Please correct the fields marked below.")
    return render_template("board/board_form.html", form=form, board=board, error=error), status


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.MODERATOR, Role.ADMIN)
def new() -> ResponseReturnValue:
    return _board_form(None)


@bp.route("/<int:board_id>/edit", methods=["GET", "POST"])
@allow(Role.MODERATOR, Role.ADMIN)
def edit(board_id: int) -> ResponseReturnValue:
    return _board_form(access.get_board(board_id))


def _member_form(board: Board) -> MemberForm:
    form = MemberForm()
    seated = {m.user_id for m in board.members}
    form.user_id.choices = [
        SelectChoice(u.id, f"{u.name} ({u.email})")
        for u in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
        if u.id not in seated
    ]
    form.function.choices = enum_choices(BoardFunction)
    return form


def _render_detail(board: Board, status: int = 200, **extra: object) -> ResponseReturnValue:
    user = signed_in_user()
    page = pages.board_page(board, user)
    return render_template(
        "board/detail.html",
        page=page,
        board=board,
        member_form=extra.pop("member_form", None)
        or (_member_form(board) if page.keeper else None),
        **extra,
    ), status


@bp.route("/<int:board_id>")
@allow(*BOARD_PEOPLE)
def detail(board_id: int) -> ResponseReturnValue:
    return _render_detail(access.get_board(board_id))


@bp.route("/<int:board_id>/members", methods=["POST"])
@allow(Role.MODERATOR, Role.ADMIN)
def add_member(board_id: int) -> ResponseReturnValue:
    board = access.get_board(board_id)
    access.require_keeper(signed_in_user())
    form = _member_form(board)
    if not form.validate_on_submit():
        return _render_detail(
            board, 422, member_form=form, member_error=_("Choose a person and a function.")
        )
    user = db.session.get(User, form.user_id.data)
    if user is None:
        raise NotFound(_("This person does not exist."))
    try:
        boards.add_member(board, user, BoardFunction(form.function.data), signed_in_user())
    except DomainError as refused:
        return _render_detail(
            board,
            refused.status_code if refused.status_code != 400 else 422,
            member_form=form,
            member_error=refused.message,
        )
    flash(_("%(name)s now sits on the board.", name=user.name), "success")
    return redirect(url_for("board.detail", board_id=board.id, _anchor="members"))


@bp.route("/<int:board_id>/members/<int:member_id>/remove", methods=["POST"])
@allow(Role.MODERATOR, Role.ADMIN)
def remove_member(board_id: int, member_id: int) -> ResponseReturnValue:
    board = access.get_board(board_id)
    boards.remove_member(board, member_id, signed_in_user())
    flash(_("The seat has been removed."), "success")
    return redirect(url_for("board.detail", board_id=board.id, _anchor="members"))


@bp.route("/decisions")
@allow(SIGNED_IN)
def decisions_index() -> ResponseReturnValue:
    return render_template("board/decisions.html", decisions=decisions.released_decisions(200))


@bp.route("/decisions/<int:decision_id>")
@allow(SIGNED_IN)
def decision(decision_id: int) -> ResponseReturnValue:
    found = access.get_decision(decision_id)
    access.require_read_decision(found, signed_in_user())
    return render_template("board/decision.html", decision=found)


@bp.route("/decisions/<int:decision_id>/release", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def release(decision_id: int) -> ResponseReturnValue:
    found = access.get_decision(decision_id)
    decisions.release([found], signed_in_user())
    flash(_("The decision has been released to all staff."), "success")
    return redirect(url_for("board.decision", decision_id=found.id))
