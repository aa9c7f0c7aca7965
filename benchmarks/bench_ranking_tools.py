"""Benchmark of the tools beside a round's ranking: export, what-if and the portfolio proposal.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_ranking_tools [--requests 30] [--database URL]

It builds the round of `benchmarks.bench_ranking` (2,000 ideas, 12 criteria, 30 assessors, 5 per
idea, 100,000 scores, seeded) with a budget and staff days for a third of the ideas' estimates,
then times, signed in as a board member through the test client:

* the export as JSON and as the CSV bundle (the whole request: gathering, building, encoding);
* a what-if answer (JSON) under random weights, once the round's state is stored;
* the portfolio of 200 of the ideas with budget, staff days and 5 dependencies (the engine,
  until the optimum is proven), and of all 2,000 ideas within the time limit of the settings:
  the proposal page's solver time and the gap it reached; then the same proposal again and the
  portfolio page, both reading the stored solution.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from flask_migrate import upgrade

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_ranking import _fill
from config import TestingConfig
from portal import create_app
from portal.accounts.models import Municipality, User
from portal.accounts.sessions import session_values
from portal.core.tenancy import set_tenant
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import PortfolioDependency, Round
from portal.rounds.services import analysis, portfolio, ranking
from scoring import select_portfolio

SEED = 20261130
#: The realistic round of the portfolio goal.
SMALL = 200
DEPENDENCIES = 5


def median_ms(call: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Return the median and the 90th percentile wall time of *repeats* calls, in ms."""
    call()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(0.9 * len(times)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", help="a database URL to migrate and fill")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-tools-"))
    url = options.database or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=folder))
    rng = np.random.default_rng(SEED)
    with app.app_context():
        upgrade()
        municipality = db.session.scalar(
            db.select(Municipality).where(Municipality.slug == "default")
        )
        assert municipality is not None
        set_tenant(municipality.id)
        round_id = _fill(municipality.id)
        round_ = db.session.get(Round, round_id)
        assert round_ is not None
        costs = db.session.execute(db.select(Idea.id, Idea.cost_euros, Idea.effort_days)).all()
        round_.budget_euros = sum(c.cost_euros for c in costs) // 3
        round_.staff_days = sum(c.effort_days for c in costs) // 3
        ids = sorted(c.id for c in costs)
        for a, b in rng.choice(len(ids), (DEPENDENCIES, 2), replace=False):
            db.session.add(PortfolioDependency(round_id=round_id, idea_id=ids[a], needs_id=ids[b]))
        db.session.commit()
        board = db.session.scalar(db.select(User).where(User.email == "board@bench.example"))
        assert board is not None
        values = session_values(board)
        # The first page view stores the state; the tools read it from then on.
        snapshot = analysis.current(round_).state
        db.session.commit()
        criteria = [c.id for c in snapshot.criteria]
        # The portfolio of 200 ideas: the engine alone, from the round's own numbers.
        scores = ranking.rank(snapshot).scores
        by_id = {c.id: c for c in costs}
        small = rng.choice(len(snapshot.idea_ids), SMALL, replace=False)
        amounts = np.array(
            [
                [by_id[snapshot.idea_ids[i]].cost_euros, by_id[snapshot.idea_ids[i]].effort_days]
                for i in small
            ],
            dtype=np.float64,
        )
        limits = amounts.sum(axis=0) / 3
        needs = {int(a): [int(b)] for a, b in rng.choice(SMALL, (DEPENDENCIES, 2), replace=False)}
        solved = []

        def small_portfolio() -> None:
            solved.append(select_portfolio(scores[small], amounts, limits, depends_on=needs))

        small_ms, small_p90 = median_ms(small_portfolio, 10)
        assert all(found.optimal for found in solved)
        started = time.perf_counter()
        proposal = portfolio.proposal(round_, board)
        large_s = time.perf_counter() - started
        db.session.commit()
        # The same problem again: its solution is stored, nothing is solved.
        started = time.perf_counter()
        again = portfolio.proposal(round_, board)
        stored_s = time.perf_counter() - started
        assert [i.idea_id for i in again.selected] == [i.idea_id for i in proposal.selected]
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(values)

    def get(path: str, **query: str) -> None:
        response = client.get(path, query_string=query)
        assert response.status_code == 200, (path, response.status_code)

    def tried() -> dict[str, str]:
        return {f"w{c}": f"{w:.1f}" for c, w in zip(criteria, rng.uniform(0, 20, 12), strict=True)}

    base = f"/rounds/{round_id}"
    json_ms, json_p90 = median_ms(lambda: get(f"{base}/export.json"), 5)
    zip_ms, zip_p90 = median_ms(lambda: get(f"{base}/export.zip"), 5)
    whatif_ms, whatif_p90 = median_ms(
        lambda: get(f"{base}/what-if", state=snapshot.digest, **tried()), options.requests
    )
    print(f"export JSON: median {json_ms:.0f} ms (p90 {json_p90:.0f} ms)")
    print(f"export CSV bundle: median {zip_ms:.0f} ms (p90 {zip_p90:.0f} ms)")
    page_ms, page_p90 = median_ms(lambda: get(f"{base}/portfolio"), options.requests)
    print(f"what-if answer: median {whatif_ms:.1f} ms (p90 {whatif_p90:.1f} ms)")
    print(f"portfolio, {SMALL} ideas, 2 limits, {DEPENDENCIES} dependencies, proven optimal: ")
    print(f"  median {small_ms:.0f} ms (p90 {small_p90:.0f} ms)")
    print(
        f"portfolio, {len(snapshot.idea_ids):,} ideas (proposal service): {large_s:.2f} s in all, "
        f"solver {proposal.seconds:.2f} s, optimal {proposal.optimal}, gap {proposal.gap:.2e}"
    )
    print(f"  the same again, solution stored: {stored_s * 1000:.0f} ms")
    print(f"portfolio page, solution stored: median {page_ms:.0f} ms (p90 {page_p90:.0f} ms)")


if __name__ == "__main__":
    main()
