"""The counting rules of a board's votes, as a pure function: rules and votes in, result out.

It imports neither Flask nor SQLAlchemy, so that every combination of rules can be tested on its
own. The portal stores what `count` returns when a vote closes; nobody types a result in.

Terms, as in German rules of procedure (Geschäftsordnungen):

* *eligible*: the members entitled to vote on the item — chair, deputy and members, without
  guests and without those recused for a conflict of interest;
* *present*: the eligible members who take part (present in the meeting; in a written procedure,
  those who voted);
* quorum (Beschlussfähigkeit): present ≥ quorum_percent % of eligible, and at least one;
* votes cast: yes + no, plus abstentions if the board counts them (then they weigh like no);
* simple majority: more yes than no among the votes cast; absolute majority: more yes than half
  of the eligible members; two-thirds majority: yes at least two thirds of the votes cast;
* tie: under a simple majority, as many yes as votes against; with the casting vote
  (Stichentscheid) the chair's own yes or no decides it. An abstaining chair, or a secret vote
  (where the chair's choice is unknown), leaves the tie, which does not carry the motion.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

__all__ = ["Majority", "Result", "Rules", "Tally", "count", "quorum_met"]


class Majority(Enum):
    SIMPLE = "simple"
    ABSOLUTE = "absolute"
    TWO_THIRDS = "two_thirds"


class Result(Enum):
    ADOPTED = "adopted"
    DEFEATED = "defeated"
    NO_QUORUM = "no_quorum"


@dataclass(frozen=True)
class Rules:
    """A board's rules of procedure for votes."""

    majority: Majority = Majority.SIMPLE
    #: Share of the eligible members, in percent, that must take part.
    quorum_percent: int = 50
    abstentions_count: bool = False
    casting_vote: bool = False

    def __post_init__(self) -> None:
        if not 1 <= self.quorum_percent <= 100:
            raise ValueError(f"quorum_percent must be 1…100, got {self.quorum_percent}")


@dataclass(frozen=True)
class Tally:
    """The result of a vote and how it came about."""

    result: Result
    yes: int
    no: int
    abstain: int
    eligible: int
    present: int
    quorum_met: bool
    #: The votes the rules compare yes against (the votes cast, or the eligible members).
    base: int
    tie: bool = False
    casting_vote_used: bool = False


def quorum_met(rules: Rules, *, eligible: int, present: int) -> bool:
    """Tell whether *present* of *eligible* members make the board quorate under *rules*."""
    return present >= 1 and present * 100 >= rules.quorum_percent * eligible


def count(
    rules: Rules,
    *,
    yes: int,
    no: int,
    abstain: int,
    eligible: int,
    present: int,
    chair_choice: str | None = None,
) -> Tally:
    """Return the result of a vote of *yes*, *no* and *abstain* votes under *rules*.

    *chair_choice* is the chair's own vote ("yes", "no", "abstain") in a named vote, None in a
    secret one or if the chair did not vote. Raise ValueError for impossible numbers: negative
    counts, more votes than members present, or more present than eligible.
    """
    if min(yes, no, abstain, eligible, present) < 0:
        raise ValueError("vote counts cannot be negative")
    if present > eligible:
        raise ValueError(f"{present} members present but only {eligible} eligible")
    if yes + no + abstain > present:
        raise ValueError(f"{yes + no + abstain} votes from {present} members present")
    if chair_choice not in (None, "yes", "no", "abstain"):
        raise ValueError(f"unknown choice of the chair: {chair_choice!r}")
    against = no + (abstain if rules.abstentions_count else 0)
    cast = yes + against
    quorate = quorum_met(rules, eligible=eligible, present=present)

    def tally(result: Result, base: int, *, tie: bool = False, casting: bool = False) -> Tally:
        return Tally(result, yes, no, abstain, eligible, present, quorate, base, tie, casting)

    if not quorate:
        return tally(Result.NO_QUORUM, cast)
    if rules.majority is Majority.ABSOLUTE:
        return tally(Result.ADOPTED if 2 * yes > eligible else Result.DEFEATED, eligible)
    if rules.majority is Majority.TWO_THIRDS:
        return tally(Result.ADOPTED if cast and 3 * yes >= 2 * cast else Result.DEFEATED, cast)
    if yes > against:
        return tally(Result.ADOPTED, cast)
    if yes < against or yes == 0:
        return tally(Result.DEFEATED, cast)
    if rules.casting_vote and chair_choice in ("yes", "no"):
        carried = Result.ADOPTED if chair_choice == "yes" else Result.DEFEATED
        return tally(carried, cast, tie=True, casting=True)
    return tally(Result.DEFEATED, cast, tie=True)
