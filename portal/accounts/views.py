"""Sign-in, sign-out, password reset by e-mail, own account and language."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts import services, sessions, signed_in_user
from portal.accounts.forms import (
    EndSessionsForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    PasswordForgotForm,
)
from portal.core.access import PUBLIC, SIGNED_IN, allow
from portal.core.errors import DomainError, NotFound
from portal.core.urls import safe_next

bp = Blueprint("accounts", __name__, template_folder="templates")


def _client_address() -> str:
    return request.remote_addr or "unknown"


@bp.route("/login", methods=["GET", "POST"])
@allow(PUBLIC)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("dashboards.index"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data or "", form.password.data or "", _client_address()
            )
        except DomainError as error:
            form.password.errors = [error.message]
            response = make_response(
                render_template("accounts/login.html", form=form), error.status_code
            )
            if isinstance(error, services.SignInPaused):
                response.headers["Retry-After"] = str(error.retry_after)
            return response
        sessions.sign_in(user, remember=bool(form.remember.data))
        if user.must_change_password:
            flash(_("Please replace the initial password with one of your own."), "info")
            return redirect(url_for("accounts.account"))
        return redirect(safe_next(form.next.data, url_for("dashboards.index")))
    status = 422 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@allow(SIGNED_IN)
def logout() -> ResponseReturnValue:
    # A copy of the session cookie taken before must not open anything afterwards: the
    # session is ended on the server, on every device of the user.
    services.end_sessions(signed_in_user())
    sessions.sign_out()
    flash(_("You have signed out."), "success")
    return redirect(url_for("accounts.login"))


def _account_page(form: PasswordChangeForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "accounts/account.html", form=form, sessions_form=EndSessionsForm()
    ), status


@bp.route("/account", methods=["GET", "POST"])
@allow(SIGNED_IN)
def account() -> ResponseReturnValue:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = signed_in_user()
        try:
            services.change_password(
                user, form.current.data or "", form.new.data or "", address=_client_address()
            )
        except services.WrongCurrentPassword as error:
            form.current.errors = [error.message]
            return _account_page(form, 422)
        except services.SignInPaused as error:
            form.current.errors = [error.message]
            return _account_page(form, error.status_code)
        except DomainError as error:
            form.new.errors = [error.message]
            return _account_page(form, 422)
        sessions.renew(user)
        flash(
            _("Your password has been changed. You have been signed out on all other devices."),
            "success",
        )
        return redirect(url_for("accounts.account"))
    return _account_page(form, 422 if form.errors else 200)


@bp.route("/account/sessions", methods=["POST"])
@allow(SIGNED_IN)
def end_other_sessions() -> ResponseReturnValue:
    form = EndSessionsForm()
    if form.validate_on_submit():
        user = signed_in_user()
        services.end_sessions(user)
        sessions.renew(user)
        flash(_("You have been signed out on all other devices."), "success")
    return redirect(url_for("accounts.account"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@allow(PUBLIC)
def password_forgot() -> ResponseReturnValue:
    form = PasswordForgotForm()
    if form.validate_on_submit():
        try:
            services.request_password_reset(form.email.data or "", _client_address())
        except DomainError as error:
            form.email.errors = [error.message]
            return render_template("accounts/password_forgot.html", form=form), error.status_code
        flash(
            _(
                "If an account belongs to %(email)s, we have sent a link to set a new password "
                "to this address. It works once and for one hour.",
                email=services.normalise_email(form.email.data or ""),
            ),
            "info",
        )
        return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/password_forgot.html", form=form), status


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@allow(PUBLIC)
def password_reset(token: str) -> ResponseReturnValue:
    try:
        services.reset_for_token(token)
    except NotFound as error:
        return render_template("accounts/password_reset.html", form=None, invalid=error), 404
    form = NewPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password_by_link(token, form.new.data or "")
        except DomainError as error:
            form.new.errors = [error.message]
            return render_template("accounts/password_reset.html", form=form), 422
        # The new password ended every session of its user; whoever else may be signed in in
        # this browser is signed out as well, so that the next sign-in is the user's own.
        sessions.sign_out()
        flash(_("Your new password has been set. Please sign in with it."), "success")
        return redirect(url_for("accounts.login"))
    status = 422 if form.errors else 200
    return render_template("accounts/password_reset.html", form=form), status


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
