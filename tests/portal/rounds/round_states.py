"""Rounds in the states the tests of the round pages need: with a catalogue from a template,
weighted, with ideas, in the score phase with assessments and scores."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from portal.accounts.models import Role, User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea, IdeaState
from portal.ideas.services import lifecycle
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    RecusalReason,
    Round,
    RoundIdea,
    RoundPhase,
    Score,
    WeightingMethod,
)
from portal.rounds.services import catalogue, phases
from tests import factories


def moderator() -> User:
    return factories.user(roles={Role.MODERATOR, Role.EMPLOYEE})


def round_with_template(by: User, key: str = "kompakt", name: str = "Priorisierung 2027") -> Round:
    """A collecting round whose draft holds the criteria of template *key*."""
    round_ = factories.prioritisation_round(moderator=by, name=name)
    catalogue.start_from_template(round_, key, by)
    return round_


def weigh(found: Catalogue) -> None:
    """Give the criteria of *found* equal weights, as the board would by points."""
    for criterion in found.criteria:
        criterion.weight = 1 / len(found.criteria)
    found.weighting = WeightingMethod.POINTS
    found.weighted_at = utcnow()
    db.session.flush()


def accept(round_: Round, by: User, title: str = "Online-Terminvergabe im Bürgeramt") -> Idea:
    """An idea by a colleague, screened and accepted into *round_* by *by*."""
    idea = factories.idea(title=title)
    lifecycle.change_state(idea, IdeaState.SCREENING, by)
    phases.accept_into_round(idea, round_, by)
    return idea


def scoring_round(by: User, key: str = "kompakt") -> tuple[Round, Idea]:
    """A round in its score phase, catalogue version 1 frozen, with one accepted idea."""
    round_ = round_with_template(by, key)
    idea = accept(round_, by)
    draft = catalogue.draft(round_)
    assert draft is not None
    weigh(draft)
    phases.move_phase(round_, RoundPhase.SCREEN, by)
    phases.move_phase(round_, RoundPhase.SCORE, by)
    return round_, idea


def scored(round_: Round, idea: Idea, *, submitted: bool = True, value: float = 2) -> Assignment:
    """An assessor's assessment of *idea* with a score on every criterion in force."""
    frozen = catalogue.latest_frozen(round_)
    assert frozen is not None
    assignment = Assignment(
        round_id=round_.id,
        idea_id=idea.id,
        assessor_id=factories.user(roles={Role.ASSESSOR}).id,
        state=AssignmentState.SUBMITTED if submitted else AssignmentState.OPEN,
        submitted_at=utcnow() if submitted else None,
    )
    assignment.scores = [
        Score(criterion_id=criterion.id, value=min(value, criterion.scale_max))
        for criterion in frozen.criteria
    ]
    db.session.add(assignment)
    db.session.flush()
    return assignment


def assigned(round_: Round, idea: Idea, assessor: User | None = None) -> Assignment:
    """An open assignment of *assessor* (default: a new assessor) to *idea*, without scores."""
    assignment = Assignment(
        round_id=round_.id,
        idea_id=idea.id,
        assessor_id=(assessor or factories.user(roles={Role.ASSESSOR})).id,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def ranked_round(
    by: User, titles: Sequence[str], *, key: str = "kompakt", cost: int | None = 10_000
) -> tuple[Round, list[Idea]]:
    """A round in its score phase with one accepted idea per title, each with *cost* as its
    cost estimate, and no assessment yet."""
    round_ = round_with_template(by, key)
    ideas = []
    for title in titles:
        idea = accept(round_, by, title)
        idea.cost_euros = cost
        ideas.append(idea)
    draft = catalogue.draft(round_)
    assert draft is not None
    weigh(draft)
    phases.move_phase(round_, RoundPhase.SCREEN, by)
    phases.move_phase(round_, RoundPhase.SCORE, by)
    return round_, ideas


def assess(
    round_: Round,
    idea: Idea,
    values: Mapping[str, float],
    *,
    assessor: User | None = None,
    state: AssignmentState = AssignmentState.SUBMITTED,
    justifications: Mapping[str, str] | None = None,
) -> Assignment:
    """An assessment of *idea* by *assessor* (default: a new assessor) in *state*, with a score
    for each criterion key in *values* (others stay unscored)."""
    frozen = catalogue.latest_frozen(round_)
    assert frozen is not None
    by_key = {criterion.key: criterion for criterion in frozen.criteria}
    assignment = Assignment(
        round_id=round_.id,
        idea_id=idea.id,
        assessor_id=(assessor or factories.user(roles={Role.ASSESSOR})).id,
        state=state,
        submitted_at=utcnow() if state is AssignmentState.SUBMITTED else None,
        recusal=RecusalReason.DECLARED if state is AssignmentState.RECUSED else None,
    )
    assignment.scores = [
        Score(
            criterion_id=by_key[key].id,
            value=value,
            justification=(justifications or {}).get(key, ""),
        )
        for key, value in values.items()
    ]
    db.session.add(assignment)
    db.session.flush()
    return assignment


def accept_late(round_: Round, by: User, title: str) -> Idea:
    """An idea of *round_* whatever the round's phase, as a larger round would hold it."""
    idea = factories.idea(title=title)
    idea.cost_euros = 10_000
    db.session.add(RoundIdea(round_id=round_.id, idea_id=idea.id, added_by_id=by.id))
    db.session.flush()
    return idea
