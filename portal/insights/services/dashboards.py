"""The dashboards: figures of `reports/` filled with counts the database aggregates.

Every chart is computed from a few grouped statements (never a loop over rows in Python), so a
dashboard over a hundred thousand ideas costs what one over a hundred does. The figures and
their tables come from `reports`; this module decides who sees which chart, gathers the
numbers and applies the filters of the page (round, field of action, org unit, period).

Who sees what: the idea funnel and participation are aggregates of what all staff can read on
the idea pages, and the projects by wave and status and the late milestones what all staff read
in the portfolio, so every signed-in member of staff sees them (the period filter applies to
ideas and participation; a project's charts follow its round, field and org unit). The charts
of a ranking follow the
ranking itself (`ranking.may_see_ranking`): board members and moderators while the round is
scored and decided, everybody once it is published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, func, select

import reports
import scoring
from portal.accounts.models import OrgUnit, User
from portal.core.errors import DomainError, Forbidden, NotFound
from portal.extensions import db
from portal.ideas.models import (
    Comment,
    FieldOfAction,
    Idea,
    IdeaState,
    ParticipationCount,
    ParticipationKind,
    Support,
    idea_org_unit,
)
from portal.ideas.services import participation as kept_counts
from portal.projects.models import Milestone, Project, Traffic, Wave
from portal.projects.services.time import today
from portal.rounds.models import Round, RoundIdea
from portal.rounds.services import analysis, portfolio, ranking

#: Charts every signed-in member of staff sees.
STAFF_CHARTS = ("funnel", "over_time", "by_unit", "project_status", "late_milestones")
#: Charts of a round's ranking, shown to those who may read the ranking.
RANKING_CHARTS = ("contributions", "value_effort", "probabilities")
#: How many leading ideas the ranking chart shows: a bar each must stay readable.
RANKING_BARS = 20
#: The palette's colours nearest a traffic light, so that red reads as red.
TRAFFIC_COLOURS = {
    Traffic.GREEN: reports.PALETTE[2],
    Traffic.YELLOW: reports.PALETTE[6],
    Traffic.RED: reports.PALETTE[4],
}
#: How many late milestones the chart shows, the longest overdue first.
LATE_BARS = 20


@dataclass(frozen=True)
class Filters:
    """The filters of a dashboard, as given in its address."""

    round_id: int | None = None
    field_id: int | None = None
    unit_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def active(self) -> int:
        """Return how many filters are set."""
        return sum(v is not None for v in (self.round_id, self.field_id, self.unit_id)) + (
            self.since is not None or self.until is not None
        )

    def args(self) -> dict[str, str]:
        """Return the filters as query-string arguments."""
        values = {
            "round": self.round_id,
            "field": self.field_id,
            "unit": self.unit_id,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {key: str(value) for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class Options:
    """The choices of the filter form."""

    rounds: list[tuple[int, str]]
    fields: list[tuple[int, str]]
    units: list[tuple[int, str]]


@dataclass(frozen=True)
class ChartView:
    """A chart of the page: its key (the CSV download's name), the figure and its table."""

    key: str
    chart: reports.Chart


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page shows."""

    filters: Filters
    options: Options
    charts: list[ChartView]
    #: The round of the filter, when its ranking is shown.
    round: Round | None
    #: Why a ranking is not shown (no round chosen, not readable, not rankable), or "".
    ranking_note: str
    #: While the rank probabilities are computed in the background.
    analysis_pending: bool


def options() -> Options:
    """Return the rounds, fields of action and org units the filters offer."""
    rounds = db.session.execute(select(Round.id, Round.name).order_by(Round.id.desc())).all()
    fields = db.session.execute(
        select(FieldOfAction.id, FieldOfAction.name).order_by(FieldOfAction.name)
    ).all()
    units = db.session.execute(
        select(OrgUnit.id, OrgUnit.code, OrgUnit.name).order_by(OrgUnit.code)
    ).all()
    return Options(
        rounds=[(r.id, r.name) for r in rounds],
        fields=[(f.id, f.name) for f in fields],
        units=[(u.id, f"{u.code} {u.name}") for u in units],
    )


def _units_below(unit_id: int) -> list[int]:
    """Return *unit_id* and the ids of all units below it."""
    parents = dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())
    if unit_id not in parents:
        return []
    found, frontier = {unit_id}, {unit_id}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return sorted(found)


def _idea_scope(filters: Filters, units: list[int] | None) -> list[ColumnElement[bool]]:
    """Return the conditions on `Idea` that the round, field and org unit filters set."""
    conditions: list[ColumnElement[bool]] = [Idea.state != IdeaState.DRAFT]
    if filters.field_id is not None:
        conditions.append(Idea.field_of_action_id == filters.field_id)
    return conditions + _linked(Idea.id, replace(filters, field_id=None), units)


def _linked(idea_id: Any, filters: Filters, units: list[int] | None) -> list[ColumnElement[bool]]:
    """Return the conditions on the column *idea_id* (of an idea, support or comment) that
    the round, field and org unit filters set."""
    conditions: list[ColumnElement[bool]] = []
    if filters.round_id is not None:
        conditions.append(
            idea_id.in_(select(RoundIdea.idea_id).where(RoundIdea.round_id == filters.round_id))
        )
    if filters.field_id is not None:
        conditions.append(
            idea_id.in_(select(Idea.id).where(Idea.field_of_action_id == filters.field_id))
        )
    if units is not None:
        conditions.append(
            idea_id.in_(
                select(idea_org_unit.c.idea_id).where(idea_org_unit.c.org_unit_id.in_(units))
            )
        )
    return conditions


def _period(column: Any, filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.since is not None:
        conditions.append(column >= dt.datetime.combine(filters.since, dt.time(), dt.UTC))
    if filters.until is not None:
        end = dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time(), dt.UTC)
        conditions.append(column < end)
    return conditions


def idea_funnel(filters: Filters, units: list[int] | None, locale: str) -> reports.Chart:
    """Return the ideas in scope by state and field of action."""
    rows = db.session.execute(
        select(Idea.state, Idea.field_of_action_id, func.count())
        .where(*_idea_scope(filters, units), *_period(Idea.submitted_at, filters))
        .group_by(Idea.state, Idea.field_of_action_id)
    ).all()
    names: dict[int | None, str] = dict(
        db.session.execute(select(FieldOfAction.id, FieldOfAction.name)).all()
    )
    field_ids = sorted({r[1] for r in rows}, key=lambda i: (i is None, names.get(i, "")))
    states = [s for s in IdeaState if s is not IdeaState.DRAFT]
    counts = {(r[0], r[1]): r[2] for r in rows}
    data = reports.IdeaFunnel(
        states=tuple(str(s.label) for s in states),
        fields=tuple(names[i] if i is not None else _("No field of action") for i in field_ids)
        or (_("No field of action"),),
        counts=tuple(tuple(counts.get((s, i), 0) for i in field_ids) or (0,) for s in states),
    )
    texts = reports.ChartTexts(_("Ideas by state and field of action"), _("Ideas"), _("State"))
    return reports.idea_funnel(data, texts, locale)


@dataclass(frozen=True)
class Participation:
    """Ideas, supports and comments in scope, each counted per month and per org unit of the
    person (None: a person without one, or a deleted comment's)."""

    #: One mapping per kind, in the order of `kinds()`: (month `YYYY-MM`, org unit id) → count.
    counts: tuple[dict[tuple[str, int | None], int], ...]

    @staticmethod
    def kinds() -> tuple[str, ...]:
        """Return the names of the kinds, in the order of `counts`."""
        return (_("Ideas"), _("Supports"), _("Comments"))


def participation(filters: Filters, units: list[int] | None) -> Participation:
    """Count ideas, supports and comments per month and person's org unit for both
    participation charts.

    The counts the services keep (`ParticipationCount`) serve every whole month of the period,
    for all ideas or one field of action; the rows are counted for the days of a month the
    period cuts, and for a round's ideas or an org unit's, which the counts do not know.
    """
    if filters.round_id is not None or units is not None:
        return Participation(tuple(_rows(kind, filters, units) for kind in ParticipationKind))
    lower, upper = _bounds(filters)
    # The whole months of the period: from the first month that begins inside it to the last
    # that ends inside it.
    first = None if lower is None else _next_month(lower) if lower.day > 1 else lower
    last = None if upper is None else upper.replace(day=1)
    if first is not None and last is not None and first >= last:
        return Participation(tuple(_rows(kind, filters, None) for kind in ParticipationKind))
    # The days before the first whole month and after the last.
    edges = []
    if lower is not None and first is not None and lower < first:
        edges.append(replace(filters, until=first - dt.timedelta(days=1)))
    if upper is not None and last is not None and last < upper:
        edges.append(replace(filters, since=last))
    found = []
    for kind in ParticipationKind:
        counts = _kept(kind, filters.field_id, first, last)
        for edge in edges:
            for key, count in _rows(kind, edge, None).items():
                counts[key] = counts.get(key, 0) + count
        found.append(counts)
    return Participation(tuple(found))


def _bounds(filters: Filters) -> tuple[dt.date | None, dt.date | None]:
    """Return the first day of the period and the day after its last (None: open)."""
    return filters.since, filters.until + dt.timedelta(days=1) if filters.until else None


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=31)).replace(day=1)


def _kept(
    kind: ParticipationKind, field_id: int | None, first: dt.date | None, last: dt.date | None
) -> dict[tuple[str, int | None], int]:
    """Return the kept counts of *kind* per month and org unit, of the ideas of *field_id*
    (None: all), in the months from *first* up to *last* (excluded; None: open)."""
    kept = ParticipationCount
    conditions = [kept.kind == kind]
    if field_id is not None:
        conditions.append(kept.field_of_action_id == field_id)
    if first is not None:
        conditions.append(kept.month >= first)
    if last is not None:
        conditions.append(kept.month < last)
    rows = db.session.execute(
        select(kept.month, kept.org_unit_id, func.sum(kept.count))
        .where(*conditions)
        .group_by(kept.month, kept.org_unit_id)
        # A count that came down to zero leaves no month behind that the rows do not have.
        .having(func.sum(kept.count) > 0)
    ).all()
    return {
        (f"{month:%Y-%m}", unit if unit != kept_counts.NONE else None): count
        for month, unit, count in rows
    }


def _rows(
    kind: ParticipationKind, filters: Filters, units: list[int] | None
) -> dict[tuple[str, int | None], int]:
    """Count the rows of *kind* in scope per month and the person's org unit when acting."""
    if kind is ParticipationKind.IDEA:
        at, unit, scope = Idea.submitted_at, Idea.author_org_unit_id, _idea_scope(filters, units)
    elif kind is ParticipationKind.SUPPORT:
        at, unit = Support.created_at, Support.org_unit_id
        scope = _linked(Support.idea_id, filters, units)
    else:
        at, unit = Comment.created_at, Comment.author_org_unit_id
        scope = _linked(Comment.idea_id, filters, units)
    month = kept_counts.month_column(at)
    rows = db.session.execute(
        select(month, unit, func.count())
        .where(*scope, at.is_not(None), *_period(at, filters))
        .group_by(month, unit)
    ).all()
    return {(f"{m:%Y-%m}", u): count for m, u, count in rows}


def participation_over_time(
    filters: Filters, units: list[int] | None, locale: str, found: Participation | None = None
) -> reports.Chart:
    """Return ideas, supports and comments per month (*found*: their counts, if gathered)."""
    found = found or participation(filters, units)
    per_kind: list[dict[str, int]] = []
    for counts in found.counts:
        months: dict[str, int] = {}
        for (month, _unit), count in counts.items():
            months[month] = months.get(month, 0) + count
        per_kind.append(months)
    periods = _all_months(sorted({m for months in per_kind for m in months}))
    data = reports.ParticipationOverTime(
        periods=tuple(dt.date(int(p[:4]), int(p[5:]), 1) for p in periods),
        series=tuple(
            reports.Series(name, tuple(float(months.get(p, 0)) for p in periods))
            for name, months in zip(found.kinds(), per_kind, strict=True)
        ),
    )
    texts = reports.ChartTexts(_("Participation per month"), _("Month"), _("Count"))
    return reports.participation_over_time(data, texts, locale)


def _all_months(months: list[str]) -> list[str]:
    """Return every month from the first to the last of *months*, so gaps show as zero."""
    if not months:
        return []
    year, month = int(months[0][:4]), int(months[0][5:])
    found = []
    while f"{year:04d}-{month:02d}" <= months[-1]:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def participation_by_unit(
    filters: Filters, units: list[int] | None, locale: str, found: Participation | None = None
) -> reports.Chart:
    """Return ideas, supports and comments per 100 staff of each org unit (the person's own;
    *found*: their counts, if gathered)."""
    found = found or participation(filters, units)
    per_kind: list[dict[int, int]] = []
    for counts in found.counts:
        by_unit: dict[int, int] = {}
        for (_month, unit), count in counts.items():
            if unit is not None:
                by_unit[unit] = by_unit.get(unit, 0) + count
        per_kind.append(by_unit)
    staff_query = (
        select(OrgUnit.id, OrgUnit.code, func.count(User.id))
        .join(User, User.org_unit_id == OrgUnit.id)
        .where(User.active.is_(True))
        .group_by(OrgUnit.id, OrgUnit.code)
        .order_by(OrgUnit.code)
    )
    if units is not None:
        staff_query = staff_query.where(OrgUnit.id.in_(units))
    staff = db.session.execute(staff_query).all()
    data = reports.ParticipationByUnit(
        units=tuple(code for _id, code, _n in staff),
        staff=tuple(n for _id, _code, n in staff),
        series=tuple(
            reports.Series(name, tuple(float(by_unit.get(unit_id, 0)) for unit_id, _c, _n in staff))
            for name, by_unit in zip(found.kinds(), per_kind, strict=True)
        ),
    )
    texts = reports.ChartTexts(
        _("Participation per 100 staff by org unit"), _("Org unit"), _("Per 100 staff")
    )
    return reports.participation_by_unit(data, texts, locale)


def _project_scope(filters: Filters, units: list[int] | None) -> list[ColumnElement[bool]]:
    """Return the conditions on `Project` that the round, field and org unit filters set."""
    conditions: list[ColumnElement[bool]] = []
    if filters.round_id is not None:
        conditions.append(Project.round_id == filters.round_id)
    if filters.field_id is not None:
        conditions.append(Project.field_of_action_id == filters.field_id)
    if units is not None:
        conditions.append(Project.org_unit_id.in_(units))
    return conditions


def project_status(filters: Filters, units: list[int] | None, locale: str) -> reports.Chart:
    """Return the projects of each wave (and those without one) by status."""
    rows = db.session.execute(
        select(Project.wave_id, Project.traffic, func.count())
        .where(*_project_scope(filters, units))
        .group_by(Project.wave_id, Project.traffic)
    ).all()
    waves = db.session.execute(select(Wave.id, Wave.name).order_by(Wave.starts_on, Wave.id)).all()
    counts = {(wave_id, traffic): count for wave_id, traffic, count in rows}
    shown: list[tuple[int | None, str]] = [(w.id, w.name) for w in waves]
    if any(wave_id is None for wave_id, _traffic in counts):
        shown.append((None, _("No wave yet")))
    data = reports.ProjectStatusByWave(
        waves=tuple(name for _id, name in shown),
        statuses=tuple(str(traffic.label) for traffic in Traffic),
        counts=tuple(tuple(counts.get((i, t), 0) for t in Traffic) for i, _name in shown),
        colours=tuple(TRAFFIC_COLOURS[t] for t in Traffic),
    )
    texts = reports.ChartTexts(_("Projects by wave and status"), _("Wave"), _("Projects"))
    return reports.project_status_by_wave(data, texts, locale)


def late_milestones(filters: Filters, units: list[int] | None, locale: str) -> reports.Chart:
    """Return the milestones that are due and not reached, the longest overdue first."""
    as_of = today()
    rows = db.session.execute(
        select(Project.title, Milestone.title, Milestone.due_on)
        .join(Project, Project.id == Milestone.project_id)
        .where(
            Milestone.done_on.is_(None), Milestone.due_on < as_of, *_project_scope(filters, units)
        )
        .order_by(Milestone.due_on, Milestone.id)
        .limit(LATE_BARS)
    ).all()
    data = reports.LateMilestones(
        as_of=as_of,
        milestones=tuple(reports.Milestone(project, name, due) for project, name, due in rows),
        project_label=_("Project"),
        due_label=_("Due on"),
    )
    texts = reports.ChartTexts(
        _("Milestones overdue the longest"), _("Days overdue"), _("Milestone")
    )
    return reports.late_milestones(data, texts, locale)


@dataclass(frozen=True)
class RankingData:
    """A round's ranking as the figures and documents use it."""

    state: ranking.RankingState
    ranked: scoring.Ranking
    #: Ideas of the round by id: cost and effort estimates.
    estimates: dict[int, tuple[int | None, int | None]]
    found: analysis.Analysis
    #: The ideas of the portfolio proposal (ids); empty where the round has none.
    portfolio: frozenset[int]
    #: The ideas' titles as they read now (the stored state keeps those of its moment).
    titles: dict[int, str]

    def title(self, row: int) -> str:
        """Return the current title of the idea in *row* of the ranking."""
        idea = self.state.ideas[row]
        return self.titles.get(idea.id, idea.title)


def _portfolio(round_: Round, state: ranking.RankingState) -> frozenset[int]:
    """Return the ids of the ideas the portfolio proposal selects for *round_* in *state*, or
    none where it cannot be made (no limits, ideas without estimates only)."""
    try:
        found = portfolio.of_state(round_, state)
    except DomainError:
        return frozenset()
    if found.unavailable:
        return frozenset()
    return frozenset(item.idea_id for item in found.selected)


def ranking_data(round_: Round, user: User | None = None) -> RankingData:
    """Gather the ranking of *round_* from its stored state (storing it and starting its
    analyses if the round has moved on), its ideas' estimates and, where *user* may read the
    ranking, the portfolio proposal."""
    current = analysis.current(round_)
    state = current.state
    rows = db.session.execute(
        select(Idea.id, Idea.title, Idea.cost_euros, Idea.effort_days).where(
            Idea.id.in_(state.idea_ids)
        )
    ).all()
    # The proposal is read in the state just read rather than through `portfolio.proposal`,
    # which would read the stored state a second time.
    readable = user is not None and ranking.may_see_ranking(round_, user)
    return RankingData(
        state,
        ranking.rank(state),
        {row.id: (row.cost_euros, row.effort_days) for row in rows},
        current.analysis,
        _portfolio(round_, state) if readable else frozenset(),
        {row.id: row.title for row in rows},
    )


def ranking_contributions(data: RankingData, locale: str, limit: int | None) -> reports.Chart:
    """Return the leading ideas' scores stacked by criterion (the engine's contributions)."""
    order = list(data.ranked.order[:limit] if limit else data.ranked.order)
    state = data.state
    figure = reports.RankingContributions(
        ideas=tuple(data.title(i) for i in order),
        ranks=tuple(int(data.ranked.ranks[i]) for i in order),
        scores=tuple(float(data.ranked.scores[i]) for i in order),
        criteria=tuple(c.name for c in state.criteria),
        contributions=tuple(tuple(float(v) for v in data.ranked.contributions[i]) for i in order),
        rank_label=_("Rank"),
        score_label=_("Score"),
    )
    texts = reports.ChartTexts(
        _("Ranking with the contribution of each criterion"), _("Points of 100"), _("Idea")
    )
    return reports.ranking_contributions(figure, texts, locale)


def value_effort(data: RankingData, locale: str, title: str | None = None) -> reports.Chart:
    """Return score against cost of the ranked ideas that carry both estimates, sized by staff
    days; the ideas of the portfolio proposal are marked. *title* names the chart where the
    round must be named too."""
    rows: list[tuple[int, int, int]] = []
    for i, idea in enumerate(data.state.ideas):
        cost, days = data.estimates.get(idea.id, (None, None))
        if cost is not None and days is not None:
            rows.append((i, cost, days))
    figure = reports.ValueEffort(
        ideas=tuple(data.title(i) for i, _c, _d in rows),
        scores=tuple(float(data.ranked.scores[i]) for i, _c, _d in rows),
        costs=tuple(Decimal(cost) for _i, cost, _d in rows),
        staff_days=tuple(float(days) for _i, _c, days in rows),
        in_portfolio=tuple(data.state.ideas[i].id in data.portfolio for i, _c, _d in rows),
        portfolio_label=_("In the portfolio"),
        other_label=_("Not in the portfolio"),
        staff_days_label=_("Staff days"),
        status_label=_("Portfolio"),
    )
    texts = reports.ChartTexts(
        title or _("Value and effort of the ranked ideas"),
        _("Cost in euros"),
        _("Score (points of 100)"),
    )
    return reports.value_effort(figure, texts, locale)


def rank_probabilities(data: RankingData, locale: str) -> reports.Chart | None:
    """Return the stored rank probabilities as a heat map, or None while they are computed."""
    part = data.found.part("acceptability")
    if not part or "error" in part:
        return None
    figure = reports.RankProbabilities(
        ideas=tuple(data.titles[row["idea"]] for row in part["rows"]),
        shares=tuple(tuple(float(p) for p in row["p"]) for row in part["rows"]),
    )
    texts = reports.ChartTexts(
        _("Rank probabilities under weight uncertainty"), _("Rank"), _("Idea")
    )
    return reports.rank_probabilities(figure, texts, locale)


def _round_for(filters: Filters, user: User) -> tuple[Round | None, str]:
    if filters.round_id is None:
        return None, _("Choose a round to see its ranking.")
    round_ = db.session.get(Round, filters.round_id)
    if round_ is None:
        return None, _("Choose a round to see its ranking.")
    if not ranking.may_see_ranking(round_, user):
        return None, _(
            "The ranking of this round is shown to board members and moderators while it is "
            "scored and decided, and to all staff once it is published."
        )
    return round_, ""


def _filters_known(filters: Filters) -> tuple[Filters, list[int] | None]:
    """Return *filters* without ids that name nothing, and the org units in scope."""
    units = _units_below(filters.unit_id) if filters.unit_id is not None else None
    if units == []:
        filters, units = replace(filters, unit_id=None), None
    return filters, units


def dashboard(user: User, filters: Filters, locale: str) -> Dashboard:
    """Return the dashboard for *user* under *filters*."""
    filters, units = _filters_known(filters)
    found = participation(filters, units)
    charts = [
        ChartView("funnel", idea_funnel(filters, units, locale)),
        ChartView("over_time", participation_over_time(filters, units, locale, found)),
        ChartView("by_unit", participation_by_unit(filters, units, locale, found)),
        ChartView("project_status", project_status(filters, units, locale)),
        ChartView("late_milestones", late_milestones(filters, units, locale)),
    ]
    round_, note = _round_for(filters, user)
    pending = False
    if round_ is not None:
        try:
            data = ranking_data(round_, user)
        except ranking.RankingUnavailable as refused:
            note = refused.message
            round_ = None
        else:
            charts.append(
                ChartView("contributions", ranking_contributions(data, locale, RANKING_BARS))
            )
            charts.append(ChartView("value_effort", value_effort(data, locale)))
            heat = rank_probabilities(data, locale)
            if heat is not None:
                charts.append(ChartView("probabilities", heat))
            pending = heat is None and not data.found.done
    return Dashboard(filters, options(), charts, round_, note, pending)


def chart(user: User, key: str, filters: Filters, locale: str) -> reports.Chart:
    """Return the one chart *key* of the dashboard for its CSV download."""
    filters, units = _filters_known(filters)
    builders = {
        "funnel": idea_funnel,
        "over_time": participation_over_time,
        "by_unit": participation_by_unit,
        "project_status": project_status,
        "late_milestones": late_milestones,
    }
    if key in builders:
        return builders[key](filters, units, locale)
    if key not in RANKING_CHARTS:
        raise NotFound(_("There is no such chart."))
    round_, note = _round_for(filters, user)
    if round_ is None:
        known = filters.round_id is not None and db.session.get(Round, filters.round_id) is not None
        raise Forbidden(note) if known else NotFound(note)
    data = ranking_data(round_, user)
    if key == "contributions":
        return ranking_contributions(data, locale, RANKING_BARS)
    if key == "value_effort":
        return value_effort(data, locale)
    heat = rank_probabilities(data, locale)
    if heat is None:
        raise NotFound(_("The rank probabilities are still being computed."))
    return heat
