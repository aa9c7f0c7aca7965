"""The analyses of a ranking: computed once per state of the inputs, in background steps, with
the engine's numbers; a changed score is a new state."""

import numpy as np
import pytest
from sqlalchemy import func, select

import scoring
from portal.accounts.models import Role
from portal.extensions import db
from portal.rounds.models import RankingAnalysis
from portal.rounds.services import analysis, ranking
from tests import factories
from tests.portal.rounds import round_states

#: Six ideas' scores (Nutzen, Entlastung, Pflicht, Umsetzbarkeit) by three assessors.
PROFILES = [
    [(4, 3, 2, 3), (4, 4, 2, 3), (3, 3, 2, 4)],
    [(3, 3, 1, 3), (3, 2, 1, 3), (4, 3, 1, 2)],
    [(2, 2, 1, 2), (2, 3, 0, 2), (2, 2, 1, 3)],
    [(1, 2, 0, 4), (2, 1, 0, 4), (1, 1, 0, 3)],
    [(1, 1, 0, 1), (0, 1, 0, 2), (1, 0, 0, 1)],
    [(0, 0, 0, 0), (0, 1, 0, 1), (1, 0, 0, 0)],
]
KEYS = ("nutzen_buerger", "entlastung", "pflicht", "umsetzbarkeit")


@pytest.fixture
def scored(db):
    """A round of six ideas, each scored by the same three assessors."""
    moderator = round_states.moderator()
    titles = [f"Idee {n}" for n in range(1, 7)]
    round_, ideas = round_states.ranked_round(moderator, titles)
    assessors = [factories.user(roles={Role.ASSESSOR}) for _ in range(3)]
    assignments = []
    for idea, rows in zip(ideas, PROFILES, strict=True):
        for assessor, values in zip(assessors, rows, strict=True):
            assignments.append(
                round_states.assess(
                    round_, idea, dict(zip(KEYS, values, strict=True)), assessor=assessor
                )
            )
    # A page view starts from what is committed.
    db.session.commit()
    return round_, ideas, assignments


def computed(round_):
    """Return the analyses of *round_*, run to the end as the job queue would."""
    db.session.commit()
    analysis.current(round_)
    # The jobs start once the unit of work commits; in tests they run at once.
    db.session.commit()
    return analysis.current(round_).analysis


def rows():
    return db.session.scalar(select(func.count(RankingAnalysis.id)))


def test_the_analyses_are_the_engines(scored):
    round_, ideas, _ = scored

    found = computed(round_)

    assert found.done
    assert found.steps_done == 4
    inputs = ranking.round_inputs(round_)
    agreement = found.part("agreement")
    nutzen = agreement["criteria"][0]
    assert nutzen["basis"] == "ordinal"
    assert nutzen["alpha"] == pytest.approx(
        scoring.krippendorff_alpha(inputs.assessments[:, :, 0], level="ordinal")
    )
    # The cost is the idea's estimate: there is nothing to agree on.
    assert agreement["criteria"][3] == {"alpha": None, "basis": "idea"}
    # All three scored every idea, so W is the engine's W of their own totals.
    overall = agreement["overall"]
    assert overall["basis"] == "all"
    assert 0.8 < overall["w"] <= 1
    stability = found.part("stability")
    expected = scoring.weight_stability(
        inputs.matrix, inputs.weights, inputs.benefit, scales=inputs.scales, top=6
    )
    assert stability["top"] == 6
    assert [i["lower"] for i in stability["intervals"]] == [i.lower for i in expected.intervals]
    assert [(s["above"], s["below"]) for s in stability["swaps"]] == [
        (inputs.idea_ids[s.above], inputs.idea_ids[s.below]) for s in expected.swaps
    ]
    acceptability = found.part("acceptability")
    table = scoring.rank_acceptability(
        inputs.matrix,
        inputs.weights,
        inputs.benefit,
        scales=inputs.scales,
        spread=0.1,
        samples=10_000,
        seed=analysis.SEED,
    )
    first = acceptability["rows"][0]
    assert first["idea"] == ideas[0].id
    assert first["p"] == pytest.approx(table[0].tolist())
    assert acceptability["top_share"][str(ideas[5].id)] == pytest.approx(1.0)
    methods = found.part("methods")
    closeness = scoring.topsis(inputs.matrix, inputs.weights, inputs.benefit)
    assert methods["topsis"]["scores"] == pytest.approx(closeness.tolist())
    assert methods["topsis"]["ranks"] == scoring.rank_scores(closeness)[0].tolist()
    assert methods["promethee"]["ranks"][0] == 1


def test_the_same_inputs_are_analysed_once(scored, monkeypatch):
    round_, _, _ = scored
    first = computed(round_)
    calls = []
    monkeypatch.setattr(
        analysis, "_COMPUTE", {step: lambda inputs: calls.append(inputs) for step in analysis.STEPS}
    )

    again = computed(round_)

    assert calls == []
    assert again.digest == first.digest
    assert again.result == first.result
    assert rows() == 1


def test_a_changed_score_is_a_new_state_analysed_anew(scored):
    round_, _, assignments = scored
    first = computed(round_)

    revised = assignments[4].scores[0]
    revised.revised_value = 0
    revised.revision_reason = "Nach der Diskussion"
    revised.revised_at = assignments[4].submitted_at
    # A score changes with its assignment's version, as `scoring.revise_score` does.
    assignments[4].lock_version += 1
    second = computed(round_)

    assert second.digest != first.digest
    assert second.done
    # Only the analyses of the state in force are kept.
    assert db.session.scalars(select(RankingAnalysis.digest)).all() == [second.digest]


def test_the_page_reads_an_unfinished_analysis_while_the_steps_run(scored, monkeypatch):
    round_, _, _ = scored
    started = []
    monkeypatch.setattr(analysis, "enqueue", lambda job, *args: started.append(args))

    pending = analysis.current(round_).analysis
    again = analysis.current(round_).analysis

    assert pending.steps_done == 0
    assert not pending.done
    assert pending.part("agreement") is None
    assert again.digest == pending.digest
    assert len(started) == 1
    assert rows() == 1
    # One step per job: each stores its part and hands on the next.
    analysis.run_analysis_step(*started[0])
    assert analysis.current(round_).analysis.steps_done == 1
    assert len(started) == 2


def test_a_step_for_a_state_that_has_passed_does_nothing(scored, monkeypatch):
    round_, _, assignments = scored
    started = []
    monkeypatch.setattr(analysis, "enqueue", lambda job, *args: started.append(args))
    analysis.current(round_)

    assignments[0].scores[1].value = 0
    assignments[0].lock_version += 1
    newer = analysis.current(round_).analysis
    analysis.run_analysis_step(*started[0])

    assert newer.steps_done == 0
    assert db.session.scalars(select(RankingAnalysis.digest)).all() == [newer.digest]
    assert db.session.scalar(select(RankingAnalysis.steps_done)) == 0
    # The page view of the new state started its own steps.
    assert len(started) == 2


def test_the_steps_read_the_scores_stored_with_the_analysis(scored, monkeypatch):
    """The inputs are gathered once per state, by the page view that found it new; the steps
    compute on what that view stored."""
    round_, _, _ = scored
    started = []
    monkeypatch.setattr(analysis, "enqueue", lambda job, *args: started.append(args))
    gathered = ranking.round_inputs(round_)
    analysis.current(round_)
    seen = []
    monkeypatch.setattr(ranking, "round_inputs", lambda round_: pytest.fail("gathered again"))
    monkeypatch.setattr(
        analysis,
        "_COMPUTE",
        {step: lambda inputs: seen.append(inputs) or {} for step in analysis.STEPS},
    )

    for _ in analysis.STEPS:
        analysis.run_analysis_step(*started[-1])

    assert len(seen) == len(analysis.STEPS)
    stored = seen[0]
    assert stored.digest == gathered.digest
    assert stored.assessor_ids == gathered.assessor_ids
    assert np.array_equal(stored.assessments, gathered.assessments, equal_nan=True)
    assert np.array_equal(stored.matrix, gathered.matrix)
    assert stored.criteria == gathered.criteria
    assert stored.ideas == gathered.ideas
    assert analysis.current(round_).analysis.done


def test_agreement_of_assessors_who_each_scored_some_ideas(db):
    """Where assessors share only some ideas, W is the mean over pairs, weighted by how many
    ideas each pair shares."""
    moderator = round_states.moderator()
    round_, ideas = round_states.ranked_round(moderator, [f"Idee {n}" for n in range(6)])
    round_.min_assessors = 2
    a, b, c = (factories.user(roles={Role.ASSESSOR}) for _ in range(3))
    # A and B score all six ideas alike; C scores four of them in reverse order.
    for n, idea in enumerate(ideas):
        level = 4 - n if n < 5 else 0
        for assessor in (a, b):
            round_states.assess(round_, idea, dict.fromkeys(KEYS, min(level, 2)), assessor=assessor)
        if n < 4:
            round_states.assess(round_, idea, dict.fromkeys(KEYS, n % 3), assessor=c)
    overall = computed(round_).part("agreement")["overall"]

    inputs = ranking.round_inputs(round_)
    totals = analysis._assessor_totals(inputs)
    ab = scoring.kendall_w(totals[:, [0, 1]])
    pairs = [(ab, 6)]
    for pair in ([0, 2], [1, 2]):
        shared = ~np.isnan(totals[:, pair]).any(axis=1)
        pairs.append((scoring.kendall_w(totals[shared][:, pair]), 4))
    assert overall["basis"] == "pairs"
    assert overall["pairs"] == 3
    assert overall["w"] == pytest.approx(sum(w * n for w, n in pairs) / 14)
