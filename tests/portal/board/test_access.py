"""Every route of the board answers 403 to those whose role or seat does not allow it, and a
refused request writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.accounts.models import Role, User
from portal.board.models import Board, DecisionOutcome
from portal.board.services import decisions, votes
from portal.extensions import db as _db
from tests.conftest import SharedData, db_within, shared_database, start_session
from tests.portal.board.helpers import board_setup, meeting_in_session

pytestmark = pytest.mark.usefixtures("db")

KEEPERS_ONLY = ["employee", "outsider", "member", "chair"]
PREPARERS_ONLY = ["employee", "outsider", "member"]
PRESIDING_ONLY = ["employee", "outsider", "member", "moderator"]
SEEING_ONLY = ["employee", "outsider"]

ROUTES = [
    ("GET", "/board/", ["employee"]),
    ("GET", "/board/new", KEEPERS_ONLY),
    ("POST", "/board/new", KEEPERS_ONLY),
    ("GET", "/board/{board}/edit", KEEPERS_ONLY),
    ("POST", "/board/{board}/edit", KEEPERS_ONLY),
    ("POST", "/board/{board}/members", KEEPERS_ONLY),
    ("POST", "/board/{board}/members/{seat}/remove", KEEPERS_ONLY),
    ("GET", "/board/{board}", SEEING_ONLY),
    ("GET", "/board/{board}/meetings/new", PREPARERS_ONLY),
    ("POST", "/board/{board}/meetings/new", PREPARERS_ONLY),
    ("GET", "/board/meetings/{meeting}", SEEING_ONLY),
    ("GET", "/board/meetings/{meeting}/edit", PREPARERS_ONLY),
    ("POST", "/board/meetings/{meeting}/edit", PREPARERS_ONLY),
    ("GET", "/board/meetings/{meeting}.ics", SEEING_ONLY),
    ("POST", "/board/meetings/{meeting}/ideas", PREPARERS_ONLY),
    ("POST", "/board/meetings/{meeting}/topics", PREPARERS_ONLY),
    ("POST", "/board/meetings/{meeting}/items/{spare}/remove", PREPARERS_ONLY),
    ("POST", "/board/meetings/{meeting}/invite", PREPARERS_ONLY),
    ("POST", "/board/meetings/{meeting}/attendance", PRESIDING_ONLY),
    ("POST", "/board/meetings/{meeting}/close", PRESIDING_ONLY),
    ("GET", "/board/meetings/{meeting}/minutes", SEEING_ONLY),
    ("POST", "/board/meetings/{meeting}/minutes", PRESIDING_ONLY),
    ("POST", "/board/meetings/{meeting}/approve-minutes", PRESIDING_ONLY),
    ("POST", "/board/meetings/{meeting}/release", PRESIDING_ONLY),
    ("GET", "/board/items/{item}", SEEING_ONLY),
    ("POST", "/board/items/{spare}/vote", PRESIDING_ONLY),
    ("POST", "/board/items/{item}/cast", ["employee", "outsider", "moderator"]),
    ("POST", "/board/items/{item}/conflict", ["employee", "outsider", "moderator"]),
    ("POST", "/board/items/{item}/close", PRESIDING_ONLY),
    ("POST", "/board/items/{item}/refer", ["employee", "outsider", "moderator"]),
    ("GET", "/board/{board}/written/new", PRESIDING_ONLY),
    ("POST", "/board/{board}/written/new", PRESIDING_ONLY),
    ("GET", "/board/decisions/{decision}", ["employee", "outsider"]),
    (
        "POST",
        "/board/decisions/{decision}/release",
        ["employee", "outsider", "member", "moderator"],
    ),
]


@pytest.fixture(scope="module")
def ids(app: Flask) -> Iterator[SharedData]:
    """Build, once for the module, a meeting in session: one item decided, one being voted on."""
    app.config["WTF_CSRF_ENABLED"] = False
    with shared_database(app) as shared:
        setup = board_setup()
        meeting = meeting_in_session(setup, items=4)
        first, second, _third, spare = meeting.items
        vote = votes.open_vote(
            first,
            votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
            setup.chair,
        )
        votes.cast(vote, setup.chair, votes.Choice.YES)
        votes.close_vote(vote, setup.chair)
        [decision] = decisions.of_meeting(meeting)
        votes.open_vote(
            second,
            votes.MotionData("Antrag", outcome=DecisionOutcome.REJECTED, reason="Nein."),
            setup.chair,
        )
        shared.update(
            {
                "board": setup.board.id,
                "seat": setup.board.members[2].id,
                "meeting": meeting.id,
                "item": second.id,
                "spare": spare.id,
                "decision": decision.id,
                "idea": setup.ideas[0].id,
                "member": setup.members[0].id,
                "chair": setup.chair.id,
                "moderator": setup.moderator.id,
            }
        )
        yield shared
    app.config["WTF_CSRF_ENABLED"] = True


in_savepoints = db_within("ids")


CASES = [(method, path, who) for method, path, refused in ROUTES for who in refused]


@pytest.mark.parametrize(("method", "path", "who"), CASES)
def test_refused_with_403(
    client: FlaskClient,
    ids: dict,
    login_as: Callable,
    writes_nothing: Callable,
    method: str,
    path: str,
    who: str,
) -> None:
    if who == "employee":
        login_as(Role.EMPLOYEE)
    elif who == "outsider":
        login_as(Role.BOARD_MEMBER)
    else:
        start_session(client, _db.session.get(User, ids[who]))
    url = path.format(**ids)
    with writes_nothing():
        answer = client.open(url, method=method, data={"choice": "yes", "note": "x"})
    assert answer.status_code == 403, (method, url, who)


def test_staff_read_released_decisions_only(
    client: FlaskClient, ids: dict, login_as: Callable
) -> None:
    login_as(Role.EMPLOYEE)
    assert client.get("/board/decisions").status_code == 200
    assert client.get(f"/board/decisions/{ids['decision']}").status_code == 403
    start_session(client, _db.session.get(User, ids["chair"]))
    assert client.post(f"/board/decisions/{ids['decision']}/release").status_code == 302
    login_as(Role.EMPLOYEE)
    page = client.get(f"/board/decisions/{ids['decision']}").get_data(as_text=True)
    assert "LG-" in page
    assert "LG-" in client.get(f"/ideas/{ids['idea']}").get_data(as_text=True)


def test_the_deadline_of_a_written_procedure_lies_ahead(
    client: FlaskClient, ids: dict, writes_nothing: Callable
) -> None:
    start_session(client, _db.session.get(User, ids["chair"]))
    board = _db.session.get(Board, ids["board"])
    past = (board.created_at - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    with writes_nothing():
        answer = client.post(
            f"/board/{ids['board']}/written/new",
            data={
                "subject": "other",
                "title": "Thema",
                "deadline": past,
                "motion": "Antrag",
                "secret": "named",
            },
        )
    assert answer.status_code == 422
