"""Votes, decisions and minutes of a board meeting, and the written procedure, through the pages:
the rules hold, every refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from portal.board.models import (
    Ballot,
    Decision,
    DecisionOutcome,
    MeetingState,
    RecusalReason,
    SecretChoice,
    Vote,
    VoteResult,
    VoteState,
)
from portal.board.services import meetings, standing, votes
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import IdeaState
from portal.notifications.models import Notification
from portal.rounds.services import ranking
from tests.conftest import (
    SharedData,
    db_within,
    kept,
    loaded,
    shared_database,
    start_session,
)
from tests.portal.board.helpers import Setup, board_setup, meeting_in_session

pytestmark = pytest.mark.usefixtures("db")


def approve(item_id: int, **extra: str) -> dict[str, str]:
    return {
        "motion": "Die Lenkungsgruppe beschließt die Umsetzung.",
        "secret": "named",
        "outcome": "approved",
        "reason": "Hoher Nutzen für Bürgerinnen und Bürger.",
        **extra,
    }


def post(client: FlaskClient, path: str, data: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return client.post(path, data=data or {})


@pytest.fixture(scope="module")
def board_data(app: Flask) -> Iterator[SharedData]:
    """The board and its scored round, built once for the module; each test plans its own
    meetings."""
    with shared_database(app) as shared:
        shared["setup"] = kept(board_setup())
        db.session.commit()
        yield shared


# Every test runs in a savepoint of the board.
in_savepoints = db_within("board_data")


@pytest.fixture
def setup(app: Flask, db: object, board_data: SharedData) -> Iterator[Setup]:
    app.config["WTF_CSRF_ENABLED"] = False
    yield loaded(board_data["setup"])
    app.config["WTF_CSRF_ENABLED"] = True


def test_a_meeting_suggests_the_scored_ideas_in_rank_order(
    client: FlaskClient, setup: Setup
) -> None:
    start_session(client, setup.moderator)
    start = utcnow() + timedelta(days=3)
    meeting = meetings.create_meeting(
        setup.board,
        meetings.MeetingData("Sitzung", start, start + timedelta(hours=1), place="Rathaus"),
        setup.moderator,
    )
    html = client.get(f"/board/meetings/{meeting.id}").get_data(as_text=True)
    positions = [html.index(f"#{idea.id} {idea.title}") for idea in setup.ideas]
    assert positions == sorted(positions)
    assert "Rang 1" in html or "Rank 1" in html


def test_members_vote_with_one_recused_and_the_result_follows_the_rules(
    client: FlaskClient, setup: Setup
) -> None:
    meeting = meeting_in_session(setup)
    second = meeting.items[1]  # idea by Petra Becker: she is recused
    start_session(client, setup.chair)
    assert post(client, f"/board/items/{second.id}/vote", approve(second.id)).status_code == 302
    vote = db.session.scalar(select(Vote).where(Vote.item_id == second.id))
    assert [(r.member.user.name, r.reason) for r in vote.recusals] == [
        ("Petra Becker", RecusalReason.AUTHOR)
    ]
    for user, choice in zip(setup.voters, ["yes", "yes", "no", "abstain", "yes"], strict=True):
        start_session(client, user)
        answer = post(client, f"/board/items/{second.id}/cast", {"choice": choice})
        expected = 403 if user is setup.members[2] else 302
        assert answer.status_code == expected, user.name
    start_session(client, setup.chair)
    assert post(client, f"/board/items/{second.id}/close").status_code == 302
    db.session.refresh(vote)
    assert (vote.state, vote.result, vote.yes, vote.no, vote.abstain, vote.eligible) == (
        VoteState.CLOSED,
        VoteResult.ADOPTED,
        2,
        1,
        1,
        4,
    )
    decision = db.session.scalar(select(Decision).where(Decision.vote_id == vote.id))
    assert decision.reference == f"LG-{decision.decided_at.year}/001"
    assert decision.rank == 2
    assert decision.breakdown
    assert decision.score is not None
    db.session.refresh(decision.idea)
    assert decision.idea.state is IdeaState.DECIDED


def test_the_org_unit_above_a_members_office_recuses_them(setup: Setup) -> None:
    meeting = meeting_in_session(setup)
    vote = votes.open_vote(
        meeting.items[2],
        votes.MotionData("Antrag", outcome=DecisionOutcome.REJECTED, reason="Zu teuer."),
        setup.chair,
    )
    assert [(r.member.user, r.reason) for r in vote.recusals] == [
        (setup.members[1], RecusalReason.ORG_UNIT)
    ]


@pytest.mark.parametrize("who", ["outsider", "guest", "recused", "absent"])
def test_votes_of_those_without_a_vote_are_refused(
    client: FlaskClient, setup: Setup, who: str, writes_nothing: Callable, login_as: Callable
) -> None:
    present = [setup.chair, setup.deputy, setup.members[0], setup.members[2], setup.guest]
    meeting = meeting_in_session(setup, present=present)
    item = meeting.items[1]
    votes.open_vote(
        item,
        votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
        setup.chair,
    )
    user = {"guest": setup.guest, "recused": setup.members[2], "absent": setup.members[1]}.get(who)
    if user is None:
        login_as(*setup.chair.roles)
    else:
        start_session(client, user)
    with writes_nothing():
        answer = post(client, f"/board/items/{item.id}/cast", {"choice": "yes"})
    assert answer.status_code == 403


def test_a_second_vote_and_a_vote_after_closing_are_refused(
    client: FlaskClient, setup: Setup, writes_nothing: Callable
) -> None:
    meeting = meeting_in_session(setup)
    item = meeting.items[0]
    votes.open_vote(
        item,
        votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
        setup.chair,
    )
    start_session(client, setup.deputy)
    assert post(client, f"/board/items/{item.id}/cast", {"choice": "yes"}).status_code == 302
    with writes_nothing():
        answer = post(client, f"/board/items/{item.id}/cast", {"choice": "no"})
    assert answer.status_code == 409
    assert "bereits" in answer.get_data(as_text=True) or "already" in answer.get_data(as_text=True)
    start_session(client, setup.chair)
    post(client, f"/board/items/{item.id}/cast", {"choice": "yes"})
    post(client, f"/board/items/{item.id}/close")
    start_session(client, setup.members[0])
    with writes_nothing():
        assert post(client, f"/board/items/{item.id}/cast", {"choice": "yes"}).status_code == 409


def test_a_departure_from_the_ranking_needs_an_explanation(
    client: FlaskClient, setup: Setup, writes_nothing: Callable
) -> None:
    meeting = meeting_in_session(setup)
    first, _second, third = meeting.items
    vote = votes.open_vote(
        first,
        votes.MotionData(
            "Zurückstellen", outcome=DecisionOutcome.DEFERRED, reason="Haushalt offen."
        ),
        setup.chair,
    )
    for user in setup.voters:
        votes.cast(vote, user, votes.Choice.YES)
    votes.close_vote(vote, setup.chair)
    start_session(client, setup.chair)
    with writes_nothing():
        answer = post(client, f"/board/items/{third.id}/vote", approve(third.id))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Beschlussvorschlag" in page or "Motion" in page
    assert "zurückgestellt" in page or "deferred" in page
    explained = approve(third.id, explanation="Förderprogramm des Landes läuft 2026 aus.")
    assert post(client, f"/board/items/{third.id}/vote", explained).status_code == 302


def test_the_standing_is_the_rounds_ranking(client: FlaskClient, setup: Setup) -> None:
    ranked = ranking.rank(ranking.round_inputs(setup.round))
    found = standing.round_standings(setup.round)
    assert [found[idea.id].rank for idea in setup.ideas] == [1, 2, 3, 4]
    assert [found[idea.id].score for idea in setup.ideas] == pytest.approx(
        [float(ranked.scores[row]) for row in range(len(setup.ideas))]
    )
    meeting = meeting_in_session(setup)
    start_session(client, setup.chair)
    page = client.get(f"/board/items/{meeting.items[0].id}").get_data(as_text=True)
    # The round has neither a budget nor staff days: there is no proposal to be in or out of.
    assert "kein Portfoliovorschlag" in page or "no portfolio proposal" in page


def test_approving_outside_the_portfolio_proposal_needs_an_explanation(
    client: FlaskClient, setup: Setup, writes_nothing: Callable
) -> None:
    # The budget funds the two best ideas, which are also the cheapest.
    first, second, third, _fourth = setup.ideas
    setup.round.budget_euros = (first.cost_euros or 0) + (second.cost_euros or 0)
    setup.round.staff_days = 100_000
    db.session.flush()
    found = standing.round_standings(setup.round)
    assert [found[i.id].in_portfolio for i in setup.ideas] == [True, True, False, False]
    meeting = meeting_in_session(setup)
    item = meeting.items[2]
    assert item.idea_id == third.id
    start_session(client, setup.chair)
    shown = client.get(f"/board/items/{item.id}").get_data(as_text=True)
    assert "außerhalb des Portfoliovorschlags" in shown or "outside the portfolio proposal" in shown
    with writes_nothing():
        answer = post(client, f"/board/items/{item.id}/vote", approve(item.id))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Portfoliovorschlag" in page or "portfolio proposal" in page
    explained = approve(item.id, explanation="Der Stadtrat hat die Umsetzung beauftragt.")
    assert post(client, f"/board/items/{item.id}/vote", explained).status_code == 302


def test_a_meeting_without_quorum_cannot_decide(
    client: FlaskClient, setup: Setup, writes_nothing: Callable
) -> None:
    meeting = meeting_in_session(setup, present=[setup.chair, setup.members[0]])
    item = meeting.items[0]
    start_session(client, setup.chair)
    with writes_nothing():
        answer = post(client, f"/board/items/{item.id}/vote", approve(item.id))
    assert answer.status_code == 409
    assert "2" in answer.get_data(as_text=True)


def test_an_idea_of_another_boards_round_cannot_go_on_the_agenda(
    client: FlaskClient, setup: Setup, writes_nothing: Callable
) -> None:
    other = board_setup(code="DZ")
    start = utcnow() + timedelta(days=3)
    meeting = meetings.create_meeting(
        setup.board,
        meetings.MeetingData("Sitzung", start, start + timedelta(hours=1), place="Rathaus"),
        setup.moderator,
    )
    start_session(client, setup.moderator)
    with writes_nothing():
        answer = post(
            client,
            f"/board/meetings/{meeting.id}/ideas",
            {"chosen": f"{other.round.id}:{other.ideas[0].id}"},
        )
    assert answer.status_code == 409


def test_a_secret_vote_keeps_choices_apart_from_the_voters(setup: Setup) -> None:
    meeting = meeting_in_session(setup)
    vote = votes.open_vote(
        meeting.items[0],
        votes.MotionData("Antrag", secret=True, outcome=DecisionOutcome.REJECTED, reason="Nein."),
        setup.chair,
    )
    for user, choice in zip(setup.voters, ["yes", "no", "no", "no", "abstain"], strict=True):
        votes.cast(vote, user, votes.Choice(choice))
    ballots = db.session.scalars(select(Ballot).where(Ballot.vote_id == vote.id)).all()
    assert len(ballots) == 5
    assert all(b.choice is None for b in ballots)
    secret = db.session.scalars(
        select(SecretChoice.choice).where(SecretChoice.vote_id == vote.id)
    ).all()
    assert sorted(c.value for c in secret) == ["abstain", "no", "no", "no", "yes"]
    assert {column.name for column in SecretChoice.__table__.columns} == {
        "id",
        "vote_id",
        "choice",
        "municipality_id",
    }
    result = votes.close_vote(vote, setup.chair)
    assert (result.yes, result.no, result.abstain) == (1, 3, 1)


def test_a_written_procedure_closes_at_its_deadline_by_the_job(
    client: FlaskClient, setup: Setup
) -> None:
    start_session(client, setup.chair)
    deadline = (utcnow() + timedelta(days=2)).astimezone().replace(tzinfo=None)
    answer = post(
        client,
        f"/board/{setup.board.id}/written/new",
        {
            "subject": f"{setup.round.id}:{setup.ideas[0].id}",
            "deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
            **approve(0),
        },
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    vote = db.session.scalar(select(Vote).where(Vote.mode == votes.VoteMode.WRITTEN))
    assert db.session.scalar(
        select(Notification).where(Notification.kind == "board.written_opened")
    )
    for user in (setup.chair, setup.deputy, setup.members[0]):
        votes.cast(vote, user, votes.Choice.YES)
    # Opening the page decides nothing; the job does, once the deadline has passed.
    client.get(f"/board/items/{vote.item_id}")
    assert votes.close_written() == 0
    assert votes.close_written(at=utcnow() + timedelta(days=3)) == 1
    db.session.refresh(vote)
    assert (vote.state, vote.result, vote.present, vote.eligible) == (
        VoteState.CLOSED,
        VoteResult.ADOPTED,
        3,
        5,
    )


def test_a_member_can_demand_a_meeting_instead(client: FlaskClient, setup: Setup) -> None:
    item = meetings.idea_item(setup.board, setup.round.id, setup.ideas[0].id)
    db.session.add(item)
    vote = votes.send_written(
        item,
        votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
        utcnow() + timedelta(days=2),
        setup.chair,
    )
    start_session(client, setup.members[0])
    assert post(client, f"/board/items/{item.id}/refer").status_code == 302
    db.session.refresh(vote)
    assert vote.state is VoteState.REFERRED
    assert setup.ideas[0] in [s.idea for s in meetings.suggestions(setup.board)]


def test_minutes_are_generated_corrected_and_approved_by_the_next_meeting(
    client: FlaskClient, setup: Setup, writes_nothing: Callable
) -> None:
    meeting = meeting_in_session(setup)
    vote = votes.open_vote(
        meeting.items[0],
        votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
        setup.chair,
    )
    votes.cast(vote, setup.deputy, votes.Choice.YES)
    votes.close_vote(vote, setup.chair)
    start_session(client, setup.chair)
    assert post(client, f"/board/meetings/{meeting.id}/close", {"confirm": "1"}).status_code == 302
    db.session.refresh(meeting)
    assert meeting.state is MeetingState.HELD
    assert "Thomas Weber" in meeting.minutes
    assert "LG-" in meeting.minutes
    corrected = meeting.minutes + "\nErgänzung der Vorsitzenden.\n"
    answer = post(
        client,
        f"/board/meetings/{meeting.id}/minutes",
        {"text": corrected, "lock_version": str(meeting.lock_version)},
    )
    assert answer.status_code == 302
    start = meeting.starts_at + timedelta(days=30)
    later = meetings.create_meeting(
        setup.board,
        meetings.MeetingData("2. Sitzung", start, start + timedelta(hours=1), place="Rathaus"),
        setup.moderator,
    )
    meetings.add_topic(later, votes.ItemKind.REPORT, "Bericht", "", setup.moderator)
    meetings.invite(later, setup.moderator)
    meetings.record_attendance(later, {m.id for m in setup.board.members}, setup.chair)
    assert (
        post(
            client, f"/board/meetings/{later.id}/approve-minutes", {"meeting_id": str(meeting.id)}
        ).status_code
        == 302
    )
    db.session.refresh(meeting)
    assert meeting.state is MeetingState.MINUTES_APPROVED
    with writes_nothing():
        frozen = post(
            client,
            f"/board/meetings/{meeting.id}/minutes",
            {"text": "Neu", "lock_version": str(meeting.lock_version)},
        )
    assert frozen.status_code == 409


def test_the_ics_file_describes_the_meeting(client: FlaskClient, setup: Setup) -> None:
    meeting = meeting_in_session(setup)
    start_session(client, setup.members[0])
    answer = client.get(f"/board/meetings/{meeting.id}.ics")
    assert answer.mimetype == "text/calendar"
    event = Calendar.from_ical(answer.data).walk("VEVENT")[0]
    assert event["LOCATION"] == "Rathaus, Raum 101"
    assert event.decoded("DTSTART") == meeting.starts_at


def test_the_meeting_page_leads_a_member_to_the_votes_open_for_them(
    client: FlaskClient, setup: Setup
) -> None:
    meeting = meeting_in_session(setup, present=[setup.chair, setup.deputy, setup.members[0]])
    first = meeting.items[0]
    votes.open_vote(
        first,
        votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
        setup.chair,
    )
    link = f"/board/items/{first.id}#h-vote"
    start_session(client, setup.members[0])
    assert link in client.get(f"/board/meetings/{meeting.id}").get_data(as_text=True)
    post(client, f"/board/items/{first.id}/cast", {"choice": "yes"})
    assert link not in client.get(f"/board/meetings/{meeting.id}").get_data(as_text=True)
    # Absent members and guests have no vote to cast.
    for user in (setup.members[1], setup.guest):
        start_session(client, user)
        assert link not in client.get(f"/board/meetings/{meeting.id}").get_data(as_text=True)


def test_release_is_offered_while_a_decision_of_the_meeting_waits(
    client: FlaskClient, setup: Setup
) -> None:
    meeting = meeting_in_session(setup)
    vote = votes.open_vote(
        meeting.items[0],
        votes.MotionData("Antrag", outcome=DecisionOutcome.APPROVED, reason="Gut."),
        setup.chair,
    )
    for user in setup.voters:
        votes.cast(vote, user, votes.Choice.YES)
    votes.close_vote(vote, setup.chair)
    meetings.close_meeting(meeting, setup.chair)
    release = f"/board/meetings/{meeting.id}/release"
    start_session(client, setup.chair)
    assert release in client.get(f"/board/meetings/{meeting.id}").get_data(as_text=True)
    assert post(client, release).status_code == 302
    assert release not in client.get(f"/board/meetings/{meeting.id}").get_data(as_text=True)
