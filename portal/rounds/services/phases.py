"""The phases of a round, creating and editing rounds, and ideas joining a round.

The phases live in `PHASES` and nowhere else: collect → screen → score → decide → publish →
closed, one step at a time, each taken by a moderator and recorded as a `RoundEvent`. A step
checks what it needs before anything is written: starting the score phase freezes the weighted
catalogue; closing it marks the ideas with enough submitted assessments as scored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from portal.accounts.models import User
from portal.core.errors import Conflict, DomainError, InvalidTransition
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import FieldOfAction, Idea, IdeaState
from portal.ideas.services.lifecycle import Actor, change_state, check_transition
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Round,
    RoundEvent,
    RoundIdea,
    RoundPhase,
)
from portal.rounds.services import catalogue
from portal.rounds.services.access import require_current, require_moderator

P = RoundPhase

#: Each phase and the one that follows it.
PHASES: dict[RoundPhase, RoundPhase] = {
    P.COLLECT: P.SCREEN,
    P.SCREEN: P.SCORE,
    P.SCORE: P.DECIDE,
    P.DECIDE: P.PUBLISH,
    P.PUBLISH: P.CLOSED,
}

#: Phases in which ideas join the round.
OPEN_FOR_IDEAS = frozenset({P.COLLECT, P.SCREEN})


#: Phases after scoring: the rules the scores were given under stay as they were.
SCORING_SETTLED = frozenset({P.DECIDE, P.PUBLISH, P.CLOSED})


class RoundRefused(DomainError):
    """The round's data does not meet the rules; the message says which."""

    status_code = 422


@dataclass(frozen=True)
class RoundData:
    """What a moderator enters for a round."""

    name: str
    description: str = ""
    field_of_action_ids: frozenset[int] = frozenset()
    budget_euros: int | None = None
    staff_days: int | None = None
    collect_until: date | None = None
    screen_until: date | None = None
    score_until: date | None = None
    decide_until: date | None = None
    publish_on: date | None = None
    blind: bool = True
    min_assessors: int = 3
    disagreement_levels: int = 2
    assessors_named: bool = False


def scoring_settings(round_: Round) -> tuple[bool, int, int]:
    """Return the settings scores are given under: blind mode, assessors per idea, the
    disagreement threshold."""
    return (round_.blind, round_.min_assessors, round_.disagreement_levels)


def _apply(round_: Round, data: RoundData) -> None:
    problems = []
    if not data.name.strip():
        problems.append(_("Give the round a name."))
    dates = [
        d
        for d in (
            data.collect_until,
            data.screen_until,
            data.score_until,
            data.decide_until,
            data.publish_on,
        )
        if d is not None
    ]
    if dates != sorted(dates):
        problems.append(
            _("The phases must end in their order: collect, screen, score, decide, publish.")
        )
    if data.budget_euros is not None and data.budget_euros < 0:
        problems.append(_("The budget cannot be negative."))
    if data.staff_days is not None and data.staff_days < 0:
        problems.append(_("The staff-day capacity cannot be negative."))
    if not 1 <= data.min_assessors <= 20:
        problems.append(_("A round needs between 1 and 20 assessors per idea."))
    if data.disagreement_levels < 1:
        problems.append(_("A disagreement is at least one level apart."))
    if round_.phase in SCORING_SETTLED and scoring_settings(round_) != (
        data.blind,
        data.min_assessors,
        data.disagreement_levels,
    ):
        problems.append(
            _(
                "Blind mode, assessors per idea and the disagreement threshold cannot change "
                "after the score phase."
            )
        )
    if problems:
        raise RoundRefused(" ".join(problems))
    fields = list(
        db.session.scalars(
            select(FieldOfAction).where(FieldOfAction.id.in_(data.field_of_action_ids))
        )
    )
    if len(fields) != len(data.field_of_action_ids):
        raise RoundRefused(_("One of the fields of action does not exist."))
    round_.name = " ".join(data.name.split())
    round_.description = data.description.strip()
    round_.fields_of_action = fields
    round_.budget_euros = data.budget_euros
    round_.staff_days = data.staff_days
    round_.collect_until = data.collect_until
    round_.screen_until = data.screen_until
    round_.score_until = data.score_until
    round_.decide_until = data.decide_until
    round_.publish_on = data.publish_on
    round_.blind = data.blind
    round_.min_assessors = data.min_assessors
    round_.disagreement_levels = data.disagreement_levels
    round_.assessors_named = data.assessors_named


def create_round(data: RoundData, moderator: User, *, at: datetime | None = None) -> Round:
    """Create a round in its collect phase, with an empty catalogue draft."""
    require_moderator(moderator)
    at = at or utcnow()
    round_ = Round(phase=P.COLLECT, created_at=at, updated_at=at)
    _apply(round_, data)
    db.session.add(round_)
    db.session.add(RoundEvent(round=round_, actor_id=moderator.id, to_phase=P.COLLECT, at=at))
    db.session.flush()
    catalogue.open_draft(round_, moderator)
    return round_


def require_changeable(round_: Round) -> None:
    """Refuse changes to the settings of a closed round (409)."""
    if round_.phase is P.CLOSED:
        raise InvalidTransition(_("A closed round cannot change any more."))


def update_round(
    round_: Round, data: RoundData, moderator: User, *, lock_version: int | None = None
) -> None:
    """Save a moderator's changes to *round_* (refused if the form showed an older state)."""
    require_moderator(moderator)
    require_current(round_, lock_version)
    require_changeable(round_)
    _apply(round_, data)
    # A change of the fields of action alone updates no column of the round, so its version
    # would stay and a second tab could overwrite it; the time of the change counts as one.
    round_.updated_at = utcnow()
    db.session.flush()


@dataclass(frozen=True)
class Blocker:
    """Something that keeps a round from its next phase, in words."""

    message: str


@dataclass
class NextStep:
    """The next phase of a round and what must happen before it."""

    target: RoundPhase | None
    blockers: list[Blocker] = field(default_factory=list)

    @property
    def possible(self) -> bool:
        return self.target is not None and not self.blockers


def next_step(round_: Round) -> NextStep:
    """Return the phase *round_* may move to next and what still blocks it."""
    target = PHASES.get(round_.phase)
    step = NextStep(target)
    if target is P.SCORE:
        if not idea_count(round_):
            step.blockers.append(Blocker(_("No idea has joined the round yet.")))
        current = catalogue.draft(round_) or catalogue.latest_frozen(round_)
        if current is None or not current.criteria:
            step.blockers.append(Blocker(_("The catalogue has no criteria yet.")))
        elif current.weighted_at is None or any(c.weight is None for c in current.criteria):
            step.blockers.append(Blocker(_("The board has not weighted the criteria yet.")))
    if target is P.DECIDE:
        if not any_scored(round_):
            step.blockers.append(Blocker(_("No idea has enough submitted assessments yet.")))
        if catalogue.draft(round_) is not None:
            step.blockers.append(
                Blocker(
                    _(
                        "A new version of the catalogue is being drafted; freeze or discard it "
                        "first."
                    )
                )
            )
    return step


def check_move(
    round_: Round, target: RoundPhase, moderator: User, *, lock_version: int | None = None
) -> None:
    """Refuse a move of *round_* to *target* that skips a phase, goes back, comes from a stale
    page or is blocked; writes nothing."""
    require_moderator(moderator)
    require_current(round_, lock_version)
    if PHASES.get(round_.phase) is not target:
        raise InvalidTransition(
            _(
                "A round in the phase “%(source)s” cannot move to “%(target)s”; phases follow "
                "each other one by one.",
                source=round_.phase.label,
                target=target.label,
            )
        )
    step = next_step(round_)
    if step.blockers:
        raise Conflict(" ".join(blocker.message for blocker in step.blockers))


def move_phase(
    round_: Round,
    target: RoundPhase,
    moderator: User,
    *,
    lock_version: int | None = None,
    at: datetime | None = None,
) -> RoundEvent:
    """Move *round_* to *target*, its next phase, and record the step."""
    check_move(round_, target, moderator, lock_version=lock_version)
    at = at or utcnow()
    if target is P.SCORE:
        catalogue.freeze(round_, moderator, at=at)
    if target is P.DECIDE:
        for idea in scored_ideas(round_):
            change_state(idea, IdeaState.SCORED, moderator, module=Actor.ROUNDS, at=at)
    event = RoundEvent(
        round=round_, actor_id=moderator.id, from_phase=round_.phase, to_phase=target, at=at
    )
    round_.phase = target
    db.session.add(event)
    db.session.flush()
    return event


def events(round_: Round) -> list[RoundEvent]:
    """Return the phase moves of *round_*, oldest first."""
    return list(
        db.session.scalars(
            select(RoundEvent).where(RoundEvent.round_id == round_.id).order_by(RoundEvent.at)
        )
    )


def idea_count(round_: Round) -> int:
    """Return how many ideas joined *round_*."""
    return (
        db.session.scalar(select(func.count(RoundIdea.id)).where(RoundIdea.round_id == round_.id))
        or 0
    )


def assessment_progress(round_: Round) -> tuple[int, int]:
    """Return how many assessments of *round_* are submitted, and how many there are (without
    recusals)."""
    submitted, total = db.session.execute(
        select(
            func.count(Assignment.id).filter(Assignment.state == AssignmentState.SUBMITTED),
            func.count(Assignment.id),
        ).where(Assignment.round_id == round_.id, Assignment.state != AssignmentState.RECUSED)
    ).one()
    return submitted or 0, total or 0


def _enough_assessments(round_: Round) -> Select[int]:
    return (
        select(Assignment.idea_id)
        .where(
            Assignment.round_id == round_.id,
            Assignment.state == AssignmentState.SUBMITTED,
        )
        .group_by(Assignment.idea_id)
        .having(func.count(Assignment.id) >= round_.min_assessors)
    )


def scored_count(round_: Round) -> int:
    """Return how many ideas of *round_* have enough submitted assessments, whatever became of
    them since (scored, decided, carried out)."""
    counted = select(func.count()).select_from(_enough_assessments(round_).subquery())
    return db.session.scalar(counted) or 0


def _scored(round_: Round) -> Select[Idea]:
    submitted = _enough_assessments(round_)
    return (
        select(Idea)
        .join(RoundIdea, RoundIdea.idea_id == Idea.id)
        .where(
            RoundIdea.round_id == round_.id,
            Idea.state == IdeaState.ACCEPTED,
            Idea.id.in_(submitted),
        )
        .order_by(Idea.id)
    )


def scored_ideas(round_: Round) -> list[Idea]:
    """Return the accepted ideas of *round_* that at least `min_assessors` assessors scored."""
    return list(db.session.scalars(_scored(round_)))


def any_scored(round_: Round) -> bool:
    """Tell whether an idea of *round_* has enough submitted assessments (without loading the
    ideas: a round of thousands asks this on every page that shows its next step)."""
    return db.session.scalar(_scored(round_).with_only_columns(Idea.id).limit(1)) is not None


def rounds_open_for_ideas() -> list[Round]:
    """Return the rounds an idea may join now, newest first."""
    return list(
        db.session.scalars(
            select(Round).where(Round.phase.in_(OPEN_FOR_IDEAS)).order_by(Round.id.desc())
        )
    )


def round_of(idea: Idea) -> Round | None:
    """Return the round *idea* joined most recently, if any."""
    return db.session.scalar(
        select(Round)
        .join(RoundIdea, RoundIdea.round_id == Round.id)
        .where(RoundIdea.idea_id == idea.id)
        .order_by(RoundIdea.added_at.desc())
        .limit(1)
    )


def check_accept(idea: Idea, user: User) -> None:
    """Refuse unless *user* may accept *idea* into a round now: a moderator, not for their own
    idea, while it is in screening."""
    check_transition(idea, IdeaState.ACCEPTED, user, module=Actor.ROUNDS)


def may_accept(idea: Idea, user: User) -> bool:
    """Tell whether *user* may accept *idea* into a round now."""
    try:
        check_accept(idea, user)
    except DomainError:
        return False
    return True


def accept_into_round(
    idea: Idea, round_: Round, moderator: User, *, at: datetime | None = None
) -> RoundIdea:
    """Accept *idea* (in screening) into *round_*, which must be collecting or screening."""
    if round_.phase not in OPEN_FOR_IDEAS:
        raise InvalidTransition(_("The round “%(name)s” no longer takes ideas.", name=round_.name))
    at = at or utcnow()
    change_state(idea, IdeaState.ACCEPTED, moderator, module=Actor.ROUNDS, at=at)
    joined = RoundIdea(round=round_, idea=idea, added_by_id=moderator.id, added_at=at)
    db.session.add(joined)
    db.session.flush()
    return joined
