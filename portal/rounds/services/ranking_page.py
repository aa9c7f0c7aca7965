"""Everything the ranking page and the "why this rank" section of the idea page show, read from
the stored state of the round's ranking and its analyses (`analysis.current`); every number is
the engine's."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from flask_babel import gettext as _
from sqlalchemy import select

import scoring
from portal.accounts.models import Role, User
from portal.core.pagination import Page
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import Assignment, AssignmentState, Round, RoundPhase, Score
from portal.rounds.services import access, analysis, ranking
from portal.rounds.services.analysis import Analysis
from portal.rounds.services.ranking import (
    IdeaRef,
    RankedCriterion,
    RankingState,
    RankingUnavailable,
    Unranked,
)

P = RoundPhase

#: Ranks of the three methods further apart than this mark an idea whose place depends on the
#: method.
METHOD_GAP = 3
#: Agreement readings: Krippendorff (2011) accepts α ≥ 0.800 and, for tentative conclusions,
#: α ≥ 0.667; for W the usual bands of Schmidt (1997).
ALPHA_GOOD, ALPHA_TENTATIVE = 0.8, 0.667
W_STRONG, W_MODERATE, W_WEAK = 0.7, 0.5, 0.3
#: How many of the ideas whose rank depends on the method the page lists.
DEPENDENT_SHOWN = 30


def alpha_reading(alpha: float | None) -> str:
    """Say in one line what an alpha means for the reader."""
    if alpha is None:
        return str(_("not enough overlapping scores to tell"))
    if alpha >= ALPHA_GOOD:
        return str(_("good agreement"))
    if alpha >= ALPHA_TENTATIVE:
        return str(_("agreement enough for tentative conclusions"))
    return str(_("weak agreement: the scores differ widely"))


def w_reading(w: float | None) -> str:
    """Say in one line what Kendall's W means for the reader."""
    if w is None:
        return str(_("not enough shared ideas to tell"))
    if w >= W_STRONG:
        return str(_("strong agreement on the order"))
    if w >= W_MODERATE:
        return str(_("moderate agreement on the order"))
    if w >= W_WEAK:
        return str(_("weak agreement on the order"))
    return str(_("hardly any agreement on the order"))


def points(weight: float) -> float:
    """Return a weight (0…1) as points of 100."""
    return weight * 100


@dataclass(frozen=True)
class Spread:
    """The assessors' scores of one idea on one criterion."""

    low: float
    median: float
    high: float
    #: Further apart than the round's disagreement review allows.
    disagreement: bool


@dataclass(frozen=True)
class Row:
    """One idea in the ranking table."""

    position: int
    rank: int
    idea: IdeaRef
    score: float
    #: Per criterion: weight × normalised score, in the catalogue's order.
    contributions: list[float]
    #: Per criterion: the assessors' spread; None for values taken from the idea.
    spreads: list[Spread | None]
    #: The criteria on which the assessors disagree strongly.
    disagreements: list[str]
    #: The rank under TOPSIS and PROMETHEE II, once computed.
    topsis: int | None
    promethee: int | None

    @property
    def method_dependent(self) -> bool:
        others = [r for r in (self.topsis, self.promethee) if r is not None]
        return any(abs(r - self.rank) > METHOD_GAP for r in others)


@dataclass(frozen=True)
class Agreement:
    criterion: RankedCriterion
    alpha: float | None
    basis: str
    reading: str


@dataclass(frozen=True)
class Interval:
    criterion: RankedCriterion
    lower: float
    upper: float
    current: float


@dataclass(frozen=True)
class Swap:
    """Two neighbouring ideas and the single weight change that swaps them."""

    above: int
    below: int
    above_title: str
    below_title: str
    criterion: RankedCriterion | None
    #: Points (of 100) the weight must rise (positive) or fall (negative): the first tenth of
    #: a point beyond the tie, so that the change really swaps the two; 0 when they are tied.
    change: float | None


@dataclass(frozen=True)
class HeatRow:
    rank: int
    idea: IdeaRef
    #: The share of draws in which the idea took rank 1, 2, … N.
    shares: list[float]
    #: The share of draws in which it fell behind rank N.
    later: float


@dataclass(frozen=True)
class RankingPage:
    """The ranking of a round as one reader sees it, or why there is none yet."""

    round: Round
    #: Why the round cannot be ranked yet; None when it can.
    unavailable: str | None
    inputs: RankingState | None
    analysis: Analysis | None
    rows: Page[Row] | None
    unranked: tuple[Unranked, ...]
    agreement: list[Agreement]
    overall_w: float | None
    overall_basis: str
    overall_pairs: int
    intervals: list[Interval]
    swaps: list[Swap]
    top: int
    heat: list[HeatRow]
    #: The first ideas whose rank depends on the method, and how many there are.
    method_dependent: list[Row]
    method_dependent_total: int
    #: The steps that the engine refused, with its message.
    failed: dict[str, str]


def _method_ranks(found: Analysis | None, method: str) -> list[int] | None:
    part = found.part("methods") if found else None
    if not part or "error" in part:
        return None
    ranks: list[int] = part[method]["ranks"]
    return ranks


def _rows(
    inputs: RankingState, ranked: scoring.Ranking, found: Analysis | None, positions: list[int]
) -> list[Row]:
    """Return the rows at *positions* (0 = the first) of the ranking."""
    order = [int(ranked.order[p]) for p in positions]
    low, median, high = inputs.spreads[:, order]
    topsis, promethee = _method_ranks(found, "topsis"), _method_ranks(found, "promethee")
    rows = []
    for k, i in enumerate(order):
        spreads: list[Spread | None] = []
        for j, criterion in enumerate(inputs.criteria):
            if criterion.from_idea:
                spreads.append(None)
                continue
            apart = criterion.kind.value == "rating" and (
                high[k, j] - low[k, j] > inputs.disagreement_levels
            )
            spreads.append(Spread(low[k, j], median[k, j], high[k, j], bool(apart)))
        rows.append(
            Row(
                position=positions[k] + 1,
                rank=int(ranked.ranks[i]),
                idea=inputs.ideas[i],
                score=float(ranked.scores[i]),
                contributions=[float(v) for v in ranked.contributions[i]],
                spreads=spreads,
                disagreements=[
                    c.name
                    for c, s in zip(inputs.criteria, spreads, strict=True)
                    if s and s.disagreement
                ],
                topsis=topsis[i] if topsis else None,
                promethee=promethee[i] if promethee else None,
            )
        )
    return rows


def _swap_change(change: float | None) -> float | None:
    if change is None:
        return None
    if change == 0:
        return 0.0
    # At the engine's weight the two tie; the first tenth of a point beyond it swaps them.
    tenths = (math.floor(abs(change) * 1000 + 1e-6) + 1) / 10
    return math.copysign(tenths, change)


def _stability(
    inputs: RankingState, ranked: scoring.Ranking, found: Analysis | None
) -> tuple[list[Interval], list[Swap]]:
    part = found.part("stability") if found else None
    if not part or "error" in part:
        return [], []
    position = {inputs.ideas[int(i)].id: k + 1 for k, i in enumerate(ranked.order)}
    titles = {idea.id: idea.title for idea in inputs.ideas}
    intervals = [
        Interval(c, points(i["lower"]), points(i["upper"]), points(i["current"]))
        for c, i in zip(inputs.criteria, part["intervals"], strict=True)
    ]
    swaps = [
        Swap(
            above=position[s["above"]],
            below=position[s["below"]],
            above_title=titles[s["above"]],
            below_title=titles[s["below"]],
            criterion=None if s["criterion"] is None else inputs.criteria[s["criterion"]],
            change=None if s["change"] is None else _swap_change(s["change"]),
        )
        for s in part["swaps"]
    ]
    return intervals, swaps


def _heat(inputs: RankingState, ranked: scoring.Ranking, found: Analysis | None) -> list[HeatRow]:
    part = found.part("acceptability") if found else None
    if not part or "error" in part:
        return []
    row_of = {idea.id: k for k, idea in enumerate(inputs.ideas)}
    return [
        HeatRow(
            rank=int(ranked.ranks[row_of[r["idea"]]]),
            idea=inputs.ideas[row_of[r["idea"]]],
            shares=r["p"],
            later=max(0.0, 1.0 - sum(r["p"])),
        )
        for r in part["rows"]
    ]


def _agreement(
    inputs: RankingState, found: Analysis | None
) -> tuple[list[Agreement], float | None, str, int]:
    part = found.part("agreement") if found else None
    if not part or "error" in part:
        return [], None, "", 0
    rows = [
        Agreement(c, a["alpha"], a["basis"], alpha_reading(a["alpha"]))
        for c, a in zip(inputs.criteria, part["criteria"], strict=True)
        if not c.from_idea
    ]
    overall = part["overall"]
    return rows, overall["w"], overall["basis"], overall["pairs"]


def ranking_page(round_: Round, user: User, page: int, per_page: int) -> RankingPage:
    """Return what the ranking page of *round_* shows *user*, with page *page* of the ranking.

    Stores the round's current state and starts its analyses in the background if they are not
    stored yet (see `analysis.current`).
    """
    ranking.require_ranking_reader(round_, user)
    try:
        current = analysis.current(round_)
    except RankingUnavailable as refused:
        return RankingPage(
            round=round_,
            unavailable=refused.message,
            inputs=None,
            analysis=None,
            rows=None,
            unranked=(),
            agreement=[],
            overall_w=None,
            overall_basis="",
            overall_pairs=0,
            intervals=[],
            swaps=[],
            top=0,
            heat=[],
            method_dependent=[],
            method_dependent_total=0,
            failed={},
        )
    inputs, found = current.state, current.analysis
    ranked = ranking.rank(inputs)
    total = len(inputs.ideas)
    page = min(max(1, page), max(1, -(-total // per_page)))
    start = (page - 1) * per_page
    rows = _rows(inputs, ranked, found, list(range(start, min(start + per_page, total))))
    agreement, w, basis, pairs = _agreement(inputs, found)
    intervals, swaps = _stability(inputs, ranked, found)
    dependent: list[Row] = []
    topsis, promethee = _method_ranks(found, "topsis"), _method_ranks(found, "promethee")
    if topsis is not None and promethee is not None:
        ordered = ranked.ranks[ranked.order]
        gaps = np.maximum(
            np.abs(np.array(topsis)[ranked.order] - ordered),
            np.abs(np.array(promethee)[ranked.order] - ordered),
        )
        shown = [int(p) for p in np.flatnonzero(gaps > METHOD_GAP)[:DEPENDENT_SHOWN]]
        dependent = _rows(inputs, ranked, found, shown)
        dependent_total = int((gaps > METHOD_GAP).sum())
    else:
        dependent_total = 0
    return RankingPage(
        round=round_,
        unavailable=None,
        inputs=inputs,
        analysis=found,
        rows=Page(items=rows, page=page, per_page=per_page, total=total),
        unranked=inputs.unranked,
        agreement=agreement,
        overall_w=w,
        overall_basis=basis,
        overall_pairs=pairs,
        intervals=intervals,
        swaps=swaps,
        top=analysis.top_of(inputs),
        heat=_heat(inputs, ranked, found),
        method_dependent=dependent,
        method_dependent_total=dependent_total,
        failed={
            step: part["error"]
            for step, part in found.result.items()
            if isinstance(part, dict) and "error" in part
        },
    )


# Why this rank -------------------------------------------------------------------------------

#: Phases in which the board (and the moderators) read why an idea ranks where it does.
EXPLAINED_TO_BOARD = frozenset({P.DECIDE})


def may_see_why(round_: Round, user: User) -> bool:
    """All staff once the ranking is published; board members and moderators while deciding."""
    if round_.phase in ranking.PUBLISHED_PHASES:
        return True
    return round_.phase in EXPLAINED_TO_BOARD and (
        access.is_moderator(user) or user.has_role(Role.BOARD_MEMBER)
    )


@dataclass(frozen=True)
class Justification:
    #: "A", "B", … or the assessor's name where the round names them.
    assessor: str
    value: float
    text: str


@dataclass(frozen=True)
class CriterionReason:
    criterion: RankedCriterion
    #: The aggregated score (the mean of the assessors', or the idea's estimate).
    value: float
    contribution: float
    justifications: list[Justification]


@dataclass(frozen=True)
class WhyThisRank:
    """Why one idea ranks where it does."""

    round: Round
    idea_id: int
    #: None when the idea is not ranked (see `unranked`).
    rank: int | None
    ideas: int
    score: float | None
    criteria: list[CriterionReason]
    unranked: Unranked | None
    top: int
    #: For an idea outside the top: the last idea of the top, and the criterion where this
    #: idea's contribution falls shortest of it, with the gap in points.
    last_of_top: IdeaRef | None
    shortest: RankedCriterion | None
    gap: float | None


def _letter(number: int) -> str:
    letters = ""
    number += 1
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _justifications(round_: Round, idea_id: int) -> dict[int, list[Justification]]:
    """Return, per criterion id, the submitted scores of *idea_id* with their justifications,
    the assessors named by letter in a fixed order unless the round names them."""
    rows = db.session.execute(
        select(
            Assignment.id,
            User.name,
            Score.criterion_id,
            Score.value,
            Score.revised_value,
            Score.justification,
        )
        .join(Score, Score.assignment_id == Assignment.id)
        .join(User, User.id == Assignment.assessor_id)
        .where(
            Assignment.round_id == round_.id,
            Assignment.idea_id == idea_id,
            Assignment.state == AssignmentState.SUBMITTED,
        )
        .order_by(Assignment.id, Score.criterion_id)
    ).all()
    letters: dict[int, str] = {}
    found: dict[int, list[Justification]] = {}
    for assignment_id, name, criterion_id, value, revised, text in rows:
        label = letters.setdefault(
            assignment_id, name if round_.assessors_named else _letter(len(letters))
        )
        found.setdefault(criterion_id, []).append(
            Justification(label, value if revised is None else revised, text)
        )
    return found


def why_this_rank(idea: Idea, round_: Round, user: User) -> WhyThisRank | None:
    """Return why *idea* ranks where it does in *round_*, or None if *user* may not read it
    (yet) or the round cannot be ranked."""
    if not may_see_why(round_, user):
        return None
    try:
        inputs = analysis.current(round_).state
    except RankingUnavailable:
        return None
    ranked = ranking.rank(inputs)
    top = analysis.top_of(inputs)
    row = inputs.row(idea.id)
    texts = _justifications(round_, idea.id)
    criteria = []
    for j, criterion in enumerate(inputs.criteria):
        criteria.append(
            CriterionReason(
                criterion=criterion,
                value=float(inputs.matrix[row, j]) if row is not None else math.nan,
                contribution=float(ranked.contributions[row, j]) if row is not None else 0.0,
                justifications=texts.get(criterion.id, []),
            )
        )
    last_of_top = shortest = gap = None
    if row is not None and ranked.ranks[row] > top:
        last = int(ranked.order[top - 1])
        deficits = ranked.contributions[last] - ranked.contributions[row]
        j = int(np.argmax(deficits))
        last_of_top, shortest, gap = inputs.ideas[last], inputs.criteria[j], points(deficits[j])
    return WhyThisRank(
        round=round_,
        idea_id=idea.id,
        rank=int(ranked.ranks[row]) if row is not None else None,
        ideas=len(inputs.ideas),
        score=float(ranked.scores[row]) if row is not None else None,
        criteria=criteria if row is not None else [],
        unranked=next((u for u in inputs.unranked if u.idea.id == idea.id), None),
        top=top,
        last_of_top=last_of_top,
        shortest=shortest,
        gap=gap,
    )
