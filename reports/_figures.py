"""One definition per figure: the dashboards show it interactively, the documents as SVG.

Each builder takes plain data (a frozen dataclass) and the caller's translated texts and returns a
``Chart``: the Plotly figure and the ``DataTable`` of exactly the values it plots, for the
accessible table beside the chart and the CSV download. Numbers are written for ``locale``.

A figure is Plotly's own JSON form (``{"data": [...], "layout": {...}}``) built as plain dicts and
lists, which plotly.js draws and Kaleido exports as it is. ``plotly.graph_objects`` would check
every property on every assignment, which took most of a dashboard's time (a value-and-effort
chart of 2,000 ideas: 0.24 s against 8 ms); the tests check each figure against Plotly's schema
instead (``go.Figure(chart.figure)``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from reports._errors import InvalidReportData
from reports._format import (
    format_amount,
    format_date,
    format_number,
    format_share,
    plotly_date_format,
    plotly_separators,
)
from reports._tables import Cell, Column, DataTable, check_lengths

#: Series colours, in order. Each has a contrast of at least 4.5:1 against white (WCAG 2.1 asks
#: 3:1 of graphical objects, 1.4.11), and neighbours differ in hue and lightness so that readers
#: with red-green deficiency tell them apart (after Okabe & Ito, darkened).
PALETTE: tuple[str, ...] = (
    "#0b5cad",  # blue
    "#b34700",  # orange
    "#00755e",  # bluish green
    "#7a3d99",  # reddish purple
    "#a3213d",  # red
    "#4a5560",  # grey
    "#806000",  # ochre
    "#006b8f",  # sky blue
)
#: One hue from light to dark for shares, so that a grey-scale print still orders the cells.
SEQUENTIAL: tuple[tuple[float, str], ...] = ((0.0, "#f4f8fc"), (0.5, "#6b9fd1"), (1.0, "#08306b"))
FONT_FAMILY = "Fira Sans, Liberation Sans, DejaVu Sans, Arial, sans-serif"
TEXT_COLOUR = "#1b1b1b"
GRID_COLOUR = "#d0d4d9"


@dataclass(frozen=True, slots=True)
class ChartTexts:
    """The caller's translated texts of a chart: its title and the titles of its axes."""

    title: str
    x_axis: str = ""
    y_axis: str = ""


#: A Plotly figure in its JSON form: ``{"data": [trace, ...], "layout": {...}}``.
FigureSpec = dict[str, Any]


@dataclass(frozen=True, slots=True, eq=False)
class Chart:
    """A figure and the table of exactly the data it plots."""

    figure: FigureSpec
    table: DataTable

    def figure_json(self) -> str:
        """Return the figure as JSON, safe inside an HTML ``<script>`` data block."""
        # A "</script>" in a label would end the data block; JSON allows "<" escaped.
        return json.dumps(self.figure, ensure_ascii=False, separators=(",", ":")).replace(
            "<", "\\u003c"
        )


@dataclass(frozen=True, slots=True)
class Series:
    """A named row of numbers, for example the ideas submitted per month."""

    name: str
    values: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class IdeaFunnel:
    """How many ideas stand in each state, per field of action.

    ``counts`` has one row per state (in the order ideas pass them) and one column per field.
    """

    states: tuple[str, ...]
    fields: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True, slots=True)
class ParticipationOverTime:
    """Ideas, supports and comments (or any other series) per period; ``periods`` are the first
    days of the periods, ascending."""

    periods: tuple[dt.date, ...]
    series: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class ParticipationByUnit:
    """Counts per org unit with the unit's staff, plotted per 100 staff so units of different
    size compare fairly."""

    units: tuple[str, ...]
    staff: tuple[int, ...]
    series: tuple[Series, ...]


@dataclass(frozen=True, slots=True)
class RankingContributions:
    """The leading ideas of a ranking, best first, with each criterion's part of their score.

    ``scores`` and ``contributions`` are the engine's (0…1; a row of contributions sums to the
    score) and are plotted as points of 100, as the ranking page shows them.
    """

    ideas: tuple[str, ...]
    ranks: tuple[int, ...]
    scores: tuple[float, ...]
    criteria: tuple[str, ...]
    contributions: tuple[tuple[float, ...], ...]
    #: Heading of the rank column and of the total.
    rank_label: str
    score_label: str


@dataclass(frozen=True, slots=True)
class ValueEffort:
    """Value (the engine's score, 0…1) against cost of each idea of a round, bubbles sized by
    staff days, the portfolio marked by colour and shape."""

    ideas: tuple[str, ...]
    scores: tuple[float, ...]
    costs: tuple[Decimal, ...]
    staff_days: tuple[float, ...]
    in_portfolio: tuple[bool, ...]
    #: Texts of the two groups and of the columns that are not axes.
    portfolio_label: str
    other_label: str
    staff_days_label: str
    status_label: str


@dataclass(frozen=True, slots=True)
class RankProbabilities:
    """The share of weight draws in which each idea takes each rank (the engine's rank
    acceptability); one row per idea, one column per rank from 1."""

    ideas: tuple[str, ...]
    shares: tuple[tuple[float, ...], ...]


@dataclass(frozen=True, slots=True)
class ProjectStatusByWave:
    """How many projects of each wave stand in each status; waves × statuses."""

    waves: tuple[str, ...]
    statuses: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    #: A colour per status where the statuses have their own (a traffic light); else the palette.
    colours: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Milestone:
    """A milestone that was due and is not reached."""

    project: str
    name: str
    due: dt.date


@dataclass(frozen=True, slots=True)
class LateMilestones:
    """Milestones past their date on ``as_of``, plotted by days late."""

    as_of: dt.date
    milestones: tuple[Milestone, ...]
    project_label: str
    due_label: str


def idea_funnel(data: IdeaFunnel, texts: ChartTexts, locale: str) -> Chart:
    """Draw the ideas per state as bars stacked by field of action, first state on top."""
    _check_matrix("Idea funnel", data.counts, len(data.states), len(data.fields))
    states = _escaped(data.states)
    traces = [
        {
            "type": "bar",
            "name": _escape(field),
            "y": states,
            "x": [row[j] for row in data.counts],
            "orientation": "h",
            "marker": {"color": _colour(j)},
            "hovertemplate": f"%{{y}}<br>{_escape(field)}: %{{x:,d}}<extra></extra>",
        }
        for j, field in enumerate(data.fields)
    ]
    figure = _figure(traces, texts, locale, barmode="stack", yaxis={"autorange": "reversed"})
    table = DataTable(
        caption=texts.title,
        columns=(Column(texts.y_axis), *(Column(field, "integer") for field in data.fields)),
        rows=tuple((state, *row) for state, row in zip(data.states, data.counts, strict=True)),
    )
    return Chart(figure, table)


def participation_over_time(data: ParticipationOverTime, texts: ChartTexts, locale: str) -> Chart:
    """Draw each series per period as a line with markers."""
    if list(data.periods) != sorted(set(data.periods)):
        raise InvalidReportData(
            "The periods of the participation over time are not ascending and distinct.",
            hint="Give the first day of each period once, oldest first.",
        )
    for series in data.series:
        check_lengths("Participation over time", len(data.periods), **{series.name: series.values})
    symbols = ("circle", "square", "diamond", "triangle-up", "x", "cross")
    periods = [period.isoformat() for period in data.periods]
    traces = [
        {
            "type": "scatter",
            "name": _escape(series.name),
            "x": periods,
            "y": list(series.values),
            "mode": "lines+markers",
            "line": {"color": _colour(j), "width": 2.5},
            "marker": {"symbol": symbols[j % len(symbols)], "size": 8},
            "hovertemplate": f"%{{x}}<br>{_escape(series.name)}: %{{y:,d}}<extra></extra>",
        }
        for j, series in enumerate(data.series)
    ]
    date_format = plotly_date_format(locale)
    figure = _figure(
        traces,
        texts,
        locale,
        xaxis={"type": "date", "tickformat": date_format, "hoverformat": date_format},
    )
    table = DataTable(
        caption=texts.title,
        columns=(
            Column(texts.x_axis, "date"),
            *(Column(series.name, "integer") for series in data.series),
        ),
        rows=tuple(
            (period, *(series.values[i] for series in data.series))
            for i, period in enumerate(data.periods)
        ),
    )
    return Chart(figure, table)


def participation_by_unit(data: ParticipationByUnit, texts: ChartTexts, locale: str) -> Chart:
    """Draw each series per org unit as grouped bars, per 100 staff of the unit."""
    check_lengths("Participation by org unit", len(data.units), staff=data.staff)
    for series in data.series:
        check_lengths("Participation by org unit", len(data.units), **{series.name: series.values})
    for unit, staff in zip(data.units, data.staff, strict=True):
        if staff <= 0:
            raise InvalidReportData(
                f"The org unit {unit!r} has {staff} staff; a rate per 100 staff needs one.",
                hint="Leave units without staff out of this figure.",
            )
    rates = [
        tuple(value * 100 / staff for value, staff in zip(series.values, data.staff, strict=True))
        for series in data.series
    ]
    units = _escaped(data.units)
    traces = [
        {
            "type": "bar",
            "name": _escape(series.name),
            "x": units,
            "y": list(values),
            "marker": {"color": _colour(j)},
            "customdata": [format_number(value, locale, digits=1) for value in values],
            "hovertemplate": f"%{{x}}<br>{_escape(series.name)}: %{{customdata}}<extra></extra>",
        }
        for j, (series, values) in enumerate(zip(data.series, rates, strict=True))
    ]
    figure = _figure(traces, texts, locale, barmode="group")
    table = DataTable(
        caption=texts.title,
        columns=(
            Column(texts.x_axis),
            *(Column(series.name, "number", digits=1) for series in data.series),
        ),
        rows=tuple((unit, *(values[i] for values in rates)) for i, unit in enumerate(data.units)),
    )
    return Chart(figure, table)


def ranking_contributions(data: RankingContributions, texts: ChartTexts, locale: str) -> Chart:
    """Draw each idea's score as a bar stacked from its criteria's contributions, best on top,
    with the total written at the end of the bar."""
    count = len(data.ideas)
    check_lengths("Ranking", count, ranks=data.ranks, scores=data.scores)
    _check_matrix("Ranking", data.contributions, count, len(data.criteria))
    for idea, score, row in zip(data.ideas, data.scores, data.contributions, strict=True):
        # The engine's rows sum to the score; a gap means rows and scores were mixed up.
        if abs(sum(row) - score) > 1e-9:
            raise InvalidReportData(
                f"The contributions of {idea!r} add up to {sum(row)!r}, its score is {score!r}.",
                hint="Pass the engine's contributions and scores of the same ranking.",
            )
    labels = _escaped(f"{rank}. {idea}" for rank, idea in zip(data.ranks, data.ideas, strict=True))
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": _escape(criterion),
            "y": labels,
            "x": [row[j] * 100 for row in data.contributions],
            "orientation": "h",
            "marker": {"color": _colour(j)},
            "customdata": [
                format_number(row[j] * 100, locale, digits=1) for row in data.contributions
            ],
            "hovertemplate": f"%{{y}}<br>{_escape(criterion)}: %{{customdata}}<extra></extra>",
        }
        for j, criterion in enumerate(data.criteria)
    ]
    traces.append(
        {
            "type": "scatter",
            "name": _escape(data.score_label),
            "y": labels,
            "x": [score * 100 for score in data.scores],
            "mode": "text",
            "text": [format_number(score * 100, locale, digits=1) for score in data.scores],
            "textposition": "middle right",
            "textfont": {"color": TEXT_COLOUR},
            # A total may reach past the plot area into the margin rather than be cut off.
            "cliponaxis": False,
            "showlegend": False,
            "hoverinfo": "skip",
        }
    )
    figure = _figure(
        traces,
        texts,
        locale,
        barmode="stack",
        height=_bar_height(count),
        yaxis={"autorange": "reversed"},
        # Room for the totals written after the longest bar.
        xaxis={"range": [0, max((s * 100 for s in data.scores), default=100) * 1.12]},
    )
    table = DataTable(
        caption=texts.title,
        columns=(
            Column(data.rank_label, "integer"),
            Column(texts.y_axis),
            *(Column(criterion, "number", digits=1) for criterion in data.criteria),
            Column(data.score_label, "number", digits=1),
        ),
        rows=tuple(
            (rank, idea, *(value * 100 for value in row), score * 100)
            for rank, idea, row, score in zip(
                data.ranks, data.ideas, data.contributions, data.scores, strict=True
            )
        ),
    )
    return Chart(figure, table)


def value_effort(data: ValueEffort, texts: ChartTexts, locale: str) -> Chart:
    """Draw value against cost as bubbles sized by staff days, the portfolio filled and round,
    the rest hollow diamonds, so that the difference does not rest on colour alone."""
    count = len(data.ideas)
    check_lengths(
        "Value and effort",
        count,
        scores=data.scores,
        costs=data.costs,
        staff_days=data.staff_days,
        in_portfolio=data.in_portfolio,
    )
    if any(days < 0 for days in data.staff_days) or any(cost < 0 for cost in data.costs):
        raise InvalidReportData(
            "Costs and staff days of an idea cannot be negative.",
            hint="Give 0 for an idea without costs or staff days.",
        )
    largest = max(data.staff_days, default=0) or 1
    traces = []
    for member, name, colour, symbol in (
        (True, data.portfolio_label, PALETTE[2], "circle"),
        (False, data.other_label, PALETTE[0], "diamond-open"),
    ):
        chosen = [i for i in range(count) if data.in_portfolio[i] is member]
        traces.append(
            {
                "type": "scatter",
                "name": _escape(name),
                "x": [float(data.costs[i]) for i in chosen],
                "y": [data.scores[i] * 100 for i in chosen],
                "mode": "markers",
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    # Area, not diameter, grows with staff days.
                    "size": [8 + 30 * (data.staff_days[i] / largest) ** 0.5 for i in chosen],
                    "line": {"color": colour, "width": 2},
                    "opacity": 0.75,
                },
                "customdata": [
                    (
                        _escape(data.ideas[i]),
                        format_amount(data.costs[i], locale),
                        format_number(data.scores[i] * 100, locale, digits=1),
                        format_number(data.staff_days[i], locale, digits=1),
                    )
                    for i in chosen
                ],
                "hovertemplate": (
                    "%{customdata[0]}<br>"
                    f"{_escape(texts.y_axis)}: %{{customdata[2]}}<br>"
                    f"{_escape(texts.x_axis)}: %{{customdata[1]}}<br>"
                    f"{_escape(data.staff_days_label)}: %{{customdata[3]}}"
                    f"<extra>{_escape(name)}</extra>"
                ),
            }
        )
    german = locale.startswith("de")
    figure = _figure(
        traces,
        texts,
        locale,
        xaxis={
            "tickformat": ",d",
            "ticksuffix": " €" if german else "",
            "tickprefix": "" if german else "€",
        },
    )
    table = DataTable(
        caption=texts.title,
        columns=(
            Column(""),
            Column(texts.y_axis, "number", digits=1),
            Column(texts.x_axis, "amount"),
            Column(data.staff_days_label, "number", digits=1),
            Column(data.status_label),
        ),
        rows=tuple(
            (
                data.ideas[i],
                data.scores[i] * 100,
                data.costs[i],
                data.staff_days[i],
                data.portfolio_label if data.in_portfolio[i] else data.other_label,
            )
            for i in range(count)
        ),
    )
    return Chart(figure, table)


def rank_probabilities(data: RankProbabilities, texts: ChartTexts, locale: str) -> Chart:
    """Draw the share of draws per idea and rank as a heat map with the share written in each
    cell, so that the colour is not the only carrier of the number."""
    ranks = len(data.shares[0]) if data.shares else 0
    _check_matrix("Rank probabilities", data.shares, len(data.ideas), ranks)
    if any(not 0 <= share <= 1 for row in data.shares for share in row):
        raise InvalidReportData(
            "A rank probability lies outside 0…1.",
            hint="Pass the engine's rank acceptability, a share of the draws per idea and rank.",
        )
    rank_names = [str(rank) for rank in range(1, ranks + 1)]
    heatmap = {
        "type": "heatmap",
        "z": [list(row) for row in data.shares],
        "x": rank_names,
        "y": _escaped(data.ideas),
        "zmin": 0,
        "zmax": 1,
        "colorscale": [list(stop) for stop in SEQUENTIAL],
        "text": [[format_share(share, locale) for share in row] for row in data.shares],
        "texttemplate": "%{text}",
        "hovertemplate": f"%{{y}}<br>{_escape(texts.x_axis)} %{{x}}: %{{text}}<extra></extra>",
        "colorbar": {"tickformat": ".0%", "thickness": 12},
        "xgap": 1,
        "ygap": 1,
    }
    figure = _figure(
        [heatmap],
        texts,
        locale,
        height=_bar_height(len(data.ideas)),
        xaxis={"showgrid": False, "type": "category"},
        yaxis={"autorange": "reversed", "showgrid": False},
    )
    table = DataTable(
        caption=texts.title,
        columns=(Column(texts.y_axis), *(Column(name, "share") for name in rank_names)),
        rows=tuple((idea, *row) for idea, row in zip(data.ideas, data.shares, strict=True)),
    )
    return Chart(figure, table)


def project_status_by_wave(data: ProjectStatusByWave, texts: ChartTexts, locale: str) -> Chart:
    """Draw the projects of each wave as a column stacked by status."""
    _check_matrix("Project status", data.counts, len(data.waves), len(data.statuses))
    if data.colours and len(data.colours) != len(data.statuses):
        raise InvalidReportData(
            "Project status: give one colour per status or none.",
            hint="Leave the colours out to use the palette.",
        )
    waves = _escaped(data.waves)
    traces = [
        {
            "type": "bar",
            "name": _escape(status),
            "x": waves,
            "y": [row[j] for row in data.counts],
            "marker": {"color": data.colours[j] if data.colours else _colour(j)},
            "hovertemplate": f"%{{x}}<br>{_escape(status)}: %{{y:,d}}<extra></extra>",
        }
        for j, status in enumerate(data.statuses)
    ]
    tallest = max((sum(row) for row in data.counts), default=0)
    # Whole projects: a short axis would otherwise be ticked in halves.
    yaxis = {"dtick": 1} if tallest <= 10 else {}
    figure = _figure(traces, texts, locale, barmode="stack", yaxis=yaxis)
    table = DataTable(
        caption=texts.title,
        columns=(Column(texts.x_axis), *(Column(status, "integer") for status in data.statuses)),
        rows=tuple((wave, *row) for wave, row in zip(data.waves, data.counts, strict=True)),
    )
    return Chart(figure, table)


def late_milestones(data: LateMilestones, texts: ChartTexts, locale: str) -> Chart:
    """Draw each late milestone as a bar of its days late, the latest on top."""
    for milestone in data.milestones:
        if milestone.due >= data.as_of:
            raise InvalidReportData(
                f"The milestone {milestone.name!r} is due on {milestone.due.isoformat()}, which "
                f"is not before {data.as_of.isoformat()}.",
                hint="Pass only milestones whose date has passed and that are not reached.",
            )
    ordered = sorted(data.milestones, key=lambda m: (m.due, m.project, m.name))
    days = [(data.as_of - m.due).days for m in ordered]
    trace = {
        "type": "bar",
        "y": _escaped(f"{m.project}: {m.name}" for m in ordered),
        "x": days,
        "orientation": "h",
        "marker": {"color": PALETTE[4]},
        "customdata": [format_date(m.due, locale) for m in ordered],
        "text": [format_number(d, locale) for d in days],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": (
            f"%{{y}}<br>{_escape(data.due_label)}: %{{customdata}}<br>"
            f"{_escape(texts.x_axis)}: %{{x:,d}}<extra></extra>"
        ),
        "showlegend": False,
    }
    figure = _figure(
        [trace], texts, locale, height=_bar_height(len(ordered)), yaxis={"autorange": "reversed"}
    )
    table = DataTable(
        caption=texts.title,
        columns=(
            Column(data.project_label),
            Column(texts.y_axis),
            Column(data.due_label, "date"),
            Column(texts.x_axis, "integer"),
        ),
        rows=tuple((m.project, m.name, m.due, d) for m, d in zip(ordered, days, strict=True)),
    )
    return Chart(figure, table)


def _figure(
    traces: Sequence[dict[str, Any]],
    texts: ChartTexts,
    locale: str,
    *,
    barmode: str | None = None,
    height: int = 420,
    xaxis: dict[str, Any] | None = None,
    yaxis: dict[str, Any] | None = None,
) -> FigureSpec:
    """Return the figure of *traces* in the house style; *xaxis* and *yaxis* add to or
    override the common axis settings."""
    # Whole numbers with the locale's grouping ("12.000"), not SI prefixes ("12k").
    axis = {
        "gridcolor": GRID_COLOUR,
        "linecolor": TEXT_COLOUR,
        "automargin": True,
        "exponentformat": "none",
        "separatethousands": True,
    }
    layout: dict[str, Any] = {
        "title": {"text": _escape(texts.title), "x": 0, "xanchor": "left"},
        "separators": plotly_separators(locale),
        "font": {"family": FONT_FAMILY, "size": 14, "color": TEXT_COLOUR},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "height": height,
        "margin": {"l": 10, "r": 30, "t": 60, "b": 10},
        # Below everything, at the foot of the figure: placed under the plot area, the legend
        # ran into the title of the x-axis on narrow screens.
        "legend": {"orientation": "h", "yref": "container", "yanchor": "bottom", "y": 0, "x": 0},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
        "xaxis": axis | {"title": {"text": _escape(texts.x_axis)}} | (xaxis or {}),
        "yaxis": axis | {"title": {"text": _escape(texts.y_axis)}} | (yaxis or {}),
    }
    if barmode:
        layout["barmode"] = barmode
    return {"data": list(traces), "layout": layout}


def _bar_height(bars: int) -> int:
    """Return a figure height that gives each of ``bars`` horizontal bars room for its label."""
    return max(320, 140 + 28 * bars)


def _colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def _escape(text: str) -> str:
    """Escape what Plotly reads as markup in titles and hover templates."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("%{", "%&#123;")
    )


def _escaped(labels: Iterable[str]) -> list[str]:
    return [_escape(label) for label in labels]


def _check_matrix(
    what: str, rows: Sequence[Sequence[Cell | float]], expected_rows: int, expected_columns: int
) -> None:
    if len(rows) != expected_rows or any(len(row) != expected_columns for row in rows):
        raise InvalidReportData(
            f"{what}: the counts do not form {expected_rows} rows of {expected_columns} values.",
            hint="Give one row per label on the first axis and one value per series in it.",
        )
