"""What-if: the ranking of a round under weights the board tries out, without saving anything.

Gathering and aggregating every score of a large round takes a second or more, so what-if
never does it per request. The ranking page stores the aggregated scores it showed as a
`RankingSnapshot` under the inputs' digest (`remember`); the panel sends that digest with the
weights, and `what_if` ranks the stored matrix with the engine under those weights. A digest
that is no longer stored (the scores changed since the page was loaded) is a stale form (409).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

import scoring
from portal.accounts.models import Role, User
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.core.transactions import will_write, writes_expected
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import Criterion, RankingSnapshot, Round
from portal.rounds.services import access, ranking
from portal.rounds.services.ranking import RoundInputs

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


@dataclass(frozen=True)
class SnapshotCriterion:
    id: int
    name: str
    benefit: bool
    scale: scoring.Scale
    #: The board's weight (summing to 1).
    weight: float
    #: A mean score at or above this level makes an idea mandatory; None: no knock-out.
    knockout_level: int | None


@dataclass(frozen=True)
class Snapshot:
    """The aggregated scores of one state of a round's ranking."""

    round_id: int
    digest: str
    idea_ids: tuple[int, ...]
    criteria: tuple[SnapshotCriterion, ...]
    #: Ideas × criteria, read-only.
    matrix: npt.NDArray[np.float64]

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        return np.array([c.weight for c in self.criteria])

    def rank(
        self, weights: npt.ArrayLike | None = None, method: str = "weighted_sum"
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Return (scores, ranks, order) under the board's weights or *weights*, by *method*."""
        w = self.weights if weights is None else weights
        benefit = [c.benefit for c in self.criteria]
        if method == "topsis":
            closeness = scoring.topsis(self.matrix, w, benefit)
            ranks, order = scoring.rank_scores(closeness)
            return closeness, ranks, order
        found = scoring.weighted_sum(
            self.matrix, w, benefit, scales=[c.scale for c in self.criteria]
        )
        return found.scores, found.ranks, found.order


def _of(row: RankingSnapshot) -> Snapshot:
    criteria = tuple(
        SnapshotCriterion(
            id=c["id"],
            name=c["name"],
            benefit=c["benefit"],
            scale=scoring.Scale(c["low"], c["high"]),
            weight=c["weight"],
            knockout_level=c["knockout"],
        )
        for c in row.criteria
    )
    matrix = np.frombuffer(row.matrix, dtype="<f8").reshape(len(row.idea_ids), len(criteria))
    return Snapshot(row.round_id, row.digest, tuple(row.idea_ids), criteria, matrix)


def _stored(round_id: int, digest: str) -> RankingSnapshot | None:
    return db.session.scalar(
        select(RankingSnapshot).where(
            RankingSnapshot.round_id == round_id, RankingSnapshot.digest == digest
        )
    )


def remember(round_: Round, inputs: RoundInputs) -> Snapshot:
    """Return the snapshot of *inputs*, storing it if this state has none yet.

    Like `analysis.analysis`, call it before the unit of work writes anything of its own.
    """
    row = _stored(round_.id, inputs.digest)
    if row is not None:
        return _of(row)
    knockouts = dict(
        db.session.execute(
            select(Criterion.id, Criterion.knockout_level).where(
                Criterion.id.in_([c.id for c in inputs.criteria])
            )
        ).all()
    )
    row = RankingSnapshot(
        round_id=round_.id,
        digest=inputs.digest,
        idea_ids=list(inputs.idea_ids),
        criteria=[
            {
                "id": c.id,
                "name": c.name,
                "benefit": c.benefit,
                "low": c.scale.low,
                "high": c.scale.high,
                "weight": c.weight,
                "knockout": knockouts.get(c.id),
            }
            for c in inputs.criteria
        ],
        matrix=np.ascontiguousarray(inputs.matrix, dtype="<f8").tobytes(),
    )
    if not writes_expected():
        will_write()
    try:
        with db.session.begin_nested():
            # What-if on an earlier state is a stale form; its snapshot is of no use any more.
            db.session.execute(delete(RankingSnapshot).where(RankingSnapshot.round_id == round_.id))
            db.session.add(row)
    except IntegrityError:
        # A page view at the same moment stored the same state.
        found = _stored(round_.id, inputs.digest)
        assert found is not None
        return _of(found)
    return _of(row)


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


def load(round_: Round, digest: str) -> Snapshot:
    """Return the snapshot of *round_* stored under *digest*; 409 if the state has moved on."""
    row = _stored(round_.id, digest[:64])
    if row is None:
        raise Conflict(
            _(
                "The scores or weights of the round have changed since the page was loaded. "
                "Please reload the page and try again."
            )
        )
    return _of(row)


def parse_weights(snapshot: Snapshot, raw: Mapping[str, str]) -> npt.NDArray[np.float64]:
    """Return the weights in *raw* (points per criterion, field `w<criterion id>`, a missing
    field keeping the board's weight) as shares summing to 1.

    Raise `WhatIfRefused` naming each field that is not a number or negative, or when all are 0.
    """
    problems: dict[str, str] = {}
    weights = []
    for c in snapshot.criteria:
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
        raise WhatIfRefused(message, {f"w{c.id}": message for c in snapshot.criteria})
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
    """Rank the snapshot *digest* of *round_* under the weights in *raw*; write nothing.

    Raise `Forbidden` (403), `Conflict` for a state no longer stored (409) or `WhatIfRefused`
    for weights or a method that cannot be used (422).
    """
    require_weights_trier(round_, user)
    snapshot = load(round_, digest)
    chosen = parse_method(method)
    weights = parse_weights(snapshot, raw)
    scores, ranks, order = snapshot.rank(weights, chosen)
    _published_scores, published, _order = snapshot.rank()
    shown = [int(i) for i in order[:SHOWN]]
    ids = [snapshot.idea_ids[i] for i in shown]
    titles = dict(db.session.execute(select(Idea.id, Idea.title).where(Idea.id.in_(ids))).all())
    rows = [
        WhatIfRow(
            idea_id=snapshot.idea_ids[i],
            title=titles.get(snapshot.idea_ids[i], ""),
            rank=int(ranks[i]),
            score=float(scores[i]),
            published_rank=int(published[i]),
        )
        for i in shown
    ]
    return WhatIf(
        digest=snapshot.digest,
        method=chosen,
        weights=[float(w) for w in weights],
        rows=rows,
        total=len(snapshot.idea_ids),
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
    return f"{weight * 100:.1f}".rstrip("0").rstrip(".")


def panel(round_: Round, user: User, inputs: RoundInputs, args: Mapping[str, str]) -> Panel | None:
    """Return the what-if panel of *round_* for *user* (None for readers who may not try
    weights), storing the snapshot of *inputs*; with a `state` in *args*, the order under the
    weights in *args*, or what is wrong with them."""
    if not may_try_weights(round_, user):
        return None
    snapshot = remember(round_, inputs)
    result, problems = None, {}
    if args.get("state"):
        try:
            result = what_if(round_, user, args["state"], args, args.get("method"))
        except WhatIfRefused as refused:
            problems = refused.problems
    return Panel(
        digest=snapshot.digest,
        criteria=[
            PanelCriterion(
                id=c.id,
                name=c.name,
                published=c.weight * 100,
                value=args.get(f"w{c.id}", _points(c.weight))
                if args.get("state")
                else _points(c.weight),
            )
            for c in snapshot.criteria
        ],
        method=args.get("method", "weighted_sum"),
        budget=args.get("budget", ""),
        result=result,
        problems=problems,
    )
