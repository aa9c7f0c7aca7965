"""The rules of votes, written procedures, minutes and decisions hold in the services, so a job
or a command that calls them is refused as a page is: the domain error, and nothing written.
(Messages in German, the default language outside a request.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.accounts.models import Role
from portal.board.models import Decision, DecisionOutcome, ItemKind, VoteState
from portal.board.services import access, meetings, votes
from portal.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from portal.core.models import utcnow
from portal.extensions import db
from portal.rounds.models import RoundPhase
from portal.rounds.services import phases
from tests.conftest import start_session
from tests.portal.board.helpers import Setup, board_setup, meeting_in_session

pytestmark = pytest.mark.usefixtures("db")

MOTION = votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut.")


@pytest.fixture
def setup() -> Setup:
    return board_setup()


def closed_vote(setup: Setup) -> votes.Vote:
    """Return the vote on the first item of a meeting in session, adopted and closed."""
    vote = votes.open_vote(meeting_in_session(setup).items[0], MOTION, setup.chair)
    for user in setup.voters:
        votes.cast(vote, user, votes.Choice.YES)
    votes.close_vote(vote, setup.chair)
    return vote


def test_an_item_not_put_to_the_vote_has_no_vote_to_act_on(
    setup: Setup, writes_nothing: Callable
) -> None:
    item = meeting_in_session(setup).items[0]
    with writes_nothing(), pytest.raises(Conflict, match="nicht zur Abstimmung"):
        votes.vote_of(item)
    vote = votes.open_vote(item, MOTION, setup.chair)
    assert votes.vote_of(item) is vote


@pytest.mark.parametrize(
    "act",
    [
        lambda vote, user: votes.cast(vote, user, votes.Choice.NO),
        lambda vote, user: votes.declare_conflict(vote, user, "Mein Bruder leitet das Amt."),
        lambda vote, user: votes.close_vote(vote, user),
    ],
    ids=["cast", "declare_conflict", "close_vote"],
)
def test_a_closed_vote_refuses_every_change(
    setup: Setup, writes_nothing: Callable, act: Callable[..., object]
) -> None:
    vote = closed_vote(setup)
    with writes_nothing(), pytest.raises(Conflict, match="geschlossen"):
        act(vote, setup.chair)
    assert vote.state is VoteState.CLOSED


def test_an_item_is_put_to_the_vote_once_in_a_meeting_or_in_writing(
    setup: Setup, writes_nothing: Callable
) -> None:
    item = meeting_in_session(setup).items[0]
    votes.open_vote(item, MOTION, setup.chair)
    with writes_nothing():
        with pytest.raises(Conflict, match="bereits"):
            votes.open_vote(item, MOTION, setup.chair)
        with pytest.raises(Conflict, match="bereits"):
            votes.send_written(item, MOTION, utcnow() + timedelta(days=2), setup.chair)


def test_only_a_written_procedure_is_referred_to_a_meeting(
    setup: Setup, writes_nothing: Callable
) -> None:
    vote = votes.open_vote(meeting_in_session(setup).items[0], MOTION, setup.chair)
    with writes_nothing(), pytest.raises(Conflict, match="Umlaufverfahren"):
        votes.refer_to_meeting(vote, setup.members[0])
    assert vote.state is VoteState.OPEN


def test_a_written_procedure_on_another_topic_needs_a_title(
    setup: Setup, writes_nothing: Callable
) -> None:
    with writes_nothing(), pytest.raises(DomainError, match="Titel"):
        meetings.written_item(setup.board, None, "  ", "Notiz")
    item = meetings.written_item(setup.board, None, " Haushalt 2027 ", " Notiz ")
    assert (item.kind, item.title, item.notes) == (ItemKind.OTHER, "Haushalt 2027", "Notiz")
    motion = votes.MotionData("Der Haushalt wird zur Kenntnis genommen.")
    vote = votes.send_written(item, motion, utcnow() + timedelta(days=2), setup.chair)
    assert vote.item.id is not None


def test_a_written_procedure_takes_only_a_scored_idea_of_the_boards_rounds(
    setup: Setup, writes_nothing: Callable
) -> None:
    other = board_setup(code="DZ")
    with writes_nothing():
        with pytest.raises(Conflict, match="nicht dieses Gremium"):
            meetings.written_item(setup.board, (other.round.id, other.ideas[0].id), "", "")
        with pytest.raises(NotFound):
            meetings.written_item(setup.board, (setup.round.id, other.ideas[0].id), "", "")
    item = meetings.written_item(setup.board, (setup.round.id, setup.ideas[0].id), "", "Eilt")
    assert (item.kind, item.idea, item.notes) == (ItemKind.IDEA, setup.ideas[0], "Eilt")


def test_minutes_are_corrected_by_the_chair_until_they_are_approved(setup: Setup) -> None:
    vote = closed_vote(setup)
    meeting = vote.item.meeting
    assert meeting is not None
    assert not meetings.may_correct_minutes(meeting, setup.chair)  # not held yet
    meetings.close_meeting(meeting, setup.chair)
    assert meetings.may_correct_minutes(meeting, setup.chair)
    assert meetings.may_correct_minutes(meeting, setup.deputy)
    assert not meetings.may_correct_minutes(meeting, setup.members[0])
    assert not meetings.may_correct_minutes(meeting, setup.moderator)


def test_an_unreleased_decision_is_read_only_by_the_board_and_its_keepers(
    client: FlaskClient, setup: Setup, login_as: Callable
) -> None:
    vote = closed_vote(setup)
    decision = db.session.scalar(select(Decision).where(Decision.vote_id == vote.id))
    assert decision is not None
    outsider = login_as(Role.EMPLOYEE)
    for reader in (setup.guest, setup.members[0], setup.moderator):
        access.require_read_decision(decision, reader)
    with pytest.raises(Forbidden):
        access.require_read_decision(decision, outsider)
    start_session(client, setup.chair)
    db.session.commit()
    assert client.get(f"/board/decisions/{decision.id}").status_code == 200
    start_session(client, outsider)
    assert client.get(f"/board/decisions/{decision.id}").status_code == 403
    decision.released_at = utcnow()
    db.session.commit()
    access.require_read_decision(decision, outsider)
    assert client.get(f"/board/decisions/{decision.id}").status_code == 200


def test_a_closed_round_refuses_changes_to_its_settings(
    setup: Setup, writes_nothing: Callable
) -> None:
    phases.require_changeable(setup.round)
    setup.round.phase = RoundPhase.CLOSED
    db.session.flush()
    with writes_nothing(), pytest.raises(InvalidTransition, match="abgeschlossene Runde"):
        phases.require_changeable(setup.round)
