"""Approved decisions of the board to make projects from, and a project with its team."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from portal.accounts.models import Role, User
from portal.board.models import Decision, DecisionOutcome
from portal.board.services import decisions, votes
from portal.projects.models import Project, Wave
from portal.projects.services import projects, waves
from tests import factories
from tests.portal.board.helpers import Setup, board_setup, meeting_in_session


@dataclass
class Places:
    """What the tests of projects work with."""

    setup: Setup
    approved: Decision
    rejected: Decision
    project: Project
    wave: Wave
    owner: User
    member: User
    spare: Decision


def decide(setup: Setup, outcomes: list[DecisionOutcome]) -> list[Decision]:
    """Decide the first ideas of *setup*'s round with *outcomes*, in a meeting."""
    meeting = meeting_in_session(setup, items=len(outcomes))
    found = []
    for item, outcome in zip(meeting.items, outcomes, strict=True):
        departs = decisions.departure(setup.board, setup.round, item.idea, outcome)
        vote = votes.open_vote(
            item,
            votes.MotionData(
                "Antrag",
                outcome=outcome,
                reason="Begründung.",
                explanation="Erklärt." if departs else "",
            ),
            setup.chair,
        )
        for voter in setup.voters:
            if not any(r.member.user_id == voter.id for r in vote.recusals):
                votes.cast(vote, voter, votes.Choice.YES)
        votes.close_vote(vote, setup.chair)
    found = decisions.of_meeting(meeting)
    return found


def places() -> Places:
    """Return a board's decisions (approved, rejected, approved) and a project of the first."""
    setup = board_setup()
    waves.ensure_default_roles()
    approved, rejected, spare = decide(
        setup, [DecisionOutcome.APPROVED, DecisionOutcome.REJECTED, DecisionOutcome.APPROVED]
    )
    wave = waves.save_wave(
        None,
        waves.WaveData("Welle 1", date(2026, 1, 1), date(2027, 6, 30)),
        setup.moderator,
    )
    owner = factories.user(roles={Role.EMPLOYEE}, name="Olga Owner")
    member = factories.user(roles={Role.EMPLOYEE}, name="Tim Team")
    role = projects.active_roles()[0]
    project = projects.create_project(
        approved,
        projects.ProjectData(
            title="Online-Termine",
            owner_id=owner.id,
            starts_on=date(2026, 2, 1),
            ends_on=date(2027, 1, 31),
            wave_id=wave.id,
            team=[(member.id, role.id)],
        ),
        setup.moderator,
    )
    return Places(setup, approved, rejected, project, wave, owner, member, spare)
