"""Benchmark of the insights: a council paper of the demo round as its job makes it, and the
dashboard page.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_insights [--requests 20] [--papers 3]

It loads the demo municipality into a fresh SQLite file (the demo itself renders one paper), then
starts the figures' browser as the job consumer does and times `--papers` council papers of the
round being decided, each made from changed data (the issuing unit changes, so the hash does) by
the two jobs `start_document` and `render_document`, each in a unit of work of its own. Then it
times the dashboard filtered by that round, signed in as a board member (median and 90th
percentile of `--requests` requests, and its SQL statements).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event, select

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import reports
from config import TestingConfig
from portal import create_app
from portal.accounts.models import Role, User, UserRole
from portal.accounts.services import municipality_for
from portal.accounts.sessions import session_values
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.demo import load_demo
from portal.extensions import db
from portal.insights.models import DocumentKind, GeneratedDocument
from portal.insights.services import documents, letterhead
from portal.rounds.models import Round, RoundPhase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--papers", type=int, default=3)
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-insights-"))
    app = create_app(
        TestingConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'bench.db'}",
            INSTANCE_PATH=folder,
            JOBS_IMMEDIATE=False,
        )
    )
    with app.app_context():
        upgrade()
        set_tenant(municipality_for(app.config["TENANT"]).id)
        started = time.perf_counter()
        with unit_of_work():
            load_demo()
        print(f"demo with its released paper: {time.perf_counter() - started:.1f} s")
        board = db.session.scalar(
            select(User).join(UserRole).where(UserRole.role == Role.BOARD_MEMBER).order_by(User.id)
        )
        round_ = db.session.scalar(select(Round).where(Round.phase == RoundPhase.DECIDE))
        assert board is not None
        assert round_ is not None
        board_id, round_id = board.id, round_.id
        values = session_values(board)
        reports.start_svg_export()
        # The successor job is run here, not queued.
        documents.enqueue = lambda *args, **kwargs: None  # type: ignore[assignment]
        for number in range(options.papers):
            with unit_of_work():
                letterhead.save(
                    db.session.get(User, board_id), f"Stabsstelle {number}", None, False
                )
                paper = documents.request_document(
                    DocumentKind.COUNCIL_PAPER, round_id, db.session.get(User, board_id)
                )
                paper_id = paper.id
            started = time.perf_counter()
            with unit_of_work():
                documents.start_document(paper_id)
            with unit_of_work():
                documents.render_document(paper_id)
            elapsed = time.perf_counter() - started
            stored = db.session.get(GeneratedDocument, paper_id)
            assert stored is not None
            print(
                f"council paper {number + 1}: {elapsed:.2f} s, {stored.state.value}, "
                f"{stored.size / 1024:.0f} KiB"
            )
        reports.stop_svg_export()
        engine = db.engine

    client = app.test_client()
    with client.session_transaction() as session:
        session.update(values)
    statements: list[str] = []

    def count(*_args: object) -> None:
        statements.append("x")

    event.listen(engine, "before_cursor_execute", count)
    path = f"/insights/?round={round_id}"
    client.get(path)
    times = []
    for _ in range(options.requests):
        statements.clear()
        started = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200
    times.sort()
    print(
        f"dashboard with 6 charts: median {statistics.median(times) * 1000:.0f} ms, "
        f"90th percentile {times[int(len(times) * 0.9) - 1] * 1000:.0f} ms, "
        f"{len(statements)} SQL statements"
    )


if __name__ == "__main__":
    main()
