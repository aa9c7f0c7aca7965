"""Benchmark of the assessment pages of a prioritisation round on SQLite and PostgreSQL.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, user postgres, trust):

    .venv/bin/python -m benchmarks.bench_rounds [--requests 30] [--backend sqlite|postgresql]

It builds one round in its score phase: 2,000 accepted ideas (each affecting one of eight
offices), a frozen and weighted catalogue of 12 criteria, 30 assessors, and each idea assigned
to 5 assessors, 60 % of the assessments submitted with a score on every criterion, 10 % of the
open ones with a saved draft of six scores. The round, its catalogue and the assignments are
made through the services (`phases.create_round`, `phases.move_phase`, which freezes the
catalogue, and `assignment.bulk_assign`, whose time is reported); users, ideas, their history
and the scores are written by bulk INSERTs (`Connection.execute(insert(...), rows)`), the same on
both databases. It then requests the moderator's progress page and related pages through
Flask's test client and reports median and 90th percentile wall time and the SQL statements per
request.

`build_round(url)` returns the app and the ids of the data; other measurements of the same round
(the assessor's list, the scoring form, saving) reuse it with `benchmarks.bench_ideas.measure`.
``BENCH_DATABASE_URL`` points the PostgreSQL run to another server (a database URL whose
database name it may drop and create).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, insert, select, update

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ideas import _create_database, measure
from config import TestingConfig, normalise_database_url
from portal import create_app
from portal.accounts.models import Municipality, OrgUnit, OrgUnitKind, Role, User
from portal.core.tenancy import set_tenant
from portal.extensions import db
from portal.ideas.models import Idea, IdeaEvent, idea_org_unit
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Criterion,
    CriterionKind,
    Direction,
    Round,
    RoundIdea,
    RoundPhase,
    ScaleLevel,
    Score,
    WeightingMethod,
)
from portal.rounds.services import assignment, catalogue, phases

SEED = 20261130
IDEAS = 2_000
CRITERIA = 12
ASSESSORS = 30
PER_IDEA = 5
AUTHORS = 300
OFFICES = 8
SUBMITTED_SHARE = 0.6
DRAFT_SHARE = 0.1
ROUND_NAME = "Priorisierung Benchmark"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/wandelwerk_bench_rounds"


@dataclass(frozen=True)
class BenchRound:
    """The round built for the benchmarks, with the ids a measurement needs."""

    app: Flask
    round_id: int
    moderator_id: int
    assessor_ids: list[int]
    idea_ids: list[int]
    #: Seconds the bulk assignment of all assessments took (through the service).
    bulk_seconds: float


def _app(url: str) -> Flask:
    instance = Path(tempfile.mkdtemp(prefix="wandelwerk-bench-rounds-"))
    return create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=instance))


def _users(count: int, prefix: str, role: Role, units: list[int], now: datetime) -> list[int]:
    """Insert *count* users holding *role*, spread over *units*; return their ids."""
    users = [
        User(
            email=f"{prefix}{n}@bench.example",
            name=f"{prefix.capitalize()} {n:04d}",
            org_unit_id=units[n % len(units)] if units else None,
            password_hash="-",
            created_at=now,
            updated_at=now,
        )
        for n in range(count)
    ]
    for user in users:
        user.set_roles({role, Role.EMPLOYEE})
    db.session.add_all(users)
    db.session.flush()
    return [user.id for user in users]


def _catalogue(round_, moderator) -> None:
    """Fill the round's draft with 12 rating criteria (0–4, anchored) weighted equally."""
    draft = catalogue.draft(round_)
    assert draft is not None
    for position in range(1, CRITERIA + 1):
        criterion = Criterion(
            catalogue=draft,
            position=position,
            key=f"kriterium-{position}",
            name=f"Kriterium {position}",
            description="Wie stark trägt die Idee dazu bei?",
            direction=Direction.COST if position % 4 == 0 else Direction.BENEFIT,
            kind=CriterionKind.RATING,
            scale_min=0,
            scale_max=4,
            weight=1 / CRITERIA,
        )
        criterion.levels = [
            ScaleLevel(value=v, text=f"{v} — Stufe {v}", needs_justification=v in (0, 4))
            for v in range(5)
        ]
        db.session.add(criterion)
    draft.weighting = WeightingMethod.POINTS
    draft.weighted_at = datetime.now(UTC)
    db.session.flush()


def _ideas(municipality: int, authors: list[int], offices: list[int], now: datetime) -> list[int]:
    """Insert 2,000 accepted ideas with their history and the office each affects."""
    rng = random.Random(SEED)
    first = (db.session.scalar(select(func.max(Idea.id))) or 0) + 1
    ids = list(range(first, first + IDEAS))
    connection = db.session.connection()
    connection.execute(
        insert(Idea.__table__),
        [
            {
                "id": i,
                "municipality_id": municipality,
                "author_id": rng.choice(authors),
                "state": "accepted",
                "title": f"Digitale Verbesserung Nummer {i}",
                "problem": "Anträge kommen auf Papier und werden abgetippt.",
                "proposal": "Wir schlagen eine digitale Lösung vor.",
                "benefit_citizens": "",
                "benefit_staff": "",
                "author_public": False,
                "support_count": 0,
                "comment_count": 0,
                "submitted_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for i in ids
        ],
    )
    steps = [(None, "draft"), ("draft", "submitted"), ("submitted", "screening")]
    steps.append(("screening", "accepted"))
    connection.execute(
        insert(IdeaEvent.__table__),
        [
            {
                "municipality_id": municipality,
                "idea_id": i,
                "at": now,
                "kind": "state",
                "from_state": source,
                "to_state": target,
                "reason": "",
                "detail": "",
            }
            for i in ids
            for source, target in steps
        ],
    )
    connection.execute(
        insert(idea_org_unit), [{"idea_id": i, "org_unit_id": rng.choice(offices)} for i in ids]
    )
    return ids


def _scores(round_id: int, municipality: int) -> None:
    """Submit 60 % of the assessments with a score on every criterion and give 10 % of the
    open ones a draft of six scores."""
    rng = random.Random(SEED + 1)
    frozen = catalogue.latest_frozen(db.session.get_one(Round, round_id))
    assert frozen is not None
    criteria = [criterion.id for criterion in frozen.criteria]
    rows = db.session.execute(
        select(Assignment.id).where(
            Assignment.round_id == round_id, Assignment.state == AssignmentState.OPEN
        )
    ).scalars()
    submitted, drafted = [], []
    for number in rows:
        draw = rng.random()
        if draw < SUBMITTED_SHARE:
            submitted.append(number)
        elif draw < SUBMITTED_SHARE + DRAFT_SHARE:
            drafted.append(number)
    connection = db.session.connection()
    connection.execute(
        insert(Score.__table__),
        [
            {
                "municipality_id": municipality,
                "assignment_id": number,
                "criterion_id": criterion,
                "value": float(rng.randint(0, 4)),
                "justification": "Begründung der Bewertung." if rng.random() < 0.3 else "",
                "revision_reason": "",
            }
            for number in submitted
            for criterion in criteria
        ]
        + [
            {
                "municipality_id": municipality,
                "assignment_id": number,
                "criterion_id": criterion,
                "value": 2.0,
                "justification": "",
                "revision_reason": "",
            }
            for number in drafted
            for criterion in criteria[:6]
        ],
    )
    for chunk in range(0, len(submitted), 500):
        connection.execute(
            update(Assignment.__table__)
            .where(Assignment.__table__.c.id.in_(submitted[chunk : chunk + 500]))
            .values(state="submitted", submitted_at=datetime.now(UTC), lock_version=2)
        )


def build_round(url: str) -> BenchRound:
    """Create the database at *url* afresh, migrate it and build the benchmark round."""
    if url.startswith("postgresql"):
        _create_database(url)
    app = _app(url)
    with app.app_context():
        upgrade()
        municipality = db.session.scalar(
            select(Municipality.id).where(Municipality.slug == "default")
        )
        assert municipality is not None
        set_tenant(municipality)
        now = datetime.now(UTC) - timedelta(days=30)
        dezernat = OrgUnit(code="Dez. B", name="Benchmark", kind=OrgUnitKind.DEZERNAT)
        db.session.add(dezernat)
        db.session.flush()
        units = [
            OrgUnit(code=f"Amt B{n}", name=f"Amt {n}", kind=OrgUnitKind.AMT, parent=dezernat)
            for n in range(OFFICES)
        ]
        db.session.add_all(units)
        db.session.flush()
        offices = [unit.id for unit in units]
        [moderator_id] = _users(1, "moderation", Role.MODERATOR, [], now)
        assessor_ids = _users(ASSESSORS, "bewertung", Role.ASSESSOR, offices, now)
        authors = _users(AUTHORS, "mitarbeit", Role.EMPLOYEE, offices, now) + assessor_ids[:3]
        moderator = db.session.get_one(User, moderator_id)
        round_ = phases.create_round(
            phases.RoundData(name=ROUND_NAME, min_assessors=PER_IDEA), moderator
        )
        _catalogue(round_, moderator)
        idea_ids = _ideas(municipality, authors, offices, now)
        db.session.connection().execute(
            insert(RoundIdea.__table__),
            [
                {
                    "municipality_id": municipality,
                    "round_id": round_.id,
                    "idea_id": i,
                    "added_by_id": moderator_id,
                    "added_at": now,
                }
                for i in idea_ids
            ],
        )
        phases.move_phase(round_, RoundPhase.SCREEN, moderator)
        phases.move_phase(round_, RoundPhase.SCORE, moderator)
        round_.score_until = (now + timedelta(days=40)).date()
        start = time.perf_counter()
        assignment.bulk_assign(round_, assignment.Scope(), moderator)
        bulk_seconds = time.perf_counter() - start
        _scores(round_.id, municipality)
        round_id = round_.id
        db.session.commit()
        if url.startswith("postgresql"):
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("VACUUM ANALYZE")
        else:
            with db.engine.begin() as c:
                c.exec_driver_sql("ANALYZE")
        db.session.remove()
        db.engine.dispose()
    return BenchRound(app, round_id, moderator_id, assessor_ids, idea_ids, bulk_seconds)


def moderator_pages(bench: BenchRound) -> list[tuple[str, str]]:
    """Return the pages a moderator opens to follow the assessment, with their labels."""
    r = bench.round_id
    with bench.app.app_context():
        per_page = bench.app.config["PAGE_SIZE"]
    last = -(-IDEAS // per_page)
    return [
        ("progress page, first page", f"/rounds/{r}/assessment"),
        (f"progress page, page {last}", f"/rounds/{r}/assessment?page={last}"),
        ("an idea's assessors", f"/rounds/{r}/assessment/ideas/{bench.idea_ids[IDEAS // 2]}"),
        ("round page (with the assessment)", f"/rounds/{r}"),
    ]


def _urls(backends: list[str]) -> list[tuple[str, str]]:
    urls = []
    for backend in backends:
        if backend == "sqlite":
            folder = Path(tempfile.mkdtemp(prefix="wandelwerk-bench-rounds-db-"))
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
        bench = build_round(url)
        print(
            f"\n{backend}: built the round in {time.perf_counter() - start:.0f} s; bulk "
            f"assignment of {IDEAS * PER_IDEA} assessments took {bench.bulk_seconds:.2f} s"
        )
        print(f"{'page':<40}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'CPU ms':>8}")
        results = measure(bench.app, moderator_pages(bench), args.requests, bench.moderator_id)
        for label, median, p90, queries, cpu in results:
            print(f"{label:<40}{median:>10.1f}{p90:>9.1f}{queries:>9}{cpu:>8.1f}")


if __name__ == "__main__":
    main()
