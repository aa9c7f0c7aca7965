"""An idea's standing in its round: rank, score, criterion breakdown and portfolio status.

This is the one place where the board reads the ranking. The agenda suggests ideas in this order,
agenda items show it, comply-or-explain compares against it and decisions keep a snapshot of it.
Rank, score and breakdown are the rounds module's ranking of the round's current state
(`analysis.current_state`, `ranking.rank`), so the board ranks exactly as the ranking page does; the
portfolio status is that state's portfolio proposal under the board's weights and the round's
limits (`portfolio.of_state`), read in `_portfolio` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from portal.rounds.models import Round
from portal.rounds.services import analysis, portfolio, ranking


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


def _portfolio(round_: Round, state: ranking.RankingState) -> dict[int, bool]:
    """Return by idea id whether the portfolio proposal of *round_* funds each ranked idea;
    empty while the round has no proposal (no budget or staff days set, say)."""
    try:
        proposal = portfolio.of_state(round_, state)
    except portfolio.PortfolioRefused:
        return {}
    if proposal.unavailable is not None:
        return {}
    funded = {item.idea_id for item in proposal.selected}
    return {idea_id: idea_id in funded for idea_id in state.idea_ids}


def round_standings(round_: Round) -> dict[int, Standing]:
    """Return the standing of each ranked idea of *round_* by idea id (unranked ideas absent)."""
    # Read, never stored (`analysis.current` would store a new state, which ends a reading
    # transaction on SQLite, and decisions read the standing mid-write).
    try:
        state = analysis.current_state(round_)
    except ranking.RankingUnavailable:
        return {}
    ranked = ranking.rank(state)
    funded = _portfolio(round_, state)
    return {
        idea.id: Standing(
            rank=int(ranked.ranks[row]),
            score=float(ranked.scores[row]),
            breakdown=tuple(
                Share(c.name, float(ranked.contributions[row, j]))
                for j, c in enumerate(state.criteria)
            ),
            in_portfolio=funded.get(idea.id),
        )
        for row, idea in enumerate(state.ideas)
    }


def standings_of(rounds: Iterable[Round]) -> dict[int, dict[int, Standing]]:
    """Return the standings of each of *rounds* by round id, each round read once."""
    return {round_.id: round_standings(round_) for round_ in {r.id: r for r in rounds}.values()}
