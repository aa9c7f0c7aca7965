"""Assessment, the moderators' side: who scores which idea of a round, automatic recusal, the
progress of the assessment, and the reminders before scoring ends.

Moderators assign assessors (users with the role assessor) to the ideas of a round while it
screens or scores: one idea at a time, or in bulk for the ideas of a field of action, of an org
unit, or of the whole round. Bulk assignment fills every idea up to the round's minimum with the
assessors who have the fewest assessments in the round (ties: the lower user id), so the same
request on the same data always gives the same spread.

Recusal is automatic: nobody scores their own idea, an idea they support, or an idea that
affects their org unit or a unit above it. Such a case is recorded as a recused assignment with
its reason, so the moderator sees why a person does not score, and bulk assignment picks the
next assessor instead. Assessors declare conflicts themselves on the scoring side; the progress
page shows those with their note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import OrgUnit, Role, User, UserRole
from portal.core.errors import Conflict, DomainError, InvalidTransition, NotFound
from portal.core.jobs import enqueue, job, periodic
from portal.core.models import utcnow
from portal.core.pagination import Page
from portal.core.registry import Link, Section
from portal.extensions import db
from portal.ideas.models import FieldOfAction, Idea, Support, idea_org_unit
from portal.notifications.services import notify
from portal.rounds.models import (
    AssessmentReminder,
    Assignment,
    AssignmentState,
    RecusalReason,
    Round,
    RoundIdea,
    RoundPhase,
)
from portal.rounds.services import messages, phases
from portal.rounds.services.access import is_moderator, require_current, require_moderator

P = RoundPhase
S = AssignmentState

#: Phases in which moderators assign assessors and remove assignments.
ASSIGNING = frozenset({P.SCREEN, P.SCORE})

#: Days before the end of scoring on which assessors with open assessments are reminded.
REMINDER_DAYS = (3, 1)

#: The local hour from which reminders go out (the job runs every hour, so a run missed at
#: this hour is made up by the next one; each reminder still goes out only once).
REMINDER_HOUR = 8


class AssignmentRefused(DomainError):
    """The input of an assignment form breaks a rule; the message says which."""

    status_code = 422


# --- who may be asked --------------------------------------------------------------------------


def assessors() -> list[User]:
    """Return the active users with the role assessor, by name."""
    return list(
        db.session.scalars(
            select(User)
            .options(joinedload(User.org_unit))
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ASSESSOR, User.active.is_(True))
            .order_by(User.name, User.id)
        )
    )


def _ancestors(parents: dict[int, int | None], unit: int | None) -> frozenset[int]:
    """Return *unit* and the units above it (a loop in bad data ends the walk)."""
    found: set[int] = set()
    while unit is not None and unit not in found:
        found.add(unit)
        unit = parents.get(unit)
    return frozenset(found)


def _unit_parents() -> dict[int, int | None]:
    return dict(db.session.execute(select(OrgUnit.id, OrgUnit.parent_id)).all())


@dataclass(frozen=True)
class Conflicts:
    """What ties assessors to ideas: authors, supporters, the org units concerned."""

    authors: dict[int, int]
    supporters: frozenset[tuple[int, int]]
    #: Idea → the org units it affects.
    idea_units: dict[int, frozenset[int]]
    #: Assessor → their org unit and the units above it.
    assessor_units: dict[int, frozenset[int]]

    def reason(self, idea_id: int, assessor_id: int) -> RecusalReason | None:
        """Return why *assessor_id* must not score *idea_id*, or None."""
        if self.authors.get(idea_id) == assessor_id:
            return RecusalReason.OWN_IDEA
        if (idea_id, assessor_id) in self.supporters:
            return RecusalReason.SUPPORTED
        if self.idea_units.get(idea_id, frozenset()) & self.assessor_units.get(
            assessor_id, frozenset()
        ):
            return RecusalReason.OWN_ORG_UNIT
        return None


def conflicts(ideas: Select[int], people: Sequence[User]) -> Conflicts:
    """Return the conflicts of interest between the ideas *ideas* selects (their ids) and
    *people*, in four statements whatever their number."""
    ids = [person.id for person in people]
    parents = _unit_parents()
    units: dict[int, set[int]] = {}
    for idea_id, unit in db.session.execute(
        select(idea_org_unit.c.idea_id, idea_org_unit.c.org_unit_id).where(
            idea_org_unit.c.idea_id.in_(ideas)
        )
    ):
        units.setdefault(idea_id, set()).add(unit)
    return Conflicts(
        authors=dict(
            db.session.execute(select(Idea.id, Idea.author_id).where(Idea.id.in_(ideas))).all()
        ),
        supporters=frozenset(
            (idea, user)
            for idea, user in db.session.execute(
                select(Support.idea_id, Support.user_id).where(
                    Support.idea_id.in_(ideas), Support.user_id.in_(ids)
                )
            )
        ),
        idea_units={idea: frozenset(found) for idea, found in units.items()},
        assessor_units={person.id: _ancestors(parents, person.org_unit_id) for person in people},
    )


# --- rules shared by the forms -----------------------------------------------------------------


def check_assigning(round_: Round, moderator: User, lock_version: int | None) -> None:
    """Refuse anybody but a moderator, a form that showed an older state of *round_*, and a
    round that is not screening or scoring."""
    require_moderator(moderator)
    require_current(round_, lock_version)
    if round_.phase not in ASSIGNING:
        raise InvalidTransition(
            _(
                "Assessors are assigned while a round screens or scores ideas; “%(name)s” is in "
                "the phase “%(phase)s”.",
                name=round_.name,
                phase=round_.phase.label,
            )
        )


def _round_ideas(round_: Round) -> Select[int]:
    return select(RoundIdea.idea_id).where(RoundIdea.round_id == round_.id)


def _idea_of(round_: Round, idea_id: int) -> Idea | None:
    return db.session.scalar(
        select(Idea).where(Idea.id == idea_id, Idea.id.in_(_round_ideas(round_)))
    )


def in_round(round_: Round, idea_id: int) -> bool:
    """Tell whether idea *idea_id* belongs to *round_*."""
    return _idea_of(round_, idea_id) is not None


def round_idea(round_: Round, idea_id: int) -> Idea:
    """Return idea *idea_id* if it belongs to *round_* (else refuse with 422: a form sent it)."""
    idea = _idea_of(round_, idea_id)
    if idea is None:
        raise AssignmentRefused(
            _("This idea is not part of the round “%(name)s”.", name=round_.name)
        )
    return idea


def _load(round_: Round) -> dict[int, int]:
    """Return how many assessments each assessor has in *round_*, recusals left out."""
    return dict(
        db.session.execute(
            select(Assignment.assessor_id, func.count(Assignment.id))
            .where(Assignment.round_id == round_.id, Assignment.state != S.RECUSED)
            .group_by(Assignment.assessor_id)
        ).all()
    )


def _new(
    round_: Round,
    idea_id: int,
    assessor_id: int,
    reason: RecusalReason | None,
    by: User,
    at: datetime,
) -> Assignment:
    return Assignment(
        round_id=round_.id,
        idea_id=idea_id,
        assessor_id=assessor_id,
        assigned_by_id=by.id,
        assigned_at=at,
        state=S.OPEN if reason is None else S.RECUSED,
        recusal=reason,
    )


# --- one idea at a time ------------------------------------------------------------------------


@dataclass(frozen=True)
class Assigned:
    """What assigning did: who now scores, who was recused and why."""

    assigned: list[User]
    recused: list[tuple[User, RecusalReason]]


def assign(
    round_: Round,
    idea_id: int,
    assessor_ids: Iterable[int],
    moderator: User,
    *,
    lock_version: int | None = None,
    at: datetime | None = None,
) -> Assigned:
    """Ask the assessors *assessor_ids* to score idea *idea_id* of *round_*; an assessor with a
    conflict of interest is recorded as recused instead, with the reason."""
    check_assigning(round_, moderator, lock_version)
    idea = round_idea(round_, idea_id)
    wanted = sorted(set(assessor_ids))
    if not wanted:
        raise AssignmentRefused(_("Choose at least one assessor."))
    people = {person.id: person for person in assessors()}
    strangers = [number for number in wanted if number not in people]
    if strangers:
        named = db.session.scalars(
            select(User.name).where(User.id.in_(strangers)).order_by(User.name)
        )
        raise AssignmentRefused(
            ngettext(
                "%(names)s is not an active assessor; only users with the role assessor score "
                "ideas.",
                "%(names)s are not active assessors; only users with the role assessor score "
                "ideas.",
                len(strangers),
                names=", ".join(named) or _("The person chosen"),
            )
        )
    chosen = [people[number] for number in wanted]
    present = dict(
        db.session.execute(
            select(Assignment.assessor_id, Assignment.state).where(
                Assignment.round_id == round_.id,
                Assignment.idea_id == idea.id,
                Assignment.assessor_id.in_(wanted),
            )
        ).all()
    )
    if present:
        raise Conflict(
            ngettext(
                "%(names)s is already assigned to this idea.",
                "%(names)s are already assigned to this idea.",
                len(present),
                names=", ".join(person.name for person in chosen if person.id in present),
            )
        )
    found = conflicts(select(Idea.id).where(Idea.id == idea.id), chosen)
    at = at or utcnow()
    done = Assigned([], [])
    for person in chosen:
        reason = found.reason(idea.id, person.id)
        db.session.add(_new(round_, idea.id, person.id, reason, moderator, at))
        if reason is None:
            done.assigned.append(person)
        else:
            done.recused.append((person, reason))
    db.session.flush()
    return done


# --- in bulk -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which ideas of a round bulk assignment serves: all, a field of action's, an org unit's
    (and the units below it)."""

    field_of_action_id: int | None = None
    org_unit_id: int | None = None


@dataclass(frozen=True)
class Planned:
    """One assignment bulk assignment would make."""

    idea_id: int
    assessor_id: int
    recusal: RecusalReason | None


@dataclass(frozen=True)
class BulkPlan:
    """What bulk assignment would do, worked out without writing."""

    #: The ideas in scope, and how many of them lack assessors.
    ideas: int
    lacking: int
    planned: tuple[Planned, ...]
    #: Ideas that would stay below the minimum: too few assessors without a conflict.
    short: tuple[int, ...]
    #: A name for the scope: "all ideas", a field of action, an org unit.
    scope_name: str

    @property
    def assigned(self) -> int:
        return sum(1 for item in self.planned if item.recusal is None)

    @property
    def recused(self) -> int:
        return len(self.planned) - self.assigned


def _scope_ideas(round_: Round, scope: Scope) -> tuple[Select[int], str]:
    """Return the ideas of *round_* in *scope*, in the order they joined, and its name."""
    query = (
        select(RoundIdea.idea_id)
        .join(Idea, Idea.id == RoundIdea.idea_id)
        .where(RoundIdea.round_id == round_.id)
        .order_by(RoundIdea.added_at, RoundIdea.id)
    )
    if scope.field_of_action_id is not None and scope.org_unit_id is not None:
        raise AssignmentRefused(_("Choose a field of action or an org unit, not both."))
    if scope.field_of_action_id is not None:
        field_ = db.session.get(FieldOfAction, scope.field_of_action_id)
        if field_ is None:
            raise AssignmentRefused(_("This field of action does not exist."))
        return query.where(Idea.field_of_action_id == field_.id), field_.name
    if scope.org_unit_id is not None:
        unit = db.session.get(OrgUnit, scope.org_unit_id)
        if unit is None:
            raise AssignmentRefused(_("This org unit does not exist."))
        parents = _unit_parents()
        below = [found for found in parents if unit.id in _ancestors(parents, found)]
        affected = select(idea_org_unit.c.idea_id).where(idea_org_unit.c.org_unit_id.in_(below))
        return query.where(Idea.id.in_(affected)), unit.display_name
    return query, _("all ideas of the round")


def plan_bulk(
    round_: Round, scope: Scope, moderator: User, *, lock_version: int | None = None
) -> BulkPlan:
    """Work out which assessors bulk assignment would ask to score the ideas of *round_* in
    *scope*, so that each has the round's minimum; writes nothing."""
    check_assigning(round_, moderator, lock_version)
    ideas, name = _scope_ideas(round_, scope)
    order = list(db.session.scalars(ideas))
    people = assessors()
    held: dict[int, set[int]] = {}
    active: dict[int, int] = {}
    for idea_id, assessor_id, state in db.session.execute(
        select(Assignment.idea_id, Assignment.assessor_id, Assignment.state).where(
            Assignment.round_id == round_.id
        )
    ):
        held.setdefault(idea_id, set()).add(assessor_id)
        if state is not S.RECUSED:
            active[idea_id] = active.get(idea_id, 0) + 1
    lacking = [idea for idea in order if active.get(idea, 0) < round_.min_assessors]
    found = conflicts(ideas.order_by(None), people) if lacking else None
    load = _load(round_)
    planned: list[Planned] = []
    short: list[int] = []
    for idea in lacking:
        need = round_.min_assessors - active.get(idea, 0)
        taken = held.get(idea, set())
        for person in sorted(people, key=lambda p: (load.get(p.id, 0), p.id)):
            if need == 0:
                break
            if person.id in taken:
                continue
            assert found is not None
            reason = found.reason(idea, person.id)
            planned.append(Planned(idea, person.id, reason))
            if reason is None:
                load[person.id] = load.get(person.id, 0) + 1
                need -= 1
        if need:
            short.append(idea)
    return BulkPlan(len(order), len(lacking), tuple(planned), tuple(short), name)


def bulk_assign(
    round_: Round,
    scope: Scope,
    moderator: User,
    *,
    lock_version: int | None = None,
    at: datetime | None = None,
) -> BulkPlan:
    """Fill the ideas of *round_* in *scope* up to the round's minimum of assessors, the least
    loaded first; conflicts are recorded as recusals and the next assessor is taken."""
    plan = plan_bulk(round_, scope, moderator, lock_version=lock_version)
    at = at or utcnow()
    db.session.add_all(
        _new(round_, item.idea_id, item.assessor_id, item.recusal, moderator, at)
        for item in plan.planned
    )
    db.session.flush()
    return plan


# --- removing ----------------------------------------------------------------------------------


def get_assignment(round_: Round, assignment_id: int) -> Assignment:
    """Return assignment *assignment_id* of *round_*, with its idea and assessor."""
    found = db.session.scalar(
        select(Assignment)
        .options(joinedload(Assignment.assessor), joinedload(Assignment.idea))
        .where(Assignment.id == assignment_id, Assignment.round_id == round_.id)
    )
    if found is None:
        raise NotFound(_("This assignment does not exist."))
    return found


def check_remove(
    assignment: Assignment, moderator: User, *, lock_version: int | None = None
) -> None:
    """Refuse to remove *assignment* once it is submitted or recused, outside screening and
    scoring, or from a form that showed it in an older state."""
    require_moderator(moderator)
    round_ = assignment.round
    if round_.phase not in ASSIGNING:
        raise InvalidTransition(
            _(
                "Assignments change only while a round screens or scores ideas; “%(name)s” is in "
                "the phase “%(phase)s”.",
                name=round_.name,
                phase=round_.phase.label,
            )
        )
    if assignment.state is S.SUBMITTED:
        raise InvalidTransition(
            _(
                "%(name)s has submitted their assessment of this idea; it stays.",
                name=assignment.assessor.name,
            )
        )
    if assignment.state is S.RECUSED:
        raise InvalidTransition(
            _(
                "%(name)s is recused from this idea; the recusal stays on record.",
                name=assignment.assessor.name,
            )
        )
    if lock_version is not None and lock_version != assignment.lock_version:
        raise Conflict(
            _(
                "The assessment was changed in the meantime (perhaps in another tab). Please "
                "reload the page and try again."
            )
        )


def draft_scores(assignment: Assignment) -> int:
    """Return how many scores the assessor has saved but not submitted on *assignment*."""
    return len(assignment.scores)


def remove(assignment: Assignment, moderator: User, *, lock_version: int | None = None) -> None:
    """Remove an open *assignment* (with the scores its assessor saved as a draft)."""
    check_remove(assignment, moderator, lock_version=lock_version)
    db.session.delete(assignment)
    db.session.flush()


# --- the progress page -------------------------------------------------------------------------


@dataclass(frozen=True)
class AssessorRow:
    """An assessor's work in one round."""

    assessor: User
    submitted: int
    open: int
    recused: int

    @property
    def assigned(self) -> int:
        return self.submitted + self.open + self.recused

    @property
    def still_assessor(self) -> bool:
        """Whether the person may still be asked (they may have lost the role since)."""
        return self.assessor.active and self.assessor.has_role(Role.ASSESSOR)


class IdeaStatus:
    """Where an idea stands against the round's minimum, in the order the page lists them."""

    LACKING = 0  # fewer assessors (without recusals) than the minimum
    RUNNING = 1  # enough assessors, not yet enough submitted assessments
    DONE = 2  # enough submitted assessments


@dataclass(frozen=True)
class IdeaRow:
    """An idea of the round with its assessments."""

    idea: Idea
    submitted: int
    open: int
    recused: int
    status: int
    assignments: list[Assignment]

    @property
    def active(self) -> int:
        return self.submitted + self.open


@dataclass(frozen=True)
class Totals:
    """The assessment of a round in figures."""

    ideas: int
    #: Ideas with fewer assessors than the minimum (recusals do not count).
    lacking: int
    #: Ideas with enough submitted assessments.
    done: int
    submitted: int
    open: int
    recused: int


@dataclass(frozen=True)
class ScopeChoice:
    """A scope offered to bulk assignment: a field of action or an org unit of the round's
    ideas."""

    value: str
    label: str


@dataclass(frozen=True)
class ProgressPage:
    """The assessment of a round as a moderator follows it."""

    round: Round
    totals: Totals
    assessors: list[AssessorRow]
    ideas: Page[IdeaRow]
    #: Whether assessors can be assigned now (screening or scoring).
    may_assign: bool
    fields: list[ScopeChoice]
    units: list[ScopeChoice]
    #: The next phase and what still stands before it.
    step: phases.NextStep
    pending: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Counts:
    """How many assessments of one idea are submitted, open, recused."""

    idea_id: int
    submitted: int
    open: int
    recused: int

    def status(self, minimum: int) -> int:
        if self.submitted + self.open < minimum:
            return IdeaStatus.LACKING
        return IdeaStatus.RUNNING if self.submitted < minimum else IdeaStatus.DONE


def _idea_counts(round_: Round) -> list[_Counts]:
    """Return the assessments of each idea of *round_*, in the order the ideas joined.

    One statement, read from the index on (round, idea, state); a few thousand rows of four
    numbers cost less than counting again in the database for the figures and the order.
    """
    per_idea = (
        select(
            Assignment.idea_id.label("idea_id"),
            func.count().filter(Assignment.state == S.SUBMITTED).label("submitted"),
            func.count().filter(Assignment.state == S.OPEN).label("open"),
            func.count().filter(Assignment.state == S.RECUSED).label("recused"),
        )
        .where(Assignment.round_id == round_.id)
        .group_by(Assignment.idea_id)
        .subquery()
    )
    return [
        _Counts(idea_id, submitted or 0, open_ or 0, recused or 0)
        for idea_id, submitted, open_, recused in db.session.execute(
            select(
                RoundIdea.idea_id,
                per_idea.c.submitted,
                per_idea.c.open,
                per_idea.c.recused,
            )
            .outerjoin(per_idea, per_idea.c.idea_id == RoundIdea.idea_id)
            .where(RoundIdea.round_id == round_.id)
            .order_by(RoundIdea.added_at, RoundIdea.id)
        )
    ]


def _totals(round_: Round, counts: Sequence[_Counts]) -> Totals:
    minimum = round_.min_assessors
    return Totals(
        ideas=len(counts),
        lacking=sum(1 for c in counts if c.status(minimum) == IdeaStatus.LACKING),
        done=sum(1 for c in counts if c.status(minimum) == IdeaStatus.DONE),
        submitted=sum(c.submitted for c in counts),
        open=sum(c.open for c in counts),
        recused=sum(c.recused for c in counts),
    )


def totals(round_: Round) -> Totals:
    """Return the figures of *round_*'s assessment, in one statement."""
    return _totals(round_, _idea_counts(round_))


def _idea_rows(round_: Round, counts: Sequence[_Counts], page: int, per_page: int) -> Page[IdeaRow]:
    """Return page *page* of the ideas of *round_*: those lacking assessors first, then those
    still being assessed, then the done ones, each in the order they joined."""
    minimum = round_.min_assessors
    ordered = sorted(counts, key=lambda c: c.status(minimum))
    page = max(1, min(page, -(-len(ordered) // per_page) or 1))
    shown = ordered[(page - 1) * per_page : page * per_page]
    ids = [c.idea_id for c in shown]
    ideas = {
        idea.id: idea
        for idea in db.session.scalars(
            select(Idea).options(joinedload(Idea.field_of_action)).where(Idea.id.in_(ids))
        )
    }
    by_idea: dict[int, list[Assignment]] = {}
    for found in db.session.scalars(
        select(Assignment)
        # The assessors' roles are not shown here (their table loaded them anyway).
        .options(joinedload(Assignment.assessor).lazyload(User.role_rows))
        .join(User, User.id == Assignment.assessor_id)
        .where(Assignment.round_id == round_.id, Assignment.idea_id.in_(ids))
        .order_by(
            case((Assignment.state == S.SUBMITTED, 0), (Assignment.state == S.OPEN, 1), else_=2),
            User.name,
            User.id,
        )
    ):
        by_idea.setdefault(found.idea_id, []).append(found)
    items = [
        IdeaRow(
            ideas[c.idea_id],
            c.submitted,
            c.open,
            c.recused,
            c.status(minimum),
            by_idea.get(c.idea_id, []),
        )
        for c in shown
    ]
    return Page(items=items, page=page, per_page=per_page, total=len(ordered))


def _assessor_rows(round_: Round) -> list[AssessorRow]:
    """Return every active assessor and everybody else with an assignment in *round_*, by name,
    with their assessments in it."""
    counts = {
        assessor: (int(s), int(o), int(r))
        for assessor, s, o, r in db.session.execute(
            select(
                Assignment.assessor_id,
                func.count().filter(Assignment.state == S.SUBMITTED),
                func.count().filter(Assignment.state == S.OPEN),
                func.count().filter(Assignment.state == S.RECUSED),
            )
            .where(Assignment.round_id == round_.id)
            .group_by(Assignment.assessor_id)
        )
    }
    role = select(UserRole.user_id).where(UserRole.role == Role.ASSESSOR)
    people = db.session.scalars(
        select(User)
        .options(joinedload(User.org_unit))
        .where(
            or_(
                and_(User.id.in_(role), User.active.is_(True)),
                User.id.in_(list(counts)),
            )
        )
        .order_by(User.name, User.id)
    )
    return [AssessorRow(person, *counts.get(person.id, (0, 0, 0))) for person in people]


def _scope_choices(round_: Round) -> tuple[list[ScopeChoice], list[ScopeChoice]]:
    """Return the fields of action and the org units (with the units above them) of the ideas
    of *round_*, as bulk assignment offers them."""
    ideas = _round_ideas(round_)
    fields = [
        ScopeChoice(f"field-{found.id}", found.name)
        for found in db.session.scalars(
            select(FieldOfAction)
            .where(FieldOfAction.id.in_(select(Idea.field_of_action_id).where(Idea.id.in_(ideas))))
            .order_by(FieldOfAction.name)
        )
    ]
    concerned = set(
        db.session.scalars(
            select(idea_org_unit.c.org_unit_id).where(idea_org_unit.c.idea_id.in_(ideas)).distinct()
        )
    )
    units = list(db.session.scalars(select(OrgUnit).order_by(OrgUnit.code)))
    parents = {unit.id: unit.parent_id for unit in units}
    offered = {above for unit in concerned for above in _ancestors(parents, unit)}
    return fields, [
        ScopeChoice(f"unit-{unit.id}", unit.display_name) for unit in units if unit.id in offered
    ]


def pending(round_: Round, figures: Totals | None = None) -> list[str]:
    """Say what of the assessment of *round_* still stands before its next phase: ideas below
    the minimum of assessors, assessments not yet submitted."""
    if round_.phase not in ASSIGNING:
        return []
    figures = figures or totals(round_)
    said = []
    if figures.lacking:
        said.append(
            ngettext(
                "%(count)s idea has fewer than %(min)s assessors.",
                "%(count)s ideas have fewer than %(min)s assessors.",
                figures.lacking,
                count=format_decimal(figures.lacking),
                min=round_.min_assessors,
            )
        )
    if round_.phase is P.SCORE and figures.open:
        said.append(
            ngettext(
                "%(count)s assessment is still open.",
                "%(count)s assessments are still open.",
                figures.open,
                count=format_decimal(figures.open),
            )
        )
    return said


def progress_page(round_: Round, moderator: User, page: int, per_page: int) -> ProgressPage:
    """Return the assessment of *round_* as *moderator* follows it, with page *page* of its
    ideas; the number of statements does not grow with ideas or assessors."""
    require_moderator(moderator)
    counts = _idea_counts(round_)
    figures = _totals(round_, counts)
    fields, units = _scope_choices(round_)
    return ProgressPage(
        round=round_,
        totals=figures,
        assessors=_assessor_rows(round_),
        ideas=_idea_rows(round_, counts, page, per_page),
        may_assign=round_.phase in ASSIGNING,
        fields=fields,
        units=units,
        step=phases.next_step(round_),
        pending=pending(round_, figures),
    )


@dataclass(frozen=True)
class IdeaPage:
    """One idea of a round with its assessments, and the assessors a moderator may add."""

    round: Round
    idea: Idea
    assignments: list[Assignment]
    #: Assessors not yet asked to score the idea, with their load in the round and the conflict
    #: that would recuse them.
    candidates: list[tuple[User, int, RecusalReason | None]]
    may_assign: bool


def idea_page(round_: Round, idea_id: int, moderator: User) -> IdeaPage:
    """Return idea *idea_id* of *round_* with its assessments, for *moderator*."""
    require_moderator(moderator)
    idea = _idea_of(round_, idea_id)
    if idea is None:
        raise NotFound(_("This idea is not part of the round “%(name)s”.", name=round_.name))
    present = list(
        db.session.scalars(
            select(Assignment)
            .options(joinedload(Assignment.assessor), selectinload(Assignment.scores))
            .join(User, User.id == Assignment.assessor_id)
            .where(Assignment.round_id == round_.id, Assignment.idea_id == idea.id)
            .order_by(User.name, User.id)
        )
    )
    taken = {found.assessor_id for found in present}
    people = [person for person in assessors() if person.id not in taken]
    found = conflicts(select(Idea.id).where(Idea.id == idea.id), people)
    load = _load(round_)
    return IdeaPage(
        round=round_,
        idea=idea,
        assignments=present,
        candidates=[
            (person, load.get(person.id, 0), found.reason(idea.id, person.id)) for person in people
        ],
        may_assign=round_.phase in ASSIGNING,
    )


def round_section(round_: Round, user: User) -> Section | None:
    """Show moderators on the round page how far the assessment has come, with a link to it."""
    if not is_moderator(user) or round_.phase is P.COLLECT:
        return None
    return Section("rounds/assignment_round.html", {"round": round_, "totals": totals(round_)})


# --- reminders ---------------------------------------------------------------------------------


def remind(round_: Round, days_before: int, *, at: datetime | None = None) -> int:
    """Remind each assessor with open assessments of *round_* that scoring ends in
    *days_before* days, once per assessor and reminder day; return how many were reminded."""
    if round_.phase is not P.SCORE or round_.score_until is None:
        return 0
    reminded = select(AssessmentReminder.assessor_id).where(
        AssessmentReminder.round_id == round_.id, AssessmentReminder.days_before == days_before
    )
    open_ = (
        select(Assignment.assessor_id, func.count(Assignment.id).label("count"))
        .where(
            Assignment.round_id == round_.id,
            Assignment.state == S.OPEN,
            Assignment.assessor_id.not_in(reminded),
        )
        .group_by(Assignment.assessor_id)
        .subquery()
    )
    waiting = db.session.execute(
        select(User, open_.c.count)
        .join(open_, open_.c.assessor_id == User.id)
        .where(User.active.is_(True))
        .order_by(User.id)
    ).all()
    at = at or utcnow()
    for assessor, count in waiting:
        db.session.add(
            AssessmentReminder(
                round_id=round_.id,
                assessor_id=assessor.id,
                days_before=days_before,
                open_count=count,
                sent_at=at,
            )
        )
    # A second run at the same moment fails here, on the unique key, before it notifies anybody.
    db.session.flush()
    for assessor, count in waiting:
        notify(
            [assessor],
            messages.ASSESSMENT_REMINDER,
            {"round": round_.name, "count": count, "due": round_.score_until.isoformat()},
            # The assessor's list of the round's ideas to score.
            Link("rounds.scoring_list", {"round_id": round_.id}),
            at=at,
        )
    return len(waiting)


@job(retries=3, retry_delay=300)
def send_assessment_reminders(round_id: int, days_before: int) -> None:
    """Remind the assessors of round *round_id* with open assessments (see `remind`)."""
    round_ = db.session.get(Round, round_id)
    if round_ is not None:
        remind(round_, days_before)


def _local_now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


def due_reminders(today: date) -> list[tuple[int, int, int]]:
    """Return (municipality, round, days before) for each round of every municipality whose
    scoring ends in one of `REMINDER_DAYS` days from *today*."""
    ends = {today + timedelta(days=days): days for days in REMINDER_DAYS}
    return [
        (municipality, round_id, ends[until])
        for municipality, round_id, until in db.session.execute(
            select(Round.municipality_id, Round.id, Round.score_until)
            .where(Round.phase == P.SCORE, Round.score_until.in_(ends))
            .order_by(Round.id)
        )
        if until is not None
    ]


@periodic(minute="10")
def remind_assessors_everywhere() -> None:
    """Enqueue the reminders due today for the rounds of every municipality, from
    `REMINDER_HOUR` on."""
    now = _local_now()
    if now.hour < REMINDER_HOUR:
        return
    for municipality, round_id, days in due_reminders(now.date()):
        enqueue(send_assessment_reminders, round_id, days, tenant=municipality)
