"""The ranking of a round: its inputs gathered from the database and ranked by the engine.

This is the one place that reads what a ranking depends on. Everything that shows, explains or
varies a ranking (the ranking page, "why this rank", what-if, the portfolio proposal, the
export) starts from `round_inputs(round_)`, a frozen snapshot, and calls `scoring` with it:

* `round_inputs(round_)` gathers the latest frozen catalogue (criteria, directions, scales,
  weights), the submitted scores (each score's `current_value`; never those of recused or
  unsubmitted assessments) and the ideas' own estimates for criteria measured from the idea,
  aggregates them per idea and criterion with `scoring.aggregate_assessments`, and sets apart
  the ideas that cannot be ranked (too few submitted assessments, a missing estimate);
* `rank(inputs)` is the weighted-sum ranking of the rankable ideas (`scoring.weighted_sum`),
  optionally under other weights;
* `inputs.digest` identifies the state: equal inputs give equal digests, and the cached
  analyses (`portal.rounds.services.analysis`) are stored under it.

A round that cannot be ranked yet raises `RankingUnavailable` with a message for the reader.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from flask_babel import gettext as _
from sqlalchemy import Row, func, select

import scoring
from portal.accounts.models import Role, User
from portal.core.errors import DomainError, Forbidden
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    Criterion,
    CriterionKind,
    Direction,
    MeasuredSource,
    Round,
    RoundIdea,
    RoundPhase,
    Score,
)
from portal.rounds.services import access, catalogue

P = RoundPhase

#: How the assessors' scores of an idea on a criterion are combined (see scoring/README.md).
AGGREGATION = "mean"
#: Phases in which a ranking exists: scores are given from the score phase on.
RANKED_PHASES = frozenset({P.SCORE, P.DECIDE, P.PUBLISH, P.CLOSED})
#: Phases in which board members and moderators read the ranking before it is published.
PREPARED_PHASES = frozenset({P.SCORE, P.DECIDE})
#: Phases in which the ranking is published to all staff.
PUBLISHED_PHASES = frozenset({P.PUBLISH, P.CLOSED})
#: Raised when what the digest covers changes shape, so that earlier analyses are not reused.
DIGEST_VERSION = 2
#: Raised when what the stamp covers changes shape.
STAMP_VERSION = 1


class RankingUnavailable(DomainError):
    """The round cannot be ranked (yet); the message says why."""

    status_code = 409


@dataclass(frozen=True)
class RankedCriterion:
    """A criterion of the catalogue in force, as the ranking uses it."""

    id: int
    key: str
    name: str
    direction: Direction
    kind: CriterionKind
    source: MeasuredSource | None
    unit: str
    scale: scoring.Scale
    #: The board's weight, summing to 1 over the catalogue.
    weight: float

    @property
    def benefit(self) -> bool:
        return self.direction is Direction.BENEFIT

    @property
    def from_idea(self) -> bool:
        """Tell whether the value is the idea's own estimate rather than the assessors' score."""
        return self.source in (MeasuredSource.IDEA_COST, MeasuredSource.IDEA_EFFORT)

    @property
    def level(self) -> str:
        """Return the level of measurement agreement is computed at: ratings are ordered
        levels, assessors' measurements are quantities."""
        return "ordinal" if self.kind is CriterionKind.RATING else "interval"


@dataclass(frozen=True)
class IdeaRef:
    """An idea of the round, as the ranking lists it."""

    id: int
    title: str
    author_id: int
    #: How many assessors submitted an assessment of it.
    assessments: int


@dataclass(frozen=True)
class Unranked:
    """An idea of the round the ranking leaves out, and why."""

    idea: IdeaRef
    #: "too_few" (fewer submitted assessments than the round asks) or "no_estimate" (the idea
    #: lacks the cost or effort estimate a criterion reads).
    reason: str


@dataclass(frozen=True, eq=False)
class RankingState:
    """What a ranking of the round shows, frozen at one moment: the catalogue in force, the
    rankable ideas with their aggregated scores and the assessors' spread, and the ideas set
    apart. It is what the analyses store (`portal.rounds.services.analysis`), so that the
    ranking page and "why this rank" read it without gathering every score again.

    Rows of `matrix` and of `spreads` are `ideas` (the rankable ideas, in idea id order),
    columns `criteria`.
    """

    round_id: int
    catalogue_id: int
    catalogue_version: int
    criteria: tuple[RankedCriterion, ...]
    ideas: tuple[IdeaRef, ...]
    unranked: tuple[Unranked, ...]
    #: The aggregated scores of the rankable ideas (ideas × criteria), read-only.
    matrix: npt.NDArray[np.float64]
    #: The assessors' lowest, median and highest submitted score (3 × ideas × criteria), NaN
    #: where the idea supplies the value; read-only.
    spreads: npt.NDArray[np.float64]
    #: How many submitted assessments an idea needs to be ranked.
    min_assessors: int
    #: Scores of one idea on one rating criterion further apart than this are a disagreement.
    disagreement_levels: int
    #: SHA-256 (hex) of all inputs of the ranking (`RoundInputs`).
    digest: str

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        return np.array([c.weight for c in self.criteria])

    @property
    def benefit(self) -> list[bool]:
        return [c.benefit for c in self.criteria]

    @property
    def scales(self) -> list[scoring.Scale]:
        return [c.scale for c in self.criteria]

    @property
    def idea_ids(self) -> tuple[int, ...]:
        return tuple(idea.id for idea in self.ideas)

    def row(self, idea_id: int) -> int | None:
        """Return the row of idea *idea_id* in `matrix`, or None if it is not ranked."""
        position = int(np.searchsorted(self.idea_ids, idea_id))
        if position < len(self.ideas) and self.ideas[position].id == idea_id:
            return position
        return None


@dataclass(frozen=True, eq=False)
class RoundInputs(RankingState):
    """Everything a ranking of the round depends on, frozen at one moment: the state the
    ranking shows and the single scores behind it.

    `assessments` holds assessors × ideas × criteria, NaN where an assessor gave no submitted
    score (and in the columns of criteria taken from the idea).
    """

    #: The assessors' submitted scores of the rankable ideas, read-only.
    assessments: npt.NDArray[np.float64]
    #: The user ids of the assessors, in the order of `assessments`' first axis.
    assessor_ids: tuple[int, ...]


def may_see_ranking(round_: Round, user: User) -> bool:
    """Board members and moderators read the ranking from the score phase on, all staff once
    it is published."""
    if round_.phase in PUBLISHED_PHASES:
        return True
    return round_.phase in PREPARED_PHASES and (
        access.is_moderator(user) or user.has_role(Role.BOARD_MEMBER)
    )


def require_ranking_reader(round_: Round, user: User) -> None:
    """Refuse anybody who may not read the ranking of *round_* (403)."""
    if not may_see_ranking(round_, user):
        if round_.phase in PREPARED_PHASES:
            raise Forbidden(_("The ranking is published to all staff when the board has decided."))
        raise Forbidden(_("The ranking of a round exists from the score phase on."))


def _criteria(round_: Round) -> tuple[int, int, tuple[RankedCriterion, ...]]:
    frozen = catalogue.latest_frozen(round_)
    if frozen is None:
        raise RankingUnavailable(_("The round has no published catalogue of criteria yet."))
    found = list(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.catalogue_id == frozen.id)
            .order_by(Criterion.position)
        )
    )
    if not found or any(c.weight is None for c in found) or not sum(c.weight or 0 for c in found):
        raise RankingUnavailable(_("The criteria of the round carry no weights yet."))
    return (
        frozen.id,
        frozen.version,
        tuple(
            RankedCriterion(
                id=c.id,
                key=c.key,
                name=c.name,
                direction=c.direction,
                kind=c.kind,
                source=c.source,
                unit=c.unit,
                scale=scoring.Scale(c.scale_min, c.scale_max),
                weight=float(c.weight or 0.0),
            )
            for c in found
        ),
    )


def _index(ids: npt.NDArray[np.float64], known: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Return the positions of *ids* in the sorted array *known*."""
    return np.searchsorted(known, ids.astype(np.int64))


def _hash(*parts: Any) -> str:
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, np.ndarray):
            digest.update(np.ascontiguousarray(part).tobytes())
        else:
            digest.update(json.dumps(part, sort_keys=True, default=str).encode())
        digest.update(b"\x00")
    return digest.hexdigest()


def _idea_rows(round_: Round) -> Sequence[Row[int, str, int, int | None, int | None]]:
    """Return the ideas of *round_* with what the ranking reads of them, in idea id order."""
    return db.session.execute(
        select(Idea.id, Idea.title, Idea.author_id, Idea.cost_euros, Idea.effort_days)
        .join(RoundIdea, RoundIdea.idea_id == Idea.id)
        .where(RoundIdea.round_id == round_.id)
        .order_by(Idea.id)
    ).all()


def stamp(round_: Round) -> str:
    """Return a fingerprint of everything the ranking of *round_* depends on, read cheaply.

    Equal inputs may have different stamps, but a change of the inputs always changes the
    stamp, so that a ranking stored under a stamp is the ranking of that state:

    * the catalogue in force is the latest frozen one, and a frozen catalogue does not change
      (weighting and editing refuse it), so its id stands for its criteria and weights;
    * every change of an assignment, of its state (submitted, recused, reopened) or of one of
      its scores alone (a draft, a revision) raises its `lock_version` (SQLAlchemy's version
      counter, raised by hand where a score changes without its assignment), so the sum of
      the round's versions grows with each; adding or removing an assignment changes the
      count, and the newest id tells a replacement apart;
    * the ideas' titles and estimates are read as they are (a few thousand short rows);
    * the round's own rules come with the round.

    Raise `RankingUnavailable` where `round_inputs` would for the phase.
    """
    if round_.phase not in RANKED_PHASES:
        raise RankingUnavailable(_("The ranking of a round exists from the score phase on."))
    frozen = (
        select(func.max(Catalogue.id))
        .where(Catalogue.round_id == round_.id, Catalogue.frozen_at.is_not(None))
        .scalar_subquery()
    )
    assignments = db.session.execute(
        select(
            frozen,
            func.count(Assignment.id),
            func.coalesce(func.sum(Assignment.lock_version), 0),
            func.coalesce(func.max(Assignment.id), 0),
        ).where(Assignment.round_id == round_.id)
    ).one()
    ideas = [
        (row.id, row.title, row.author_id, row.cost_euros, row.effort_days)
        for row in _idea_rows(round_)
    ]
    return _hash(
        STAMP_VERSION,
        [round_.id, round_.min_assessors, round_.disagreement_levels],
        [int(x) if x is not None else None for x in assignments],
        ideas,
    )


def _spreads(
    assessments: npt.NDArray[np.float64], criteria: tuple[RankedCriterion, ...]
) -> npt.NDArray[np.float64]:
    """Return the lowest, median and highest submitted score per idea and criterion (3 ×
    ideas × criteria), NaN where the idea supplies the value."""
    assessed = [j for j, c in enumerate(criteria) if not c.from_idea]
    found = np.full((3, assessments.shape[1], len(criteria)), np.nan)
    if assessed and assessments.shape[1]:
        scores = assessments[:, :, assessed]
        # Every rankable idea has scores on every assessed criterion, so no slice is empty.
        found[0][:, assessed] = np.nanmin(scores, axis=0)
        found[2][:, assessed] = np.nanmax(scores, axis=0)
        found[1][:, assessed] = scoring.aggregate_assessments(scores, method="median").scores
    found.setflags(write=False)
    return found


def round_inputs(round_: Round) -> RoundInputs:
    """Gather and aggregate everything the ranking of *round_* depends on.

    Raise `RankingUnavailable` if the round is not scored yet, has no weighted catalogue in
    force, or no idea has enough submitted assessments.
    """
    if round_.phase not in RANKED_PHASES:
        raise RankingUnavailable(_("The ranking of a round exists from the score phase on."))
    catalogue_id, version, criteria = _criteria(round_)
    idea_rows = _idea_rows(round_)
    if not idea_rows:
        raise RankingUnavailable(_("No idea has joined the round."))
    known = np.array([row.id for row in idea_rows], dtype=np.int64)
    columns = {c.id: j for j, c in enumerate(criteria)}
    scored = [c.id for c in criteria if not c.from_idea]
    raw = db.session.execute(
        select(
            Assignment.assessor_id,
            Assignment.idea_id,
            Score.criterion_id,
            Score.value,
            Score.revised_value,
        )
        .join(Score, Score.assignment_id == Assignment.id)
        .where(
            Assignment.round_id == round_.id,
            Assignment.state == AssignmentState.SUBMITTED,
            Score.criterion_id.in_(scored),
        )
    ).all()
    # One array for all scores: None (not revised) becomes NaN. Plain tuples, since NumPy
    # probes each row object for an array interface first, which costs seconds for 100,000.
    table = np.array([tuple(row) for row in raw], dtype=np.float64).reshape(-1, 5)
    table = table[np.isin(table[:, 1].astype(np.int64), known)]
    table = table[np.lexsort((table[:, 2], table[:, 1], table[:, 0]))]
    values = np.where(np.isnan(table[:, 4]), table[:, 3], table[:, 4])
    assessor_ids = np.unique(table[:, 0].astype(np.int64))
    a = _index(table[:, 0], assessor_ids)
    i = _index(table[:, 1], known)
    j = np.array([columns[int(c)] for c in table[:, 2]], dtype=np.intp)
    assessments = np.full((max(len(assessor_ids), 1), len(known), len(criteria)), np.nan)
    assessments[a, i, j] = values
    # Distinct (assessor, idea) pairs: how many submitted assessments each idea has.
    pairs = np.unique(np.stack([a, i]), axis=1) if len(a) else np.empty((2, 0), dtype=np.intp)
    counts = np.bincount(pairs[1], minlength=len(known))

    measures = np.full((len(known), len(criteria)), np.nan)
    estimate_missing = np.zeros(len(known), dtype=bool)
    for j_, criterion in enumerate(criteria):
        if not criterion.from_idea:
            continue
        wanted = "cost_euros" if criterion.source is MeasuredSource.IDEA_COST else "effort_days"
        column = np.array(
            [np.nan if getattr(r, wanted) is None else getattr(r, wanted) for r in idea_rows],
            dtype=np.float64,
        )
        estimate_missing |= np.isnan(column)
        # An estimate beyond the scale counts as its end: the scale says where "as costly as
        # it gets" lies, and the engine takes no score outside it.
        measures[:, j_] = np.clip(column, criterion.scale.low, criterion.scale.high)

    min_assessors = round_.min_assessors
    # Enough assessments, each scoring every criterion the assessors score.
    enough = counts >= min_assessors
    matrix = measures.copy()
    if scored:
        assessed = [j_ for j_, c in enumerate(criteria) if not c.from_idea]
        aggregated = scoring.aggregate_assessments(
            assessments[:, :, assessed], method=AGGREGATION, min_scores=min_assessors
        )
        matrix[:, assessed] = aggregated.scores
        enough &= aggregated.rankable
    rankable = enough & ~estimate_missing

    refs = [
        IdeaRef(id=row.id, title=row.title, author_id=row.author_id, assessments=int(n))
        for row, n in zip(idea_rows, counts, strict=True)
    ]
    unranked = tuple(
        Unranked(ref, "no_estimate" if enough[k] else "too_few")
        for k, ref in enumerate(refs)
        if not rankable[k]
    )
    if not rankable.any():
        raise RankingUnavailable(
            _(
                "No idea has enough submitted assessments yet: each needs %(num)s.",
                num=min_assessors,
            )
        )
    matrix = matrix[rankable]
    assessments = assessments[:, rankable]
    # Assessors without a submitted score of a rankable idea take no part.
    active = ~np.isnan(assessments).all(axis=(1, 2))
    assessments = assessments[active]
    assessor_ids = assessor_ids[active[: len(assessor_ids)]]
    matrix.setflags(write=False)
    assessments.setflags(write=False)
    ideas = tuple(ref for k, ref in enumerate(refs) if rankable[k])
    digest = _hash(
        DIGEST_VERSION,
        [round_.id, catalogue_id, version, min_assessors, round_.disagreement_levels, AGGREGATION],
        [
            # As floats: a value set in Python may still be an int until it is read back.
            [
                c.id,
                c.key,
                c.direction.value,
                c.kind.value,
                float(c.scale.low),
                float(c.scale.high),
                float(c.weight),
            ]
            for c in criteria
        ],
        # Titles and authors too: the stored state shows them (see `RankingState`).
        [[idea.id, idea.title, idea.author_id] for idea in ideas],
        [[u.idea.id, u.idea.title, u.reason] for u in unranked],
        assessor_ids,
        matrix,
        assessments,
    )
    return RoundInputs(
        round_id=round_.id,
        spreads=_spreads(assessments, criteria),
        catalogue_id=catalogue_id,
        catalogue_version=version,
        criteria=criteria,
        ideas=ideas,
        unranked=unranked,
        matrix=matrix,
        assessments=assessments,
        assessor_ids=tuple(int(x) for x in assessor_ids),
        min_assessors=min_assessors,
        disagreement_levels=round_.disagreement_levels,
        digest=digest,
    )


def rank(inputs: RankingState, weights: npt.ArrayLike | None = None) -> scoring.Ranking:
    """Return the weighted-sum ranking of the rankable ideas of *inputs*, under the board's
    weights or under *weights* (one per criterion, in the catalogue's order)."""
    return scoring.weighted_sum(
        inputs.matrix,
        inputs.weights if weights is None else weights,
        inputs.benefit,
        scales=inputs.scales,
    )
