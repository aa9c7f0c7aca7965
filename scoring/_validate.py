"""Checks that turn array-likes into clean NumPy arrays or raise a typed error with a hint."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import numpy.typing as npt

from scoring._errors import InvalidMatrix, InvalidParameter, InvalidWeights
from scoring._ties import TIE_TOLERANCE
from scoring._types import BoolArray, FloatArray, Scale

#: The direction of each criterion: ``True`` or ``"benefit"`` (more is better), ``False`` or
#: ``"cost"`` (less is better); one for all criteria or one per criterion.
Directions: TypeAlias = bool | str | Sequence[bool | str] | npt.NDArray[np.bool_]

_DIRECTIONS = {"benefit": True, "cost": False}


def whole_number(value: object, name: str, *, minimum: int, hint: str) -> int:
    """Return ``value`` as an int if it is a whole number (Python or NumPy, not a truth value)."""
    if (
        isinstance(value, bool | np.bool_)
        or not isinstance(value, int | np.integer)
        or value < minimum
    ):
        raise InvalidParameter(
            f"{name} must be a whole number of at least {minimum}, got {value!r}.", hint=hint
        )
    return int(value)


def real_number(value: object, name: str, *, hint: str) -> float:
    """Return ``value`` as a float if it is a number (Python or NumPy, not text or truth value)."""
    if isinstance(value, bool | np.bool_) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        raise InvalidParameter(f"{name} must be a number, got {value!r}.", hint=hint)
    return float(value)


def power_of_two_exponents(magnitudes: FloatArray) -> npt.NDArray[np.int32]:
    """Return, for each magnitude, the exponent e with 2^(e-1) ≤ |magnitude| < 2^e (0 for zero).

    Multiplying by 2^-e rescales a value to at most 1 without any rounding, so sums of rescaled
    values can neither overflow nor lose small terms to underflow.
    """
    _, exponents = np.frexp(magnitudes)
    result: npt.NDArray[np.int32] = exponents
    return result


def as_float_array(values: npt.ArrayLike, name: str) -> FloatArray:
    """Return ``values`` as a float64 array, raising ``InvalidMatrix`` for text or ragged input."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidMatrix(
            f"The {name} must contain numbers only and have rows of equal length.",
            hint="Check for empty cells, text or rows with a missing column.",
        ) from exc


def decision_matrix(matrix: npt.ArrayLike, *, allow_nan: bool = False) -> FloatArray:
    """Return the ideas × criteria matrix as float64, checked for shape and finite values."""
    x = as_float_array(matrix, "score matrix")
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        raise InvalidMatrix(
            f"The score matrix must be a table of ideas (rows) × criteria (columns), "
            f"got shape {x.shape}.",
            hint="Pass one row per idea and one column per criterion.",
        )
    if not allow_nan:
        check_finite(x)
    return x


def check_finite(x: FloatArray) -> None:
    """Raise ``InvalidMatrix`` naming the first idea and criterion whose score is missing."""
    bad = ~np.isfinite(x)
    if bad.any():
        idea, criterion = (int(v) for v in np.argwhere(bad)[0])
        raise InvalidMatrix(
            f"Idea {idea} has no valid score on criterion {criterion} "
            f"(found {x[idea, criterion]}).",
            hint="Rank only ideas scored on every criterion (see AggregatedScores.rankable).",
        )


def weights_vector(weights: npt.ArrayLike, n_criteria: int) -> FloatArray:
    """Return the weights rescaled to sum to 1, checked for length and sign."""
    w = as_float_array(weights, "weights").ravel()
    if w.shape[0] != n_criteria:
        raise InvalidWeights(
            f"There are {n_criteria} criteria but {w.shape[0]} weights.",
            hint="Give exactly one weight per criterion, in the order of the matrix columns.",
        )
    if not np.isfinite(w).all() or (w < 0).any():
        raise InvalidWeights(
            "Weights must be finite numbers of at least 0.",
            hint="Use 0 for a criterion that should not count.",
        )
    largest = float(w.max(initial=0.0))
    if largest <= 0:
        raise InvalidWeights(
            "At least one criterion needs a weight above 0.",
            hint="Weights are rescaled to sum to 1, so any positive numbers will do.",
        )
    # Rescaling by a power of two is exact and keeps the sum of weights such as 1e308 finite.
    w = np.ldexp(w, -power_of_two_exponents(np.array(largest)))
    rescaled: FloatArray = w / w.sum()
    return rescaled


def _direction(item: object) -> bool | None:
    if isinstance(item, bool | np.bool_):
        return bool(item)
    if isinstance(item, str):
        return _DIRECTIONS.get(item)
    return None


def benefit_vector(benefit: object, n_criteria: int) -> BoolArray:
    """Return one flag per criterion: ``True`` = more is better, ``False`` = less is better.

    Only truth values and the words ``"benefit"`` and ``"cost"`` are directions; numbers such as
    0, 1 or -1 are refused rather than guessed.
    """
    hint = (
        "Use True or 'benefit' where more is better and False or 'cost' where less is better: "
        "one for all criteria, or a list with one per criterion."
    )
    if isinstance(benefit, np.ndarray) and benefit.ndim == 0:
        benefit = benefit.item()
    if isinstance(benefit, bool | np.bool_ | str):
        items: list[object] = [benefit] * n_criteria
    elif isinstance(benefit, Sequence | np.ndarray):
        items = list(benefit)
    else:
        raise InvalidParameter(f"{benefit!r} is not a direction.", hint=hint)
    if len(items) != n_criteria:
        raise InvalidParameter(
            f"Give one direction for all criteria or one for each of the {n_criteria} criteria, "
            f"got {len(items)}.",
            hint=hint,
        )
    directions = [_direction(item) for item in items]
    for criterion, (item, direction) in enumerate(zip(items, directions, strict=True)):
        if direction is None:
            raise InvalidParameter(
                f"The direction {item!r} of criterion {criterion} is neither benefit nor cost.",
                hint=hint,
            )
    return np.array(directions, dtype=bool)


def scale_bounds(scales: Scale | Sequence[Scale], n_criteria: int) -> tuple[FloatArray, FloatArray]:
    """Return the lower and the upper anchors of the criteria's rating scales."""
    if isinstance(scales, Scale):
        scales = [scales] * n_criteria
    scales = list(scales)
    if len(scales) != n_criteria or not all(isinstance(s, Scale) for s in scales):
        raise InvalidParameter(
            f"Give one Scale for all criteria or one Scale for each of the {n_criteria} criteria.",
            hint="For example scales=Scale(0, 4).",
        )
    low = np.array([s.low for s in scales])
    high = np.array([s.high for s in scales])
    return low, high


def utilities(x: FloatArray, benefit: BoolArray, low: FloatArray, high: FloatArray) -> FloatArray:
    """Map each score to 0…1 on its criterion's anchored scale, cost criteria reversed.

    Raise ``InvalidMatrix`` for a score that is missing or lies outside its scale.
    """
    with np.errstate(over="ignore"):
        span = high - low
    if np.isfinite(span).all() and (span >= np.finfo(np.float64).tiny).all():
        u = (x - low) / span
    else:
        # A scale such as -1e308…1e308 has no finite span, and a span below the normal range
        # has lost digits: rescale the scale and its scores exactly by a power of two first.
        exponents = power_of_two_exponents(np.maximum(np.abs(low), np.abs(high)))
        bottom, top = np.ldexp(low, -exponents), np.ldexp(high, -exponents)
        u = (np.ldexp(x, -exponents) - bottom) / (top - bottom)
    # Scores are averages of anchored ratings, so they can only leave the scale through a data
    # error; the tie rule absorbs rounding in averages such as 3.9999999999.
    inside = (u >= -TIE_TOLERANCE) & (u <= 1 + TIE_TOLERANCE)
    if not inside.all():
        # A missing score fails the comparison too; name it as missing, not as outside.
        check_finite(x)
        idea, criterion = (int(v) for v in np.argwhere(~inside)[0])
        raise InvalidMatrix(
            f"Idea {idea} has score {x[idea, criterion]} on criterion {criterion}, outside its "
            f"scale {low[criterion]:g}…{high[criterion]:g}.",
            hint="Check the score or the scale of that criterion.",
        )
    np.clip(u, 0.0, 1.0, out=u)
    np.subtract(1.0, u, out=u, where=~benefit)
    return u
