"""Portfolio selection: exact optimum, mandatory and excluded ideas, dependencies, limits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import (
    TIE_TOLERANCE,
    InconsistentInput,
    InfeasiblePortfolio,
    InvalidMatrix,
    InvalidParameter,
    ScoringError,
    select_portfolio,
)


def brute_force(
    values: np.ndarray,
    costs: np.ndarray,
    capacities: np.ndarray,
    mandatory: set[int],
    excluded: set[int],
    depends_on: dict[int, list[int]],
) -> float:
    best = -np.inf
    n = values.size
    for choice in itertools.product([0, 1], repeat=n):
        x = np.array(choice, dtype=bool)
        if any(not x[i] for i in mandatory) or any(x[i] for i in excluded):
            continue
        if any(x[i] and not x[j] for i, needs in depends_on.items() for j in needs):
            continue
        if (costs[x].sum(axis=0) > capacities + 1e-9).any():
            continue
        best = max(best, float(values[x].sum()))
    return best


def test_classic_knapsack() -> None:
    """Kreher & Stinson (1999), Combinatorial Algorithms, 0-1 knapsack instance P01 (as in
    J. Burkardt's KNAPSACK_01 data sets): profits 92 57 49 68 60 43 67 84 87 72, weights
    23 31 29 44 53 38 63 85 89 82, capacity 165; optimum 309 with items 1, 2, 3, 4 and 6."""
    values = [92, 57, 49, 68, 60, 43, 67, 84, 87, 72]
    weights = [23, 31, 29, 44, 53, 38, 63, 85, 89, 82]
    portfolio = select_portfolio(values, weights, [165])
    assert portfolio.total_value == 309
    assert portfolio.selected == (0, 1, 2, 3, 5)
    assert portfolio.used.tolist() == [165]
    assert portfolio.binding == (0,)


def test_mandatory_excluded_and_dependencies() -> None:
    values = np.array([5.0, 4.0, 3.0, 2.0, 9.0, 1.0])
    costs = np.array([[4, 1], [3, 1], [2, 2], [1, 1], [6, 3], [1, 0]], dtype=float)
    capacities = np.array([10.0, 5.0])
    portfolio = select_portfolio(
        values, costs, capacities, mandatory=[3], excluded=[0], depends_on={4: [5], 2: [1]}
    )
    expected = brute_force(values, costs, capacities, {3}, {0}, {4: [5], 2: [1]})
    assert portfolio.total_value == pytest.approx(expected)
    assert 3 in portfolio.selected
    assert 0 not in portfolio.selected
    if 4 in portfolio.selected:
        assert 5 in portfolio.selected
    np.testing.assert_allclose(portfolio.slack, capacities - portfolio.used)


def test_transitive_dependencies_are_followed() -> None:
    # Idea 0 needs 1, which needs 2; 2 is excluded, so neither 0 nor 1 can be chosen.
    portfolio = select_portfolio(
        [10, 1, 1, 3], [1, 1, 1, 1], [4], excluded=[2], depends_on={0: [1], 1: [2]}
    )
    assert portfolio.selected == (3,)
    assert portfolio.binding == ()
    assert portfolio.blocked == ()


def test_ideas_that_need_each_other_form_a_bundle() -> None:
    portfolio = select_portfolio([3, 3, 5], [2, 2, 3], [4], depends_on={0: [1], 1: [0]})
    assert portfolio.selected == (0, 1)
    assert portfolio.total_value == 6
    blocked = {b.idea: b.resources for b in portfolio.blocked}
    assert blocked == {2: (0,)}
    portfolio = select_portfolio([3, 3, 7], [2, 2, 3], [4], depends_on={0: [1], 1: [0]})
    assert portfolio.selected == (2,)
    # Adding idea 0 would bring idea 1 along: 2 + 2 more on top of 3 exceeds 4.
    assert {b.idea for b in portfolio.blocked} == {0, 1}


def test_blocked_ideas_name_the_limits_they_break() -> None:
    values = [3.0, 2.9, 1.0]
    costs = [[5, 1], [5, 5], [1, 9]]
    portfolio = select_portfolio(values, costs, [6, 6])
    assert portfolio.selected == (0,)
    blocked = {b.idea: b.resources for b in portfolio.blocked}
    assert blocked == {1: (0,), 2: (1,)}
    assert portfolio.binding == (0, 1)


def test_infeasible_mandatory_set_is_explained() -> None:
    with pytest.raises(InfeasiblePortfolio, match="resource 1") as error:
        select_portfolio([1, 1], [[1, 5], [1, 5]], [10, 8], mandatory=[0, 1])
    assert "limit" in error.value.hint
    with pytest.raises(InfeasiblePortfolio, match="excluded, but a mandatory idea"):
        select_portfolio([1, 1], [1, 1], [5], mandatory=[0], excluded=[1], depends_on={0: [1]})


def test_contradictions_and_bad_input() -> None:
    with pytest.raises(InconsistentInput, match="both mandatory and excluded"):
        select_portfolio([1, 1], [1, 1], [5], mandatory=[0], excluded=[0])
    with pytest.raises(InconsistentInput, match="numbered 0…1"):
        select_portfolio([1, 1], [1, 1], [5], mandatory=[2])
    with pytest.raises(InvalidMatrix, match="ideas × resources"):
        select_portfolio([1, 1], [[1, 1, 1]], [5])
    with pytest.raises(InvalidMatrix, match="negative"):
        select_portfolio([1, 1], [1, -1], [5])


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 100_000))
def test_matches_brute_force_on_random_rounds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 11))
    values = np.round(rng.uniform(0, 1, n), 3)
    costs = rng.integers(0, 10, (n, 2)).astype(float)
    capacities = costs.sum(axis=0) * rng.uniform(0.2, 0.8, 2)
    ideas = list(range(n))
    rng.shuffle(ideas)
    mandatory = {ideas[0]} if costs[ideas[0]].max() == 0 or rng.random() < 0.3 else set()
    excluded = {ideas[1]} if rng.random() < 0.3 else set()
    depends_on = {ideas[2]: [ideas[3]]} if n > 3 and rng.random() < 0.5 else {}
    try:
        portfolio = select_portfolio(
            values, costs, capacities, mandatory=mandatory, excluded=excluded,
            depends_on=depends_on,
        )  # fmt: skip
    except InfeasiblePortfolio:
        assert brute_force(values, costs, capacities, mandatory, excluded, depends_on) == -np.inf
        return
    expected = brute_force(values, costs, capacities, mandatory, excluded, depends_on)
    assert portfolio.total_value == pytest.approx(expected, abs=1e-9)
    assert (portfolio.used <= capacities + 1e-9).all()


def test_exact_on_a_large_round() -> None:
    """500 ideas: the selection's value equals the optimum HiGHS proves for the bare problem."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    rng = np.random.default_rng(4)
    n = 500
    values = np.round(rng.uniform(0.2, 0.9, n), 2)
    costs = np.column_stack(
        [np.round(rng.lognormal(10, 0.8, n), -3), rng.choice([5, 10, 20, 40], n)]
    ).astype(float)
    capacities = costs.sum(axis=0) * 0.2
    portfolio = select_portfolio(values, costs, capacities)
    whole = milp(
        -values,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(costs.T, -np.inf, capacities),
        options={"mip_rel_gap": 0},
    )
    assert portfolio.total_value == pytest.approx(-whole.fun, abs=1e-6)


# --- exact arithmetic on euro and staff-day scales -----------------------------------------


def test_euro_costs_reach_the_optimum() -> None:
    """Costs in euros with many decimals: idea 4 (3,327,916 €) fits into what is left."""
    values = [0.7519826093972016, 0.31741909455972095, 0.6257038532575614, 0.5794779370930078,
              0.07564464602785337, 0.35561974998878565, 0.7336475872124003, 0.40823073516645425,
              0.7919705844776813, 0.03015996850860181]  # fmt: skip
    costs = [39839467.22223591, 44895858.851127855, 9045825.56743663, 23539083.914425917,
             3327916.027659927, 18106133.494192123, 21872229.191795353, 11426689.741882088,
             30083408.518969946, 13687198.873850979]  # fmt: skip
    portfolio = select_portfolio(values, costs, [1.404694e8])
    assert portfolio.selected == (0, 2, 3, 4, 6, 7, 8)
    assert portfolio.total_value == pytest.approx(3.96665795263216, abs=1e-12)
    assert portfolio.slack[0] == pytest.approx(1334779.81559423, abs=1e-6)
    # At 1e9 (values) and 30 times the costs the problem is the same, never "infeasible".
    scaled = select_portfolio(np.array(values) * 1e9, np.array(costs) * 30, [1.404694e8 * 30])
    assert scaled.selected == portfolio.selected


def test_amounts_count_as_written_in_decimal() -> None:
    """0.1 + 0.2 fits into 0.3 (in binary floating point it exceeds it by 5.6e-17)."""
    portfolio = select_portfolio([1, 1, 1], [0.1, 0.2, 0.3], [0.3])
    assert portfolio.selected == (0, 1)
    assert portfolio.used.tolist() == [0.3]
    assert portfolio.slack.tolist() == [0.0]
    # A budget spent to the cent.
    portfolio = select_portfolio([2, 1, 1], [19.99, 80.01, 80.02], [100.00])
    assert portfolio.selected == (0, 1)
    assert portfolio.slack.tolist() == [0.0]


def test_ideas_larger_than_a_limit_are_blocked_by_it() -> None:
    portfolio = select_portfolio([5, 1, 1], [[50, 1], [1, 1], [1, 1]], [10, 10])
    assert portfolio.selected == (1, 2)
    assert [(b.idea, b.resources) for b in portfolio.blocked] == [(0, (0,))]
    # An idea that needs an oversized idea cannot be chosen either.
    portfolio = select_portfolio([5, 9, 1], [50, 1, 1], [10], depends_on={1: [0]})
    assert portfolio.selected == (2,)
    assert {b.idea for b in portfolio.blocked} == {0, 1}


def test_the_solver_writes_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    rng = np.random.default_rng(5)
    values = rng.uniform(0, 1, 60)
    costs = np.column_stack([np.round(rng.lognormal(10, 1, 60), 2), rng.integers(1, 40, 60)])
    select_portfolio(values, costs, costs.sum(axis=0) / 3, depends_on={3: [4], 5: [3]})
    captured = capfd.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_every_answer_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer that leaves out an idea which still fits is refused, not returned."""
    monkeypatch.setattr(
        "scoring._portfolio._solve", lambda *arguments: (np.array([True, False, False]), True, 0)
    )
    with pytest.raises(ScoringError, match="left out idea 1"):
        select_portfolio([3, 2, 1], [1, 1, 1], [2])
    monkeypatch.setattr(
        "scoring._portfolio._solve", lambda *arguments: (np.array([True, True, True]), True, 0)
    )
    with pytest.raises(ScoringError, match="breaks a rule"):
        select_portfolio([3, 2, 1], [1, 1, 1], [2])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"depends_on": {0: 1}}, "depends_on must list idea numbers"),
        ({"depends_on": [1]}, "depends_on must map ideas"),
        ({"mandatory": 1}, "mandatory must list idea numbers"),
        ({"excluded": "1"}, "excluded must list idea numbers"),
    ],
)
def test_sets_and_dependencies_must_list_ideas(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidParameter, match=message) as error:
        select_portfolio([1, 1], [1, 1], [1], **kwargs)  # type: ignore[arg-type]
    assert error.value.hint


def test_values_too_large_to_add_up_are_refused() -> None:
    with pytest.raises(InvalidMatrix, match="too large"):
        select_portfolio([1e308, 1e308], [1, 1], [2])


def exhaustive_optimum(
    values: np.ndarray,
    units: np.ndarray,
    limits: np.ndarray,
    mandatory: set[int],
    excluded: set[int],
    depends_on: dict[int, list[int]],
) -> float:
    """Try every subset, with amounts in whole units (cents, staff days): exact arithmetic."""
    n = values.size
    subsets = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    feasible = (subsets.astype(np.int64) @ units <= limits).all(axis=1)
    for i in mandatory:
        feasible &= subsets[:, i]
    for i in excluded:
        feasible &= ~subsets[:, i]
    for i, needs in depends_on.items():
        for j in needs:
            feasible &= ~subsets[:, i] | subsets[:, j]
    return float((subsets[feasible] @ values).max()) if feasible.any() else -np.inf


def random_round(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict]:
    """Return a round of up to 18 ideas: values, costs in € (cents) and staff days, rules."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(4, 19))
    cents = np.round(rng.lognormal(np.log(rng.choice([2e4, 3e6, 4e8])), 1.0, n) * 100)
    days = rng.integers(1, 200, n)
    units = np.column_stack([cents, days]).astype(np.int64)
    limits = (units.sum(axis=0) * rng.uniform(0.15, 0.85, 2)).astype(np.int64)
    values = rng.uniform(0, 1, n) * rng.choice([1.0, 1e9, 1e-6])
    ideas = [int(i) for i in rng.permutation(n)]
    mandatory = {ideas[0]} if rng.random() < 0.3 else set()
    excluded = {ideas[1]} if rng.random() < 0.3 else set()
    depends_on = {ideas[k]: [ideas[k + 1]] for k in range(2, min(n - 1, 6)) if rng.random() < 0.5}
    rules = {"mandatory": mandatory, "excluded": excluded, "depends_on": depends_on}
    return values, units, limits, np.array([100.0, 1.0]), rules


def check_against_exhaustive_search(seed: int) -> None:
    values, units, limits, per_unit, rules = random_round(seed)
    costs = units / per_unit
    capacities = limits / per_unit
    best = exhaustive_optimum(values, units, limits, **rules)
    try:
        portfolio = select_portfolio(values, costs, capacities, **rules)
    except InfeasiblePortfolio:
        assert best == -np.inf
        return
    assert portfolio.total_value == pytest.approx(best, abs=TIE_TOLERANCE * values.max())
    chosen = np.isin(np.arange(values.size), portfolio.selected)
    assert (units[chosen].sum(axis=0) <= limits).all()
    assert all(chosen[j] for i, needs in rules["depends_on"].items() if chosen[i] for j in needs)


# Round 229 has costs of about 10^11 cents and dependencies; the solver's presolve once
# returned a worse portfolio for it as optimal.
@pytest.mark.parametrize("seed", [*range(12), 229])
def test_matches_exhaustive_search_on_euro_and_staff_day_scales(seed: int) -> None:
    check_against_exhaustive_search(seed)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12, 3000))
def test_matches_exhaustive_search_many_rounds(seed: int) -> None:
    check_against_exhaustive_search(seed)


@pytest.mark.slow
def test_dependencies_among_500_ideas_stay_fast() -> None:
    """Random prerequisites make the knapsack much harder for a solver without them in its
    linear relaxation; the optimum must still come within seconds."""
    import time

    rng = np.random.default_rng(8)
    n = 500
    values = rng.uniform(0.2, 0.9, n)
    costs = np.column_stack([np.round(rng.lognormal(10, 0.8, n), -3), rng.integers(2, 80, n)])
    depends_on = {int(i): [int(j) for j in rng.choice(n, 2)] for i in rng.choice(n, 120)}
    start = time.perf_counter()
    select_portfolio(values, costs, costs.sum(axis=0) * 0.2, depends_on=depends_on)
    assert time.perf_counter() - start < 10


def test_a_time_limit_returns_the_best_set_found_and_its_proven_gap() -> None:
    """A solver stopped by the time limit: the set found, filled up, keeps every rule, and the
    gap says how far from the best it can at most be."""
    rng = np.random.default_rng(7)
    n = 2_000
    values = rng.random(n)
    costs = np.column_stack([rng.integers(1_000, 500_000, n), rng.integers(1, 200, n)])
    capacities = costs.sum(axis=0) * 0.3
    depends_on = {int(i): [int(i) - 1] for i in rng.choice(np.arange(1, n), 5, replace=False)}

    stopped = select_portfolio(values, costs, capacities, depends_on=depends_on, time_limit=0.01)

    chosen = np.zeros(n, dtype=bool)
    chosen[list(stopped.selected)] = True
    assert (costs[chosen].sum(axis=0) <= capacities).all()
    assert all(chosen[need[0]] for idea, need in depends_on.items() if chosen[idea])
    assert stopped.bound >= stopped.total_value
    assert 0 <= stopped.gap < 1
    assert stopped.gap == pytest.approx((stopped.bound - stopped.total_value) / stopped.bound)
    if stopped.optimal:
        assert stopped.gap == 0


def test_without_a_time_limit_the_optimum_is_proven() -> None:
    found = select_portfolio([3, 2, 1], [1, 1, 1], [2], time_limit=10)

    assert found.selected == (0, 1)
    assert found.optimal
    assert found.gap == 0


@pytest.mark.parametrize("limit", [0, -1, float("nan"), float("inf")])
def test_a_time_limit_must_be_positive(limit: float) -> None:
    with pytest.raises(InvalidParameter, match="time_limit"):
        select_portfolio([3, 2, 1], [1, 1, 1], [2], time_limit=limit)
