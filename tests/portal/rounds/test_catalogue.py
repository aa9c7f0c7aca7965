"""The criteria catalogue of a round: templates, the draft and its criteria, and the versions
that freeze it (`portal.rounds.services.catalogue`)."""

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from portal.accounts.models import Role
from portal.core.errors import Conflict, Forbidden, NotFound
from portal.rounds.models import (
    AssignmentState,
    CriterionKind,
    Direction,
    MeasuredSource,
    MemberWeighting,
    RoundPhase,
    Score,
    WeightingMethod,
)
from portal.rounds.services import catalogue, phases
from portal.rounds.services.catalogue import CatalogueRefused, CriterionData, LevelData
from tests import factories
from tests.portal.rounds import round_states

P = RoundPhase


@pytest.fixture
def moderator(db):
    return round_states.moderator()


def _rating(name="Barrierefreiheit", low=0, high=2, **changes) -> CriterionData:
    data = CriterionData(
        key="",
        name=name,
        description="Wie sehr verbessert die Idee die Barrierefreiheit?",
        direction=Direction.BENEFIT,
        kind=CriterionKind.RATING,
        scale_min=low,
        scale_max=high,
        levels=tuple(
            LevelData(value, f"Stufe {value}", value == high) for value in range(low, high + 1)
        ),
    )
    return replace(data, **changes)


def _as_entered(criterion) -> CriterionData:
    """The data of *criterion* as its form sends it back unchanged."""
    return CriterionData(
        key=criterion.key,
        name=criterion.name,
        description=criterion.description,
        direction=criterion.direction,
        kind=criterion.kind,
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
        unit=criterion.unit,
        source=criterion.source,
        knockout_level=criterion.knockout_level,
        levels=tuple(
            LevelData(lv.value, lv.text, lv.needs_justification) for lv in criterion.levels
        ),
    )


def test_two_templates_with_german_anchors():
    templates = {t.key: t for t in catalogue.templates()}
    assert set(templates) == {"digital", "kompakt"}
    digital = templates["digital"]
    assert [c.name for c in digital.criteria] == [
        "Nutzen für Bürger:innen",
        "Entlastung der Mitarbeitenden",
        "Beitrag zur Digitalstrategie",
        "Rechtliche Verpflichtung",
        "Aufwand (Personentage)",
        "Kosten",
        "Risiko",
        "Umsetzbarkeit",
    ]
    relief = digital.criteria[1]
    assert (relief.levels[3].value, relief.levels[3].text) == (3, "entlastet mehrere Ämter spürbar")
    duty = digital.criteria[3]
    assert duty.knockout_level == 2
    assert duty.levels[2].needs_justification
    cost = digital.criteria[5]
    assert (cost.kind, cost.unit, cost.source) == (
        CriterionKind.MEASURED,
        "€",
        MeasuredSource.IDEA_COST,
    )
    assert all(c.direction is Direction.COST for c in digital.criteria[4:7])


def test_a_template_fills_an_empty_draft(db, moderator):
    round_ = factories.prioritisation_round(moderator=moderator)
    filled = catalogue.start_from_template(round_, "kompakt", moderator)
    assert [c.position for c in filled.criteria] == [1, 2, 3, 4, 5]
    assert filled.criteria[0].levels[0].text == "kein erkennbarer Nutzen für Bürgerinnen und Bürger"


def test_a_template_does_not_fill_a_draft_with_criteria(db, moderator, writes_nothing):
    round_ = round_states.round_with_template(moderator)
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.start_from_template(round_, "digital", moderator)
    empty = factories.prioritisation_round(moderator=moderator, name="Leer")
    with writes_nothing(), pytest.raises(NotFound):
        catalogue.start_from_template(empty, "gibt-es-nicht", moderator)


def test_criteria_are_added_changed_moved_and_removed(db, moderator):
    round_ = factories.prioritisation_round(moderator=moderator)
    first = catalogue.save_criterion(round_, None, _rating("Barrierefreiheit"), moderator)
    second = catalogue.save_criterion(
        round_,
        None,
        CriterionData(
            key="",
            name="Kosten",
            description="",
            direction=Direction.COST,
            kind=CriterionKind.MEASURED,
            scale_min=0,
            scale_max=50_000.5,
            unit="€",
            source=MeasuredSource.IDEA_COST,
            levels=(LevelData(0, "sent along by a form"),),
        ),
        moderator,
    )
    assert second.levels == []
    assert second.scale_max == 50_000.5
    third = catalogue.save_criterion(round_, None, _rating("Datenschutz", 1, 5), moderator)
    assert [c.key for c in (first, second, third)] == ["barrierefreiheit", "kosten", "datenschutz"]

    catalogue.move_criterion(round_, third.id, -1, moderator)
    catalogue.move_criterion(round_, first.id, 1, moderator)
    draft = catalogue.draft(round_)
    assert [c.name for c in draft.criteria] == ["Datenschutz", "Barrierefreiheit", "Kosten"]

    catalogue.save_criterion(
        round_, first.id, replace(_as_entered(first), name="Barrierefreiheit (BITV)"), moderator
    )
    assert first.name == "Barrierefreiheit (BITV)"
    assert first.key == "barrierefreiheit"

    catalogue.remove_criterion(round_, third.id, moderator)
    db.session.expire_all()
    draft = catalogue.draft(round_)
    assert [(c.position, c.name) for c in draft.criteria] == [
        (1, "Barrierefreiheit (BITV)"),
        (2, "Kosten"),
    ]


def test_a_level_is_reworded_in_the_draft(db, moderator):
    round_ = round_states.round_with_template(moderator)
    relief = catalogue.draft(round_).criteria[1]
    entered = _as_entered(relief)
    levels = list(entered.levels)
    levels[3] = LevelData(3, "entlastet mehrere Ämter deutlich", True)
    catalogue.save_criterion(round_, relief.id, replace(entered, levels=tuple(levels)), moderator)
    db.session.expire_all()
    assert [(lv.value, lv.text) for lv in relief.levels][3] == (
        3,
        "entlastet mehrere Ämter deutlich",
    )
    assert len(relief.levels) == 5


def test_a_criterion_cannot_move_past_the_ends(db, moderator, writes_nothing):
    round_ = round_states.round_with_template(moderator)
    draft = catalogue.draft(round_)
    with writes_nothing(), pytest.raises(CatalogueRefused):
        catalogue.move_criterion(round_, draft.criteria[0].id, -1, moderator)
    with writes_nothing(), pytest.raises(CatalogueRefused):
        catalogue.move_criterion(round_, draft.criteria[-1].id, 1, moderator)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_rating(name=" "), "Geben Sie dem Kriterium einen Namen."),
        (_rating(name="nutzen für bürger:innen"), "trägt diesen Namen"),
        (_rating(low=2, high=2, levels=(LevelData(2, "zwei"),)), "niedrigste Wert"),
        (
            _rating(levels=(LevelData(0, "null"), LevelData(2, "zwei"))),
            "für jede ganze Zahl",
        ),
        (_rating(scale_min=0.5), "für jede ganze Zahl"),
        (
            _rating(low=0, high=11, levels=tuple(LevelData(v, "x") for v in range(12))),
            "höchstens 11 Stufen",
        ),
        (_rating(levels=(LevelData(0, "null"), LevelData(1, " "), LevelData(2, "zwei"))), "Satz"),
        (_rating(knockout_level=3), "K.-o.-Stufe"),
        (
            _rating(kind=CriterionKind.MEASURED, levels=(), unit="", source=None),
            "Einheit",
        ),
        (
            _rating(kind=CriterionKind.MEASURED, levels=(), unit="€", knockout_level=1),
            "Nur eine Bewertungsskala",
        ),
    ],
)
def test_a_criterion_with_a_broken_scale_is_refused(db, moderator, writes_nothing, data, message):
    round_ = round_states.round_with_template(moderator)
    with writes_nothing(), pytest.raises(CatalogueRefused) as refused:
        catalogue.save_criterion(round_, None, data, moderator)
    assert message in refused.value.message


def test_adding_or_removing_a_criterion_resets_the_boards_weights(db, moderator):
    round_ = round_states.round_with_template(moderator)
    draft = catalogue.draft(round_)
    round_states.weigh(draft)
    db.session.add(
        MemberWeighting(
            catalogue_id=draft.id,
            member_id=factories.user(roles={Role.BOARD_MEMBER}).id,
            method=WeightingMethod.POINTS,
        )
    )
    db.session.flush()
    catalogue.save_criterion(round_, None, _rating(), moderator)
    assert draft.weighted_at is None
    assert all(c.weight is None for c in draft.criteria)
    assert db.session.scalar(select(func.count(MemberWeighting.id))) == 0


def test_only_moderators_change_the_catalogue(db, moderator, writes_nothing):
    round_ = round_states.round_with_template(moderator)
    criterion = catalogue.draft(round_).criteria[0]
    board_member = factories.user(roles={Role.BOARD_MEMBER})
    for change in (
        lambda: catalogue.save_criterion(round_, None, _rating(), board_member),
        lambda: catalogue.remove_criterion(round_, criterion.id, board_member),
        lambda: catalogue.move_criterion(round_, criterion.id, 1, board_member),
        lambda: catalogue.freeze(round_, board_member),
    ):
        with writes_nothing(), pytest.raises(Forbidden):
            change()


def test_a_frozen_catalogue_changes_only_by_a_new_version(db, moderator, writes_nothing):
    round_, _idea = round_states.scoring_round(moderator)
    frozen = catalogue.latest_frozen(round_)
    criterion = frozen.criteria[0]
    with writes_nothing(), pytest.raises(Conflict) as refused:
        catalogue.save_criterion(round_, None, _rating(), moderator)
    assert "neue Fassung" in refused.value.message
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.remove_criterion(round_, criterion.id, moderator)
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.start_from_template(round_, "kompakt", moderator)
    assert catalogue.draft(round_) is None


def test_after_the_score_phase_the_catalogue_does_not_change(db, moderator, writes_nothing):
    round_, idea = round_states.scoring_round(moderator)
    round_.min_assessors = 1
    round_states.scored(round_, idea)
    phases.move_phase(round_, P.DECIDE, moderator)
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.open_new_version(round_, moderator)
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.open_draft(round_, moderator)
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.save_criterion(round_, None, _rating(), moderator)


def test_a_new_version_starts_as_a_copy_of_the_one_in_force(db, moderator, writes_nothing):
    round_, _idea = round_states.scoring_round(moderator)
    frozen = catalogue.latest_frozen(round_)
    draft = catalogue.open_new_version(round_, moderator)
    assert draft.version == 2
    assert draft.frozen_at is None
    assert [(c.key, c.weight) for c in draft.criteria] == [
        (c.key, c.weight) for c in frozen.criteria
    ]
    assert catalogue.open_new_version(round_, moderator) is draft
    fresh = factories.prioritisation_round(moderator=moderator, name="Sammelt noch")
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.open_new_version(fresh, moderator)


def test_freezing_a_new_version_keeps_unchanged_scores_and_says_which_it_invalidates(
    db, moderator, writes_nothing
):
    round_, idea = round_states.scoring_round(moderator)
    first = round_states.scored(round_, idea)
    second = round_states.scored(round_, idea)
    round_states.scored(round_, idea, submitted=False)
    catalogue.open_new_version(round_, moderator)
    draft = catalogue.draft(round_)
    removed = draft.criteria[-1]
    catalogue.remove_criterion(round_, removed.id, moderator)
    round_states.weigh(draft)

    with writes_nothing():
        preview = catalogue.check_new_version(round_, moderator)[1]
    assert (preview.criteria, preview.scores, preview.assessors) == (("Umsetzbarkeit",), 3, 3)
    assert (preview.added, preview.reopened) == ((), 2)

    frozen, invalidated = catalogue.freeze_new_version(
        round_, moderator, note="Umsetzbarkeit steckt im Risiko."
    )
    assert invalidated == preview
    assert frozen.version == 2
    assert frozen.frozen_at is not None
    assert frozen.change_note.startswith("Umsetzbarkeit steckt im Risiko.\n\n3 Bewertungen zu")
    assert catalogue.describe(invalidated) in frozen.change_note
    kept = {c.id for c in frozen.criteria}
    assert {s.criterion_id for s in db.session.scalars(select(Score))} == kept
    assert first.state is second.state is AssignmentState.OPEN
    assert first.submitted_at is None


def test_a_changed_scale_invalidates_its_scores_even_when_its_key_came_from_its_name(db, moderator):
    round_ = factories.prioritisation_round(moderator=moderator)
    criterion = catalogue.save_criterion(round_, None, _rating("Barrierefreiheit"), moderator)
    assert criterion.key == "barrierefreiheit"
    idea = round_states.accept(round_, moderator)
    round_states.weigh(catalogue.draft(round_))
    phases.move_phase(round_, P.SCREEN, moderator)
    phases.move_phase(round_, P.SCORE, moderator)
    round_states.scored(round_, idea)

    draft = catalogue.open_new_version(round_, moderator)
    changed = draft.criteria[0]
    entered = _as_entered(changed)
    catalogue.save_criterion(
        round_,
        changed.id,
        replace(entered, levels=(*entered.levels[:-1], LevelData(2, "deutlich barriereärmer"))),
        moderator,
    )
    assert changed.key != "barrierefreiheit"
    invalidated = catalogue.freeze_new_version(round_, moderator)[1]
    assert invalidated.criteria == ("Barrierefreiheit",)
    assert invalidated.added == ("Barrierefreiheit",)
    assert db.session.scalar(select(func.count(Score.id))) == 0


def test_a_changed_unit_invalidates_the_scores_of_a_measured_criterion(db, moderator):
    round_, idea = round_states.scoring_round(moderator)
    round_states.scored(round_, idea)
    draft = catalogue.open_new_version(round_, moderator)
    costs = next(c for c in draft.criteria if c.kind is CriterionKind.MEASURED)
    catalogue.save_criterion(round_, costs.id, replace(_as_entered(costs), unit="T€"), moderator)
    invalidated = catalogue.freeze_new_version(round_, moderator)[1]
    assert invalidated.criteria == ("Kosten",)


def test_a_new_wording_of_the_description_keeps_the_scores(db, moderator):
    round_, idea = round_states.scoring_round(moderator)
    assignment = round_states.scored(round_, idea)
    draft = catalogue.open_new_version(round_, moderator)
    first = draft.criteria[0]
    catalogue.save_criterion(
        round_, first.id, replace(_as_entered(first), description="Klarer gefasst."), moderator
    )
    invalidated = catalogue.freeze_new_version(round_, moderator)[1]
    assert invalidated == catalogue.Invalidated((), 0, 0)
    assert catalogue.describe(invalidated) == "Keine Bewertung wird ungültig."
    assert assignment.state is AssignmentState.SUBMITTED


def test_freezing_needs_the_boards_weights(db, moderator, writes_nothing):
    round_, _idea = round_states.scoring_round(moderator)
    catalogue.open_new_version(round_, moderator)
    catalogue.save_criterion(round_, None, _rating(), moderator)
    with writes_nothing(), pytest.raises(Conflict) as refused:
        catalogue.freeze_new_version(round_, moderator)
    assert "noch nicht gewichtet" in refused.value.message


def test_a_new_version_in_the_making_can_be_discarded_but_the_first_cannot(
    db, moderator, writes_nothing
):
    collecting = round_states.round_with_template(moderator, name="Sammelt")
    with writes_nothing(), pytest.raises(Conflict):
        catalogue.discard_draft(collecting, moderator)
    round_, _idea = round_states.scoring_round(moderator)
    catalogue.open_new_version(round_, moderator)
    catalogue.discard_draft(round_, moderator)
    assert catalogue.draft(round_) is None
    assert [c.version for c in catalogue.versions(round_)] == [1]
