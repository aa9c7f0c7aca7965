"""How much the weighted-sum ranking depends on the board's weights."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from scoring._errors import InvalidParameter
from scoring._mcda import weighted_sum
from scoring._types import (
    FloatArray,
    IntArray,
    Scale,
    SwapPoint,
    WeightInterval,
    WeightStability,
    freeze,
)


def _rest_scores(u: FloatArray, w: FloatArray, scores: FloatArray) -> FloatArray:
    """Return r_ik, idea i's score from all criteria but k with those weights summing to 1.

    With weight t on criterion k and the others rescaled proportionally to share 1 − t, idea i
    scores t · u_ik + (1 − t) · r_ik: a straight line in t, so every crossing is exact.
    """
    others = 1.0 - w
    rest = np.empty_like(u)
    movable = others > 1e-12
    rest[:, movable] = (scores[:, None] - u[:, movable] * w[movable]) / others[movable]
    if not movable.all():
        # A criterion holding all the weight has no others to rescale; lowering it then spreads
        # the freed weight equally over the remaining criteria.
        n = u.shape[1]
        equal = (u.sum(axis=1, keepdims=True) - u) / max(n - 1, 1)
        rest[:, ~movable] = equal[:, ~movable]
    return rest


def _crossings(
    u: FloatArray, rest: FloatArray, upper: IntArray, lower: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Return (level, slope) with score(upper) − score(lower) = level + slope · t per pair."""
    level = rest[upper] - rest[lower]
    slope = (u[upper] - rest[upper]) - (u[lower] - rest[lower])
    return level, slope


def weight_stability(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: bool | npt.ArrayLike,
    *,
    scales: Scale | Sequence[Scale],
    top: int | None = None,
) -> WeightStability:
    """Report, per criterion, the weight range that keeps the weighted-sum top ``top`` unchanged.

    Changing one weight to t and rescaling the others proportionally makes every idea's score a
    straight line in t, so the limits are exact: the interval is where the first ``top`` ideas
    keep their order and no other idea overtakes the last of them (``top=None``: the whole
    ranking). For each adjacent pair among the first ``top + 1`` ideas it also reports the
    smallest single-weight change at which the two tie; beyond it they swap. Ties in the current
    ranking count as unchanged.
    """
    ranking = weighted_sum(matrix, weights, benefit, scales=scales)
    u, w, scores, order = ranking.utilities, ranking.weights, ranking.scores, ranking.order
    m, n = u.shape
    if top is None:
        top = m
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise InvalidParameter(
            f"top must be a whole number of at least 1, got {top!r}.",
            hint="It is how many leading ideas must keep their places.",
        )
    top = min(top, m)
    pairs = min(top, m - 1)
    if n == 1:
        # A single criterion always carries the whole weight: no weight change can reorder.
        return WeightStability(
            top=top,
            intervals=(WeightInterval(criterion=0, lower=1.0, upper=1.0, current=1.0),),
            swaps=tuple(
                SwapPoint(int(order[i]), int(order[i + 1]), None, None, None) for i in range(pairs)
            ),
            swap_weights=freeze(np.full((pairs, 1), np.nan)),
        )
    rest = _rest_scores(u, w, scores)

    leaders = order[:top]
    upper = leaders[:-1]
    lower = leaders[1:]
    if top < m:
        # The last leader must stay ahead of every idea outside the top.
        outside = order[top:]
        upper = np.concatenate([upper, np.full(outside.shape[0], leaders[-1])])
        lower = np.concatenate([lower, outside])
    level, slope = _crossings(u, rest, upper, lower)
    with np.errstate(divide="ignore", invalid="ignore"):
        root = -level / slope
    # The current weight satisfies every pair, so each pair limits t on one side only.
    low_limits = np.where(slope > 0, root, -np.inf).max(axis=0, initial=-np.inf)
    high_limits = np.where(slope < 0, root, np.inf).min(axis=0, initial=np.inf)
    intervals = tuple(
        WeightInterval(
            criterion=k,
            # Adding 0.0 turns a clipped -0.0 into 0.0 for display.
            lower=float(np.clip(low_limits[k], 0.0, w[k])) + 0.0,
            upper=float(np.clip(high_limits[k], w[k], 1.0)) + 0.0,
            current=float(w[k]),
        )
        for k in range(n)
    )

    above = order[:pairs]
    below = order[1 : pairs + 1]
    level, slope = _crossings(u, rest, above, below)
    with np.errstate(divide="ignore", invalid="ignore"):
        tie = -level / slope
    valid = (slope != 0) & (tie >= -1e-12) & (tie <= 1 + 1e-12)
    swap_weights = np.where(valid, np.clip(tie, 0.0, 1.0) + 0.0, np.nan)
    distance = np.where(valid, np.abs(swap_weights - w), np.inf)
    swaps = []
    for index in range(pairs):
        k = int(np.argmin(distance[index]))
        if np.isfinite(distance[index, k]):
            swaps.append(
                SwapPoint(
                    above=int(above[index]),
                    below=int(below[index]),
                    criterion=k,
                    weight=float(swap_weights[index, k]),
                    change=float(swap_weights[index, k] - w[k]),
                )
            )
        else:
            swaps.append(SwapPoint(int(above[index]), int(below[index]), None, None, None))
    return WeightStability(
        top=top,
        intervals=intervals,
        swaps=tuple(swaps),
        swap_weights=freeze(swap_weights),
    )


def rank_acceptability(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: bool | npt.ArrayLike,
    *,
    scales: Scale | Sequence[Scale],
    spread: float,
    samples: int = 10_000,
    seed: int,
) -> FloatArray:
    """Return the probability of each idea taking each rank when the weights are uncertain.

    SMAA-style rank acceptability (Lahdelma, Hokkanen & Salminen 1998): weight vectors are drawn
    from a Dirichlet distribution centred on the board's weights w with concentration
    c = 1 / spread² − 1, so each weight varies with standard deviation spread · √(w(1 − w)); for
    each draw the ideas are ranked by the weighted sum. Entry [i, r] is the share of draws in
    which idea i took rank r + 1 (tied ideas share the better rank). The same ``seed`` gives the
    same result. Criteria with weight 0 stay at 0.
    """
    if not 0.0 < spread < 1.0:
        raise InvalidParameter(
            f"spread must lie strictly between 0 and 1, got {spread}.",
            hint="0.1 lets a weight of 0.25 vary by about ±0.04 (one standard deviation).",
        )
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise InvalidParameter(
            f"samples must be a positive whole number, got {samples!r}.", hint="10,000 is typical."
        )
    ranking = weighted_sum(matrix, weights, benefit, scales=scales)
    u, w = ranking.utilities, ranking.weights
    m = u.shape[0]
    active = w > 0
    alpha = w[active] * (1.0 / spread**2 - 1.0)
    rng = np.random.default_rng(seed)
    # Identical ideas tie in every draw; ranking each distinct score profile once makes them
    # share the rank exactly. Distinct profiles tie with probability zero under continuous
    # weights, so a plain (unstable) sort is safe.
    profiles, group = np.unique(u[:, active], axis=0, return_inverse=True)
    group = group.ravel()
    sizes = np.bincount(group).astype(np.int64)
    g = profiles.shape[0]
    profiles_t = np.ascontiguousarray(profiles.T)
    counts = np.zeros(g * m, dtype=np.int64)
    # Draws are processed in cache-sized chunks; the loop runs over draws, never over ideas.
    chunk = max(1, (1 << 19) // max(g, 1))
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        drawn = rng.dirichlet(alpha, size=size)
        order = np.argsort(drawn @ -profiles_t, axis=1)
        # The rank of the profile at each position is 1 + the ideas in better profiles.
        first = np.cumsum(sizes[order], axis=1) - sizes[order]
        counts += np.bincount((order * m + first).ravel(), minlength=g * m)
        done += size
    acceptability: FloatArray = counts.reshape(g, m)[group] / samples
    return acceptability
