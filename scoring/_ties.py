"""The engine's one tie rule, shared by every ranking and every comparison of results.

Two results tie when they differ by at most ``TIE_TOLERANCE`` times the span of their scale: scores
of the weighted sum live on 0…1, so scores within 10⁻⁹ of each other share a rank. Floating-point
rounding (about 10⁻¹⁶ per operation) stays far below that, and no board can defend an order that
rests on a billionth of the scale, so recomputing a ranking in a spreadsheet gives the same ranks.
"""

from __future__ import annotations

import numpy as np

from scoring._types import BoolArray, FloatArray, IntArray

#: Results closer than this share of their scale's span are tied (see ``scoring/README.md``).
TIE_TOLERANCE = 1e-9


def without_ties(differences: FloatArray, span: float = 1.0) -> FloatArray:
    """Return ``differences`` with every value that counts as a tie set to exactly 0."""
    return np.where(np.abs(differences) <= TIE_TOLERANCE * span, 0.0, differences)


def group_starts(ordered: FloatArray, span: float = 1.0) -> BoolArray:
    """Mark, along the last axis of values sorted from best to worst, where a new tie group starts.

    A group continues while each value lies within the tolerance of the one before it, so a rank
    boundary always means a gap larger than the tolerance: two values within it are never split.
    """
    starts = np.ones(ordered.shape, dtype=bool)
    np.greater(ordered[..., :-1] - ordered[..., 1:], TIE_TOLERANCE * span, out=starts[..., 1:])
    return starts


def competition_ranks(scores: FloatArray, span: float = 1.0) -> tuple[IntArray, IntArray]:
    """Return (ranks, order) for scores where higher is better; tied scores share the best rank.

    ``order`` lists the indices from best to worst, tied ideas in input order ("1, 2, 2, 4").
    """
    order = np.argsort(-scores, kind="stable")
    starts = group_starts(scores[order], span)
    positions = np.arange(order.shape[0])
    first = np.maximum.accumulate(np.where(starts, positions, 0))
    ranks = np.empty(order.shape[0], dtype=np.int64)
    ranks[order] = first + 1
    # Equal scores are already in input order; a group whose scores differ by less than the
    # tolerance may not be, and is then listed by index.
    if (np.diff(order)[~starts[1:]] < 0).any():
        order = np.argsort(ranks, kind="stable")
    return ranks, order.astype(np.int64)
