"""AHP: priority weights, consistency, completion of missing judgments, group aggregation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    RANDOM_INDICES,
    InconsistentInput,
    InvalidMatrix,
    InvalidParameter,
    aggregate_judgments,
    ahp,
)


def reciprocal(upper: list[list[float]]) -> np.ndarray:
    """Build a full reciprocal matrix from its upper triangle (row i lists a[i][i:])."""
    n = len(upper)
    a = np.ones((n, n))
    for i, row in enumerate(upper):
        for offset, value in enumerate(row):
            j = i + offset
            a[i, j] = value
            a[j, i] = 1.0 / value
    return a


# Saaty (1990), "How to make a decision: The Analytic Hierarchy Process", EJOR 48:9-26,
# Table 2: the eight criteria for buying a house (size, bus, neighbourhood, age, yard, modern
# facilities, general condition, financing).
HOUSE = reciprocal(
    [
        [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
        [1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
        [1, 6, 3, 4, 6, 1 / 5],
        [1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
        [1, 1 / 2, 1 / 5, 1 / 6],
        [1, 1 / 5, 1 / 6],
        [1, 1 / 2],
        [1],
    ]
)

# Saaty (2008), "Decision making with the analytic hierarchy process", Int. J. Services Sciences
# 1(1):83-98, Table 2: which drink is consumed more in the U.S.? (coffee, wine, tea, beer,
# sodas, milk, water).
DRINKS = reciprocal(
    [
        [1, 9, 5, 2, 1, 1, 1 / 2],
        [1, 1 / 3, 1 / 9, 1 / 9, 1 / 9, 1 / 9],
        [1, 1 / 3, 1 / 4, 1 / 3, 1 / 9],
        [1, 1 / 2, 1, 1 / 3],
        [1, 2, 1 / 2],
        [1, 1 / 3],
        [1],
    ]
)


def consistent(weights: np.ndarray) -> np.ndarray:
    return weights[:, None] / weights[None, :]


def test_saaty_1990_house_example() -> None:
    """Saaty (1990), EJOR 48:9-26, house example: weights .173 .054 .188 .018 .031 .036 .167 .333,
    λmax = 9.669, CI = 0.238, CR = 0.169."""
    result = ahp(HOUSE)
    expected = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]
    np.testing.assert_allclose(result.weights, expected, atol=5e-4)
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.ci == pytest.approx(0.238, abs=5e-4)
    assert result.cr == pytest.approx(0.169, abs=5e-4)
    assert result.ri == 1.41
    assert result.filled == ()


def test_saaty_2008_drinks_example() -> None:
    """Saaty (2008), Int. J. Services Sciences 1(1), Table 2: derived relative consumption
    .177 .019 .042 .116 .190 .129 .327 with CR = 0.022."""
    result = ahp(DRINKS)
    expected = [0.177, 0.019, 0.042, 0.116, 0.190, 0.129, 0.327]
    np.testing.assert_allclose(result.weights, expected, atol=5e-4)
    assert result.cr == pytest.approx(0.022, abs=5e-4)


def test_most_inconsistent_judgment_lowers_cr_when_replaced() -> None:
    result = ahp(HOUSE)
    judgment = result.most_inconsistent
    assert judgment is not None
    assert judgment.value == HOUSE[judgment.row, judgment.column]
    fixed = HOUSE.copy()
    fixed[judgment.row, judgment.column] = judgment.suggested
    fixed[judgment.column, judgment.row] = 1 / judgment.suggested
    after = ahp(fixed)
    assert after.cr == pytest.approx(judgment.cr_after, abs=1e-6)
    assert after.cr < result.cr
    # No other single judgment, set to its own best value, does better.
    for i in range(8):
        for j in range(i + 1, 8):
            for value in np.geomspace(1 / 9, 9, 17):
                trial = HOUSE.copy()
                trial[i, j], trial[j, i] = value, 1 / value
                assert np.linalg.eigvals(trial).real.max() >= after.lambda_max - 1e-6


def test_random_index_tables() -> None:
    """Saaty (1980) classic table; Alonso & Lamata (2006) and Donegan & Dodd (1991) tables."""
    assert RANDOM_INDICES["saaty"][:4] == (0.58, 0.90, 1.12, 1.24)
    assert RANDOM_INDICES["saaty"][-1] == 1.59
    assert RANDOM_INDICES["alonso-lamata"][0] == 0.5245
    assert RANDOM_INDICES["alonso-lamata"][-1] == 1.5838
    assert RANDOM_INDICES["donegan-dodd"][0] == 0.4914
    assert all(len(table) == 13 for table in RANDOM_INDICES.values())
    house = ahp(HOUSE, ri_table="alonso-lamata")
    assert house.ri == 1.4056
    assert house.cr == pytest.approx(house.ci / 1.4056)
    assert ahp(HOUSE, ri_table="donegan-dodd").ri == 1.3171


def test_small_matrices_have_cr_zero() -> None:
    assert ahp([[1.0]]).cr == 0.0
    two = ahp([[1, 3], [1 / 3, 1]])
    assert two.cr == 0.0
    np.testing.assert_allclose(two.weights, [0.75, 0.25])
    assert two.most_inconsistent is None


def test_completion_recovers_a_consistent_matrix() -> None:
    w = np.array([0.4, 0.25, 0.2, 0.1, 0.05])
    full = consistent(w)
    gappy = full.copy()
    for i, j in [(0, 2), (1, 4), (0, 4), (2, 3)]:
        gappy[i, j] = gappy[j, i] = np.nan
    result = ahp(gappy)
    np.testing.assert_allclose(result.completed, full, rtol=1e-6)
    np.testing.assert_allclose(result.weights, w, rtol=1e-6)
    assert result.cr == 0.0
    assert result.filled == ((0, 2), (0, 4), (1, 4), (2, 3))


def test_completion_minimises_lambda_max() -> None:
    """Bozóki, Fülöp & Rónyai (2010): the completion minimises λmax over all fillings."""
    gappy = HOUSE.copy()
    gappy[0, 3] = gappy[3, 0] = np.nan
    gappy[2, 6] = gappy[6, 2] = np.nan
    result = ahp(gappy)
    best = result.lambda_max
    rng = np.random.default_rng(5)
    for _ in range(200):
        trial = result.completed.copy()
        for i, j in result.filled:
            trial[i, j] *= np.exp(rng.normal(0, 0.3))
            trial[j, i] = 1 / trial[i, j]
        assert np.max(np.linalg.eigvals(trial).real) >= best - 1e-9


def test_single_missing_judgment_of_three_is_filled_consistently() -> None:
    a = np.array([[1, 2, np.nan], [1 / 2, 1, 4], [np.nan, 1 / 4, 1]])
    result = ahp(a)
    assert result.completed[0, 2] == pytest.approx(8.0, rel=1e-6)
    assert result.cr == 0.0


def test_unlinked_groups_are_rejected() -> None:
    nan = np.nan
    a = [[1, 2, nan, nan], [1 / 2, 1, nan, nan], [nan, nan, 1, 3], [nan, nan, 1 / 3, 1]]
    with pytest.raises(InconsistentInput, match="groups"):
        ahp(a)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        ([[1, 2, 3], [1 / 2, 1, 2]], "square"),
        ([[2, 2], [1 / 2, 1]], "diagonal"),
        ([[1, 3], [3, 1]], "not reciprocal"),
        ([[1, 3], [0.3, 1]], "not reciprocal"),
        ([[1, -3], [-1 / 3, 1]], "positive"),
        ([[1, np.nan], [2, 1]], "missing but its reciprocal"),
    ],
)
def test_invalid_matrices_are_explained(matrix: list[list[float]], message: str) -> None:
    with pytest.raises(InvalidMatrix, match=message) as error:
        ahp(matrix)
    assert error.value.hint


def test_rounded_reciprocals_are_accepted() -> None:
    result = ahp([[1, 3, 0.5], [0.33, 1, 0.2], [2, 5, 1]])
    assert result.completed[1, 0] == pytest.approx(1 / 3)


def test_unknown_table_and_oversized_matrix() -> None:
    with pytest.raises(InvalidParameter, match="Unknown random index"):
        ahp(HOUSE, ri_table="made-up")
    with pytest.raises(InvalidParameter, match="at most 15"):
        ahp(np.ones((16, 16)))


def test_aggregate_judgments_geometric_mean() -> None:
    """Aczél & Saaty (1983): the geometric mean of judgments keeps reciprocity."""
    first = reciprocal([[1, 2, 4], [1, 3], [1]])
    second = reciprocal([[1, 8, 1], [1, 1 / 3], [1]])
    combined = aggregate_judgments([first, second])
    assert combined[0, 1] == pytest.approx(4.0)
    assert combined[0, 2] == pytest.approx(2.0)
    assert combined[1, 2] == pytest.approx(1.0)
    np.testing.assert_allclose(combined * combined.T, np.ones((3, 3)))


def test_aggregate_judgments_with_missing_judgments() -> None:
    first = np.array([[1, 2, np.nan], [1 / 2, 1, 3], [np.nan, 1 / 3, 1]])
    second = reciprocal([[1, 8, 5], [1, 1], [1]])
    combined = aggregate_judgments([first, second])
    assert combined[0, 1] == pytest.approx(4.0)
    assert combined[0, 2] == pytest.approx(5.0)
    assert combined[2, 0] == pytest.approx(1 / 5)


def test_aggregate_judgments_names_the_bad_matrix() -> None:
    with pytest.raises(InvalidMatrix, match="Matrix 1"):
        aggregate_judgments([[[1, 3], [1 / 3, 1]], [[1, 3], [3, 1]]])


weight_vectors = st.lists(st.floats(0.05, 20.0), min_size=1, max_size=9).map(np.array)


@settings(max_examples=60, deadline=None)
@given(weight_vectors)
def test_consistent_matrices_have_cr_zero_and_weights_sum_to_one(w: np.ndarray) -> None:
    result = ahp(consistent(w))
    assert result.cr == 0.0
    assert result.weights.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(result.weights, w / w.sum(), rtol=1e-7)
    assert result.most_inconsistent is None


judgments = st.sampled_from([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9])


@settings(max_examples=40, deadline=None)
@given(
    st.integers(3, 7).flatmap(
        lambda n: st.lists(judgments, min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2)
    )
)
def test_any_reciprocal_matrix_gives_valid_weights(values: list[float]) -> None:
    n = int((1 + np.sqrt(1 + 8 * len(values))) / 2)
    a = np.ones((n, n))
    a[np.triu_indices(n, 1)] = values
    a[np.tril_indices(n, -1)] = 1 / a.T[np.tril_indices(n, -1)]
    result = ahp(a)
    assert result.weights.sum() == pytest.approx(1.0)
    assert (result.weights > 0).all()
    assert result.lambda_max >= n - 1e-9
    assert result.cr >= 0.0


def test_suggested_judgment_stays_on_saatys_scale() -> None:
    rng = np.random.default_rng(0)
    values = np.array([1 / 9, 1 / 7, 1 / 5, 1 / 3, 1 / 2, 1, 2, 3, 5, 7, 9])
    for _ in range(10):
        a = np.ones((6, 6))
        upper = np.triu_indices(6, 1)
        a[upper] = rng.choice(values, upper[0].size)
        a[upper[1], upper[0]] = 1 / a[upper]
        judgment = ahp(a).most_inconsistent
        assert judgment is not None
        assert 1 / 9 - 1e-9 <= judgment.suggested <= 9 + 1e-9
        fixed = a.copy()
        fixed[judgment.row, judgment.column] = judgment.suggested
        fixed[judgment.column, judgment.row] = 1 / judgment.suggested
        assert ahp(fixed).cr == pytest.approx(judgment.cr_after, abs=1e-6)


def test_aggregate_judgments_returns_a_reciprocal_matrix() -> None:
    """Members who type 0.13 for 1/8 (accepted within 5 %) still give a reciprocal result:
    the upper triangle is aggregated and mirrored."""
    first = [[1, 8, 3], [0.13, 1, 0.5], [1 / 3, 2, 1]]
    second = [[1, 7, 2], [0.14, 1, 0.5], [0.52, 2, 1]]
    group = aggregate_judgments([first, second])
    np.testing.assert_allclose(group * group.T, 1.0, rtol=1e-15)
    assert group[0, 1] == pytest.approx(np.sqrt(56))
    assert group[0, 2] == pytest.approx(np.sqrt(6))


@pytest.mark.parametrize(
    "matrices",
    [
        [[[1, 2], [0.5]]],
        [[["1", "2"], ["x", "1"]]],
        "matrices",
        [[[1, 2], [0.5, 1]], [[1, 2, 3], [0.5, 1, 1], [1 / 3, 1, 1]]],
    ],
)
def test_aggregate_judgments_refuses_ragged_input_and_text(matrices: object) -> None:
    with pytest.raises(InvalidMatrix) as error:
        aggregate_judgments(matrices)  # type: ignore[arg-type]
    assert error.value.hint


def test_unknown_table_of_another_type() -> None:
    with pytest.raises(InvalidParameter, match="random index table"):
        ahp(HOUSE, ri_table=["saaty"])  # type: ignore[arg-type]
