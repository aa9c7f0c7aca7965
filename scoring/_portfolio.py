"""Portfolio selection: the most valuable set of ideas within budget and staff limits."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping

import numpy as np
import numpy.typing as npt
from scipy import sparse  # type: ignore[import-untyped]
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from scoring._errors import InconsistentInput, InfeasiblePortfolio, InvalidMatrix, ScoringError
from scoring._types import BlockedIdea, BoolArray, FloatArray, Portfolio, freeze
from scoring._validate import as_float_array


def _index_set(items: Iterable[int], n: int, name: str) -> BoolArray:
    """Return a mask of the ideas named in ``items``, refusing numbers that are no idea."""
    mask = np.zeros(n, dtype=bool)
    for item in items:
        if isinstance(item, bool) or not isinstance(item, int | np.integer) or not 0 <= item < n:
            raise InconsistentInput(
                f"{name} names idea {item!r}, but ideas are numbered 0…{n - 1}.",
                hint="Use the row numbers of the ideas in the values list.",
            )
        mask[int(item)] = True
    return mask


def _prerequisites(depends_on: Mapping[int, Collection[int]], n: int) -> sparse.csr_array:
    """Return the transitive closure R: R[i, j] = 1 when idea i needs idea j (directly or not)."""
    rows: list[int] = []
    cols: list[int] = []
    for idea, needs in depends_on.items():
        _index_set([idea], n, "depends_on")
        for need in _index_set(list(needs), n, "depends_on").nonzero()[0]:
            if int(need) != idea:
                rows.append(idea)
                cols.append(int(need))
    direct = sparse.csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    closure = direct.copy()
    # Each squaring doubles the path length covered; log2(n) rounds reach every prerequisite.
    for _ in range(max(1, int(np.ceil(np.log2(max(n, 2)))))):
        grown = ((closure + closure @ closure) > 0).astype(np.float64)
        if (grown != closure).nnz == 0:
            break
        closure = grown
    # Ideas that need each other (a cycle) form a bundle; an idea never needs itself.
    closure = sparse.lil_array(closure)
    closure.setdiag(0)
    result = sparse.csr_array(closure)
    result.eliminate_zeros()
    return result


def _solve(
    values: FloatArray,
    a_ub: sparse.csr_array,
    b_ub: FloatArray,
    lower: FloatArray,
    upper: FloatArray,
) -> FloatArray:
    """Solve max values·x subject to a_ub x ≤ b_ub, x binary within [lower, upper].

    ``mip_rel_gap=0`` makes HiGHS prove optimality instead of stopping at its default 0.01 %
    gap; its absolute tolerance of 1e-6 on the total value remains, far below any difference a
    board could see in scores.
    """
    result = milp(
        -values,
        integrality=np.ones(values.shape[0]),
        bounds=Bounds(lower, upper),
        constraints=LinearConstraint(a_ub, -np.inf, b_ub),
        options={"mip_rel_gap": 0.0},
    )
    if result.status != 0 or result.x is None:
        raise ScoringError(
            f"The exact solver stopped without an answer ({result.message}).",
            hint="Check the costs and capacities for extreme values.",
        )
    x: FloatArray = np.rint(np.asarray(result.x, dtype=np.float64))
    return x


def select_portfolio(
    values: npt.ArrayLike,
    costs: npt.ArrayLike,
    capacities: npt.ArrayLike,
    *,
    mandatory: Collection[int] = (),
    excluded: Collection[int] = (),
    depends_on: Mapping[int, Collection[int]] | None = None,
) -> Portfolio:
    """Choose the ideas with the highest total value that fit every resource limit.

    ``values`` holds one value per idea (for example its weighted-sum score), ``costs`` is
    ideas × resources (budget in euros, staff days, …; a single column may be given as a flat
    list) and ``capacities`` the limit per resource. ``mandatory`` ideas (legal obligations) are
    always selected, ``excluded`` ones never; ``depends_on[i]`` lists the ideas that idea i needs,
    which are then selected too. The 0-1 programme is solved exactly with SciPy's MILP (HiGHS).

    Raise ``InconsistentInput`` for contradictory sets and ``InfeasiblePortfolio`` when the
    mandatory ideas and their prerequisites alone break a limit or need an excluded idea.
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
    needs = _prerequisites(depends_on or {}, n)
    required = must | (needs.T @ must.astype(np.float64) > 0)
    if (required & never).any():
        idea = int(np.flatnonzero(required & never)[0])
        raise InfeasiblePortfolio(
            f"Idea {idea} is excluded, but a mandatory idea depends on it.",
            hint="Allow that idea, or drop the dependency.",
        )
    # Ideas that need an excluded idea cannot be selected either.
    blocked_by_exclusion = never | (needs @ never.astype(np.float64) > 0)
    base_use = c[required].sum(axis=0)
    over = base_use > cap * (1 + 1e-12)
    if over.any():
        resource = int(np.flatnonzero(over)[0])
        raise InfeasiblePortfolio(
            f"The mandatory ideas and their prerequisites need {base_use[resource]:,.2f} of "
            f"resource {resource}, more than its limit of {cap[resource]:,.2f}.",
            hint="Raise that limit or review which ideas are mandatory.",
        )
    lower = required.astype(np.float64)
    upper = (~blocked_by_exclusion).astype(np.float64)
    direct = sparse.coo_array(needs)
    # x_i ≤ x_j for every (transitive) prerequisite j of idea i.
    dependency_rows = sparse.csr_array(
        (
            np.r_[np.ones(direct.nnz), -np.ones(direct.nnz)],
            (np.r_[np.arange(direct.nnz), np.arange(direct.nnz)], np.r_[direct.row, direct.col]),
        ),
        shape=(direct.nnz, n),
    )
    a_ub = sparse.csr_array(sparse.vstack([sparse.csr_array(c.T), dependency_rows]))
    b_ub = np.r_[cap, np.zeros(direct.nnz)]
    x = lower if (lower == upper).all() else _solve(v, a_ub, b_ub, lower, upper)
    selected = x > 0.5
    used = c[selected].sum(axis=0)
    slack = cap - used
    # An idea is kept out by a limit if adding it and its missing prerequisites would exceed it.
    outside = ~selected & ~blocked_by_exclusion & (v > 0)
    candidates = np.flatnonzero(outside)
    missing = needs[candidates] if candidates.size else sparse.csr_array((0, n))
    extra = c[candidates] + (missing.multiply(~selected[None, :]) @ c if candidates.size else 0)
    exceeds = extra > slack + 1e-9 * np.maximum(cap, 1.0)
    blocked = tuple(
        BlockedIdea(idea=int(idea), resources=tuple(int(r) for r in np.flatnonzero(row)))
        for idea, row in zip(candidates, exceeds, strict=True)
        if row.any()
    )
    binding = tuple(int(r) for r in np.flatnonzero(exceeds.any(axis=0))) if blocked else ()
    return Portfolio(
        selected=tuple(int(i) for i in np.flatnonzero(selected)),
        total_value=float(v[selected].sum()),
        used=freeze(used),
        capacities=freeze(cap.copy()),
        slack=freeze(slack),
        binding=binding,
        blocked=blocked,
    )
