"""The documents' input: plain values the portal fills, one frozen dataclass per document.

The documents are records of a German authority (a council paper goes into the E-Akte), so their
fixed texts are German whatever the language of the person who asks for them; the caller's
texts (titles, reasons, sentences) are given in German too. Scores and weights are the engine's
(0…1) and are printed as points of 100 and percentages.
"""

from __future__ import annotations

import base64
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeAlias

from reports._errors import InvalidLogo, InvalidReportData
from reports._tables import DataTable

#: The largest logo accepted: a letterhead logo needs a few kilobytes; a photograph of a town
#: hall would make every document of a round megabytes larger.
MAX_LOGO_BYTES = 512 * 1024
#: How council information systems number papers: running number and year, "0888/2019".
REFERENCE_PATTERN = re.compile(r"\d{4}/\d{4}")

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


@dataclass(frozen=True, slots=True)
class Letterhead:
    """The municipality that issues the documents: its name and logo in every page's header.

    ``logo`` is a PNG, JPEG or SVG image of at most ``MAX_LOGO_BYTES``; it is checked here by its
    content, so an upload the portal stored unchecked is refused before a job renders with it.
    """

    municipality: str
    logo: bytes | None = None
    #: The unit that issues the document, e.g. "Stabsstelle Digitalisierung".
    issuer: str = ""

    def __post_init__(self) -> None:
        if self.logo is not None:
            _logo_type(self.logo)

    @property
    def logo_url(self) -> str | None:
        """Return the logo as a ``data:`` URL, which the documents embed without fetching."""
        if self.logo is None:
            return None
        encoded = base64.b64encode(self.logo).decode("ascii")
        return f"data:{_logo_type(self.logo)};base64,{encoded}"


@dataclass(frozen=True, slots=True, eq=False)
class Figure:
    """A chart of a document: its SVG (``reports.figure_svg``) and the table of its data, which
    follows the chart so that the numbers can be read and copied."""

    title: str
    svg: bytes
    table: DataTable


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file embedded in the PDF (PDF/A-3 allows any file type), e.g. the round's export.

    The file type written into the PDF follows from the name's extension (``.json``, ``.csv``).
    """

    filename: str
    data: bytes
    description: str


@dataclass(frozen=True, slots=True)
class Criterion:
    """A criterion of the round's published catalogue with its weight (0…1, all sum to 1)."""

    name: str
    weight: float
    kind: Literal["benefit", "cost"] = "benefit"
    description: str = ""


@dataclass(frozen=True, slots=True)
class Method:
    """How the ranking came about, in the words the documents print.

    Attributes:
        criteria: the catalogue in its published order.
        scale: the rating scale, e.g. "0 (kein Nutzen) bis 4 (sehr hoher Nutzen)".
        assessors: how many assessors scored.
        weighting: who set the weights and how, e.g. "die Lenkungsgruppe durch paarweisen
            Vergleich (AHP)".
        aggregation: how the scores were combined and ranked, a sentence.
    """

    criteria: tuple[Criterion, ...]
    scale: str
    assessors: int
    weighting: str
    aggregation: str


@dataclass(frozen=True, slots=True)
class RankedIdea:
    """One row of a ranking: rank (1 = best, ties share it) and the engine's score (0…1)."""

    rank: int
    title: str
    score: float
    org_unit: str = ""
    cost: Decimal | None = None
    in_portfolio: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    """A decision of the board on one idea.

    ``departs`` marks a decision against the ranking (approving a lower-ranked idea over a
    higher one, or the reverse); it needs ``explanation``, the published reason ("comply or
    explain").
    """

    number: str
    title: str
    outcome: str
    reason: str = ""
    rank: int | None = None
    departs: bool = False
    explanation: str = ""

    def __post_init__(self) -> None:
        if self.departs and not self.explanation.strip():
            raise InvalidReportData(
                f"The decision {self.number} departs from the ranking without an explanation.",
                hint="Give the board's written reason; it is published with the decision.",
            )


@dataclass(frozen=True, slots=True)
class Consultation:
    """A step of the Beratungsfolge: the body, the date of its meeting and what it does."""

    body: str
    date: dt.date
    purpose: str = "Kenntnisnahme"
    status: str = ""


@dataclass(frozen=True, slots=True)
class FinancialImpact:
    """The "Finanzielle Auswirkungen" box of a council paper.

    ``coverage``: ``planned`` (the means are planned in the product), ``partly`` (partly, the rest
    covered by ``covered_by``) or ``none`` (not planned); ``total`` None means no financial
    effect.
    """

    total: Decimal | None
    product: str = ""
    coverage: Literal["planned", "partly", "none"] = "planned"
    covered_by: str = ""
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Signature:
    """The signature block: who signs, in which office, on whose behalf, where and when."""

    name: str
    office: str
    place: str
    date: dt.date
    #: "In Vertretung", "Im Auftrag" or empty when the head signs.
    on_behalf: str = ""


@dataclass(frozen=True, slots=True)
class Annex:
    """An annex the paper names that is not embedded, e.g. the concept paper."""

    title: str


@dataclass(frozen=True, slots=True, eq=False)
class CouncilPaper:
    """An Informationsvorlage or Geschäftliche Mitteilung for the council about a round.

    Modelled on Kiel's Geschäftliche Mitteilung 0888/2019 and Kreis Soest's Informationsvorlage
    316/2019: basic data, Beratungsfolge, financial effects, Sachverhalt (summary, method,
    criteria and weights, ranking, stability, the board's decisions with every departure from
    the ranking and its explanation), signature and annexes.
    """

    reference: str
    subject: str
    date: dt.date
    lead: str
    method: Method
    ranking: tuple[RankedIdea, ...]
    decisions: tuple[Decision, ...]
    signature: Signature
    kind: str = "Informationsvorlage"
    status: str = "öffentlich"
    involved: tuple[str, ...] = ()
    consultations: tuple[Consultation, ...] = ()
    financial: FinancialImpact = FinancialImpact(total=None)
    summary: str = ""
    stability: str = ""
    figures: tuple[Figure, ...] = ()
    annexes: tuple[Annex, ...] = ()

    def __post_init__(self) -> None:
        if not REFERENCE_PATTERN.fullmatch(self.reference):
            raise InvalidReportData(
                f"The reference number {self.reference!r} is not of the form 0123/2026.",
                hint="Give four digits of the running number, a slash and the year.",
            )
        _require_ranking(self.ranking, self.subject)


@dataclass(frozen=True, slots=True)
class CriterionScore:
    """One criterion of an idea's breakdown: the combined score on the criterion's scale and its
    contribution to the total (weight × normalised score, 0…1)."""

    criterion: str
    weight: float
    score: float | None
    contribution: float


@dataclass(frozen=True, slots=True)
class IdeaBrief:
    """What the board reads about an idea on the agenda."""

    title: str
    summary: str
    org_unit: str
    round: str
    rank: int | None
    ranked: int
    score: float | None
    breakdown: tuple[CriterionScore, ...] = ()
    #: The ranking module's sentence on how firmly the idea holds its place.
    stability: str = ""
    #: Whether the proposed portfolio holds the idea, and if not which limit keeps it out.
    portfolio: str = ""
    cost: Decimal | None = None
    staff_days: float | None = None


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """A point of the agenda (TOP); ``idea`` is set when the board decides on an idea."""

    number: str
    title: str
    purpose: str = "Beschluss"
    presenter: str = ""
    text: str = ""
    idea: IdeaBrief | None = None


@dataclass(frozen=True, slots=True, eq=False)
class MeetingPack:
    """The Sitzungsunterlage of a board meeting: agenda, then per item the idea, its scores and
    breakdown, the stability sentence and its portfolio status."""

    board: str
    title: str
    starts: dt.datetime
    place: str
    items: tuple[AgendaItem, ...]
    figures: tuple[Figure, ...] = ()

    def __post_init__(self) -> None:
        if not self.items:
            raise InvalidReportData(
                f"The meeting {self.title!r} has no agenda items.",
                hint="Put at least one item on the agenda before making its pack.",
            )


@dataclass(frozen=True, slots=True)
class CriterionAgreement:
    """The assessors' agreement on one criterion (Krippendorff's alpha) with its reading."""

    criterion: str
    alpha: float | None
    reading: str


@dataclass(frozen=True, slots=True)
class WeightRange:
    """The range of a weight within which the leading ideas keep their order (0…1)."""

    criterion: str
    lower: float
    current: float
    upper: float


@dataclass(frozen=True, slots=True, eq=False)
class RoundReport:
    """The report of a round: method, full ranking, agreement and stability."""

    round: str
    period: tuple[dt.date, dt.date]
    as_of: dt.date
    method: Method
    ranking: tuple[RankedIdea, ...]
    unranked: tuple[str, ...] = ()
    agreement: tuple[CriterionAgreement, ...] = ()
    #: Kendall's W over all ideas and its reading, when computed.
    order_agreement: tuple[float, str] | None = None
    stability: tuple[str, ...] = ()
    weight_ranges: tuple[WeightRange, ...] = ()
    figures: tuple[Figure, ...] = ()

    def __post_init__(self) -> None:
        _require_ranking(self.ranking, self.round)


@dataclass(frozen=True, slots=True)
class ProjectLine:
    """One project of a wave: its status, progress (0…1), money, staff days and milestones.

    ``status`` is the traffic light in words ("Gelb: gefährdet"), ``reason`` why it is not
    green; ``state`` where the project stands ("Laufend"). ``late`` marks a next milestone past
    its date, ``late_milestones`` counts every milestone that is.
    """

    title: str
    status: str
    lead: str
    progress: float
    budget: Decimal | None = None
    spent: Decimal | None = None
    next_milestone: str = ""
    due: dt.date | None = None
    late: bool = False
    reason: str = ""
    state: str = ""
    staff_days: int | None = None
    staff_days_spent: int | None = None
    late_milestones: int = 0


@dataclass(frozen=True, slots=True)
class Wave:
    """A wave of projects started together."""

    name: str
    period: str
    projects: tuple[ProjectLine, ...]


@dataclass(frozen=True, slots=True, eq=False)
class ProjectReport:
    """The status of the projects on ``as_of``, by wave."""

    title: str
    as_of: dt.date
    waves: tuple[Wave, ...]
    figures: tuple[Figure, ...] = ()

    @property
    def projects(self) -> tuple[ProjectLine, ...]:
        """Return the projects of every wave, wave by wave."""
        return tuple(project for wave in self.waves for project in wave.projects)


Document: TypeAlias = CouncilPaper | MeetingPack | RoundReport | ProjectReport


def _require_ranking(ranking: tuple[RankedIdea, ...], subject: str) -> None:
    # A round without scores has no ranking; a paper about it would report nothing.
    if not ranking:
        raise InvalidReportData(
            f"{subject!r} has no ranked ideas.",
            hint="Documents about a round can be made once its ideas are scored and ranked.",
        )


def _logo_type(logo: bytes) -> str:
    if len(logo) > MAX_LOGO_BYTES:
        raise InvalidLogo(
            f"The logo has {len(logo):,} bytes; at most {MAX_LOGO_BYTES:,} are accepted.",
            hint="Use a smaller PNG or an SVG of the coat of arms.",
        )
    for signature, media_type in _SIGNATURES:
        if logo.startswith(signature):
            return media_type
    head = logo[:1024].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in head):
        return "image/svg+xml"
    raise InvalidLogo(
        "The logo is not a PNG, JPEG or SVG image.",
        hint="Upload the municipality's logo as PNG, JPEG or SVG.",
    )
