"""Combining assessors' scores and measuring how much assessors agree."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.stats import rankdata  # type: ignore[import-untyped]

from scoring._errors import InsufficientData, InvalidMatrix, InvalidParameter
from scoring._types import AggregatedScores, BoolArray, FloatArray, freeze
from scoring._validate import as_float_array, power_of_two_exponents, real_number, whole_number

_METHODS = ("mean", "median", "trimmed-mean")


# Results this small or smaller (other than 0) may have lost digits to underflow.
_SMALLEST_SAFE = float(np.finfo(np.float64).tiny) * 2.0**52


def _combine(
    x: FloatArray, missing: BoolArray, counts: npt.NDArray[np.intp], method: str, trim: float
) -> FloatArray:
    """Return the mean, median or trimmed mean of each cell's given (not ``missing``) scores."""
    if method == "mean":
        total = np.where(missing, 0.0, x).sum(axis=0)
        mean: FloatArray = np.divide(
            total, counts, out=np.full(counts.shape, np.nan), where=counts > 0
        )
        return mean
    # NaN sorts last, so the k given scores of a cell are its first k sorted entries.
    ordered = np.sort(x, axis=0)
    if method == "median":
        low = np.take_along_axis(ordered, np.maximum(counts - 1, 0)[None] // 2, axis=0)[0]
        high = np.take_along_axis(ordered, (counts // 2)[None], axis=0)[0]
        median: FloatArray = np.where(counts > 0, (low + high) / 2.0, np.nan)
        return median
    # Only the kept scores are summed: a running sum through the cut extremes would lose the
    # middle ones (1e17 + 1 − 1e17 = 0).
    cut = np.floor(trim * counts).astype(np.int64)
    position = np.arange(x.shape[0])[:, None, None]
    kept = counts - 2 * cut
    total = np.where((position >= cut) & (position < counts - cut), ordered, 0.0).sum(axis=0)
    trimmed: FloatArray = np.divide(total, kept, out=np.full(counts.shape, np.nan), where=kept > 0)
    return trimmed


def aggregate_assessments(
    scores: npt.ArrayLike,
    *,
    method: str = "mean",
    min_scores: int = 1,
    trim: float = 0.2,
) -> AggregatedScores:
    """Combine the scores of several assessors into one score per idea and criterion.

    ``scores`` is shaped assessors × ideas × criteria; NaN means "not scored" (for example a
    recused assessor). ``method`` is ``"mean"``, ``"median"`` or ``"trimmed-mean"`` (drop
    ⌊trim · k⌋ of the k scores at each end, then average). A cell with fewer than ``min_scores``
    scores gets NaN, and an idea with any such cell is reported in ``too_few`` instead of being
    ranked: the result says explicitly which ideas lack scores, it never ranks them silently.
    """
    x = as_float_array(scores, "assessments")
    if x.ndim != 3 or 0 in x.shape:
        raise InvalidMatrix(
            f"Assessments must be shaped assessors × ideas × criteria, got shape {x.shape}.",
            hint="Use NaN where an assessor did not score an idea on a criterion.",
        )
    if method not in _METHODS:
        raise InvalidParameter(
            f"Unknown aggregation method {method!r}.", hint=f"Use one of {', '.join(_METHODS)}."
        )
    min_scores = whole_number(
        min_scores,
        "min_scores",
        minimum=1,
        hint="It is the least number of assessors whose scores make a cell rankable.",
    )
    trim_hint = "0.2 drops the lowest and highest fifth of the scores."
    trim = real_number(trim, "trim", hint=trim_hint)
    if not 0.0 <= trim < 0.5:
        raise InvalidParameter(
            f"trim must lie in 0…0.5 (the share cut at each end), got {trim}.", hint=trim_hint
        )
    if np.isinf(x).any():
        raise InvalidMatrix("Assessments must be finite numbers or NaN.", hint="Remove infinities.")
    missing = np.isnan(x)
    counts = x.shape[0] - missing.sum(axis=0)
    with np.errstate(over="ignore", invalid="ignore"):
        combined = _combine(x, missing, counts, method, trim)
    # A sum that overflowed (two scores of 1e308) is not finite, and a result in the subnormal
    # range has lost digits. Only then are the scores of each cell rescaled exactly by a power of
    # two to at most 1 and combined again; elsewhere that would give the very same numbers.
    size = np.abs(combined)
    sound = (size < np.inf) & ((size >= _SMALLEST_SAFE) | (size == 0))
    damaged = ~sound & (counts > 0)
    if damaged.any():
        exponents = power_of_two_exponents(np.fmax.reduce(np.abs(x), axis=0))
        rescaled = _combine(np.ldexp(x, -exponents[None]), missing, counts, method, trim)
        combined = np.where(damaged, np.ldexp(rescaled, exponents), combined)
    enough = counts >= min_scores
    combined = np.where(enough, combined, np.nan)
    rankable = enough.all(axis=1)
    return AggregatedScores(
        scores=freeze(combined),
        counts=freeze(counts.astype(np.int64)),
        rankable=freeze(rankable),
        too_few=tuple(int(i) for i in np.flatnonzero(~rankable)),
        method=method,
        min_scores=min_scores,
    )


def kendall_w(scores: npt.ArrayLike) -> float:
    """Return Kendall's coefficient of concordance W, corrected for ties (0 = none, 1 = full).

    ``scores`` has one row per object (idea) and one column per rater; each rater's scores are
    ranked with mid-ranks for ties. W = 12 S / (m²(n³ − n) − m Σ T), where S is the sum of
    squared deviations of the objects' rank sums from their mean, m raters, n objects and
    T = Σ (t³ − t) over each rater's groups of t tied objects (Kendall & Babington Smith 1939;
    Siegel 1956).
    """
    x = as_float_array(scores, "scores")
    if x.ndim != 2 or x.shape[0] < 2 or x.shape[1] < 2:
        raise InsufficientData(
            f"Kendall's W needs at least 2 objects (rows) and 2 raters (columns), "
            f"got shape {x.shape}.",
            hint="Rows are ideas, columns are assessors.",
        )
    if not np.isfinite(x).all():
        raise InvalidMatrix(
            "Kendall's W needs every rater to score every object.",
            hint="Leave out ideas or raters with missing scores.",
        )
    n, m = x.shape
    ranks = rankdata(x, axis=0)
    rank_sums = ranks.sum(axis=1)
    s = float(np.square(rank_sums - rank_sums.mean()).sum())
    # Mid-ranks lower the sum of squared ranks of a tie group of size t by (t³ − t) / 12, so the
    # tie correction follows from the ranks without counting groups.
    squares_untied = n * (n + 1) * (2 * n + 1) / 6.0
    ties = 12.0 * (squares_untied * m - float(np.square(ranks).sum()))
    denominator = m * m * (n**3 - n) - m * ties
    if denominator <= 1e-9:
        raise InsufficientData(
            "Every rater gave all objects the same score, so there is no ranking to agree on.",
            hint="Kendall's W is undefined here; use Krippendorff's alpha instead.",
        )
    return float(12.0 * s / denominator)


_LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _distance(values: FloatArray, marginals: FloatArray, level: str) -> FloatArray:
    """Return the squared difference δ²(c, k) between every two coded values."""
    c = values[:, None]
    k = values[None, :]
    if level == "nominal":
        different: FloatArray = (c != k).astype(np.float64)
        return different
    if level in ("interval", "ratio"):
        # Both metrics are unchanged, up to a common factor, by rescaling all values with one
        # power of two; rescaled to at most 1, (c − k)² and c + k cannot overflow.
        scaled = np.ldexp(values, -power_of_two_exponents(np.abs(values).max()))
        c = scaled[:, None]
        k = scaled[None, :]
    if level == "interval":
        return np.square(c - k)
    if level == "ratio":
        total = c + k
        return np.square(np.divide(c - k, total, out=np.zeros_like(total), where=total != 0))
    # Ordinal: the number of values coded between c and k, each end counted half.
    cumulative = np.cumsum(marginals)
    i = np.arange(values.shape[0])
    lo = np.minimum(i[:, None], i[None, :])
    hi = np.maximum(i[:, None], i[None, :])
    between = cumulative[hi] - cumulative[lo] + marginals[lo]
    return np.square(between - (marginals[lo] + marginals[hi]) / 2.0)


def krippendorff_alpha(data: npt.ArrayLike, *, level: str = "interval") -> float:
    """Return Krippendorff's alpha, 1 − D_o / D_e, the agreement among coders beyond chance.

    ``data`` has one row per coder (assessor) and one column per unit (idea), NaN where a coder
    gave no value. ``level`` is ``"nominal"``, ``"ordinal"``, ``"interval"`` or ``"ratio"``.
    Computed through the coincidence matrix as in Krippendorff (2011), "Computing Krippendorff's
    Alpha-Reliability"; units with fewer than two values are not pairable and are left out.
    Krippendorff recommends α ≥ 0.800, and α ≥ 0.667 for tentative conclusions.
    """
    if level not in _LEVELS:
        raise InvalidParameter(
            f"Unknown level of measurement {level!r}.", hint=f"Use one of {', '.join(_LEVELS)}."
        )
    x = as_float_array(data, "reliability data")
    if x.ndim != 2:
        raise InvalidMatrix(
            f"Reliability data must be coders × units, got shape {x.shape}.",
            hint="One row per assessor, one column per idea, NaN where missing.",
        )
    if np.isinf(x).any():
        raise InvalidMatrix("Values must be finite numbers or NaN.", hint="Remove infinities.")
    if level == "ratio" and (x < 0).any():
        raise InvalidMatrix(
            "Ratio-level values cannot be negative.",
            hint="Use the interval level for scales with negative values.",
        )
    pairable = (~np.isnan(x)).sum(axis=0) >= 2
    x = x[:, pairable]
    present = ~np.isnan(x)
    if present.sum() < 2:
        raise InsufficientData(
            "Alpha needs at least one unit (idea) with values from two coders.",
            hint="Let at least two assessors score the same ideas.",
        )
    values, codes = np.unique(x[present], return_inverse=True)
    units = np.nonzero(present)[1]
    v = values.shape[0]
    counts = np.zeros((x.shape[1], v))
    np.add.at(counts, (units, codes), 1.0)
    per_unit = 1.0 / (counts.sum(axis=1) - 1.0)
    coincidences = (counts * per_unit[:, None]).T @ counts
    coincidences -= np.diag((counts * per_unit[:, None]).sum(axis=0))
    marginals = coincidences.sum(axis=1)
    total = marginals.sum()
    delta = _distance(values, marginals, level)
    observed = float((coincidences * delta).sum())
    expected = float((np.outer(marginals, marginals) * delta).sum()) / (total - 1.0)
    if expected <= 0:
        raise InsufficientData(
            "All coders used the same value everywhere, so agreement cannot be told from chance.",
            hint="Alpha is undefined without variation in the data.",
        )
    return float(1.0 - observed / expected)
