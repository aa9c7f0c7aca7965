"""A board with a round in its decide phase: ideas scored in a known order, members seated."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from portal.accounts.models import OrgUnit, Role, User
from portal.board.models import Board, BoardFunction, MajorityRule, Meeting
from portal.board.services import boards, meetings
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea, IdeaState
from portal.ideas.services.lifecycle import Actor, change_state
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Direction,
    MeasuredSource,
    Round,
    RoundPhase,
    Score,
)
from portal.rounds.services import catalogue
from portal.rounds.services.phases import accept_into_round
from tests import factories

_rounds = itertools.count(1)


@dataclass
class Setup:
    """What the tests of the board work with."""

    board: Board
    round: Round
    #: Best ranked first.
    ideas: list[Idea]
    moderator: User
    chair: User
    deputy: User
    members: list[User]
    guest: User
    unit: OrgUnit

    @property
    def voters(self) -> list[User]:
        return [self.chair, self.deputy, *self.members]


def scored_round(
    moderator: User, count: int = 4, *, author: User | None = None, unit: OrgUnit | None = None
) -> tuple[Round, list[Idea]]:
    """Return a round in its decide phase whose *count* scored ideas rank in creation order."""
    round_ = factories.prioritisation_round(moderator=moderator, name=f"Runde {next(_rounds)}")
    round_.min_assessors = 1
    catalogue.start_from_template(round_, "digital", moderator)
    ideas = []
    for number in range(count):
        idea = factories.idea(title=f"Idee {number + 1}", author=author if number == 1 else None)
        if unit is not None and number == 2:
            idea.org_units = [unit]
        change_state(idea, IdeaState.SCREENING, moderator)
        accept_into_round(idea, round_, moderator)
        ideas.append(idea)
    drafted = catalogue.draft(round_)
    assert drafted is not None
    for criterion in drafted.criteria:
        criterion.weight = 1 / len(drafted.criteria)
    drafted.weighted_at = utcnow()
    frozen, _invalidated = catalogue.freeze(round_, moderator)
    assessor = factories.user(roles={Role.ASSESSOR})
    for rank, idea in enumerate(ideas):
        assignment = Assignment(
            round=round_,
            idea=idea,
            assessor=assessor,
            state=AssignmentState.SUBMITTED,
            submitted_at=utcnow(),
        )
        db.session.add(assignment)
        share = rank / count
        for criterion in frozen.criteria:
            span = criterion.scale_max - criterion.scale_min
            good = share if criterion.direction is Direction.COST else 1 - share
            value = criterion.scale_min + span * good
            if criterion.source is MeasuredSource.IDEA_COST:
                idea.cost_euros = round(value)
            elif criterion.source is MeasuredSource.IDEA_EFFORT:
                idea.effort_days = round(value)
            else:
                db.session.add(Score(assignment=assignment, criterion=criterion, value=value))
        db.session.flush()
        change_state(idea, IdeaState.SCORED, moderator, module=Actor.ROUNDS)
    round_.phase = RoundPhase.DECIDE
    db.session.flush()
    return round_, ideas


def board_setup(**rules: object) -> Setup:
    """Return a board of a chair, a deputy, three members and a guest deciding a scored round.

    The author of the second idea is the third member; the third idea affects the org unit of
    the second member's office's parent.
    """
    moderator = factories.user(roles={Role.MODERATOR, Role.EMPLOYEE})
    unit = factories.org_unit(name="Dezernat II")
    office = factories.org_unit(name="Ordnungsamt", parent=unit)
    chair = factories.user(roles={Role.BOARD_MEMBER}, name="Stefan Brandt")
    deputy = factories.user(roles={Role.BOARD_MEMBER}, name="Thomas Weber")
    members = [
        factories.user(roles={Role.BOARD_MEMBER}, name="Anna Fischer"),
        factories.user(roles={Role.BOARD_MEMBER}, name="Markus Wagner", org_unit=office),
        factories.user(roles={Role.BOARD_MEMBER, Role.EMPLOYEE}, name="Petra Becker"),
    ]
    guest = factories.user(roles={Role.BOARD_MEMBER}, name="Gast Gastmann")
    round_, ideas = scored_round(moderator, author=members[2], unit=unit)
    board = boards.create_board(
        boards.BoardData(
            name="Lenkungsgruppe",
            code=str(rules.pop("code", "LG")),
            term_start=date(2026, 1, 1),
            round_ids=frozenset({round_.id}),
            majority=rules.pop("majority", MajorityRule.SIMPLE),  # type: ignore[arg-type]
            **rules,  # type: ignore[arg-type]
        ),
        moderator,
    )
    for user, function in [
        (chair, BoardFunction.CHAIR),
        (deputy, BoardFunction.DEPUTY),
        *((m, BoardFunction.MEMBER) for m in members),
        (guest, BoardFunction.GUEST),
    ]:
        boards.add_member(board, user, function, moderator)
    return Setup(board, round_, ideas, moderator, chair, deputy, members, guest, unit)


def meeting_in_session(
    setup: Setup, *, present: list[User] | None = None, items: int = 3
) -> Meeting:
    """Return a meeting of *setup*'s board with the first *items* ideas on its agenda, invited,
    with *present* (default: everybody) recorded as present."""
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    meeting = meetings.create_meeting(
        setup.board,
        meetings.MeetingData(
            "1. Sitzung", start, start + timedelta(hours=2), place="Rathaus, Raum 101"
        ),
        setup.moderator,
    )
    meetings.add_idea_items(
        meeting, [(setup.round.id, i.id) for i in setup.ideas[:items]], setup.moderator
    )
    meetings.invite(meeting, setup.moderator)
    people = [*setup.voters, setup.guest] if present is None else present
    ids = {m.id for m in setup.board.members if m.user in people}
    meetings.record_attendance(meeting, ids, setup.chair)
    return meeting
