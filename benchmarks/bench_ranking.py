"""Benchmark of a round's ranking: the first computation of its analyses and the ranking page.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_ranking [--requests 20] [--database URL]

It builds, in a fresh SQLite file (or the database URL given, which it migrates), a round in its
decide phase with 2,000 ideas, 12 criteria (10 rated 0…4, the ideas' cost and effort estimates)
and 30 assessors, each idea scored by 5 of them (100,000 scores, seeded). Then it times:

* gathering the inputs (`ranking.round_inputs`), the round's stamp (`ranking.stamp`), the first
  view of the state (`analysis.current`: stamp, gathering, storing the state) and each step of
  the analyses as its job runs it (`analysis.run_analysis_step`, each in a unit of work of its
  own, as a consumer runs them, on the scores stored with the state);
* the ranking page, signed in as a board member, with the analyses stored (median and 90th
  percentile of ``--requests`` requests, and its SQL statements).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from flask_migrate import upgrade
from sqlalchemy import event, insert

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Municipality, Role, User
from portal.accounts.sessions import session_values
from portal.core.models import utcnow
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.ideas.models import Idea, IdeaState
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    Criterion,
    CriterionKind,
    Direction,
    MeasuredSource,
    RankingAnalysis,
    Round,
    RoundIdea,
    RoundPhase,
    Score,
    WeightingMethod,
)
from portal.rounds.services import analysis, ranking

SEED = 20261130
IDEAS = 2_000
RATED = 10
ASSESSORS = 30
PER_IDEA = 5


def _fill(municipality_id: int) -> int:
    """Create the round and its data; return the round's id."""
    rng = np.random.default_rng(SEED)
    now = utcnow()
    author = User(email="autorin@bench.example", name="Autorin", password_hash="x")
    board = User(email="board@bench.example", name="Lenkung", password_hash="x")
    assessors = [
        User(email=f"a{n}@bench.example", name=f"Bewerter:in {n}", password_hash="x")
        for n in range(ASSESSORS)
    ]
    author.set_roles({Role.EMPLOYEE})
    board.set_roles({Role.BOARD_MEMBER, Role.EMPLOYEE})
    for assessor in assessors:
        assessor.set_roles({Role.ASSESSOR, Role.EMPLOYEE})
    db.session.add_all([author, board, *assessors])
    round_ = Round(name="Priorisierung 2027", phase=RoundPhase.DECIDE, min_assessors=3)
    db.session.add(round_)
    db.session.flush()
    weights = rng.dirichlet(np.full(RATED + 2, 4.0))
    catalogue = Catalogue(
        round_id=round_.id,
        version=1,
        frozen_at=now,
        weighting=WeightingMethod.POINTS,
        weighted_at=now,
    )
    catalogue.criteria = [
        Criterion(
            position=n + 1,
            key=f"k{n}",
            name=f"Kriterium {n + 1}",
            direction=Direction.COST if n == RATED - 1 else Direction.BENEFIT,
            kind=CriterionKind.RATING,
            scale_min=0,
            scale_max=4,
            weight=float(weights[n]),
        )
        for n in range(RATED)
    ] + [
        Criterion(
            position=RATED + 1 + n,
            key=source.value,
            name=name,
            direction=Direction.COST,
            kind=CriterionKind.MEASURED,
            scale_min=0,
            scale_max=top,
            unit=unit,
            source=source,
            weight=float(weights[RATED + n]),
        )
        for n, (source, name, top, unit) in enumerate(
            [
                (MeasuredSource.IDEA_COST, "Kosten", 2_000_000, "€"),
                (MeasuredSource.IDEA_EFFORT, "Aufwand", 500, "Personentage"),
            ]
        )
    ]
    db.session.add(catalogue)
    db.session.flush()
    rated = [c.id for c in catalogue.criteria[:RATED]]
    stamp = {"municipality_id": municipality_id}
    db.session.execute(
        insert(Idea),
        [
            {
                **stamp,
                "author_id": author.id,
                "state": IdeaState.ACCEPTED,
                "title": f"Idee {n + 1}",
                "problem": "Problem",
                "proposal": "Vorschlag",
                "cost_euros": int(rng.integers(0, 40) * 25_000),
                "effort_days": int(rng.integers(5, 300)),
                "submitted_at": now,
            }
            for n in range(IDEAS)
        ],
    )
    idea_ids = sorted(db.session.scalars(db.select(Idea.id)))
    db.session.execute(
        insert(RoundIdea), [{**stamp, "round_id": round_.id, "idea_id": i} for i in idea_ids]
    )
    quality = rng.uniform(0, 4, size=(IDEAS, RATED))
    leaning = rng.normal(0, 0.5, size=ASSESSORS)
    chosen = [rng.choice(ASSESSORS, PER_IDEA, replace=False) for _ in idea_ids]
    db.session.execute(
        insert(Assignment),
        [
            {
                **stamp,
                "round_id": round_.id,
                "idea_id": idea_id,
                "assessor_id": assessors[a].id,
                "state": AssignmentState.SUBMITTED,
                "submitted_at": now,
            }
            for idea_id, group in zip(idea_ids, chosen, strict=True)
            for a in group
        ],
    )
    assignments = db.session.execute(
        db.select(Assignment.id, Assignment.idea_id, Assignment.assessor_id)
    ).all()
    row_of = {idea_id: k for k, idea_id in enumerate(idea_ids)}
    index_of = {a.id: k for k, a in enumerate(assessors)}
    scores = []
    for assignment_id, idea_id, assessor_id in assignments:
        noisy = (
            quality[row_of[idea_id]] + leaning[index_of[assessor_id]] + rng.normal(0, 0.7, RATED)
        )
        for criterion_id, value in zip(rated, np.clip(np.rint(noisy), 0, 4), strict=True):
            scores.append(
                {
                    **stamp,
                    "assignment_id": assignment_id,
                    "criterion_id": criterion_id,
                    "value": float(value),
                }
            )
    db.session.execute(insert(Score), scores)
    db.session.commit()
    return round_.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database", help="a database URL to migrate and fill")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-ranking-"))
    url = options.database or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=folder, JOBS_IMMEDIATE=False)
    )
    with app.app_context():
        upgrade()
        municipality = db.session.scalar(
            db.select(Municipality).where(Municipality.slug == "default")
        )
        assert municipality is not None
        set_tenant(municipality.id)
        started = time.perf_counter()
        round_id = _fill(municipality.id)
        print(f"data: {time.perf_counter() - started:.1f} s for {IDEAS:,} ideas")
        round_ = db.session.get(Round, round_id)
        assert round_ is not None
        times = []
        for _ in range(5):
            started = time.perf_counter()
            ranking.round_inputs(round_)
            times.append(time.perf_counter() - started)
        print(f"gathering the inputs: median {statistics.median(times) * 1000:.0f} ms")
        times = []
        for _ in range(20):
            started = time.perf_counter()
            ranking.stamp(round_)
            times.append(time.perf_counter() - started)
        print(f"the round's stamp: median {statistics.median(times) * 1000:.1f} ms")
        # Each step is a job of its own; its successor is queued, not run, here.
        analysis.enqueue = lambda *args, **kwargs: None  # type: ignore[assignment]
        started = time.perf_counter()
        with unit_of_work():
            analysis.current(round_)
        stored = time.perf_counter() - started
        print(f"first view of the state: gathered and stored in {stored * 1000:.0f} ms")
        row = db.session.scalar(db.select(RankingAnalysis))
        assert row is not None
        row_id, digest = row.id, row.digest
        total = 0.0
        for step in analysis.STEPS:
            started = time.perf_counter()
            with unit_of_work():
                analysis.run_analysis_step(row_id, digest)
            elapsed = time.perf_counter() - started
            total += elapsed
            print(f"step {step}: {elapsed * 1000:.0f} ms")
        print(
            f"analyses, first computation: {total:.2f} s for the steps, "
            f"{stored + total:.2f} s with gathering and storing"
        )
        board = db.session.scalar(db.select(User).where(User.email == "board@bench.example"))
        assert board is not None
        values = session_values(board)
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(values)
    statements: list[str] = []
    path = f"/rounds/{round_id}/ranking"
    with app.app_context():
        engine = db.engine

    def count(*args: object) -> None:
        statements.append("x")

    event.listen(engine, "before_cursor_execute", count)
    client.get(path)
    page_times = []
    for _ in range(options.requests):
        statements.clear()
        started = time.perf_counter()
        response = client.get(path)
        page_times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
        assert "Rangwahrscheinlichkeiten" in response.get_data(as_text=True)
    page_times.sort()
    print(
        f"ranking page, analyses stored: median {statistics.median(page_times) * 1000:.0f} ms, "
        f"90th percentile {page_times[int(0.9 * len(page_times)) - 1] * 1000:.0f} ms, "
        f"{len(statements)} SQL statements"
    )


if __name__ == "__main__":
    main()
