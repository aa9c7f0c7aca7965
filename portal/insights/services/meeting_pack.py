"""The meeting pack (Sitzungsunterlage) of a board meeting: the agenda, then per item the idea,
its scores and breakdown, the stability sentence and its portfolio status.

Rank, score, breakdown and portfolio status are the board's own reading of the ranking
(`portal.board.services.standing`), which the meeting page shows beside each item; the weights,
the scores on each criterion's scale and the stability sentence come from the ranking as the
council paper reads it (`round_documents.ranking_of`, `round_documents.stability_sentence`).
The pack embeds the export of each round on its agenda.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

import reports
from portal.accounts.models import User
from portal.board.models import AgendaItem, Board, BoardMember, ItemKind, Meeting
from portal.board.services import access
from portal.board.services.standing import NOT_RANKED, Standing, standings_of
from portal.extensions import db
from portal.ideas.models import Idea
from portal.insights.models import DocumentKind, GeneratedDocument
from portal.insights.services import dashboards, letterhead
from portal.insights.services.round_documents import ranking_of, stability_sentence
from portal.insights.services.sources import (
    Composed,
    DocumentRefused,
    Source,
    Subject,
    figure,
)
from portal.rounds.models import Round
from portal.rounds.services import export

#: What the board does with an item of each kind ("Art" on the agenda).
PURPOSES = {
    ItemKind.IDEA: "Beschluss",
    ItemKind.REPORT: "Kenntnisnahme",
    ItemKind.OTHER: "Beratung",
}


@dataclass(frozen=True)
class MeetingSource(Source):
    """The plain data of the pack of one meeting."""

    meeting_id: int
    board: str
    title: str
    #: The start in the municipality's time zone, as the pack prints it.
    starts: dt.datetime
    place: str
    items: tuple[reports.AgendaItem, ...]
    letterhead: dict[str, str]
    #: The SHA-256 of each agenda round's export, by round id, which the pack embeds.
    export_digests: dict[int, str]
    exports: dict[int, dict[str, Any]] = field(compare=False, repr=False)
    #: The data tables of the charts, which are hashed: the charts plot every idea of a round,
    #: with estimates and portfolio status the items and exports do not hold.
    chart_tables: tuple[reports.DataTable, ...]
    charts: tuple[reports.Chart, ...] = field(compare=False, repr=False)


def _meeting(meeting_id: int | None) -> Meeting | None:
    if not meeting_id:
        return None
    return db.session.scalar(
        select(Meeting).where(Meeting.id == meeting_id).options(joinedload(Meeting.board))
    )


def subject(kind: DocumentKind, subject_id: int | None, user: User) -> Subject:
    """Return meeting *subject_id* as the subject of a pack, if *user* sees its board."""
    meeting = _meeting(subject_id)
    if meeting is None or not access.may_see(meeting.board, user):
        raise DocumentRefused(_("Choose one of the meetings offered."))
    return Subject(f"{kind.label}: {meeting.title}", meeting_id=meeting.id)


def meetings_to_pack(user: User) -> list[Meeting]:
    """Return the meetings whose pack *user* may ask for, the latest first: those of the
    boards *user* sits on or keeps."""
    statement = select(Meeting).join(Board).options(joinedload(Meeting.board))
    if not access.is_keeper(user):
        mine = select(BoardMember.board_id).where(BoardMember.user_id == user.id)
        statement = statement.where(Meeting.board_id.in_(mine))
    return list(db.session.scalars(statement.order_by(Meeting.starts_at.desc()).limit(50)))


def _portfolio(found: Standing) -> str:
    if found.in_portfolio is None:
        return "kein Portfolio-Vorschlag für die Runde"
    return "im Portfolio-Vorschlag" if found.in_portfolio else "nicht im Portfolio-Vorschlag"


def _brief(
    idea: Idea,
    round_: Round,
    found: Standing,
    data: dashboards.RankingData | None,
) -> reports.IdeaBrief:
    """Return what the board reads about *idea* of *round_* on the agenda."""
    row = data.state.row(idea.id) if data is not None else None
    breakdown: tuple[reports.CriterionScore, ...] = ()
    if data is not None and row is not None:
        breakdown = tuple(
            reports.CriterionScore(
                criterion.name,
                float(data.ranked.weights[j]),
                float(data.state.matrix[row, j]),
                share.contribution,
            )
            for j, (criterion, share) in enumerate(
                zip(data.state.criteria, found.breakdown, strict=True)
            )
        )
    return reports.IdeaBrief(
        title=idea.title,
        summary=idea.proposal or idea.problem,
        org_unit=", ".join(unit.name for unit in idea.org_units),
        round=round_.name,
        rank=found.rank,
        ranked=len(data.state.ideas) if data is not None else 0,
        score=found.score,
        breakdown=breakdown,
        stability=stability_sentence(data, idea.id) if data is not None and row is not None else "",
        portfolio=_portfolio(found) if found.rank is not None else "",
        cost=Decimal(idea.cost_euros) if idea.cost_euros is not None else None,
        staff_days=float(idea.effort_days) if idea.effort_days is not None else None,
    )


def _rankings(rounds: list[Round], reader: User | None) -> dict[int, dashboards.RankingData | None]:
    """Return the ranking of each round as the documents read it; None for a round that has
    no ranking yet (its items are then "not ranked")."""
    found: dict[int, dashboards.RankingData | None] = {}
    for round_ in rounds:
        try:
            found[round_.id] = ranking_of(round_, reader)
        except DocumentRefused:
            found[round_.id] = None
    return found


def gather(kind: DocumentKind, subject: Subject, reader: User | None) -> MeetingSource:
    """Gather the data of the pack of the meeting of *subject* (German texts)."""
    meeting = _meeting(subject.meeting_id)
    if meeting is None:
        raise DocumentRefused(_("The meeting of this document no longer exists."))
    items = list(
        db.session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .options(
                joinedload(AgendaItem.idea).selectinload(Idea.org_units),
                joinedload(AgendaItem.round),
            )
            .order_by(AgendaItem.position)
        ).unique()
    )
    if not items:
        raise DocumentRefused(
            _(
                "“%(meeting)s” has no agenda items yet; its pack can be made once items are "
                "on the agenda.",
                meeting=meeting.title,
            )
        )
    rounds = list({item.round.id: item.round for item in items if item.round}.values())
    # The rankings first: reading one stores the round's current state, which the standings
    # then read instead of gathering every score again.
    rankings = _rankings(rounds, reader)
    standings = standings_of(rounds)
    exports = {r.id: export.export_of(r) for r in rounds if rankings[r.id] is not None}
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    with force_locale("de"):
        charts = _charts(rounds, rankings)
        return MeetingSource(
            meeting_id=meeting.id,
            board=meeting.board.name,
            title=meeting.title,
            starts=meeting.starts_at.astimezone(zone).replace(tzinfo=None),
            place=meeting.place or "Videokonferenz",
            items=tuple(
                reports.AgendaItem(
                    number=str(item.position),
                    title=item.title,
                    purpose=PURPOSES[item.kind],
                    text=item.notes,
                    idea=_brief(
                        item.idea,
                        item.round,
                        standings[item.round.id].get(item.idea.id, NOT_RANKED),
                        rankings[item.round.id],
                    )
                    if item.idea is not None and item.round is not None
                    else None,
                )
                for item in items
            ),
            letterhead=letterhead.fingerprint(letterhead.letterhead()),
            export_digests={
                round_id: hashlib.sha256(export.json_file(found)).hexdigest()
                for round_id, found in exports.items()
            },
            exports=exports,
            chart_tables=tuple(chart.table for chart in charts),
            charts=charts,
        )


def _charts(
    rounds: list[Round], rankings: dict[int, dashboards.RankingData | None]
) -> tuple[reports.Chart, ...]:
    """Return the value and effort of the ideas of each agenda round that has estimates, with
    the portfolio proposal marked (German texts)."""
    return tuple(
        dashboards.value_effort(ranked, "de", title=f"Wert und Aufwand – {round_.name}")
        for round_ in rounds
        if (ranked := rankings[round_.id]) is not None
        and any(cost is not None and days is not None for cost, days in ranked.estimates.values())
    )


def compose(
    document: GeneratedDocument,
    source: MeetingSource,
    letterhead: reports.Letterhead,
    today: dt.date,
) -> Composed:
    """Return the pack made from *source*: after the agenda the value and effort of the ideas
    of each round on it, with the portfolio proposal marked; the export of each round
    embedded."""
    body = reports.MeetingPack(
        board=source.board,
        title=source.title,
        starts=source.starts,
        place=source.place,
        items=source.items,
        figures=tuple(figure(chart) for chart in source.charts),
    )
    return Composed(
        body,
        tuple(
            reports.Attachment(
                export.filename(round_id, "json"),
                export.json_file(found),
                f"Export der Runde „{found['round']['name']}“ zum Nachrechnen der Rangfolge (JSON)",
            )
            for round_id, found in source.exports.items()
        ),
    )
