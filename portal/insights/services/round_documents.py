"""The documents about a round: the council paper and the round report.

Their data is the round's ranking as the dashboards read it (`dashboards.ranking_data`), the
method in words, the board's released decisions and the round's export
(`portal.rounds.services.export`), which both embed as files, byte for byte what
`/rounds/<id>/export.json` and `.zip` hand out, so the paper carries the data it reports.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload

import reports
from portal.accounts.models import OrgUnit, User
from portal.board.models import Decision
from portal.extensions import db
from portal.ideas.models import idea_org_unit
from portal.insights.models import DocumentKind, GeneratedDocument
from portal.insights.services import dashboards, letterhead
from portal.insights.services.sources import (
    Composed,
    DocumentRefused,
    Source,
    Subject,
    figure,
)
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    Round,
    WeightingMethod,
)
from portal.rounds.services import export, ranking

#: What each file of the round's export holds, as the PDF describes it.
EXPORT_FILES = {
    "round.csv": "Runde und Verfahren (CSV)",
    "criteria.csv": "Kriterien mit Richtung, Skala und Gewicht (CSV)",
    "ideas.csv": "Gereihte Ideen (CSV)",
    "scores.csv": "Einzelbewertungen hinter der Rangfolge (CSV)",
    "ranking.csv": "Rangfolge (CSV)",
    "set_apart.csv": "Nicht gereihte Ideen mit Grund (CSV)",
}


@dataclass(frozen=True)
class RoundSource(Source):
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
    #: The SHA-256 of the round's export, which the document embeds.
    export_digest: str
    data: dashboards.RankingData = field(compare=False, repr=False)
    export: dict[str, Any] = field(compare=False, repr=False)


def subject(kind: DocumentKind, subject_id: int | None, user: User) -> Subject:
    """Return round *subject_id* as the subject of a document of *kind*."""
    round_ = db.session.get(Round, subject_id) if subject_id else None
    if round_ is None or round_.phase not in ranking.RANKED_PHASES:
        raise DocumentRefused(_("Choose one of the rounds offered."))
    return Subject(f"{kind.label}: {round_.name}", round_id=round_.id)


def rounds_to_report() -> list[Round]:
    """Return the rounds a document can be asked for: those with a ranking phase."""
    return list(
        db.session.scalars(
            select(Round).where(Round.phase.in_(ranking.RANKED_PHASES)).order_by(Round.id.desc())
        )
    )


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


def stability_sentence(data: dashboards.RankingData, idea_id: int) -> str:
    """Say how firmly idea *idea_id* holds its rank when the board's weights vary: the share
    of the engine's draws that leave it on its place (or, beyond the leading ideas, among
    them); empty while the rank probabilities are not computed."""
    part = data.found.part("acceptability")
    row = data.state.row(idea_id)
    if not part or "error" in part or row is None:
        return ""
    rank = int(data.ranked.ranks[row])
    shares = next((r["p"] for r in part["rows"] if r["idea"] == idea_id), None)
    if shares is not None and rank <= len(shares):
        where = f"auf Platz {rank}"
        share = shares[rank - 1]
    else:
        where = f"unter den ersten {part['ranks']}"
        share = part["top_share"][str(idea_id)]
    return (
        f"Werden die Gewichte zufällig um bis zu {round(part['spread'] * 100)} % verändert "
        f"({reports.format_number(part['samples'], 'de')} Ziehungen, Startwert {part['seed']}), "
        f"liegt „{data.title(row)}“ in {reports.format_share(share, 'de')} der Fälle {where}."
    )


def _stability(data: dashboards.RankingData) -> str:
    """Say how firmly the first idea of the ranking holds its place."""
    if not len(data.ranked.order):
        return ""
    return stability_sentence(data, data.state.ideas[int(data.ranked.order[0])].id)


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


def ranking_of(round_: Round, reader: User | None) -> dashboards.RankingData:
    """Return the ranking of *round_* as the documents read it, the portfolio proposal as
    *reader* sees it; refused, in the reader's language, if the round has no ranked idea."""
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
    return data


def gather(kind: DocumentKind, subject: Subject, reader: User | None) -> RoundSource:
    """Gather the data of document *kind* about the round of *subject*.

    The document's texts are German whatever the reader's language, so that the data, and its
    hash, are the same for every reader and for the job."""
    round_ = db.session.get(Round, subject.round_id) if subject.round_id else None
    if round_ is None:
        raise DocumentRefused(_("The round of this document no longer exists."))
    data = ranking_of(round_, reader)
    found = export.export_of(round_)
    created = round_.created_at.date()
    with force_locale("de"):
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
            export_digest=hashlib.sha256(export.json_file(found)).hexdigest(),
            data=data,
            export=found,
        )


def attachments(source: RoundSource) -> tuple[reports.Attachment, ...]:
    """Return the round's export as the files the document embeds: the JSON and the CSV files
    of the ZIP, byte for byte as they are downloaded."""
    return (
        reports.Attachment(
            export.filename(source.round_id, "json"),
            export.json_file(source.export),
            "Export der Runde zum Nachrechnen der Rangfolge (JSON)",
        ),
        *(
            reports.Attachment(name, data, EXPORT_FILES[name])
            for name, data in export.csv_files(source.export).items()
        ),
    )


def _figures(data: dashboards.RankingData) -> tuple[reports.Figure, ...]:
    charts = [
        dashboards.ranking_contributions(data, "de", dashboards.RANKING_BARS),
        dashboards.value_effort(data, "de"),
    ]
    heat = dashboards.rank_probabilities(data, "de")
    if heat is not None:
        charts.append(heat)
    return tuple(figure(chart) for chart in charts)


def compose(
    document: GeneratedDocument,
    source: RoundSource,
    letterhead: reports.Letterhead,
    today: dt.date,
) -> Composed:
    """Return the council paper or the round report made from *source*."""
    figures = _figures(source.data)
    if document.kind is DocumentKind.COUNCIL_PAPER:
        body: reports.Document = _council_paper(document, source, figures, letterhead, today)
    else:
        body = _round_report(source, figures, today)
    return Composed(body, attachments(source))


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
