"""The demo's projects: two waves, the Ki:GO roles, and a project for each approved decision of
the demo board, in every state, with milestones, tasks, updates and an evaluated one.

Projects come only from decisions on the record; the demo board approves only a few ideas, so
there are as many projects as approving decisions, and the plans below are used in order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, OrgUnit, OrgUnitKind, User
from portal.core.models import utcnow
from portal.extensions import db
from portal.projects.models import ProjectState, TaskState, Traffic, WaveState
from portal.projects.services import evaluation, feed, projects, reporting, waves, work


@dataclass(frozen=True)
class Plan:
    """How far a demo project has come."""

    state: ProjectState
    traffic: Traffic
    progress: int
    reason: str = ""


PLANS = (
    Plan(ProjectState.EVALUATED, Traffic.GREEN, 100),
    Plan(
        ProjectState.RUNNING,
        Traffic.YELLOW,
        45,
        "Die Schnittstelle zum Fachverfahren verzögert sich um sechs Wochen.",
    ),
    Plan(ProjectState.RUNNING, Traffic.GREEN, 60),
    Plan(ProjectState.COMPLETED, Traffic.GREEN, 100),
    Plan(
        ProjectState.RUNNING,
        Traffic.RED,
        20,
        "Die Ausschreibung ist gescheitert und muss wiederholt werden.",
    ),
    Plan(ProjectState.PLANNED, Traffic.GREEN, 0),
)

UPDATES = (
    "Das Projektteam hat sich konstituiert und den Projektauftrag abgestimmt.",
    "Die Anforderungen sind mit den Fachämtern erhoben; **nächster Schritt**: Vergabe.",
    "Der Pilotbetrieb läuft in zwei Sachgebieten; die Rückmeldungen sind überwiegend positiv.",
)


def load(municipality: Municipality) -> dict[str, int]:
    """Create the demo waves and a project for each approving decision; return counts."""
    by_email = {user.email: user for user in db.session.scalars(select(User))}
    moderator = by_email[email_of("moderation")]
    team = [by_email[email_of(key)] for key in ("c.schneider", "l.meier", "s.lehmann")]
    waves.ensure_default_roles()
    roles = projects.active_roles()
    dezernate = list(
        db.session.scalars(
            select(OrgUnit).where(OrgUnit.kind == OrgUnitKind.DEZERNAT).order_by(OrgUnit.code)
        )
    )
    today = utcnow().date()
    first = waves.save_wave(
        None,
        waves.WaveData(
            "Welle 1",
            today - timedelta(days=120),
            today + timedelta(days=10),
            WaveState.RUNNING,
            "Die neuen Rollen starten in den Dezernaten I und II.",
            frozenset(u.id for u in dezernate[:2]),
        ),
        moderator,
    )
    waves.save_wave(
        None,
        waves.WaveData(
            "Welle 2",
            today + timedelta(days=60),
            today + timedelta(days=420),
            WaveState.PLANNED,
            "Nach der Evaluation der ersten Welle folgen die übrigen Dezernate.",
            frozenset(u.id for u in dezernate[2:]),
        ),
        moderator,
    )
    made = 0
    for decision, plan in zip(feed.waiting_decisions(), PLANS, strict=False):
        start = today - timedelta(days=100) if plan.state is not ProjectState.PLANNED else today
        data = projects.defaults_for(decision, start)
        data.wave_id = first.id
        data.team = [(user.id, role.id) for user, role in zip(team, roles, strict=False)]
        project = projects.create_project(decision, data, moderator)
        owner = project.owner
        kickoff = work.add_milestone(
            project, "Projektauftrag abgestimmt", start + timedelta(days=14), owner
        )
        late = work.add_milestone(
            project, "Vergabe abgeschlossen", start + timedelta(days=60), owner
        )
        work.add_milestone(project, "Pilotbetrieb gestartet", start + timedelta(days=150), owner)
        if plan.state is not ProjectState.PLANNED:
            projects.move(project, ProjectState.RUNNING, owner)
            work.mark_milestone(project, kickoff.id, start + timedelta(days=12), owner)
            if plan.traffic is Traffic.GREEN:
                work.mark_milestone(project, late.id, start + timedelta(days=58), owner)
        for number, (title, state) in enumerate(
            [
                ("Projektauftrag schreiben", TaskState.DONE),
                ("Leistungsbeschreibung erstellen", TaskState.IN_PROGRESS),
                ("Schulungskonzept entwerfen", TaskState.OPEN),
                ("Datenschutz-Folgenabschätzung", TaskState.OPEN),
            ]
        ):
            task = work.add_task(
                project,
                work.TaskData(
                    title, team[number % len(team)].id, start + timedelta(days=30 * (number + 1))
                ),
                owner,
            )
            if plan.state is not ProjectState.PLANNED:
                work.move_task(project, task.id, state, owner)
        if plan.state is not ProjectState.PLANNED:
            for number, text in enumerate(UPDATES):
                last = number == len(UPDATES) - 1
                reporting.report(
                    project,
                    reporting.StatusData(
                        plan.traffic if last else Traffic.GREEN,
                        plan.progress if last else plan.progress * (number + 1) // len(UPDATES),
                        plan.reason if last else "",
                        text,
                    ),
                    owner,
                    at=utcnow() - timedelta(days=60 - 25 * number),
                )
        projects.record_spent(
            project,
            (project.budget_approved or 0) * plan.progress // 150,
            plan.progress // 2,
            owner,
        )
        if plan.state in (ProjectState.COMPLETED, ProjectState.EVALUATED):
            projects.move(project, ProjectState.COMPLETED, owner)
            indicator = evaluation.add_indicator(
                project,
                evaluation.IndicatorData("Bearbeitungszeit je Antrag", "Tage", 21, 7),
                owner,
            )
            if plan.state is ProjectState.EVALUATED:
                evaluation.measure(
                    project, indicator.id, 8, today - timedelta(days=3), owner, today
                )
                evaluation.close_evaluation(
                    project,
                    "Die Bearbeitungszeit sank von 21 auf 8 Tage; das Ziel von 7 Tagen ist fast "
                    "erreicht. Die Lösung wird in der zweiten Welle auf weitere Ämter übertragen.",
                    owner,
                )
        made += 1
    return {"waves": 2, "projects": made}
