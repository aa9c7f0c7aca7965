"""An idea's standing in its round: rank, score, criterion breakdown and portfolio status.

This is the one place where the board reads the ranking. The agenda suggests ideas in this order,
agenda items show it, comply-or-explain compares against it and decisions keep a snapshot of it.
Rank, score and breakdown are the rounds module's ranking (`ranking.round_inputs`,
`ranking.rank`), so the board ranks exactly as the ranking page does; the portfolio status comes
from `_portfolio`, the one place that reads the portfolio proposal.
"""

from __future__ import annotations

from dataclasses import dataclass

import scoring
from portal.rounds.models import Round
from portal.rounds.services import ranking


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
    #: Whether the portfolio proposal funds the idea; None: the round has no proposal.
    in_portfolio: bool | None = None


NOT_RANKED = Standing(None, None)


def _portfolio(
    round_: Round, inputs: ranking.RoundInputs, ranked: scoring.Ranking
) -> dict[int, bool]:
    """Return by idea id whether the portfolio proposal of *round_* funds each ranked idea;
    empty while the round has no proposal."""
    # The rounds module proposes no portfolio yet; every idea reads "no portfolio proposal".
    return {}


def round_standings(round_: Round) -> dict[int, Standing]:
    """Return the standing of each ranked idea of *round_* by idea id (unranked ideas absent)."""
    try:
        inputs = ranking.round_inputs(round_)
    except ranking.RankingUnavailable:
        return {}
    ranked = ranking.rank(inputs)
    funded = _portfolio(round_, inputs, ranked)
    return {
        idea.id: Standing(
            rank=int(ranked.ranks[row]),
            score=float(ranked.scores[row]),
            breakdown=tuple(
                Share(c.name, float(ranked.contributions[row, j]))
                for j, c in enumerate(inputs.criteria)
            ),
            in_portfolio=funded.get(idea.id),
        )
        for row, idea in enumerate(inputs.ideas)
    }
