"""The scoring engine: transparent multi-criteria ranking as a pure library.

Inputs are array-likes and frozen dataclasses, outputs are frozen dataclasses or NumPy arrays, and
invalid input raises a ``ScoringError`` subclass whose message names the problem and gives a hint.
Matrices are row-major: rows are ideas (alternatives), columns are criteria, unless a function
says otherwise. Results within ``TIE_TOLERANCE`` of their scale's span are tied. NumPy and SciPy
do the arithmetic and OR-Tools' CP-SAT solves the portfolio; nothing here knows about HTTP or
databases.

See ``scoring/README.md`` for each method in plain words, with its formula.
"""

from scoring._agreement import aggregate_assessments, kendall_w, krippendorff_alpha
from scoring._ahp import RANDOM_INDICES, aggregate_judgments, ahp
from scoring._errors import (
    InconsistentInput,
    InfeasiblePortfolio,
    InsufficientData,
    InvalidMatrix,
    InvalidParameter,
    InvalidWeights,
    ScoringError,
)
from scoring._mcda import promethee_ii, rank_scores, topsis, weighted_sum
from scoring._portfolio import select_portfolio
from scoring._sensitivity import rank_acceptability, weight_stability
from scoring._ties import TIE_TOLERANCE
from scoring._types import (
    AggregatedScores,
    AhpResult,
    BlockedIdea,
    Judgment,
    Portfolio,
    Ranking,
    Scale,
    SwapPoint,
    WeightInterval,
    WeightStability,
)

__all__ = [
    "RANDOM_INDICES",
    "TIE_TOLERANCE",
    "AggregatedScores",
    "AhpResult",
    "BlockedIdea",
    "InconsistentInput",
    "InfeasiblePortfolio",
    "InsufficientData",
    "InvalidMatrix",
    "InvalidParameter",
    "InvalidWeights",
    "Judgment",
    "Portfolio",
    "Ranking",
    "Scale",
    "ScoringError",
    "SwapPoint",
    "WeightInterval",
    "WeightStability",
    "aggregate_assessments",
    "aggregate_judgments",
    "ahp",
    "kendall_w",
    "krippendorff_alpha",
    "promethee_ii",
    "rank_acceptability",
    "rank_scores",
    "select_portfolio",
    "topsis",
    "weight_stability",
    "weighted_sum",
]
