"""The board's weighting of a round's criteria: points summing to 100, or pairwise comparisons
by the Analytic Hierarchy Process (AHP).

Moderators choose the method of the draft catalogue while the round collects or screens ideas.
Each board member weights the draft on their own: saves drafts, sees their consistency ratio and,
when it is above 0.1, the one judgment whose change would help most, then submits once. A member
sees the others' judgments and the group result only after submitting their own.

The weighting closes when the last active board member submits, or earlier when a moderator
closes it with the weightings submitted so far. Closing combines the submitted weightings into
the group weights of the criteria: the geometric mean of the members' judgments
(`scoring.aggregate_judgments`) and its principal eigenvector (`scoring.ahp`), or the mean of the
members' points, each share of 100. Changing the criteria of the draft forgets every weighting
(`catalogue._forget_weights` calls `announce_reset`), and the members who had weighted are told to
weight again.

Every number comes from the scoring engine; this module gathers the judgments, calls it, and
stores what it returns.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import scoring
from portal.accounts.models import Role, User, UserRole
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.core.models import utcnow
from portal.core.registry import Link, PanelItem
from portal.extensions import db
from portal.notifications.models import Notification
from portal.notifications.services import notify
from portal.rounds.models import (
    Catalogue,
    Criterion,
    MemberWeighting,
    PairwiseJudgment,
    Round,
    RoundPhase,
    WeightingMethod,
    WeightPoints,
)
from portal.rounds.services import catalogue as catalogues
from portal.rounds.services import messages
from portal.rounds.services.access import is_moderator, require_moderator

P = RoundPhase
M = WeightingMethod

#: Phases in which moderators choose how the board weights the draft.
METHOD_PHASES = frozenset({P.COLLECT, P.SCREEN})
#: Saaty's limit: judgments with a higher consistency ratio contradict each other too much.
CR_LIMIT = 0.1
#: A member's points add up to this.
TOTAL_POINTS = 100

#: Saaty's scale as the form offers it, from "the first is extremely more important" to "the
#: second is extremely more important". The even intermediate values are left out: each answer
#: is a sentence, and nine sentences per pair are enough to read.
SCALE: tuple[str, ...] = ("9", "7", "5", "3", "1", "1/3", "1/5", "1/7", "1/9")

#: The degrees of importance in words: (short word under the button, the full sentence).
_DEGREES: dict[int, tuple[Any, Any]] = {
    9: (_l("extremely"), _l("%(criterion)s is extremely more important")),
    7: (_l("very much"), _l("%(criterion)s is very much more important")),
    5: (_l("strongly"), _l("%(criterion)s is strongly more important")),
    3: (_l("moderately"), _l("%(criterion)s is moderately more important")),
}


class WeightingRefused(DomainError):
    """A weighting does not meet the rules; the message says which, and nothing was written."""

    status_code = 422


def scale_value(key: str) -> float:
    """Return the judgment a scale key stands for: "3" → 3.0, "1/5" → 0.2."""
    if key not in SCALE:
        raise WeightingRefused(
            _(
                "A comparison must be one of the answers offered, from “extremely more "
                "important” to “equally important”."
            )
        )
    return 1.0 / int(key[2:]) if key.startswith("1/") else float(key)


def scale_key(value: float) -> str:
    """Return the scale key of a stored judgment (the nearest answer of the scale)."""
    return min(SCALE, key=lambda key: abs(math.log(scale_value(key)) - math.log(value)))


def degree(key: str) -> int:
    """Return how strongly an answer prefers one criterion: 9, 7, 5, 3 or 1."""
    return int(key[2:]) if key.startswith("1/") else int(key)


def short_words(key: str) -> str:
    """Return the word that stands under the answer's button ("strongly", "equally")."""
    strength = degree(key)
    return str(_DEGREES[strength][0]) if strength > 1 else _("equally")


def judgment_words(first: str, second: str, key: str) -> str:
    """Return an answer as a sentence: "Kosten is strongly more important"."""
    strength = degree(key)
    if strength == 1:
        return str(_("%(first)s and %(second)s are equally important", first=first, second=second))
    favoured = second if key.startswith("1/") else first
    return str(_DEGREES[strength][1]) % {"criterion": favoured}


def is_board_member(user: User) -> bool:
    """Tell whether *user* belongs to the board, which weights the criteria."""
    return user.has_role(Role.BOARD_MEMBER)


def require_board_member(user: User) -> None:
    """Refuse anybody but a board member."""
    if not is_board_member(user):
        raise Forbidden(_("Only members of the board weight the criteria."))


def may_open(user: User) -> bool:
    """Tell whether *user* may open the weighting page of a round."""
    return is_board_member(user) or is_moderator(user)


def _holders(role: Role) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == role, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def board_members() -> list[User]:
    """Return the active board members, by name."""
    return _holders(Role.BOARD_MEMBER)


def _moderators() -> list[User]:
    return _holders(Role.MODERATOR)


# --- the catalogue being weighted -------------------------------------------------------------


def _weighted_draft(round_: Round) -> Catalogue:
    """Return *round_*'s draft, which the board weights; refuse when it is frozen or empty."""
    if round_.phase is P.CLOSED:
        raise Conflict(_("The round is closed; its weights can no longer change."))
    draft = catalogues.draft(round_)
    if draft is None:
        raise Conflict(
            _("The catalogue has been frozen for scoring; its weights can no longer change.")
        )
    if not draft.criteria:
        raise Conflict(_("The catalogue has no criteria yet, so there is nothing to weight."))
    return draft


def _weightings(catalogue: Catalogue) -> list[MemberWeighting]:
    return list(
        db.session.scalars(
            select(MemberWeighting)
            .where(MemberWeighting.catalogue_id == catalogue.id)
            .options(
                selectinload(MemberWeighting.member),
                selectinload(MemberWeighting.points),
                selectinload(MemberWeighting.judgments),
            )
            .order_by(MemberWeighting.id)
        )
    )


def _own(catalogue: Catalogue, member: User) -> MemberWeighting | None:
    return db.session.scalar(
        select(MemberWeighting).where(
            MemberWeighting.catalogue_id == catalogue.id, MemberWeighting.member_id == member.id
        )
    )


def catalogue_version(catalogue: Catalogue) -> str:
    """Return what a moderator's form must send back unchanged: the catalogue version, its
    method, criteria and whether it is closed. A form from another tab, or from before a change
    of the catalogue, sends another one and is refused (409)."""
    parts = [
        str(catalogue.id),
        catalogue.weighting.value if catalogue.weighting else "",
        ",".join(str(c.id) for c in catalogue.criteria),
        catalogue.weighted_at.isoformat() if catalogue.weighted_at else "",
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def member_version(catalogue: Catalogue, weighting: MemberWeighting | None) -> str:
    """Return what a member's weighting form must send back unchanged: the catalogue's version
    and when the member last saved, so that a second tab cannot overwrite the first (409)."""
    stamp = weighting.updated_at.isoformat() if weighting else ""
    return hashlib.sha256(f"{catalogue_version(catalogue)}|{stamp}".encode()).hexdigest()[:20]


def _stale() -> Conflict:
    return Conflict(
        _(
            "The weighting was changed in the meantime (perhaps in another tab, or the "
            "criteria changed). Nothing has been saved. Please reload the page and try again."
        )
    )


# --- the engine ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two criteria compared, in the catalogue's order."""

    first: Criterion
    second: Criterion

    @property
    def field(self) -> str:
        """The name of the form field that carries the answer."""
        return f"pair-{self.first.id}-{self.second.id}"


def pairs_of(criteria: Sequence[Criterion]) -> list[Pair]:
    """Return every pair of *criteria*, in the catalogue's order."""
    return [
        Pair(first, second)
        for index, first in enumerate(criteria)
        for second in criteria[index + 1 :]
    ]


@dataclass(frozen=True)
class Suggestion:
    """The judgment whose change would make a member's comparisons most consistent."""

    pair: Pair
    #: The answer given and the answer on the scale that would fit best.
    given: str
    offered: str
    #: The consistency ratio once *offered* replaces *given*.
    cr_after: float


@dataclass(frozen=True)
class Outcome:
    """What the engine derives from a set of judgments or points."""

    #: (criterion, weight) in the catalogue's order; empty while the comparisons do not link
    #: all criteria.
    weights: list[tuple[Criterion, float]]
    consistency_ratio: float | None = None
    suggestion: Suggestion | None = None
    #: Groups of criteria the comparisons do not link with each other.
    unlinked: list[list[Criterion]] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return self.consistency_ratio is None or self.consistency_ratio <= CR_LIMIT


#: Judgments per pair of criterion ids: how many times as important the first is as the second.
Judgments = Mapping[tuple[int, int], float]
#: Answers per pair of criterion ids, as keys of `SCALE` ("3", "1/5").
Answers = Mapping[tuple[int, int], str]


def _matrix(criteria: Sequence[Criterion], judgments: Judgments) -> np.ndarray[Any, Any]:
    """Return the comparison matrix in the catalogue's order; NaN where nobody compared."""
    index = {criterion.id: number for number, criterion in enumerate(criteria)}
    n = len(criteria)
    matrix = np.full((n, n), np.nan)
    np.fill_diagonal(matrix, 1.0)
    for (first, second), value in judgments.items():
        i, j = index[first], index[second]
        matrix[i, j], matrix[j, i] = value, 1.0 / value
    return matrix


def _groups(criteria: Sequence[Criterion], judgments: Judgments) -> list[list[Criterion]]:
    """Return the criteria in groups that the given comparisons link."""
    group = {criterion.id: {criterion.id} for criterion in criteria}
    for first, second in judgments:
        if group[first] is not group[second]:
            merged = group[first] | group[second]
            for member in merged:
                group[member] = merged
    seen: list[set[int]] = []
    for criterion in criteria:
        if not any(group[criterion.id] is known for known in seen):
            seen.append(group[criterion.id])
    return [[c for c in criteria if c.id in ids] for ids in seen]


def _cr_with(matrix: np.ndarray[Any, Any], i: int, j: int, value: float) -> float:
    trial = matrix.copy()
    trial[i, j], trial[j, i] = value, 1.0 / value
    return scoring.ahp(trial).cr


def _suggest(
    criteria: Sequence[Criterion], matrix: np.ndarray[Any, Any], result: scoring.AhpResult
) -> Suggestion | None:
    """Turn the engine's most inconsistent judgment into an answer the member can give.

    The engine suggests any value between 1/9 and 9; the form offers Saaty's odd steps. λmax is
    convex in the judgment's logarithm, so the best step is one of the two around the engine's
    value; the engine's consistency ratio decides between them.
    """
    found = result.most_inconsistent
    if found is None:
        return None
    given = scale_key(found.value)
    target = math.log(found.suggested)
    around = sorted(SCALE, key=lambda key: abs(math.log(scale_value(key)) - target))[:2]
    candidates = [key for key in around if key != given]
    if not candidates:
        return None
    scored = [(_cr_with(matrix, found.row, found.column, scale_value(k)), k) for k in candidates]
    cr_after, offered = min(scored)
    if cr_after >= result.cr:
        return None
    return Suggestion(
        Pair(criteria[found.row], criteria[found.column]), given, offered, max(cr_after, 0.0)
    )


def ahp_outcome(
    criteria: Sequence[Criterion], judgments: Judgments, *, suggest: bool = True
) -> Outcome:
    """Return the weights, consistency ratio and (if above the limit) the suggested change of a
    member's comparisons of *criteria*; skipped pairs are completed by the engine."""
    if len(criteria) == 1:
        return Outcome([(criteria[0], 1.0)], 0.0)
    if not judgments:
        return Outcome([], None, unlinked=[[c] for c in criteria])
    matrix = _matrix(criteria, judgments)
    try:
        result = scoring.ahp(matrix)
    except scoring.InconsistentInput:
        return Outcome([], None, unlinked=_groups(criteria, judgments))
    suggestion = None
    if suggest and result.cr > CR_LIMIT:
        suggestion = _suggest(criteria, matrix, result)
    return Outcome(
        list(zip(criteria, (float(w) for w in result.weights), strict=True)),
        float(result.cr),
        suggestion,
    )


def points_outcome(criteria: Sequence[Criterion], points: Mapping[int, int]) -> Outcome:
    """Return the weights that a member's points give: each criterion's share of the total."""
    total = sum(points.get(c.id, 0) for c in criteria)
    if total <= 0:
        return Outcome([])
    return Outcome([(c, points.get(c.id, 0) / total) for c in criteria])


def _judgments_of(weighting: MemberWeighting) -> dict[tuple[int, int], float]:
    return {(j.first_id, j.second_id): j.value for j in weighting.judgments}


def _points_of(weighting: MemberWeighting) -> dict[int, int]:
    return {p.criterion_id: p.points for p in weighting.points}


def _oriented(criteria: Sequence[Criterion], judgments: Judgments) -> dict[tuple[int, int], float]:
    """Return stored judgments (first id < second id) keyed in the catalogue's order."""
    position = {c.id: c.position for c in criteria}
    oriented = {}
    for (first, second), value in judgments.items():
        if position[first] <= position[second]:
            oriented[(first, second)] = value
        else:
            oriented[(second, first)] = 1.0 / value
    return oriented


def member_outcome(
    criteria: Sequence[Criterion], weighting: MemberWeighting, *, suggest: bool = True
) -> Outcome:
    """Return what the engine derives from one member's weighting."""
    if weighting.method is M.POINTS:
        return points_outcome(criteria, _points_of(weighting))
    return ahp_outcome(criteria, _oriented(criteria, _judgments_of(weighting)), suggest=suggest)


def group_outcome(criteria: Sequence[Criterion], weightings: Sequence[MemberWeighting]) -> Outcome:
    """Combine the members' weightings: the geometric mean of their judgments (AHP), or the mean
    of their points, each taken as a share of 100."""
    if not weightings:
        return Outcome([])
    if weightings[0].method is M.POINTS:
        shares = [dict(points_outcome(criteria, _points_of(w)).weights) for w in weightings]
        return Outcome([(c, sum(s[c] for s in shares) / len(shares)) for c in criteria])
    if len(criteria) == 1:
        return Outcome([(criteria[0], 1.0)], 0.0)
    matrices = [_matrix(criteria, _oriented(criteria, _judgments_of(w))) for w in weightings]
    combined = scoring.aggregate_judgments(matrices)
    result = scoring.ahp(combined)
    return Outcome(
        list(zip(criteria, (float(w) for w in result.weights), strict=True)), float(result.cr)
    )


# --- moderators: method and closing ------------------------------------------------------------


def set_method(
    round_: Round,
    method: WeightingMethod,
    moderator: User,
    *,
    version: str,
    at: datetime | None = None,
) -> Catalogue:
    """Choose how the board weights *round_*'s draft; a change drops the weightings made so far
    (their members are told) and invites the board."""
    require_moderator(moderator)
    draft = _weighted_draft(round_)
    if version != catalogue_version(draft):
        raise _stale()
    if round_.phase not in METHOD_PHASES:
        raise Conflict(
            _(
                "The method can only be chosen while the round collects or screens ideas; it is "
                "now in the phase “%(phase)s”.",
                phase=round_.phase.label,
            )
        )
    if draft.weighting is method:
        return draft
    had_method = draft.weighting is not None
    if had_method:
        catalogues._forget_weights(draft)
    draft.weighting = method
    db.session.flush()
    notify(
        board_members(),
        messages.WEIGHTING_OPENED,
        {"round": round_.name, "method": method.value, "again": had_method},
        Link("rounds.weighting", {"round_id": round_.id}),
        at=at,
    )
    return draft


def weightings_to_drop(round_: Round) -> int:
    """Return how many members' weightings a change of method would drop."""
    draft = catalogues.draft(round_)
    return len(_weightings(draft)) if draft is not None else 0


def announce_reset(catalogue: Catalogue, *, at: datetime | None = None) -> None:
    """Tell the members who weighted *catalogue* that their weighting is dropped (its criteria or
    method change) and that they must weight again."""
    members = [w.member for w in _weightings(catalogue)]
    if not members:
        return
    notify(
        members,
        messages.WEIGHTING_RESET,
        {"round": catalogue.round.name, "catalogue_id": catalogue.id},
        Link("rounds.weighting", {"round_id": catalogue.round_id}),
        at=at,
    )


def _close(draft: Catalogue, weightings: Sequence[MemberWeighting], at: datetime) -> None:
    outcome = group_outcome(draft.criteria, weightings)
    for criterion, weight in outcome.weights:
        # Rounding can leave a weight a hair outside 0…1, which the database refuses.
        criterion.weight = min(max(weight, 0.0), 1.0)
    draft.consistency_ratio = outcome.consistency_ratio
    draft.weighted_at = at


def close(round_: Round, moderator: User, *, version: str, at: datetime | None = None) -> Catalogue:
    """Close the weighting of *round_*'s draft with the weightings submitted so far and store the
    group weights; drafts of members who did not submit do not count."""
    require_moderator(moderator)
    draft = _weighted_draft(round_)
    if draft.weighted_at is not None:
        raise Conflict(_("The weighting has already been closed."))
    if version != catalogue_version(draft):
        raise _stale()
    submitted = [w for w in _weightings(draft) if w.submitted_at is not None]
    if not submitted:
        raise Conflict(_("No board member has submitted a weighting yet."))
    _close(draft, submitted, at or utcnow())
    db.session.flush()
    return draft


# --- board members: their own weighting --------------------------------------------------------


def _open_for(
    round_: Round, member: User, version: str
) -> tuple[Catalogue, MemberWeighting | None]:
    require_board_member(member)
    draft = _weighted_draft(round_)
    own = _own(draft, member)
    if version != member_version(draft, own):
        raise _stale()
    if draft.weighting is None:
        raise Conflict(_("The moderators have not chosen how the board weights yet."))
    if draft.weighted_at is not None:
        raise Conflict(_("The weighting has been closed; the weights can no longer change."))
    if own is not None and own.submitted_at is not None:
        raise Conflict(_("You have already submitted your weighting; it can no longer change."))
    return draft, own


def _check_points(criteria: Sequence[Criterion], points: Mapping[int, int]) -> None:
    ids = {c.id for c in criteria}
    if set(points) - ids:
        raise WeightingRefused(_("The points name criteria that are not in this catalogue."))
    if set(points) != ids:
        raise WeightingRefused(_("Give points to every criterion (0 is allowed)."))
    if any(value < 0 for value in points.values()):
        raise WeightingRefused(_("Points cannot be negative."))
    total = sum(points.values())
    if total != TOTAL_POINTS:
        raise WeightingRefused(
            _(
                "The points must add up to %(total)d; yours add up to %(sum)d.",
                total=TOTAL_POINTS,
                sum=total,
            )
        )


def _check_judgments(
    criteria: Sequence[Criterion], answers: Answers
) -> dict[tuple[int, int], float]:
    """Refuse comparisons of criteria outside the catalogue and answers off the scale; return
    the judgments keyed in the catalogue's order."""
    position = {c.id: c.position for c in criteria}
    checked: dict[tuple[int, int], float] = {}
    for (first, second), answer in answers.items():
        if first not in position or second not in position or first == second:
            raise WeightingRefused(_("A comparison names criteria that are not in this catalogue."))
        value = scale_value(answer)
        if position[first] > position[second]:
            first, second, value = second, first, 1.0 / value
        if (first, second) in checked:
            raise WeightingRefused(_("A pair of criteria was compared twice."))
        checked[(first, second)] = value
    return checked


def unlinked_message(groups: Sequence[Sequence[Criterion]]) -> str:
    """Say which groups of criteria still need a comparison between them."""
    names = [", ".join(c.name for c in group) for group in groups]
    return str(
        _(
            "Your comparisons do not yet link all criteria, so their weights cannot be derived. "
            "Compare at least one criterion of each of these groups with one of another group: "
            "%(groups)s.",
            groups="; ".join(f"({text})" for text in names),
        )
    )


def check_submission(
    round_: Round,
    member: User,
    *,
    version: str,
    points: Mapping[int, int] | None = None,
    answers: Answers | None = None,
) -> Outcome:
    """Check what *member* wants to submit without saving it, and return what the engine
    derives from it (the view asks for a confirmation when it is inconsistent)."""
    draft, _own_weighting = _open_for(round_, member, version)
    return _checked_outcome(draft, points, answers, submit=True)[0]


def _checked_outcome(
    draft: Catalogue,
    points: Mapping[int, int] | None,
    answers: Answers | None,
    *,
    submit: bool,
) -> tuple[Outcome, dict[tuple[int, int], float]]:
    criteria = draft.criteria
    if draft.weighting is M.POINTS:
        if points is None or answers:
            raise WeightingRefused(_("This catalogue is weighted with points."))
        _check_points(criteria, points)
        return points_outcome(criteria, points), {}
    if answers is None or points:
        raise WeightingRefused(_("This catalogue is weighted by pairwise comparison."))
    checked = _check_judgments(criteria, answers)
    outcome = ahp_outcome(criteria, checked, suggest=False)
    if submit and outcome.unlinked:
        raise WeightingRefused(unlinked_message(outcome.unlinked))
    return outcome, checked


def save_weighting(
    round_: Round,
    member: User,
    *,
    version: str,
    submit: bool,
    points: Mapping[int, int] | None = None,
    answers: Answers | None = None,
    at: datetime | None = None,
) -> tuple[MemberWeighting, Outcome]:
    """Save *member*'s weighting of *round_*'s draft: *points* per criterion id (adding up to
    100), or *answers* per pair of criterion ids (how many times as important the first is as
    the second, a key of `SCALE`; pairs left out are skipped). *submit* makes it final; the
    last member to submit closes the weighting. Return the weighting and what the engine
    derives from it."""
    draft, own = _open_for(round_, member, version)
    outcome, checked = _checked_outcome(draft, points, answers, submit=submit)
    at = at or utcnow()
    if own is None:
        own = MemberWeighting(catalogue_id=draft.id, member_id=member.id, method=draft.weighting)
        db.session.add(own)
    assert draft.weighting is not None
    own.method = draft.weighting
    if draft.weighting is M.POINTS:
        assert points is not None
        own.points = [WeightPoints(criterion_id=cid, points=value) for cid, value in points.items()]
        own.judgments = []
    else:
        own.points = []
        stored = []
        for (first, second), value in checked.items():
            # Stored by id, as the table orders each pair; the reverse is the reciprocal.
            if first > second:
                first, second, value = second, first, 1.0 / value
            stored.append(PairwiseJudgment(first_id=first, second_id=second, value=value))
        own.judgments = stored
    own.consistency_ratio = outcome.consistency_ratio
    own.updated_at = at
    if submit:
        own.submitted_at = at
    db.session.flush()
    if submit:
        _close_when_complete(draft, at)
    return own, outcome


def _close_when_complete(draft: Catalogue, at: datetime) -> None:
    """Close the weighting once every active board member has submitted."""
    weightings = _weightings(draft)
    submitted = {w.member_id for w in weightings if w.submitted_at is not None}
    members = board_members()
    if members and all(member.id in submitted for member in members):
        _close(draft, [w for w in weightings if w.submitted_at is not None], at)
        db.session.flush()
        notify(
            _moderators(),
            messages.WEIGHTING_CLOSED,
            {"round": draft.round.name},
            Link("rounds.weighting", {"round_id": draft.round_id}),
            at=at,
        )


# --- what pages show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberResult:
    """A member's weighting as others see it, after they submitted theirs."""

    #: None where the viewer may not see names (anybody but board members).
    name: str | None
    submitted_at: datetime | None
    consistency_ratio: float | None
    #: Answers per pair field ("pair-3-5" → "1/3"), or points per criterion id.
    answers: dict[str, str]
    points: dict[int, int]


@dataclass(frozen=True)
class WeightingPage:
    """Everything the weighting page of a round shows to one user."""

    round: Round
    catalogue: Catalogue | None
    method: WeightingMethod | None
    #: What the member's form and the moderators' forms send back (see `member_version`).
    version: str
    catalogue_version: str
    is_member: bool
    is_moderator: bool
    may_choose_method: bool
    may_weight: bool
    may_close: bool
    closed: bool
    #: The viewer's own weighting, its answers and what the engine says about it.
    own: MemberWeighting | None
    answers: dict[str, str]
    points: dict[int, int]
    outcome: Outcome | None
    #: When the criteria or the method changed and dropped the viewer's weighting.
    reset_at: datetime | None
    #: The other members' submitted weightings; None until the viewer may see them.
    others: list[MemberResult] | None
    #: The group result so far (before closing) or as stored; None while hidden.
    group: Outcome | None
    submitted: int
    drafts: int
    members: int
    pairs: list[Pair]
    #: The member's CRs once closed, for moderators who are not on the board (no names).
    member_crs: list[MemberResult] = field(default_factory=list)


def _answers(criteria: Sequence[Criterion], weighting: MemberWeighting) -> dict[str, str]:
    by_id = {c.id: c for c in criteria}
    answers = {}
    for (first, second), value in _oriented(criteria, _judgments_of(weighting)).items():
        answers[Pair(by_id[first], by_id[second]).field] = scale_key(value)
    return answers


def _reset_at(user: User, catalogue: Catalogue, own: MemberWeighting | None) -> datetime | None:
    notices = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id, Notification.kind == messages.WEIGHTING_RESET)
        .order_by(Notification.created_at.desc())
        .limit(20)
    )
    for notice in notices:
        if notice.params.get("catalogue_id") == catalogue.id:
            if own is None or own.updated_at < notice.created_at:
                return notice.created_at
            return None
    return None


def weighting_page(round_: Round, user: User) -> WeightingPage:
    """Return what the weighting page of *round_* shows to *user*, a board member or a
    moderator."""
    if not may_open(user):
        raise Forbidden(_("Only members of the board and moderators open the weighting."))
    member, moderator = is_board_member(user), is_moderator(user)
    draft = catalogues.draft(round_)
    current = draft or catalogues.latest_frozen(round_)
    if current is None:
        return WeightingPage(
            round=round_, catalogue=None, method=None, version="", catalogue_version="",
            is_member=member, is_moderator=moderator, may_choose_method=False, may_weight=False,
            may_close=False, closed=False, own=None, answers={}, points={}, outcome=None,
            reset_at=None, others=None, group=None, submitted=0, drafts=0,
            members=len(board_members()), pairs=[],
        )  # fmt: skip
    criteria = current.criteria
    weightings = _weightings(_source(current))
    own = next((w for w in weightings if w.member_id == user.id), None)
    submitted = [w for w in weightings if w.submitted_at is not None]
    closed = current.weighted_at is not None
    editable = (
        draft is not None
        and bool(criteria)
        and draft.weighting is not None
        and not closed
        and round_.phase is not P.CLOSED
    )
    outcome = None
    if own is not None and own.method is current.weighting:
        outcome = member_outcome(criteria, own, suggest=own.submitted_at is None and editable)
    own_submitted = own is not None and own.submitted_at is not None
    others = None
    group = None
    if member and (own_submitted or closed):
        others = [
            _member_result(criteria, w, named=True) for w in submitted if w.member_id != user.id
        ]
    if closed:
        group = Outcome([(c, c.weight or 0.0) for c in criteria], current.consistency_ratio)
    elif member and own_submitted and submitted:
        group = group_outcome(criteria, submitted)
    member_crs = []
    if closed and not member:
        member_crs = [_member_result(criteria, w, named=False) for w in submitted]
    return WeightingPage(
        round=round_,
        catalogue=current,
        method=current.weighting,
        version=member_version(current, own),
        catalogue_version=catalogue_version(current),
        is_member=member,
        is_moderator=moderator,
        may_choose_method=moderator
        and draft is not None
        and bool(criteria)
        and round_.phase in METHOD_PHASES,
        may_weight=member and editable and not own_submitted,
        may_close=moderator and editable and bool(submitted),
        closed=closed,
        own=own,
        answers=_answers(criteria, own) if own is not None else {},
        points=_points_of(own) if own is not None else {},
        outcome=outcome,
        reset_at=_reset_at(user, current, own) if member and draft is not None else None,
        others=others,
        group=group,
        submitted=len(submitted),
        drafts=len(weightings) - len(submitted),
        members=len(board_members()),
        pairs=pairs_of(criteria),
        member_crs=member_crs,
    )


def _member_result(
    criteria: Sequence[Criterion], weighting: MemberWeighting, *, named: bool
) -> MemberResult:
    return MemberResult(
        name=weighting.member.name if named else None,
        submitted_at=weighting.submitted_at,
        consistency_ratio=weighting.consistency_ratio,
        answers=_answers(criteria, weighting) if weighting.method is M.AHP else {},
        points=_points_of(weighting),
    )


def _source(catalogue: Catalogue) -> Catalogue:
    """Return the version whose members' weightings gave *catalogue* its weights.

    A new version starts as a copy of the one before, weights included, while the weightings
    stay with the version the board weighted.
    """
    if catalogue.weighted_at is None:
        return catalogue
    found = db.session.scalar(
        select(Catalogue)
        .join(MemberWeighting, MemberWeighting.catalogue_id == Catalogue.id)
        .where(
            Catalogue.round_id == catalogue.round_id,
            Catalogue.weighted_at == catalogue.weighted_at,
        )
        .order_by(Catalogue.version)
        .limit(1)
    )
    return found or catalogue


@dataclass(frozen=True)
class CatalogueWeights:
    """The board's weights of a catalogue version, as its read view publishes them."""

    method: WeightingMethod | None
    weighted_at: datetime
    #: (criterion, weight summing to 1) in the catalogue's order.
    weights: list[tuple[Criterion, float]]
    #: The consistency ratio of the group's comparisons (AHP), else None.
    consistency_ratio: float | None
    #: Each member's consistency ratio (AHP); names only for board members.
    members: list[MemberResult]


def catalogue_weights(catalogue: Catalogue, viewer: User) -> CatalogueWeights | None:
    """Return the weights of *catalogue* as *viewer* may read them, or None before the board has
    weighted it. Board members read the members' names beside their consistency ratios; everybody
    else reads them without names."""
    if catalogue.weighted_at is None or any(c.weight is None for c in catalogue.criteria):
        return None
    named = is_board_member(viewer)
    submitted = [w for w in _weightings(_source(catalogue)) if w.submitted_at is not None]
    return CatalogueWeights(
        method=catalogue.weighting,
        weighted_at=catalogue.weighted_at,
        weights=[(c, c.weight or 0.0) for c in catalogue.criteria],
        consistency_ratio=catalogue.consistency_ratio,
        members=[
            MemberResult(
                name=w.member.name if named else None,
                submitted_at=w.submitted_at,
                consistency_ratio=w.consistency_ratio,
                answers={},
                points={},
            )
            for w in submitted
        ],
    )


def board_start_items(user: User) -> list[PanelItem]:
    """List the weightings that wait for *user*, a board member: drafts with a method, not yet
    closed, that they have not submitted."""
    rows = db.session.execute(
        select(Round, MemberWeighting.id)
        .join(Catalogue, Catalogue.round_id == Round.id)
        .outerjoin(
            MemberWeighting,
            (MemberWeighting.catalogue_id == Catalogue.id) & (MemberWeighting.member_id == user.id),
        )
        .where(
            Round.phase != P.CLOSED,
            Catalogue.frozen_at.is_(None),
            Catalogue.weighting.is_not(None),
            Catalogue.weighted_at.is_(None),
            MemberWeighting.submitted_at.is_(None),
            Catalogue.criteria.any(),
        )
        .order_by(Round.id.desc())
    ).all()
    return [
        PanelItem(
            _("Weights to give: %(round)s", round=round_.name)
            if started is None
            else _("Weights to give: %(round)s (draft saved)", round=round_.name),
            Link("rounds.weighting", {"round_id": round_.id}),
        )
        for round_, started in rows
    ]


def progress_text(page: WeightingPage) -> str:
    """Say how far the board is: "3 of 7 board members have submitted"."""
    return str(
        ngettext(
            "%(num)d of %(members)d board members has submitted",
            "%(num)d of %(members)d board members have submitted",
            page.submitted,
            members=page.members,
        )
    )
