"""Milestones and the task board of a project."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.core.forms import optional_choices
from portal.projects.forms import MarkForm, MilestoneForm, MoveForm, TaskForm
from portal.projects.models import Project, TaskState
from portal.projects.services import access, work
from portal.projects.services.access import Refused
from portal.projects.services.time import today
from portal.projects.views import bp
from portal.projects.views.common import people_choices, render_detail


@bp.route("/<int:project_id>/milestones", methods=["POST"])
@allow(SIGNED_IN)
def add_milestone(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_change(project, user)
    form = MilestoneForm()
    if not form.validate_on_submit():
        return render_detail(
            project, 422, milestone_form=form, error=_("Please correct the milestone.")
        )
    try:
        work.add_milestone(project, form.title.data or "", form.due_on.data, user)
    except Refused as refused:
        return render_detail(project, 422, milestone_form=form, error=refused.message)
    flash(_("The milestone has been added."), "success")
    return redirect(url_for("projects.detail", project_id=project.id, _anchor="milestones"))


@bp.route("/<int:project_id>/milestones/<int:milestone_id>", methods=["POST"])
@allow(SIGNED_IN)
def mark_milestone(project_id: int, milestone_id: int) -> ResponseReturnValue:
    project = access.get_project(project_id)
    form = MarkForm()
    if not form.validate_on_submit():
        raise Refused(_("The form has expired. Please reload the page and try again."))
    done = form.done.data == "1"
    milestone = work.mark_milestone(
        project, milestone_id, today() if done else None, signed_in_user()
    )
    message = _("“%(title)s” is reached.") if done else _("“%(title)s” is open again.")
    flash(message % {"title": milestone.title}, "success")
    return redirect(url_for("projects.detail", project_id=project.id, _anchor="milestones"))


def _task_form() -> TaskForm:
    form = TaskForm()
    form.assignee_id.choices = optional_choices(
        _("— nobody yet —"), ((c.value, c.label) for c in people_choices())
    )
    return form


def _render_board(
    project: Project, status: int = 200, form: TaskForm | None = None, error: str = ""
) -> ResponseReturnValue:
    user = signed_in_user()
    return render_template(
        "projects/tasks.html",
        project=project,
        columns=work.board(project),
        states=list(TaskState),
        may_change=access.may_change(project, user),
        form=form or _task_form(),
        today=today(),
        error=error,
    ), status


@bp.route("/<int:project_id>/tasks")
@allow(SIGNED_IN)
def tasks(project_id: int) -> ResponseReturnValue:
    return _render_board(access.get_project(project_id))


@bp.route("/<int:project_id>/tasks", methods=["POST"])
@allow(SIGNED_IN)
def add_task(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_change(project, user)
    form = _task_form()
    if not form.validate_on_submit():
        return _render_board(project, 422, form, _("Please correct the fields marked below."))
    try:
        work.add_task(
            project,
            work.TaskData(form.title.data or "", form.assignee_id.data, form.due_on.data),
            user,
        )
    except Refused as refused:
        return _render_board(project, 422, form, refused.message)
    flash(_("The task has been added."), "success")
    return redirect(url_for("projects.tasks", project_id=project.id))


@bp.route("/<int:project_id>/tasks/<int:task_id>", methods=["POST"])
@allow(SIGNED_IN)
def move_task(project_id: int, task_id: int) -> ResponseReturnValue:
    project = access.get_project(project_id)
    form = MoveForm()
    form.state.choices = [SelectChoice(s.value, s.label) for s in TaskState]
    if not form.validate_on_submit():
        raise Refused(_("Please choose the column the task moves to."))
    state = TaskState(form.state.data)
    task = work.move_task(project, task_id, state, signed_in_user())
    flash(_("“%(title)s” is now in “%(state)s”.", title=task.title, state=state.label), "success")
    return redirect(url_for("projects.tasks", project_id=project.id, _anchor=f"task-{task.id}"))
