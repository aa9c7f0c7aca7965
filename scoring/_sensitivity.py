"""How much the weighted-sum ranking depends on the board's weights."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from scoring._errors import InvalidParameter
from scoring._mcda import weighted_sum
from scoring._ties import TIE_TOLERANCE, group_starts, without_ties
from scoring._types import (
    FloatArray,
    IntArray,
    Scale,
    SwapPoint,
    WeightInterval,
    WeightStability,
    freeze,
)
from scoring._validate import Directions, real_number, whole_number


def _rescaled_weights(w: FloatArray) -> FloatArray:
    """Return P with P[j, k] the weight of criterion j ≠ k once criterion k's weight is 0.

    With weight t on criterion k and the others rescaled proportionally to share 1 − t, idea i
    scores t · u_ik + (1 − t) · (u @ P)[i, k]: a straight line in t, so every crossing is exact.
    Each column is divided by its own sum of the other weights rather than by 1 − w_k, which
    loses digits when w_k is close to 1.
    """
    n = w.shape[0]
    others = np.where(np.eye(n, dtype=bool), 0.0, w[:, None])
    totals = others.sum(axis=0)
    # A criterion holding all the weight has no others to rescale; lowering it then spreads the
    # freed weight equally over the remaining criteria.
    equal = np.where(np.eye(n, dtype=bool), 0.0, 1.0 / max(n - 1, 1))
    shares: FloatArray = np.where(totals > 0, others / np.where(totals > 0, totals, 1.0), equal)
    return shares


def _ends(
    u: FloatArray, shares: FloatArray, ahead: IntArray, behind: IntArray
) -> tuple[FloatArray, FloatArray]:
    """Return the score lead of ``ahead`` over ``behind`` at weight 0 and 1, per pair × criterion.

    Between the two ends the lead is linear in the weight: (1 − t) · at_zero + t · at_one. Leads
    within the tie tolerance are exactly 0, so tied ideas never produce a spurious limit.
    """
    differences = u[ahead] - u[behind]
    return without_ties(differences @ shares), without_ties(differences)


def _limits(
    at_zero: FloatArray, at_one: FloatArray, w: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Return, per pair × criterion, the weights below and above which ``behind`` gets ahead.

    -inf or +inf where it never does on that side. A pair tied at the current weight is limited
    by the current weight itself on each side where ``behind`` would get ahead (also a pair of a
    tie group whose ends differ by more than the tolerance, see ``group_starts``).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing = at_zero / (at_zero - at_one)
    now = (1.0 - w) * at_zero + w * at_one
    crossing = np.where(now <= TIE_TOLERANCE, np.broadcast_to(w, now.shape), crossing)
    lower = np.where(at_zero < 0, crossing, -np.inf)
    upper = np.where(at_one < 0, crossing, np.inf)
    return lower, upper


def weight_stability(
    matrix: npt.ArrayLike,
    weights: npt.ArrayLike,
    benefit: Directions,
    *,
    scales: Scale | Sequence[Scale],
    top: int | None = None,
) -> WeightStability:
    """Report, per criterion, the weight range that keeps the weighted-sum top ``top`` unchanged.

    Changing one weight to t and rescaling the others proportionally makes every idea's score a
    straight line in t, so the limits are exact: the interval is where the first ``top`` ideas
    keep their order and no other idea overtakes the last of them (``top=None``: the whole
    ranking). For each adjacent pair among the first ``top + 1`` ideas it also reports the
    smallest single-weight change at which the two tie, beyond which the lower one gets ahead.
    Ties follow the engine's tie rule (``TIE_TOLERANCE``): a tie keeps the order, and two ideas
    that stay tied whatever the weight never limit it.
    """
    ranking = weighted_sum(matrix, weights, benefit, scales=scales)
    u, w, order = ranking.utilities, ranking.weights, ranking.order
    m, n = u.shape
    top = m if top is None else top
    top = min(
        whole_number(
            top,
            "top",
            minimum=1,
            hint="It is how many leading ideas must keep their places.",
        ),
        m,
    )
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
    shares = _rescaled_weights(w)

    leaders = order[:top]
    ahead = leaders[:-1]
    behind = leaders[1:]
    if top < m:
        # The last leader must stay ahead of every idea outside the top.
        outside = order[top:]
        ahead = np.concatenate([ahead, np.full(outside.shape[0], leaders[-1])])
        behind = np.concatenate([behind, outside])
    low_limits, high_limits = _limits(*_ends(u, shares, ahead, behind), w)
    low_limit = low_limits.max(axis=0, initial=-np.inf)
    high_limit = high_limits.min(axis=0, initial=np.inf)
    intervals = tuple(
        WeightInterval(
            criterion=k,
            # Adding 0.0 turns a clipped -0.0 into 0.0 for display.
            lower=float(np.clip(low_limit[k], 0.0, w[k])) + 0.0,
            upper=float(np.clip(high_limit[k], w[k], 1.0)) + 0.0,
            current=float(w[k]),
        )
        for k in range(n)
    )

    above = order[:pairs]
    below = order[1 : pairs + 1]
    lower, upper = _limits(*_ends(u, shares, above, below), w)
    # A pair can get ahead on one side only unless it is tied now; then both limits are w.
    swap_weights = np.clip(np.where(np.isfinite(lower), lower, upper), 0.0, 1.0) + 0.0
    swap_weights = np.where(np.isfinite(lower) | np.isfinite(upper), swap_weights, np.nan)
    distance = np.where(np.isnan(swap_weights), np.inf, np.abs(swap_weights - w))
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
    benefit: Directions,
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
    which idea i took rank r + 1 (tied ideas, by the engine's tie rule, share the better rank).
    ``seed`` is required so that the same input always gives the same table. Criteria with
    weight 0 stay at 0.
    """
    spread_hint = "0.1 lets a weight of 0.25 vary by about ±0.04 (one standard deviation)."
    spread = real_number(spread, "spread", hint=spread_hint)
    if not 0.0 < spread < 1.0:
        raise InvalidParameter(
            f"spread must lie strictly between 0 and 1, got {spread}.", hint=spread_hint
        )
    samples = whole_number(samples, "samples", minimum=1, hint="10,000 is typical.")
    seed = whole_number(
        seed,
        "seed",
        minimum=0,
        hint="Publish a fixed number with the result, so that anyone can reproduce the table.",
    )
    ranking = weighted_sum(matrix, weights, benefit, scales=scales)
    u, w = ranking.utilities, ranking.weights
    m = u.shape[0]
    active = w > 0
    with np.errstate(over="ignore"):
        alpha = w[active] * (np.float64(1.0) / spread) ** 2 - w[active]
    if not (np.isfinite(alpha).all() and (alpha > 0).all()):
        raise InvalidParameter(
            f"spread {spread} is too small to vary weights as small as {w[active].min():g}.",
            hint="Use a spread of at least 1e-6; smaller ones leave the board's weights as "
            "they are.",
        )
    rng = np.random.default_rng(seed)
    # Identical ideas tie in every draw; ranking each distinct score profile once keeps the
    # sort small. Other profiles tie in a draw when their scores fall within the tolerance.
    profiles, group = np.unique(u[:, active], axis=0, return_inverse=True)
    group = group.ravel()
    sizes = np.bincount(group).astype(np.int64)
    g = profiles.shape[0]
    # Negated, so that an ascending sort lists the best first.
    negated_t = np.ascontiguousarray(-profiles.T)
    counts = np.zeros(g * m, dtype=np.int64)
    # Draws are processed in chunks of about 2^16 scores, whose arrays stay in the processor's
    # cache through every step (eight times larger chunks took twice as long); the loop runs
    # over draws, never over ideas.
    chunk = max(1, (1 << 16) // g)
    # The (profile, rank) cells of many chunks are counted at once: counting into the g × m
    # table costs a pass over all of it, which for 2,000 ideas (4 million cells) took longer
    # than sorting a chunk's few draws.
    pending: list[IntArray] = []
    waiting = 0
    done = 0
    while done < samples:
        size = min(chunk, samples - done)
        negated = rng.dirichlet(alpha, size=size) @ negated_t
        order = np.argsort(negated, axis=1)
        # The rank of a profile is 1 + the ideas in better tie groups.
        sizes_in_order = sizes[order]
        before = np.cumsum(sizes_in_order, axis=1) - sizes_in_order
        starts = group_starts(-np.take_along_axis(negated, order, axis=1))
        if not starts.all():
            before = np.maximum.accumulate(np.where(starts, before, 0), axis=1)
        pending.append((order * m + before).ravel())
        waiting += order.size
        done += size
        if waiting >= g * m or done >= samples:
            counts += np.bincount(np.concatenate(pending), minlength=g * m)
            pending, waiting = [], 0
    acceptability: FloatArray = counts.reshape(g, m)[group] / samples
    return acceptability
