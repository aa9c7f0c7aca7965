"""Weighted sum, TOPSIS and PROMETHEE II against published examples and defining properties."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from pymcdm import methods as reference

from scoring import (
    TIE_TOLERANCE,
    InsufficientData,
    InvalidMatrix,
    InvalidParameter,
    InvalidWeights,
    Scale,
    promethee_ii,
    rank_scores,
    topsis,
    weighted_sum,
)

# Hwang & Yoon (1981), Multiple Attribute Decision Making, the fighter aircraft example:
# maximum speed, ferry range, maximum payload, acquisition cost (a cost), reliability,
# manoeuvrability; weights 0.2, 0.1, 0.1, 0.1, 0.2, 0.3.
AIRCRAFT = np.array(
    [
        [2.0, 1500, 20000, 5.5, 5, 9],
        [2.5, 2700, 18000, 6.5, 3, 5],
        [1.8, 2000, 21000, 4.5, 7, 7],
        [2.2, 1800, 20000, 5.0, 5, 5],
    ]
)
AIRCRAFT_WEIGHTS = [0.2, 0.1, 0.1, 0.1, 0.2, 0.3]
AIRCRAFT_BENEFIT = [True, True, True, False, True, True]


# --- weighted sum -------------------------------------------------------------------------


def test_weighted_sum_worked_example() -> None:
    """Three ideas, scales 0…4 (benefit) and 1…5 (cost), weights 3 : 1.

    Idea 0: u = (4/4, 1 − 2/4) = (1, 0.5)   → 0.75·1 + 0.25·0.5  = 0.875
    Idea 1: u = (2/4, 1 − 0/4) = (0.5, 1)   → 0.75·0.5 + 0.25·1  = 0.625
    Idea 2: u = (3/4, 1 − 4/4) = (0.75, 0)  → 0.75·0.75          = 0.5625
    """
    ranking = weighted_sum(
        [[4, 3], [2, 1], [3, 5]], [3, 1], [True, False], scales=[Scale(0, 4), Scale(1, 5)]
    )
    np.testing.assert_allclose(ranking.scores, [0.875, 0.625, 0.5625])
    np.testing.assert_allclose(ranking.weights, [0.75, 0.25])
    np.testing.assert_allclose(ranking.utilities, [[1, 0.5], [0.5, 1], [0.75, 0]])
    np.testing.assert_allclose(ranking.contributions, [[0.75, 0.125], [0.375, 0.25], [0.5625, 0]])
    assert ranking.ranks.tolist() == [1, 2, 3]
    assert ranking.order.tolist() == [0, 1, 2]


def test_weighted_sum_ties_share_the_rank() -> None:
    ranking = weighted_sum([[1, 3], [3, 1], [4, 4], [0, 0]], [1, 1], True, scales=Scale(0, 4))
    assert ranking.ranks.tolist() == [2, 2, 1, 4]
    assert ranking.order.tolist() == [2, 0, 1, 3]


def test_weighted_sum_results_are_read_only() -> None:
    ranking = weighted_sum([[1, 2]], [1, 1], True, scales=Scale(0, 4))
    with pytest.raises(ValueError, match="read-only"):
        ranking.scores[0] = 1.0


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"matrix": [[5, 1]]}, InvalidMatrix, "outside its scale"),
        ({"matrix": [[np.nan, 1]]}, InvalidMatrix, "no valid score"),
        ({"matrix": [1, 2]}, InvalidMatrix, "ideas \\(rows\\)"),
        ({"weights": [1]}, InvalidWeights, "2 criteria but 1 weights"),
        ({"weights": [0, 0]}, InvalidWeights, "above 0"),
        ({"weights": [-1, 2]}, InvalidWeights, "at least 0"),
        ({"benefit": [True, -1]}, InvalidParameter, "direction -1 of criterion 1"),
        ({"scales": [Scale(0, 4)]}, InvalidParameter, "one Scale"),
    ],
)
def test_weighted_sum_explains_invalid_input(
    kwargs: dict[str, object], error: type[Exception], message: str
) -> None:
    arguments: dict[str, object] = {
        "matrix": [[1, 2]],
        "weights": [1, 1],
        "benefit": [True, False],
        "scales": Scale(0, 4),
    }
    arguments.update(kwargs)
    with pytest.raises(error, match=message):
        weighted_sum(
            arguments["matrix"],  # type: ignore[arg-type]
            arguments["weights"],  # type: ignore[arg-type]
            arguments["benefit"],  # type: ignore[arg-type]
            scales=arguments["scales"],  # type: ignore[arg-type]
        )


def test_scale_rejects_reversed_anchors() -> None:
    with pytest.raises(InvalidParameter, match="lower to a higher"):
        Scale(4, 0)


scores_matrices = hnp.arrays(
    np.float64,
    st.tuples(st.integers(2, 12), st.integers(1, 6)),
    elements=st.integers(0, 4).map(float),
)


@settings(max_examples=80, deadline=None)
@given(scores_matrices, st.data())
def test_weighted_sum_properties(matrix: np.ndarray, data: st.DataObject) -> None:
    """Weights sum to 1, contributions sum to the score, ranks ignore the scale of the weights."""
    n = matrix.shape[1]
    weights = np.array(data.draw(st.lists(st.floats(0.01, 10), min_size=n, max_size=n)))
    benefit = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    factor = data.draw(st.floats(0.01, 1000))
    ranking = weighted_sum(matrix, weights, benefit, scales=Scale(0, 4))
    assert ranking.weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(ranking.contributions.sum(axis=1), ranking.scores)
    scaled = weighted_sum(matrix, weights * factor, benefit, scales=Scale(0, 4))
    assert scaled.ranks.tolist() == ranking.ranks.tolist()


@settings(max_examples=80, deadline=None)
@given(scores_matrices, st.data())
def test_dominated_idea_never_ranks_above_its_dominator(
    matrix: np.ndarray, data: st.DataObject
) -> None:
    m, n = matrix.shape
    weights = np.array(data.draw(st.lists(st.floats(0.0, 10), min_size=n, max_size=n)))
    assume(weights.sum() > 0)
    benefit = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    better = np.where(benefit, matrix, 4 - matrix)
    ranking = weighted_sum(matrix, weights, benefit, scales=Scale(0, 4))
    for a in range(m):
        dominated = (better[a] >= better).all(axis=1)
        assert (ranking.ranks[a] <= ranking.ranks[dominated]).all()


# --- TOPSIS -------------------------------------------------------------------------------


def test_topsis_hwang_yoon_1981_fighter_aircraft() -> None:
    """Hwang & Yoon (1981), fighter aircraft example, vector normalisation: relative closeness
    C* = 0.643, 0.268, 0.614, 0.312, so A1 > A3 > A4 > A2."""
    closeness = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT)
    np.testing.assert_allclose(closeness, [0.643, 0.268, 0.614, 0.312], atol=5e-4)


def test_topsis_opricovic_tzeng_2004_minmax() -> None:
    """Opricovic & Tzeng (2004), EJOR 156:445-455, numerical example (criterion 1 a cost,
    criterion 2 a benefit, equal weights), linear (min-max) normalisation: C = 0.500, 0.617,
    0.500 as reproduced in the pymcdm test suite."""
    matrix = np.array([[1, 3000], [2, 3750], [5, 4500]])
    closeness = topsis(matrix, [0.5, 0.5], [False, True], normalization="minmax")
    np.testing.assert_allclose(closeness, [0.500, 0.617, 0.500], atol=5e-4)


@pytest.mark.parametrize(
    ("normalization", "function"), [("vector", "vector"), ("minmax", "minmax")]
)
def test_topsis_matches_pymcdm(normalization: str, function: str) -> None:
    from pymcdm import normalizations

    rng = np.random.default_rng(11)
    matrix = rng.uniform(1, 100, (40, 6))
    weights = rng.dirichlet(np.ones(6))
    benefit = np.array([True, False, True, True, False, True])
    expected = reference.TOPSIS(getattr(normalizations, f"{function}_normalization"))(
        matrix, weights, np.where(benefit, 1, -1)
    )
    np.testing.assert_allclose(
        topsis(matrix, weights, benefit, normalization=normalization), expected, rtol=1e-10
    )


def test_topsis_rejects_what_it_cannot_rank() -> None:
    with pytest.raises(InsufficientData, match="do not differ"):
        topsis([[1, 2], [1, 2]], [1, 1], True)
    with pytest.raises(InvalidMatrix, match="at least 0"):
        topsis([[1, -2], [2, 3]], [1, 1], True)
    with pytest.raises(InvalidMatrix, match="no valid score"):
        topsis([[1, np.nan], [2, 3]], [1, 1], True)
    with pytest.raises(InvalidParameter, match="normalisation"):
        topsis([[1, 2], [2, 3]], [1, 1], True, normalization="sum")
    # A negative criterion is fine with min-max normalisation.
    assert topsis([[1, -2], [2, 3]], [1, 1], True, normalization="minmax")[1] == 1.0


@settings(max_examples=60, deadline=None)
@given(scores_matrices.map(lambda m: m + 1.0), st.floats(0.01, 100))
def test_topsis_ignores_the_scale_of_the_weights(matrix: np.ndarray, factor: float) -> None:
    assume(matrix.shape[0] >= 2 and (matrix != matrix[0]).any())
    weights = np.linspace(1, 2, matrix.shape[1])
    np.testing.assert_allclose(
        topsis(matrix, weights * factor, True), topsis(matrix, weights, True), atol=1e-12
    )


# --- PROMETHEE II -------------------------------------------------------------------------


def test_promethee_ii_zhao_peng_li_2013() -> None:
    """Zhao, Peng & Li (2013), "Revised PROMETHEE II for improving efficiency in emergency
    response", Procedia Computer Science 17:181-188: usual criterion, weights 0.5, 0.3, 0.2,
    net flows 0.1, −0.3, 0.2."""
    matrix = [[4, 3, 2], [3, 2, 4], [5, 1, 3]]
    flows = promethee_ii(matrix, [0.5, 0.3, 0.2], True)
    np.testing.assert_allclose(flows, [0.1, -0.3, 0.2], atol=1e-12)


def brute_force_promethee(
    matrix: np.ndarray, weights: np.ndarray, benefit: np.ndarray, prefer: list
) -> np.ndarray:
    """Brans & Vincke (1985), written pair by pair as in the paper."""
    m, n = matrix.shape
    w = weights / weights.sum()
    pi = np.zeros((m, m))
    for a in range(m):
        for b in range(m):
            for j in range(n):
                d = matrix[a, j] - matrix[b, j]
                if not benefit[j]:
                    d = -d
                pi[a, b] += w[j] * prefer[j](d)
    return (pi.sum(axis=1) - pi.sum(axis=0)) / (m - 1)


def test_promethee_ii_all_six_preference_functions_follow_brans_vincke() -> None:
    """Brans & Vincke (1985), Management Science 31(6):647-656, the six generalised criteria."""
    rng = np.random.default_rng(3)
    matrix = np.round(rng.uniform(0, 20, (9, 6)), 1)
    weights = rng.dirichlet(np.ones(6))
    benefit = np.array([True, False, True, True, False, True])
    kinds = ["usual", "u-shape", "v-shape", "level", "linear", "gaussian"]
    q = [None, 2.0, None, 1.5, 1.0, None]
    p = [None, None, 6.0, 5.0, 7.0, None]
    s = [None, None, None, None, None, 3.0]

    def level(d: float) -> float:
        return 0.0 if d <= 1.5 else 0.5 if d <= 5.0 else 1.0

    prefer = [
        lambda d: float(d > 0),
        lambda d: float(d > 2.0),
        lambda d: 0.0 if d <= 0 else min(d / 6.0, 1.0),
        level,
        lambda d: 0.0 if d <= 1.0 else min((d - 1.0) / 6.0, 1.0),
        lambda d: 0.0 if d <= 0 else 1 - np.exp(-(d**2) / (2 * 9.0)),
    ]
    flows = promethee_ii(matrix, weights, benefit, preference=kinds, q=q, p=p, s=s)
    np.testing.assert_allclose(
        flows, brute_force_promethee(matrix, weights, benefit, prefer), atol=1e-12
    )
    assert flows.sum() == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("ours", "theirs", "q", "p"),
    [
        ("usual", "usual", None, None),
        ("u-shape", "ushape", 2.0, None),
        ("v-shape", "vshape", None, 8.0),
        ("level", "level", 2.0, 8.0),
        ("linear", "vshape_2", 2.0, 8.0),
    ],
)
def test_promethee_ii_matches_pymcdm(
    ours: str, theirs: str, q: float | None, p: float | None
) -> None:
    rng = np.random.default_rng(17)
    matrix = np.round(rng.uniform(0, 30, (25, 4)), 1)
    weights = rng.dirichlet(np.ones(4))
    benefit = np.array([True, False, True, False])
    body = reference.PROMETHEE_II(
        theirs, q=None if q is None else [q] * 4, p=None if p is None else [p] * 4
    )
    expected = body(matrix, weights, np.where(benefit, 1, -1))
    np.testing.assert_allclose(
        promethee_ii(matrix, weights, benefit, preference=ours, q=q, p=p), expected, atol=1e-12
    )


def test_promethee_ii_blocks_give_the_same_flows(monkeypatch: pytest.MonkeyPatch) -> None:
    """Large rounds are computed in blocks of rows; the blocks must not change the result."""
    rng = np.random.default_rng(2)
    matrix = rng.uniform(0, 1, (300, 3))
    whole = promethee_ii(matrix, [1, 1, 2], True, preference="linear", q=0.1, p=0.3)
    monkeypatch.setattr("scoring._mcda._BLOCK_ELEMENTS", 300 * 7)
    blocked = promethee_ii(matrix, [1, 1, 2], True, preference="linear", q=0.1, p=0.3)
    np.testing.assert_allclose(blocked, whole, atol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"preference": "triangle"}, "Choose from"),
        ({"preference": "u-shape"}, "needs a valid threshold q"),
        ({"preference": "v-shape", "p": 0.0}, "needs a valid threshold p"),
        ({"preference": "gaussian", "s": -1.0}, "needs a valid threshold s"),
        ({"preference": "linear", "q": 3.0, "p": 2.0}, "must be below"),
        ({"preference": ["usual"]}, "one per criterion"),
        ({"preference": "u-shape", "q": [1.0]}, "one threshold q per criterion"),
    ],
)
def test_promethee_ii_explains_invalid_parameters(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameter, match=message):
        promethee_ii([[1, 2], [2, 1]], [1, 1], True, **kwargs)  # type: ignore[arg-type]


def test_promethee_ii_needs_two_ideas() -> None:
    with pytest.raises(InsufficientData, match="at least two"):
        promethee_ii([[1, 2]], [1, 1], True)


# --- the tie rule -------------------------------------------------------------------------


def test_a_gap_of_rounding_noise_is_a_tie_everywhere() -> None:
    """Rounding 0.5000000000015 and 0.5000000000014999 to 12 places split them; by the tie
    rule they share the rank, like the same gap anywhere else on the scale."""
    ranking = weighted_sum([[0.5000000000015], [0.5000000000014999]], [1], True, scales=Scale(0, 1))
    assert ranking.ranks.tolist() == [1, 1]


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.0, 0.99),
    st.sampled_from([0.0, 1e-16, 3e-13, 4e-10, 9e-10, 2e-9, 1e-6, 0.01]),
    st.booleans(),
)
def test_ties_depend_on_the_gap_only(base: float, gap: float, reverse: bool) -> None:
    high = base + gap
    matrix = [[base], [high]] if reverse else [[high], [base]]
    ranks = weighted_sum(matrix, [1], True, scales=Scale(0, 1)).ranks.tolist()
    actual_gap = high - base
    assert ranks == ([1, 1] if actual_gap <= TIE_TOLERANCE else [2, 1] if reverse else [1, 2])


def test_a_chain_of_small_gaps_lists_the_group_by_index() -> None:
    ranking = weighted_sum([[0.5], [0.5 + 6e-10], [0.5 + 1.2e-9]], [1], True, scales=Scale(0, 1))
    assert ranking.ranks.tolist() == [1, 1, 1]
    assert ranking.order.tolist() == [0, 1, 2]


# --- directions and parameters are taken literally ----------------------------------------


def test_directions_are_words_or_truth_values() -> None:
    matrix = [[4, 1], [1, 4]]
    as_words = weighted_sum(matrix, [1, 1], ["benefit", "cost"], scales=Scale(0, 4))
    as_flags = weighted_sum(matrix, [1, 1], [True, False], scales=Scale(0, 4))
    np.testing.assert_array_equal(as_words.scores, as_flags.scores)
    assert weighted_sum(matrix, [1, 1], "cost", scales=Scale(0, 4)).scores.tolist() == [
        0.375,
        0.375,
    ]
    np.testing.assert_array_equal(
        topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, np.array(AIRCRAFT_BENEFIT)),
        topsis(
            AIRCRAFT, AIRCRAFT_WEIGHTS, ["cost" if not b else "benefit" for b in AIRCRAFT_BENEFIT]
        ),
    )


@pytest.mark.parametrize("benefit", ["cost ", -1, 0.5, np.nan, 1, None, [True, "yes"], {"a": 1}])
def test_anything_else_is_not_a_direction(benefit: object) -> None:
    for method in (topsis, promethee_ii):
        with pytest.raises(InvalidParameter, match="direction") as error:
            method([[1, 2], [2, 1]], [1, 1], benefit)  # type: ignore[arg-type]
        assert "benefit" in error.value.hint


@pytest.mark.parametrize("p", [2, 2.0, np.int64(2), np.float32(2), np.array(2.0), [2, 2.0]])
def test_promethee_thresholds_of_any_number_type(p: object) -> None:
    flows = promethee_ii([[1, 4], [3, 1], [2, 2]], [1, 1], True, preference="v-shape", p=p)  # type: ignore[arg-type]
    expected = promethee_ii([[1, 4], [3, 1], [2, 2]], [1, 1], True, preference="v-shape", p=2.0)
    np.testing.assert_array_equal(flows, expected)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"preference": "v-shape", "p": "2"}, "threshold p must be a number"),
        ({"preference": "v-shape", "p": True}, "threshold p must be a number"),
        ({"preference": "v-shape", "p": [2, "x"]}, "threshold p must be a number"),
        ({"preference": 3}, "one preference function"),
        ({"preference": [["usual"], "usual"]}, "one preference function"),
    ],
)
def test_promethee_refuses_parameters_of_the_wrong_kind(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidParameter, match=message) as error:
        promethee_ii([[1, 2], [2, 1]], [1, 1], True, **kwargs)  # type: ignore[arg-type]
    assert error.value.hint


# --- magnitudes ---------------------------------------------------------------------------


@pytest.mark.parametrize("factor", [1e154, 1e-162, 1e300, 1e-300, 2.0**1000])
def test_topsis_keeps_every_column_at_any_magnitude(factor: float) -> None:
    matrix = AIRCRAFT.copy()
    matrix[:, 1] *= factor
    for normalization in ("vector", "minmax"):
        expected = topsis(AIRCRAFT, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT, normalization=normalization)
        closeness = topsis(matrix, AIRCRAFT_WEIGHTS, AIRCRAFT_BENEFIT, normalization=normalization)
        np.testing.assert_allclose(closeness, expected, rtol=1e-12)


def test_minmax_topsis_on_the_whole_float_range() -> None:
    closeness = topsis([[-1e308, 1], [1e308, 2], [0, 3]], [1, 1], True, normalization="minmax")
    assert np.isfinite(closeness).all()
    np.testing.assert_allclose(closeness, topsis([[-1, 1], [1, 2], [0, 3]], [1, 1], True,
                                                 normalization="minmax"))  # fmt: skip


def test_huge_weights_still_rank() -> None:
    ranking = weighted_sum([[4, 0], [0, 4]], [1e308, 3e307], True, scales=Scale(0, 4))
    np.testing.assert_allclose(ranking.weights, [1 / 1.3, 0.3 / 1.3])
    assert ranking.ranks.tolist() == [1, 2]


def test_scales_at_the_ends_of_the_float_range() -> None:
    ranking = weighted_sum([[1e308], [-1e308], [0]], [1], True, scales=Scale(-1.5e308, 1.5e308))
    np.testing.assert_allclose(ranking.scores, [5 / 6, 1 / 6, 0.5])
    tiny = weighted_sum([[3e-320], [1e-320]], [1], True, scales=Scale(0, 4e-320))
    np.testing.assert_allclose(tiny.scores, [0.75, 0.25])


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(2, 8), st.integers(1, 4)),
               elements=st.floats(1.0, 100.0)),
    st.integers(-1000, 960),
    st.sampled_from(["vector", "minmax"]),
)  # fmt: skip
def test_topsis_is_unchanged_by_powers_of_two(
    matrix: np.ndarray, exponent: int, normalization: str
) -> None:
    assume((matrix != matrix[0]).any())
    weights = np.linspace(1, 2, matrix.shape[1])
    scaled = np.ldexp(matrix, exponent)
    assume(np.isfinite(scaled).all() and (scaled > 0).all())
    closeness = topsis(scaled, weights, True, normalization=normalization)
    assert np.isfinite(closeness).all()
    np.testing.assert_allclose(
        closeness, topsis(matrix, weights, True, normalization=normalization), atol=1e-12
    )


@settings(max_examples=60, deadline=None)
@given(scores_matrices, st.integers(-1070, 1020))
def test_weighted_sum_is_unchanged_by_the_size_of_the_weights(
    matrix: np.ndarray, exponent: int
) -> None:
    weights = np.ldexp(np.linspace(1, 2, matrix.shape[1]), exponent)
    # Below the smallest normal float, scaling drops bits: the ratios of the weights change,
    # so they are no longer the same weights.
    assume((weights >= np.finfo(float).tiny).all() and np.isfinite(weights).all())
    ranking = weighted_sum(matrix, weights, True, scales=Scale(0, 4))
    reference = weighted_sum(matrix, np.linspace(1, 2, matrix.shape[1]), True, scales=Scale(0, 4))
    np.testing.assert_allclose(ranking.scores, reference.scores, atol=1e-15)
    assert ranking.ranks.tolist() == reference.ranks.tolist()


def check_topsis_against_pymcdm(seed: int) -> None:
    from pymcdm import normalizations

    rng = np.random.default_rng(seed)
    m, n = int(rng.integers(2, 30)), int(rng.integers(1, 8))
    matrix = rng.uniform(0.5, 100.0, (m, n)) * 10.0 ** rng.integers(-5, 6, n)
    weights = rng.dirichlet(np.ones(n))
    benefit = rng.random(n) < 0.6
    for normalization in ("vector", "minmax"):
        body = reference.TOPSIS(getattr(normalizations, f"{normalization}_normalization"))
        with warnings.catch_warnings():
            # pymcdm warns about a dominant idea, which is an ordinary round for TOPSIS.
            warnings.simplefilter("ignore", UserWarning)
            expected = body(matrix, weights, np.where(benefit, 1, -1))
        ours = topsis(matrix, weights, benefit, normalization=normalization)
        np.testing.assert_allclose(ours, expected, rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("seed", range(10))
def test_topsis_matches_pymcdm_on_random_rounds(seed: int) -> None:
    check_topsis_against_pymcdm(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(10, 1000))
def test_topsis_matches_pymcdm_on_many_rounds(seed: int) -> None:
    check_topsis_against_pymcdm(seed)


@pytest.mark.parametrize(
    ("preference", "thresholds"),
    [
        ("usual", {}),
        ("v-shape", {"p": 1e308}),
        ("linear", {"q": 1e307, "p": 1e308}),
        ("gaussian", {"s": 1e300}),
    ],
)
def test_promethee_at_the_ends_of_the_float_range(
    preference: str, thresholds: dict[str, float]
) -> None:
    matrix = [[1e308, -1e308], [-1e308, 1e308], [0.0, 0.0]]
    flows = promethee_ii(matrix, [1, 1], True, preference=preference, **thresholds)  # type: ignore[arg-type]
    assert np.isfinite(flows).all()
    assert flows.sum() == pytest.approx(0.0, abs=1e-12)


def test_rank_scores_shares_ranks_within_the_tolerance_of_the_span() -> None:
    flows = np.array([0.5, -0.25, 0.5 - 1.5 * TIE_TOLERANCE, -0.25, 0.1])
    ranks, order = rank_scores(flows, span=2.0)
    # 1.5e-9 apart is a tie on a scale of span 2 (tolerance 2e-9), not on one of span 1.
    assert ranks.tolist() == [1, 4, 1, 4, 3]
    assert order.tolist() == [0, 2, 4, 1, 3]
    assert rank_scores(flows)[0].tolist() == [1, 4, 2, 4, 3]


@pytest.mark.parametrize("scores", [[], [[0.1, 0.2]], [0.1, float("nan")], "abc"])
def test_rank_scores_refuses_what_is_not_one_number_per_idea(scores: object) -> None:
    with pytest.raises(InvalidMatrix):
        rank_scores(scores)  # type: ignore[arg-type]


def test_rank_scores_needs_a_positive_span() -> None:
    with pytest.raises(InvalidParameter):
        rank_scores([0.1, 0.2], span=0)
