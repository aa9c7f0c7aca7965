"""Documents: input checks, the fetcher's limits, and the PDFs read back as a reader gets them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf
import pytest

import reports
from tests.reports import samples

EXPORT = json.dumps({"round": "Ki:GO 2026", "ideas": [1, 2, 3]}, ensure_ascii=False).encode()
CSV = "Rang,Vorschlag,Punkte\r\n1,Online-Terminvergabe im Bürgerbüro,93.3\r\n".encode()
ATTACHMENTS = (
    reports.Attachment("runde-2026.json", EXPORT, "Daten der Runde (JSON)"),
    reports.Attachment("rangfolge-2026.csv", CSV, "Rangfolge (CSV)"),
)


def flat(text: str) -> str:
    """Return ``text`` without spaces and hyphens, so that a phrase is found however the PDF
    broke and hyphenated its lines."""
    return re.sub(r"[\s\xa0\-\u2010\u00ad]+", "", text)


def text_of(reader: pypdf.PdfReader) -> str:
    """Return the text of every page, flattened (``flat``)."""
    return flat(" ".join(page.extract_text() for page in reader.pages))


def xmp(reader: pypdf.PdfReader) -> str:
    return reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()


@pytest.fixture(scope="module")
def council_paper() -> pypdf.PdfReader:
    pdf = reports.document_pdf(
        samples.council_paper(30), samples.LETTERHEAD, attachments=ATTACHMENTS
    )
    return pypdf.PdfReader(io.BytesIO(pdf))


def test_council_paper_reads_like_a_council_paper(council_paper: pypdf.PdfReader) -> None:
    paper = samples.council_paper(30)
    text = text_of(council_paper)
    for phrase in (
        "Drucksache 0123/2026",
        "Betreff",
        "Federführend",
        "Dezernat III",
        "Beteiligt",
        "Beratungsfolge",
        "Hauptausschuss",
        "02.12.2026",
        "Finanzielle Auswirkungen",
        "Sachverhalt",
        "Anlagen",
        "In Vertretung",
        "Dr. Erika Mustermann",
        "22.11.2026",
        "„Nutzen für Bürger:innen“ mit 35 %",
    ):
        assert flat(phrase) in text, phrase
    assert flat(reports.format_amount(paper.financial.total or 0, "de")) in text
    # Every ranking row: rank, title and points, in order.
    positions = []
    for idea in paper.ranking:
        points = reports.format_number(idea.score * 100, "de", digits=1)
        match = re.search(rf"{idea.rank}{re.escape(flat(idea.title))}.*?{re.escape(points)}", text)
        assert match, idea.title
        positions.append(match.start())
    assert positions == sorted(positions)
    # Every departure from the ranking with its explanation.
    for decision in paper.decisions:
        if decision.departs:
            assert flat(decision.explanation) in text
    assert flat("„comply or explain“") in text


def test_council_paper_is_tagged_pdf_a_3a_in_german(council_paper: pypdf.PdfReader) -> None:
    root = council_paper.trailer["/Root"]
    metadata = xmp(council_paper)
    assert re.search(r"pdfaid:part(>|=\")3", metadata)
    assert re.search(r"pdfaid:conformance(>|=\")A", metadata)
    assert root["/Lang"] == "de"
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert council_paper.metadata is not None
    assert council_paper.metadata.title.startswith("Informationsvorlage 0123/2026")
    assert council_paper.metadata.author == "Landeshauptstadt Musterstadt"


def test_council_paper_carries_its_data(council_paper: pypdf.PdfReader) -> None:
    assert council_paper.attachments == {
        "runde-2026.json": [EXPORT],
        "rangfolge-2026.csv": [CSV],
    }
    text = text_of(council_paper)
    assert flat("Daten der Runde (JSON) (runde-2026.json)") in text
    assert flat("in dieser PDF-Datei eingebettet") in text


def test_document_longer_than_four_pages_has_a_table_of_contents() -> None:
    # 80 ideas: well beyond four pages with either of the fonts a process may have loaded.
    pdf = reports.document_pdf(samples.council_paper(80), samples.LETTERHEAD)
    council_paper = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(council_paper.pages) > 4
    first = flat(council_paper.pages[0].extract_text())
    assert flat("Inhalt") in first
    assert flat("Finanzielle Auswirkungen") in first
    # The bookmarks follow the headings: the title, and under it each section.
    title, sections = council_paper.outline[:2]
    assert title.title == "Drucksache 0123/2026"
    assert [item.title for item in sections if not isinstance(item, list)][:3] == [
        "Inhalt",
        "Grunddaten",
        "Beratungsfolge",
    ]


def test_short_document_has_no_table_of_contents() -> None:
    report = samples.project_report(waves=2, per_wave=3)
    reader = pypdf.PdfReader(io.BytesIO(reports.document_pdf(report, samples.LETTERHEAD)))
    assert len(reader.pages) <= 4
    assert flat("Inhalt") not in text_of(reader)
    assert flat("Welle 1") in text_of(reader)
    assert flat("(überfällig)") in text_of(reader)
    assert flat("48.000,00 €") in text_of(reader)
    assert flat("Stand 22.11.2026") in text_of(reader)


@pytest.mark.slow
def test_long_round_report_opens_with_a_table_of_contents() -> None:
    report = samples.round_report(150)
    reader = pypdf.PdfReader(io.BytesIO(reports.document_pdf(report, samples.LETTERHEAD)))
    first = flat(reader.pages[0].extract_text())
    assert flat("Inhalt") in first
    assert flat("Stabilität der Rangfolge") in first
    assert len(reader.pages) > reports.CONTENTS_FROM_PAGES
    text = text_of(reader)
    assert flat(f"Gereiht wurden {len(report.ranking)} Vorschläge") in text
    assert flat(report.ranking[-1].title) in text


def test_meeting_pack_has_agenda_and_breakdown_per_item() -> None:
    pack = samples.meeting_pack(2)
    reader = pypdf.PdfReader(io.BytesIO(reports.document_pdf(pack, samples.LETTERHEAD)))
    text = text_of(reader)
    assert flat("Tagesordnung") in text
    assert flat("03.12.2026, 14:30 Uhr") in text
    for item in pack.items:
        assert flat(f"TOP {item.number}: {item.title}") in text
    assert flat("Bewertung nach Kriterien") in text
    assert flat("Stabilität:") in text
    assert flat("Rang 1 von 2") in text


def test_figures_are_drawn_with_their_table() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    table = reports.DataTable(
        "Ideen nach Stand",
        (reports.Column("Stand"), reports.Column("Anzahl", "integer")),
        (("neu", 1234),),
    )
    paper = samples.council_paper(3, figures=(reports.Figure("Ideen nach Stand", svg, table),))
    html = reports.document_html(paper, samples.LETTERHEAD)
    assert 'alt="Ideen nach Stand. Die Werte stehen in der Tabelle unter der Abbildung."' in html
    assert "Daten zu: Ideen nach Stand" in html
    assert "1.234" in html


def test_reference_number_must_look_like_one() -> None:
    with pytest.raises(reports.InvalidReportData, match="0123/2026"):
        samples.council_paper(3).__class__(
            **{**_fields(samples.council_paper(3)), "reference": "123/26"}
        )


def test_round_without_scores_has_no_documents() -> None:
    with pytest.raises(reports.InvalidReportData, match="no ranked ideas") as error:
        samples.council_paper(0)
    assert "scored" in error.value.hint
    with pytest.raises(reports.InvalidReportData, match="no ranked ideas"):
        samples.round_report(0)


def test_departure_without_explanation_is_refused() -> None:
    with pytest.raises(reports.InvalidReportData, match="without an explanation"):
        reports.Decision("B-1", "E-Akte", "genehmigt", rank=5, departs=True)


@pytest.mark.parametrize(
    ("logo", "problem"),
    [
        (b"GIF89a....", "not a PNG"),
        (b"%PDF-1.7 ...", "not a PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * reports.MAX_LOGO_BYTES, "bytes"),
    ],
)
def test_logo_must_be_a_small_image(logo: bytes, problem: str) -> None:
    with pytest.raises(reports.InvalidLogo, match=problem):
        reports.Letterhead("Musterstadt", logo)


def test_fetcher_refuses_everything_outside_the_static_folder(tmp_path: Path) -> None:
    static = tmp_path / "static"
    (static / "fonts").mkdir(parents=True)
    (static / "fonts" / "a.css").write_text("p {}")
    (tmp_path / "secret.txt").write_text("geheim")
    fetcher = reports.StaticFetcher(static)
    assert fetcher.fetch((static / "fonts" / "a.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch("data:text/plain;base64,aGFsbG8=").read() == b"hallo"
    for url in (
        "file:///etc/passwd",
        (tmp_path / "secret.txt").as_uri(),
        (static / ".." / "secret.txt").as_uri(),
        static.as_uri() + "/../secret.txt",
        "http://127.0.0.1/logo.png",
        "https://example.org/font.woff2",
        "ftp://example.org/x",
    ):
        with pytest.raises(reports.ResourceRefused):
            fetcher.fetch(url)
    with pytest.raises(reports.ResourceRefused):
        reports.StaticFetcher(None).fetch((static / "fonts" / "a.css").as_uri())


def test_logo_cannot_pull_an_outside_file_into_the_document(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>GEHEIMNIS</text></svg>')
    logo = f'<svg xmlns="http://www.w3.org/2000/svg"><image href="{secret.as_uri()}"/></svg>'
    letterhead = reports.Letterhead("Musterstadt", logo.encode())
    static = tmp_path / "static"
    static.mkdir()
    pdf = reports.document_pdf(samples.project_report(1, 1), letterhead, static_folder=static)
    # WeasyPrint draws an SVG without the parts it could not fetch, so the logo is left empty.
    assert "GEHEIMNIS" not in text_of(pypdf.PdfReader(io.BytesIO(pdf)))
    assert any("Failed to render SVG" in record.message for record in caplog.records)


def _fields(paper: reports.CouncilPaper) -> dict[str, object]:
    return {name: getattr(paper, name) for name in paper.__dataclass_fields__}
