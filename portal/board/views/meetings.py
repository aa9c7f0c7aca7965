"""Pages of meetings: planning, the agenda, invitations, attendance, closing, minutes."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.board.forms import (
    ApproveMinutesForm,
    AttendanceForm,
    IdeaItemsForm,
    MeetingForm,
    MinutesForm,
    TopicForm,
)
from portal.board.models import Board, ItemKind, Meeting
from portal.board.services import access, calendar, decisions, meetings, pages
from portal.board.views import bp
from portal.board.views.common import BOARD_PEOPLE
from portal.core.access import allow
from portal.core.confirm import Confirmation, ask, confirmed
from portal.core.errors import Conflict, DomainError
from portal.core.forms import sent_version
from portal.core.registry import Link
from portal.core.urls import external_url


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _utc(value: datetime | None) -> datetime | None:
    """Read a local date and time from a form as the moment in UTC."""
    return value.replace(tzinfo=_zone()).astimezone(UTC) if value else None


def _local(value: datetime) -> datetime:
    return value.astimezone(_zone()).replace(tzinfo=None)


def _meeting_data(form: MeetingForm) -> meetings.MeetingData:
    return meetings.MeetingData(
        title=form.title.data or "",
        starts_at=_utc(form.starts_at.data),
        ends_at=_utc(form.ends_at.data),
        place=form.place.data or "",
        video_url=form.video_url.data or "",
    )


def _meeting_form(board: Board, meeting: Meeting | None) -> ResponseReturnValue:
    user = signed_in_user()
    access.require_prepare(board, user)
    form = MeetingForm(obj=meeting)
    if meeting is not None and request.method == "GET":
        form.starts_at.data, form.ends_at.data = _local(meeting.starts_at), _local(meeting.ends_at)
        form.lock_version.data = str(meeting.lock_version)
    status, error = (422 if request.method == "POST" else 200), ""
    if form.validate_on_submit():
        try:
            if meeting is None:
                meeting = meetings.create_meeting(board, _meeting_data(form), user)
            else:
                meetings.update_meeting(
                    meeting,
                    _meeting_data(form),
                    user,
                    lock_version=sent_version(form.lock_version.data),
                )
        except Conflict as refused:
            error, status = refused.message, refused.status_code
        except DomainError as refused:
            error = refused.message
        else:
            flash(_("The meeting has been saved."), "success")
            return redirect(url_for("board.meeting", meeting_id=meeting.id))
    elif request.method == "POST":
        error = _("Please correct the fields marked below.")
    return render_template(
        "board/meeting_form.html", form=form, board=board, meeting=meeting, error=error
    ), status


@bp.route("/<int:board_id>/meetings/new", methods=["GET", "POST"])
@allow(*BOARD_PEOPLE)
def new_meeting(board_id: int) -> ResponseReturnValue:
    return _meeting_form(access.get_board(board_id), None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@allow(*BOARD_PEOPLE)
def edit_meeting(meeting_id: int) -> ResponseReturnValue:
    meeting = access.get_meeting(meeting_id)
    return _meeting_form(meeting.board, meeting)


def _forms(page: pages.MeetingPage) -> dict[str, object]:
    ideas = IdeaItemsForm()
    ideas.chosen.choices = [
        SelectChoice(f"{s.round.id}:{s.idea.id}", f"#{s.idea.id} {s.idea.title}")
        for s in page.suggestions
    ]
    topic = TopicForm()
    topic.kind.choices = [SelectChoice(k.value, k.label) for k in (ItemKind.REPORT, ItemKind.OTHER)]
    attendance = AttendanceForm()
    attendance.present.choices = [
        SelectChoice(m.id, f"{m.user.name} ({m.function.label})")
        for m in page.meeting.board.members
    ]
    if request.method == "GET":
        attendance.present.data = sorted(page.present)
    approve = ApproveMinutesForm()
    approve.meeting_id.choices = [SelectChoice(m.id, f"{m.title}") for m in page.to_approve]
    return {
        "ideas_form": ideas,
        "topic_form": topic,
        "attendance_form": attendance,
        "approve_form": approve,
    }


def _render_meeting(meeting: Meeting, status: int = 200, **extra: object) -> ResponseReturnValue:
    page = pages.meeting_page(meeting, signed_in_user())
    forms = _forms(page)
    forms.update({k: v for k, v in extra.items() if k.endswith("_form")})
    rest = {k: v for k, v in extra.items() if not k.endswith("_form")}
    return render_template(
        "board/meeting.html", page=page, meeting=meeting, **forms, **rest
    ), status


@bp.route("/meetings/<int:meeting_id>")
@allow(*BOARD_PEOPLE)
def meeting(meeting_id: int) -> ResponseReturnValue:
    return _render_meeting(access.get_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>.ics")
@allow(*BOARD_PEOPLE)
def meeting_ics(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    access.require_see(found.board, signed_in_user())
    url = external_url(Link("board.meeting", {"meeting_id": found.id}))
    body = calendar.meeting_ics(found, host=request.host.split(":")[0], url=url)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="meeting-{found.id}.ics"'},
    )


def _refused(meeting: Meeting, refused: DomainError, **extra: object) -> ResponseReturnValue:
    status = 422 if refused.status_code == 400 else refused.status_code
    return _render_meeting(meeting, status, error=refused.message, **extra)


@bp.route("/meetings/<int:meeting_id>/ideas", methods=["POST"])
@allow(*BOARD_PEOPLE)
def add_ideas(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    access.require_prepare(found.board, signed_in_user())
    form = IdeaItemsForm()
    chosen = []
    for value in request.form.getlist("chosen"):
        round_id, _sep, idea_id = value.partition(":")
        if not (round_id.isdigit() and idea_id.isdigit()):
            return _render_meeting(found, 422, error=_("Please choose ideas from the list."))
        chosen.append((int(round_id), int(idea_id)))
    if not form.validate_on_submit():
        return _render_meeting(found, 422, error=_("Please choose ideas from the list."))
    try:
        meetings.add_idea_items(found, chosen, signed_in_user())
    except DomainError as refused:
        return _refused(found, refused)
    flash(_("The agenda has been extended."), "success")
    return redirect(url_for("board.meeting", meeting_id=found.id, _anchor="agenda"))


@bp.route("/meetings/<int:meeting_id>/topics", methods=["POST"])
@allow(*BOARD_PEOPLE)
def add_topic(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    access.require_prepare(found.board, signed_in_user())
    form = TopicForm()
    form.kind.choices = [SelectChoice(k.value, k.label) for k in (ItemKind.REPORT, ItemKind.OTHER)]
    if not form.validate_on_submit():
        return _render_meeting(
            found, 422, topic_form=form, error=_("Please correct the fields marked below.")
        )
    try:
        meetings.add_topic(
            found,
            ItemKind(form.kind.data),
            form.title.data or "",
            form.notes.data or "",
            signed_in_user(),
        )
    except DomainError as refused:
        return _refused(found, refused, topic_form=form)
    flash(_("The agenda has been extended."), "success")
    return redirect(url_for("board.meeting", meeting_id=found.id, _anchor="agenda"))


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/remove", methods=["POST"])
@allow(*BOARD_PEOPLE)
def remove_item(meeting_id: int, item_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    meetings.remove_item(found, item_id, signed_in_user())
    flash(_("The item has been taken off the agenda."), "success")
    return redirect(url_for("board.meeting", meeting_id=found.id, _anchor="agenda"))


@bp.route("/meetings/<int:meeting_id>/invite", methods=["POST"])
@allow(*BOARD_PEOPLE)
def invite(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    try:
        meetings.invite(found, signed_in_user())
    except DomainError as refused:
        if refused.status_code == 403:
            raise
        return _refused(found, refused)
    flash(_("The members have been invited."), "success")
    return redirect(url_for("board.meeting", meeting_id=found.id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def attendance(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    access.require_presiding(found.board, signed_in_user())
    form = AttendanceForm()
    form.present.choices = [SelectChoice(m.id, m.user.name) for m in found.board.members]
    if not form.validate_on_submit():
        return _render_meeting(found, 422, error=_("Please tick the members who are present."))
    meetings.record_attendance(found, set(form.present.data or []), signed_in_user())
    flash(_("The attendance has been recorded."), "success")
    return redirect(url_for("board.meeting", meeting_id=found.id, _anchor="agenda"))


@bp.route("/meetings/<int:meeting_id>/close", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def close_meeting(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    user = signed_in_user()
    access.require_presiding(found.board, user)
    if not confirmed():
        return ask(
            Confirmation(
                _("Really close the meeting “%(title)s”?", title=found.title),
                _("Close the meeting"),
                url_for("board.meeting", meeting_id=found.id),
                details=(
                    _("The agenda and the attendance no longer change."),
                    _(
                        "The minutes are generated; the chair can correct them until the next "
                        "meeting approves them."
                    ),
                ),
            )
        )
    meetings.close_meeting(found, user)
    flash(_("The meeting is closed; the draft of the minutes is ready."), "success")
    return redirect(url_for("board.minutes", meeting_id=found.id))


@bp.route("/meetings/<int:meeting_id>/minutes", methods=["GET", "POST"])
@allow(*BOARD_PEOPLE)
def minutes(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    user = signed_in_user()
    access.require_see(found.board, user)
    form = MinutesForm()
    if request.method == "GET":
        form.text.data, form.lock_version.data = found.minutes, str(found.lock_version)
    status, error = 200, ""
    if request.method == "POST":
        access.require_presiding(found.board, user)
        status = 422
        if form.validate_on_submit():
            try:
                meetings.correct_minutes(
                    found,
                    form.text.data or "",
                    user,
                    lock_version=sent_version(form.lock_version.data),
                )
            except DomainError as refused:
                error = refused.message
                status = 422 if refused.status_code == 400 else refused.status_code
            else:
                flash(_("The minutes have been corrected."), "success")
                return redirect(url_for("board.minutes", meeting_id=found.id))
        else:
            error = _("The minutes cannot be empty.")
    return render_template(
        "board/minutes.html",
        meeting=found,
        form=form,
        error=error,
        may_correct=meetings.may_correct_minutes(found, user),
    ), status


@bp.route("/meetings/<int:meeting_id>/approve-minutes", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def approve_minutes(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    user = signed_in_user()
    access.require_presiding(found.board, user)
    form = ApproveMinutesForm()
    form.meeting_id.choices = [
        SelectChoice(m.id, m.title) for m in meetings.minutes_to_approve(found)
    ]
    if not form.validate_on_submit():
        return _render_meeting(found, 422, error=_("Choose the minutes to approve."))
    earlier = access.get_meeting(form.meeting_id.data)
    meetings.approve_minutes(found, earlier, user)
    flash(_("The minutes of “%(title)s” are approved and frozen.", title=earlier.title), "success")
    return redirect(url_for("board.meeting", meeting_id=found.id))


@bp.route("/meetings/<int:meeting_id>/release", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def release_meeting(meeting_id: int) -> ResponseReturnValue:
    found = access.get_meeting(meeting_id)
    access.require_presiding(found.board, signed_in_user())
    released = decisions.release(decisions.of_meeting(found), signed_in_user())
    flash(
        ngettext(
            "%(num)s decision released to all staff.",
            "%(num)s decisions released to all staff.",
            released,
        ),
        "success",
    )
    return redirect(url_for("board.meeting", meeting_id=found.id))
