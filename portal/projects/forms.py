"""The shape of the input of projects; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.core.forms import (
    LocalDecimalField,
    LocalIntegerField,
    MultiCheckboxField,
    optional_int,
    strip,
)


class ProjectForm(FlaskForm):
    """The facts of a project."""

    title = StringField(_l("Title"), validators=[Length(max=200)], filters=[strip])
    goal = TextAreaField(
        _l("Goal"),
        validators=[Optional()],
        description=_l("What the project is to achieve. Markdown is allowed."),
    )
    owner_id = SelectField(_l("Owner (project lead)"), coerce=int, validators=[InputRequired()])
    org_unit_id = SelectField(_l("Org unit"), coerce=optional_int, validators=[Optional()])
    wave_id = SelectField(_l("Wave"), coerce=optional_int, validators=[Optional()])
    starts_on = DateField(_l("Planned start"), validators=[Optional()])
    ends_on = DateField(_l("Planned end"), validators=[Optional()])
    budget_approved = LocalIntegerField(
        _l("Budget approved (euros)"), validators=[Optional(), NumberRange(min=0)]
    )
    staff_days_approved = LocalIntegerField(
        _l("Staff days approved"), validators=[Optional(), NumberRange(min=0)]
    )
    evaluation_on = DateField(
        _l("Planned evaluation"),
        validators=[Optional()],
        description=_l("Left empty, the project is evaluated with its wave."),
    )
    lock_version = HiddenField()


class SeatForm(Form):
    """One seat of the team: a project role and the person in it."""

    role_id = HiddenField()
    user_id = SelectField(_l("Person"), coerce=optional_int, validators=[Optional()])


class NewProjectForm(ProjectForm):
    """A project made from a decision, with a seat for each project role."""

    team = FieldList(FormField(SeatForm))


class MemberForm(FlaskForm):
    """A new member of the team."""

    user_id = SelectField(_l("Person"), coerce=int, validators=[InputRequired()])
    role_id = SelectField(_l("Project role"), coerce=optional_int, validators=[Optional()])


class WaveForm(FlaskForm):
    """A wave of projects."""

    name = StringField(_l("Name"), validators=[Length(max=200)], filters=[strip])
    description = TextAreaField(_l("Description"), validators=[Optional()])
    starts_on = DateField(_l("Start"), validators=[Optional()])
    evaluation_on = DateField(_l("Planned evaluation"), validators=[Optional()])
    state = SelectField(_l("State"), validators=[InputRequired()])
    org_unit_ids = MultiCheckboxField(_l("Dezernate and org units it covers"), coerce=int)
    lock_version = HiddenField()


class RoleForm(FlaskForm):
    """A new project role."""

    name = StringField(_l("Name of the role"), validators=[Length(max=100)], filters=[strip])


class MilestoneForm(FlaskForm):
    """A new milestone."""

    title = StringField(_l("Milestone"), validators=[Length(max=200)], filters=[strip])
    due_on = DateField(_l("Date"), validators=[Optional()])


class MarkForm(FlaskForm):
    """Mark a milestone as reached ("1") or open again ("0")."""

    done = HiddenField()


class TaskForm(FlaskForm):
    """A new task."""

    title = StringField(_l("Task"), validators=[Length(max=200)], filters=[strip])
    assignee_id = SelectField(_l("Assigned to"), coerce=optional_int, validators=[Optional()])
    due_on = DateField(_l("Due on"), validators=[Optional()])


class MoveForm(FlaskForm):
    """Move a task to a column; each column is a button."""

    state = SelectField(_l("Column"), validators=[InputRequired()])


class StatusForm(FlaskForm):
    """A progress report: the status and a dated update."""

    traffic = RadioField(_l("Status"), validators=[InputRequired()], default="green")
    reason = TextAreaField(
        _l("Reason"),
        validators=[Optional()],
        description=_l("Required for yellow and red: what holds the project up?"),
    )
    progress = LocalIntegerField(_l("Progress in percent"), validators=[Optional()])
    body = TextAreaField(
        _l("Update"),
        validators=[Optional()],
        description=_l("What has happened since the last update. Markdown is allowed."),
    )
    file = FileField(
        _l("Attachment"),
        description=_l("PDF, Office documents or images, up to the size allowed for ideas."),
    )
    lock_version = HiddenField()


class DocumentForm(FlaskForm):
    """A document or a new version of one."""

    title = StringField(
        _l("Document"),
        validators=[Length(max=200)],
        filters=[strip],
        description=_l("The same title as an existing document adds a new version of it."),
    )
    file = FileField(_l("File"))


class SpentForm(FlaskForm):
    """What the project has spent so far."""

    budget_spent = LocalIntegerField(
        _l("Budget spent (euros)"), validators=[InputRequired(), NumberRange(min=0)]
    )
    staff_days_spent = LocalIntegerField(
        _l("Staff days spent"), validators=[InputRequired(), NumberRange(min=0)]
    )


class IndicatorForm(FlaskForm):
    """A key performance indicator of the evaluation."""

    name = StringField(_l("Indicator"), validators=[Length(max=200)], filters=[strip])
    unit = StringField(_l("Unit"), validators=[Length(max=50)], filters=[strip])
    baseline = LocalDecimalField(_l("Baseline"), validators=[Optional()])
    target = LocalDecimalField(_l("Target"), validators=[Optional()])


class MeasureForm(FlaskForm):
    """The measured value of an indicator."""

    measured = LocalDecimalField(_l("Measured value"), validators=[Optional()])
    measured_on = DateField(_l("Measured on"), validators=[Optional()])


class ReopenForm(FlaskForm):
    """Why a moderator reopens a closed evaluation."""

    reason = TextAreaField(
        _l("Why is the evaluation reopened?"),
        validators=[Optional()],
        description=_l("Stays on record as an update of the project."),
    )


class EvaluationForm(FlaskForm):
    """The closing report that ends the evaluation."""

    closing_report = TextAreaField(
        _l("Closing report"),
        validators=[Optional()],
        description=_l("Did the project deliver? Markdown is allowed."),
    )
