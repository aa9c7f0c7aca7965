"""The legal pages and the help, open to everybody; the administration of the legal texts."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import PUBLIC, allow
from portal.core.errors import DomainError, NotFound
from portal.pages import services
from portal.pages.forms import LegalTextForm
from portal.pages.models import LegalPage

bp = Blueprint("pages", __name__, template_folder="templates")


def _legal(kind: LegalPage) -> ResponseReturnValue:
    return render_template(
        "pages/legal.html",
        kind=kind,
        text=services.legal_text(kind),
        may_edit=current_user.is_authenticated and current_user.has_role(Role.ADMIN),
    )


@bp.route("/imprint")
@allow(PUBLIC)
def imprint() -> ResponseReturnValue:
    return _legal(LegalPage.IMPRINT)


@bp.route("/privacy")
@allow(PUBLIC)
def privacy() -> ResponseReturnValue:
    return _legal(LegalPage.PRIVACY)


@bp.route("/accessibility")
@allow(PUBLIC)
def accessibility() -> ResponseReturnValue:
    return _legal(LegalPage.ACCESSIBILITY)


def _own_roles() -> frozenset[Role]:
    return frozenset(current_user.roles) if current_user.is_authenticated else frozenset()


@bp.route("/help/")
@allow(PUBLIC)
def help() -> ResponseReturnValue:
    return render_template("pages/help.html", roles=list(Role), own=_own_roles())


@bp.route("/help/<role>")
@allow(PUBLIC)
def help_role(role: str) -> ResponseReturnValue:
    try:
        chosen = Role(role)
    except ValueError:
        raise NotFound(_("This page does not exist.")) from None
    return render_template("pages/help_role.html", role=chosen, roles=list(Role), own=_own_roles())


@bp.route("/admin/legal/")
@allow(Role.ADMIN)
def legal_texts() -> ResponseReturnValue:
    return render_template(
        "pages/admin_legal.html", pages=list(LegalPage), texts=services.legal_texts()
    )


@bp.route("/admin/legal/<kind>", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_legal(kind: str) -> ResponseReturnValue:
    page = services.legal_page(kind)
    text = services.legal_text(page)
    form = LegalTextForm(obj=text)
    if form.validate_on_submit():
        try:
            services.save_legal_text(page, form.body.data or "", signed_in_user())
        except DomainError as error:
            if error.status_code != 400:
                raise
            form.body.errors = [error.message]
        else:
            flash(_("The page “%(title)s” has been saved.", title=page.label), "success")
            return redirect(url_for("pages.edit_legal", kind=page.value))
    status = 422 if request.method == "POST" else 200
    return render_template("pages/admin_legal_form.html", form=form, page=page, text=text), status
