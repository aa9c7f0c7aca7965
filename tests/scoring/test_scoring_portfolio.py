"""Portfolio selection: exact optimum, mandatory and excluded ideas, dependencies, limits."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import InconsistentInput, InfeasiblePortfolio, InvalidMatrix, select_portfolio


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
