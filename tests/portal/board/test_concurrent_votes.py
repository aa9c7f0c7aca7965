"""Members voting on the same item at the same moment: every vote counts, on SQLite and on
PostgreSQL, and a member voting twice at once is counted once."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

import config
from portal import create_app
from portal.accounts.models import User
from portal.accounts.services import municipality_for
from portal.board.models import Ballot, DecisionOutcome
from portal.board.services import access, votes
from portal.core.errors import Conflict
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from tests.conftest import BACKENDS, _create_postgresql_database, _reset_postgresql
from tests.portal.board.helpers import board_setup, meeting_in_session


@pytest.fixture(scope="module", params=BACKENDS)
def voting(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, int, int, list[int]]]:
    """An app on a database of its own with an open vote; return it, the municipality, the vote
    and the voters."""
    folder: Path = tmp_path_factory.mktemp("board-votes")
    if request.param == "postgresql":
        url = make_url(os.environ["TEST_DATABASE_URL"])
        url = url.set(database=f"{url.database}_board_votes")
        _create_postgresql_database(url)
        _reset_postgresql(url)
        address = url.render_as_string(hide_password=False)
    else:
        address = f"sqlite:///{folder / 'portal.db'}"
    app = create_app(config.TestingConfig(SQLALCHEMY_DATABASE_URI=address, INSTANCE_PATH=folder))
    with app.app_context():
        upgrade()
        tenant = municipality_for("default").id
        db.session.remove()
        set_tenant(tenant)
        with unit_of_work():
            setup = board_setup()
            meeting = meeting_in_session(setup)
            vote = votes.open_vote(
                meeting.items[0],
                votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
                setup.chair,
            )
            ids = vote.id, [user.id for user in setup.voters]
        db.session.remove()
    yield app, tenant, *ids
    with app.app_context():
        db.engine.dispose()


def _cast(
    app: Flask,
    tenant: int,
    vote_id: int,
    user_id: int,
    start: threading.Barrier,
    outcomes: list[str],
) -> None:
    with app.app_context():
        # Nothing touches the database before all threads are ready: a transaction begun
        # before the barrier would hold SQLite's write lock while the others wait there.
        set_tenant(tenant)
        start.wait()
        try:
            with unit_of_work():
                user = db.session.get(User, user_id)
                assert user is not None
                votes.cast(access.get_vote(vote_id), user, votes.Choice.YES)
            outcomes.append("cast")
        except Conflict:
            outcomes.append("refused")
        finally:
            db.session.remove()


def test_simultaneous_votes_are_all_counted_and_a_double_vote_once(
    voting: tuple[Flask, int, int, list[int]],
) -> None:
    app, tenant, vote_id, voters = voting
    # Every voter at once, and the first one twice more.
    casts = [*voters, voters[0], voters[0]]
    start = threading.Barrier(len(casts), timeout=30)
    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_cast, args=(app, tenant, vote_id, user_id, start, outcomes))
        for user_id in casts
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["cast"] * len(voters) + ["refused"] * 2
    with app.app_context():
        set_tenant(tenant)
        counted = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.vote_id == vote_id))
        db.session.remove()
    assert counted == len(voters)
