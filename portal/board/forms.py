"""The shape of the board's input; the services check the rules."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import URL, DataRequired, InputRequired, Length, NumberRange, Optional

from portal.core.forms import MultiCheckboxField, strip


class BoardForm(FlaskForm):
    """A board: name, code of its decision numbers, term, rules of procedure, rounds."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    code = StringField(
        _l("Code of the decision numbers"),
        validators=[DataRequired(), Length(max=12)],
        filters=[strip],
        description=_l("Capital letters, e.g. “LG” for LG-2026/014."),
    )
    description = TextAreaField(_l("What the board steers"), validators=[Optional()])
    term_start = DateField(_l("Term from"), validators=[InputRequired()])
    term_end = DateField(_l("Term until"), validators=[Optional()])
    quorum_percent = IntegerField(
        _l("Quorum in percent"),
        validators=[InputRequired(), NumberRange(min=1, max=100)],
        default=50,
        description=_l(
            "The share of the members entitled to vote on an item (recused members left out) "
            "that must take part."
        ),
    )
    majority = RadioField(_l("Majority"), validators=[InputRequired()], default="simple")
    abstentions_count = BooleanField(_l("Abstentions count as votes cast (like no votes)"))
    casting_vote = BooleanField(_l("The chair's vote decides a tie (named votes)"))
    round_ids = MultiCheckboxField(_l("Rounds the board decides"), coerce=int)
    lock_version = HiddenField()


class MemberForm(FlaskForm):
    """A seat on a board."""

    user_id = SelectField(_l("Person"), coerce=int, validators=[InputRequired()])
    function = SelectField(_l("Function"), validators=[InputRequired()])


class MeetingForm(FlaskForm):
    """A meeting's date, place and title."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    starts_at = DateTimeLocalField(_l("Starts"), validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), validators=[InputRequired()])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)], filters=[strip])
    video_url = StringField(
        _l("Video link"),
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
        filters=[strip],
        description=_l("A place, a video link or both."),
    )
    lock_version = HiddenField()


class IdeaItemsForm(FlaskForm):
    """Ideas chosen from the ranking for the agenda: "round id:idea id" values."""

    # The service checks each idea (its round, its board, its state) and says what is wrong.
    chosen = MultiCheckboxField(
        _l("Ideas waiting for a decision, in rank order"), choices=[], validate_choice=False
    )


class TopicForm(FlaskForm):
    """A report or another topic on the agenda."""

    kind = SelectField(_l("Kind"), validators=[InputRequired()])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    notes = TextAreaField(_l("Notes for the members"), validators=[Optional()])


class MotionForm(FlaskForm):
    """The motion put to the vote; for an idea, the decision it proposes."""

    motion = TextAreaField(_l("Motion"), validators=[DataRequired()])
    secret = RadioField(
        _l("Kind of vote"),
        choices=[SelectChoice("named", _l("Named")), SelectChoice("secret", _l("Secret"))],
        default="named",
    )
    outcome = SelectField(_l("Proposed decision"), validators=[Optional()])
    conditions = TextAreaField(_l("Conditions"), validators=[Optional()])
    reason = TextAreaField(_l("Reason"), validators=[Optional()])
    explanation = TextAreaField(
        _l("Explanation of a departure from the ranking"),
        validators=[Optional()],
        description=_l(
            "Needed when an approval departs from the ranking or the portfolio proposal; "
            "published with the decision."
        ),
    )


class WrittenForm(MotionForm):
    """An item sent to the members in a written procedure."""

    subject = SelectField(_l("Subject"), validators=[InputRequired()])
    title = StringField(
        _l("Title of another topic"), validators=[Optional(), Length(max=200)], filters=[strip]
    )
    notes = TextAreaField(_l("Notes for the members"), validators=[Optional()])
    deadline = DateTimeLocalField(_l("Deadline"), validators=[InputRequired()])


class CastForm(FlaskForm):
    """A member's vote."""

    choice = RadioField(
        _l("Your vote"),
        choices=[
            SelectChoice("yes", _l("Yes")),
            SelectChoice("no", _l("No")),
            SelectChoice("abstain", _l("Abstain")),
        ],
        validators=[InputRequired(message=_l("Please choose yes, no or abstain."))],
    )


class ConflictForm(FlaskForm):
    """A conflict of interest a member declares."""

    note = TextAreaField(_l("Your conflict of interest"), validators=[DataRequired()])


class AttendanceForm(FlaskForm):
    """Who is present."""

    present = MultiCheckboxField(_l("Present"), coerce=int)


class MinutesForm(FlaskForm):
    """The corrected text of the minutes."""

    text = TextAreaField(_l("Minutes"), validators=[DataRequired()])
    lock_version = HiddenField()


class ApproveMinutesForm(FlaskForm):
    """Which earlier meeting's minutes this meeting approves."""

    meeting_id = SelectField(_l("Minutes of"), coerce=int, validators=[InputRequired()])
