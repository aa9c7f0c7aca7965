"""Ranking methods: weighted sum (the default), TOPSIS and PROMETHEE II."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from scoring._errors import InsufficientData, InvalidMatrix, InvalidParameter
from scoring._ties import competition_ranks
from scoring._types import FloatArray, IntArray, Ranking, Scale, freeze
from scoring._validate import (
    Directions,
    as_float_array,
    benefit_vector,
    check_finite,
    decision_matrix,
    power_of_two_exponents,
    real_number,
    scale_bounds,
    utilities,
    weights_vector,
)


def weighted_sum(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: Directions,
    *,
    scales: Scale | Sequence[Scale],
) -> Ranking:
    """Rank ideas by the weighted sum of their scores on anchored scales (the default method).

    Each score x is mapped to u = (x − low) / (high − low) on its criterion's scale, reversed to
    1 − u for cost criteria (``benefit`` False or ``"cost"``), multiplied by the criterion's
    weight and summed: score_i = Σ_j w_j · u_ij with the weights rescaled to sum to 1. The
    result holds each contribution w_j · u_ij so the portal can show why an idea ranks where it
    does. Scores within ``TIE_TOLERANCE`` (10⁻⁹ of the 0…1 score scale) of each other share a
    rank.

    Raise ``InvalidMatrix`` if a score is missing or outside its scale and ``InvalidWeights`` /
    ``InvalidParameter`` for bad weights, directions or scales.
    """
    x = decision_matrix(matrix, allow_nan=True)
    n = x.shape[1]
    w = weights_vector(weights, n)
    b = benefit_vector(benefit, n)
    low, high = scale_bounds(scales, n)
    u = utilities(x, b, low, high)
    contributions = u * w
    scores = contributions.sum(axis=1)
    ranks, order = competition_ranks(scores)
    return Ranking(
        scores=freeze(scores),
        ranks=freeze(ranks),
        contributions=freeze(contributions),
        utilities=freeze(u),
        weights=freeze(w),
        order=freeze(order),
    )


def rank_scores(scores: npt.ArrayLike, *, span: float = 1.0) -> tuple[IntArray, IntArray]:
    """Return ``(ranks, order)`` of results where higher is better, by the engine's tie rule.

    For the results of TOPSIS (closeness, ``span`` 1) or PROMETHEE II (net flow, ``span`` 2):
    results within ``TIE_TOLERANCE`` · ``span`` of each other share the better rank ("1, 2, 2,
    4"); ``order`` lists the indices from best to worst, tied ones in input order.
    """
    x = as_float_array(scores, "scores")
    if x.ndim != 1 or x.shape[0] == 0:
        raise InvalidMatrix(
            f"Scores to rank must be one number per idea, got shape {x.shape}.",
            hint="Pass the closeness or net flow of each idea as a flat list.",
        )
    check_finite(x[:, None])
    span = real_number(span, "span", hint="It is the width of the results' scale: 2 for net flows.")
    if not (math.isfinite(span) and span > 0):
        raise InvalidParameter(
            f"span must be a positive number, got {span}.",
            hint="It is the width of the results' scale: 1 for closeness, 2 for net flows.",
        )
    ranks, order = competition_ranks(x, span)
    return freeze(ranks), freeze(order)


def topsis(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: Directions,
    *,
    normalization: str = "vector",
) -> FloatArray:
    """Return each idea's TOPSIS closeness coefficient C = D⁻ / (D⁺ + D⁻), 1 = best.

    Hwang & Yoon (1981): normalise each column (``"vector"``: x / ‖x‖₂; ``"minmax"``:
    (x − min) / (max − min)), multiply by the weights, take the best value of each column as the
    ideal and the worst as the anti-ideal (reversed for cost criteria), and measure each idea's
    Euclidean distances D⁺ to the ideal and D⁻ to the anti-ideal.

    Raise ``InvalidMatrix`` for missing values (or negative ones with vector normalisation) and
    ``InsufficientData`` when the ideas cannot be told apart (all equal on weighted criteria).
    """
    x = as_float_array(matrix, "score matrix")
    if x.ndim != 2 or x.shape[0] == 0 or x.shape[1] == 0:
        decision_matrix(x)
    n = x.shape[1]
    w = weights_vector(weights, n)
    b = benefit_vector(benefit, n)
    if normalization not in ("vector", "minmax"):
        raise InvalidParameter(
            f"Unknown normalisation {normalization!r}.",
            hint="Use 'vector' or 'minmax'.",
        )
    column_max = x.max(axis=0)
    column_min = x.min(axis=0)
    # A missing or infinite value makes its column's extreme non-finite, so the check costs
    # nothing on valid data.
    if not (np.isfinite(column_max).all() and np.isfinite(column_min).all()):
        check_finite(x)
    if normalization == "vector" and (column_min < 0).any():
        raise InvalidMatrix(
            "Vector normalisation needs scores of at least 0.",
            hint="Use normalization='minmax' for criteria that can be negative.",
        )
    # Each column is first rescaled exactly by a power of two to at most 1 in size, so neither
    # its norm nor its range can overflow (1e154² or 1e308 − (−1e308)) or underflow (1e-162²).
    exponents = power_of_two_exponents(np.maximum(np.abs(column_max), np.abs(column_min)))
    v = np.ldexp(x, -exponents)
    column_max = np.ldexp(column_max, -exponents)
    column_min = np.ldexp(column_min, -exponents)
    if normalization == "vector":
        divisors = np.sqrt(np.einsum("ij,ij->j", v, v))
    else:
        v -= column_min
        column_max = column_max - column_min
        column_min = np.zeros(n)
        divisors = column_max
    factors = np.divide(w, divisors, out=np.zeros(n), where=divisors > 0)
    v *= factors
    # Scaling by factors ≥ 0 keeps each column's extremes where they were.
    column_max = column_max * factors
    column_min = column_min * factors
    ideal = np.where(b, column_max, column_min)
    anti_ideal = np.where(b, column_min, column_max)
    to_ideal = v - ideal
    to_anti_ideal = v - anti_ideal
    d_plus = np.sqrt(np.einsum("ij,ij->i", to_ideal, to_ideal))
    d_minus = np.sqrt(np.einsum("ij,ij->i", to_anti_ideal, to_anti_ideal))
    total = d_plus + d_minus
    if not total.all():
        raise InsufficientData(
            "TOPSIS cannot rank ideas that do not differ on any weighted criterion.",
            hint="Rank at least two ideas with different scores, or use the weighted sum.",
        )
    closeness: FloatArray = d_minus / total
    return closeness


# All pairs at once would need m² values per criterion; blocks of rows keep memory bounded
# (about 32 MB) for large rounds.
_BLOCK_ELEMENTS = 1 << 22

_PREFERENCES = ("usual", "u-shape", "v-shape", "level", "linear", "gaussian")
_NEEDS = {
    "usual": (),
    "u-shape": ("q",),
    "v-shape": ("p",),
    "level": ("q", "p"),
    "linear": ("q", "p"),
    "gaussian": ("s",),
}


def _threshold_vector(values: object, n: int, name: str) -> FloatArray:
    """Return one threshold per criterion (NaN where none is given) from a number or a list."""
    hint = "Give one number for all criteria, or a list with one per criterion (None where unused)."
    if values is None:
        return np.full(n, np.nan)
    if isinstance(values, np.ndarray):
        values = values.tolist()
    if isinstance(values, str) or not isinstance(values, Sequence):
        return np.full(n, real_number(values, f"The threshold {name}", hint=hint))
    items = list(values)
    if len(items) != n:
        raise InvalidParameter(
            f"Give one threshold {name} per criterion ({n}), got {len(items)}.",
            hint="Use None for criteria whose preference function does not need it.",
        )
    return np.array(
        [np.nan if v is None else real_number(v, f"The threshold {name}", hint=hint) for v in items]
    )


def _preference_function(
    kind: str, q: float, p: float, s: float
) -> Callable[[FloatArray], FloatArray]:
    """Return P(d) for d ≥ 0, the generalised criterion of Brans & Vincke (1985), types I–VI."""
    if kind == "usual":
        return lambda d: (d > 0).astype(np.float64)
    if kind == "u-shape":
        return lambda d: (d > q).astype(np.float64)
    if kind == "v-shape":
        return lambda d: np.minimum(d / p, 1.0)
    if kind == "level":
        return lambda d: np.where(d > p, 1.0, np.where(d > q, 0.5, 0.0))
    if kind == "linear":
        return lambda d: np.clip((d - q) / (p - q), 0.0, 1.0)
    # (d / s)² rather than d² / s²: the squares alone overflow for d and s around 1e155.
    return lambda d: np.where(d > 0, -np.expm1(-0.5 * np.square(d / s)), 0.0)


def promethee_ii(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: Directions,
    *,
    preference: str | Sequence[str] = "usual",
    q: float | Sequence[float | None] | None = None,
    p: float | Sequence[float | None] | None = None,
    s: float | Sequence[float | None] | None = None,
) -> FloatArray:
    """Return each idea's PROMETHEE II net flow φ = φ⁺ − φ⁻, in −1…1, higher is better.

    For every pair of ideas a, b and criterion j, the difference d = x_aj − x_bj (reversed for
    cost criteria) becomes a preference P_j(d) in 0…1 through the criterion's preference
    function (Brans & Vincke 1985): ``"usual"`` (I), ``"u-shape"`` (II, threshold q),
    ``"v-shape"`` (III, p), ``"level"`` (IV, q and p), ``"linear"`` (V, q and p) or
    ``"gaussian"`` (VI, s). Then π(a, b) = Σ_j w_j P_j(a, b) and
    φ(a) = Σ_b (π(a, b) − π(b, a)) / (m − 1) over the m ideas.

    ``preference`` is one name for all criteria or one per criterion; ``q``, ``p`` and ``s`` are
    one number for all or one per criterion (None where not needed). Raise ``InvalidParameter``
    for an unknown preference function or a missing or invalid threshold.
    """
    x = decision_matrix(matrix)
    m, n = x.shape
    w = weights_vector(weights, n)
    b = benefit_vector(benefit, n)
    if m < 2:
        raise InsufficientData(
            "PROMETHEE compares ideas in pairs and needs at least two.",
            hint="Add ideas to the round before ranking.",
        )
    kinds: list[object] = []
    if isinstance(preference, str):
        kinds = [preference] * n
    elif isinstance(preference, Sequence):
        kinds = list(preference)
    if len(kinds) != n or not all(isinstance(k, str) and k in _PREFERENCES for k in kinds):
        raise InvalidParameter(
            f"Give one preference function for all criteria or one per criterion ({n}).",
            hint=f"Choose from {', '.join(_PREFERENCES)}.",
        )
    chosen = [str(k) for k in kinds]
    thresholds = {
        "q": _threshold_vector(q, n, "q"),
        "p": _threshold_vector(p, n, "p"),
        "s": _threshold_vector(s, n, "s"),
    }
    for j, kind in enumerate(chosen):
        for name in _NEEDS[kind]:
            value = thresholds[name][j]
            if not np.isfinite(value) or value < 0 or (name != "q" and value == 0):
                raise InvalidParameter(
                    f"Criterion {j} uses the {kind} preference function, which needs a valid "
                    f"threshold {name} (got {value}).",
                    hint="q (indifference) ≥ 0, p (preference) > 0, s (Gaussian) > 0.",
                )
        if kind in ("level", "linear") and not thresholds["q"][j] < thresholds["p"][j]:
            raise InvalidParameter(
                f"Criterion {j}: the indifference threshold q must be below the preference "
                f"threshold p (got q = {thresholds['q'][j]}, p = {thresholds['p'][j]}).",
                hint="Differences up to q do not count, from p on they count fully.",
            )
    oriented = np.where(b, x, -x)
    net = np.zeros(m)
    block = max(1, _BLOCK_ELEMENTS // m)
    for j, kind in enumerate(chosen):
        if w[j] == 0:
            continue
        column = oriented[:, j]
        if kind == "usual":
            # Σ P(d) − P(−d) over the other ideas is then the number of ideas worse on the
            # criterion minus the number better: counted from the sorted column, exactly the
            # same integers as the pairwise sum, in O(m log m) instead of m² comparisons.
            ordered = np.sort(column)
            worse = np.searchsorted(ordered, column, side="left")
            better = m - np.searchsorted(ordered, column, side="right")
            net += w[j] * (worse - better)
            continue
        prefer = _preference_function(
            kind, thresholds["q"][j], thresholds["p"][j], thresholds["s"][j]
        )
        for start in range(0, m, block):
            # A difference beyond the float range (1e308 − (−1e308)) becomes infinite, which
            # every preference function maps to full preference, as it should.
            with np.errstate(over="ignore"):
                d = column[start : start + block, None] - column[None, :]
                # P(d) − P(−d) is odd in d, so one evaluation on |d| covers both directions.
                preferences = np.sign(d) * prefer(np.abs(d))
            net[start : start + block] += w[j] * preferences.sum(axis=1)
    flows: FloatArray = net / (m - 1)
    return flows
