"""Forms of the administration pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
)

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, Email, Length, Optional

from portal.accounts.models import OrgUnitKind, Role
from portal.core.forms import (
    MultiCheckboxField,
    enum_choices,
    optional_choices,
    optional_int,
    strip,
)


class UserForm(FlaskForm):
    """A user's data as an administrator edits it."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(), Email(), Length(max=254)],
        filters=[strip],
    )
    org_unit_id = SelectField(_l("Org unit"), coerce=optional_int, validators=[Optional()])
    locale = SelectField(
        _l("Language"),
        choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")],
        validators=[DataRequired()],
    )
    roles = MultiCheckboxField(
        _l("Roles"),
        choices=enum_choices(Role),
        validators=[DataRequired(message=_l("Choose at least one role."))],
    )
    active = BooleanField(_l("Active (may sign in)"), default=True)
    submit = SubmitField(_l("Save"))

    def set_org_unit_choices(self, choices: list[tuple[int, str]]) -> None:
        """Offer *choices* (id, label) plus "none" in the org unit selection."""
        self.org_unit_id.choices = optional_choices(str(_l("— none —")), choices)

    def set_role_labels(self) -> None:
        """Re-read the role labels in the current language."""
        self.roles.choices = enum_choices(Role)


class NewUserForm(UserForm):
    """A new user with an initial password."""

    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(min=12, message=_l("At least 12 characters."))],
        description=_l("The user must replace it at the first sign-in."),
    )


class PasswordResetForm(FlaskForm):
    """A new initial password for a user."""

    password = PasswordField(
        _l("New initial password"),
        validators=[DataRequired(), Length(min=12, message=_l("At least 12 characters."))],
    )
    submit = SubmitField(_l("Set password"))


class OrgUnitForm(FlaskForm):
    """An org unit as an administrator edits it."""

    kind = SelectField(
        _l("Kind"),
        choices=enum_choices(OrgUnitKind),
        validators=[DataRequired()],
    )
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=32)],
        description=_l('Official designation, e.g. "Amt 10" or "10.2".'),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    parent_id = SelectField(_l("Parent unit"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Save"))

    def set_parent_choices(self, choices: list[tuple[int, str]]) -> None:
        """Offer *choices* (id, label) plus "top level" as parent."""
        self.parent_id.choices = optional_choices(str(_l("— top level —")), choices)
        self.kind.choices = enum_choices(OrgUnitKind)


class SettingsForm(FlaskForm):
    """Settings of the municipality."""

    name = StringField(
        _l("Name of the municipality"),
        validators=[DataRequired(), Length(max=200)],
        filters=[strip],
        description=_l('As it appears in the header and in documents, e.g. "Stadt Musterstadt".'),
    )
    submit = SubmitField(_l("Save"))
