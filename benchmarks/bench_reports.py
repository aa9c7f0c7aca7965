"""Time to make the council paper and the meeting pack with the reports core, step by step.

Run from the repository root: ``.venv/bin/python -m benchmarks.bench_reports [--runs 3]``. The
data come from ``tests/reports/samples.py`` (seeded): a council paper of a round of 200 ranked
ideas with six charts and a meeting pack of 30 agenda items with three, each with the round's
data attached (JSON and CSV), set in KERN's Fira Sans from the portal's static folder as the
portal sets them. After Chromium has started (once per job consumer) and the fonts are loaded
(once per thread), each document is made ``--runs`` times, split into the steps the portal's job
takes: the data (chart builders and the document's dataclass), the SVG export of the figures
(Kaleido), the HTML (Jinja2), WeasyPrint's layout (tagged for PDF/A-3a) and writing the PDF/A-3a
with its attachments. The run with the median total is shown, beside WeasyPrint alone on the
same HTML (a plain PDF, without tags and PDF/A) and ``reports.document_pdf`` as the portal calls
it (HTML, layout and writing in one call).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypeVar

import weasyprint
from weasyprint.text.fonts import FontConfiguration

import reports
from tests.reports import samples

TEXTS = reports.ChartTexts
T = TypeVar("T")
#: The portal's static folder and KERN's fonts in it, as the documents' job passes them.
STATIC = Path(__file__).resolve().parents[1] / "portal" / "static"
FONTS_FOLDER = "vendor/kern/fonts/fira-sans"
FONTS = FontConfiguration()


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


def meeting_charts(items: int) -> list[reports.Chart]:
    """Return the three charts of a meeting pack of ``items`` ideas: their ranking, value and
    cost of the round, the rank probabilities."""
    return charts(max(items, 15))[:3]


@dataclass
class Split:
    """Seconds spent in each step of making one document."""

    data: float = 0.0
    svg: float = 0.0
    html: float = 0.0
    layout: float = 0.0
    write: float = 0.0
    pages: int = 0

    @property
    def total(self) -> float:
        return self.data + self.svg + self.html + self.layout + self.write


def timed(split: Split, step: str, make: Callable[[], T]) -> T:
    """Return ``make()`` and add the seconds it took to ``step`` of ``split``."""
    start = time.perf_counter()
    result = make()
    setattr(split, step, getattr(split, step) + time.perf_counter() - start)
    return result


def build(
    make_charts: Callable[[], list[reports.Chart]],
    make_document: Callable[[tuple[reports.Figure, ...]], reports.Document],
    attachments: tuple[reports.Attachment, ...],
) -> tuple[Split, bytes, str]:
    """Make one document step by step as ``reports.document_pdf`` does; return the times, the
    PDF and its HTML.

    The steps: the data (sample data and the charts' figures and tables), the SVG export of the
    figures, the HTML (Jinja2), WeasyPrint's layout (``render``, tagged for PDF/A-3a), and
    writing the PDF/A-3a with its attachments (``write_pdf``).
    """
    split = Split()
    built = timed(split, "data", make_charts)
    svgs = timed(split, "svg", lambda: [reports.figure_svg(c.figure) for c in built])
    document = timed(
        split,
        "data",
        lambda: make_document(
            tuple(
                reports.Figure(c.table.caption, svg, c.table)
                for c, svg in zip(built, svgs, strict=True)
            )
        ),
    )
    # Both documents measured here are long enough to open with a table of contents, which
    # `document_pdf` guesses from their length, so they are laid out once.
    html = timed(
        split,
        "html",
        lambda: reports.document_html(
            document, samples.LETTERHEAD, attachments=attachments, contents=True, fonts=FONTS_FOLDER
        ),
    )
    rendered = timed(
        split,
        "layout",
        lambda: weasyprint.HTML(
            string=html, base_url=STATIC.as_uri() + "/", url_fetcher=reports.StaticFetcher(STATIC)
        ).render(pdf_variant="pdf/a-3a", font_config=FONTS),
    )
    pdf = timed(
        split,
        "write",
        lambda: rendered.write_pdf(
            pdf_variant="pdf/a-3a",
            attachments=[
                weasyprint.Attachment(
                    file_obj=io.BytesIO(a.data), name=a.filename, relationship="Data"
                )
                for a in attachments
            ],
        ),
    )
    split.pages = len(rendered.pages)
    return split, bytes(pdf), html


def weasyprint_alone(html: str) -> tuple[float, float]:
    """Return the seconds WeasyPrint takes for ``html`` as a plain PDF, without tags or PDF/A:
    layout and writing."""
    start = time.perf_counter()
    rendered = weasyprint.HTML(
        string=html, base_url=STATIC.as_uri() + "/", url_fetcher=reports.StaticFetcher(STATIC)
    ).render(font_config=FONTS)
    laid_out = time.perf_counter()
    rendered.write_pdf()
    return laid_out - start, time.perf_counter() - laid_out


def core(document: reports.Document, attachments: tuple[reports.Attachment, ...]) -> float:
    """Return the seconds ``reports.document_pdf`` takes for ``document`` (SVGs made)."""
    start = time.perf_counter()
    reports.document_pdf(
        document,
        samples.LETTERHEAD,
        attachments=attachments,
        static_folder=STATIC,
        fonts=FONTS_FOLDER,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per document (median)")
    args = parser.parse_args()
    print(f"CPU: {_cpu()}, Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}")
    print(f"load average before: {_load()}")
    start = time.perf_counter()
    reports.start_svg_export()
    warm = [reports.figure_svg(chart.figure) for chart in charts(10)]
    print(
        f"start of Chromium and the first {len(warm)} figures: {time.perf_counter() - start:.1f} s"
    )
    # Fonts: the first document of a thread loads them; the job consumer keeps them.
    core(samples.project_report(), ())
    weasyprint_alone(
        reports.document_html(samples.project_report(), samples.LETTERHEAD, fonts=FONTS_FOLDER)
    )
    attachments = (
        reports.Attachment("runde.json", b"{}" * 100_000, "Daten der Runde (JSON)"),
        reports.Attachment("rangfolge.csv", b"1;Idee;0,5\n" * 2_000, "Rangfolge (CSV)"),
    )
    cases = [
        (
            "council paper, 200 ideas, 6 charts",
            partial(charts, 200),
            partial(samples.council_paper, 200),
            10.0,
        ),
        (
            "meeting pack, 30 items, 3 charts",
            partial(meeting_charts, 30),
            partial(samples.meeting_pack, 30),
            15.0,
        ),
    ]
    print(
        "| document | data | SVG export | HTML | layout | PDF/A writing | total | pages "
        "| WeasyPrint alone (plain PDF) | `document_pdf` | goal |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for name, make_charts, make_document, goal in cases:
        splits, alone, whole = [], [], []
        for _ in range(args.runs):
            split, _pdf, html = build(make_charts, make_document, attachments)
            splits.append(split)
            alone.append(weasyprint_alone(html))
            figures = tuple(
                reports.Figure(c.table.caption, reports.figure_svg(c.figure), c.table)
                for c in make_charts()
            )
            whole.append(core(make_document(figures), attachments))
        median = sorted(splits, key=lambda s: s.total)[(len(splits) - 1) // 2]
        layout_alone, write_alone = min(alone, key=sum)
        print(
            f"| {name} | {median.data:.2f} s | {median.svg:.2f} s | {median.html:.2f} s "
            f"| {median.layout:.2f} s | {median.write:.2f} s | **{median.total:.1f} s** "
            f"| {median.pages} | {layout_alone:.1f} s + {write_alone:.1f} s "
            f"| {statistics.median(whole):.1f} s | < {goal:.0f} s |"
        )
    reports.stop_svg_export()
    print(f"load average after: {_load()}")


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _cpu() -> str:
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


if __name__ == "__main__":
    main()
