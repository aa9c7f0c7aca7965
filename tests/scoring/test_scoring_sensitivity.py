"""Weight stability intervals, swap points and SMAA rank acceptability."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    TIE_TOLERANCE,
    InvalidParameter,
    Scale,
    rank_acceptability,
    weight_stability,
    weighted_sum,
)

MATRIX = np.array([[4, 1, 2], [2, 4, 2], [3, 3, 0], [1, 2, 4], [0, 0, 1]], dtype=float)
WEIGHTS = np.array([0.5, 0.3, 0.2])


def moved(weights: np.ndarray, criterion: int, value: float) -> np.ndarray:
    """Set one weight and rescale the others proportionally, as the engine does (equally when
    the others are all 0)."""
    weights = weights / weights.sum()
    others = np.delete(np.arange(weights.size), criterion)
    rest = weights[others].sum()
    result = np.empty_like(weights)
    result[criterion] = value
    shares = weights[others] / rest if rest > 0 else np.full(others.size, 1 / others.size)
    result[others] = shares * (1 - value)
    return result


def order(weights: np.ndarray) -> list[int]:
    return weighted_sum(MATRIX, weights, True, scales=Scale(0, 4)).order.tolist()


def test_intervals_are_exact() -> None:
    """At each limit two ideas tie; just beyond it the protected order changes."""
    stability = weight_stability(MATRIX, WEIGHTS, True, scales=Scale(0, 4), top=3)
    current = order(WEIGHTS)[:3]
    for interval in stability.intervals:
        k = interval.criterion
        assert interval.lower <= interval.current <= interval.upper
        assert interval.current == pytest.approx(WEIGHTS[k])
        for t in np.linspace(interval.lower, interval.upper, 7)[1:-1]:
            assert order(moved(WEIGHTS, k, t))[:3] == current
        if interval.lower > 0:
            assert order(moved(WEIGHTS, k, interval.lower - 1e-6))[:3] != current
        if interval.upper < 1:
            assert order(moved(WEIGHTS, k, interval.upper + 1e-6))[:3] != current


def test_swap_points_make_neighbours_tie() -> None:
    stability = weight_stability(MATRIX, WEIGHTS, True, scales=Scale(0, 4))
    ranking = order(WEIGHTS)
    assert [(s.above, s.below) for s in stability.swaps] == list(itertools.pairwise(ranking))
    assert stability.swap_weights.shape == (4, 3)
    for swap in stability.swaps:
        if swap.criterion is None:
            continue
        assert swap.weight is not None
        assert swap.change is not None
        assert swap.change == pytest.approx(swap.weight - WEIGHTS[swap.criterion])
        scores = weighted_sum(
            MATRIX, moved(WEIGHTS, swap.criterion, swap.weight), True, scales=Scale(0, 4)
        ).scores
        assert scores[swap.above] == pytest.approx(scores[swap.below], abs=1e-12)
        # No other criterion swaps the pair with a smaller change.
        finite = np.isfinite(stability.swap_weights[stability.swaps.index(swap)])
        changes = np.abs(stability.swap_weights[stability.swaps.index(swap)] - WEIGHTS)[finite]
        assert abs(swap.change) == pytest.approx(changes.min())


def test_dominated_pair_cannot_swap() -> None:
    stability = weight_stability([[4, 4], [1, 1]], [1, 1], True, scales=Scale(0, 4))
    assert stability.swaps[0].criterion is None
    assert stability.intervals[0].lower == 0.0
    assert stability.intervals[0].upper == 1.0


def test_single_criterion_cannot_be_reweighted() -> None:
    stability = weight_stability([[1], [3], [2]], [1], True, scales=Scale(0, 4))
    assert stability.intervals[0].lower == stability.intervals[0].upper == 1.0
    assert [s.criterion for s in stability.swaps] == [None, None]


def test_top_validation() -> None:
    with pytest.raises(InvalidParameter, match="top"):
        weight_stability(MATRIX, WEIGHTS, True, scales=Scale(0, 4), top=0)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 4))
def test_intervals_hold_on_random_rounds(seed: int, top: int) -> None:
    rng = np.random.default_rng(seed)
    matrix = rng.integers(0, 5, (8, 4)).astype(float)
    weights = rng.dirichlet(np.ones(4))
    stability = weight_stability(matrix, weights, True, scales=Scale(0, 4), top=top)
    base = weighted_sum(matrix, weights, True, scales=Scale(0, 4))
    leaders = base.order[: stability.top]
    for interval in stability.intervals:
        for t in np.linspace(interval.lower, interval.upper, 5)[1:-1]:
            scores = weighted_sum(
                matrix, moved(weights, interval.criterion, t), True, scales=Scale(0, 4)
            ).scores
            # The leaders keep their order (ties allowed) and nobody outside overtakes them.
            assert (np.diff(scores[leaders]) <= 1e-9).all()
            outside = np.setdiff1d(np.arange(8), leaders)
            if outside.size:
                assert scores[leaders[-1]] >= scores[outside].max() - 1e-9


def test_rank_acceptability_is_a_probability_table_and_reproducible() -> None:
    first = rank_acceptability(
        MATRIX, WEIGHTS, True, scales=Scale(0, 4), spread=0.2, samples=2000, seed=7
    )
    again = rank_acceptability(
        MATRIX, WEIGHTS, True, scales=Scale(0, 4), spread=0.2, samples=2000, seed=7
    )
    other = rank_acceptability(
        MATRIX, WEIGHTS, True, scales=Scale(0, 4), spread=0.2, samples=2000, seed=8
    )
    assert first.shape == (5, 5)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    np.testing.assert_allclose(first.sum(axis=1), 1.0)
    np.testing.assert_allclose(first.sum(axis=0), 1.0)
    # Idea 4 is dominated by every other idea: always last.
    assert first[4, 4] == 1.0


def test_small_spread_reproduces_the_board_ranking() -> None:
    table = rank_acceptability(
        MATRIX, WEIGHTS, True, scales=Scale(0, 4), spread=0.001, samples=500, seed=1
    )
    ranking = order(WEIGHTS)
    for position, idea in enumerate(ranking):
        assert table[idea, position] == pytest.approx(1.0)


def test_identical_ideas_share_their_rank() -> None:
    matrix = np.vstack([MATRIX, MATRIX[1]])
    table = rank_acceptability(
        matrix, WEIGHTS, True, scales=Scale(0, 4), spread=0.3, samples=1000, seed=3
    )
    np.testing.assert_array_equal(table[1], table[5])
    np.testing.assert_allclose(table.sum(axis=1), 1.0)


def test_zero_weights_stay_zero() -> None:
    table = rank_acceptability(
        [[4, 0], [0, 4]], [1, 0], True, scales=Scale(0, 4), spread=0.5, samples=300, seed=2
    )
    assert table[0, 0] == 1.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"spread": 0.0}, "spread"), ({"spread": 1.0}, "spread"), ({"samples": 0}, "samples")],
)
def test_rank_acceptability_validation(kwargs: dict[str, float], message: str) -> None:
    arguments = {"spread": 0.1, "samples": 10} | kwargs
    with pytest.raises(InvalidParameter, match=message):
        rank_acceptability(
            MATRIX,
            WEIGHTS,
            True,
            scales=Scale(0, 4),
            spread=arguments["spread"],
            samples=int(arguments["samples"]),
            seed=1,
        )


# --- ties and exact limits ----------------------------------------------------------------


def test_tied_ideas_set_no_spurious_limit() -> None:
    """Ideas 1 and 3 tie at 0.4 whatever the weight of criterion 0; the exact lower limit is
    1/3, where idea 3 and idea 0 tie (rounding noise of 1e-16 used to give 0.6)."""
    stability = weight_stability(
        [[1, 3, 0], [2, 1, 1], [0, 0, 4], [2, 2, 0]], [3, 1, 1], True, scales=Scale(0, 4)
    )
    assert stability.intervals[0].lower == pytest.approx(1 / 3, abs=1e-15)
    assert stability.intervals[0].upper == 1.0


def test_a_tied_dominating_idea_cannot_be_overtaken() -> None:
    stability = weight_stability([[2, 2], [2, 1]], [1, 0], True, scales=Scale(0, 4))
    assert stability.swaps[0] == (stability.swaps[0].__class__(0, 1, None, None, None))


def test_only_the_criterion_that_lets_the_tied_idea_overtake_is_named() -> None:
    stability = weight_stability([[2, 2, 1], [2, 1, 2]], [1, 0, 0], True, scales=Scale(0, 4))
    swap = stability.swaps[0]
    assert (swap.criterion, swap.weight, swap.change) == (2, 0.0, 0.0)
    assert np.isnan(stability.swap_weights[0, :2]).all()


def order_holds(matrix: np.ndarray, weights: np.ndarray, pairs: list[tuple[int, int]]) -> bool:
    scores = weighted_sum(matrix, weights, True, scales=Scale(0, 4)).scores
    return all(scores[a] - scores[b] >= -TIE_TOLERANCE for a, b in pairs)


def check_by_scanning_the_weight(seed: int) -> None:
    """Scan each weight from 0 to 1 and compare with the exact intervals and swap points."""
    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 9)), int(rng.integers(2, 5))
    matrix = rng.integers(0, 5, (m, n)).astype(float)
    if rng.random() < 0.3:
        # Duplicated ideas: ties that hold whatever the weights.
        matrix[-1] = matrix[0]
    weights = rng.dirichlet(np.ones(n)) * (rng.random(n) < 0.85)
    if weights.sum() == 0:
        weights[0] = 1.0
    weights = weights / weights.sum()
    top = int(rng.integers(1, m + 1))
    stability = weight_stability(matrix, weights, True, scales=Scale(0, 4), top=top)
    order = weighted_sum(matrix, weights, True, scales=Scale(0, 4)).order.tolist()
    leaders = order[: stability.top]
    protected = list(itertools.pairwise(leaders)) + [
        (leaders[-1], i) for i in order[len(leaders) :]
    ]
    grid = np.linspace(0.0, 1.0, 201)
    for interval in stability.intervals:
        k = interval.criterion
        assert interval.lower <= interval.current <= interval.upper
        for t in grid:
            holds = order_holds(matrix, moved(weights, k, t), protected)
            if interval.lower <= t <= interval.upper:
                assert holds, (k, t, interval)
            elif min(abs(t - interval.lower), abs(t - interval.upper)) > 1e-3:
                assert not holds, (k, t, interval)
    for index, swap in enumerate(stability.swaps):
        for k in range(n):
            tie = stability.swap_weights[index, k]
            overtaken = [
                not order_holds(matrix, moved(weights, k, t), [(swap.above, swap.below)])
                for t in grid
            ]
            if np.isnan(tie):
                assert not any(overtaken), (index, k)
                continue
            between = (grid - tie) * (grid - weights[k]) <= 0
            beyond = ((grid - tie) * (tie - weights[k]) > 0) & (np.abs(grid - tie) > 1e-3)
            assert not any(np.array(overtaken)[between])
            assert np.array(overtaken)[beyond].any() or not beyond.any()
            assert np.array(overtaken)[[0, -1]].any()


@pytest.mark.parametrize("seed", range(15))
def test_intervals_and_swaps_match_a_scan_of_the_weight(seed: int) -> None:
    check_by_scanning_the_weight(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(15, 400))
def test_intervals_and_swaps_match_a_scan_of_the_weight_many_rounds(seed: int) -> None:
    check_by_scanning_the_weight(seed)


def test_rank_acceptability_applies_the_tie_rule() -> None:
    """Two ideas whose scores differ by less than the tolerance share their rank in every
    draw, like in the weighted sum."""
    matrix = np.array([[0.5, 0.5], [0.5 + 1e-11, 0.5], [0.2, 0.9]])
    table = rank_acceptability(
        matrix, [1, 1], True, scales=Scale(0, 1), spread=0.3, samples=500, seed=4
    )
    np.testing.assert_array_equal(table[0], table[1])
    # Either both come first, and idea 2 third, or idea 2 first and both second.
    assert table[0, 2] == table[2, 1] == 0.0
    assert 0 < table[2, 0] < 1
    assert table[0, 0] + table[0, 1] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"seed": None}, "seed must be a whole number"),
        ({"seed": -1}, "seed must be a whole number"),
        ({"spread": "0.1"}, "spread must be a number"),
        ({"samples": 10.0}, "samples must be a whole number"),
        ({"spread": 1e-200}, "too small"),
    ],
)
def test_rank_acceptability_refuses_what_would_not_reproduce(
    kwargs: dict[str, object], message: str
) -> None:
    arguments: dict[str, object] = {"spread": 0.1, "samples": 10, "seed": 1} | kwargs
    with pytest.raises(InvalidParameter, match=message) as error:
        rank_acceptability(MATRIX, WEIGHTS, True, scales=Scale(0, 4), **arguments)  # type: ignore[arg-type]
    assert error.value.hint


def test_whole_numbers_of_numpy_are_accepted() -> None:
    table = rank_acceptability(
        MATRIX, WEIGHTS, True, scales=Scale(0, 4), spread=np.float32(0.2), samples=np.int64(50),
        seed=np.int64(3),
    )  # fmt: skip
    assert table.shape == (5, 5)
    assert weight_stability(MATRIX, WEIGHTS, True, scales=Scale(0, 4), top=np.int64(2)).top == 2
