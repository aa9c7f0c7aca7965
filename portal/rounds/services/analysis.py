"""The state of a round's ranking and its heavy analyses, stored once per state of its inputs.

Gathering a large round's scores takes a second or more, and agreement of the assessors, weight
stability, rank probabilities and the orders under TOPSIS and PROMETHEE II take seconds more, so
page views do neither. `current()` reads a cheap fingerprint of the round (`ranking.stamp`) and
looks it up: a stored `RankingAnalysis` holds the state the ranking shows (aggregated scores,
the assessors' spread, criteria, ideas) and the analyses computed so far, read without touching
a single score. Under a new stamp the inputs are gathered once; if their digest
(`RoundInputs.digest` with the parameters below) is stored, the row takes the new stamp,
otherwise a new row holds the state with its single scores and the job `run_analysis_step`
computes the steps one after the other on those stored scores, each step a job (a unit of work)
of its own, so that the page can say how far it has come. Every number comes from `scoring`; the
results are stored as plain JSON values, ideas named by their ids.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

import scoring
from portal.core.jobs import enqueue, job
from portal.core.models import utcnow
from portal.core.transactions import will_write, writes_expected
from portal.extensions import db
from portal.rounds.models import (
    CriterionKind,
    Direction,
    MeasuredSource,
    RankingAnalysis,
    Round,
)
from portal.rounds.services import ranking
from portal.rounds.services.ranking import (
    IdeaRef,
    RankedCriterion,
    RankingState,
    RoundInputs,
    Unranked,
    rank,
)

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


def top_of(state: RankingState) -> int:
    """Return how many leading ideas the stability analysis protects."""
    return min(TOP, len(state.ideas))


def analysis_digest(state: RankingState) -> str:
    """Return the digest the analyses of *state* are stored under: the inputs' own and the
    analyses' parameters."""
    parameters = f"{STEPS}|{TOP}|{SPREAD}|{SAMPLES}|{SEED}|{PREFERENCE}|{HEAT_ROWS}|{SHARED_IDEAS}"
    return hashlib.sha256(f"{state.digest}|{parameters}".encode()).hexdigest()


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


@dataclass(frozen=True)
class Current:
    """The ranking of a round in its current state, and its analyses as far as computed."""

    state: RankingState
    analysis: Analysis


def _of(row: RankingAnalysis) -> Analysis:
    return Analysis(digest=row.digest, steps_done=row.steps_done, result=dict(row.result))


# Storing a state ------------------------------------------------------------------------------


def _pack(compress: bool = False, **arrays: npt.NDArray[Any]) -> bytes:
    buffer = io.BytesIO()
    if compress:
        np.savez_compressed(buffer, allow_pickle=False, **arrays)
    else:
        np.savez(buffer, allow_pickle=False, **arrays)
    return buffer.getvalue()


def _unpack(data: bytes) -> dict[str, npt.NDArray[Any]]:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        found = {name: archive[name] for name in archive.files}
    for array in found.values():
        array.setflags(write=False)
    return found


def _state_json(state: RankingState) -> dict[str, Any]:
    return {
        "digest": state.digest,
        "catalogue": [state.catalogue_id, state.catalogue_version],
        "rules": [state.min_assessors, state.disagreement_levels],
        "criteria": [
            {
                "id": c.id,
                "key": c.key,
                "name": c.name,
                "direction": c.direction.value,
                "kind": c.kind.value,
                "source": c.source.value if c.source else None,
                "unit": c.unit,
                "scale": [c.scale.low, c.scale.high],
                "weight": c.weight,
            }
            for c in state.criteria
        ],
        "ideas": [[i.id, i.title, i.author_id, i.assessments] for i in state.ideas],
        "unranked": [
            [u.idea.id, u.idea.title, u.idea.author_id, u.idea.assessments, u.reason]
            for u in state.unranked
        ],
    }


def _state_of(row: RankingAnalysis) -> RankingState:
    """Return the state of the ranking stored in *row*."""
    found = row.state
    arrays = _unpack(row.arrays)
    return RankingState(
        round_id=row.round_id,
        catalogue_id=found["catalogue"][0],
        catalogue_version=found["catalogue"][1],
        criteria=tuple(
            RankedCriterion(
                id=c["id"],
                key=c["key"],
                name=c["name"],
                direction=Direction(c["direction"]),
                kind=CriterionKind(c["kind"]),
                source=MeasuredSource(c["source"]) if c["source"] else None,
                unit=c["unit"],
                scale=scoring.Scale(*c["scale"]),
                weight=c["weight"],
            )
            for c in found["criteria"]
        ),
        ideas=tuple(IdeaRef(*idea) for idea in found["ideas"]),
        unranked=tuple(Unranked(IdeaRef(*u[:4]), u[4]) for u in found["unranked"]),
        matrix=arrays["matrix"],
        spreads=arrays["spreads"],
        min_assessors=found["rules"][0],
        disagreement_levels=found["rules"][1],
        digest=found["digest"],
    )


def _inputs_of(row: RankingAnalysis) -> RoundInputs:
    """Return the inputs stored in *row*: its state with the single scores behind it."""
    state = _state_of(row)
    scores = _unpack(row.scores)
    fields = {name: getattr(state, name) for name in RankingState.__dataclass_fields__}
    return RoundInputs(
        **fields,
        assessments=scores["assessments"],
        assessor_ids=tuple(int(x) for x in scores["assessors"]),
    )


def _stored(
    round_id: int, *, digest: str | None = None, stamp: str | None = None
) -> RankingAnalysis | None:
    query = select(RankingAnalysis).where(RankingAnalysis.round_id == round_id)
    if digest is not None:
        query = query.where(RankingAnalysis.digest == digest)
    if stamp is not None:
        query = query.where(RankingAnalysis.stamp == stamp)
    return db.session.scalar(query)


def _write() -> None:
    # Declared once per unit of work: on SQLite, declaring ends the reading transaction.
    if not writes_expected():
        will_write()


def analysis(round_: Round, inputs: RoundInputs, stamp: str) -> Analysis:
    """Return the analyses of *round_* in the state of *inputs*, found under *stamp* from now
    on; store the state and start computing its analyses in the background if it has none yet
    (then the result is empty until the jobs ran).

    Starting writes to a unit of work that has only read so far (a page view): call it before
    the unit of work writes anything of its own (see `portal.core.transactions.will_write`).
    """
    digest = analysis_digest(inputs)
    _write()
    row = _stored(round_.id, digest=digest)
    if row is not None:
        row.stamp = stamp
        db.session.flush()
        return _of(row)
    row = RankingAnalysis(
        round_id=round_.id,
        digest=digest,
        stamp=stamp,
        state=_state_json(inputs),
        arrays=_pack(matrix=inputs.matrix, spreads=inputs.spreads),
        scores=_pack(
            compress=True,
            assessments=inputs.assessments,
            assessors=np.array(inputs.assessor_ids, dtype=np.int64),
        ),
        steps_done=0,
        result={},
    )
    try:
        with db.session.begin_nested():
            # Analyses of earlier states are of no use any more.
            db.session.execute(delete(RankingAnalysis).where(RankingAnalysis.round_id == round_.id))
            db.session.add(row)
    except IntegrityError:
        # A page view at the same moment stored the same state.
        row = _stored(round_.id, digest=digest)
        assert row is not None
        return _of(row)
    enqueue(run_analysis_step, row.id, digest)
    return _of(row)


def current(round_: Round) -> Current:
    """Return the ranking of *round_* in its current state with its analyses.

    A state seen before is read from its stored row; a new one is gathered once and stored
    (see `analysis`). Raise `RankingUnavailable` if the round cannot be ranked (yet).
    """
    stamp = ranking.stamp(round_)
    row = _stored(round_.id, stamp=stamp)
    if row is not None:
        return Current(_state_of(row), _of(row))
    # The stamp is read before the inputs, so the stored state is never older than its stamp.
    inputs = ranking.round_inputs(round_)
    return Current(inputs, analysis(round_, inputs, stamp))


def current_state(round_: Round) -> RankingState:
    """Return the ranking of *round_* in its current state without storing anything: the stored
    state if this one was seen before, else gathered afresh. For readers in the middle of a
    write (a board decision), where storing a new state would end the transaction on SQLite."""
    row = _stored(round_.id, stamp=ranking.stamp(round_))
    return _state_of(row) if row is not None else ranking.round_inputs(round_)


def current_inputs(round_: Round) -> RoundInputs:
    """Return the inputs of *round_*'s ranking in its current state with the single scores
    behind it (for the export), read from the stored state like `current`."""
    stamp = ranking.stamp(round_)
    row = db.session.scalar(
        select(RankingAnalysis)
        .where(RankingAnalysis.round_id == round_.id, RankingAnalysis.stamp == stamp)
        .options(undefer(RankingAnalysis.scores))
    )
    if row is not None:
        return _inputs_of(row)
    inputs = ranking.round_inputs(round_)
    analysis(round_, inputs, stamp)
    return inputs


@job(retries=2, retry_delay=10)
def run_analysis_step(analysis_id: int, digest: str) -> None:
    """Compute the next step of analysis *analysis_id* of the state *digest* on its stored
    inputs and hand the one after it to a new job.

    If the round has moved on since (a new score, say), the row is gone: the page view that
    saw the new state stored it anew (perhaps under the same id), and its own jobs compute it.
    """
    row = db.session.scalar(
        select(RankingAnalysis)
        .where(RankingAnalysis.id == analysis_id, RankingAnalysis.digest == digest)
        .options(undefer(RankingAnalysis.scores))
    )
    if row is None or row.steps_done >= len(STEPS):
        return
    inputs = _inputs_of(row)
    step = STEPS[row.steps_done]
    try:
        part = _COMPUTE[step](inputs)
    except scoring.ScoringError as refused:
        part = {"error": str(refused)}
    row.result = {**row.result, step: part}
    row.steps_done += 1
    if row.steps_done < len(STEPS):
        enqueue(run_analysis_step, row.id, row.digest)
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
