"""The phases of a round: creating and editing it, the transition table with its blockers, and
ideas joining a round (`portal.rounds.services.phases`)."""

from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.errors import Conflict, Forbidden, InvalidTransition
from portal.ideas.models import IdeaState
from portal.ideas.services import lifecycle
from portal.rounds.models import RoundEvent, RoundPhase
from portal.rounds.services import catalogue, feed, phases
from portal.rounds.services.phases import RoundData, RoundRefused
from tests import factories
from tests.portal.rounds import round_states

P = RoundPhase


@pytest.fixture
def moderator(db):
    return round_states.moderator()


def test_a_new_round_collects_ideas_with_an_empty_draft_and_an_opening_event(db, moderator):
    field = factories.field_of_action("E-Akte")
    round_ = phases.create_round(
        RoundData(
            name="  Priorisierung   2027 ",
            description="Was setzen wir **2027** um?",
            field_of_action_ids=frozenset({field.id}),
            budget_euros=900_000,
            staff_days=1_200,
            collect_until=date(2027, 1, 31),
            score_until=date(2027, 4, 15),
        ),
        moderator,
    )
    assert round_.name == "Priorisierung 2027"
    assert round_.phase is P.COLLECT
    assert round_.fields_of_action == [field]
    draft = catalogue.draft(round_)
    assert draft is not None
    assert draft.version == 1
    assert draft.criteria == []
    [event] = phases.events(round_)
    assert (event.from_phase, event.to_phase, event.actor_id) == (None, P.COLLECT, moderator.id)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (RoundData(name="  "), "Geben Sie der Runde einen Namen."),
        (
            RoundData(name="R", collect_until=date(2027, 3, 1), screen_until=date(2027, 2, 1)),
            "Reihenfolge",
        ),
        (RoundData(name="R", min_assessors=0), "zwischen 1 und 20"),
        (RoundData(name="R", disagreement_levels=0), "mindestens eine Stufe"),
        (RoundData(name="R", budget_euros=-1), "Budget"),
        (RoundData(name="R", staff_days=-5), "Personentage"),
        (RoundData(name="R", field_of_action_ids=frozenset({987_654})), "Handlungsfeld"),
    ],
)
def test_a_round_with_bad_data_is_refused_and_nothing_is_written(
    db, moderator, writes_nothing, data, message
):
    with writes_nothing(), pytest.raises(RoundRefused) as refused:
        phases.create_round(data, moderator)
    assert message in refused.value.message


def test_only_moderators_create_rounds(db, writes_nothing):
    board_member = factories.user(roles={Role.BOARD_MEMBER})
    with writes_nothing(), pytest.raises(Forbidden):
        phases.create_round(RoundData(name="R"), board_member)


def test_an_edit_from_a_stale_form_is_refused_with_409(db, moderator, writes_nothing):
    round_ = factories.prioritisation_round(moderator=moderator)
    shown = round_.lock_version
    phases.update_round(round_, RoundData(name="Erste Fassung"), moderator, lock_version=shown)
    with writes_nothing(), pytest.raises(Conflict) as refused:
        phases.update_round(round_, RoundData(name="Zweiter Tab"), moderator, lock_version=shown)
    assert refused.value.status_code == 409
    assert round_.name == "Erste Fassung"


def test_a_change_of_the_fields_of_action_alone_makes_older_forms_stale(db, moderator):
    round_ = factories.prioritisation_round(moderator=moderator)
    shown = round_.lock_version
    field = factories.field_of_action()
    phases.update_round(
        round_,
        RoundData(name=round_.name, field_of_action_ids=frozenset({field.id})),
        moderator,
        lock_version=shown,
    )
    with pytest.raises(Conflict):
        phases.update_round(round_, RoundData(name=round_.name), moderator, lock_version=shown)
    assert round_.fields_of_action == [field]


def test_scoring_settings_stay_once_scoring_is_over(db, moderator, writes_nothing):
    round_, idea = round_states.scoring_round(moderator)
    for _assessor in range(3):
        round_states.scored(round_, idea)
    phases.move_phase(round_, P.DECIDE, moderator)
    data = RoundData(name=round_.name, blind=False)
    with writes_nothing(), pytest.raises(RoundRefused):
        phases.update_round(round_, data, moderator, lock_version=round_.lock_version)
    # Everything else may still change.
    phases.update_round(
        round_, RoundData(name="Neu", budget_euros=5), moderator, lock_version=round_.lock_version
    )
    assert (round_.name, round_.blind) == ("Neu", True)


def test_a_closed_round_does_not_change(db, moderator):
    round_, idea = round_states.scoring_round(moderator)
    round_states.scored(round_, idea)
    round_.min_assessors = 1
    for target in (P.DECIDE, P.PUBLISH, P.CLOSED):
        phases.move_phase(round_, target, moderator)
    with pytest.raises(InvalidTransition):
        phases.update_round(round_, RoundData(name="Neu"), moderator)


def test_phases_follow_each_other_one_by_one(db, moderator, writes_nothing):
    round_ = factories.prioritisation_round(moderator=moderator)
    with writes_nothing(), pytest.raises(InvalidTransition) as refused:
        phases.move_phase(round_, P.SCORE, moderator)
    assert "folgen einzeln aufeinander" in refused.value.message
    with writes_nothing(), pytest.raises(InvalidTransition):
        phases.move_phase(round_, P.COLLECT, moderator)
    assert round_.phase is P.COLLECT


def test_the_score_phase_waits_for_ideas_criteria_and_weights(db, moderator, writes_nothing):
    round_ = factories.prioritisation_round(moderator=moderator)
    phases.move_phase(round_, P.SCREEN, moderator)
    step = phases.next_step(round_)
    assert step.target is P.SCORE
    assert not step.possible
    assert [b.message for b in step.blockers] == [
        "Noch keine Idee ist in die Runde aufgenommen.",
        "Der Katalog hat noch keine Kriterien.",
    ]
    catalogue.start_from_template(round_, "kompakt", moderator)
    round_states.accept(round_, moderator)
    assert [b.message for b in phases.next_step(round_).blockers] == [
        "Die Lenkungsgruppe hat die Kriterien noch nicht gewichtet."
    ]
    with writes_nothing(), pytest.raises(Conflict):
        phases.move_phase(round_, P.SCORE, moderator, lock_version=round_.lock_version)
    draft = catalogue.draft(round_)
    round_states.weigh(draft)
    assert phases.next_step(round_).possible
    phases.move_phase(round_, P.SCORE, moderator)
    assert draft.frozen_at is not None
    assert draft.frozen_by_id == moderator.id
    assert catalogue.draft(round_) is None


def test_a_move_from_a_stale_page_is_refused(db, moderator, writes_nothing):
    round_ = factories.prioritisation_round(moderator=moderator)
    shown = round_.lock_version
    phases.move_phase(round_, P.SCREEN, moderator, lock_version=shown)
    with writes_nothing(), pytest.raises(Conflict):
        phases.move_phase(round_, P.SCORE, moderator, lock_version=shown)


def test_closing_scoring_marks_ideas_with_enough_assessments_as_scored(db, moderator):
    round_ = round_states.round_with_template(moderator)
    idea = round_states.accept(round_, moderator)
    waiting = round_states.accept(round_, moderator, "Noch nicht bewertet")
    round_states.weigh(catalogue.draft(round_))
    phases.move_phase(round_, P.SCREEN, moderator)
    phases.move_phase(round_, P.SCORE, moderator)
    assert [b.message for b in phases.next_step(round_).blockers] == [
        "Noch keine Idee hat genug abgegebene Bewertungen."
    ]
    for _assessor in range(3):
        round_states.scored(round_, idea)
    round_states.scored(round_, waiting, submitted=False)
    assert phases.assessment_progress(round_) == (3, 4)
    event = phases.move_phase(round_, P.DECIDE, moderator)
    assert (event.from_phase, event.to_phase) == (P.SCORE, P.DECIDE)
    assert idea.state is IdeaState.SCORED
    assert waiting.state is IdeaState.ACCEPTED
    # The start page and the round's list say how many were scored.
    assert feed.progress(round_) == "1 Idee bewertet"


def test_a_new_catalogue_version_in_the_making_keeps_the_round_in_scoring(
    db, moderator, writes_nothing
):
    round_, idea = round_states.scoring_round(moderator)
    for _assessor in range(3):
        round_states.scored(round_, idea)
    catalogue.open_new_version(round_, moderator)
    assert [b.message for b in phases.next_step(round_).blockers] == [
        "Eine neue Fassung des Katalogs ist in Arbeit; frieren Sie sie ein oder verwerfen Sie "
        "sie zuerst."
    ]
    with writes_nothing(), pytest.raises(Conflict):
        phases.move_phase(round_, P.DECIDE, moderator)


def test_every_move_is_recorded_with_who_and_when(db, moderator):
    round_ = factories.prioritisation_round(moderator=moderator)
    other = round_states.moderator()
    phases.move_phase(round_, P.SCREEN, other)
    moves = db.session.scalars(
        select(RoundEvent).where(RoundEvent.round_id == round_.id).order_by(RoundEvent.id)
    ).all()
    assert [(m.from_phase, m.to_phase, m.actor_id) for m in moves] == [
        (None, P.COLLECT, moderator.id),
        (P.COLLECT, P.SCREEN, other.id),
    ]


def test_ideas_join_only_rounds_that_collect_or_screen(db, moderator, writes_nothing):
    collecting = factories.prioritisation_round(moderator=moderator, name="Sammelt")
    screening = factories.prioritisation_round(moderator=moderator, name="Sichtet")
    phases.move_phase(screening, P.SCREEN, moderator)
    scoring, _idea = round_states.scoring_round(moderator)
    assert phases.rounds_open_for_ideas() == [screening, collecting]
    idea = factories.idea()
    lifecycle.change_state(idea, IdeaState.SCREENING, moderator)
    with writes_nothing(), pytest.raises(InvalidTransition):
        phases.accept_into_round(idea, scoring, moderator)
    assert phases.round_of(idea) is None
    phases.accept_into_round(idea, screening, moderator)
    assert idea.state is IdeaState.ACCEPTED
    assert phases.round_of(idea) == screening


def test_a_moderator_accepts_ideas_in_screening_but_never_their_own(db, moderator):
    round_ = factories.prioritisation_round(moderator=moderator)
    own = factories.idea(author=moderator)
    colleague = factories.idea()
    for idea in (own, colleague):
        lifecycle.change_state(idea, IdeaState.SCREENING, round_states.moderator())
    assert phases.may_accept(colleague, moderator)
    assert not phases.may_accept(own, moderator)
    assert not phases.may_accept(colleague, factories.user(roles={Role.EMPLOYEE}))
    with pytest.raises(Forbidden):
        phases.accept_into_round(own, round_, moderator)
    submitted = factories.idea()
    assert not phases.may_accept(submitted, moderator)
