"""Combining assessors' scores; Kendall's W and Krippendorff's alpha against published values."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scoring import (
    InsufficientData,
    InvalidMatrix,
    InvalidParameter,
    aggregate_assessments,
    kendall_w,
    krippendorff_alpha,
)

nan = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: 4 observers
# (rows) × 12 units (columns) with missing data.
RELIABILITY_DATA = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_krippendorff_2011_example_with_missing_data(level: str, published: float) -> None:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E:
    α = 0.743 (nominal), 0.815 (ordinal), 0.849 (interval), 0.797 (ratio)."""
    assert krippendorff_alpha(RELIABILITY_DATA, level=level) == pytest.approx(published, abs=5e-4)


def test_krippendorff_two_coders_nominal() -> None:
    """Krippendorff (2011), section A: two observers, ten units, binary data, α = 0.095."""
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert krippendorff_alpha(data, level="nominal") == pytest.approx(0.095, abs=5e-4)


def test_krippendorff_perfect_agreement_and_errors() -> None:
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]]) == pytest.approx(1.0)
    with pytest.raises(InsufficientData, match="same value"):
        krippendorff_alpha([[2, 2], [2, 2]])
    with pytest.raises(InsufficientData, match="two coders"):
        krippendorff_alpha([[1, nan], [nan, 2]])
    with pytest.raises(InvalidParameter, match="level"):
        krippendorff_alpha(RELIABILITY_DATA, level="circular")
    with pytest.raises(InvalidMatrix, match="negative"):
        krippendorff_alpha([[-1, 2], [1, 2]], level="ratio")


def test_kendall_w_with_ties_siegel_1956() -> None:
    """Siegel (1956), Nonparametric Statistics for the Behavioral Sciences, pp. 234-238: three
    sets of ranks of ten objects with ties; W = 0.828 with the tie correction (0.796 without).
    The same data is the example of NAG routine g08daf."""
    ranks = np.array(
        [
            [1.0, 4.5, 2.0, 4.5, 3.0, 7.5, 6.0, 9.0, 7.5, 10.0],
            [2.5, 1.0, 2.5, 4.5, 4.5, 8.0, 9.0, 6.5, 10.0, 6.5],
            [2.0, 1.0, 4.5, 4.5, 4.5, 4.5, 8.0, 8.0, 8.0, 10.0],
        ]
    ).T
    assert kendall_w(ranks) == pytest.approx(0.8277, abs=5e-5)


def test_kendall_w_extremes_and_raw_scores() -> None:
    assert kendall_w([[1, 10], [2, 20], [3, 30]]) == pytest.approx(1.0)
    assert kendall_w([[1, 3], [2, 2], [3, 1]]) == pytest.approx(0.0)
    with pytest.raises(InsufficientData, match="same score"):
        kendall_w([[1, 1], [1, 1]])
    with pytest.raises(InsufficientData, match="at least 2"):
        kendall_w([[1, 2, 3]])
    with pytest.raises(InvalidMatrix, match="every rater"):
        kendall_w([[1, nan], [2, 3]])


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(2, 9), st.integers(2, 5)),
        elements=st.integers(0, 4).map(float),
    )
)
def test_kendall_w_tie_correction_matches_counting_groups(scores: np.ndarray) -> None:
    from scipy.stats import rankdata

    n, m = scores.shape
    ties = sum(
        float((counts**3 - counts).sum())
        for counts in (np.unique(column, return_counts=True)[1] for column in scores.T)
    )
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 0:
        with pytest.raises(InsufficientData):
            kendall_w(scores)
        return
    sums = rankdata(scores, axis=0).sum(axis=1)
    expected = 12 * ((sums - sums.mean()) ** 2).sum() / denominator
    assert kendall_w(scores) == pytest.approx(expected, abs=1e-9)
    assert -1e-9 <= kendall_w(scores) <= 1 + 1e-9


def assessments() -> np.ndarray:
    # 3 assessors × 2 ideas × 2 criteria; assessor 1 skipped idea 0 criterion 1, nobody scored
    # idea 1 on criterion 1.
    return np.array(
        [
            [[1, 2], [3, nan]],
            [[2, nan], [4, nan]],
            [[9, 3], [nan, nan]],
        ]
    )


def test_aggregate_assessments_methods_and_coverage() -> None:
    mean = aggregate_assessments(assessments())
    np.testing.assert_allclose(mean.scores, [[4.0, 2.5], [3.5, nan]])
    assert mean.counts.tolist() == [[3, 2], [2, 0]]
    assert mean.rankable.tolist() == [True, False]
    assert mean.too_few == (1,)
    median = aggregate_assessments(assessments(), method="median")
    np.testing.assert_allclose(median.scores, [[2.0, 2.5], [3.5, nan]])


def test_aggregate_assessments_min_scores_reports_ideas() -> None:
    result = aggregate_assessments(assessments(), min_scores=3)
    np.testing.assert_allclose(result.scores, [[4.0, nan], [nan, nan]])
    assert result.too_few == (0, 1)
    assert not result.rankable.any()


def test_trimmed_mean_drops_the_extremes() -> None:
    scores = np.array([1.0, 2.0, 2.0, 3.0, 40.0])[:, None, None]
    assert aggregate_assessments(scores, method="trimmed-mean").scores[0, 0] == pytest.approx(7 / 3)
    # 10 scores, trim 0.2: two dropped at each end.
    scores = np.arange(10.0)[:, None, None] ** 2
    trimmed = aggregate_assessments(scores, method="trimmed-mean").scores[0, 0]
    assert trimmed == pytest.approx(np.mean(np.arange(2, 8) ** 2))


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 7), st.integers(1, 4), st.integers(1, 3)),
        elements=st.one_of(st.integers(0, 4).map(float), st.just(nan)),
    ),
    st.floats(0.0, 0.49),
)
def test_aggregation_matches_per_cell_reference(scores: np.ndarray, trim: float) -> None:
    from scipy import stats

    mean = aggregate_assessments(scores)
    median = aggregate_assessments(scores, method="median")
    trimmed = aggregate_assessments(scores, method="trimmed-mean", trim=trim)
    for idea in range(scores.shape[1]):
        for criterion in range(scores.shape[2]):
            cell = scores[:, idea, criterion]
            cell = cell[~np.isnan(cell)]
            if cell.size == 0:
                assert np.isnan(mean.scores[idea, criterion])
                assert idea in mean.too_few
                continue
            assert mean.scores[idea, criterion] == pytest.approx(cell.mean())
            assert median.scores[idea, criterion] == pytest.approx(np.median(cell))
            assert trimmed.scores[idea, criterion] == pytest.approx(stats.trim_mean(cell, trim))


def test_aggregate_assessments_rejects_bad_input() -> None:
    with pytest.raises(InvalidMatrix, match="assessors × ideas × criteria"):
        aggregate_assessments([[1, 2]])
    with pytest.raises(InvalidParameter, match="Unknown aggregation"):
        aggregate_assessments(assessments(), method="mode")
    with pytest.raises(InvalidParameter, match="min_scores"):
        aggregate_assessments(assessments(), min_scores=0)
    with pytest.raises(InvalidParameter, match="trim"):
        aggregate_assessments(assessments(), method="trimmed-mean", trim=0.5)


def test_trimmed_mean_ignores_the_size_of_the_cut_extremes() -> None:
    scores = np.array([-1e17, 1.0, 2.0, 3.0, 1e17])[:, None, None]
    assert aggregate_assessments(scores, method="trimmed-mean", trim=0.2).scores[0, 0] == 2.0


@pytest.mark.parametrize("method", ["mean", "median", "trimmed-mean"])
def test_aggregation_at_the_ends_of_the_float_range(method: str) -> None:
    large = aggregate_assessments(np.full((3, 1, 1), 1.5e308), method=method)
    assert large.scores[0, 0] == 1.5e308
    tiny = aggregate_assessments(np.array([5e-324, 1e-323, 5e-324])[:, None, None], method=method)
    # The mean, 4/3 of the smallest float 5e-324, rounds to it; a naive sum loses nothing
    # here, but the rescaled computation must give the same.
    assert tiny.scores[0, 0] == 5e-324


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(
        np.float64,
        st.tuples(st.integers(1, 6), st.integers(1, 3), st.integers(1, 2)),
        elements=st.one_of(st.floats(-4, 4), st.just(nan)),
    ),
    st.integers(-1060, 1020),
    st.sampled_from(["mean", "median", "trimmed-mean"]),
)
def test_aggregation_is_unchanged_by_powers_of_two(
    scores: np.ndarray, exponent: int, method: str
) -> None:
    scaled = np.ldexp(scores, exponent)
    result = aggregate_assessments(scaled, method=method).scores
    reference = np.ldexp(aggregate_assessments(scores, method=method).scores, exponent)
    assert not np.isinf(result).any()
    np.testing.assert_allclose(result, reference, rtol=1e-12, atol=np.ldexp(4.0, exponent - 50))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"trim": "0.2"}, "trim must be a number"),
        ({"min_scores": 2.0}, "min_scores must be a whole number"),
        ({"min_scores": True}, "min_scores must be a whole number"),
    ],
)
def test_aggregation_parameters_must_be_numbers(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameter, match=message) as error:
        aggregate_assessments(assessments(), method="trimmed-mean", **kwargs)  # type: ignore[arg-type]
    assert error.value.hint


def test_numpy_whole_numbers_are_whole_numbers() -> None:
    result = aggregate_assessments(assessments(), min_scores=np.int64(2), trim=np.float32(0.25))
    assert result.min_scores == 2
    assert isinstance(result.min_scores, int)


def test_alpha_at_the_ends_of_the_float_range() -> None:
    for level in ("interval", "ratio"):
        expected = krippendorff_alpha(RELIABILITY_DATA, level=level)
        for factor in (1e300, 1e-300):
            data = np.array(RELIABILITY_DATA) * factor
            assert krippendorff_alpha(data, level=level) == pytest.approx(expected, rel=1e-12)


def check_alpha_against_krippendorff_package(seed: int) -> None:
    import krippendorff

    rng = np.random.default_rng(seed)
    coders, units = int(rng.integers(2, 7)), int(rng.integers(2, 25))
    data = rng.integers(0, int(rng.integers(2, 7)), (coders, units)).astype(float)
    data[rng.random(data.shape) < rng.uniform(0, 0.4)] = nan
    for level in ("nominal", "ordinal", "interval", "ratio"):
        try:
            ours = krippendorff_alpha(data, level=level)
        except InsufficientData:
            continue
        theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert ours == pytest.approx(theirs, abs=1e-12), level


@pytest.mark.parametrize("seed", range(20))
def test_alpha_matches_the_krippendorff_package(seed: int) -> None:
    check_alpha_against_krippendorff_package(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(20, 2000))
def test_alpha_matches_the_krippendorff_package_on_many_rounds(seed: int) -> None:
    check_alpha_against_krippendorff_package(seed)
