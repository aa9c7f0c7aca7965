"""The board's pages run a bounded number of SQL statements, however long the agenda or the list
of decisions."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from portal.board.models import AgendaItem, DecisionOutcome, ItemKind, Meeting
from portal.board.services import decisions, meetings, votes
from portal.extensions import db
from tests.conftest import start_session
from tests.portal.board.helpers import Setup, board_setup, meeting_in_session

pytestmark = pytest.mark.usefixtures("db")


def _decide(setup: Setup, items: list[AgendaItem]) -> None:
    """Put *items* to a named vote, let every member vote and close it."""
    for item in items:
        vote = votes.open_vote(
            item,
            votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
            setup.chair,
        )
        recused = {r.member_id for r in vote.recusals}
        for member in setup.board.members:
            if member.function.votes and member.id not in recused:
                votes.cast(vote, member.user, votes.Choice.YES)
        votes.close_vote(vote, setup.chair)


def _counts(client: FlaskClient, count_queries: Callable, paths: list[str]) -> list[int]:
    found = []
    for path in paths:
        assert client.get(path).status_code == 200, path
        with count_queries() as statements:
            client.get(path)
        found.append(len(statements))
    return found


def test_board_pages_take_a_bounded_number_of_statements(
    client: FlaskClient, count_queries: Callable
) -> None:
    setup = board_setup()
    meeting: Meeting = meeting_in_session(setup, items=2)
    meetings.add_topic(meeting, ItemKind.REPORT, "Bericht", "", setup.chair)
    _decide(setup, meeting.items[:2])
    decisions.release(decisions.of_meeting(meeting), setup.chair)
    db.session.commit()
    first = meeting.items[0]

    def paths() -> list[str]:
        return [
            f"/board/meetings/{meeting.id}",
            f"/board/items/{first.id}",
            f"/board/{setup.board.id}",
            "/board/decisions",
        ]

    start_session(client, setup.chair)
    few = _counts(client, count_queries, paths())
    # Two more ideas and two more topics, decided and released: no page runs more statements.
    more = meetings.add_idea_items(
        meeting, [(setup.round.id, idea.id) for idea in setup.ideas[2:]], setup.moderator
    )
    for title in ("Bericht 2", "Sonstiges"):
        meetings.add_topic(meeting, ItemKind.OTHER, title, "", setup.chair)
    _decide(setup, more)
    decisions.release(decisions.of_meeting(meeting), setup.chair)
    db.session.commit()
    many = _counts(client, count_queries, paths())
    assert many == few
    # Meeting 29, item 27, board 23, decisions 5 when written; the ranking of the round is read
    # once per round on a page (twice on a meeting whose agenda is open: items and suggestions).
    assert max(few) <= 30, few
