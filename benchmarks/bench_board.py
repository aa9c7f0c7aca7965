"""Benchmark of the board: the meeting page with 40 agenda items and their tallies, and closing a
written procedure of 15 members.

Run from the repository root:

    .venv/bin/python -m benchmarks.bench_board [--requests 30] [--database URL]

It builds, in a fresh SQLite file (or the database URL given, which it migrates), a board of 15
members (chair, deputy, 13 members) deciding a round in its decide phase whose 40 scored ideas
rank in a known order (`tests/portal/board/helpers.py`), through the services; the round's budget
and staff days fund about half of its ideas, so the pages show the portfolio proposal. Then it
times:

* the first view of the meeting page, which solves the portfolio proposal and stores it;
* the meeting page, signed in as the chair, with the 40 ideas on the agenda: 39 votes closed with
  their tallies and decisions, one open with the count so far (median and 90th percentile of
  ``--requests`` requests, and its SQL statements); targets: median under 100 ms;
* the job's closing of a written procedure on an idea that all 15 members voted on
  (`votes.close_written`: tally, decision with its number and snapshot of the ranking, the idea
  "decided"), each in a unit of work of its own; median of ``--closes`` procedures; target:
  median under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import event

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import TestingConfig
from portal import create_app
from portal.accounts.models import Municipality, Role, User
from portal.accounts.sessions import session_values
from portal.board.models import Board, BoardFunction, DecisionOutcome, Vote, VoteState
from portal.board.services import boards, meetings, votes
from portal.core.models import utcnow
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from tests import factories
from tests.portal.board.helpers import scored_round

MEMBERS = 15
ITEMS = 40
#: Approving every idea departs from the ranking (and from the portfolio proposal), so the
#: motion explains it.
MOTION = votes.MotionData(
    "Antrag",
    outcome=DecisionOutcome.APPROVED,
    reason="Gut.",
    explanation="Der Rat hat die Umsetzung aller Vorhaben beauftragt.",
)


def _percentile(times: list[float], share: float) -> float:
    ordered = sorted(times)
    return ordered[max(int(share * len(ordered)) - 1, 0)]


def _fill(closes: int) -> tuple[int, int, list[int]]:
    """Create the board and the meeting; return the ids of the meeting, the chair and the
    ideas left for written procedures."""
    moderator = factories.user(roles={Role.MODERATOR, Role.EMPLOYEE})
    round_, ideas = scored_round(moderator, ITEMS + closes)
    round_.budget_euros = sum(idea.cost_euros or 0 for idea in ideas) // 2
    round_.staff_days = sum(idea.effort_days or 0 for idea in ideas) // 2
    board = boards.create_board(
        boards.BoardData(
            name="Lenkungsgruppe",
            code="LG",
            term_start=date(2026, 1, 1),
            round_ids=frozenset({round_.id}),
        ),
        moderator,
    )
    people = [factories.user(roles={Role.BOARD_MEMBER}) for _ in range(MEMBERS)]
    functions = [BoardFunction.CHAIR, BoardFunction.DEPUTY]
    functions += [BoardFunction.MEMBER] * (MEMBERS - 2)
    for person, function in zip(people, functions, strict=True):
        boards.add_member(board, person, function, moderator)
    chair = people[0]
    start = utcnow() + timedelta(days=1)
    meeting = meetings.create_meeting(
        board,
        meetings.MeetingData("Sitzung", start, start + timedelta(hours=3), place="Rathaus"),
        moderator,
    )
    items = meetings.add_idea_items(
        meeting, [(round_.id, idea.id) for idea in ideas[:ITEMS]], moderator
    )
    meetings.invite(meeting, moderator)
    meetings.record_attendance(meeting, {m.id for m in board.members}, chair)
    motion = MOTION
    for number, item in enumerate(items):
        vote = votes.open_vote(item, motion, chair)
        if number == len(items) - 1:
            votes.cast(vote, chair, votes.Choice.YES)
            break
        for k, person in enumerate(people):
            votes.cast(vote, person, votes.Choice.NO if k % 4 == 3 else votes.Choice.YES)
        votes.close_vote(vote, chair)
    db.session.commit()
    return meeting.id, chair.id, [idea.id for idea in ideas[ITEMS:]]


def _written(idea_id: int, chair_id: int) -> int:
    """Send idea *idea_id* to the members in writing and let all of them vote; return the vote's
    id. Everybody having voted, the procedure is due at once."""
    chair = db.session.get(User, chair_id)
    assert chair is not None
    board = db.session.scalar(db.select(Board))
    assert board is not None
    round_ = board.rounds[0]
    item = meetings.idea_item(board, round_.id, idea_id)
    db.session.add(item)
    vote = votes.send_written(item, MOTION, utcnow() + timedelta(days=7), chair)
    for member in board.members:
        votes.cast(vote, member.user, votes.Choice.YES)
    return vote.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--closes", type=int, default=10)
    parser.add_argument("--database", help="a database URL to migrate and fill")
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-board-"))
    url = options.database or f"sqlite:///{folder / 'bench.db'}"
    app = create_app(
        TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=folder, JOBS_IMMEDIATE=False)
    )
    with app.app_context(), app.test_request_context():
        upgrade()
        municipality = db.session.scalar(
            db.select(Municipality).where(Municipality.slug == "default")
        )
        assert municipality is not None
        tenant = municipality.id
        set_tenant(tenant)
        started = time.perf_counter()
        meeting_id, chair_id, spare = _fill(options.closes)
        print(f"data: {time.perf_counter() - started:.1f} s")
        chair = db.session.get(User, chair_id)
        assert chair is not None
        values = session_values(chair)
        engine = db.engine
    client = app.test_client()
    with client.session_transaction() as session:
        session.update(values)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append("x"))
    path = f"/board/meetings/{meeting_id}"
    started = time.perf_counter()
    assert client.get(path).status_code == 200
    print(f"meeting page, first view: {(time.perf_counter() - started) * 1000:.1f} ms")
    times, cpu = [], []
    for _ in range(options.requests):
        statements.clear()
        started, processor = time.perf_counter(), time.process_time()
        response = client.get(path)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - processor)
        assert response.status_code == 200, response.status_code
        page = response.get_data(as_text=True)
        assert page.count('class="ww-agenda__item"') == ITEMS
    print(
        f"meeting page, {ITEMS} items: median {statistics.median(times) * 1000:.1f} ms, "
        f"90th percentile {_percentile(times, 0.9) * 1000:.1f} ms, "
        f"processor time median {statistics.median(cpu) * 1000:.1f} ms, "
        f"{len(statements)} SQL statements (target: median < 100 ms)"
    )
    closing, closing_cpu = [], []
    with app.app_context(), app.test_request_context():
        for idea_id in spare:
            # Each unit of work below is a job of its own, as the consumer runs it.
            set_tenant(tenant)
            with unit_of_work():
                vote_id = _written(idea_id, chair_id)
            started, processor = time.perf_counter(), time.process_time()
            with unit_of_work():
                closed = votes.close_written()
            closing.append(time.perf_counter() - started)
            closing_cpu.append(time.process_time() - processor)
            vote = db.session.get(Vote, vote_id)
            assert closed == 1
            assert vote is not None
            assert vote.state is VoteState.CLOSED
            db.session.remove()
    print(
        f"closing a written procedure, {MEMBERS} members: "
        f"median {statistics.median(closing) * 1000:.1f} ms over {len(closing)}, "
        f"processor time median {statistics.median(closing_cpu) * 1000:.1f} ms "
        "(target: median < 50 ms)"
    )


if __name__ == "__main__":
    main()
