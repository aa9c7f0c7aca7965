"""Forms of the idea portal."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from portal.core.forms import MultiCheckboxField, optional_choices, optional_int
from portal.core.urls import LARGEST_ID

_MARKDOWN_HINT = _l("You can use Markdown: **bold**, *italic*, lists with “-”, links.")


def tag_text(value: object) -> object:
    """Turn an idea's tags into the line of text the form edits them as.

    An edited idea fills the form, and its `tags` are objects; a request that leaves the field
    out keeps them, as text.
    """
    if isinstance(value, list):
        return ", ".join(tag.name for tag in value)
    return value


class IdeaForm(FlaskForm):
    """An idea as its author writes it."""

    title = StringField(
        _l("Title"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("One line that says what should change."),
    )
    # A draft may leave problem and proposal empty; the service asks for them on submitting.
    problem = TextAreaField(
        _l("What is the problem?"),
        validators=[Optional(), Length(max=20_000)],
        description=_MARKDOWN_HINT,
    )
    proposal = TextAreaField(
        _l("What do you propose?"), validators=[Optional(), Length(max=20_000)]
    )
    benefit_citizens = TextAreaField(
        _l("Expected benefit for citizens"), validators=[Optional(), Length(max=10_000)]
    )
    benefit_staff = TextAreaField(
        _l("Expected benefit for staff"), validators=[Optional(), Length(max=10_000)]
    )
    field_of_action_id = SelectField(
        _l("Field of action"), coerce=optional_int, validators=[Optional()]
    )
    org_unit_ids = MultiCheckboxField(_l("Affected org units"), coerce=int)
    tags = StringField(
        _l("Tags"),
        validators=[Optional(), Length(max=500)],
        filters=[tag_text],
        description=_l("Separate tags with commas, e.g. “Formulare, Terminvergabe”."),
    )
    effort_days = IntegerField(
        _l("Rough effort in person-days"),
        validators=[Optional(), NumberRange(min=0, max=100_000)],
    )
    cost_euros = IntegerField(
        _l("Rough cost in euros"), validators=[Optional(), NumberRange(min=0, max=1_000_000_000)]
    )
    author_public = BooleanField(_l("The public may see my name once the idea is published"))

    def set_choices(self, fields: list[tuple[int, str]], org_units: list[tuple[int, str]]) -> None:
        """Offer *fields* of action and *org_units* as (id, label)."""
        self.field_of_action_id.choices = optional_choices(str(_l("— none —")), fields)
        self.org_unit_ids.choices = org_units


class CommentForm(FlaskForm):
    """A comment or a reply."""

    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(), Length(max=10_000)],
        description=_MARKDOWN_HINT,
    )
    parent_id = HiddenField()


class CommentEditForm(FlaskForm):
    """The new text of one's own comment."""

    body = TextAreaField(
        _l("Text of your comment"), validators=[DataRequired(), Length(max=10_000)]
    )


class AttachmentForm(FlaskForm):
    """A file to attach."""

    file = FileField(
        _l("File"),
        validators=[FileRequired()],
        description=_l("PDF, Office documents (Word, Excel, PowerPoint, OpenDocument) or images."),
    )


class TransitionForm(FlaskForm):
    """A moderator's or author's step in the lifecycle, with a reason where the step needs one
    (the transition table says which; the service checks it)."""

    target = HiddenField(validators=[DataRequired()])
    # The merge form has a text field of the same name on the same page; the ids tell them apart.
    reason = TextAreaField(
        _l("Reason"),
        id="decline-reason",
        validators=[Optional(), Length(max=5_000)],
        description=_l("The author reads it."),
    )


class MergeForm(FlaskForm):
    """Merge this idea, a duplicate, into another one."""

    keep_id = IntegerField(
        _l("This idea is a duplicate of idea no."),
        # An idea number beyond any key names no idea; the form says so instead of the database
        # failing on it.
        validators=[DataRequired(), NumberRange(min=1, max=LARGEST_ID)],
        description=_l(
            "Supports, comments and attachments of this idea move to that idea; this idea then "
            "points to it."
        ),
    )
    reason = TextAreaField(_l("Note"), id="merge-note", validators=[Optional(), Length(max=5_000)])


class FieldOfActionForm(FlaskForm):
    """A field of action as moderators keep it."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=120)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2_000)])
    active = BooleanField(_l("Offered for new ideas"), default=True)


class FollowForm(FlaskForm):
    """Which fields of action a user follows in the newsfeed."""

    field_ids = MultiCheckboxField(_l("Fields of action I follow"), coerce=int)
