"""Time to build each document of the reports core with realistic data.

Run from the repository root: ``.venv/bin/python -m benchmarks.bench_reports``. The data come from
``tests/reports/samples.py`` (seeded). Each document is built twice after a warm-up (the first
build in a process loads fonts and starts Chromium); the table shows the better time, the time of
WeasyPrint alone on the same HTML (``HTML(...).write_pdf(pdf_variant="pdf/a-3a")``), and the
time of the SVG export of its figures.
"""

from __future__ import annotations

import datetime as dt
import io
import platform
import time
from collections.abc import Callable
from decimal import Decimal
from functools import partial

import pypdf
import weasyprint

import reports
from tests.reports import samples

TEXTS = reports.ChartTexts


def charts(count: int) -> list[reports.Chart]:
    """Return six charts of a round of ``count`` ideas, drawn from the sample ranking."""
    ranked = samples.ranking(count)
    top = ranked[:15]
    weights = [c.weight for c in samples.CRITERIA]
    return [
        reports.ranking_contributions(
            reports.RankingContributions(
                tuple(i.title for i in top),
                tuple(i.rank for i in top),
                tuple(i.score for i in top),
                tuple(c.name for c in samples.CRITERIA),
                tuple(tuple(i.score * w for w in weights) for i in top),
                "Rang",
                "Punkte",
            ),
            TEXTS("Die 15 besten Vorschläge nach Kriterien", "Punkte", "Vorschlag"),
            "de",
        ),
        reports.value_effort(
            reports.ValueEffort(
                tuple(i.title for i in ranked),
                tuple(i.score for i in ranked),
                tuple(i.cost or Decimal(0) for i in ranked),
                tuple(5.0 + i.rank % 40 for i in ranked),
                tuple(i.in_portfolio for i in ranked),
                "im Portfolio",
                "nicht im Portfolio",
                "Personentage",
                "Portfolio",
            ),
            TEXTS("Nutzen und Kosten", "Kosten", "Punkte"),
            "de",
        ),
        reports.rank_probabilities(
            reports.RankProbabilities(
                tuple(i.title for i in ranked[:10]),
                tuple(tuple(0.6 if r == k else 0.4 / 9 for r in range(10)) for k in range(10)),
            ),
            TEXTS("Wahrscheinlichkeit der Ränge", "Rang", "Vorschlag"),
            "de",
        ),
        reports.idea_funnel(
            reports.IdeaFunnel(
                ("Eingereicht", "Gesichtet", "In Runde", "Entschieden"),
                samples.FIELDS,
                tuple(tuple(40 - 8 * s + f for f in range(5)) for s in range(4)),
            ),
            TEXTS("Ideen nach Stand und Handlungsfeld", "Anzahl", "Stand"),
            "de",
        ),
        reports.participation_by_unit(
            reports.ParticipationByUnit(
                samples.UNITS,
                (120, 340, 80, 60, 210, 150),
                (
                    reports.Series("Ideen", (12, 20, 9, 4, 7, 11)),
                    reports.Series("Kommentare", (30, 41, 22, 9, 12, 25)),
                ),
            ),
            TEXTS("Beteiligung je 100 Beschäftigte", "Organisationseinheit", "je 100"),
            "de",
        ),
        reports.late_milestones(
            reports.LateMilestones(
                dt.date(2026, 11, 22),
                tuple(
                    reports.Milestone(samples.title(i), "Abnahme", dt.date(2026, 10, 1 + 2 * i))
                    for i in range(8)
                ),
                "Projekt",
                "fällig",
            ),
            TEXTS("Überfällige Meilensteine", "Tage überfällig", "Meilenstein"),
            "de",
        ),
    ]


def figures(count: int) -> tuple[tuple[reports.Figure, ...], float]:
    """Return the six figures as SVG and the seconds their export took."""
    start = time.perf_counter()
    built = tuple(
        reports.Figure(chart.table.caption, reports.figure_svg(chart.figure), chart.table)
        for chart in charts(count)
    )
    return built, time.perf_counter() - start


def best(build: Callable[[], object], runs: int = 2) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    start = time.perf_counter()
    reports.start_svg_export()
    figures(10)
    print(f"start of Chromium and first figures: {time.perf_counter() - start:.1f} s")
    reports.document_pdf(samples.project_report(), samples.LETTERHEAD)  # warm-up: fonts
    attachments = (reports.Attachment("runde.json", b"{}" * 50_000, "Daten der Runde (JSON)"),)
    cases: list[tuple[str, reports.Document, float]] = []
    paper_figures, svg_30 = figures(30)
    cases.append(
        ("council paper, 30 ideas, 6 charts", samples.council_paper(30, paper_figures), svg_30)
    )
    paper_figures, svg_200 = figures(200)
    cases.append(
        ("council paper, 200 ideas, 6 charts", samples.council_paper(200, paper_figures), svg_200)
    )
    cases.append(("meeting pack, 30 items", samples.meeting_pack(30), 0.0))
    cases.append(("round report, 2,000 ideas", samples.round_report(2000), 0.0))
    print(f"CPU: {_cpu()}, Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}")
    print("| document | SVG export | PDF (core) | WeasyPrint alone | pages |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, document, svg_seconds in cases:
        make = partial(reports.document_pdf, document, samples.LETTERHEAD, attachments=attachments)
        core = best(make)
        html = reports.document_html(document, samples.LETTERHEAD, attachments=attachments)
        alone = best(partial(weasyprint.HTML(string=html).write_pdf, pdf_variant="pdf/a-3a"))
        pages = len(pypdf.PdfReader(io.BytesIO(make())).pages)
        print(f"| {name} | {svg_seconds:.1f} s | {core:.1f} s | {alone:.1f} s | {pages} |")
    reports.stop_svg_export()


def _cpu() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


if __name__ == "__main__":
    main()
