"""The portfolio proposal of a round: the most valuable set of ranked ideas within the round's
budget and staff days, beside what a simple cut-off of the ranking would fund.

Inputs: the ranking (the round's stored state, `analysis.current`, under the board's weights
or weights tried in the what-if panel), the ideas' cost and effort estimates, the round's budget
and staff days (or a smaller budget tried), and the rules:

* **mandatory**: an idea whose mean score on a criterion with a knock-out level is at or above
  that level (a legal obligation with a deadline, say) is always in the proposal;
* **excluded**: ideas the moderators keep out (`PortfolioExclusion`), with a reason;
* **dependencies**: "B needs A" (`PortfolioDependency`): B only together with A.

The engine's `select_portfolio` chooses the set, proven optimal within the time limit of the
settings (`PORTFOLIO_TIME_LIMIT_SECONDS`); the value of an idea is its score. Ideas without a
cost or effort estimate cannot be weighed against the limits and are listed apart.

Solving takes a quarter of a second for 200 ideas and seconds for thousands, and the proposal
under the board's weights is read by every view of this page and of the board's pages. So its
solution is stored (`PortfolioSolution`) under a hash of exactly what the solver reads, and
read back while the problem stays the same; a change of any input (a score, an estimate, the
budget, an exclusion, a dependency, a knock-out) is another problem, solved once when a page
first needs it.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError, OperationalError

import scoring
from portal.accounts.models import User
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import (
    Criterion,
    PortfolioDependency,
    PortfolioExclusion,
    PortfolioSolution,
    Round,
    RoundIdea,
    RoundPhase,
)
from portal.rounds.services import access, analysis, ranking, whatif
from portal.rounds.services.ranking import RankingState

P = RoundPhase
#: Phases in which the moderators keep the rules of the portfolio: until the board decides.
RULES_PHASES = frozenset({P.COLLECT, P.SCREEN, P.SCORE, P.DECIDE})


class PortfolioRefused(DomainError):
    """A rule or an input of the portfolio cannot be used; the message says why."""

    status_code = 422


@dataclass(frozen=True)
class Item:
    """A ranked idea as the proposal weighs it."""

    idea_id: int
    title: str
    rank: int
    #: The idea's score (0…1) under the weights of the proposal: its value.
    score: float
    cost: int | None
    effort: int | None
    mandatory: bool
    excluded: bool


@dataclass(frozen=True)
class Binding:
    """What keeps further ideas out: a limit, or a dependency."""

    #: "budget", "staff_days" or "dependency".
    kind: str
    #: For a dependency: the idea that needs the other, and the idea it needs.
    idea: Item | None = None
    needs: Item | None = None
    #: For a dependency: whether both are in the proposal (the needed idea came in with it).
    together: bool = False


@dataclass(frozen=True)
class Proposal:
    round: Round
    digest: str
    #: The weights of the proposal as shares by criterion name, and whether they are the board's.
    weights: list[tuple[str, float]]
    published_weights: bool
    budget: int | None
    staff_days: int | None
    #: Why there is no proposal (no limits set, mandatory ideas beyond them); None if there is.
    unavailable: str | None
    selected: list[Item]
    cutoff: list[Item]
    #: Funded by the proposal but not by the cut-off, and the other way round.
    gained: list[Item]
    lost: list[Item]
    total: float
    cutoff_total: float
    used_budget: float
    used_days: float
    binding: list[Binding]
    optimal: bool
    gap: float
    seconds: float
    time_limit: int
    without_estimates: list[Item]
    mandatory: list[Item]
    excluded: list[tuple[Item, str]]
    #: (id of the record, the idea, the idea it needs)
    dependencies: list[tuple[int, Item, Item]]


def _parse_budget(raw: str | None, round_budget: int | None) -> int | None:
    text = (raw or "").strip().replace(".", "").replace(" ", "")
    if not text:
        return round_budget
    if not text.isdigit():
        raise PortfolioRefused(_("Enter the budget as a whole number of euros, 0 or more."))
    return int(text)


def _cutoff(
    order: list[int], costs: np.ndarray, limits: np.ndarray, usable: np.ndarray
) -> list[int]:
    """Return the rows a simple cut-off funds: down the ranking, every usable idea, until the
    first that no longer fits."""
    funded, used = [], np.zeros(len(limits))
    for i in order:
        if not usable[i]:
            continue
        if ((used + costs[i]) > limits).any():
            break
        used += costs[i]
        funded.append(i)
    return funded


def proposal(
    round_: Round,
    user: User,
    args: Mapping[str, str] | None = None,
) -> Proposal:
    """Return the portfolio proposal of *round_* for *user*.

    With a `state` in *args* (the what-if panel), under the weights and the budget in *args*
    (board and moderators only); otherwise under the board's weights and the round's limits,
    for every reader of the ranking. Writes nothing but the stored state of the ranking, where
    the round has moved on since it was last stored.
    """
    args = args or {}
    ranking.require_ranking_reader(round_, user)
    if args.get("state"):
        whatif.require_weights_trier(round_, user)
        state = whatif.load(round_, args["state"])
        weights = whatif.parse_weights(state, args)
        budget = _parse_budget(args.get("budget"), round_.budget_euros)
        return _propose(round_, state, weights, budget, store=False)
    return of_state(round_, analysis.current(round_).state)


def of_state(round_: Round, state: RankingState) -> Proposal:
    """Return the portfolio proposal of *round_* in *state* under the board's weights and the
    round's limits, for a caller that has authorised its reader (the board's decisions).

    Its solution is read from the stored one of the same problem, or solved and stored.
    """
    return _propose(
        round_, state, state.weights / state.weights.sum(), round_.budget_euros, store=True
    )


@dataclass(frozen=True)
class _Problem:
    """What the solver reads: the ideas that can be weighed (by id) with their values and
    amounts, the limits, and the rules as positions among those ideas."""

    idea_ids: tuple[int, ...]
    values: np.ndarray
    costs: np.ndarray
    limits: np.ndarray
    resources: tuple[str, ...]
    mandatory: tuple[int, ...]
    excluded: tuple[int, ...]
    depends_on: dict[int, list[int]]
    time_limit: int

    def key(self) -> str:
        """Return the hash that stands for this problem: equal only for equal inputs."""
        digest = hashlib.sha256()
        for part in (
            SOLUTION_VERSION,
            self.idea_ids,
            self.resources,
            self.mandatory,
            self.excluded,
            sorted((a, sorted(b)) for a, b in self.depends_on.items()),
            self.time_limit,
        ):
            digest.update(repr(part).encode())
        for array in (self.values, self.costs, self.limits):
            digest.update(repr(array.shape).encode())
            digest.update(np.ascontiguousarray(array, dtype=np.float64).tobytes())
        return digest.hexdigest()


#: Raised when what a stored solution means changes, so that older rows are not read as new.
SOLUTION_VERSION = 1


@dataclass(frozen=True)
class _Solution:
    #: Positions among the problem's ideas; None if the mandatory ideas alone break a limit.
    selected: tuple[int, ...] | None
    binding: tuple[str, ...]
    total: float
    optimal: bool
    gap: float
    seconds: float


def _solve(problem: _Problem) -> _Solution:
    started = time.perf_counter()
    try:
        found = scoring.select_portfolio(
            problem.values,
            problem.costs,
            problem.limits,
            mandatory=problem.mandatory,
            excluded=problem.excluded,
            depends_on=problem.depends_on,
            time_limit=problem.time_limit,
        )
    except scoring.InfeasiblePortfolio:
        return _Solution(None, (), 0.0, True, 0.0, time.perf_counter() - started)
    return _Solution(
        selected=found.selected,
        binding=tuple(problem.resources[r] for r in found.binding),
        total=found.total_value,
        optimal=found.optimal,
        gap=found.gap,
        seconds=time.perf_counter() - started,
    )


def _stored_solution(round_: Round, problem: _Problem, key: str) -> _Solution | None:
    row = db.session.scalar(
        select(PortfolioSolution).where(
            PortfolioSolution.round_id == round_.id, PortfolioSolution.key == key
        )
    )
    if row is None:
        return None
    position = {idea_id: k for k, idea_id in enumerate(problem.idea_ids)}
    return _Solution(
        selected=None if row.selected is None else tuple(position[i] for i in row.selected),
        binding=tuple(row.binding),
        total=row.total_value,
        optimal=row.optimal,
        gap=row.gap,
        seconds=row.seconds,
    )


def _store_solution(round_id: int, problem: _Problem, key: str, solution: _Solution) -> None:
    """Store *solution* of *problem* as the one of round *round_id*, in place of the solutions
    of its earlier problems, which no page asks for any more.

    Storing is left out where it cannot be done at once, so that it never costs the caller
    what it read or wrote: on SQLite a page that began as a reader may find another writer
    in its way (then a later view stores it).
    """
    row = PortfolioSolution(
        round_id=round_id,
        key=key,
        selected=None
        if solution.selected is None
        else [problem.idea_ids[k] for k in solution.selected],
        binding=list(solution.binding),
        total_value=solution.total,
        optimal=solution.optimal,
        gap=solution.gap,
        seconds=solution.seconds,
    )
    try:
        with db.session.begin_nested():
            db.session.execute(
                delete(PortfolioSolution).where(PortfolioSolution.round_id == round_id)
            )
            db.session.add(row)
    except IntegrityError:
        # A page view at the same moment stored the same problem's solution.
        pass
    except OperationalError:
        if db.session.get_bind().dialect.name != "sqlite":
            raise


def _solution(round_: Round, problem: _Problem, *, store: bool) -> _Solution:
    """Return the solution of *problem*: stored if it was solved before, else solved now (and
    stored if *store*)."""
    key = problem.key()
    found = _stored_solution(round_, problem, key)
    if found is not None:
        return found
    solved = _solve(problem)
    if store:
        _store_solution(round_.id, problem, key, solved)
    return solved


def _propose(
    round_: Round, state: RankingState, weights: np.ndarray, budget: int | None, *, store: bool
) -> Proposal:
    scores, ranks, order = whatif.rank_by(state, weights)
    ids = list(state.idea_ids)
    rows = db.session.execute(
        select(Idea.id, Idea.title, Idea.cost_euros, Idea.effort_days).where(Idea.id.in_(ids))
    ).all()
    by_id = {row.id: row for row in rows}
    row_of = {idea_id: i for i, idea_id in enumerate(ids)}
    excluded_rows = db.session.execute(
        select(PortfolioExclusion.idea_id, PortfolioExclusion.reason).where(
            PortfolioExclusion.round_id == round_.id
        )
    ).all()
    reasons = {row.idea_id: row.reason for row in excluded_rows}
    records = [
        (row.id, row.idea_id, row.needs_id)
        for row in db.session.execute(
            select(
                PortfolioDependency.id, PortfolioDependency.idea_id, PortfolioDependency.needs_id
            )
            .where(PortfolioDependency.round_id == round_.id)
            .order_by(PortfolioDependency.id)
        )
    ]
    knockouts = {
        row.id: row.knockout_level
        for row in db.session.execute(
            select(Criterion.id, Criterion.knockout_level).where(
                Criterion.id.in_([c.id for c in state.criteria])
            )
        )
        if row.knockout_level is not None
    }
    mandatory = np.zeros(len(ids), dtype=bool)
    for j, criterion in enumerate(state.criteria):
        if criterion.id in knockouts:
            mandatory |= state.matrix[:, j] >= knockouts[criterion.id]
    items = [
        Item(
            idea_id=idea_id,
            title=by_id[idea_id].title,
            rank=int(ranks[i]),
            score=float(scores[i]),
            cost=by_id[idea_id].cost_euros,
            effort=by_id[idea_id].effort_days,
            mandatory=bool(mandatory[i]),
            excluded=idea_id in reasons,
        )
        for i, idea_id in enumerate(ids)
    ]
    ranked = [int(i) for i in order]
    estimated = np.array([it.cost is not None and it.effort is not None for it in items])
    pairs = [(a, b) for _id, a, b in records]
    dependencies = [
        (record, items[row_of[a]], items[row_of[b]])
        for record, a, b in records
        if a in row_of and b in row_of
    ]
    staff_days = round_.staff_days
    time_limit = int(current_app.config["PORTFOLIO_TIME_LIMIT_SECONDS"])
    base = Proposal(
        round=round_,
        digest=state.digest,
        weights=[
            (c.name, float(w))
            for c, w in zip(state.criteria, np.asarray(weights) / np.sum(weights), strict=True)
        ],
        published_weights=bool(np.allclose(weights, state.weights / state.weights.sum())),
        budget=budget,
        staff_days=staff_days,
        unavailable=None,
        selected=[],
        cutoff=[],
        gained=[],
        lost=[],
        total=0.0,
        cutoff_total=0.0,
        used_budget=0.0,
        used_days=0.0,
        binding=[],
        optimal=True,
        gap=0.0,
        seconds=0.0,
        time_limit=time_limit,
        without_estimates=[items[i] for i in ranked if not estimated[i]],
        mandatory=[items[i] for i in ranked if mandatory[i]],
        excluded=[(items[row_of[i]], reason) for i, reason in reasons.items() if i in row_of],
        dependencies=dependencies,
    )
    resources = [
        (kind, limit, attribute)
        for kind, limit, attribute in (
            ("budget", budget, "cost"),
            ("staff_days", staff_days, "effort"),
        )
        if limit is not None
    ]
    if not resources:
        return replace(
            base, unavailable=_("The round has neither a budget nor staff days to plan with.")
        )
    if not estimated.any():
        return replace(
            base, unavailable=_("No ranked idea has both a cost and an effort estimate.")
        )
    usable = np.flatnonzero(estimated)
    position = {int(i): k for k, i in enumerate(usable)}
    costs = np.array(
        [[getattr(items[i], attribute) for _kind, _l, attribute in resources] for i in usable],
        dtype=np.float64,
    )
    limits = np.array([limit for _kind, limit, _a in resources], dtype=np.float64)
    depends_on: dict[int, list[int]] = {}
    out = {int(i) for i in np.flatnonzero(~estimated)}
    excluded = [position[row_of[i]] for i in reasons if i in row_of and row_of[i] in position]
    for a, b in pairs:
        if a in row_of and b in row_of:
            if row_of[b] in out and row_of[a] in position:
                # What needs an idea that cannot be weighed cannot be chosen either.
                excluded.append(position[row_of[a]])
            elif row_of[a] in position:
                depends_on.setdefault(position[row_of[a]], []).append(position[row_of[b]])
    must = [position[int(i)] for i in np.flatnonzero(mandatory & estimated)]
    found = _solution(
        round_,
        _Problem(
            idea_ids=tuple(ids[int(i)] for i in usable),
            values=scores[usable],
            costs=costs,
            limits=limits,
            resources=tuple(kind for kind, _l, _a in resources),
            mandatory=tuple(i for i in must if i not in excluded),
            excluded=tuple(sorted(set(excluded))),
            depends_on=depends_on,
            time_limit=time_limit,
        ),
        store=store,
    )
    if found.selected is None:
        return replace(
            base,
            unavailable=_(
                "The mandatory ideas and the ideas they need alone exceed the budget or the "
                "staff days."
            ),
        )
    chosen = {int(usable[k]) for k in found.selected}
    cut = _cutoff(
        [position[i] for i in ranked if i in position],
        costs,
        limits,
        np.array([not items[int(i)].excluded for i in usable]),
    )
    cut_rows = {int(usable[k]) for k in cut}
    binding = [Binding(kind=kind) for kind in found.binding]
    for _record, idea, needs in dependencies:
        i, j = row_of[idea.idea_id], row_of[needs.idea_id]
        if i in chosen and j in chosen and j not in cut_rows:
            binding.append(Binding("dependency", idea, needs, together=True))
        elif i not in chosen and j not in chosen and i in cut_rows:
            binding.append(Binding("dependency", idea, needs, together=False))
    used = costs[[position[i] for i in chosen]].sum(axis=0) if chosen else np.zeros(len(limits))
    used_of = {kind: float(used[r]) for r, (kind, _l, _a) in enumerate(resources)}
    return replace(
        base,
        selected=[items[i] for i in ranked if i in chosen],
        cutoff=[items[i] for i in ranked if i in cut_rows],
        gained=[items[i] for i in ranked if i in chosen and i not in cut_rows],
        lost=[items[i] for i in ranked if i in cut_rows and i not in chosen],
        total=found.total,
        cutoff_total=math.fsum(items[i].score for i in cut_rows),
        used_budget=used_of.get("budget", 0.0),
        used_days=used_of.get("staff_days", 0.0),
        binding=binding,
        optimal=found.optimal,
        gap=found.gap,
        seconds=found.seconds,
    )


# The rules the moderators keep ------------------------------------------------------------


def require_rule_keeper(round_: Round, user: User) -> None:
    """Refuse anybody but a moderator, and changes once the board has decided (403)."""
    access.require_moderator(user)
    if round_.phase not in RULES_PHASES:
        raise Forbidden(_("The rules of the portfolio are fixed once the board has decided."))


def _round_idea(round_: Round, idea_id: int | None) -> Idea:
    found = (
        db.session.scalar(
            select(Idea)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == round_.id, Idea.id == idea_id)
        )
        if idea_id is not None
        else None
    )
    if found is None:
        raise PortfolioRefused(_("Enter the number of an idea of this round."))
    return found


def exclude(round_: Round, user: User, idea_id: int | None, reason: str) -> Idea:
    """Keep idea *idea_id* out of the portfolio of *round_*, for *reason*."""
    require_rule_keeper(round_, user)
    idea = _round_idea(round_, idea_id)
    if not reason.strip():
        raise PortfolioRefused(_("Say why the idea is kept out of the portfolio."))
    if db.session.scalar(
        select(PortfolioExclusion.id).where(
            PortfolioExclusion.round_id == round_.id, PortfolioExclusion.idea_id == idea.id
        )
    ):
        raise Conflict(_("This idea is kept out of the portfolio already."))
    db.session.add(
        PortfolioExclusion(
            round_id=round_.id, idea_id=idea.id, reason=reason.strip(), created_by_id=user.id
        )
    )
    db.session.flush()
    return idea


def readmit(round_: Round, user: User, idea_id: int) -> None:
    """Let idea *idea_id* into the portfolio of *round_* again."""
    require_rule_keeper(round_, user)
    db.session.execute(
        delete(PortfolioExclusion).where(
            PortfolioExclusion.round_id == round_.id, PortfolioExclusion.idea_id == idea_id
        )
    )


def add_dependency(round_: Round, user: User, idea_id: int | None, needs_id: int | None) -> None:
    """Record that idea *idea_id* of *round_* needs idea *needs_id*."""
    require_rule_keeper(round_, user)
    idea, needs = _round_idea(round_, idea_id), _round_idea(round_, needs_id)
    if idea.id == needs.id:
        raise PortfolioRefused(_("An idea cannot need itself."))
    known = db.session.execute(
        select(PortfolioDependency.idea_id, PortfolioDependency.needs_id).where(
            PortfolioDependency.round_id == round_.id
        )
    ).all()
    if (idea.id, needs.id) in {(a, b) for a, b in known}:
        raise Conflict(_("This dependency is recorded already."))
    db.session.add(
        PortfolioDependency(
            round_id=round_.id, idea_id=idea.id, needs_id=needs.id, created_by_id=user.id
        )
    )
    db.session.flush()


def remove_dependency(round_: Round, user: User, dependency_id: int) -> None:
    """Drop a dependency of *round_*."""
    require_rule_keeper(round_, user)
    db.session.execute(
        delete(PortfolioDependency).where(
            PortfolioDependency.round_id == round_.id, PortfolioDependency.id == dependency_id
        )
    )
