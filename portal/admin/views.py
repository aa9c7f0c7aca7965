"""Administration pages: users and org units."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.accounts import queries, signed_in_user
from portal.accounts import services as accounts
from portal.accounts.models import OrgUnitKind, Role
from portal.admin.forms import (
    NewUserForm,
    OrgUnitForm,
    PasswordResetForm,
    SettingsForm,
    UserForm,
)
from portal.core.access import allow
from portal.core.arguments import enum_arg, int_arg, page_number, page_size, text_arg
from portal.core.errors import DomainError
from portal.core.registry import page_sections

bp = Blueprint("admin", __name__, template_folder="templates")


def _org_unit_choices() -> list[tuple[int, str]]:
    return [
        (unit.id, "\u2003" * depth + unit.display_name) for depth, unit in accounts.org_units_tree()
    ]


def _user_data(form: UserForm) -> accounts.UserData:
    return accounts.UserData(
        name=form.name.data or "",
        email=form.email.data or "",
        org_unit_id=form.org_unit_id.data,
        locale=form.locale.data or "de",
        roles=frozenset(Role(value) for value in form.roles.data or []),
        active=bool(form.active.data),
    )


def _prepare(form: UserForm) -> None:
    form.set_org_unit_choices(_org_unit_choices())
    form.set_role_labels()


@bp.route("/users")
@allow(Role.ADMIN)
def users() -> ResponseReturnValue:
    criteria = queries.UserFilter(
        text=text_arg("q", 200),
        role=enum_arg(Role, "role"),
        org_unit_id=int_arg("org_unit"),
        without_org_unit=request.args.get("org_unit") == "none",
        active={"yes": True, "no": False}.get(request.args.get("active", "")),
    )
    page = queries.list_users(criteria, page_number(), page_size())
    return render_template(
        "admin/users.html",
        page=page,
        criteria=criteria,
        org_units=_org_unit_choices(),
        roles=list(Role),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def user_new() -> ResponseReturnValue:
    form = NewUserForm()
    _prepare(form)
    if request.method == "GET":
        form.roles.data = [Role.EMPLOYEE.value]
    if form.validate_on_submit():
        try:
            user = accounts.create_user(_user_data(form), form.password.data or "")
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("The user %(name)s has been created.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/user_form.html", form=form, user=None), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def user_edit(user_id: int) -> ResponseReturnValue:
    user = accounts.get_user(user_id)
    form = UserForm(obj=user)
    _prepare(form)
    if request.method == "GET":
        form.roles.data = [role.value for role in user.roles]
    if form.validate_on_submit():
        try:
            accounts.update_user(user, _user_data(form), signed_in_user())
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("The changes to %(name)s have been saved.", name=user.name), "success")
            return redirect(url_for("admin.users"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "admin/user_form.html", form=form, user=user, reset_form=PasswordResetForm()
    ), status


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@allow(Role.ADMIN)
def user_password(user_id: int) -> ResponseReturnValue:
    user = accounts.get_user(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        accounts.reset_password(user, form.password.data or "")
        flash(_("A new initial password has been set for %(name)s.", name=user.name), "success")
    else:
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "danger")
    return redirect(url_for("admin.user_edit", user_id=user.id))


@bp.route("/org-units")
@allow(Role.ADMIN)
def org_units() -> ResponseReturnValue:
    return render_template("admin/org_units.html", tree=accounts.org_units_tree())


def _org_unit_data(form: OrgUnitForm) -> accounts.OrgUnitData:
    return accounts.OrgUnitData(
        kind=OrgUnitKind(form.kind.data),
        code=form.code.data or "",
        name=form.name.data or "",
        parent_id=form.parent_id.data,
    )


@bp.route("/org-units/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def org_unit_new() -> ResponseReturnValue:
    form = OrgUnitForm()
    form.set_parent_choices(_org_unit_choices())
    if form.validate_on_submit():
        try:
            unit = accounts.create_org_unit(_org_unit_data(form))
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("The org unit %(name)s has been created.", name=unit.name), "success")
            return redirect(url_for("admin.org_units"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/org_unit_form.html", form=form, unit=None), status


@bp.route("/org-units/<int:unit_id>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def org_unit_edit(unit_id: int) -> ResponseReturnValue:
    unit = accounts.get_org_unit(unit_id)
    form = OrgUnitForm(obj=unit)
    form.set_parent_choices([c for c in _org_unit_choices() if c[0] != unit.id])
    if request.method == "GET":
        form.kind.data = unit.kind.value
    if form.validate_on_submit():
        try:
            accounts.update_org_unit(unit, _org_unit_data(form))
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_("The org unit %(name)s has been saved.", name=unit.name), "success")
            return redirect(url_for("admin.org_units"))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/org_unit_form.html", form=form, unit=unit), status


@bp.route("/settings", methods=["GET", "POST"])
@allow(Role.ADMIN)
def settings() -> ResponseReturnValue:
    municipality = accounts.current_municipality()
    form = SettingsForm(obj=municipality)
    if form.validate_on_submit():
        accounts.rename_municipality(municipality, form.name.data or "")
        flash(_("The settings have been saved."), "success")
        return redirect(url_for("admin.settings"))
    status = 422 if form.errors else 200
    sections = page_sections("settings", municipality, signed_in_user())
    return render_template("admin/settings.html", form=form, sections=sections), status
