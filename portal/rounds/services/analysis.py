"""The heavy analyses of a round's ranking, computed once per state of its inputs.

Agreement of the assessors, weight stability, rank probabilities and the orders under TOPSIS
and PROMETHEE II take seconds for a large round, so page views never compute them. `analysis()`
looks the state up by its digest (`RoundInputs.digest` with the parameters below): a stored
result is read; otherwise a `RankingAnalysis` row is added and the job `run_analysis_step`
computes the steps one after the other, each step a job (a unit of work) of its own, so that
the page can say how far it has come. Every number comes from `scoring`; the results are
stored as plain JSON values, ideas named by their ids.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

import scoring
from portal.core.jobs import enqueue, job
from portal.core.models import utcnow
from portal.core.transactions import will_write
from portal.extensions import db
from portal.rounds.models import RankingAnalysis, Round
from portal.rounds.services.ranking import RankingUnavailable, RoundInputs, rank, round_inputs

#: The steps, in the order they run.
STEPS = ("agreement", "stability", "acceptability", "methods")
#: How many leading ideas the stability intervals protect and the heat map shows: what the
#: board can fund at most in a usual round.
TOP = 10
#: Rank probabilities: weights drawn around the board's with this spread, this many times, from
#: this seed, so that anyone can recompute the published table.
SPREAD = 0.1
SAMPLES = 10_000
SEED = 2027
#: PROMETHEE II counts any advantage on a criterion fully (Brans' "usual" criterion), a view
#: different in kind from the weighted sum's.
PREFERENCE = "usual"
#: The heat map's rows: the leading ideas and those right behind them.
HEAT_ROWS = 2 * TOP
#: Agreement needs this many ideas two assessors both scored before their order is compared.
SHARED_IDEAS = 3


def top_of(inputs: RoundInputs) -> int:
    """Return how many leading ideas the stability analysis protects."""
    return min(TOP, len(inputs.ideas))


def analysis_digest(inputs: RoundInputs) -> str:
    """Return the digest the analyses of *inputs* are stored under: the inputs' own and the
    analyses' parameters."""
    parameters = f"{STEPS}|{TOP}|{SPREAD}|{SAMPLES}|{SEED}|{PREFERENCE}|{HEAT_ROWS}|{SHARED_IDEAS}"
    return hashlib.sha256(f"{inputs.digest}|{parameters}".encode()).hexdigest()


@dataclass(frozen=True)
class Analysis:
    """The stored analyses of one state of a round's ranking, as far as they are computed."""

    digest: str
    steps_done: int
    result: dict[str, Any]

    @property
    def done(self) -> bool:
        return self.steps_done >= len(STEPS)

    @property
    def steps(self) -> int:
        return len(STEPS)

    def part(self, step: str) -> dict[str, Any] | None:
        """Return the result of *step*, or None while it is not computed."""
        found: dict[str, Any] | None = self.result.get(step)
        return found


def _of(row: RankingAnalysis) -> Analysis:
    return Analysis(digest=row.digest, steps_done=row.steps_done, result=dict(row.result))


def _stored(round_id: int, digest: str) -> RankingAnalysis | None:
    return db.session.scalar(
        select(RankingAnalysis).where(
            RankingAnalysis.round_id == round_id, RankingAnalysis.digest == digest
        )
    )


def analysis(round_: Round, inputs: RoundInputs) -> Analysis:
    """Return the analyses of *round_* in the state of *inputs*, starting their computation in
    the background if this state has none yet (then the result is empty until the jobs ran).

    Starting writes to a unit of work that has only read so far (a page view): call it before
    the unit of work writes anything of its own (see `portal.core.transactions.will_write`).
    """
    digest = analysis_digest(inputs)
    row = _stored(round_.id, digest)
    if row is not None:
        return _of(row)
    will_write()
    try:
        with db.session.begin_nested():
            # Analyses of earlier states are of no use any more.
            db.session.execute(delete(RankingAnalysis).where(RankingAnalysis.round_id == round_.id))
            row = RankingAnalysis(round_id=round_.id, digest=digest, steps_done=0, result={})
            db.session.add(row)
    except IntegrityError:
        # A page view at the same moment started the same computation.
        row = _stored(round_.id, digest)
        assert row is not None
        return _of(row)
    enqueue(run_analysis_step, row.id)
    return _of(row)


@job(retries=2, retry_delay=10)
def run_analysis_step(analysis_id: int) -> None:
    """Compute the next step of analysis *analysis_id* and hand the one after it to a new job.

    If the round has moved on since (a new score, say), the analysis stops: the next page view
    starts one for the new state.
    """
    row = db.session.get(RankingAnalysis, analysis_id)
    if row is None or row.steps_done >= len(STEPS):
        return
    round_ = db.session.get(Round, row.round_id)
    if round_ is None:
        return
    try:
        inputs = round_inputs(round_)
    except RankingUnavailable:
        return
    if analysis_digest(inputs) != row.digest:
        return
    step = STEPS[row.steps_done]
    try:
        part = _COMPUTE[step](inputs)
    except scoring.ScoringError as refused:
        part = {"error": str(refused)}
    row.result = {**row.result, step: part}
    row.steps_done += 1
    if row.steps_done < len(STEPS):
        enqueue(run_analysis_step, row.id)
    else:
        row.finished_at = utcnow()


def _number(value: float) -> float | None:
    return float(value) if np.isfinite(value) else None


def _alpha(inputs: RoundInputs, column: int) -> dict[str, Any]:
    criterion = inputs.criteria[column]
    if criterion.from_idea:
        return {"alpha": None, "basis": "idea"}
    try:
        alpha = scoring.krippendorff_alpha(inputs.assessments[:, :, column], level=criterion.level)
    except scoring.InsufficientData:
        return {"alpha": None, "basis": "insufficient"}
    return {"alpha": alpha, "basis": criterion.level}


def _assessor_totals(inputs: RoundInputs) -> np.ndarray:
    """Return ideas × assessors: each assessor's own weighted-sum score of each idea they
    scored fully (the idea's estimates where the idea supplies the value), NaN elsewhere."""
    x = inputs.assessments
    measured = [j for j, c in enumerate(inputs.criteria) if c.from_idea]
    own = np.array(x)
    own[:, :, measured] = inputs.matrix[None, :, measured]
    complete = ~np.isnan(own).any(axis=2)
    totals = np.full(complete.shape, np.nan)
    if complete.any():
        totals[complete] = scoring.weighted_sum(
            own[complete], inputs.weights, inputs.benefit, scales=inputs.scales
        ).scores
    return totals.T


def _concordance(inputs: RoundInputs) -> dict[str, Any]:
    """Kendall's W of the assessors' orders of the ideas.

    Where every assessor scored every idea, W of all of them; otherwise (each assessor scores
    some ideas) the mean of W over every two assessors who scored at least `SHARED_IDEAS` ideas
    both, weighted by how many they share.
    """
    totals = _assessor_totals(inputs)
    if totals.shape[1] < 2:
        return {"w": None, "basis": "insufficient", "pairs": 0}
    if not np.isnan(totals).any():
        try:
            return {"w": scoring.kendall_w(totals), "basis": "all", "pairs": 0}
        except scoring.InsufficientData:
            return {"w": None, "basis": "insufficient", "pairs": 0}
    scored = ~np.isnan(totals)
    weighted, shared_total, pairs = 0.0, 0, 0
    for a, b in itertools.combinations(range(totals.shape[1]), 2):
        shared = scored[:, a] & scored[:, b]
        count = int(shared.sum())
        if count < SHARED_IDEAS:
            continue
        try:
            w = scoring.kendall_w(totals[shared][:, [a, b]])
        except scoring.InsufficientData:
            continue
        weighted += w * count
        shared_total += count
        pairs += 1
    if not pairs:
        return {"w": None, "basis": "insufficient", "pairs": 0}
    return {"w": weighted / shared_total, "basis": "pairs", "pairs": pairs}


def _agreement(inputs: RoundInputs) -> dict[str, Any]:
    return {
        "criteria": [_alpha(inputs, j) for j in range(len(inputs.criteria))],
        "overall": _concordance(inputs),
    }


def _stability(inputs: RoundInputs) -> dict[str, Any]:
    found = scoring.weight_stability(
        inputs.matrix, inputs.weights, inputs.benefit, scales=inputs.scales, top=top_of(inputs)
    )
    ids = inputs.idea_ids
    return {
        "top": found.top,
        "intervals": [
            {"lower": i.lower, "upper": i.upper, "current": i.current} for i in found.intervals
        ],
        "swaps": [
            {
                "above": ids[s.above],
                "below": ids[s.below],
                "criterion": s.criterion,
                "weight": s.weight,
                "change": s.change,
            }
            for s in found.swaps
        ],
    }


def _acceptability(inputs: RoundInputs) -> dict[str, Any]:
    table = scoring.rank_acceptability(
        inputs.matrix,
        inputs.weights,
        inputs.benefit,
        scales=inputs.scales,
        spread=SPREAD,
        samples=SAMPLES,
        seed=SEED,
    )
    top = top_of(inputs)
    order = rank(inputs).order
    ids = inputs.idea_ids
    return {
        "ranks": top,
        "samples": SAMPLES,
        "seed": SEED,
        "spread": SPREAD,
        "rows": [
            {"idea": ids[i], "p": [float(v) for v in table[i, :top]]} for i in order[:HEAT_ROWS]
        ],
        # The chance of each idea to be among the leading ideas, by idea id.
        "top_share": {str(ids[i]): float(table[i, :top].sum()) for i in range(len(ids))},
    }


def _method(scores: np.ndarray, span: float) -> dict[str, Any]:
    ranks, _order = scoring.rank_scores(scores, span=span)
    return {"scores": [_number(v) for v in scores], "ranks": [int(r) for r in ranks]}


def _methods(inputs: RoundInputs) -> dict[str, Any]:
    closeness = scoring.topsis(inputs.matrix, inputs.weights, inputs.benefit)
    found: dict[str, Any] = {"topsis": _method(closeness, 1.0)}
    if len(inputs.ideas) < 2:
        found["promethee"] = {"scores": [0.0], "ranks": [1]}
    else:
        flows = scoring.promethee_ii(
            inputs.matrix, inputs.weights, inputs.benefit, preference=PREFERENCE
        )
        found["promethee"] = _method(flows, 2.0)
    return found


_COMPUTE = {
    "agreement": _agreement,
    "stability": _stability,
    "acceptability": _acceptability,
    "methods": _methods,
}
