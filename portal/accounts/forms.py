"""Forms of sign-in, password change and reset, sessions and language choice."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from portal.core.forms import strip

#: The password rules themselves are checked by the services; these give early hints.
_NEW_PASSWORD_LENGTH = (
    Length(min=12, message=_l("At least 12 characters.")),
    Length(max=256, message=_l("At most 256 characters.")),
)
_NEW_PASSWORD_HINT = _l(
    "At least 12 characters. A sentence of several words that you can remember works well; "
    "common passwords are refused."
)


class LoginForm(FlaskForm):
    """Sign in with e-mail address and password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[strip],
    )
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Stay signed in on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class PasswordChangeForm(FlaskForm):
    """Replace one's own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), *_NEW_PASSWORD_LENGTH],
        description=_NEW_PASSWORD_HINT,
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))


class EndSessionsForm(FlaskForm):
    """Sign out on every other device (the form carries only its CSRF token)."""


class PasswordForgotForm(FlaskForm):
    """Ask for a link to set a new password."""

    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[strip],
        description=_l("The address you sign in with."),
    )


class NewPasswordForm(FlaskForm):
    """Set a new password from the link in a reset e-mail."""

    new = PasswordField(
        _l("New password"),
        validators=[DataRequired(), *_NEW_PASSWORD_LENGTH],
        description=_NEW_PASSWORD_HINT,
    )
    confirm = PasswordField(
        _l("Repeat new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords do not match."))],
    )


class LanguageForm(FlaskForm):
    """Switch the interface language; `next` says where to return."""

    next = HiddenField()
