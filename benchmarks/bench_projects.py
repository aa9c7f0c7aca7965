"""Benchmark of the portfolio and a project page on SQLite and PostgreSQL.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, user postgres, trust):

    .venv/bin/python -m benchmarks.bench_projects [--requests 30] [--backend sqlite|postgresql]

It builds 2,000 projects, each made from an approving decision of one board on an idea of one
round, in two waves, with 20 tasks (40,000), 10 updates (20,000) and 5 milestones each, some of
them late. The board and the round are made through the services; the ideas, agenda items,
votes, decisions and everything of the projects are written by bulk INSERTs, the same on both
databases. It then requests the portfolio (first and a filtered page) and a project's pages
through Flask's test client and reports median and 90th percentile wall time and the SQL
statements per request (`benchmarks.bench_ideas.measure`).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import insert, select

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ideas import _create_database, measure
from benchmarks.bench_rounds import _users
from config import TestingConfig, normalise_database_url
from portal import create_app
from portal.accounts.models import Municipality, OrgUnit, OrgUnitKind, Role, User
from portal.board.models import AgendaItem, Decision, Vote
from portal.board.services import boards
from portal.core.tenancy import set_tenant
from portal.extensions import db
from portal.ideas.models import Idea
from portal.projects.models import Milestone, ProgressUpdate, Project, Task
from portal.projects.services import waves
from portal.rounds.services import phases

SEED = 20261130
PROJECTS = 2_000
TASKS = 20
UPDATES = 10
MILESTONES = 5
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/wandelwerk_bench_projects"


def _app(url: str) -> Flask:
    instance = Path(tempfile.mkdtemp(prefix="wandelwerk-bench-projects-"))
    return create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=instance))


def _bulk(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert *rows* into the table of *model*; return the ids, in order."""
    connection = db.session.connection()
    before = connection.execute(select(model.id).order_by(model.id.desc()).limit(1)).scalar() or 0
    connection.execute(insert(model.__table__), rows)
    return list(
        connection.execute(select(model.id).where(model.id > before).order_by(model.id)).scalars()
    )


def build(url: str) -> tuple[Flask, int, int, int]:
    """Create the database at *url* afresh and fill it; return the app, the moderator, a
    project and a wave."""
    if url.startswith("postgresql"):
        _create_database(url)
    app = _app(url)
    rng = random.Random(SEED)
    with app.app_context():
        upgrade()
        municipality = db.session.scalar(
            select(Municipality.id).where(Municipality.slug == "default")
        )
        assert municipality is not None
        set_tenant(municipality)
        now = datetime.now(UTC)
        today = now.date()
        unit = OrgUnit(code="Dez. B", name="Benchmark", kind=OrgUnitKind.DEZERNAT)
        db.session.add(unit)
        db.session.flush()
        [moderator_id] = _users(1, "moderation", Role.MODERATOR, [], now)
        people = _users(200, "mitarbeit", Role.EMPLOYEE, [unit.id], now)
        moderator = db.session.get_one(User, moderator_id)
        round_ = phases.create_round(phases.RoundData(name="Benchmark"), moderator)
        board = boards.create_board(
            boards.BoardData(name="Lenkungsgruppe", code="LG", term_start=date(2026, 1, 1)),
            moderator,
        )
        wave_ids = [
            waves.save_wave(
                None, waves.WaveData(f"Welle {n}", date(2026, 1, 1), date(2027, 6, 30)), moderator
            ).id
            for n in (1, 2)
        ]
        base = {"municipality_id": municipality}
        ideas = _bulk(
            Idea,
            [
                base
                | {
                    "author_id": rng.choice(people),
                    "title": f"Vorhaben {n:04d}",
                    "problem": "Problem",
                    "proposal": "Vorschlag",
                    "state": "project",
                    "submitted_at": now,
                }
                for n in range(PROJECTS)
            ],
        )
        items = _bulk(
            AgendaItem,
            [
                base
                | {
                    "board_id": board.id,
                    "kind": "idea",
                    "title": f"Vorhaben {n:04d}",
                    "idea_id": idea,
                    "round_id": round_.id,
                }
                for n, idea in enumerate(ideas)
            ],
        )
        vote_ids = _bulk(
            Vote,
            [
                base
                | {
                    "item_id": item,
                    "mode": "meeting",
                    "motion": "Antrag",
                    "state": "closed",
                    "closed_at": now,
                    "result": "adopted",
                    "yes": 5,
                    "no": 0,
                    "abstain": 0,
                    "eligible": 5,
                    "present": 5,
                }
                for item in items
            ],
        )
        decisions = _bulk(
            Decision,
            [
                base
                | {
                    "board_id": board.id,
                    "year": 2026,
                    "number": n + 1,
                    "vote_id": vote,
                    "idea_id": idea,
                    "round_id": round_.id,
                    "outcome": "approved",
                    "reason": "Gut.",
                }
                for n, (vote, idea) in enumerate(zip(vote_ids, ideas, strict=True))
            ],
        )
        traffic = ["green", "green", "yellow", "red"]
        projects = _bulk(
            Project,
            [
                base
                | {
                    "decision_id": decision,
                    "idea_id": idea,
                    "round_id": round_.id,
                    "wave_id": wave_ids[n % 2],
                    "title": f"Vorhaben {n:04d}",
                    "owner_id": rng.choice(people),
                    "org_unit_id": unit.id,
                    "state": "running",
                    "starts_on": date(2026, 1, 1),
                    "ends_on": date(2027, 1, 1),
                    "budget_approved": 100_000,
                    "staff_days_approved": 200,
                    "traffic": traffic[n % 4],
                    "traffic_reason": "" if traffic[n % 4] == "green" else "Verzug",
                    "progress": n % 101,
                }
                for n, (decision, idea) in enumerate(zip(decisions, ideas, strict=True))
            ],
        )
        for project in projects:
            # Inserted per project to keep the parameter lists short.
            _bulk(
                Task,
                [
                    base
                    | {
                        "project_id": project,
                        "title": f"Aufgabe {n}",
                        "assignee_id": rng.choice(people),
                        "state": ("open", "in_progress", "done")[n % 3],
                        "due_on": today + timedelta(days=n - 5),
                    }
                    for n in range(TASKS)
                ],
            )
            _bulk(
                ProgressUpdate,
                [
                    base
                    | {
                        "project_id": project,
                        "author_id": people[0],
                        "at": now - timedelta(days=UPDATES - n),
                        "body": "Sachstand **gut**.",
                        "traffic": "green",
                        "progress": n * 10,
                    }
                    for n in range(UPDATES)
                ],
            )
            _bulk(
                Milestone,
                [
                    base
                    | {
                        "project_id": project,
                        "title": f"Meilenstein {n}",
                        "due_on": today + timedelta(days=60 * n - 90),
                    }
                    for n in range(MILESTONES)
                ],
            )
        db.session.commit()
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as c:
                c.exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()
    return app, moderator_id, projects[PROJECTS // 2], wave_ids[0]


def _urls(backends: list[str]) -> list[tuple[str, str]]:
    urls = []
    for backend in backends:
        if backend == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="wandelwerk-bench-projects-db-"))
            urls.append((backend, f"sqlite:///{folder / 'bench.db'}"))
        else:
            url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
            urls.append((backend, normalise_database_url(url)))
    return urls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql"], action="append", help="default: both"
    )
    args = parser.parse_args()
    for backend, url in _urls(args.backend or ["sqlite", "postgresql"]):
        start = time.perf_counter()
        app, moderator, project, wave = build(url)
        print(f"\n{backend}: built {PROJECTS} projects in {time.perf_counter() - start:.0f} s")
        pages = [
            # The wave overview reads two waves: the frame every page costs, for scale.
            ("wave overview (for scale)", "/projects/waves"),
            ("portfolio, first page", "/projects/"),
            ("portfolio, one wave, red", f"/projects/?wave={wave}&status=red"),
            ("project page", f"/projects/{project}"),
            ("task board", f"/projects/{project}/tasks"),
        ]
        print(f"{'page':<40}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'CPU ms':>8}")
        for label, median, p90, queries, cpu in measure(app, pages, args.requests, moderator):
            print(f"{label:<40}{median:>10.1f}{p90:>9.1f}{queries:>9}{cpu:>8.1f}")


if __name__ == "__main__":
    main()
