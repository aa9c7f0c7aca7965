"""Benchmark of the dashboards over 100,000 ideas on SQLite and PostgreSQL.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, user postgres, trust):

    .venv/bin/python -m benchmarks.bench_dashboards [--requests 20] [--backend sqlite|postgresql]

It builds the scored round of `benchmarks.bench_rounds` (2,000 ideas with cost and effort
estimates, 12 criteria, 30 assessors; made through the services) in its decide phase, computes
its analyses as the jobs do, and adds by bulk INSERTs the rest of a municipality of 100,000 ideas:
20,000 staff in 40 offices, ideas in every state (most submitted or screened, few decided or
projects) spread over seven fields of action (some far more popular than others) and three
years, 300,000 supports and 100,000 comments skewed towards popular ideas, and 120 projects in
two waves with 600 milestones, some late. Then it requests, signed in as the round's moderator
through Flask's test client, the overall dashboard, the round's dashboard and the help page (a
page without data, for scale) and reports the median and 90th percentile wall time and the SQL
statements per request. ``--profile N`` prints where N more requests of the round's dashboard
spend their time (cProfile). ``--keep`` reuses the data of an earlier run (SQLite: the file
``wandelwerk-bench-dashboards.db`` in the temporary folder) and only applies newer migrations.
``BENCH_DATABASE_URL`` points the PostgreSQL run to another server (a database URL whose
database name it may drop and create).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from flask_migrate import upgrade
from sqlalchemy import func, insert, select, update

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ideas import measure, signed_in_client
from benchmarks.bench_rounds import ROUND_NAME, build_round
from config import TestingConfig, normalise_database_url
from portal import create_app
from portal.accounts.models import Municipality, OrgUnit, OrgUnitKind, User, UserRole
from portal.board.models import AgendaItem, Board, Decision, Vote
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.ideas.models import Comment, FieldOfAction, Idea, Support, idea_org_unit
from portal.ideas.services import participation
from portal.projects.models import Milestone, Project, Wave
from portal.rounds.models import RankingAnalysis, Round, RoundPhase
from portal.rounds.services import analysis

SEED = 20261201
IDEAS = 100_000
STAFF = 20_000
OFFICES = 40
SUPPORTS = 300_000
COMMENTS = 100_000
PROJECTS = 120
MILESTONES = 5
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/wandelwerk_bench_dashboards"
FIELDS = (
    ("Digitale Verwaltung", 30), ("Bürger-Services", 25), ("Arbeiten 4.0", 15),
    ("Klima und Energie", 12), ("Mobilität", 8), ("Personal", 6), ("Finanzen", 4),
)  # fmt: skip
#: States of the ideas outside the round, by share: most wait or were screened.
STATES = (
    ("submitted", 34), ("screening", 18), ("accepted", 16), ("declined", 12),
    ("merged", 3), ("scored", 7), ("decided", 6), ("project", 4),
)  # fmt: skip
#: The first day of the three years the ideas were submitted in.
SINCE = datetime(2024, 1, 1, tzinfo=UTC)
DAYS = 3 * 365


def _bulk(table: Any, rows: list[dict[str, Any]], chunk: int = 20_000) -> None:
    connection = db.session.connection()
    for start in range(0, len(rows), chunk):
        connection.execute(insert(table), rows[start : start + chunk])


def _next_id(model: Any) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def _fill(municipality: int, round_id: int, moderator_id: int) -> None:
    """Add staff, the ideas outside the round, supports, comments and projects."""
    rng = random.Random(SEED)
    base = {"municipality_id": municipality}
    dezernat = OrgUnit(code="Dez. S", name="Stadt", kind=OrgUnitKind.DEZERNAT)
    db.session.add(dezernat)
    db.session.flush()
    offices = [
        OrgUnit(code=f"Amt {n}", name=f"Amt {n}", kind=OrgUnitKind.AMT, parent=dezernat)
        for n in range(10, 10 + OFFICES)
    ]
    fields = [FieldOfAction(name=name) for name, _share in FIELDS]
    db.session.add_all(offices + fields)
    db.session.flush()
    office_ids = [office.id for office in offices]
    # Offices differ in size: the largest has about ten times the staff of the smallest.
    office_weights = [1 + 9 * rng.random() for _ in offices]
    now = datetime.now(UTC)
    first_user = _next_id(User)
    staff = list(range(first_user, first_user + STAFF))
    unit_of = {i: rng.choices(office_ids, office_weights)[0] for i in staff}
    _bulk(
        User.__table__,
        [
            base
            | {
                "id": i,
                "email": f"person{i}@bench.example",
                "name": f"Person {i}",
                "org_unit_id": unit_of[i],
                "locale": "de",
                "active": rng.random() > 0.03,
                "password_hash": "-",
                "must_change_password": False,
                "created_at": now,
                "updated_at": now,
            }
            for i in staff
        ],
    )
    _bulk(UserRole.__table__, [{"user_id": i, "role": "employee"} for i in staff])

    round_ideas = list(db.session.scalars(select(Idea.id).order_by(Idea.id)))
    # The round's ideas carry estimates, so the value-and-effort chart has a bubble each.
    connection = db.session.connection()
    for idea in round_ideas:
        connection.execute(
            update(Idea.__table__)
            .where(Idea.__table__.c.id == idea)
            .values(
                cost_euros=rng.choice((5, 12, 25, 40, 80, 150)) * 1000,
                effort_days=rng.randint(5, 200),
                field_of_action_id=rng.choices([f.id for f in fields], [s for _, s in FIELDS])[0],
                submitted_at=SINCE + timedelta(days=rng.randrange(DAYS)),
            )
        )
    first = _next_id(Idea)
    ids = list(range(first, first + IDEAS - len(round_ideas)))
    states = rng.choices([s for s, _ in STATES], [w for _, w in STATES], k=len(ids))
    field_ids = rng.choices(
        [f.id for f in fields] + [None], [s for _, s in FIELDS] + [3], k=len(ids)
    )
    # Submissions grow over the three years, as the portal becomes known.
    days = sorted(int(DAYS * rng.random() ** 0.7) for _ in ids)
    authors = [rng.choice(staff) for _ in ids]
    _bulk(
        Idea.__table__,
        [
            base
            | {
                "id": i,
                "author_id": author,
                "author_org_unit_id": unit_of[author],
                "state": state,
                "title": f"Idee {i}",
                "problem": "Anträge kommen auf Papier und werden abgetippt.",
                "proposal": "Wir schlagen eine digitale Lösung vor.",
                "benefit_citizens": "",
                "benefit_staff": "",
                "field_of_action_id": field,
                "author_public": False,
                "decline_reason": "Doppelt." if state == "declined" else None,
                "merged_into_id": round_ideas[0] if state == "merged" else None,
                "support_count": 0,
                "comment_count": 0,
                "submitted_at": SINCE + timedelta(days=day, minutes=rng.randrange(600)),
                "created_at": SINCE + timedelta(days=day),
                "updated_at": SINCE + timedelta(days=day),
            }
            for i, author, state, field, day in zip(
                ids, authors, states, field_ids, days, strict=True
            )
        ],
    )
    every = round_ideas + ids
    _bulk(idea_org_unit, [{"idea_id": i, "org_unit_id": rng.choice(office_ids)} for i in ids])

    weights = [1 / (rank + 1) ** 0.8 for rank in range(len(every))]
    rng.shuffle(weights)
    submitted = {i: SINCE + timedelta(days=d) for i, d in zip(ids, days, strict=True)}
    pairs: set[tuple[int, int]] = set()
    for idea in rng.choices(every, weights, k=SUPPORTS * 11 // 10):
        pairs.add((idea, rng.choice(staff)))
        if len(pairs) == SUPPORTS:
            break

    def after(idea: int) -> datetime:
        start = submitted.get(idea, SINCE)
        return start + timedelta(days=rng.randrange(max(1, (SINCE + timedelta(DAYS) - start).days)))

    _bulk(
        Support.__table__,
        [
            base | {"idea_id": i, "user_id": u, "org_unit_id": unit_of[u], "created_at": after(i)}
            for i, u in pairs
        ],
    )
    comments = []
    for idea in rng.choices(every, weights, k=COMMENTS):
        at = after(idea)
        author = rng.choice(staff)
        comments.append(
            base
            | {
                "idea_id": idea,
                "author_id": author,
                "author_org_unit_id": unit_of[author],
                "body": "Gute Idee, das hilft uns im Amt.",
                "created_at": at,
                "updated_at": at,
            }
        )
    _bulk(Comment.__table__, comments)
    for column, table, key in (
        ("support_count", Support.__table__, "idea_id"),
        ("comment_count", Comment.__table__, "idea_id"),
    ):
        counted = select(func.count()).where(table.c[key] == Idea.__table__.c.id).scalar_subquery()
        connection.execute(update(Idea.__table__).values({column: counted}))
    _projects(base, [i for i, s in zip(ids, states, strict=True) if s == "project"], round_id,
              moderator_id, office_ids, rng)  # fmt: skip
    # The rows above went around the services, which keep the participation counts.
    participation.recount()


def _projects(
    base: dict[str, int],
    ideas: list[int],
    round_id: int,
    moderator_id: int,
    office_ids: list[int],
    rng: random.Random,
) -> None:
    """Add the projects of the first ideas in state "project", each from an approving decision,
    in two waves, with milestones (a fifth of those due passed unreached)."""
    today = datetime.now(UTC).date()
    now = datetime.now(UTC)
    board = Board(name="Lenkungsgruppe", code="LG", term_start=date(2024, 1, 1))
    waves = [
        Wave(name=f"Welle {n}", starts_on=date(2025, 1, 1), evaluation_on=date(2027, 6, 30))
        for n in (1, 2)
    ]
    db.session.add_all([board, *waves])
    db.session.flush()
    chosen = ideas[:PROJECTS]
    items = [_next_id(AgendaItem) + n for n in range(len(chosen))]
    _bulk(
        AgendaItem.__table__,
        [
            base
            | {"id": item, "board_id": board.id, "kind": "idea", "title": f"Idee {idea}",
               "idea_id": idea, "round_id": round_id}
            for item, idea in zip(items, chosen, strict=True)
        ],
    )  # fmt: skip
    votes = [_next_id(Vote) + n for n in range(len(chosen))]
    _bulk(
        Vote.__table__,
        [
            base
            | {"id": vote, "item_id": item, "mode": "meeting", "motion": "Antrag",
               "state": "closed", "closed_at": now, "result": "adopted", "yes": 5, "no": 0,
               "abstain": 0, "eligible": 5, "present": 5}
            for vote, item in zip(votes, items, strict=True)
        ],
    )  # fmt: skip
    decisions = [_next_id(Decision) + n for n in range(len(chosen))]
    _bulk(
        Decision.__table__,
        [
            base
            | {"id": decision, "board_id": board.id, "year": 2026, "number": n + 1,
               "vote_id": vote, "idea_id": idea, "round_id": round_id, "outcome": "approved",
               "reason": "Gut."}
            for n, (decision, vote, idea) in enumerate(zip(decisions, votes, chosen, strict=True))
        ],
    )  # fmt: skip
    projects = [_next_id(Project) + n for n in range(len(chosen))]
    traffic = ("green", "green", "green", "yellow", "red")
    _bulk(
        Project.__table__,
        [
            base
            | {"id": project, "decision_id": decision, "idea_id": idea, "round_id": round_id,
               "wave_id": waves[n % 2].id, "title": f"Vorhaben {idea}",
               "owner_id": moderator_id, "org_unit_id": rng.choice(office_ids),
               "state": ("planned", "running", "running", "completed")[n % 4],
               "starts_on": date(2025, 1, 1), "ends_on": date(2027, 1, 1),
               "traffic": traffic[n % 5],
               "traffic_reason": "" if traffic[n % 5] == "green" else "Verzug",
               "progress": n % 101, "status_at": now, "created_at": now, "updated_at": now}
            for n, (project, decision, idea) in enumerate(
                zip(projects, decisions, chosen, strict=True)
            )
        ],
    )  # fmt: skip
    _bulk(
        Milestone.__table__,
        [
            base
            | {
                "project_id": project,
                "title": f"Meilenstein {n}",
                "due_on": today + timedelta(days=90 * n - 200 + rng.randrange(60)),
                "done_on": today if n < 2 and rng.random() < 0.8 else None,
            }
            for project in projects
            for n in range(MILESTONES)
        ],
    )


def build(url: str) -> tuple[Any, int, int]:
    """Create and fill the database at *url*; return the app, the round and its moderator."""
    bench = build_round(url)
    app = bench.app
    with app.app_context():
        municipality = db.session.scalar(
            select(Municipality.id).where(Municipality.slug == "default")
        )
        assert municipality is not None
        set_tenant(municipality)
        with unit_of_work():
            _fill(municipality, bench.round_id, bench.moderator_id)
            round_ = db.session.get_one(Round, bench.round_id)
            round_.phase = RoundPhase.DECIDE
        # The analyses as their jobs compute them, each step in a unit of work of its own.
        analysis.enqueue = lambda *args, **kwargs: None  # type: ignore[assignment]
        with unit_of_work():
            analysis.current(db.session.get_one(Round, bench.round_id))
        row = db.session.scalar(select(RankingAnalysis))
        assert row is not None
        for _step in analysis.STEPS:
            with unit_of_work():
                analysis.run_analysis_step(row.id, row.digest)
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as c:
                c.exec_driver_sql("ANALYZE")
        total = db.session.scalar(select(func.count(Idea.id)))
        db.session.remove()
    print(f"{total:,} ideas, {SUPPORTS:,} supports, {COMMENTS:,} comments")
    return app, bench.round_id, bench.moderator_id


def kept(url: str) -> tuple[Any, int, int]:
    """Return the app on the filled database at *url*, its round and the round's moderator."""
    instance = Path(tempfile.mkdtemp(prefix="wandelwerk-bench-dashboards-"))
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=instance))
    with app.app_context():
        upgrade()
        set_tenant(db.session.scalar(select(Municipality.id).where(Municipality.slug == "default")))
        round_id = db.session.scalar(select(Round.id).where(Round.name == ROUND_NAME))
        moderator_id = db.session.scalar(
            select(User.id).where(User.email == "moderation0@bench.example")
        )
        assert round_id is not None, f"no benchmark round to keep at {url}"
        assert moderator_id is not None, f"no moderator to keep at {url}"
        db.session.remove()
    return app, round_id, moderator_id


def profile(app: Any, path: str, user_id: int, requests: int) -> None:
    """Print the functions that *requests* requests of *path* spend most time in."""
    client = signed_in_client(app, user_id)
    client.get(path)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        client.get(path)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="requests per page")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), action="append")
    parser.add_argument("--profile", type=int, default=0, help="requests to profile")
    parser.add_argument("--keep", action="store_true", help="reuse the data of an earlier run")
    args = parser.parse_args()
    for backend in args.backend or ["sqlite", "postgresql"]:
        if backend == "sqlite":
            path = Path(tempfile.gettempdir()) / "wandelwerk-bench-dashboards.db"
            if not args.keep:
                path.unlink(missing_ok=True)
            url = f"sqlite:///{path}"
        else:
            url = normalise_database_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL))
        started = time.perf_counter()
        app, round_id, moderator_id = kept(url) if args.keep else build(url)
        print(f"{backend}: ready in {time.perf_counter() - started:.0f} s, load {_load()}")
        with app.app_context():
            default = select(Municipality.id).where(Municipality.slug == "default")
            set_tenant(db.session.scalar(default))
            office = db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == "Amt 10"))
            db.session.remove()
        paths = [
            ("help page (no data, for scale)", "/help/"),
            ("dashboard, all ideas", "/insights/"),
            ("dashboard, one field of action, 2025", "/insights/?field=3&since=2025-01-01"),
            (
                "dashboard, 15.01.2025-20.06.2026",
                "/insights/?since=2025-01-15&until=2026-06-20",
            ),
            ("dashboard, one office (Amt 10)", f"/insights/?unit={office}"),
            ("dashboard of the round", f"/insights/?round={round_id}"),
        ]
        print(f"{'page':<40}{'median ms':>10}{'p90 ms':>9}{'queries':>9}")
        for label, median, p90, queries in measure(app, paths, args.requests, moderator_id):
            print(f"{label:<40}{median:>10.1f}{p90:>9.1f}{queries:>9}")
        print(f"load average after the requests: {_load()}")
        if args.profile:
            profile(app, f"/insights/?round={round_id}", moderator_id, args.profile)


def _load() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    main()
