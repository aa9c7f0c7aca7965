"""Forms of the rounds module; each part of the module keeps its forms in a block of its own."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField
from wtforms.validators import DataRequired

from portal.rounds.models import WeightingMethod

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
