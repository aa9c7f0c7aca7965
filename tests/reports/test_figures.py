"""Figures: each chart's table holds exactly what the chart plots, in the reader's locale."""

from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal

import plotly.graph_objects as go
import pytest

import reports

TEXTS = reports.ChartTexts("Titel", "x-Achse", "y-Achse")


def plotted(trace_values: object) -> list[object]:
    """Return a trace's values as plain Python values, labels unescaped as Plotly shows them."""
    return [html.unescape(v) if isinstance(v, str) else v for v in list(trace_values)]  # type: ignore[call-overload]


def figure(chart: reports.Chart) -> go.Figure:
    """Return the chart's figure read by Plotly, which checks every property against its schema."""
    return go.Figure(chart.figure)


def column(table: reports.DataTable, index: int) -> list[object]:
    return [row[index] for row in table.rows]


def test_funnel_table_is_the_stacked_bars() -> None:
    data = reports.IdeaFunnel(
        states=("Eingereicht", "In Runde"),
        fields=("Bürgerservice", "Personal"),
        counts=((12, 3), (5, 0)),
    )
    chart = reports.idea_funnel(data, TEXTS, "de")
    bars = figure(chart).data
    assert [bar.name for bar in bars] == ["Bürgerservice", "Personal"]
    for j, bar in enumerate(bars):
        assert plotted(bar.y) == column(chart.table, 0)
        assert list(bar.x) == column(chart.table, j + 1)
    assert chart.table.rows == (("Eingereicht", 12, 3), ("In Runde", 5, 0))
    assert (
        chart.table.to_csv()
        == "y-Achse,Bürgerservice,Personal\r\nEingereicht,12,3\r\nIn Runde,5,0\r\n".encode()
    )


def test_participation_by_unit_is_per_100_staff() -> None:
    data = reports.ParticipationByUnit(
        units=("Jugendamt", "Tiefbauamt"),
        staff=(400, 80),
        series=(reports.Series("Ideen", (10, 10)), reports.Series("Kommentare", (3, 0))),
    )
    chart = reports.participation_by_unit(data, TEXTS, "de")
    assert list(figure(chart).data[0].y) == [2.5, 12.5]
    assert chart.table.rows == (("Jugendamt", 2.5, 0.75), ("Tiefbauamt", 12.5, 0.0))
    assert chart.table.display_rows("de")[0] == ("Jugendamt", "2,5", "0,8")
    assert chart.table.display_rows("en")[0] == ("Jugendamt", "2.5", "0.8")


def test_participation_over_time_writes_dates_as_the_locale() -> None:
    periods = (dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    data = reports.ParticipationOverTime(periods, (reports.Series("Ideen", (1234, 7)),))
    chart = reports.participation_over_time(data, TEXTS, "de")
    assert figure(chart).layout.separators == ",."
    assert figure(chart).layout.xaxis.tickformat == "%d.%m.%Y"
    assert list(figure(chart).data[0].x) == ["2026-01-01", "2026-02-01"]
    assert chart.table.display_rows("de") == (("01.01.2026", "1.234"), ("01.02.2026", "7"))
    assert chart.table.to_csv().decode().splitlines()[1] == "2026-01-01,1234"


def test_ranking_contributions_in_points_with_the_engines_totals() -> None:
    data = reports.RankingContributions(
        ideas=("E-Akte", "Chatbot"),
        ranks=(1, 2),
        scores=(0.7, 0.45),
        criteria=("Nutzen", "Aufwand"),
        contributions=((0.5, 0.2), (0.25, 0.2)),
        rank_label="Rang",
        score_label="Punkte",
    )
    chart = reports.ranking_contributions(data, TEXTS, "de")
    bars, totals = figure(chart).data[:2], figure(chart).data[2]
    assert plotted(bars[0].y) == ["1. E-Akte", "2. Chatbot"]
    assert list(bars[0].x) == pytest.approx(column(chart.table, 2))
    assert list(bars[1].x) == pytest.approx(column(chart.table, 3))
    assert list(totals.x) == pytest.approx(column(chart.table, 4))
    assert column(chart.table, 4) == pytest.approx([70, 45])
    assert list(totals.text) == ["70,0", "45,0"]


def test_ranking_refuses_contributions_that_are_not_the_score() -> None:
    data = reports.RankingContributions(
        ideas=("E-Akte",),
        ranks=(1,),
        scores=(0.9,),
        criteria=("Nutzen",),
        contributions=((0.5,),),
        rank_label="Rang",
        score_label="Punkte",
    )
    with pytest.raises(reports.InvalidReportData, match="add up to"):
        reports.ranking_contributions(data, TEXTS, "de")


def test_value_effort_marks_the_portfolio_by_shape_and_colour() -> None:
    data = reports.ValueEffort(
        ideas=("A", "B", "C"),
        scores=(0.8, 0.6, 0.4),
        costs=(Decimal("1234.56"), Decimal(0), Decimal(90000)),
        staff_days=(10, 0, 40),
        in_portfolio=(True, False, True),
        portfolio_label="im Portfolio",
        other_label="nicht im Portfolio",
        staff_days_label="Personentage",
        status_label="Status",
    )
    chart = reports.value_effort(data, TEXTS, "de")
    inside, outside = figure(chart).data
    assert (inside.marker.symbol, outside.marker.symbol) == ("circle", "diamond-open")
    assert inside.marker.color != outside.marker.color
    assert list(inside.x) == [1234.56, 90000.0]
    assert list(outside.y) == pytest.approx([60.0])
    assert chart.table.display_rows("de")[0] == (
        "A",
        "80,0",
        "1.234,56\xa0€",
        "10,0",
        "im Portfolio",
    )


def test_rank_probabilities_are_written_in_the_cells() -> None:
    data = reports.RankProbabilities(ideas=("A", "B"), shares=((0.75, 0.25), (0.25, 0.75)))
    chart = reports.rank_probabilities(data, TEXTS, "de")
    heatmap = figure(chart).data[0]
    assert [list(row) for row in heatmap.z] == [list(row[1:]) for row in chart.table.rows]
    assert [list(row) for row in heatmap.text] == [["75\xa0%", "25\xa0%"], ["25\xa0%", "75\xa0%"]]
    with pytest.raises(reports.InvalidReportData, match="outside"):
        reports.rank_probabilities(reports.RankProbabilities(("A",), ((1.5,),)), TEXTS, "de")


def test_project_status_by_wave() -> None:
    data = reports.ProjectStatusByWave(
        ("Welle 1", "Welle 2"), ("geplant", "in Arbeit"), ((1, 4), (3, 0))
    )
    chart = reports.project_status_by_wave(data, TEXTS, "de")
    assert [list(bar.y) for bar in figure(chart).data] == [[1, 3], [4, 0]]
    assert chart.table.rows == (("Welle 1", 1, 4), ("Welle 2", 3, 0))
    lights = reports.ProjectStatusByWave(
        ("Welle 1",), ("grün", "rot"), ((1, 2),), colours=("#00755e", "#a3213d")
    )
    bars = figure(reports.project_status_by_wave(lights, TEXTS, "de")).data
    assert [bar.marker.color for bar in bars] == ["#00755e", "#a3213d"]


def test_late_milestones_by_days_late() -> None:
    as_of = dt.date(2026, 11, 22)
    data = reports.LateMilestones(
        as_of,
        (
            reports.Milestone("E-Akte", "Abnahme", dt.date(2026, 11, 12)),
            reports.Milestone("Chatbot", "Start", dt.date(2026, 10, 1)),
        ),
        project_label="Projekt",
        due_label="fällig",
    )
    chart = reports.late_milestones(data, TEXTS, "de")
    assert list(figure(chart).data[0].x) == [52, 10] == column(chart.table, 3)
    assert chart.table.display_rows("de")[0] == ("Chatbot", "Start", "01.10.2026", "52")
    on_time = reports.LateMilestones(as_of, (reports.Milestone("X", "Y", as_of),), "P", "D")
    with pytest.raises(reports.InvalidReportData, match="not before"):
        reports.late_milestones(on_time, TEXTS, "de")


def test_labels_are_shown_as_text_not_markup() -> None:
    data = reports.IdeaFunnel(("<b>neu</b> %{x}",), ("<a href='x'>Feld</a>",), ((1,),))
    bar = figure(reports.idea_funnel(data, TEXTS, "de")).data[0]
    assert "<" not in bar.y[0]
    assert "%{" not in bar.y[0]
    assert "<a" not in bar.name
    assert plotted(bar.y) == ["<b>neu</b> %{x}"]


EVERY_FIGURE = [
    (reports.idea_funnel, reports.IdeaFunnel(("a",), ("</script>",), ((1,),))),
    (
        reports.participation_over_time,
        reports.ParticipationOverTime((dt.date(2026, 1, 1),), (reports.Series("s", (2,)),)),
    ),
    (
        reports.participation_by_unit,
        reports.ParticipationByUnit(("a",), (5,), (reports.Series("s", (1,)),)),
    ),
    (
        reports.ranking_contributions,
        reports.RankingContributions(("a",), (1,), (0.5,), ("k",), ((0.5,),), "Rang", "Punkte"),
    ),
    (
        reports.value_effort,
        reports.ValueEffort(("a",), (0.5,), (Decimal("1.5"),), (3.0,), (True,), "p", "o", "d", "s"),
    ),
    (reports.rank_probabilities, reports.RankProbabilities(("a",), ((1.0,),))),
    (reports.project_status_by_wave, reports.ProjectStatusByWave(("w",), ("s",), ((1,),))),
    (
        reports.late_milestones,
        reports.LateMilestones(
            dt.date(2026, 2, 1), (reports.Milestone("p", "m", dt.date(2026, 1, 1)),), "P", "D"
        ),
    ),
]


@pytest.mark.parametrize(("build", "data"), EVERY_FIGURE)
def test_every_figure_is_valid_plotly_json_safe_in_a_script_block(
    build: object, data: object
) -> None:
    chart = build(data, TEXTS, "en")  # type: ignore[operator]
    # Plotly raises on any property its schema does not know or value it does not accept.
    checked = go.Figure(chart.figure)
    assert checked.layout.title.text == "Titel"
    text = chart.figure_json()
    assert "<" not in text
    assert json.loads(text) == json.loads(json.dumps(chart.figure))


@pytest.mark.parametrize(
    ("build", "data"),
    [
        (reports.idea_funnel, reports.IdeaFunnel(("a", "b"), ("f",), ((1,),))),
        (reports.participation_by_unit, reports.ParticipationByUnit(("a",), (0,), ())),
        (
            reports.participation_by_unit,
            reports.ParticipationByUnit(("a",), (5,), (reports.Series("s", (1, 2)),)),
        ),
        (
            reports.participation_over_time,
            reports.ParticipationOverTime((dt.date(2026, 2, 1), dt.date(2026, 1, 1)), ()),
        ),
        (reports.project_status_by_wave, reports.ProjectStatusByWave(("w",), ("s", "t"), ((1,),))),
    ],
)
def test_data_of_the_wrong_shape_is_refused(build: object, data: object) -> None:
    with pytest.raises(reports.InvalidReportData) as error:
        build(data, TEXTS, "de")  # type: ignore[operator]
    assert error.value.hint


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


@pytest.mark.parametrize("colour", reports.PALETTE)
def test_series_colours_contrast_with_white(colour: str) -> None:
    # WCAG 2.1, 1.4.11 asks 3:1 of graphical objects; the palette keeps 4.5:1.
    assert 1.05 / (relative_luminance(colour) + 0.05) >= 4.5


def test_german_numbers_amounts_and_dates() -> None:
    assert reports.format_amount(Decimal("1234.56"), "de") == "1.234,56\xa0€"
    assert reports.format_date(dt.date(2026, 11, 22), "de") == "22.11.2026"
    assert reports.format_number(1234.5, "de", digits=2) == "1.234,50"
    assert reports.format_share(0.253, "de", digits=1) == "25,3\xa0%"
    with pytest.raises(reports.InvalidReportData, match="locale"):
        reports.format_date(dt.date(2026, 1, 1), "xx-nowhere")


def test_a_row_of_the_wrong_length_is_refused() -> None:
    with pytest.raises(reports.InvalidReportData, match="cells for"):
        reports.DataTable("T", (reports.Column("a"), reports.Column("b")), (("x",),))
