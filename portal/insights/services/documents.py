"""Documents generated in the background, stored with the hash of their data, released by the
board.

A request never renders a PDF: `request_document` gathers the plain data of the document (a few
queries and the engine's ranking), hashes it and either returns the document already made from
the same data or stores a new one as `queued` and enqueues `start_document`. That job marks it
`running` (a unit of work of its own, so the page can say so) and hands over to
`render_document`, which gathers the data again, draws the figures as SVG (Kaleido, kept running
by the job consumer), renders the PDF and stores it with the state `ready` and the hash of the
data it actually read, in one transaction. If the data changed while the job waited, the stored
hash says which data the PDF shows. A failure stores `failed` with a message and no file; a
moderator or board member may try again.

Who: board members and moderators generate documents and see all of them; only board members
release one; everybody else sees released documents only (403 otherwise).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, distinct, func, select
from sqlalchemy.orm import joinedload, undefer

import reports
from portal.accounts.models import OrgUnit, Role, User
from portal.board.models import Decision
from portal.core.errors import Conflict, DomainError, Forbidden, NotFound
from portal.core.jobs import enqueue, job
from portal.core.models import utcnow
from portal.core.registry import Link
from portal.extensions import db
from portal.ideas.models import idea_org_unit
from portal.insights.models import DocumentKind, DocumentState, GeneratedDocument
from portal.insights.services import dashboards, letterhead
from portal.notifications.services import notify
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    Round,
    WeightingMethod,
)
from portal.rounds.services import ranking

log = logging.getLogger(__name__)
K = DocumentKind
S = DocumentState

#: Who generates documents and reads them before they are released.
MANAGERS = frozenset({Role.BOARD_MEMBER, Role.MODERATOR})
#: The documents made from a round.
ROUND_KINDS = (K.COUNCIL_PAPER, K.ROUND_REPORT)
#: The documents' figures are this wide in the PDF (points of the SVG).
FIGURE_WIDTH = 760

READY = "insights.document_ready"
FAILED = "insights.document_failed"


class DocumentRefused(DomainError):
    """The document cannot be made from what was asked; the message says why."""

    status_code = 422


def may_manage(user: User) -> bool:
    """Tell whether *user* generates documents and reads unreleased ones."""
    return bool(MANAGERS & set(user.roles))


def may_release(user: User) -> bool:
    """Tell whether *user* may release documents: board members only."""
    return Role.BOARD_MEMBER in user.roles


def _visible(user: User) -> Select[GeneratedDocument]:
    statement = select(GeneratedDocument)
    if not may_manage(user):
        statement = statement.where(GeneratedDocument.released_at.is_not(None))
    return statement


def documents_for(user: User) -> list[GeneratedDocument]:
    """Return the documents *user* may see, newest first, with their rounds."""
    return list(
        db.session.scalars(
            _visible(user)
            .options(joinedload(GeneratedDocument.round))
            .order_by(GeneratedDocument.id.desc())
            .limit(100)
        )
    )


def get_document(document_id: int, user: User, *, with_pdf: bool = False) -> GeneratedDocument:
    """Return document *document_id* if *user* may see it (404 if unknown, 403 if unreleased)."""
    statement = select(GeneratedDocument).where(GeneratedDocument.id == document_id)
    if with_pdf:
        statement = statement.options(undefer(GeneratedDocument.pdf))
    document = db.session.scalar(statement)
    if document is None:
        raise NotFound(_("There is no such document."))
    if document.released_at is None and not may_manage(user):
        raise Forbidden(
            _("This document has not been released yet; the board releases it for all staff.")
        )
    return document


def rounds_to_report() -> list[Round]:
    """Return the rounds a document can be asked for: those with a ranking phase."""
    return list(
        db.session.scalars(
            select(Round).where(Round.phase.in_(ranking.RANKED_PHASES)).order_by(Round.id.desc())
        )
    )


# --- the data of a document ------------------------------------------------------------------


@dataclass(frozen=True)
class RoundSource:
    """The plain data of a document about a round; the figures are drawn from `data`."""

    kind: DocumentKind
    round_id: int
    round_name: str
    period: tuple[dt.date, dt.date]
    method: reports.Method
    ranking_rows: tuple[reports.RankedIdea, ...]
    unranked: tuple[str, ...]
    stability: str
    agreement: tuple[reports.CriterionAgreement, ...]
    #: The board's released decisions on the round's ideas, with every departure explained.
    decisions: tuple[reports.Decision, ...]
    #: What the ideas of the portfolio proposal would cost, by their own estimates.
    financial: reports.FinancialImpact
    letterhead: dict[str, str]
    #: The digest of everything the ranking depends on, and whether its analyses were done.
    inputs_digest: str
    analysed: bool

    def digest(self) -> str:
        """Return the SHA-256 of the data (what decides whether a document is made again)."""
        text = json.dumps(asdict(self), default=str, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


def _scale(criteria: tuple[ranking.RankedCriterion, ...]) -> str:
    """Describe the rating scales for "… auf einer Skala von <scale> bewertet"."""
    rated = [c for c in criteria if not c.from_idea]
    if not rated:
        return "Schätzungen der Ideen"
    low = format_decimal(min(c.scale.low for c in rated), locale="de")
    high = format_decimal(max(c.scale.high for c in rated), locale="de")
    return (
        f"{low} bis {high}, jede Stufe je Kriterium in einem Satz beschrieben (Kosten und "
        "Aufwand aus den Schätzungen der Ideen)"
    )


def _method(data: dashboards.RankingData) -> reports.Method:
    found = db.session.get(Catalogue, data.state.catalogue_id)
    weighting = (
        "die Lenkungsgruppe durch paarweisen Vergleich (AHP, geometrisches Mittel der Urteile)"
        if found is not None and found.weighting is WeightingMethod.AHP
        else "die Lenkungsgruppe durch Vergabe von 100 Punkten"
    )
    return reports.Method(
        criteria=tuple(
            reports.Criterion(c.name, c.weight, "benefit" if c.benefit else "cost")
            for c in data.state.criteria
        ),
        scale=_scale(data.state.criteria),
        assessors=_assessors(data.state.round_id),
        weighting=weighting,
        aggregation=(
            "Je Idee und Kriterium der Mittelwert der abgegebenen Bewertungen (mindestens "
            f"{data.state.min_assessors} je Idee), auf die Skala normiert und mit den "
            "Gewichten zur Gesamtpunktzahl (0 bis 100) summiert."
        ),
    )


def _assessors(round_id: int) -> int:
    """Return how many assessors submitted an assessment in round *round_id*."""
    return (
        db.session.scalar(
            select(func.count(distinct(Assignment.assessor_id))).where(
                Assignment.round_id == round_id, Assignment.state == AssignmentState.SUBMITTED
            )
        )
        or 0
    )


def _ranking_rows(data: dashboards.RankingData) -> tuple[reports.RankedIdea, ...]:
    units: dict[int, list[str]] = {}
    for idea_id, code in db.session.execute(
        select(idea_org_unit.c.idea_id, OrgUnit.code)
        .join(OrgUnit, OrgUnit.id == idea_org_unit.c.org_unit_id)
        .where(idea_org_unit.c.idea_id.in_(data.state.idea_ids))
        .order_by(OrgUnit.code)
    ):
        units.setdefault(idea_id, []).append(code)
    rows = []
    for i in data.ranked.order:
        idea = data.state.ideas[i]
        cost = data.estimates.get(idea.id, (None, None))[0]
        rows.append(
            reports.RankedIdea(
                rank=int(data.ranked.ranks[i]),
                title=data.title(i),
                score=float(data.ranked.scores[i]),
                org_unit=", ".join(units.get(idea.id, [])),
                cost=Decimal(cost) if cost is not None else None,
                in_portfolio=idea.id in data.portfolio,
            )
        )
    return tuple(rows)


def _stability(data: dashboards.RankingData) -> str:
    part = data.found.part("acceptability")
    if not part or "error" in part or not part["rows"]:
        return ""
    titles = data.titles
    first = part["rows"][0]
    share = reports.format_share(first["p"][0], "de")
    return (
        f"Werden die Gewichte zufällig um bis zu {round(part['spread'] * 100)} % verändert "
        f"({reports.format_number(part['samples'], 'de')} Ziehungen, Startwert {part['seed']}), "
        f"liegt „{titles[first['idea']]}“ in {share} der Fälle auf Platz 1."
    )


def _agreement(data: dashboards.RankingData) -> tuple[reports.CriterionAgreement, ...]:
    part = data.found.part("agreement")
    if not part or "error" in part:
        return ()
    found = []
    for criterion, entry in zip(data.state.criteria, part["criteria"], strict=True):
        if criterion.from_idea:
            continue
        alpha = entry["alpha"]
        reading = (
            "keine Angabe"
            if alpha is None
            else "gut"
            if alpha >= 0.8
            else "vorläufig"
            if alpha >= 0.667
            else "schwach"
        )
        found.append(reports.CriterionAgreement(criterion.name, alpha, reading))
    return tuple(found)


def _financial(round_: Round, data: dashboards.RankingData) -> reports.FinancialImpact:
    """Return the costs of the portfolio proposal by the ideas' estimates; none without one."""
    costs = [data.estimates.get(idea_id, (None, None))[0] for idea_id in data.portfolio]
    if not costs:
        return reports.FinancialImpact(total=None)
    budget = (
        f" (Budget der Runde: {format_decimal(round_.budget_euros, locale='de')} €)"
        if round_.budget_euros is not None
        else ""
    )
    return reports.FinancialImpact(
        total=Decimal(sum(cost or 0 for cost in costs)),
        coverage="none",
        explanation=(
            f"Summe der geschätzten Kosten der {len(costs)} Ideen des Portfolio-Vorschlags"
            f"{budget}. Die Mittel werden mit den Beschlüssen über die einzelnen Vorhaben "
            "eingeplant."
        ),
    )


def _decisions(round_: Round) -> tuple[reports.Decision, ...]:
    """Return the board's released decisions on the ideas of *round_*, in their order."""
    rows = db.session.scalars(
        select(Decision)
        .where(Decision.round_id == round_.id, Decision.released_at.is_not(None))
        .options(joinedload(Decision.board), joinedload(Decision.idea))
        .order_by(Decision.year, Decision.number)
    )
    return tuple(
        reports.Decision(
            number=row.reference,
            title=row.idea.title,
            outcome=str(row.outcome.label),
            reason=" ".join(part for part in (row.reason, row.conditions) if part),
            rank=row.rank,
            departs=row.departs,
            explanation=row.explanation,
        )
        for row in rows
    )


def round_source(
    kind: DocumentKind, round_: Round, reader: User | None
) -> tuple[RoundSource, dashboards.RankingData]:
    """Gather the data of document *kind* about *round_*, the portfolio proposal as *reader*
    sees it (refused, in the reader's language, if the round has no ranking).

    The document's texts are German whatever the reader's language, so that the data, and its
    hash, are the same for every reader and for the job."""
    try:
        data = dashboards.ranking_data(round_, reader)
    except ranking.RankingUnavailable as refused:
        raise DocumentRefused(
            _(
                "A document about “%(round)s” needs a ranking: %(reason)s",
                round=round_.name,
                reason=refused.message,
            )
        ) from refused
    if not data.state.ideas:
        raise DocumentRefused(
            _(
                "“%(round)s” has no scored ideas yet; documents about a round can be made once "
                "its ideas are scored and ranked.",
                round=round_.name,
            )
        )
    with force_locale("de"):
        return _round_source(kind, round_, data), data


def _round_source(kind: DocumentKind, round_: Round, data: dashboards.RankingData) -> RoundSource:
    created = round_.created_at.date()
    return RoundSource(
        kind=kind,
        round_id=round_.id,
        round_name=round_.name,
        period=(created, round_.decide_until or round_.score_until or created),
        method=_method(data),
        ranking_rows=_ranking_rows(data),
        unranked=tuple(u.idea.title for u in data.state.unranked),
        stability=_stability(data),
        agreement=_agreement(data),
        decisions=_decisions(round_),
        financial=_financial(round_, data),
        letterhead=letterhead.fingerprint(letterhead.letterhead()),
        inputs_digest=data.state.digest,
        analysed=data.found.done,
    )


# --- asking for a document -------------------------------------------------------------------


def _title(kind: DocumentKind, round_: Round) -> str:
    return f"{kind.label}: {round_.name}"


def request_document(kind: DocumentKind, round_id: int, user: User) -> GeneratedDocument:
    """Return the document *kind* about round *round_id* made from the current data, queuing
    its generation unless one of the same data exists (ready, queued or being generated)."""
    if not may_manage(user):
        raise Forbidden(_("Documents are generated by board members and moderators."))
    round_ = db.session.get(Round, round_id)
    if round_ is None:
        raise DocumentRefused(_("Choose one of the rounds offered."))
    source, _data = round_source(kind, round_, user)
    digest = source.digest()
    existing = db.session.scalar(
        select(GeneratedDocument)
        .where(
            GeneratedDocument.kind == kind,
            GeneratedDocument.round_id == round_.id,
            GeneratedDocument.data_hash == digest,
            GeneratedDocument.state != S.FAILED,
        )
        .order_by(GeneratedDocument.id.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    document = GeneratedDocument(
        kind=kind,
        round_id=round_.id,
        state=S.QUEUED,
        data_hash=digest,
        title=_title(kind, round_),
        requested_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    enqueue(start_document, document.id)
    return document


def _require_version(document: GeneratedDocument, lock_version: int | None) -> None:
    if lock_version != document.lock_version:
        raise Conflict(
            _("The document has changed since you opened the page. Please look at it again.")
        )


def retry(document: GeneratedDocument, user: User, lock_version: int | None) -> None:
    """Queue a failed document again."""
    if not may_manage(user):
        raise Forbidden(_("Documents are generated by board members and moderators."))
    _require_version(document, lock_version)
    if document.state is not S.FAILED:
        raise Conflict(_("Only a document whose generation failed can be tried again."))
    document.state = S.QUEUED
    document.error = ""
    document.requested_by_id = user.id
    db.session.flush()
    enqueue(start_document, document.id)


def check_release(document: GeneratedDocument, user: User, lock_version: int | None) -> None:
    """Refuse releasing *document* unless a board member releases a ready, unreleased one."""
    if not may_release(user):
        raise Forbidden(_("Only board members release documents."))
    _require_version(document, lock_version)
    if document.state is not S.READY:
        raise Conflict(_("Only a generated document can be released."))
    if document.released_at is not None:
        raise Conflict(_("This document has already been released."))


def release(document: GeneratedDocument, user: User, lock_version: int | None) -> None:
    """Release *document* for all staff."""
    check_release(document, user, lock_version)
    document.released_at = utcnow()
    document.released_by_id = user.id
    db.session.flush()


# --- the jobs --------------------------------------------------------------------------------


@job(retries=2, retry_delay=10)
def start_document(document_id: int) -> None:
    """Mark document *document_id* as being generated and hand it to `render_document`."""
    document = db.session.get(GeneratedDocument, document_id)
    if document is None or document.state is not S.QUEUED:
        return
    document.state = S.RUNNING
    document.started_at = utcnow()
    enqueue(render_document, document.id)


@job(retries=0)
def render_document(document_id: int) -> None:
    """Render document *document_id* and store it as ready, or as failed with the reason."""
    document = db.session.get(GeneratedDocument, document_id)
    if document is None or document.state is not S.RUNNING:
        return
    requester = document.requested_by
    try:
        pdf, digest = _render(document)
    except (reports.ReportError, DomainError) as refused:
        hint = getattr(refused, "hint", "")
        message = refused.message if isinstance(refused, DomainError) else str(refused)
        _fail(document, requester, f"{message} {hint}".strip())
        return
    except Exception:
        log.exception("Document %s could not be generated", document_id)
        _fail(document, requester, "unexpected")
        return
    document.pdf = pdf
    document.size = len(pdf)
    document.data_hash = digest
    document.state = S.READY
    document.finished_at = utcnow()
    if requester is not None:
        notify(
            [requester],
            READY,
            {"title": document.title},
            Link("insights.document", {"document_id": document.id}),
        )


def _fail(document: GeneratedDocument, requester: User | None, message: str) -> None:
    document.state = S.FAILED
    document.error = message
    document.finished_at = utcnow()
    if requester is not None:
        notify(
            [requester],
            FAILED,
            {"title": document.title},
            Link("insights.document", {"document_id": document.id}),
        )


def failure_text(document: GeneratedDocument) -> str:
    """Return why *document* failed, in the reader's language where the portal wrote it."""
    if document.error == "unexpected":
        return str(_("An unexpected error stopped the generation; it has been logged."))
    return document.error


def _render(document: GeneratedDocument) -> tuple[bytes, str]:
    """Return the PDF of *document* made from the current data, and that data's hash."""
    round_ = document.round
    if round_ is None:
        raise DocumentRefused(_("The round of this document no longer exists."))
    # The documents are German records whatever the language of who asked for them.
    with force_locale("de"):
        source, data = round_source(document.kind, round_, document.requested_by)
        figures = _figures(document.kind, data)
        found = letterhead.letterhead()
        today = utcnow().date()
        if document.kind is K.COUNCIL_PAPER:
            body: reports.Document = _council_paper(document, source, figures, found, today)
        else:
            body = _round_report(source, figures, today)
        pdf = reports.document_pdf(
            body,
            found,
            attachments=_attachments(source),
            static_folder=Path(current_app.static_folder or ""),
            fonts="vendor/kern/fonts/fira-sans",
        )
    return pdf, source.digest()


def _figures(kind: DocumentKind, data: dashboards.RankingData) -> tuple[reports.Figure, ...]:
    charts = [
        dashboards.ranking_contributions(data, "de", dashboards.RANKING_BARS),
        dashboards.value_effort(data, "de"),
    ]
    heat = dashboards.rank_probabilities(data, "de")
    if heat is not None:
        charts.append(heat)
    return tuple(
        reports.Figure(
            chart.table.caption,
            reports.figure_svg(chart.figure, width=FIGURE_WIDTH),
            chart.table,
        )
        for chart in charts
    )


def _council_paper(
    document: GeneratedDocument,
    source: RoundSource,
    figures: tuple[reports.Figure, ...],
    found: reports.Letterhead,
    today: dt.date,
) -> reports.CouncilPaper:
    issuer = found.issuer or found.municipality
    signer = document.requested_by.name if document.requested_by else issuer
    return reports.CouncilPaper(
        reference=f"{document.id % 10000:04d}/{today.year}",
        subject=f"Ergebnis der Priorisierungsrunde „{source.round_name}“",
        date=today,
        lead=issuer,
        involved=("Lenkungsgruppe",),
        summary=(
            "Mitarbeitende haben Ideen eingereicht, Bewerter:innen haben sie nach "
            "veröffentlichten Kriterien bewertet; die Rangfolge ergibt sich aus den "
            "Bewertungen und den Gewichten der Lenkungsgruppe."
        ),
        method=source.method,
        ranking=source.ranking_rows,
        stability=source.stability,
        decisions=source.decisions,
        financial=source.financial,
        signature=reports.Signature(signer, issuer, found.municipality, today),
        figures=figures,
    )


def _round_report(
    source: RoundSource, figures: tuple[reports.Figure, ...], today: dt.date
) -> reports.RoundReport:
    return reports.RoundReport(
        round=source.round_name,
        period=source.period,
        as_of=today,
        method=source.method,
        ranking=source.ranking_rows,
        unranked=source.unranked,
        agreement=source.agreement,
        stability=(source.stability,) if source.stability else (),
        figures=figures,
    )


def ranking_csv(rows: tuple[reports.RankedIdea, ...]) -> bytes:
    """Return the ranking as CSV (RFC 4180, UTF-8, unformatted values)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["rank", "title", "score", "org_units", "cost_euros"])
    for row in rows:
        writer.writerow(
            [
                row.rank,
                row.title,
                repr(row.score),
                row.org_unit,
                "" if row.cost is None else row.cost,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _attachments(source: RoundSource) -> tuple[reports.Attachment, ...]:
    data: dict[str, Any] = {
        "round": {"id": source.round_id, "name": source.round_name},
        "inputs_digest": source.inputs_digest,
        "criteria": [asdict(c) for c in source.method.criteria],
        "ranking": [asdict(r) for r in source.ranking_rows],
        "unranked": list(source.unranked),
    }
    return (
        reports.Attachment(
            "ranking.json",
            json.dumps(data, default=str, ensure_ascii=False, indent=2).encode("utf-8"),
            "Rangfolge der Runde mit Kriterien und Gewichten (JSON)",
        ),
        reports.Attachment(
            "ranking.csv", ranking_csv(source.ranking_rows), "Rangfolge der Runde (CSV)"
        ),
    )
