"""Waves of projects and the project roles."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.accounts.models import OrgUnit, Role
from portal.core.access import SIGNED_IN, allow
from portal.core.forms import ActionForm, enum_choices
from portal.extensions import db
from portal.projects import queries
from portal.projects.forms import RoleForm, WaveForm
from portal.projects.models import ProjectState, Traffic, Wave, WaveState
from portal.projects.services import access, waves
from portal.projects.services.access import Refused
from portal.projects.views import bp


@bp.route("/waves")
@allow(SIGNED_IN)
def wave_overview() -> ResponseReturnValue:
    return render_template(
        "projects/waves.html",
        waves=waves.waves(),
        figures=queries.wave_figures(),
        may_keep=access.is_moderator(signed_in_user()),
        traffic_states=list(Traffic),
        project_states=list(ProjectState),
    )


def _wave_form(wave: Wave | None) -> ResponseReturnValue:
    form = WaveForm(obj=wave)
    form.state.choices = enum_choices(WaveState)
    form.org_unit_ids.choices = [
        SelectChoice(u.id, f"{u.code} {u.name}")
        for u in db.session.scalars(select(OrgUnit).order_by(OrgUnit.code))
    ]
    if wave is not None and request.method == "GET":
        form.state.data = wave.state.value
        form.org_unit_ids.data = [u.id for u in wave.org_units]
    error, status = "", (422 if request.method == "POST" else 200)
    if form.validate_on_submit():
        try:
            wave = waves.save_wave(
                wave,
                waves.WaveData(
                    name=form.name.data or "",
                    description=form.description.data or "",
                    starts_on=form.starts_on.data,
                    evaluation_on=form.evaluation_on.data,
                    state=WaveState(form.state.data),
                    org_unit_ids=frozenset(form.org_unit_ids.data or []),
                ),
                signed_in_user(),
            )
        except Refused as refused:
            error = refused.message
        else:
            flash(_("The wave has been saved."), "success")
            return redirect(url_for("projects.wave_overview", _anchor=f"wave-{wave.id}"))
    elif request.method == "POST":
        error = _("Please correct the fields marked below.")
    return render_template("projects/wave_form.html", form=form, wave=wave, error=error), status


@bp.route("/waves/new", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def new_wave() -> ResponseReturnValue:
    return _wave_form(None)


@bp.route("/waves/<int:wave_id>/edit", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def edit_wave(wave_id: int) -> ResponseReturnValue:
    return _wave_form(waves.get_wave(wave_id))


def _render_roles(
    status: int = 200, form: RoleForm | None = None, error: str = ""
) -> ResponseReturnValue:
    return render_template(
        "projects/roles.html", roles=waves.roles(), form=form or RoleForm(), error=error
    ), status


@bp.route("/roles")
@allow(Role.MODERATOR)
def roles() -> ResponseReturnValue:
    return _render_roles()


@bp.route("/roles", methods=["POST"])
@allow(Role.MODERATOR)
def add_role() -> ResponseReturnValue:
    form = RoleForm()
    if not form.validate_on_submit():
        return _render_roles(422, form, _("Please correct the fields marked below."))
    try:
        role = waves.add_role(form.name.data or "", signed_in_user())
    except Refused as refused:
        return _render_roles(422, form, refused.message)
    flash(_("The role “%(name)s” has been added.", name=role.name), "success")
    return redirect(url_for("projects.roles"))


@bp.route("/roles/<int:role_id>", methods=["POST"])
@allow(Role.MODERATOR)
def toggle_role(role_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        raise Refused(_("The form has expired. Please reload the page and try again."))
    role = waves.toggle_role(role_id, signed_in_user())
    message = _("“%(name)s” is offered again.") if role.active else _("“%(name)s” is retired.")
    flash(message % {"name": role.name}, "success")
    return redirect(url_for("projects.roles"))
