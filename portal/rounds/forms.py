"""Forms of the rounds module, one block per part: rounds and their catalogue, the board's
weighting, the assessors' scoring."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from portal.core.forms import LocalDecimalField, MultiCheckboxField, read_number
from portal.rounds.models import WeightingMethod

# --- Rounds and their catalogue --------------------------------------------------------------

_MARKDOWN_HINT = _l("You can use Markdown: **bold**, *italic*, lists with “-”, links.")

#: The longest sentence of a level of a rating scale (`ScaleLevel.text`).
LEVEL_TEXT_MAX = 300


class RoundForm(FlaskForm):
    """A round as a moderator sets it up."""

    name = StringField(
        _l("Name"),
        validators=[DataRequired(), Length(max=200)],
        description=_l("For example “Priorisierung 2027”."),
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=20_000)], description=_MARKDOWN_HINT
    )
    field_of_action_ids = MultiCheckboxField(_l("Fields of action the round covers"), coerce=int)
    budget_euros = IntegerField(
        _l("Budget in euros"),
        validators=[Optional(), NumberRange(min=0, max=1_000_000_000_000)],
        description=_l("What the portfolio of the round may cost; leave empty for no limit."),
    )
    staff_days = IntegerField(
        _l("Capacity in staff days"),
        validators=[Optional(), NumberRange(min=0, max=10_000_000)],
        description=_l("How many person-days the portfolio may take; leave empty for no limit."),
    )
    collect_until = DateField(_l("Collect ideas until"), validators=[Optional()])
    screen_until = DateField(_l("Screen until"), validators=[Optional()])
    score_until = DateField(_l("Score until"), validators=[Optional()])
    decide_until = DateField(_l("Decide until"), validators=[Optional()])
    publish_on = DateField(_l("Publish on"), validators=[Optional()])
    blind = BooleanField(
        _l("Blind mode: assessors see the others’ scores only after submitting their own"),
        default=True,
    )
    min_assessors = IntegerField(
        _l("Assessors per idea (at least)"),
        validators=[InputRequired(), NumberRange(min=1, max=20)],
        default=3,
    )
    disagreement_levels = IntegerField(
        _l("Disagreement threshold in levels"),
        validators=[InputRequired(), NumberRange(min=1, max=10)],
        default=2,
        description=_l(
            "Scores of one idea on one criterion further apart than this start a review."
        ),
    )
    assessors_named = RadioField(
        _l("Published scores show the assessors"),
        choices=[
            SelectChoice("pseudonymous", _l("under pseudonyms (Assessor A, B, …)")),
            SelectChoice("named", _l("by name")),
        ],
        default="pseudonymous",
    )
    #: The version of the round the form showed, so that a stale tab is refused.
    lock_version = HiddenField()


class TemplateForm(FlaskForm):
    """The template an empty catalogue starts from."""

    template = RadioField(_l("Template"), validators=[DataRequired()])


class CriterionForm(FlaskForm):
    """A criterion of the catalogue draft. The levels of a rating scale are rows of their own
    (`level-<value>-text`, `level-<value>-justify`), one for each value of the range."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"),
        validators=[Optional(), Length(max=5_000)],
        description=_l("What the criterion asks; assessors read it beside the scale."),
    )
    direction = RadioField(_l("Direction"), validators=[InputRequired()])
    kind = RadioField(_l("Kind"), validators=[InputRequired()])
    scale_min = IntegerField(
        _l("Lowest level"), validators=[Optional(), NumberRange(min=-10, max=100)], default=0
    )
    scale_max = IntegerField(
        _l("Highest level"), validators=[Optional(), NumberRange(min=-10, max=100)], default=4
    )
    knockout_level = SelectField(_l("Knock-out"), validators=[Optional()])
    unit = StringField(
        _l("Unit"),
        validators=[Optional(), Length(max=40)],
        description=_l("For example “€” or “Personentage”."),
    )
    lower_bound = LocalDecimalField(_l("Lowest value"), validators=[Optional()])
    upper_bound = LocalDecimalField(_l("Highest value"), validators=[Optional()])
    source = SelectField(_l("Where the value comes from"), validators=[Optional()])


class PhaseForm(FlaskForm):
    """A move of a round to its next phase."""

    target = HiddenField(validators=[DataRequired()])
    lock_version = HiddenField(validators=[DataRequired()])


class FreezeForm(FlaskForm):
    """Freezing a new version of the catalogue while scoring runs."""

    note = TextAreaField(
        _l("What changed"),
        validators=[Optional(), Length(max=5_000)],
        description=_l(
            "Published with the version, with the scores the change invalidates, which the "
            "portal adds."
        ),
    )


class AcceptForm(FlaskForm):
    """The round an idea in screening joins."""

    round_id = SelectField(_l("Round"), coerce=int, validators=[DataRequired()])


# --- weighting by the board --------------------------------------------------------------------

#: The form field of one comparison: "pair-<criterion id>-<criterion id>".
PAIR_FIELD = re.compile(r"pair-(\d{1,12})-(\d{1,12})")
#: The form field of one criterion's points: "points-<criterion id>".
POINTS_FIELD = re.compile(r"points-(\d{1,12})")
#: The answer of a pair that the member leaves out.
SKIPPED = "skip"
_WHOLE_NUMBER = re.compile(r"[+-]?\d{1,9}")


class WeightingMethodForm(FlaskForm):
    """How the board weights the draft, as moderators choose it."""

    method = RadioField(
        _l("How the board weights the criteria"),
        choices=WeightingMethod.choices,
        validators=[DataRequired(_l("Choose a method."))],
    )
    version = HiddenField()


class WeightingForm(FlaskForm):
    """A board member's weighting. Its answers have one field per pair or criterion of the
    catalogue, so `read_answers` and `read_points` read them from the request."""

    version = HiddenField()


class CloseWeightingForm(FlaskForm):
    """Close the weighting with the weightings submitted so far."""

    version = HiddenField()


def read_answers(data: Mapping[str, str]) -> tuple[dict[tuple[int, int], str], list[str]]:
    """Return the comparisons sent (pair of criterion ids → a key of Saaty's scale, skipped
    pairs left out) and what is wrong with their shape."""
    from portal.rounds.services.weighting import SCALE

    answers: dict[tuple[int, int], str] = {}
    problems: list[str] = []
    for name, value in data.items():
        if not name.startswith("pair-"):
            continue
        match = PAIR_FIELD.fullmatch(name)
        if match is None:
            problems.append(_("A comparison of the form is not one this page offers."))
            continue
        if value in ("", SKIPPED):
            continue
        if value not in SCALE:
            problems.append(
                _(
                    "A comparison must be one of the answers offered, from “extremely more "
                    "important” to “equally important”."
                )
            )
            continue
        answers[(int(match[1]), int(match[2]))] = value
    return answers, sorted(set(problems))


def read_points(data: Mapping[str, str]) -> tuple[dict[int, int], list[str]]:
    """Return the points sent (criterion id → points) and what is wrong with their shape;
    empty fields are left out."""
    points: dict[int, int] = {}
    problems: list[str] = []
    for name, value in data.items():
        if not name.startswith("points-"):
            continue
        match = POINTS_FIELD.fullmatch(name)
        if match is None:
            problems.append(_("A field of the form is not one this page offers."))
            continue
        value = value.strip()
        if not value:
            continue
        if not _WHOLE_NUMBER.fullmatch(value):
            problems.append(_("Points are whole numbers such as 15."))
            continue
        points[int(match[1])] = int(value)
    return points, sorted(set(problems))


class ExclusionForm(FlaskForm):
    """An idea the moderators keep out of the portfolio proposal."""

    idea = IntegerField(_l("Idea number"), validators=[Optional()])
    reason = StringField(_l("Why"), validators=[Length(max=500)])


class DependencyForm(FlaskForm):
    """Idea B can only be done together with idea A."""

    idea = IntegerField(_l("Idea number"), validators=[Optional()])
    needs = IntegerField(_l("needs idea number"), validators=[Optional()])


# --- Assessment: assigning assessors -----------------------------------------------------------


class AssignForm(FlaskForm):
    """Assessors a moderator asks to score one idea of a round."""

    idea_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    # Any id is read; the service says clearly why one that is no assessor is refused.
    assessor_ids = MultiCheckboxField(_l("Assessors"), coerce=int, validate_choice=False)
    lock_version = HiddenField()


class BulkAssignForm(FlaskForm):
    """The ideas of a round that bulk assignment fills up to the minimum of assessors."""

    #: "all", "field-<id>" or "unit-<id>"; the page offers those of the round's ideas.
    scope = StringField(_l("Ideas"), validators=[InputRequired()])
    lock_version = HiddenField()


class RemoveAssignmentForm(FlaskForm):
    """Remove an open assignment; the version makes a second tab's removal stale."""

    lock_version = HiddenField()


# --- assessment by the assessors ---------------------------------------------------------------

#: The form field of a criterion's score: "score-<criterion id>".
SCORE_FIELD = re.compile(r"score-(\d{1,12})")
#: The form field of a criterion's justification: "justification-<criterion id>".
JUSTIFICATION_FIELD = re.compile(r"justification-(\d{1,12})")


class AssessmentForm(FlaskForm):
    """An assessor's scores of one idea. Its scores and justifications have one field per
    criterion of the catalogue in force, so `read_scores` reads them from the request."""

    lock_version = HiddenField()


class ConflictForm(FlaskForm):
    """An assessor declares a conflict of interest with one idea."""

    reason = TextAreaField(
        _l("What is the conflict of interest?"),
        description=_l(
            "For example: “I advised the team that proposed the idea.” The moderators of the "
            "round read it."
        ),
    )
    lock_version = HiddenField()


class RevisionForm(FlaskForm):
    """An assessor revises their score on a criterion under review. The page has one such form
    per criterion, with field ids of their own; the names are the same."""

    criterion_id = HiddenField()
    value = StringField()
    reason = TextAreaField()
    lock_version = HiddenField()


def read_scores(
    data: Mapping[str, str],
) -> tuple[dict[int, float], dict[int, str], dict[str, str]]:
    """Return the scores sent (criterion id → number; empty ones left out), the
    justifications (criterion id → text) and what is wrong with their shape, by field."""
    values: dict[int, float] = {}
    justifications: dict[int, str] = {}
    problems: dict[str, str] = {}
    for name, text in data.items():
        if match := SCORE_FIELD.fullmatch(name):
            try:
                number = read_number(text)
            except ValueError:
                problems[name] = _("Please enter a number.")
                continue
            if number is not None:
                values[int(match[1])] = number
        elif match := JUSTIFICATION_FIELD.fullmatch(name):
            justifications[int(match[1])] = text
        elif name.startswith(("score-", "justification-")):
            problems[name] = _("A field of the form is not one this page offers.")
    return values, justifications, problems
