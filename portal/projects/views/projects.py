"""The portfolio, making a project from a decision, the project page and its facts and team."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import SIGNED_IN, allow
from portal.core.arguments import enum_arg, int_arg, page_number
from portal.core.forms import ActionForm, optional_choices, sent_version
from portal.extensions import db
from portal.ideas.models import FieldOfAction
from portal.ideas.views import file_download
from portal.projects import queries
from portal.projects.forms import MemberForm, NewProjectForm, ProjectForm
from portal.projects.models import ProjectRole, ProjectState, Traffic
from portal.projects.services import access, feed, projects, reporting, waves, work
from portal.projects.services.access import Refused
from portal.projects.services.time import today
from portal.projects.views import bp
from portal.projects.views.common import (
    people_choices,
    render_detail,
    unit_choices,
    wave_choices,
)

PER_PAGE = 50


@bp.route("/")
@allow(SIGNED_IN)
def portfolio() -> ResponseReturnValue:
    user = signed_in_user()
    criteria = queries.PortfolioFilter(
        wave_id=int_arg("wave"),
        traffic=enum_arg(Traffic, "status"),
        state=enum_arg(ProjectState, "state"),
        field_id=int_arg("field"),
        org_unit_id=int_arg("unit"),
    )
    day = today()
    found, late = queries.portfolio(criteria, day, page_number(), PER_PAGE)
    return render_template(
        "projects/portfolio.html",
        page=found,
        late=late,
        criteria=criteria,
        totals=queries.totals(criteria),
        waves=waves.waves(),
        fields=db.session.scalars(select(FieldOfAction).order_by(FieldOfAction.name)).all(),
        units=unit_choices()[1:],
        waiting=feed.waiting_decisions() if access.is_moderator(user) else [],
        traffic_choices=Traffic.choices(),
        state_choices=ProjectState.choices(),
    )


@bp.route("/tasks")
@allow(SIGNED_IN)
def my_tasks() -> ResponseReturnValue:
    return render_template(
        "projects/my_tasks.html", tasks=work.my_tasks(signed_in_user()), today=today()
    )


def _seat_choices(form: NewProjectForm) -> dict[int, str]:
    names = {r.id: r.name for r in db.session.scalars(select(ProjectRole))}
    people = optional_choices(_("— nobody yet —"), ((c.value, c.label) for c in people_choices()))
    for seat in form.team:
        seat.form.user_id.choices = people
    return names


def _prepare(form: ProjectForm) -> None:
    form.owner_id.choices = people_choices()
    form.org_unit_id.choices = unit_choices()
    form.wave_id.choices = wave_choices()


def _data(form: ProjectForm, team: list[tuple[int, int | None]]) -> projects.ProjectData:
    return projects.ProjectData(
        title=form.title.data or "",
        goal=form.goal.data or "",
        owner_id=form.owner_id.data or 0,
        org_unit_id=form.org_unit_id.data,
        wave_id=form.wave_id.data,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        budget_approved=form.budget_approved.data,
        staff_days_approved=form.staff_days_approved.data,
        evaluation_on=form.evaluation_on.data,
        team=team,
    )


def _team(form: NewProjectForm) -> list[tuple[int, int | None]]:
    team = []
    for seat in form.team:
        role = str(seat.form.role_id.data or "")
        if seat.form.user_id.data:
            team.append((int(seat.form.user_id.data), int(role) if role.isdigit() else None))
    return team


@bp.route("/new/<int:decision_id>", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def new(decision_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    decision = projects.get_decision(decision_id)
    error, status = "", 200
    try:
        projects.check_decision(decision)
    except Refused as refused:
        error, status = refused.message, refused.status_code
    if request.method == "GET":
        defaults = projects.defaults_for(decision, today())
        form = NewProjectForm(
            data={
                **{k: v for k, v in vars(defaults).items() if k != "team"},
                "team": [{"role_id": str(r), "user_id": None} for _u, r in defaults.team],
            }
        )
    else:
        form = NewProjectForm()
    _prepare(form)
    roles = _seat_choices(form)
    if request.method == "POST":
        status = 422
        if not form.validate():
            error = error or _("Please correct the fields marked below.")
        elif not error:
            try:
                project = projects.create_project(decision, _data(form, _team(form)), user)
            except Refused as refused:
                error = refused.message
            else:
                flash(_("The project has been made from the decision."), "success")
                return redirect(url_for("projects.detail", project_id=project.id))
    return render_template(
        "projects/new.html", form=form, decision=decision, roles=roles, error=error
    ), status


@bp.route("/<int:project_id>")
@allow(SIGNED_IN)
def detail(project_id: int) -> ResponseReturnValue:
    return render_detail(access.get_project(project_id))


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@allow(SIGNED_IN)
def edit(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_steer(project, user)
    form = ProjectForm(obj=project)
    _prepare(form)
    if request.method == "GET":
        form.lock_version.data = str(project.lock_version)
    error, status = "", (422 if request.method == "POST" else 200)
    if form.validate_on_submit():
        try:
            projects.update_project(
                project, _data(form, []), user, lock_version=sent_version(form.lock_version.data)
            )
        except Refused as refused:
            error = refused.message
        else:
            flash(_("The project has been saved."), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    elif request.method == "POST":
        error = _("Please correct the fields marked below.")
    return render_template(
        "projects/edit.html",
        form=form,
        project=project,
        member_form=_member_form(),
        error=error,
    ), status


def _member_form() -> MemberForm:
    form = MemberForm()
    form.user_id.choices = people_choices()
    form.role_id.choices = optional_choices(
        _("— no role —"), ((r.id, r.name) for r in projects.active_roles())
    )
    return form


@bp.route("/<int:project_id>/team", methods=["POST"])
@allow(SIGNED_IN)
def add_member(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_steer(project, user)
    form = _member_form()
    if not form.validate_on_submit():
        raise Refused(_("Please choose the person to add."))
    member = projects.add_member(project, form.user_id.data or 0, form.role_id.data, user)
    flash(_("%(name)s is now on the team.", name=member.user.name), "success")
    return redirect(url_for("projects.edit", project_id=project.id, _anchor="team"))


@bp.route("/<int:project_id>/team/<int:member_id>/remove", methods=["POST"])
@allow(SIGNED_IN)
def remove_member(project_id: int, member_id: int) -> ResponseReturnValue:
    project = access.get_project(project_id)
    if not ActionForm().validate_on_submit():
        raise Refused(_("The form has expired. Please reload the page and try again."))
    member = projects.remove_member(project, member_id, signed_in_user())
    flash(_("%(name)s is no longer on the team.", name=member.user.name), "success")
    return redirect(url_for("projects.edit", project_id=project.id, _anchor="team"))


@bp.route("/<int:project_id>/state", methods=["POST"])
@allow(SIGNED_IN)
def move(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_steer(project, user)
    target = enum_arg_form(request.form.get("target", ""))
    projects.move(project, target, user)
    flash(_("The project is now “%(state)s”.", state=target.label), "success")
    return redirect(url_for("projects.detail", project_id=project.id))


def enum_arg_form(value: str) -> ProjectState:
    """Return the project state a button sent; an unknown one is refused."""
    try:
        return ProjectState(value)
    except ValueError:
        raise Refused(_("This state does not exist.")) from None


@bp.route("/<int:project_id>/files/<int:file_id>")
@allow(SIGNED_IN)
def download(project_id: int, file_id: int) -> ResponseReturnValue:
    project = access.get_project(project_id)
    stored, path = reporting.get_file(project, file_id)
    return file_download(path, stored.content_type, stored.filename)
