"""Value types of the scoring engine: inputs the portal builds and results it renders.

Results are frozen; the arrays they hold are made read-only, so a result that was shown to the board
cannot change afterwards. Result types that hold arrays compare by identity (``eq=False``) because
NumPy arrays have no single truth value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt

from scoring._errors import InvalidParameter

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]


ArrayT = TypeVar("ArrayT", bound=npt.NDArray[Any])


def freeze(array: ArrayT) -> ArrayT:
    """Return ``array`` made read-only; copy it first if it shares memory with another array."""
    if array.base is not None:
        array = array.copy()
    array.setflags(write=False)
    return array


@dataclass(frozen=True, slots=True)
class Scale:
    """An anchored rating scale of one criterion, for example 0…4 or 1…5.

    ``low`` is the worst anchor and ``high`` the best; for a cost criterion the engine reverses the
    direction, so the anchors keep their printed meaning ("0 = no cost, 4 = very high cost").
    """

    low: float
    high: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.low) and math.isfinite(self.high)):
            raise InvalidParameter(
                f"A rating scale needs finite end points, got {self.low}…{self.high}.",
                hint="Give the lowest and highest anchor of the scale, for example Scale(0, 4).",
            )
        if not self.low < self.high:
            raise InvalidParameter(
                f"A rating scale must run from a lower to a higher anchor, got {self.low}…"
                f"{self.high}.",
                hint="Swap the two numbers; the direction (benefit or cost) is set separately.",
            )

    @property
    def span(self) -> float:
        """Return the distance between the two anchors."""
        return self.high - self.low


@dataclass(frozen=True, slots=True, eq=False)
class Ranking:
    """The weighted-sum ranking of the ideas with everything needed to explain it.

    Attributes:
        scores: the total score of each idea, 0…1 (1 = best anchor on every criterion).
        ranks: 1 = best; ideas with equal scores share the rank ("1, 2, 2, 4").
        contributions: ideas × criteria; weight × normalised score, each row sums to the score.
        utilities: ideas × criteria; each score mapped to 0…1 on its criterion's anchored scale,
            cost criteria reversed.
        weights: the weights as used, rescaled to sum to 1.
        order: the ideas from best to worst (ties in input order).
    """

    scores: FloatArray
    ranks: IntArray
    contributions: FloatArray
    utilities: FloatArray
    weights: FloatArray
    order: IntArray


@dataclass(frozen=True, slots=True)
class Judgment:
    """One pairwise judgment of an AHP matrix and what changing it would do.

    Attributes:
        row, column: the judgment ``a[row][column]`` ("row is ``value`` times as important as
            column"); the reciprocal ``a[column][row]`` changes with it.
        value: the judgment as given.
        suggested: the value of this judgment, on Saaty's scale 1/9 … 9, that makes the matrix
            most consistent, all other judgments kept.
        cr_after: the consistency ratio with ``suggested`` in place of ``value``.
    """

    row: int
    column: int
    value: float
    suggested: float
    cr_after: float


@dataclass(frozen=True, slots=True, eq=False)
class AhpResult:
    """Priority weights from a pairwise comparison matrix, with its consistency.

    Attributes:
        weights: the principal right eigenvector, scaled to sum to 1.
        lambda_max: the principal eigenvalue λmax (n for a perfectly consistent matrix).
        ci: the consistency index (λmax − n) / (n − 1).
        cr: the consistency ratio CI / RI; 0 for n ≤ 2. Saaty accepts CR ≤ 0.10.
        ri: the random index used (0 for n ≤ 2).
        completed: the full matrix; missing judgments filled by the λmax-minimal completion.
        filled: the positions ``(i, j)`` with ``i < j`` that were missing and have been filled.
        most_inconsistent: the given judgment whose change would lower λmax the most, or ``None``
            when the matrix is consistent or has no judgment that can be changed on its own.
    """

    weights: FloatArray
    lambda_max: float
    ci: float
    cr: float
    ri: float
    completed: FloatArray
    filled: tuple[tuple[int, int], ...]
    most_inconsistent: Judgment | None


@dataclass(frozen=True, slots=True, eq=False)
class AggregatedScores:
    """The assessors' scores combined per idea and criterion, with how many scores there were.

    Attributes:
        scores: ideas × criteria; the combined score, NaN where fewer than ``min_scores``
            assessors scored that idea on that criterion.
        counts: ideas × criteria; how many assessors scored each cell.
        rankable: per idea, ``True`` when every criterion has at least ``min_scores`` scores.
        too_few: the ideas that are not rankable, in index order. The portal must show them as
            "not enough scores" instead of ranking them; ``scores[rankable]`` is safe to rank.
        method: ``"mean"``, ``"median"`` or ``"trimmed-mean"``.
        min_scores: the least number of scores a cell needs.
    """

    scores: FloatArray
    counts: IntArray
    rankable: BoolArray
    too_few: tuple[int, ...]
    method: str
    min_scores: int


@dataclass(frozen=True, slots=True)
class WeightInterval:
    """The range of one criterion's weight within which the ranking of the top ideas holds.

    While the weight moves, the other weights are rescaled proportionally so that all still sum
    to 1. At ``lower`` or ``upper`` two ideas tie; beyond it their order changes (or an idea
    enters the top). ``lower`` may be 0 and ``upper`` may be 1 when no change is possible.
    """

    criterion: int
    lower: float
    upper: float
    current: float


@dataclass(frozen=True, slots=True)
class SwapPoint:
    """The smallest single-weight change that makes two neighbouring ideas swap places.

    Attributes:
        above, below: the ideas, ``above`` ranked directly before ``below``.
        criterion: the criterion whose weight has to change, ``None`` if no single weight
            between 0 and 1 swaps them (``below`` is then dominated by ``above``).
        weight: the weight of ``criterion`` at which the two tie, others rescaled
            proportionally.
        change: ``weight`` minus the current weight (negative: lower that weight).
    """

    above: int
    below: int
    criterion: int | None
    weight: float | None
    change: float | None


@dataclass(frozen=True, slots=True, eq=False)
class WeightStability:
    """How robust the weighted-sum ranking is against changing one criterion weight.

    Attributes:
        top: how many leading ideas the intervals protect (their order and membership).
        intervals: one per criterion.
        swaps: one per adjacent pair among the first ``top + 1`` ideas, best first.
        swap_weights: pairs × criteria; the weight of each criterion at which each pair of
            ``swaps`` ties, NaN where that criterion alone cannot swap the pair.
    """

    top: int
    intervals: tuple[WeightInterval, ...]
    swaps: tuple[SwapPoint, ...]
    swap_weights: FloatArray


@dataclass(frozen=True, slots=True)
class BlockedIdea:
    """An idea left out of the portfolio and the limits it would break if it were added.

    ``resources`` lists the resource indices that adding the idea (together with its missing
    prerequisites) would exceed.
    """

    idea: int
    resources: tuple[int, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Portfolio:
    """The set of ideas with the highest total value that fits every limit.

    Attributes:
        selected: indices of the chosen ideas, ascending.
        total_value: the sum of their values.
        used: per resource, the amount the selection uses.
        capacities: per resource, the limit.
        slack: per resource, ``capacities - used``.
        binding: the resources that keep a further idea out (some left-out idea with positive
            value would exceed them); raising these limits is what could add value.
        blocked: every left-out idea with positive value and the limits it would break.
        optimal: whether the solver proved that no set is worth more (always, unless a time
            limit stopped it first).
        bound: the most any set can be worth, as the solver proved it; equals ``total_value``
            (up to the value steps) when ``optimal``.
        gap: ``(bound - total_value) / bound``, the share of value the set may at most fall
            short of the best (0 when ``optimal``).
    """

    selected: tuple[int, ...]
    total_value: float
    used: FloatArray
    capacities: FloatArray
    slack: FloatArray
    binding: tuple[int, ...]
    blocked: tuple[BlockedIdea, ...]
    optimal: bool = True
    bound: float = 0.0
    gap: float = 0.0
