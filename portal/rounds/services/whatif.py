"""What-if: the ranking of a round under weights the board tries out, without saving anything.

Gathering and aggregating every score of a large round takes a second or more, so what-if
never does it per request: it ranks the aggregated scores of the round's stored state
(`analysis.current`, found by the round's cheap stamp) with the engine under the weights sent.
The panel sends the digest of the state the page showed; if the round has moved on since, the
form is stale (409) and the reader reloads the page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from flask_babel import format_decimal
from flask_babel import gettext as _

import scoring
from portal.accounts.models import Role, User
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.rounds.models import Round
from portal.rounds.services import access, analysis, ranking
from portal.rounds.services.ranking import RankingState

#: The methods what-if ranks by; TOPSIS is cheap enough to answer at once, PROMETHEE II is not.
METHODS = ("weighted_sum", "topsis")
#: How many leading ideas the panel lists: the leading ideas and those right behind them.
SHOWN = 20


class WhatIfRefused(DomainError):
    """The weights or the method cannot be used; `problems` says which field and why."""

    status_code = 422

    def __init__(self, message: str, problems: dict[str, str]) -> None:
        super().__init__(message)
        self.problems = problems


def rank_by(
    state: RankingState, weights: npt.ArrayLike | None = None, method: str = "weighted_sum"
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return (scores, ranks, order) of *state* under the board's weights or *weights*, by
    *method*."""
    if method == "topsis":
        closeness = scoring.topsis(
            state.matrix, state.weights if weights is None else weights, state.benefit
        )
        ranks, order = scoring.rank_scores(closeness)
        return closeness, ranks, order
    found = ranking.rank(state, weights)
    return found.scores, found.ranks, found.order


def may_try_weights(round_: Round, user: User) -> bool:
    """Board members and moderators try weights wherever they read the ranking."""
    return ranking.may_see_ranking(round_, user) and (
        access.is_moderator(user) or user.has_role(Role.BOARD_MEMBER)
    )


def require_weights_trier(round_: Round, user: User) -> None:
    """Refuse anybody but the board and the moderators, and them where they cannot read the
    ranking (403)."""
    ranking.require_ranking_reader(round_, user)
    if not may_try_weights(round_, user):
        raise Forbidden(_("Only the board and the moderators try out other weights."))


def load(round_: Round, digest: str | None) -> RankingState:
    """Return the stored state of *round_*'s ranking; 409 if it is no longer the state
    *digest* that the page showed."""
    state = analysis.current(round_).state
    if digest is not None and digest != state.digest:
        raise _stale()
    return state


def _stale() -> Conflict:
    return Conflict(
        _(
            "The scores or weights of the round have changed since the page was loaded. "
            "Please reload the page and try again."
        )
    )


def parse_weights(state: RankingState, raw: Mapping[str, str]) -> npt.NDArray[np.float64]:
    """Return the weights in *raw* (points per criterion, field `w<criterion id>`, a missing
    field keeping the board's weight) as shares summing to 1.

    Raise `WhatIfRefused` naming each field that is not a number or negative, or when all are 0.
    """
    problems: dict[str, str] = {}
    weights = []
    for c in state.criteria:
        field = f"w{c.id}"
        text = (raw.get(field) or "").strip().replace(",", ".")
        if not text:
            weights.append(c.weight * 100)
            continue
        try:
            value = float(text)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems[field] = _("Enter the weight of %(criterion)s as a number.", criterion=c.name)
        elif value < 0:
            problems[field] = _("The weight of %(criterion)s cannot be negative.", criterion=c.name)
        weights.append(value)
    if problems:
        raise WhatIfRefused(next(iter(problems.values())), problems)
    total = math.fsum(weights)
    if total <= 0:
        message = _("At least one criterion needs a weight above 0.")
        raise WhatIfRefused(message, {f"w{c.id}": message for c in state.criteria})
    return np.array(weights) / total


def parse_method(raw: str | None) -> str:
    """Return the method named by *raw* (default: the weighted sum); refuse any other (422)."""
    method = (raw or "weighted_sum").strip()
    if method not in METHODS:
        message = _("Unknown method: choose the weighted sum or TOPSIS.")
        raise WhatIfRefused(message, {"method": message})
    return method


@dataclass(frozen=True)
class WhatIfRow:
    idea_id: int
    title: str
    rank: int
    #: Weighted sum: 0…1 (shown as points of 100); TOPSIS: the closeness, 0…1.
    score: float
    published_rank: int

    @property
    def change(self) -> int:
        """Places gained (positive) or lost (negative) against the published ranking."""
        return self.published_rank - self.rank


@dataclass(frozen=True)
class WhatIf:
    """The ranking under weights tried out, beside the published one."""

    digest: str
    method: str
    #: The weights tried, as shares summing to 1, in the catalogue's order.
    weights: list[float]
    rows: list[WhatIfRow]
    #: How many ideas in all, and how many of the listed ones moved.
    total: int
    moved: int


def what_if(
    round_: Round,
    user: User,
    digest: str,
    raw: Mapping[str, str],
    method: str | None = None,
) -> WhatIf:
    """Rank the stored state *digest* of *round_* under the weights in *raw*; write nothing.

    Raise `Forbidden` (403), `Conflict` when the round has moved on from that state (409) or
    `WhatIfRefused` for weights or a method that cannot be used (422).
    """
    require_weights_trier(round_, user)
    return _ranked(load(round_, digest), raw, method)


def _ranked(state: RankingState, raw: Mapping[str, str], method: str | None) -> WhatIf:
    chosen = parse_method(method)
    weights = parse_weights(state, raw)
    scores, ranks, order = rank_by(state, weights, chosen)
    _published_scores, published, _order = rank_by(state)
    rows = [
        WhatIfRow(
            idea_id=state.ideas[i].id,
            title=state.ideas[i].title,
            rank=int(ranks[i]),
            score=float(scores[i]),
            published_rank=int(published[i]),
        )
        for i in (int(k) for k in order[:SHOWN])
    ]
    return WhatIf(
        digest=state.digest,
        method=chosen,
        weights=[float(w) for w in weights],
        rows=rows,
        total=len(state.ideas),
        moved=sum(1 for row in rows if row.change),
    )


@dataclass(frozen=True)
class PanelCriterion:
    id: int
    name: str
    #: The board's weight in points of 100.
    published: float
    #: What the field shows: the typed text, or the board's weight.
    value: str


@dataclass(frozen=True)
class Panel:
    """The what-if panel of the ranking page, with the order under the weights sent, if any."""

    digest: str
    criteria: list[PanelCriterion]
    method: str
    budget: str
    result: WhatIf | None
    problems: dict[str, str]


def _points(weight: float) -> str:
    return str(format_decimal(weight * 100, "0.#"))


def panel(round_: Round, user: User, state: RankingState, args: Mapping[str, str]) -> Panel | None:
    """Return the what-if panel of *round_* in *state* for *user* (None for readers who may not
    try weights); with a `state` in *args*, the order under the weights in *args*, or what is
    wrong with them."""
    if not may_try_weights(round_, user):
        return None
    result, problems = None, {}
    if args.get("state"):
        if args["state"] != state.digest:
            raise _stale()
        try:
            result = _ranked(state, args, args.get("method"))
        except WhatIfRefused as refused:
            problems = refused.problems
    return Panel(
        digest=state.digest,
        criteria=[
            PanelCriterion(
                id=c.id,
                name=c.name,
                published=c.weight * 100,
                value=args.get(f"w{c.id}", _points(c.weight))
                if args.get("state")
                else _points(c.weight),
            )
            for c in state.criteria
        ],
        method=args.get("method", "weighted_sum"),
        budget=args.get("budget", ""),
        result=result,
        problems=problems,
    )
