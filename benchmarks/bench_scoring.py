"""Benchmarks of the scoring engine on realistic, seeded data.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_scoring

Each case reports the median wall time of several repeats (``time.perf_counter``) next to its
target. The data generators mimic a municipal round: ratings on a 0…4 scale by five assessors,
AHP-like weights, costs in round euros and staff days. The portfolio rounds are also solved by
HiGHS (SciPy's ``milp``) on the same problem, scaled, to compare the two exact solvers.
"""

from __future__ import annotations

import contextlib
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from functools import partial
from importlib.metadata import version
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    # Run as a script: make the repository root importable.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import scipy
from pymcdm.methods import TOPSIS
from pymcdm.normalizations import vector_normalization
from scipy.optimize import Bounds, LinearConstraint, milp

from scoring import (
    Scale,
    aggregate_assessments,
    rank_acceptability,
    select_portfolio,
    topsis,
    weighted_sum,
)

SEED = 20261122


def median_time(function: Callable[[], object], repeats: int) -> float:
    """Return the median wall time of ``repeats`` calls after one warm-up call, in seconds."""
    function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def ratings(ideas: int, criteria: int, assessors: int, seed: int) -> np.ndarray:
    """Return assessors × ideas × criteria ratings 0…4, correlated by idea quality, 3 % unscored."""
    rng = np.random.default_rng(seed)
    quality = rng.normal(0.0, 1.0, (1, ideas, 1))
    leaning = rng.normal(0.0, 0.4, (assessors, 1, 1))
    raw = 2.0 + 0.8 * quality + leaning + rng.normal(0.0, 0.9, (assessors, ideas, criteria))
    scores = np.clip(np.round(raw), 0, 4)
    scores[rng.random(scores.shape) < 0.03] = np.nan
    return scores


def board_weights(criteria: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).dirichlet(np.full(criteria, 3.0))


def bare_topsis(x: np.ndarray, w: np.ndarray, benefit: np.ndarray) -> np.ndarray:
    """Textbook TOPSIS in one pass of NumPy with no checks: the speed limit."""
    v = x / np.sqrt((x * x).sum(axis=0)) * w
    high = v.max(axis=0)
    low = v.min(axis=0)
    ideal = np.where(benefit, high, low)
    anti = np.where(benefit, low, high)
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    return d_minus / (d_plus + d_minus)


def portfolio_round(ideas: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return values (weighted-sum scores), costs (€, staff days, IT days) and capacities."""
    rng = np.random.default_rng(seed)
    scores = ratings(ideas, 12, 5, seed)
    aggregated = aggregate_assessments(scores)
    filled = np.where(np.isnan(aggregated.scores), 2.0, aggregated.scores)
    values = weighted_sum(filled, board_weights(12, seed), True, scales=Scale(0, 4)).scores
    budget = np.round(rng.lognormal(np.log(25_000), 1.0, ideas), -3)
    budget[rng.random(ideas) < 0.2] = 0.0
    staff = rng.choice([2, 5, 10, 15, 20, 30, 40, 60, 80, 120], ideas)
    it_days = rng.choice([0, 0, 0, 2, 5, 10, 20, 40], ideas)
    costs = np.column_stack([budget, staff, it_days]).astype(float)
    capacities = np.array([2_000_000.0, 3_000.0, 1_200.0]) * ideas / 500
    return values, costs, capacities


@contextlib.contextmanager
def silent_stdout() -> Iterator[None]:
    """Send what native code writes to standard output to /dev/null (HiGHS prints debug lines)."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "w") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def highs_portfolio(values: np.ndarray, costs: np.ndarray, capacities: np.ndarray) -> float:
    """Return the optimum HiGHS proves for the same 0-1 programme, each resource per capacity."""
    with silent_stdout():
        result = milp(
            -values / np.abs(values).max(),
            integrality=np.ones(values.shape[0]),
            bounds=Bounds(0, 1),
            constraints=LinearConstraint((costs / capacities).T, -np.inf, 1.0),
            options={"mip_rel_gap": 0.0},
        )
    return float(values[np.rint(result.x) > 0.5].sum())


def cpu_model() -> str:
    """Return the processor's model name as the kernel reports it."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def main() -> None:
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, SciPy {scipy.__version__}")
    print(f"OR-Tools {version('ortools')}, CPU: {cpu_model()}, {os.cpu_count()} cores")
    print(f"load average: {', '.join(f'{load:.1f}' for load in os.getloadavg())}")
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}\n")
    rows: list[tuple[str, float, str]] = []

    scores = ratings(10_000, 12, 5, SEED)
    weights = board_weights(12, SEED)

    def weighted_sum_case() -> None:
        aggregated = aggregate_assessments(scores)
        weighted_sum(aggregated.scores[aggregated.rankable], weights, True, scales=Scale(0, 4))

    rows.append(
        (
            "weighted sum + contributions, 10,000 × 12 × 5 assessors (incl. aggregation)",
            median_time(weighted_sum_case, 21),
            "< 50 ms",
        )
    )

    rng = np.random.default_rng(SEED)
    matrix = rng.uniform(1.0, 100.0, (10_000, 12))
    benefit = np.array([True] * 9 + [False] * 3)
    types = np.where(benefit, 1, -1)
    reference = TOPSIS(vector_normalization)
    np.testing.assert_allclose(topsis(matrix, weights, benefit), reference(matrix, weights, types))
    np.testing.assert_allclose(
        topsis(matrix, weights, benefit), bare_topsis(matrix, weights, benefit)
    )
    ours = median_time(lambda: topsis(matrix, weights, benefit), 51)
    bare = median_time(lambda: bare_topsis(matrix, weights, benefit), 51)
    theirs = median_time(lambda: reference(matrix, weights, types), 11)
    rows.append(("TOPSIS 10,000 × 12, scoring.topsis", ours, f"≤ 1.5 × bare ({ours / bare:.2f} ×)"))
    rows.append(("TOPSIS 10,000 × 12, bare NumPy kernel", bare, "the limit"))
    rows.append(("TOPSIS 10,000 × 12, pymcdm", theirs, f"scoring is {theirs / ours:.1f} × faster"))

    small = np.nanmean(ratings(500, 12, 5, SEED + 1), axis=0)
    smaa = median_time(
        lambda: rank_acceptability(
            small, weights, True, scales=Scale(0, 4), spread=0.1, samples=10_000, seed=1
        ),
        7,
    )
    rows.append(("rank acceptability, 500 ideas × 10,000 samples", smaa, "< 1 s"))

    portfolio_times = []
    highs_times = []
    for offset in range(5):
        values, costs, capacities = portfolio_round(500, SEED + offset)
        optimum = select_portfolio(values, costs, capacities).total_value
        assert abs(highs_portfolio(values, costs, capacities) - optimum) < 1e-6
        portfolio_times.append(median_time(partial(select_portfolio, values, costs, capacities), 3))
        highs_times.append(median_time(partial(highs_portfolio, values, costs, capacities), 3))
    for solver, times, target in (
        ("CP-SAT, scoring.select_portfolio", portfolio_times, "< 1 s median, < 1.5 s worst"),
        ("HiGHS (SciPy milp), scaled", highs_times, "for comparison"),
    ):
        each = ", ".join(f"{t:.2f}" for t in times)
        rows.append(
            (
                f"portfolio 500 × 3, {solver} (5 rounds: {each} s; worst {max(times):.2f} s)",
                statistics.median(times),
                target,
            )
        )

    width = max(len(name) for name, _, _ in rows)
    print(f"{'case':<{width}}  {'median':>10}  target")
    for name, seconds, target in rows:
        print(f"{name:<{width}}  {seconds * 1000:>8.1f} ms  {target}")


if __name__ == "__main__":
    main()
