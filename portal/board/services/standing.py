"""An idea's standing in its round: rank, score, criterion breakdown and portfolio status.

This is the one place where the board reads the ranking. The agenda suggests ideas in this order,
agenda items show it, comply-or-explain compares against it and decisions keep a snapshot of it.

Until the rounds module offers its ranking service, it ranks here with the scoring engine in the
simplest way the round allows: the mean of the submitted scores of each idea and criterion
(`scoring.aggregate_assessments`; criteria measured from the idea's estimates take the idea's
value, held to the criterion's bounds), ranked by the weighted sum of the round's latest frozen
catalogue (`scoring.weighted_sum`). The portfolio proposal is the ranking service's; until then
no idea is reported in or out of it (`in_portfolio` is None).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import scoring
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    Criterion,
    Direction,
    Round,
    RoundIdea,
    Score,
)
from portal.rounds.services.scoring import idea_value, is_scored


@dataclass(frozen=True)
class Share:
    """What one criterion adds to an idea's score."""

    criterion: str
    contribution: float


@dataclass(frozen=True)
class Standing:
    """Where an idea stands in its round's ranking."""

    rank: int | None
    score: float | None
    breakdown: tuple[Share, ...] = ()
    #: Whether the portfolio proposal funds the idea; None: no proposal is known.
    in_portfolio: bool | None = None


NOT_RANKED = Standing(None, None)


def _catalogue(round_: Round) -> Catalogue | None:
    return db.session.scalar(
        select(Catalogue)
        .where(Catalogue.round_id == round_.id, Catalogue.frozen_at.is_not(None))
        .options(selectinload(Catalogue.criteria))
        .order_by(Catalogue.version.desc())
        .limit(1)
    )


def round_standings(round_: Round) -> dict[int, Standing]:
    """Return the standing of each ranked idea of *round_* by idea id (unranked ideas absent)."""
    catalogue = _catalogue(round_)
    if catalogue is None or not catalogue.criteria:
        return {}
    criteria: list[Criterion] = list(catalogue.criteria)
    ideas = list(
        db.session.execute(
            select(RoundIdea.idea_id)
            .where(RoundIdea.round_id == round_.id)
            .order_by(RoundIdea.idea_id)
        ).scalars()
    )
    if not ideas:
        return {}
    rows = db.session.execute(
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
            Score.criterion_id.in_([c.id for c in criteria]),
        )
    ).all()
    if not rows:
        return {}
    assessors = sorted({row.assessor_id for row in rows})
    a_index = {a: i for i, a in enumerate(assessors)}
    i_index = {idea: i for i, idea in enumerate(ideas)}
    c_index = {c.id: i for i, c in enumerate(criteria)}
    cube = np.full((len(assessors), len(ideas), len(criteria)), np.nan)
    for row in rows:
        if row.idea_id in i_index:
            value = row.value if row.revised_value is None else row.revised_value
            cube[a_index[row.assessor_id], i_index[row.idea_id], c_index[row.criterion_id]] = value
    estimated = [j for j, c in enumerate(criteria) if not is_scored(c)]
    if estimated:
        by_id = {
            idea.id: idea for idea in db.session.scalars(select(Idea).where(Idea.id.in_(ideas)))
        }
        for i, idea_id in enumerate(ideas):
            assessed = ~np.isnan(cube[:, i, :]).all(axis=1)
            for j in estimated:
                value = idea_value(criteria[j], by_id[idea_id])
                if value is not None:
                    low, high = criteria[j].scale_min, criteria[j].scale_max
                    cube[assessed, i, j] = min(max(value, low), high)
    aggregated = scoring.aggregate_assessments(cube, method="mean", min_scores=1)
    rankable = [i for i in range(len(ideas)) if aggregated.rankable[i]]
    if not rankable:
        return {}
    weights = [c.weight if c.weight is not None else 1.0 for c in criteria]
    ranking = scoring.weighted_sum(
        aggregated.scores[rankable],
        weights,
        [c.direction is Direction.BENEFIT for c in criteria],
        scales=[scoring.Scale(c.scale_min, c.scale_max) for c in criteria],
    )
    return {
        ideas[index]: Standing(
            rank=int(ranking.ranks[row]),
            score=float(ranking.scores[row]),
            breakdown=tuple(
                Share(c.name, float(ranking.contributions[row, j])) for j, c in enumerate(criteria)
            ),
        )
        for row, index in enumerate(rankable)
    }


def standing(round_: Round, idea_id: int) -> Standing:
    """Return the standing of idea *idea_id* in *round_*."""
    return round_standings(round_).get(idea_id, NOT_RANKED)
