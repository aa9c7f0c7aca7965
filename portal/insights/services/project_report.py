"""The project status report: the municipality's projects by wave (or one wave's, for the
evaluation before the next wave starts), each with its traffic light
and the reason for it, progress, budget and staff days approved against spent, the next
milestone and how many are late; a figure of the statuses by wave, and the report's table as a
CSV file embedded in the PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

import reports
from portal.accounts.models import User
from portal.extensions import db
from portal.insights.models import DocumentKind, GeneratedDocument
from portal.insights.services import letterhead
from portal.insights.services.dashboards import TRAFFIC_COLOURS
from portal.insights.services.sources import Composed, DocumentRefused, Source, Subject, figure
from portal.projects import queries
from portal.projects.models import Milestone, Project, Traffic, Wave
from portal.projects.services import time

#: The columns of the embedded table, one row per project.
COLUMNS = (
    reports.Column("Welle"),
    reports.Column("Projekt"),
    reports.Column("Federführend"),
    reports.Column("Stand"),
    reports.Column("Status"),
    reports.Column("Begründung des Status"),
    reports.Column("Fortschritt", "share"),
    reports.Column("Budget bewilligt", "amount"),
    reports.Column("Budget verausgabt", "amount"),
    reports.Column("Personentage bewilligt", "integer"),
    reports.Column("Personentage geleistet", "integer"),
    reports.Column("Nächster Meilenstein"),
    reports.Column("Fällig am", "date"),
    reports.Column("Überfällige Meilensteine", "integer"),
)


@dataclass(frozen=True)
class PortfolioSource(Source):
    """The plain data of the status report: the waves with their projects, as of a day."""

    municipality: str
    #: The wave the report is about; empty for the whole portfolio.
    wave: str
    #: The day the milestones are counted late from; what is late is hashed, not the day.
    as_of: dt.date = field(compare=False)
    waves: tuple[reports.Wave, ...]
    #: Per wave (in the order of `waves`) how many projects show each traffic light.
    statuses: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    letterhead: dict[str, str]


def waves_to_report() -> list[Wave]:
    """Return the waves that have projects, in the order they start."""
    return list(
        db.session.scalars(
            select(Wave)
            .where(select(Project.id).where(Project.wave_id == Wave.id).exists())
            .order_by(Wave.starts_on, Wave.id)
        )
    )


def subject(kind: DocumentKind, subject_id: int | None, user: User) -> Subject:
    """Return wave *subject_id*, or the municipality's whole portfolio when None, as the
    subject of the report; refuse a wave that does not exist or has no projects."""
    municipality = letterhead.letterhead().municipality
    if subject_id is None:
        if not db.session.scalar(select(func.count(Project.id))):
            raise DocumentRefused(
                _("There are no projects yet; the status report can be made once there are.")
            )
        return Subject(f"{kind.label}: {municipality}")
    wave = db.session.get(Wave, subject_id)
    if wave is None:
        raise DocumentRefused(_("This wave does not exist."))
    if not db.session.scalar(select(func.count(Project.id)).where(Project.wave_id == wave.id)):
        raise DocumentRefused(
            _(
                "The wave “%(name)s” has no projects yet; its report can be made once it has.",
                name=wave.name,
            )
        )
    return Subject(f"{kind.label}: {wave.name} – {municipality}", wave_id=wave.id)


def _period(wave: Wave) -> str:
    units = ", ".join(unit.name for unit in wave.org_units)
    return (
        f"Beginn {reports.format_date(wave.starts_on, 'de')}, Evaluation geplant am "
        f"{reports.format_date(wave.evaluation_on, 'de')} · {wave.state.label}"
        + (f" · {units}" if units else "")
    )


def _line(
    project: Project, upcoming: list[Milestone], late: int, day: dt.date
) -> reports.ProjectLine:
    lead = " · ".join(
        part
        for part in (project.org_unit.name if project.org_unit else "", project.owner.name)
        if part
    )
    following = upcoming[0] if upcoming else None
    return reports.ProjectLine(
        title=project.title,
        status=project.traffic.label,
        lead=lead,
        progress=project.progress / 100,
        budget=Decimal(project.budget_approved) if project.budget_approved is not None else None,
        spent=Decimal(project.budget_spent),
        next_milestone=following.title if following else "",
        due=following.due_on if following else None,
        late=following.late(day) if following else False,
        reason=project.traffic_reason,
        state=project.state.label,
        staff_days=project.staff_days_approved,
        staff_days_spent=project.staff_days_spent,
        late_milestones=late,
    )


def gather(kind: DocumentKind, subject: Subject, reader: User | None) -> PortfolioSource:
    """Gather the status of every project of the subject's wave, or of every project by wave
    (the projects without a wave last)."""
    chosen = select(Project)
    if subject.wave_id is not None:
        chosen = chosen.where(Project.wave_id == subject.wave_id)
    projects = list(
        db.session.scalars(
            chosen.outerjoin(Wave, Wave.id == Project.wave_id)
            .options(
                joinedload(Project.wave).selectinload(Wave.org_units),
                joinedload(Project.org_unit),
                joinedload(Project.owner),
            )
            .order_by(Wave.starts_on.is_(None), Wave.starts_on, Wave.id, Project.title, Project.id)
        )
    )
    if not projects:
        raise DocumentRefused(
            _("There are no projects yet; the status report can be made once there are.")
        )
    day = time.today()
    ids = [p.id for p in projects]
    late = queries.late_milestones(ids, day)
    upcoming: dict[int, list[Milestone]] = {}
    for milestone in db.session.scalars(
        select(Milestone)
        .where(Milestone.project_id.in_(ids), Milestone.done_on.is_(None))
        .order_by(Milestone.due_on, Milestone.id)
    ):
        upcoming.setdefault(milestone.project_id, []).append(milestone)
    with force_locale("de"):
        grouped: dict[int | None, list[Project]] = {}
        for project in projects:
            grouped.setdefault(project.wave_id, []).append(project)
        waves = tuple(
            reports.Wave(
                members[0].wave.name if members[0].wave else "Ohne Welle",
                _period(members[0].wave) if members[0].wave else "noch keiner Welle zugeordnet",
                tuple(_line(p, upcoming.get(p.id, []), late.get(p.id, 0), day) for p in members),
            )
            for members in grouped.values()
        )
        lights = tuple(Traffic)
        return PortfolioSource(
            municipality=letterhead.letterhead().municipality,
            wave=waves[0].name if subject.wave_id is not None else "",
            as_of=day,
            waves=waves,
            statuses=tuple(light.label for light in lights),
            counts=tuple(
                tuple(sum(p.traffic is light for p in members) for light in lights)
                for members in grouped.values()
            ),
            letterhead=letterhead.fingerprint(letterhead.letterhead()),
        )


def table(source: PortfolioSource) -> reports.DataTable:
    """Return the report's projects as one table, the file the PDF embeds."""
    return reports.DataTable(
        "Projekte nach Welle",
        COLUMNS,
        tuple(
            (
                wave.name,
                line.title,
                line.lead,
                line.state,
                line.status,
                line.reason,
                line.progress,
                line.budget,
                line.spent,
                line.staff_days,
                line.staff_days_spent,
                line.next_milestone,
                line.due,
                line.late_milestones,
            )
            for wave in source.waves
            for line in wave.projects
        ),
    )


def compose(
    document: GeneratedDocument,
    source: PortfolioSource,
    letterhead: reports.Letterhead,
    today: dt.date,
) -> Composed:
    """Return the status report made from *source*, with its figure and its table as CSV."""
    chart = reports.project_status_by_wave(
        reports.ProjectStatusByWave(
            waves=tuple(wave.name for wave in source.waves),
            statuses=source.statuses,
            counts=source.counts,
            colours=tuple(TRAFFIC_COLOURS[light] for light in Traffic),
        ),
        reports.ChartTexts("Projekte je Welle nach Status", "Welle", "Projekte"),
        "de",
    )
    body = reports.ProjectReport(
        title=" – ".join(
            part for part in ("Stand der Projekte", source.wave, source.municipality) if part
        ),
        as_of=source.as_of,
        waves=source.waves,
        figures=(figure(chart),),
    )
    return Composed(
        body,
        (
            reports.Attachment(
                "projekte.csv",
                table(source).to_csv(),
                "Die Projekte des Berichts mit Status, Budget und Personentagen (CSV)",
            ),
        ),
    )
