"""Benchmark of an assessor's pages of a prioritisation round on SQLite and PostgreSQL.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, user postgres, trust):

    .venv/bin/python -m benchmarks.bench_assessor [--requests 30] [--backend sqlite|postgresql]

It builds the round of `benchmarks.bench_rounds` (2,000 ideas, 12 criteria, 30 assessors, 5 per
idea, 60 % of the assessments submitted) and, as the assessor with the most ideas, requests
through Flask's test client their list (first and last page), the scoring form of an open idea
and of a submitted one (blind mode lifted: the others' scores and the review of disagreement),
and saves one assessment as a draft of 12 scores with justifications (POST). It reports median
and 90th percentile wall time and the most SQL statements per request.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from sqlalchemy import event, func, select

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ideas import measure, signed_in_client
from benchmarks.bench_rounds import BenchRound, _urls, build_round
from portal.accounts.models import Municipality
from portal.core.tenancy import set_tenant
from portal.extensions import db
from portal.rounds.models import Assignment, AssignmentState, Round
from portal.rounds.services import catalogue
from portal.rounds.views.scoring import PER_PAGE


def _municipality() -> int:
    """Return the municipality the benchmark's round belongs to (`build_round` makes it in
    the default one)."""
    return db.session.scalars(select(Municipality.id).where(Municipality.slug == "default")).one()


def _assessor(bench: BenchRound) -> tuple[int, int, int, int]:
    """Return the assessor with the most ideas, one open and one submitted idea of theirs, and
    how many ideas they score."""
    with bench.app.app_context():
        set_tenant(_municipality())
        assessor, count = db.session.execute(
            select(Assignment.assessor_id, func.count())
            .where(Assignment.round_id == bench.round_id)
            .group_by(Assignment.assessor_id)
            .order_by(func.count().desc(), Assignment.assessor_id)
            .limit(1)
        ).one()

        def first(state: AssignmentState) -> int:
            return db.session.scalars(
                select(Assignment.idea_id)
                .where(
                    Assignment.round_id == bench.round_id,
                    Assignment.assessor_id == assessor,
                    Assignment.state == state,
                )
                .order_by(Assignment.idea_id)
                .limit(1)
            ).one()

        found = (assessor, first(AssignmentState.OPEN), first(AssignmentState.SUBMITTED), count)
        db.session.remove()
    return found


def assessor_pages(bench: BenchRound, open_idea: int, submitted_idea: int, count: int):
    """Return the pages an assessor opens, with their labels."""
    r = bench.round_id
    last = -(-count // PER_PAGE)
    return [
        # A page without data shows what the frame alone costs on the machine at the moment.
        ("help page (for comparison)", "/help/"),
        ("assessor's list, first page", f"/rounds/{r}/assessments"),
        (f"assessor's list, page {last}", f"/rounds/{r}/assessments?page={last}"),
        ("scoring form, open idea", f"/rounds/{r}/assessments/{open_idea}"),
        ("scoring form, submitted idea", f"/rounds/{r}/assessments/{submitted_idea}"),
    ]


def measure_saving(
    bench: BenchRound, assessor: int, idea: int, requests: int
) -> tuple[float, float, int]:
    """Save a draft of all 12 scores of *idea* *requests* times as *assessor*; return median
    and 90th percentile in ms and the most SQL statements of one save."""
    app = bench.app
    client = signed_in_client(app, assessor)
    url = f"/rounds/{bench.round_id}/assessments/{idea}"
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert token, "no form"
    with app.app_context():
        municipality = _municipality()
        set_tenant(municipality)
        round_ = db.session.get_one(Round, bench.round_id)
        frozen = catalogue.latest_frozen(round_)
        assert frozen is not None
        criteria = [c.id for c in frozen.criteria]
        db.session.remove()
        engine = db.engine
    statements: list[str] = []

    def record(*_args: object) -> None:
        statements.append("")

    times, counts = [], []
    for number in range(requests + 1):
        with app.app_context():
            set_tenant(municipality)
            version = db.session.scalars(
                select(Assignment.lock_version).where(
                    Assignment.round_id == bench.round_id,
                    Assignment.idea_id == idea,
                    Assignment.assessor_id == assessor,
                )
            ).one()
            db.session.remove()
        data = {"csrf_token": token[1], "lock_version": str(version), "action": "draft"}
        for position, criterion in enumerate(criteria):
            data[f"score-{criterion}"] = str((number + position) % 3 + 1)
            data[f"justification-{criterion}"] = "Begründung der Bewertung."
        statements.clear()
        event.listen(engine, "before_cursor_execute", record)
        start = time.perf_counter()
        response = client.post(url, data=data)
        elapsed = time.perf_counter() - start
        event.remove(engine, "before_cursor_execute", record)
        assert response.status_code == 302, response.status_code
        if number:  # the first is the warm-up
            times.append(elapsed * 1000)
            counts.append(len(statements))
    times.sort()
    return times[len(times) // 2], times[int(len(times) * 0.9)], max(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument(
        "--backend", choices=["sqlite", "postgresql"], action="append", help="default: both"
    )
    args = parser.parse_args()
    for backend, url in _urls(args.backend or ["sqlite", "postgresql"]):
        bench = build_round(url)
        assessor, open_idea, submitted_idea, count = _assessor(bench)
        print(f"\n{backend}: the assessor scores {count} ideas")
        print(f"{'page':<40}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'CPU ms':>8}")
        pages = assessor_pages(bench, open_idea, submitted_idea, count)
        for label, median, p90, queries, cpu in measure(bench.app, pages, args.requests, assessor):
            print(f"{label:<40}{median:>10.1f}{p90:>9.1f}{queries:>9}{cpu:>8.1f}")
        median, p90, queries = measure_saving(bench, assessor, open_idea, args.requests)
        print(f"{'saving a draft of 12 scores':<40}{median:>10.1f}{p90:>9.1f}{queries:>9}")


if __name__ == "__main__":
    main()
