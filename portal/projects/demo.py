"""The demo's projects: two waves, the Ki:GO roles, and a project for each approving decision of
the demo board, in every state and traffic light, with team, milestones (some done, some late),
tasks, progress updates, money and staff days spent, and an evaluated one with indicators.

Projects come only from decisions on the record, made the day after the board released them; the
plans in `demo.toml` beside this file are found by the idea's title. An approved idea without a
plan becomes a planned project of the second wave.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, OrgUnit, User
from portal.board.models import Decision
from portal.core.models import utcnow
from portal.extensions import db
from portal.projects.models import Project, ProjectState, TaskState, Traffic, Wave, WaveState
from portal.projects.services import evaluation, feed, projects, reporting, waves, work

DATA = Path(__file__).with_name("demo.toml")
#: The plan of an approved idea that `demo.toml` does not name.
UNPLANNED: dict[str, Any] = {"wave": 2, "state": "planned", "start": 100, "days": 365}


def load(municipality: Municipality) -> dict[str, int]:
    """Create the demo waves and a project for each approving decision; return counts."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    users = {user.email: user for user in db.session.scalars(select(User))}
    moderator = users[email_of("moderation")]
    units = {unit.code: unit.id for unit in db.session.scalars(select(OrgUnit))}
    today = utcnow().date()
    made_waves = [
        waves.save_wave(
            None,
            waves.WaveData(
                entry["name"],
                today + timedelta(days=entry["start"]),
                today + timedelta(days=entry["evaluation"]),
                WaveState(entry["state"]),
                entry["description"],
                frozenset(units[code] for code in entry["dezernate"]),
            ),
            moderator,
        )
        for entry in data["wave"]
    ]
    waves.ensure_default_roles()
    roles = {role.name: role.id for role in projects.active_roles()}
    plans = {entry["title"]: entry for entry in data["project"]}
    made = 0
    for decision in feed.waiting_decisions():
        plan = plans.get(decision.idea.title, UNPLANNED)
        wave = made_waves[plan["wave"] - 1]
        project = _project(decision, plan, wave, users, roles, moderator, today)
        _carry_out(project, plan, users, today)
        made += 1
    return {"waves": len(made_waves), "projects": made}


def _project(
    decision: Decision,
    plan: dict[str, Any],
    wave: Wave,
    users: dict[str, User],
    roles: dict[str, int],
    moderator: User,
    today: date,
) -> Project:
    """Make the project of *decision* as the moderator did the day after its release."""
    assert decision.released_at is not None
    start = today + timedelta(days=plan["start"])
    data = projects.defaults_for(decision, start)
    data.wave_id = wave.id
    data.ends_on = start + timedelta(days=plan["days"])
    # The evaluation follows a month after the end unless the plan says when.
    evaluation_day = plan.get("evaluation")
    data.evaluation_on = (
        today + timedelta(days=evaluation_day)
        if evaluation_day is not None
        else data.ends_on + timedelta(days=30)
    )
    data.team = [(users[email_of(key)].id, roles[role]) for key, role in plan.get("team", [])]
    return projects.create_project(
        decision, data, moderator, at=decision.released_at + timedelta(days=1)
    )


def _carry_out(project: Project, plan: dict[str, Any], users: dict[str, User], today: date) -> None:
    """Let the owner of *project* plan and report its work as far as *plan* has come."""
    owner = project.owner
    state = ProjectState(plan["state"])
    now = utcnow()

    def day(offset: int) -> date:
        return today + timedelta(days=offset)

    if state is not ProjectState.PLANNED:
        projects.move(project, ProjectState.RUNNING, owner)
    for title, due, *done in plan.get("milestones", []):
        milestone = work.add_milestone(project, title, day(due), owner)
        if done:
            work.mark_milestone(project, milestone.id, day(done[0]), owner)
    for title, assignee, due, task_state in plan.get("tasks", []):
        task = work.add_task(
            project, work.TaskData(title, users[email_of(assignee)].id, day(due)), owner
        )
        if task_state != TaskState.OPEN.value:
            work.move_task(project, task.id, TaskState(task_state), owner)
    updates = plan.get("updates", [])
    for number, (offset, text) in enumerate(updates, start=1):
        last = number == len(updates)
        reporting.report(
            project,
            reporting.StatusData(
                Traffic(plan["traffic"]) if last else Traffic.GREEN,
                plan["progress"] * number // len(updates),
                plan.get("reason", "") if last else "",
                text,
            ),
            owner,
            at=now + timedelta(days=offset),
        )
    budget_share, days_share = plan.get("spent", (0, 0))
    projects.record_spent(
        project,
        round((project.budget_approved or 0) * budget_share),
        round((project.staff_days_approved or 0) * days_share),
        owner,
    )
    if state in (ProjectState.COMPLETED, ProjectState.EVALUATED):
        projects.move(project, ProjectState.COMPLETED, owner)
    for entry in plan.get("indicators", []):
        indicator = evaluation.add_indicator(
            project,
            evaluation.IndicatorData(
                entry["name"], entry["unit"], entry["baseline"], entry["target"]
            ),
            owner,
        )
        if "measured" in entry:
            evaluation.measure(
                project, indicator.id, entry["measured"], day(entry["on"]), owner, today
            )
    if state is ProjectState.EVALUATED:
        evaluation.close_evaluation(project, plan["report"], owner, at=now - timedelta(days=1))
