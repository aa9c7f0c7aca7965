"""Ranking methods: weighted sum (the default), TOPSIS and PROMETHEE II."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from scoring._errors import InsufficientData, InvalidMatrix, InvalidParameter
from scoring._types import FloatArray, IntArray, Ranking, Scale, freeze
from scoring._validate import (
    as_float_array,
    benefit_vector,
    check_finite,
    decision_matrix,
    scale_bounds,
    utilities,
    weights_vector,
)

# Scores that differ only by floating-point rounding are a tie: anyone recomputing the ranking
# with a spreadsheet must get the same ranks.
_TIE_DECIMALS = 12


def competition_ranks(scores: FloatArray) -> tuple[IntArray, IntArray]:
    """Return (ranks, order) for scores where higher is better; ties share the best rank.

    ``order`` lists the indices from best to worst, ties in input order ("1, 2, 2, 4" ranking).
    """
    rounded = np.round(scores, _TIE_DECIMALS)
    order = np.argsort(-rounded, kind="stable")
    ordered = rounded[order]
    starts = np.ones(ordered.shape[0], dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    positions = np.arange(ordered.shape[0])
    first = np.maximum.accumulate(np.where(starts, positions, 0))
    ranks = np.empty_like(order)
    ranks[order] = first + 1
    return ranks.astype(np.int64), order.astype(np.int64)


def weighted_sum(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: bool | npt.ArrayLike,
    *,
    scales: Scale | Sequence[Scale],
) -> Ranking:
    """Rank ideas by the weighted sum of their scores on anchored scales (the default method).

    Each score x is mapped to u = (x − low) / (high − low) on its criterion's scale, reversed to
    1 − u for cost criteria (``benefit`` False), multiplied by the criterion's weight and summed:
    score_i = Σ_j w_j · u_ij with the weights rescaled to sum to 1. The result holds each
    contribution w_j · u_ij so the portal can show why an idea ranks where it does.

    Raise ``InvalidMatrix`` if a score is missing or outside its scale and ``InvalidWeights`` /
    ``InvalidParameter`` for bad weights, directions or scales.
    """
    x = decision_matrix(matrix)
    n = x.shape[1]
    w = weights_vector(weights, n)
    b = benefit_vector(benefit, n)
    low, span = scale_bounds(scales, n)
    u = utilities(x, b, low, span)
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


def topsis(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: bool | npt.ArrayLike,
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
    if normalization == "vector":
        norms = np.sqrt(np.einsum("ij,ij->j", x, x))
        # A missing or infinite value makes its column norm non-finite, so the check costs
        # nothing on valid data.
        if not np.isfinite(norms).all():
            check_finite(x)
        factors = np.divide(w, norms, out=np.zeros(n), where=norms > 0)
        v = x * factors
        column_max = v.max(axis=0)
        column_min = v.min(axis=0)
        if (column_min < 0).any():
            raise InvalidMatrix(
                "Vector normalisation needs scores of at least 0.",
                hint="Use normalization='minmax' for criteria that can be negative.",
            )
    elif normalization == "minmax":
        low = x.min(axis=0)
        span = x.max(axis=0) - low
        if not np.isfinite(span).all():
            check_finite(x)
        factors = np.divide(w, span, out=np.zeros(n), where=span > 0)
        v = (x - low) * factors
        column_max = v.max(axis=0)
        column_min = v.min(axis=0)
    else:
        raise InvalidParameter(
            f"Unknown normalisation {normalization!r}.",
            hint="Use 'vector' or 'minmax'.",
        )
    ideal = np.where(b, column_max, column_min)
    anti_ideal = np.where(b, column_min, column_max)
    d_plus = np.sqrt(np.square(v - ideal).sum(axis=1))
    d_minus = np.sqrt(np.square(v - anti_ideal).sum(axis=1))
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


def _threshold_vector(
    values: float | Sequence[float | None] | None, n: int, name: str
) -> FloatArray:
    if values is None:
        return np.full(n, np.nan)
    if isinstance(values, int | float):
        return np.full(n, float(values))
    items = list(values)
    if len(items) != n:
        raise InvalidParameter(
            f"Give one threshold {name} per criterion ({n}), got {len(items)}.",
            hint="Use None for criteria whose preference function does not need it.",
        )
    return np.array([np.nan if v is None else float(v) for v in items])


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
    return lambda d: np.where(d > 0, -np.expm1(-(d * d) / (2.0 * s * s)), 0.0)


def promethee_ii(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: bool | npt.ArrayLike,
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
    kinds = [preference] * n if isinstance(preference, str) else list(preference)
    if len(kinds) != n or any(k not in _PREFERENCES for k in kinds):
        raise InvalidParameter(
            f"Give one preference function for all criteria or one per criterion ({n}).",
            hint=f"Choose from {', '.join(_PREFERENCES)}.",
        )
    thresholds = {
        "q": _threshold_vector(q, n, "q"),
        "p": _threshold_vector(p, n, "p"),
        "s": _threshold_vector(s, n, "s"),
    }
    for j, kind in enumerate(kinds):
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
    for j, kind in enumerate(kinds):
        if w[j] == 0:
            continue
        prefer = _preference_function(
            kind, thresholds["q"][j], thresholds["p"][j], thresholds["s"][j]
        )
        column = oriented[:, j]
        for start in range(0, m, block):
            d = column[start : start + block, None] - column[None, :]
            # P(d) − P(−d) is odd in d, so one evaluation on |d| covers both directions.
            net[start : start + block] += w[j] * (np.sign(d) * prefer(np.abs(d))).sum(axis=1)
    flows: FloatArray = net / (m - 1)
    return flows
