"""SVG export: one Chromium, kept running, draws the figures for the documents offline."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

import reports

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def exporter() -> object:
    reports.start_svg_export()
    yield None
    reports.stop_svg_export()


def test_figure_becomes_a_valid_svg_with_its_texts(exporter: object) -> None:
    data = reports.IdeaFunnel(
        ("Eingereicht", "Entschieden"), ("Bürgerservice", "Personal"), ((12345, 2), (56, 3))
    )
    chart = reports.idea_funnel(data, reports.ChartTexts("Ideen nach Stand", "Anzahl"), "de")
    svg = reports.figure_svg(chart.figure, width=600)
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("width") == "600"
    texts = {element.text for element in root.iter(f"{SVG}text")}
    assert {"Ideen nach Stand", "Anzahl", "Eingereicht", "Bürgerservice"} <= texts
    # German grouping on the axis: 10.000, neither 10,000 nor 10k.
    assert "10.000" in texts


def test_missing_browser_is_reported_with_a_hint() -> None:
    reports.stop_svg_export()
    with pytest.raises(reports.ExportFailed) as error:
        reports.start_svg_export("/nonexistent/chromium")
    assert "BROWSER_PATH" in error.value.hint
