"""Sign-in, sign-out, own account and language."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts import services, signed_in_user
from portal.accounts.forms import LanguageForm, LoginForm, PasswordChangeForm
from portal.core.access import PUBLIC, SIGNED_IN, allow
from portal.core.errors import DomainError
from portal.core.urls import safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data or "", form.password.data or "", request.remote_addr or "unknown"
            )
        except DomainError as error:
            form.password.errors = [error.message]
            return render_template("accounts/login.html", form=form), error.status_code
        session.clear()
        login_user(user, remember=form.remember.data)
        session["locale"] = user.locale
        if user.must_change_password:
            flash(_("Please replace the initial password with one of your own."), "info")
            return redirect(url_for("accounts.account"))
        return redirect(safe_next(form.next.data, url_for("dashboards.index")))
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout() -> ResponseReturnValue:
    locale = session.get("locale")
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@allow(SIGNED_IN)
def account() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            services.change_password(signed_in_user(), form.current.data or "", form.new.data or "")
        except DomainError as error:
            form.new.errors = [error.message]
            return render_template("accounts/account.html", form=form), 422
        flash(_("Your password has been changed."), "success")
        return redirect(url_for("accounts.account"))
    status = 422 if form.errors else 200
    return render_template("accounts/account.html", form=form), status


@bp.route("/language/<code>", methods=["POST"])
@allow(PUBLIC)
def language(code: str) -> ResponseReturnValue:
    form = LanguageForm()
    target = safe_next(form.next.data, url_for("dashboards.index"))
    if not form.validate_on_submit() or code not in current_app.config["LANGUAGES"]:
        return redirect(target)
    session["locale"] = code
    if current_user.is_authenticated:
        services.set_locale(signed_in_user(), code)
    return redirect(target)
