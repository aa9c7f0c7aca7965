"""Checks that turn array-likes into clean NumPy arrays or raise a typed error with a hint."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from scoring._errors import InvalidMatrix, InvalidParameter, InvalidWeights
from scoring._types import BoolArray, FloatArray, Scale


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
    total = float(w.sum())
    if total <= 0:
        raise InvalidWeights(
            "At least one criterion needs a weight above 0.",
            hint="Weights are rescaled to sum to 1, so any positive numbers will do.",
        )
    return w / total


def benefit_vector(benefit: bool | npt.ArrayLike, n_criteria: int) -> BoolArray:
    """Return one flag per criterion: ``True`` = more is better, ``False`` = less is better."""
    b = np.asarray(benefit)
    if b.ndim == 0:
        b = np.full(n_criteria, bool(b))
    if b.shape != (n_criteria,) or b.dtype.kind not in "bi":
        raise InvalidParameter(
            f"Give one direction (True = benefit, False = cost) for each of the {n_criteria} "
            "criteria.",
            hint="For example benefit=[True, True, False] when the third criterion is a cost.",
        )
    if b.dtype.kind == "i" and not np.isin(b, (0, 1)).all():
        raise InvalidParameter(
            "Directions must be True (benefit) or False (cost).",
            hint="Do not use -1 for cost criteria; use False.",
        )
    return b.astype(bool)


def scale_bounds(scales: Scale | Sequence[Scale], n_criteria: int) -> tuple[FloatArray, FloatArray]:
    """Return the lower anchors and spans of the criteria's rating scales."""
    if isinstance(scales, Scale):
        scales = [scales] * n_criteria
    scales = list(scales)
    if len(scales) != n_criteria or not all(isinstance(s, Scale) for s in scales):
        raise InvalidParameter(
            f"Give one Scale for all criteria or one Scale for each of the {n_criteria} criteria.",
            hint="For example scales=Scale(0, 4).",
        )
    low = np.array([s.low for s in scales])
    span = np.array([s.span for s in scales])
    return low, span


def utilities(x: FloatArray, benefit: BoolArray, low: FloatArray, span: FloatArray) -> FloatArray:
    """Map each score to 0…1 on its criterion's anchored scale, cost criteria reversed."""
    u = (x - low) / span
    # Scores are averages of anchored ratings, so they can only leave the scale through a data
    # error; a tolerance absorbs rounding in averages such as 3.9999999.
    outside = (u < -1e-9) | (u > 1 + 1e-9)
    if outside.any():
        idea, criterion = (int(v) for v in np.argwhere(outside)[0])
        high = low[criterion] + span[criterion]
        raise InvalidMatrix(
            f"Idea {idea} has score {x[idea, criterion]} on criterion {criterion}, outside its "
            f"scale {low[criterion]:g}…{high:g}.",
            hint="Check the score or the scale of that criterion.",
        )
    np.clip(u, 0.0, 1.0, out=u)
    np.subtract(1.0, u, out=u, where=~benefit)
    return u
