"""The stamp under which a round's ranking is stored: every change of what the ranking depends
on changes it, through the services that make the change; a page view under a known stamp
reads the stored ranking without gathering a single score."""

import numpy as np
import pytest

from portal.accounts.models import Role
from portal.rounds.models import AssignmentState
from portal.rounds.services import analysis, catalogue, ranking, scoring
from portal.rounds.services.scoring import Assessment, Revision
from tests import factories
from tests.portal.rounds import round_states

KEYS = ("nutzen_buerger", "entlastung", "pflicht", "umsetzbarkeit")


@pytest.fixture
def setting(db):
    """A round of two ideas scored by two assessors each, and a third assessor with an open
    assignment of the first idea."""
    moderator = round_states.moderator()
    round_, ideas = round_states.ranked_round(moderator, ["Bauakte", "Terminvergabe"])
    round_.min_assessors = 2
    for idea in ideas:
        round_states.assess(round_, idea, dict.fromkeys(KEYS, 2))
        round_states.assess(round_, idea, dict.fromkeys(KEYS, 0))
    third = factories.user(roles={Role.ASSESSOR})
    assignment = round_states.assigned(round_, ideas[0], third)
    frozen = catalogue.latest_frozen(round_)
    criteria = {c.key: c for c in frozen.criteria}
    # A page view starts from what is committed.
    db.session.commit()
    return {
        "round": round_,
        "ideas": ideas,
        "moderator": moderator,
        "third": third,
        "assignment": assignment,
        "criteria": criteria,
    }


def sent(setting, nutzen, *, submit):
    """The third assessor's form: *nutzen* on Nutzen, 2 on the other criteria."""
    criteria = setting["criteria"]
    values = dict.fromkeys(KEYS, 2.0) | {"nutzen_buerger": float(nutzen)}
    return Assessment(
        lock_version=setting["assignment"].lock_version,
        values={criteria[key].id: value for key, value in values.items()},
        justifications={criteria[key].id: "Begründet." for key in KEYS},
        submit=submit,
    )


def test_the_stamp_of_an_unchanged_round_stays(setting):
    round_ = setting["round"]
    assert ranking.stamp(round_) == ranking.stamp(round_)


def test_a_draft_score_changes_the_stamp(setting):
    round_, idea = setting["round"], setting["ideas"][0]
    scoring.save_assessment(round_, idea.id, setting["third"], sent(setting, 2, submit=False))
    before = ranking.stamp(round_)

    scoring.save_assessment(round_, idea.id, setting["third"], sent(setting, 3, submit=False))

    assert ranking.stamp(round_) != before


def test_a_submission_changes_the_stamp(setting):
    round_, idea = setting["round"], setting["ideas"][0]
    scoring.save_assessment(round_, idea.id, setting["third"], sent(setting, 2, submit=False))
    before = ranking.stamp(round_)

    scoring.save_assessment(round_, idea.id, setting["third"], sent(setting, 2, submit=True))

    assert ranking.stamp(round_) != before


def test_a_revision_changes_the_stamp(setting):
    round_, idea = setting["round"], setting["ideas"][0]
    nutzen = setting["criteria"]["nutzen_buerger"]
    done = scoring.save_assessment(round_, idea.id, setting["third"], sent(setting, 4, submit=True))
    before = ranking.stamp(round_)

    scoring.revise_score(
        round_,
        idea.id,
        setting["third"],
        Revision(done.lock_version, nutzen.id, 3.0, "Nach der Diskussion"),
    )

    assert ranking.stamp(round_) != before


def test_a_recusal_changes_the_stamp(setting):
    round_, idea = setting["round"], setting["ideas"][0]
    before = ranking.stamp(round_)

    scoring.declare_conflict(
        round_,
        idea.id,
        setting["third"],
        lock_version=setting["assignment"].lock_version,
        reason="Mein Bruder hat die Idee eingereicht.",
    )

    assert setting["assignment"].state is AssignmentState.RECUSED
    assert ranking.stamp(round_) != before


def test_a_new_catalogue_version_changes_the_stamp(setting):
    round_, moderator = setting["round"], setting["moderator"]
    before = ranking.stamp(round_)

    catalogue.open_new_version(round_, moderator)
    draft = catalogue.draft(round_)
    catalogue.remove_criterion(round_, draft.criteria[-1].id, moderator)
    round_states.weigh(draft)
    # A draft is not in force yet.
    assert ranking.stamp(round_) == before
    catalogue.freeze_new_version(round_, moderator, note="Umsetzbarkeit steckt im Risiko.")

    assert ranking.stamp(round_) != before


def test_ideas_joining_and_their_estimates_and_titles_change_the_stamp(setting):
    round_, idea = setting["round"], setting["ideas"][1]
    stamps = [ranking.stamp(round_)]

    idea.cost_euros = 20_000
    stamps.append(ranking.stamp(round_))
    idea.effort_days = 40
    stamps.append(ranking.stamp(round_))
    idea.title = "Terminvergabe online"
    stamps.append(ranking.stamp(round_))
    round_states.accept_late(round_, setting["moderator"], "Chatbot")
    stamps.append(ranking.stamp(round_))

    assert len(set(stamps)) == len(stamps)


def test_the_rules_of_the_round_change_the_stamp(setting):
    round_ = setting["round"]
    before = ranking.stamp(round_)
    round_.min_assessors = 1
    after_minimum = ranking.stamp(round_)
    round_.disagreement_levels = 3

    assert len({before, after_minimum, ranking.stamp(round_)}) == 3


def test_a_known_stamp_reads_the_stored_ranking_without_gathering(setting, monkeypatch):
    round_ = setting["round"]
    gathered = analysis.current(round_).state
    monkeypatch.setattr(ranking, "round_inputs", lambda round_: pytest.fail("gathered again"))

    stored = analysis.current(round_).state

    assert stored.digest == gathered.digest
    assert stored.ideas == gathered.ideas
    assert stored.unranked == gathered.unranked
    assert stored.criteria == gathered.criteria
    assert np.array_equal(stored.matrix, gathered.matrix)
    assert np.array_equal(stored.spreads, gathered.spreads, equal_nan=True)


def test_a_new_stamp_with_the_same_inputs_keeps_the_analyses(setting, monkeypatch):
    """A draft changes the stamp but not the ranking: the inputs are gathered again, found
    stored, and nothing is computed anew."""
    round_, idea = setting["round"], setting["ideas"][0]
    started = []
    monkeypatch.setattr(analysis, "enqueue", lambda job, *args: started.append(args))
    first = analysis.current(round_)

    scoring.save_assessment(round_, idea.id, setting["third"], sent(setting, 3, submit=False))
    again = analysis.current(round_)

    assert again.analysis.digest == first.analysis.digest
    assert len(started) == 1
    assert analysis.current(round_).state.digest == first.state.digest
