"""Pages of agenda items and their votes: the motion, casting, closing, conflicts of interest,
and written procedures."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.board.forms import CastForm, ConflictForm, MotionForm, WrittenForm
from portal.board.models import AgendaItem, Board, Choice, DecisionOutcome
from portal.board.services import access, meetings, pages, votes
from portal.board.views import bp
from portal.board.views.common import BOARD_PEOPLE
from portal.board.views.meetings import _utc
from portal.core.access import allow
from portal.core.errors import DomainError


def _outcome_choices(form: MotionForm) -> None:
    form.outcome.choices = [
        SelectChoice("", _("— no decision (not an idea) —")),
        *(SelectChoice(o.value, o.label) for o in DecisionOutcome),
    ]


def _motion(form: MotionForm) -> votes.MotionData:
    return votes.MotionData(
        motion=form.motion.data or "",
        secret=form.secret.data == "secret",
        outcome=DecisionOutcome(form.outcome.data) if form.outcome.data else None,
        conditions=form.conditions.data or "",
        reason=form.reason.data or "",
        explanation=form.explanation.data or "",
    )


def _render_item(item: AgendaItem, status: int = 200, **extra: object) -> ResponseReturnValue:
    user = signed_in_user()
    page = pages.item_page(item, user)
    motion_form = extra.pop("motion_form", None) or MotionForm()
    _outcome_choices(motion_form)  # type: ignore[arg-type]
    departure = pages.proposed_departure(
        item,
        motion_form.outcome.data if request.method == "POST" else None,  # type: ignore[attr-defined]
    )
    return render_template(
        "board/item.html",
        page=page,
        item=item,
        motion_form=motion_form,
        cast_form=extra.pop("cast_form", None) or CastForm(),
        conflict_form=extra.pop("conflict_form", None) or ConflictForm(),
        departure=departure,
        **extra,
    ), status


def _refused(item: AgendaItem, refused: DomainError, **extra: object) -> ResponseReturnValue:
    if refused.status_code == 403:
        raise refused
    status = 422 if refused.status_code == 400 else refused.status_code
    return _render_item(item, status, error=refused.message, **extra)


@bp.route("/items/<int:item_id>")
@allow(*BOARD_PEOPLE)
def item(item_id: int) -> ResponseReturnValue:
    return _render_item(access.get_item(item_id))


@bp.route("/items/<int:item_id>/vote", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def open_vote(item_id: int) -> ResponseReturnValue:
    found = access.get_item(item_id)
    access.require_presiding(access.get_board(found.board_id), signed_in_user())
    form = MotionForm()
    _outcome_choices(form)
    if not form.validate_on_submit():
        return _render_item(
            found, 422, motion_form=form, error=_("Please correct the fields marked below.")
        )
    try:
        votes.open_vote(found, _motion(form), signed_in_user())
    except DomainError as refused:
        return _refused(found, refused, motion_form=form)
    flash(_("The vote is open; the members present can vote now."), "success")
    return redirect(url_for("board.item", item_id=found.id))


@bp.route("/items/<int:item_id>/cast", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def cast(item_id: int) -> ResponseReturnValue:
    found = access.get_item(item_id)
    form = CastForm()
    if not form.validate_on_submit():
        return _render_item(
            found, 422, cast_form=form, error=_("Please choose yes, no or abstain.")
        )
    try:
        votes.cast(votes.vote_of(found), signed_in_user(), Choice(form.choice.data))
    except DomainError as refused:
        return _refused(found, refused, cast_form=form)
    flash(_("Your vote has been recorded."), "success")
    return redirect(url_for("board.item", item_id=found.id))


@bp.route("/items/<int:item_id>/conflict", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def declare_conflict(item_id: int) -> ResponseReturnValue:
    found = access.get_item(item_id)
    form = ConflictForm()
    if not form.validate_on_submit():
        return _render_item(
            found, 422, conflict_form=form, error=_("Please say what the conflict of interest is.")
        )
    try:
        votes.declare_conflict(votes.vote_of(found), signed_in_user(), form.note.data or "")
    except DomainError as refused:
        return _refused(found, refused, conflict_form=form)
    flash(_("You are recused from this item."), "success")
    return redirect(url_for("board.item", item_id=found.id))


@bp.route("/items/<int:item_id>/close", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def close_vote(item_id: int) -> ResponseReturnValue:
    found = access.get_item(item_id)
    access.require_presiding(access.get_board(found.board_id), signed_in_user())
    try:
        result = votes.close_vote(votes.vote_of(found), signed_in_user())
    except DomainError as refused:
        return _refused(found, refused)
    flash(
        _("The vote is closed: %(result)s.", result=_result_label(result.result.value)), "success"
    )
    return redirect(url_for("board.item", item_id=found.id))


def _result_label(value: str) -> str:
    from portal.board.models import VoteResult

    return VoteResult(value).label


@bp.route("/items/<int:item_id>/refer", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def refer(item_id: int) -> ResponseReturnValue:
    found = access.get_item(item_id)
    try:
        votes.refer_to_meeting(votes.vote_of(found), signed_in_user())
    except DomainError as refused:
        return _refused(found, refused)
    flash(_("The written procedure has stopped; a meeting will decide the item."), "success")
    return redirect(url_for("board.item", item_id=found.id))


def _subjects(board: Board) -> list[SelectChoice]:
    return [
        SelectChoice("other", _("Another topic (title below)")),
        *(
            SelectChoice(f"{s.round.id}:{s.idea.id}", f"#{s.idea.id} {s.idea.title}")
            for s in meetings.suggestions(board)
        ),
    ]


def _subject(value: str | None) -> tuple[int, int] | None:
    """Read the (round id, idea id) of the idea chosen from `_subjects`; None for another
    topic."""
    if value == "other":
        return None
    round_id, _sep, idea_id = (value or "").partition(":")
    return int(round_id), int(idea_id)


@bp.route("/<int:board_id>/written/new", methods=["GET", "POST"])
@allow(Role.BOARD_MEMBER)
def new_written(board_id: int) -> ResponseReturnValue:
    board = access.get_board(board_id)
    user = signed_in_user()
    access.require_presiding(board, user)
    form = WrittenForm()
    _outcome_choices(form)
    form.subject.choices = _subjects(board)
    status, error = (422 if request.method == "POST" else 200), ""
    if form.validate_on_submit():
        deadline = _utc(form.deadline.data)
        assert deadline is not None
        try:
            found = meetings.written_item(
                board, _subject(form.subject.data), form.title.data or "", form.notes.data or ""
            )
            votes.send_written(found, _motion(form), deadline, user)
        except DomainError as refused:
            error = refused.message
            status = 422 if refused.status_code == 400 else refused.status_code
        else:
            flash(_("The item has been sent to the members."), "success")
            return redirect(url_for("board.item", item_id=found.id))
    elif request.method == "POST":
        error = _("Please correct the fields marked below.")
    return render_template("board/written_form.html", form=form, board=board, error=error), status
