"""What the rounds module adds to the idea page (`portal.core.registry.add_section`): the round
an idea belongs to, for moderators the form that accepts an idea in screening into a round, and
why the idea ranks where it does."""

from __future__ import annotations

from portal.accounts.models import User
from portal.core.registry import Section
from portal.ideas.models import Idea
from portal.rounds.services import phases, ranking_page


def round_fact(idea: Idea, user: User) -> Section | None:
    """Name the round *idea* belongs to, for everybody who reads the idea."""
    found = phases.round_of(idea)
    if found is None:
        return None
    return Section("rounds/idea_round.html", {"round": found})


def accept_form(idea: Idea, user: User) -> Section | None:
    """Offer a moderator the rounds that take ideas, on an idea in screening not their own."""
    if not phases.may_accept(idea, user):
        return None
    return Section(
        "rounds/idea_accept.html", {"idea": idea, "rounds": phases.rounds_open_for_ideas()}
    )


def why_this_rank(idea: Idea, user: User) -> Section | None:
    """Explain the idea's rank in its round, once *user* may read it (see `may_see_why`)."""
    found = phases.round_of(idea)
    if found is None:
        return None
    why = ranking_page.why_this_rank(idea, found, user)
    if why is None:
        return None
    return Section("rounds/idea_why.html", {"why": why})
