"""The counting rules of board votes: every majority, with and without abstentions counted and
the casting vote, ties and the edges of the quorum."""

from __future__ import annotations

import itertools

import pytest

from portal.board.counting import Majority, Result, Rules, count, quorum_met

A, D, Q = Result.ADOPTED, Result.DEFEATED, Result.NO_QUORUM


def result(
    rules: Rules,
    yes: int,
    no: int,
    abstain: int,
    *,
    eligible: int | None = None,
    present: int | None = None,
    chair: str | None = None,
) -> Result:
    """Count a vote; by default every member entitled to vote is present and votes."""
    present = yes + no + abstain if present is None else present
    return count(
        rules,
        yes=yes,
        no=no,
        abstain=abstain,
        eligible=present if eligible is None else eligible,
        present=present,
        chair_choice=chair,
    ).result


@pytest.mark.parametrize(
    ("eligible", "present", "percent", "met"),
    [
        (7, 4, 50, True),  # 4/7 = 57 %
        (7, 3, 50, False),  # 3/7 = 43 %
        (6, 3, 50, True),  # exactly half reaches a quorum of 50 %
        (6, 3, 51, False),  # … but not one of 51 %
        (6, 4, 51, True),
        (3, 3, 100, True),
        (3, 2, 100, False),
        (1, 1, 1, True),
        (0, 0, 50, False),  # nobody entitled to vote: nobody can decide
        (5, 0, 1, False),
    ],
)
def test_quorum_edges(eligible: int, present: int, percent: int, met: bool) -> None:
    assert quorum_met(Rules(quorum_percent=percent), eligible=eligible, present=present) is met


def test_without_quorum_nothing_is_adopted_whatever_the_votes() -> None:
    for majority in Majority:
        tally = count(Rules(majority=majority), yes=3, no=0, abstain=0, eligible=7, present=3)
        assert tally.result is Q
        assert not tally.quorum_met


def test_members_present_who_do_not_vote_still_count_for_the_quorum() -> None:
    assert result(Rules(), 2, 1, 0, eligible=7, present=4) is A


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "ignored", "counted"),
    [
        (4, 3, 0, A, A),
        (3, 3, 1, D, D),  # tie, no casting vote
        (3, 2, 2, A, D),  # abstentions counted weigh like no votes
        (2, 1, 4, A, D),
        (0, 0, 5, D, D),  # all abstain: nothing is adopted
        (1, 0, 6, A, D),
        (3, 4, 0, D, D),
    ],
)
def test_simple_majority(yes: int, no: int, abstain: int, ignored: Result, counted: Result) -> None:
    assert result(Rules(), yes, no, abstain) is ignored
    assert result(Rules(abstentions_count=True), yes, no, abstain) is counted


@pytest.mark.parametrize(
    ("yes", "eligible", "expected"),
    [(4, 7, A), (3, 7, D), (3, 6, D), (4, 6, A), (1, 1, A)],
)
def test_absolute_majority_counts_the_members_entitled_to_vote(
    yes: int, eligible: int, expected: Result
) -> None:
    for abstentions_count, casting in itertools.product((False, True), repeat=2):
        rules = Rules(Majority.ABSOLUTE, abstentions_count=abstentions_count, casting_vote=casting)
        tally = count(
            rules,
            yes=yes,
            no=0,
            abstain=eligible - yes,
            eligible=eligible,
            present=eligible,
            chair_choice="yes",
        )
        assert tally.result is expected
        assert tally.base == eligible
        assert not tally.casting_vote_used


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "ignored", "counted"),
    [
        (4, 2, 1, A, D),  # 4 of 6 is two thirds; 4 of 7 is not
        (2, 1, 0, A, A),
        (5, 3, 0, D, D),
        (6, 3, 0, A, A),
        (0, 0, 4, D, D),  # no votes cast
        (2, 0, 2, A, D),
    ],
)
def test_two_thirds_majority(
    yes: int, no: int, abstain: int, ignored: Result, counted: Result
) -> None:
    assert result(Rules(Majority.TWO_THIRDS), yes, no, abstain) is ignored
    assert result(Rules(Majority.TWO_THIRDS, abstentions_count=True), yes, no, abstain) is counted


@pytest.mark.parametrize(
    ("casting", "chair", "expected", "used"),
    [
        (True, "yes", A, True),
        (True, "no", D, True),
        (True, "abstain", D, False),  # an abstaining chair does not break the tie
        (True, None, D, False),  # secret vote, or the chair did not vote
        (False, "yes", D, False),
        (False, None, D, False),
    ],
)
def test_tie_under_a_simple_majority(
    casting: bool, chair: str | None, expected: Result, used: bool
) -> None:
    tally = count(
        Rules(casting_vote=casting),
        yes=3,
        no=3,
        abstain=1,
        eligible=7,
        present=7,
        chair_choice=chair,
    )
    assert tally.tie
    assert tally.result is expected
    assert tally.casting_vote_used is used


def test_a_tie_with_abstentions_counted_is_broken_by_the_casting_vote() -> None:
    rules = Rules(abstentions_count=True, casting_vote=True)
    tally = count(rules, yes=3, no=2, abstain=1, eligible=7, present=6, chair_choice="yes")
    assert (tally.tie, tally.result) == (True, A)


def test_the_casting_vote_plays_no_part_under_qualified_majorities() -> None:
    for majority in (Majority.ABSOLUTE, Majority.TWO_THIRDS):
        tally = count(
            Rules(majority, casting_vote=True),
            yes=3,
            no=3,
            abstain=0,
            eligible=6,
            present=6,
            chair_choice="yes",
        )
        assert tally.result is D
        assert not tally.tie


@pytest.mark.parametrize(
    ("numbers", "message"),
    [
        ({"yes": -1, "no": 0, "abstain": 0, "eligible": 3, "present": 3}, "negative"),
        ({"yes": 2, "no": 2, "abstain": 0, "eligible": 5, "present": 3}, "4 votes from 3"),
        ({"yes": 1, "no": 0, "abstain": 0, "eligible": 3, "present": 4}, "only 3 eligible"),
    ],
)
def test_impossible_numbers_are_refused(numbers: dict[str, int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        count(Rules(), **numbers)


def test_unknown_choice_of_the_chair_and_quorum_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="maybe"):
        count(Rules(), yes=1, no=0, abstain=0, eligible=1, present=1, chair_choice="maybe")
    with pytest.raises(ValueError, match="quorum_percent"):
        Rules(quorum_percent=0)
