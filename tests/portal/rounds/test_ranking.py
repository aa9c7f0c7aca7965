"""Gathering a round's ranking: which scores count, what is measured from the idea, which ideas
are set apart, and what a round that cannot be ranked says."""

import numpy as np
import pytest

import scoring
from portal.accounts.models import Role
from portal.extensions import db
from portal.rounds.models import AssignmentState, Criterion, RoundPhase
from portal.rounds.services import ranking
from portal.rounds.services.ranking import RankingUnavailable
from tests import factories
from tests.portal.rounds import round_states


def profile(nutzen=2, entlastung=2, pflicht=1, umsetzbarkeit=2):
    return {
        "nutzen_buerger": nutzen,
        "entlastung": entlastung,
        "pflicht": pflicht,
        "umsetzbarkeit": umsetzbarkeit,
    }


@pytest.fixture
def moderator(db):
    return round_states.moderator()


@pytest.fixture
def three(moderator):
    """A round of three ideas; min two assessors; costs 0, 1 and 2 million euros."""
    round_, ideas = round_states.ranked_round(moderator, ["Bauakte", "Terminvergabe", "Chatbot"])
    round_.min_assessors = 2
    for idea, cost in zip(ideas, (0, 1_000_000, 2_000_000), strict=True):
        idea.cost_euros = cost
    return round_, ideas


def test_scores_are_the_mean_of_submitted_current_values(three):
    round_, (bauakte, termine, chatbot) = three
    round_states.assess(round_, bauakte, profile(nutzen=4))
    revised = round_states.assess(round_, bauakte, profile(nutzen=1))
    revised.scores[0].revised_value = 3
    revised.scores[0].revision_reason = "Nach Rückfrage"
    revised.scores[0].revised_at = revised.submitted_at
    # Neither an open nor a recused assessment counts, whatever it holds.
    round_states.assess(round_, bauakte, profile(nutzen=0), state=AssignmentState.OPEN)
    round_states.assess(round_, bauakte, {}, state=AssignmentState.RECUSED)
    for idea in (termine, chatbot):
        round_states.assess(round_, idea, profile())
        round_states.assess(round_, idea, profile())

    inputs = ranking.round_inputs(round_)

    assert inputs.idea_ids == (bauakte.id, termine.id, chatbot.id)
    assert [c.key for c in inputs.criteria] == [
        "nutzen_buerger",
        "entlastung",
        "pflicht",
        "kosten",
        "umsetzbarkeit",
    ]
    # (4 + 3) / 2 on "Nutzen", and the cost column is the idea's estimate, not a score.
    assert inputs.matrix[0].tolist() == [3.5, 2, 1, 0, 2]
    assert inputs.matrix[:, 3].tolist() == [0, 1_000_000, 2_000_000]
    assert len(inputs.assessor_ids) == 6
    assert inputs.unranked == ()


def test_the_ranking_is_the_engines_weighted_sum(three):
    round_, ideas = three
    for idea, nutzen in zip(ideas, (1, 4, 3), strict=True):
        round_states.assess(round_, idea, profile(nutzen=nutzen))
        round_states.assess(round_, idea, profile(nutzen=nutzen))
    inputs = ranking.round_inputs(round_)

    result = ranking.rank(inputs)

    expected = scoring.weighted_sum(
        inputs.matrix, [0.2] * 5, [True, True, True, False, True], scales=inputs.scales
    )
    assert result.scores.tolist() == pytest.approx(expected.scores.tolist())
    # Terminvergabe leads on benefit and costs half as much as the Chatbot.
    assert [inputs.ideas[i].title for i in result.order] == ["Terminvergabe", "Bauakte", "Chatbot"]
    # Different weights rank differently: cost alone puts the free idea first.
    assert ranking.rank(inputs, [0, 0, 0, 1, 0]).order[0] == 0


def test_ideas_with_too_few_assessments_or_no_estimate_are_set_apart(three):
    round_, (bauakte, termine, chatbot) = three
    round_states.assess(round_, bauakte, profile())
    round_states.assess(round_, bauakte, profile())
    round_states.assess(round_, termine, profile())
    round_states.assess(round_, termine, profile(), state=AssignmentState.OPEN)
    round_states.assess(round_, chatbot, profile())
    round_states.assess(round_, chatbot, profile())
    chatbot.cost_euros = None

    inputs = ranking.round_inputs(round_)

    assert inputs.idea_ids == (bauakte.id,)
    assert [(u.idea.id, u.reason, u.idea.assessments) for u in inputs.unranked] == [
        (termine.id, "too_few", 1),
        (chatbot.id, "no_estimate", 2),
    ]
    assert inputs.matrix.shape == (1, 5)
    assert inputs.assessments.shape == (2, 1, 5)


def test_an_assessment_missing_a_criterion_does_not_make_up_the_number(three):
    round_, (bauakte, termine, chatbot) = three
    round_states.assess(round_, bauakte, profile())
    without = profile()
    del without["pflicht"]
    round_states.assess(round_, bauakte, without)
    for idea in (termine, chatbot):
        round_states.assess(round_, idea, profile())
        round_states.assess(round_, idea, profile())

    inputs = ranking.round_inputs(round_)

    assert [u.idea.id for u in inputs.unranked] == [bauakte.id]


def test_a_cost_beyond_the_scale_counts_as_its_end(three):
    round_, ideas = three
    ideas[0].cost_euros = 9_000_000
    for idea in ideas:
        round_states.assess(round_, idea, profile())
        round_states.assess(round_, idea, profile())

    assert ranking.round_inputs(round_).matrix[0, 3] == 2_000_000


def test_a_round_without_submitted_scores_says_so(three):
    round_, ideas = three
    round_states.assess(round_, ideas[0], profile(), state=AssignmentState.OPEN)

    with pytest.raises(RankingUnavailable, match="genug abgeschlossene Bewertungen"):
        ranking.round_inputs(round_)


def test_a_round_before_scoring_has_no_ranking(moderator):
    collecting = round_states.round_with_template(moderator)

    with pytest.raises(RankingUnavailable, match="ab der Bewertungsphase"):
        ranking.round_inputs(collecting)


def test_equal_inputs_give_equal_digests_and_a_changed_score_a_new_one(three):
    round_, ideas = three
    for idea in ideas:
        round_states.assess(round_, idea, profile())
    last = round_states.assess(round_, ideas[2], profile())
    for idea in ideas[:2]:
        round_states.assess(round_, idea, profile())
    first = ranking.round_inputs(round_)

    assert ranking.round_inputs(round_).digest == first.digest
    score = next(s for s in last.scores if s.value == 2)
    score.value = 4
    changed = ranking.round_inputs(round_)
    assert changed.digest != first.digest
    score.value = 2
    assert ranking.round_inputs(round_).digest == first.digest
    ideas[1].cost_euros = 5
    assert ranking.round_inputs(round_).digest != first.digest


def test_a_new_weight_gives_a_new_digest(three):
    round_, ideas = three
    for idea in ideas:
        round_states.assess(round_, idea, profile())
        round_states.assess(round_, idea, profile())
    before = ranking.round_inputs(round_)
    criterion = before.criteria[0]
    db.session.get(Criterion, criterion.id).weight = 0.3

    after = ranking.round_inputs(round_)
    assert after.digest != before.digest
    assert np.isclose(after.weights[0], 0.3)


def test_who_reads_the_ranking_in_which_phase(moderator, three):
    round_, _ = three
    board = factories.user(roles={Role.BOARD_MEMBER, Role.EMPLOYEE})
    staff = factories.user(roles={Role.EMPLOYEE})
    seen = {}
    for phase in (RoundPhase.SCORE, RoundPhase.DECIDE, RoundPhase.PUBLISH, RoundPhase.CLOSED):
        round_.phase = phase
        seen[phase] = [ranking.may_see_ranking(round_, user) for user in (moderator, board, staff)]
    assert seen == {
        RoundPhase.SCORE: [True, True, False],
        RoundPhase.DECIDE: [True, True, False],
        RoundPhase.PUBLISH: [True, True, True],
        RoundPhase.CLOSED: [True, True, True],
    }
