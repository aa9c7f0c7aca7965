"""Documents as HTML (Jinja2) and as tagged, archivable PDF/A-3a (WeasyPrint).

The templates get plain values only. WeasyPrint fetches nothing but ``data:`` URLs (the logo and
the figures, which this module embeds itself) and files under the static folder the caller
names (fonts); any other URL stops the rendering with ``ResourceRefused``.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import mimetypes
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
import weasyprint
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from reports._documents import (
    Attachment,
    CouncilPaper,
    Document,
    Letterhead,
    MeetingPack,
    ProjectReport,
    RoundReport,
)
from reports._errors import ResourceRefused
from reports._format import format_amount, format_date, format_number, format_share

#: Documents are German records (see ``reports._documents``).
LANGUAGE = "de"
#: Longer documents open with a table of contents.
CONTENTS_FROM_PAGES = 5

#: Table rows (or their equivalent) from which a document is expected to exceed four pages.
_LONG_FROM_ROWS = 80
# Loading KERN's WOFF2 fonts takes seconds; a font configuration keeps them for the next
# document. One per thread, since WeasyPrint does not share one between threads.
_fonts = threading.local()

_TEMPLATES = {
    CouncilPaper: "council_paper.html",
    MeetingPack: "meeting_pack.html",
    RoundReport: "round_report.html",
    ProjectReport: "project_report.html",
}

_environment = jinja2.Environment(
    loader=jinja2.PackageLoader("reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_environment.filters.update(
    date=lambda value: format_date(value, LANGUAGE),
    time=lambda value: value.strftime("%H:%M"),
    amount=lambda value: format_amount(value, LANGUAGE),
    number=lambda value, digits=0: format_number(value, LANGUAGE, digits=digits),
    points=lambda value: format_number(value * 100, LANGUAGE, digits=1),
    share=lambda value, digits=0: format_share(value, LANGUAGE, digits=digits),
    size=lambda value: _size(value),
    svg_url=lambda value: "data:image/svg+xml;base64," + base64.b64encode(value).decode("ascii"),
)


class StaticFetcher(URLFetcher):
    """Fetch ``data:`` URLs and files under ``folder``; refuse every other URL.

    Paths are resolved (``..`` and symbolic links) before they are compared, so nothing outside
    ``folder`` can be reached through it.
    """

    def __init__(self, folder: Path | None) -> None:
        # Any failure stops the rendering, so no document is made with a part left out.
        super().__init__(allowed_protocols=("data", "file"), fail_on_errors=True)
        self.folder = folder.resolve() if folder is not None else None

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the resource at ``url`` or raise ``ResourceRefused``."""
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme == "file" and parts.netloc in ("", "localhost") and self.folder:
            path = Path(unquote(parts.path)).resolve()
            if path.is_relative_to(self.folder) and path.is_file():
                media_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": media_type}
                )
        raise ResourceRefused(
            f"The document asked for {url[:200]!r}, which is not a file of its static folder.",
            hint="Documents may use data: URLs and files of the portal's static folder only.",
        )


def document_html(
    document: Document,
    letterhead: Letterhead,
    *,
    attachments: tuple[Attachment, ...] = (),
    contents: bool = False,
    fonts: str = "",
) -> str:
    """Return the HTML of ``document``; ``contents`` adds the table of contents.

    ``attachments`` are listed among the annexes of a council paper. ``fonts`` is the folder,
    relative to the static folder, of KERN's Fira Sans files (``FiraSans-Regular.woff2`` and its
    bold and italic cuts); without it the documents use the system's Liberation or DejaVu Sans.
    """
    template = _environment.get_template(_TEMPLATES[type(document)])
    return template.render(
        document=document,
        letterhead=letterhead,
        attachments=attachments,
        sections=_sections(document),
        contents=contents,
        fonts=fonts.strip("/"),
        language=LANGUAGE,
    )


def document_pdf(
    document: Document,
    letterhead: Letterhead,
    *,
    attachments: tuple[Attachment, ...] = (),
    static_folder: Path | None = None,
    fonts: str = "",
    created: dt.datetime | None = None,
) -> bytes:
    """Return ``document`` as a tagged PDF/A-3a with ``attachments`` embedded.

    A document of more than four pages gets a table of contents. It is laid out with or
    without one as its length suggests, and laid out again the other way when the guess was
    wrong, so the rule holds and most documents are laid out once.
    ``created`` stamps the PDF and its attachments (default: now); with the same value and data
    the bytes are the same.
    """
    fetcher = StaticFetcher(static_folder)
    base_url = static_folder.resolve().as_uri() + "/" if static_folder else None

    if not hasattr(_fonts, "config"):
        _fonts.config = FontConfiguration()

    def render(contents: bool) -> weasyprint.document.Document:
        html = document_html(
            document, letterhead, attachments=attachments, contents=contents, fonts=fonts
        )
        try:
            return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render(
                pdf_variant="pdf/a-3a", font_config=_fonts.config
            )
        except FatalURLFetchingError as error:
            if isinstance(error.__cause__, ResourceRefused):
                raise error.__cause__ from None
            raise

    contents = _rows(document) >= _LONG_FROM_ROWS
    rendered = render(contents)
    # The table of contents fills its own page(s) and moves nothing else.
    body_pages = sum(1 for page in rendered.pages if not _is_contents(page))
    if contents != (body_pages >= CONTENTS_FROM_PAGES):
        rendered = render(not contents)
    stamp = created or dt.datetime.now(dt.UTC)
    return bytes(
        rendered.write_pdf(
            pdf_variant="pdf/a-3a",
            attachments=[
                weasyprint.Attachment(
                    file_obj=io.BytesIO(attachment.data),
                    name=attachment.filename,
                    description=attachment.description,
                    created=stamp,
                    modified=stamp,
                    relationship="Data",
                )
                for attachment in attachments
            ],
            custom_metadata=False,
        )
    )


def _sections(document: Document) -> list[tuple[str, str]]:
    """Return the anchors and titles of the sections the table of contents lists."""
    match document:
        case CouncilPaper():
            return [
                ("grunddaten", "Grunddaten"),
                ("beratungsfolge", "Beratungsfolge"),
                ("finanzen", "Finanzielle Auswirkungen"),
                ("sachverhalt", "Sachverhalt"),
                ("anlagen", "Anlagen"),
            ]
        case MeetingPack():
            return [("tagesordnung", "Tagesordnung")] + [
                (f"top-{number}", f"TOP {item.number}: {item.title}")
                for number, item in enumerate(document.items, start=1)
            ]
        case RoundReport():
            return [
                ("ueberblick", "Überblick"),
                ("verfahren", "Verfahren, Kriterien und Gewichte"),
                ("uebereinstimmung", "Übereinstimmung der Bewertungen"),
                ("stabilitaet", "Stabilität der Rangfolge"),
                ("rangfolge", "Rangfolge"),
            ]
        case ProjectReport():
            return [("ueberblick", "Überblick")] + [
                (f"welle-{number}", wave.name)
                for number, wave in enumerate(document.waves, start=1)
            ]


def _is_contents(page: Any) -> bool:
    return "contents" in page.anchors


def _rows(document: Document) -> int:
    """Return about how many table rows ``document`` prints; a figure counts as 15."""
    match document:
        case CouncilPaper() | RoundReport():
            rows = len(document.ranking) + 45
        case MeetingPack():
            rows = len(document.items) * 20
        case ProjectReport():
            rows = len(document.projects) + 10 * len(document.waves)
    return rows + 15 * len(document.figures)


def _size(value: int | Decimal) -> str:
    """Return a file size as the council information systems print it: ``110,5 kB``."""
    if value < 1000:
        return f"{format_number(value, LANGUAGE)} Byte"
    kilobytes = Decimal(value) / 1000
    if kilobytes < 1000:
        return f"{format_number(kilobytes, LANGUAGE, digits=1)} kB"
    return f"{format_number(kilobytes / 1000, LANGUAGE, digits=1)} MB"
