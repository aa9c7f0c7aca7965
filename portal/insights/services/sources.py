"""What every kind of document is made of: its subject, its plain data (whose hash decides
whether it is made again) and the core's document composed from that data.

Each kind has a module of one shape (`round_documents`, `meeting_pack`, `project_report`), a
`Maker`: `subject` checks what a document is asked about, `gather` reads the data (at the
request, to hash it, and again in the job), `compose` turns the data into the core's dataclass
and the files the PDF embeds. `documents` runs the life of a document over any of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import Any, Protocol, TypeVar

import reports
from portal.accounts.models import User
from portal.core.errors import DomainError
from portal.insights.models import DocumentKind, GeneratedDocument

#: The documents' figures are this wide in the PDF (points of the SVG).
FIGURE_WIDTH = 760


class DocumentRefused(DomainError):
    """The document cannot be made from what was asked; the message says why."""

    status_code = 422


@dataclass(frozen=True)
class Subject:
    """What a document is about: a round, a meeting, a wave of projects, or none of them (the
    municipality's whole project portfolio); with the title the document is listed and written
    under."""

    title: str
    round_id: int | None = None
    meeting_id: int | None = None
    wave_id: int | None = None

    @classmethod
    def of(cls, document: GeneratedDocument) -> Subject:
        """Return the subject *document* was asked about."""
        return cls(document.title, document.round_id, document.meeting_id, document.wave_id)


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    return str(value)


@dataclass(frozen=True)
class Source:
    """The plain data of a document. Fields declared with `compare=False` carry what the
    composing needs beside the data (the ranking's arrays, say) and are not hashed."""

    def digest(self) -> str:
        """Return the SHA-256 of the data (what decides whether a document is made again)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.compare}
        text = json.dumps(data, default=_plain, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Composed:
    """A document as the core renders it, with the files embedded in its PDF."""

    body: reports.Document
    attachments: tuple[reports.Attachment, ...] = ()


SourceT = TypeVar("SourceT", bound=Source)


class Maker(Protocol[SourceT]):
    """The module that makes the documents of one or more kinds from its kind of source."""

    def subject(self, kind: DocumentKind, subject_id: int | None, user: User) -> Subject:
        """Return the subject *user* asks a document of *kind* about, or refuse it."""
        ...

    def gather(self, kind: DocumentKind, subject: Subject, reader: User | None) -> SourceT:
        """Read the data of the document of *kind* about *subject* (German texts)."""
        ...

    def compose(
        self,
        document: GeneratedDocument,
        source: SourceT,
        letterhead: reports.Letterhead,
        today: dt.date,
    ) -> Composed:
        """Return the core's document made from *source*, drawing its figures."""
        ...


#: A maker of any kind of source, as the documents' life cycle holds them.
AnyMaker = Maker[Any]


def figure(chart: reports.Chart) -> reports.Figure:
    """Return *chart* as a figure of a document: its SVG and its data table."""
    return reports.Figure(
        chart.table.caption, reports.figure_svg(chart.figure, width=FIGURE_WIDTH), chart.table
    )
