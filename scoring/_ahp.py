"""Analytic Hierarchy Process: priority weights, consistency, completion of missing judgments."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# SciPy ships no type information; scipy-stubs is not a dependency of the project.
from scipy import optimize  # type: ignore[import-untyped]
from scipy.sparse import csgraph  # type: ignore[import-untyped]

from scoring._errors import InconsistentInput, InvalidMatrix, InvalidParameter
from scoring._types import AhpResult, FloatArray, Judgment, freeze
from scoring._validate import as_float_array

#: Random indices, the mean CI of random reciprocal matrices of order n = 3…15.
RANDOM_INDICES: dict[str, tuple[float, ...]] = {
    # Saaty's classic table (Saaty 1980, The Analytic Hierarchy Process).
    "saaty": (0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59),
    # Alonso & Lamata (2006), Int. J. Uncertainty, Fuzziness and Knowledge-Based Systems
    # 14(4):445-459.
    "alonso-lamata": (
        0.5245,
        0.8815,
        1.1086,
        1.2479,
        1.3417,
        1.4056,
        1.4499,
        1.4854,
        1.5141,
        1.5365,
        1.5551,
        1.5713,
        1.5838,
    ),
    # Donegan & Dodd (1991), Mathematical and Computer Modelling 15(10):135-137.
    "donegan-dodd": (
        0.4914,
        0.8286,
        1.0591,
        1.1797,
        1.2519,
        1.3171,
        1.3733,
        1.4055,
        1.4213,
        1.4497,
        1.4643,
        1.4822,
        1.4969,
    ),
}

# Users type 1/8 as 0.13; a 5 % tolerance accepts any two-decimal rounding of Saaty's
# reciprocals, and the upper triangle is then authoritative.
_RECIPROCAL_RTOL = 0.05

# Suggested judgments stay on Saaty's scale 1/9 … 9.
_LOG_SCALE_END = float(np.log(9.0))


def random_index(n: int, table: str) -> float:
    """Return the random index RI of order ``n`` from ``table`` (0 for n ≤ 2)."""
    if not isinstance(table, str) or table not in RANDOM_INDICES:
        raise InvalidParameter(
            f"Unknown random index table {table!r}.",
            hint=f"Use one of {', '.join(sorted(RANDOM_INDICES))}.",
        )
    if n <= 2:
        return 0.0
    values = RANDOM_INDICES[table]
    if n - 3 >= len(values):
        raise InvalidParameter(
            f"The random index table {table!r} covers 3 to {len(values) + 2} items, not {n}.",
            hint="Compare at most 15 items at once; group criteria into a hierarchy.",
        )
    return values[n - 3]


def _comparison_matrix(matrix: npt.ArrayLike, name: str = "comparison matrix") -> FloatArray:
    """Return a checked reciprocal matrix; NaN marks a missing judgment and its reciprocal."""
    a = as_float_array(matrix, name)
    if a.ndim != 2 or a.shape[0] != a.shape[1] or a.shape[0] == 0:
        raise InvalidMatrix(
            f"A pairwise comparison matrix must be square, got shape {a.shape}.",
            hint="Compare every item with every other item: n rows and n columns.",
        )
    n = a.shape[0]
    if not np.allclose(np.diag(a), 1.0):
        raise InvalidMatrix(
            "Every item must be compared with itself as 1 (the diagonal).",
            hint="Set a[i][i] = 1.",
        )
    missing = np.isnan(a)
    if (missing != missing.T).any():
        i, j = (int(v) for v in np.argwhere(missing != missing.T)[0])
        raise InvalidMatrix(
            f"The comparison of item {i} with item {j} is missing but its reciprocal is given.",
            hint="Leave both a[i][j] and a[j][i] empty, or give both.",
        )
    given = a[~missing]
    if not (np.isfinite(given).all() and (given > 0).all()):
        raise InvalidMatrix(
            "Judgments must be positive numbers such as 1/9 … 9.",
            hint="Write 'j is 3 times as important as i' as a[i][j] = 1/3.",
        )
    product = a * a.T
    bad = ~missing & (np.abs(product - 1.0) > _RECIPROCAL_RTOL)
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise InvalidMatrix(
            f"The matrix is not reciprocal: a[{i}][{j}] = {a[i, j]:g} but a[{j}][{i}] = "
            f"{a[j, i]:g}.",
            hint="If i is x times as important as j, j is 1/x times as important as i.",
        )
    lower = np.tril(np.ones((n, n), dtype=bool), -1)
    with np.errstate(divide="ignore", invalid="ignore"):
        full = np.where(lower, 1.0 / a.T, a)
    np.fill_diagonal(full, 1.0)
    return full


def _perron(a: FloatArray) -> tuple[float, FloatArray]:
    """Return λmax and the principal right eigenvector (sum 1) of a positive matrix."""
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    return float(values[k].real), w / w.sum()


def _lambda_and_gradient(
    x: FloatArray, a: FloatArray, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]
) -> tuple[float, FloatArray]:
    """Return λmax of ``a`` with a[rows, cols] = exp(x) and its gradient in ``x``."""
    a = a.copy()
    a[rows, cols] = np.exp(x)
    a[cols, rows] = np.exp(-x)
    lam, w = _perron(a)
    _, v = _perron(a.T)
    # dλ/da_ij = v_i w_j / (vᵀw) (Perron root of a positive matrix is simple); chain rule through
    # a_ij = e^x and a_ji = e^-x.
    scale = float(v @ w)
    grad = (v[rows] * w[cols] * a[rows, cols] - v[cols] * w[rows] * a[cols, rows]) / scale
    return lam, grad


def _log_least_squares(a: FloatArray, known: npt.NDArray[np.bool_]) -> FloatArray:
    """Return log weights fitting the known judgments best (the starting point of completion)."""
    n = a.shape[0]
    adjacency = (known & ~np.eye(n, dtype=bool)).astype(np.float64)
    laplacian = np.diag(adjacency.sum(1)) - adjacency
    logs = np.where(known & (adjacency > 0), np.log(np.where(known, a, 1.0)), 0.0)
    rhs = logs.sum(1)
    # The Laplacian is singular (weights are relative); pinning the mean to 0 makes it regular.
    u: FloatArray = np.linalg.lstsq(laplacian + 1.0 / n, rhs, rcond=None)[0]
    return u


def _complete(
    a: FloatArray, missing_upper: list[tuple[int, int]]
) -> tuple[FloatArray, float, FloatArray]:
    """Fill the missing judgments so that λmax is minimal; return (matrix, λmax, log values).

    Bozóki, Fülöp & Rónyai (2010) show that λmax is a convex function of the logarithms of the
    missing entries, so a local minimum is the global one; it is unique when the graph of the
    known comparisons is connected.
    """
    n = a.shape[0]
    rows = np.array([i for i, _ in missing_upper], dtype=np.intp)
    cols = np.array([j for _, j in missing_upper], dtype=np.intp)
    known = np.ones((n, n), dtype=bool)
    known[rows, cols] = False
    known[cols, rows] = False
    u = _log_least_squares(a, known)
    x0 = u[rows] - u[cols]
    base = np.where(known, a, 1.0)
    if len(missing_upper) == 1:

        def objective(t: float) -> float:
            return _lambda_and_gradient(np.array([t]), base, rows, cols)[0]

        found = optimize.minimize_scalar(
            objective, bracket=(x0[0] - 1.0, x0[0] + 1.0), method="brent", tol=1e-12
        )
        x = np.array([float(found.x)])
    else:
        found = optimize.minimize(
            _lambda_and_gradient,
            x0,
            args=(base, rows, cols),
            jac=True,
            method="BFGS",
            options={"gtol": 1e-11, "maxiter": 500},
        )
        x = np.asarray(found.x, dtype=np.float64)
    completed = base.copy()
    completed[rows, cols] = np.exp(x)
    completed[cols, rows] = np.exp(-x)
    lam, _ = _perron(completed)
    return completed, lam, x


def _connected(known: npt.NDArray[np.bool_]) -> bool:
    count, _ = csgraph.connected_components(known.astype(np.int8), directed=False)
    return int(count) == 1


def _most_inconsistent(
    a: FloatArray, missing: list[tuple[int, int]], lam: float, ri: float
) -> Judgment | None:
    """Find the given judgment whose best replacement lowers λmax the most.

    Each given judgment is in turn treated as missing and the matrix completed optimally, as in
    Bozóki, Fülöp & Poesz (2015); the judgment with the lowest λmax after that wins, the smallest
    needed change breaking ties.
    """
    n = a.shape[0]
    if n <= 2 or lam - n <= 1e-9:
        return None
    known = ~np.isnan(a)
    best: tuple[float, float, Judgment] | None = None
    for i in range(n):
        for j in range(i + 1, n):
            if not known[i, j]:
                continue
            trial_known = known.copy()
            trial_known[i, j] = trial_known[j, i] = False
            if not _connected(trial_known):
                # A judgment on no cycle cannot contradict any other one.
                continue
            _, lam_after, x = _complete(a, [*missing, (i, j)])
            if abs(x[-1]) > _LOG_SCALE_END:
                # A member can only answer on Saaty's scale; λmax is convex in the judgment's
                # logarithm, so the best answer on the scale is the nearest end of it.
                trial = a.copy()
                trial[i, j] = np.exp(np.sign(x[-1]) * _LOG_SCALE_END)
                trial[j, i] = 1.0 / trial[i, j]
                lam_after = _complete(trial, missing)[1] if missing else _perron(trial)[0]
                x[-1] = np.sign(x[-1]) * _LOG_SCALE_END
            suggested = float(np.exp(x[-1]))
            change = abs(np.log(suggested / a[i, j]))
            cr_after = (lam_after - n) / (n - 1) / ri if ri > 0 else 0.0
            key = (round(lam_after, 9), change)
            if best is None or key < best[:2]:
                judgment = Judgment(i, j, float(a[i, j]), suggested, max(cr_after, 0.0))
                best = (key[0], key[1], judgment)
    if best is None or best[0] >= round(lam, 9):
        return None
    return best[2]


def ahp(matrix: npt.ArrayLike, *, ri_table: str = "saaty") -> AhpResult:
    """Derive priority weights from a pairwise comparison matrix by the principal eigenvector.

    ``matrix[i][j]`` says how many times as important item i is as item j (Saaty's 1…9 scale and
    reciprocals); ``matrix[j][i]`` must be its reciprocal. NaN marks a missing judgment (give NaN
    in both places); missing judgments are filled by the completion that minimises λmax
    (Bozóki, Fülöp & Rónyai 2010), which needs the given comparisons to link all items.

    ``ri_table`` chooses the random index for the consistency ratio: ``"saaty"``,
    ``"alonso-lamata"`` or ``"donegan-dodd"`` (n = 3…15). For an incomplete matrix the CR is that of
    its completion, with the same table.

    Raise ``InvalidMatrix`` for a matrix that is not square, positive and reciprocal,
    ``InconsistentInput`` when the given comparisons fall apart into unlinked groups and
    ``InvalidParameter`` for an unknown table or more than 15 items.
    """
    a = _comparison_matrix(matrix)
    n = a.shape[0]
    ri = random_index(n, ri_table)
    missing = [(int(i), int(j)) for i, j in np.argwhere(np.isnan(np.triu(a, 1)))]
    if missing:
        if not _connected(~np.isnan(a)):
            raise InconsistentInput(
                "The given comparisons fall apart into groups that are never compared with each "
                "other, so their relative weights are undetermined.",
                hint="Add at least one comparison between an item of each group.",
            )
        completed, lam, _ = _complete(a, missing)
    else:
        completed = a
        lam, _ = _perron(a)
    _, weights = _perron(completed)
    # A consistent matrix has λmax = n exactly; eigenvalue rounding (~1e-14) must not show up
    # as a tiny or negative inconsistency.
    ci = (lam - n) / (n - 1) if n > 1 and lam - n > 1e-10 else 0.0
    cr = ci / ri if ri > 0 else 0.0
    judgment = _most_inconsistent(a, missing, lam, ri)
    return AhpResult(
        weights=freeze(weights),
        lambda_max=lam,
        ci=ci,
        cr=cr,
        ri=ri,
        completed=freeze(completed.copy()),
        filled=tuple(missing),
        most_inconsistent=judgment,
    )


def aggregate_judgments(matrices: npt.ArrayLike) -> FloatArray:
    """Combine several members' comparison matrices by the element-wise geometric mean (AIJ).

    The aggregation of individual judgments keeps reciprocity (Aczél & Saaty 1983): each judgment
    above the diagonal is the geometric mean of the members' judgments, and the one below is its
    reciprocal, also where members typed rounded reciprocals such as 0.13 for 1/8. A judgment
    missing (NaN) for some members is the geometric mean of the members who gave it; it stays
    NaN only if nobody gave it. Raise ``InvalidMatrix`` if any matrix is invalid or the sizes
    differ.
    """
    stack = as_float_array(matrices, "comparison matrices")
    if stack.ndim != 3 or stack.shape[0] == 0:
        raise InvalidMatrix(
            "Give a list of square comparison matrices of the same size, one per member.",
            hint="Every member compares the same items in the same order.",
        )
    checked = []
    for index, member in enumerate(stack):
        try:
            checked.append(_comparison_matrix(member))
        except InvalidMatrix as exc:
            raise InvalidMatrix(f"Matrix {index}: {exc.message}", hint=exc.hint) from exc
    logs = np.log(np.stack(checked))
    given = ~np.isnan(logs)
    count = given.sum(0)
    with np.errstate(invalid="ignore", divide="ignore"):
        upper = np.exp(np.where(given, logs, 0.0).sum(0) / count)
    # The upper triangle is authoritative, as in each member's matrix; mirroring it makes the
    # result reciprocal to the last digit.
    n = stack.shape[1]
    below = np.tril(np.ones((n, n), dtype=bool), -1)
    result: FloatArray = np.where(below, 1.0 / upper.T, upper)
    np.fill_diagonal(result, 1.0)
    return result
