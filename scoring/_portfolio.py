"""Portfolio selection: the most valuable set of ideas within budget and staff limits.

The 0-1 programme is solved in whole numbers, so that "fits" and "is worth more" are decided
exactly: each resource is counted in the finest decimal unit its amounts are written in (cents,
whole staff days), and values in steps fine enough that rounding them cannot change the total by
more than half the tie tolerance. OR-Tools' CP-SAT solver proves the optimum in these integers,
and every answer is checked before it is returned.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]

from scoring._errors import (
    InconsistentInput,
    InfeasiblePortfolio,
    InvalidMatrix,
    InvalidParameter,
    ScoringError,
)
from scoring._ties import TIE_TOLERANCE
from scoring._types import BlockedIdea, BoolArray, FloatArray, IntArray, Portfolio, freeze
from scoring._validate import as_float_array

# Every sum of whole units the solver may form stays below 2^62, inside its 64-bit integers.
_UNIT_LIMIT = 1 << 62

_DEFECT_HINT = "This is a defect of the engine; please report the values, costs and limits."


def _index_set(items: object, n: int, name: str) -> BoolArray:
    """Return a mask of the ideas named in ``items``, refusing numbers that are no idea."""
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise InvalidParameter(
            f"{name} must list idea numbers, got {items!r}.",
            hint="Give a list such as [0, 3]; in depends_on, map each idea to such a list.",
        )
    mask = np.zeros(n, dtype=bool)
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | np.integer) or not 0 <= item < n:
            raise InconsistentInput(
                f"{name} names idea {item!r}, but ideas are numbered 0…{n - 1}.",
                hint="Use the row numbers of the ideas in the values list.",
            )
        mask[int(item)] = True
    return mask


def _prerequisites(depends_on: object, n: int) -> sparse.csr_array:
    """Return the transitive closure R: R[i, j] = 1 when idea i needs idea j (directly or not)."""
    if not isinstance(depends_on, Mapping):
        raise InvalidParameter(
            f"depends_on must map ideas to the ideas they need, got {depends_on!r}.",
            hint="For example depends_on={4: [1, 2]} when idea 4 needs ideas 1 and 2.",
        )
    rows: list[int] = []
    cols: list[int] = []
    for idea, needs in depends_on.items():
        _index_set([idea], n, "depends_on")
        for need in _index_set(needs, n, "depends_on").nonzero()[0]:
            if int(need) != idea:
                rows.append(idea)
                cols.append(int(need))
    direct = sparse.csr_array(
        (np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(n, n), dtype=np.int64
    )
    closure = direct.copy()
    # Each squaring doubles the path length covered; log2(n) rounds reach every prerequisite.
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2)))))):
        grown = ((closure + closure @ closure) > 0).astype(np.int64)
        if (grown != closure).nnz == 0:
            break
        closure = grown
    # Ideas that need each other (a cycle) form a bundle; an idea never needs itself.
    closure = sparse.lil_array(closure)
    closure.setdiag(0)
    result = sparse.csr_array(closure, dtype=np.int64)
    result.eliminate_zeros()
    return result


def _written(value: float) -> Decimal:
    """Return the shortest decimal that reads back as ``value``: the amount as it was written."""
    return Decimal(repr(float(value)))


def _whole_units(amounts: FloatArray, limit: float) -> tuple[IntArray, int]:
    """Return ``amounts`` and ``limit`` of one resource in whole units of one decimal place.

    The unit is the finest place any amount that fits is written to (0.01 for cents), so that
    the integers are exact, unless (ideas + 1) × limit would then exceed 2^62 units; then costs
    are rounded up and the limit down, so a selection that fits in units also fits as written.
    An amount above the limit counts as limit + 1 unit: that idea can never be chosen.
    """
    fits = amounts <= limit
    written = [_written(a) for a in amounts[fits & (amounts > 0)]]
    if limit > 0:
        written.append(_written(limit))
    places = max((-int(d.normalize().as_tuple().exponent) for d in written), default=0)
    whole_limit = 0
    while True:
        whole_limit = int(_written(limit).scaleb(places).to_integral_value(rounding=ROUND_FLOOR))
        if (amounts.shape[0] + 1) * (whole_limit + 1) <= _UNIT_LIMIT:
            break
        places -= 1
    units = np.array(
        [
            int(_written(a).scaleb(places).to_integral_value(rounding=ROUND_CEILING))
            if fit
            else whole_limit + 1
            for a, fit in zip(amounts, fits, strict=True)
        ],
        dtype=np.int64,
    )
    return units, whole_limit


def _value_units(values: FloatArray) -> IntArray:
    """Return the values as whole steps, fine enough to keep every total within the tie rule.

    With n ideas a step is at most 10⁻⁹ / n of the largest value, so rounding moves no total
    by more than half the tie tolerance (up to about 67,000 ideas, beyond which the 2^62 limit
    of whole units makes the steps coarser).
    """
    largest = float(np.abs(values).max(initial=0.0))
    if largest == 0:
        return np.zeros(values.shape[0], dtype=np.int64)
    n = values.shape[0]
    steps = min(n / TIE_TOLERANCE, _UNIT_LIMIT / n)
    units: IntArray = np.rint(values / largest * steps).astype(np.int64)
    return units


def _bundles(
    amounts: npt.NDArray[np.generic], needs: sparse.csr_array, chosen: BoolArray
) -> npt.NDArray[np.generic]:
    """Return, per idea, its amounts plus those of its prerequisites not yet chosen."""
    missing = amounts * ~chosen.reshape(-1, *(1,) * (amounts.ndim - 1))
    bundled: npt.NDArray[np.generic] = amounts + needs @ missing
    return bundled


def _solve(
    value_units: IntArray,
    cost_units: IntArray,
    limits: IntArray,
    fixed: BoolArray,
    free: BoolArray,
    needs: sparse.csr_array,
    time_limit: float | None = None,
) -> tuple[BoolArray, bool, int]:
    """Return the choice that maximises the value units within the limits, whether CP-SAT
    proved it optimal, and the proven bound on the value units of the free ideas.

    ``fixed`` ideas are chosen whatever happens, ``free`` ones are the solver's to choose. With
    a ``time_limit`` (seconds), the solver may stop at the best choice found by then.
    """
    # OR-Tools takes about a second to import, and only portfolio selection needs it.
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    ideas = np.flatnonzero(free)
    position = np.full(free.shape[0], -1)
    position[ideas] = np.arange(ideas.shape[0])
    x = [model.new_bool_var(f"idea {i}") for i in ideas]
    left = limits - cost_units[fixed].sum(axis=0)
    for r, column in enumerate(cost_units[ideas].T):
        # A limit that all free ideas together keep needs no constraint.
        if int(column.sum()) > int(left[r]):
            model.add(cp_model.LinearExpr.weighted_sum(x, column.tolist()) <= int(left[r]))
    pairs = sparse.coo_array(needs)
    linked = free[pairs.row] & free[pairs.col]
    for i, j in zip(pairs.row[linked], pairs.col[linked], strict=True):
        model.add_implication(x[position[i]], x[position[j]])
    model.maximize(cp_model.LinearExpr.weighted_sum(x, value_units[ideas].tolist()))
    solver = cp_model.CpSolver()
    # One worker: the same round always gives the same portfolio, also among equal optima; on
    # 500 ideas it proved the optimum faster than two or eight workers on two cores. Presolve
    # is off: OR-Tools 9.15's presolve returned a worse portfolio as "optimal" when costs of
    # about 10^11 units met dependencies (a test keeps that round), and without it the solver
    # needed half the work on the benchmark's rounds.
    solver.parameters.num_workers = 1
    solver.parameters.cp_model_presolve = False
    if linked.any():
        # Only the full linear relaxation contains x_i ≤ x_j; without it, 60 random
        # dependencies among 500 ideas took seconds instead of a quarter of a second.
        solver.parameters.linearization_level = 2
    if time_limit is not None:
        solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    stopped = time_limit is not None and status in (cp_model.FEASIBLE, cp_model.UNKNOWN)
    if status != cp_model.OPTIMAL and not stopped:
        raise ScoringError(
            f"The exact solver stopped without a proven optimum ({solver.status_name(status)}).",
            hint=_DEFECT_HINT,
        )
    chosen = fixed.copy()
    # Every free idea with a positive value, all together, bound what the free ideas can add.
    bound = int(np.clip(value_units[ideas], 0, None).sum())
    if status == cp_model.UNKNOWN:
        # Stopped before any set was found: the caller fills up from the fixed ideas.
        return chosen, False, bound
    chosen[ideas] = [solver.boolean_value(choice) for choice in x]
    if math.isfinite(solver.best_objective_bound):
        bound = min(bound, math.floor(solver.best_objective_bound + 1e-6))
    return chosen, status == cp_model.OPTIMAL, bound


def _fill_up(
    chosen: BoolArray,
    unavailable: BoolArray,
    needs: sparse.csr_array,
    cost_units: IntArray,
    limits: IntArray,
    values: FloatArray,
) -> BoolArray:
    """Return ``chosen`` with every idea added, most valuable first, that still fits with its
    missing prerequisites and adds value: a set found before the time limit may leave room."""
    chosen = chosen.copy()
    threshold = TIE_TOLERANCE * np.abs(values).max(initial=0.0)
    while True:
        slack = limits - cost_units[chosen].sum(axis=0)
        fits = (_bundles(cost_units, needs, chosen) <= slack).all(axis=1)
        gains = _bundles(values, needs, chosen)
        open_ideas = ~chosen & ~unavailable & fits & (gains > threshold)
        if not open_ideas.any():
            return chosen
        best = int(np.flatnonzero(open_ideas)[np.argmax(gains[open_ideas])])
        chosen[best] = True
        chosen |= needs[[best]].toarray().ravel() > 0


def _check(
    chosen: BoolArray,
    required: BoolArray,
    unavailable: BoolArray,
    needs: sparse.csr_array,
    cost_units: IntArray,
    limits: IntArray,
    values: FloatArray,
) -> None:
    """Raise ``ScoringError`` unless ``chosen`` keeps every rule and no left-out idea still fits.

    The solver's proof is not taken on trust: the choice must respect the limits, the mandatory
    and excluded ideas and the dependencies, and no idea that may be chosen may still fit, with
    its missing prerequisites, into what is left while adding value beyond the tie tolerance.
    """
    slack = limits - cost_units[chosen].sum(axis=0)
    broken = (
        (slack < 0).any()
        or (required & ~chosen).any()
        or (chosen & unavailable).any()
        or (needs @ ~chosen)[chosen].any()
    )
    if broken:
        raise ScoringError("The solver chose a portfolio that breaks a rule.", hint=_DEFECT_HINT)
    open_ideas = ~chosen & ~unavailable
    fits = (_bundles(cost_units, needs, chosen) <= slack).all(axis=1)
    gains = _bundles(values, needs, chosen) > TIE_TOLERANCE * np.abs(values).max(initial=0.0)
    if (open_ideas & fits & gains).any():
        idea = int(np.flatnonzero(open_ideas & fits & gains)[0])
        raise ScoringError(
            f"The solver left out idea {idea}, which still fits and adds value.",
            hint=_DEFECT_HINT,
        )


def select_portfolio(
    values: npt.ArrayLike,
    costs: npt.ArrayLike,
    capacities: npt.ArrayLike,
    *,
    mandatory: Collection[int] = (),
    excluded: Collection[int] = (),
    depends_on: Mapping[int, Collection[int]] | None = None,
    time_limit: float | None = None,
) -> Portfolio:
    """Choose the ideas with the highest total value that fit every resource limit.

    ``values`` holds one value per idea (for example its weighted-sum score), ``costs`` is
    ideas × resources (budget in euros, staff days, …; a single column may be given as a flat
    list) and ``capacities`` the limit per resource. ``mandatory`` ideas (legal obligations) are
    always selected, ``excluded`` ones never; ``depends_on[i]`` lists the ideas that idea i needs,
    which are then selected too.

    Amounts are compared exactly as written in decimal (0.1 + 0.2 fits into 0.3), values up to
    the tie tolerance; the optimum is proven by CP-SAT and checked before it is returned. Raise
    ``InconsistentInput`` for contradictory sets, ``InvalidParameter`` for sets or dependencies
    that are not lists of ideas, and ``InfeasiblePortfolio`` when the mandatory ideas and their
    prerequisites alone break a limit or need an excluded idea.

    Without ``time_limit`` the solver runs until the optimum is proven. With it (seconds), it
    stops at the limit if it has not proven the optimum by then and returns the best set found
    (filled up with every idea that still fits), ``optimal`` False and the proven ``gap``.
    """
    v = as_float_array(values, "values").ravel()
    n = v.shape[0]
    c = as_float_array(costs, "costs")
    if c.ndim == 1:
        c = c[:, None]
    cap = as_float_array(capacities, "capacities").ravel()
    if n == 0 or c.shape != (n, cap.shape[0]) or cap.shape[0] == 0:
        raise InvalidMatrix(
            f"Costs must be ideas × resources ({n} × {cap.shape[0]}), got shape {c.shape}.",
            hint="One row per idea, one column per resource, one capacity per resource.",
        )
    if not (np.isfinite(v).all() and np.isfinite(c).all() and np.isfinite(cap).all()):
        raise InvalidMatrix(
            "Values, costs and capacities must be finite numbers.", hint="Fill in missing costs."
        )
    try:
        math.fsum(np.abs(v))
    except OverflowError as exc:
        raise InvalidMatrix(
            "The values are too large to be added up.",
            hint="Use scores such as the weighted sum (0…1) as values.",
        ) from exc
    if (c < 0).any() or (cap < 0).any():
        raise InvalidMatrix(
            "Costs and capacities cannot be negative.",
            hint="Record savings as value, not as negative cost.",
        )
    must = _index_set(mandatory, n, "mandatory")
    never = _index_set(excluded, n, "excluded")
    if (must & never).any():
        idea = int(np.flatnonzero(must & never)[0])
        raise InconsistentInput(
            f"Idea {idea} is both mandatory and excluded.", hint="Remove it from one of the two."
        )
    needs = _prerequisites({} if depends_on is None else depends_on, n)
    required = must | (needs.T @ must > 0)
    if (required & never).any():
        idea = int(np.flatnonzero(required & never)[0])
        raise InfeasiblePortfolio(
            f"Idea {idea} is excluded, but a mandatory idea depends on it.",
            hint="Allow that idea, or drop the dependency.",
        )
    # Ideas that need an excluded idea cannot be selected either.
    blocked_by_exclusion = never | (needs @ never > 0)
    columns = [_whole_units(c[:, r], float(cap[r])) for r in range(cap.shape[0])]
    cost_units = np.column_stack([units for units, _ in columns])
    limits = np.array([limit for _, limit in columns], dtype=np.int64)
    over = cost_units[required].sum(axis=0) > limits
    if over.any():
        resource = int(np.flatnonzero(over)[0])
        base_use = math.fsum(c[required, resource])
        raise InfeasiblePortfolio(
            f"The mandatory ideas and their prerequisites need {base_use:,.2f} of "
            f"resource {resource}, more than its limit of {cap[resource]:,.2f}.",
            hint="Raise that limit or review which ideas are mandatory.",
        )
    # An idea larger than a whole limit can never be chosen, nor any idea that needs it.
    too_large = (cost_units > limits).any(axis=1)
    unavailable = blocked_by_exclusion | too_large | (needs @ too_large > 0)
    free = ~required & ~unavailable
    if time_limit is not None and not (math.isfinite(time_limit) and time_limit > 0):
        raise InvalidParameter(
            f"time_limit must be a positive number of seconds, got {time_limit!r}.",
            hint="Give for example 10, or None to wait for the proven optimum.",
        )
    value_units = _value_units(v)
    optimal, bound_units = True, 0
    if free.any():
        chosen, optimal, bound_units = _solve(
            value_units, cost_units, limits, required, free, needs, time_limit
        )
        if not optimal:
            chosen = _fill_up(chosen, unavailable, needs, cost_units, limits, v)
    else:
        chosen = required
    _check(chosen, required, unavailable, needs, cost_units, limits, v)
    total_value = math.fsum(v[chosen])
    bound, gap = total_value, 0.0
    if not optimal:
        # The solver's bound counts value units of the free ideas; the fixed ones add theirs.
        largest = float(np.abs(v).max(initial=0.0))
        scale = largest / max(float(value_units.max(initial=0)), 1.0)
        bound = max(total_value, (bound_units + int(value_units[required].sum())) * scale)
        gap = (bound - total_value) / bound if bound > 0 else 0.0
    # Reported amounts are the exact decimal sums of the amounts as written, so a budget spent
    # to the cent shows a slack of exactly 0.
    used_written = [
        sum((_written(a) for a in c[chosen, r]), Decimal(0)) for r in range(cap.shape[0])
    ]
    used = np.array([float(u) for u in used_written])
    slack = np.array(
        [float(_written(limit) - u) for limit, u in zip(cap, used_written, strict=True)]
    )
    # An idea is kept out by a limit if adding it and its missing prerequisites would exceed it.
    left_slack = limits - cost_units[chosen].sum(axis=0)
    outside = ~chosen & ~blocked_by_exclusion & (v > 0)
    exceeds = _bundles(cost_units, needs, chosen)[outside] > left_slack
    blocked = tuple(
        BlockedIdea(idea=int(idea), resources=tuple(int(r) for r in np.flatnonzero(row)))
        for idea, row in zip(np.flatnonzero(outside), exceeds, strict=True)
        if row.any()
    )
    binding = tuple(int(r) for r in np.flatnonzero(exceeds.any(axis=0))) if blocked else ()
    return Portfolio(
        selected=tuple(int(i) for i in np.flatnonzero(chosen)),
        total_value=total_value,
        used=freeze(used),
        capacities=freeze(cap.copy()),
        slack=freeze(slack),
        binding=binding,
        blocked=blocked,
        optimal=optimal,
        bound=bound,
        gap=gap,
    )
