"""The assessor's side of a round: their list of ideas, the scoring form, blind mode, declaring a
conflict of interest and the review of strong disagreement (a Delphi step).

An assessor scores each idea assigned to them against the criteria of the round's latest frozen
catalogue version: a level of each rating scale and a number for each quantity they measure;
quantities taken from the idea's estimates are shown, not scored. They save drafts and submit
once the assessment is complete. Scores change only in the score phase, and only the assigned
assessor's, never while the assignment is recused.

Blind mode hides the other assessors' scores of an idea until the assessor has submitted their
own; they are shown under letters ("Assessment A, B, …") unless the round names its assessors.
Once an assessor has submitted, each rating criterion whose submitted scores lie further apart
than the round's `disagreement_levels` asks its assessors for a review: they read the spread and
the others' justifications and may revise their score once, with a reason; the first value stays.

Forms carry the assignment's `lock_version` (SQLAlchemy's version counter); every change raises
it, so a form from an older state is refused with 409 and changes nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager, selectinload
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import Role, User
from portal.core.enums import LabelledEnum
from portal.core.errors import Conflict, DomainError, Forbidden
from portal.core.models import utcnow
from portal.core.pagination import Page
from portal.core.registry import Link, PanelItem, Section
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    Criterion,
    CriterionKind,
    MeasuredSource,
    RecusalReason,
    Round,
    RoundPhase,
    Score,
)

S = AssignmentState

#: Phases in which an assessor may declare a conflict of interest: from the assignment (made
#: while screening) to the end of scoring.
DECLARING = frozenset({RoundPhase.SCREEN, RoundPhase.SCORE})
#: The longest justification, revision reason or conflict note an assessor may write.
TEXT_MAX = 5_000


class ScoringRefused(DomainError):
    """Input that breaks a rule of scoring; nothing was written.

    `problems` names the form fields concerned ("score-12", "justification-12", "reason") with
    what is wrong with each, so the form can mark them.
    """

    status_code = 422

    def __init__(self, message: str, problems: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.problems = dict(problems or {})


def score_field(criterion_id: int) -> str:
    """Return the name of the form field that carries the score of a criterion."""
    return f"score-{criterion_id}"


def justification_field(criterion_id: int) -> str:
    """Return the name of the form field that carries the justification of a criterion."""
    return f"justification-{criterion_id}"


# --- who scores what -----------------------------------------------------------------------------


def is_assessor(user: User) -> bool:
    """Tell whether *user* scores ideas."""
    return user.has_role(Role.ASSESSOR)


def _not_assigned() -> Forbidden:
    return Forbidden(_("You are not asked to score this idea in this round."))


def own_assignment(round_: Round, idea_id: int, assessor: User) -> Assignment:
    """Return *assessor*'s assignment to idea *idea_id* of *round_*; refuse (403) anybody who
    is not asked to score it, and an assessor recused from it."""
    if not is_assessor(assessor):
        raise _not_assigned()
    found = db.session.scalar(
        select(Assignment)
        .options(selectinload(Assignment.idea), selectinload(Assignment.scores))
        .where(
            Assignment.round_id == round_.id,
            Assignment.idea_id == idea_id,
            Assignment.assessor_id == assessor.id,
        )
    )
    if found is None:
        raise _not_assigned()
    if found.state is S.RECUSED:
        raise Forbidden(
            _(
                "You are recused from this idea (%(reason)s), so you do not score it.",
                reason=found.recusal.label if found.recusal else "",
            )
        )
    return found


def _require_score_phase(round_: Round) -> None:
    """Refuse a change of scores outside the score phase (409)."""
    if round_.phase is RoundPhase.SCORE:
        return
    if round_.phase in (RoundPhase.COLLECT, RoundPhase.SCREEN):
        raise Conflict(
            _("Scoring has not started yet: scores are given in the score phase of the round.")
        )
    raise Conflict(_("The score phase of this round has ended; scores can no longer change."))


def _require_current(assignment: Assignment, lock_version: int | None) -> None:
    """Refuse a form that showed an older state of *assignment* (409)."""
    if lock_version != assignment.lock_version:
        raise Conflict(
            _(
                "Your assessment was changed in the meantime (perhaps in another tab). Nothing "
                "has been saved. Please reload the page and try again."
            )
        )


def _bump(assignment: Assignment) -> None:
    """Count a change of *assignment*, also one of its scores alone (rows of their own that
    would not raise the version counter), and flush; a concurrent change is a conflict."""
    assignment.lock_version = assignment.lock_version + 1
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(
            _(
                "Your assessment was changed at the same moment elsewhere. Nothing has been "
                "saved. Please reload the page and try again."
            )
        ) from None


def _frozen(round_: Round, *, levels: bool = True) -> Catalogue | None:
    """Return the catalogue version in force for scoring, with its criteria (and their levels
    where *levels*) loaded."""
    criteria = selectinload(Catalogue.criteria)
    return db.session.scalar(
        select(Catalogue)
        .options(criteria.selectinload(Criterion.levels) if levels else criteria)
        .where(Catalogue.round_id == round_.id, Catalogue.frozen_at.is_not(None))
        .order_by(Catalogue.version.desc())
        .limit(1)
    )


def is_scored(criterion: Criterion) -> bool:
    """Tell whether assessors score *criterion* (a rating, or a quantity they measure), rather
    than read it from the idea's estimates."""
    return criterion.kind is CriterionKind.RATING or criterion.source is MeasuredSource.ASSESSOR


def idea_value(criterion: Criterion, idea: Idea) -> float | None:
    """Return the value a measured criterion takes from *idea*'s estimates, if it has one."""
    if criterion.source is MeasuredSource.IDEA_COST:
        return None if idea.cost_euros is None else float(idea.cost_euros)
    if criterion.source is MeasuredSource.IDEA_EFFORT:
        return None if idea.effort_days is None else float(idea.effort_days)
    return None


# --- checking what an assessor enters ------------------------------------------------------------


def _on_scale(criterion: Criterion, value: float) -> bool:
    if criterion.kind is CriterionKind.RATING:
        return value.is_integer() and any(level.value == int(value) for level in criterion.levels)
    return criterion.scale_min <= value <= criterion.scale_max


def _off_scale(criterion: Criterion) -> str:
    if criterion.kind is CriterionKind.RATING:
        return str(
            _(
                "“%(criterion)s”: choose one of the levels %(low)s to %(high)s.",
                criterion=criterion.name,
                low=format_decimal(criterion.scale_min),
                high=format_decimal(criterion.scale_max),
            )
        )
    return str(
        _(
            "“%(criterion)s” must lie between %(low)s and %(high)s %(unit)s.",
            criterion=criterion.name,
            low=format_decimal(criterion.scale_min),
            high=format_decimal(criterion.scale_max),
            unit=criterion.unit,
        )
    ).strip()


def needs_justification(criterion: Criterion, value: float | None) -> bool:
    """Tell whether a score of *value* on *criterion* must be justified."""
    if value is None or criterion.kind is not CriterionKind.RATING:
        return False
    return any(level.value == value and level.needs_justification for level in criterion.levels)


def _check_entries(
    criteria: Sequence[Criterion],
    values: Mapping[int, float],
    justifications: Mapping[int, str],
    *,
    submit: bool,
) -> None:
    """Refuse scores off their scale, justifications too long or without a score, and, to
    submit, missing scores and missing justifications where the level demands one."""
    scored = {c.id: c for c in criteria if is_scored(c)}
    if any(cid not in scored for cid in (*values, *justifications)):
        raise ScoringRefused(
            _("The form names a criterion that the catalogue in force does not score.")
        )
    problems: dict[str, str] = {}
    for criterion in scored.values():
        value = values.get(criterion.id)
        text = justifications.get(criterion.id, "").strip()
        if value is not None and not _on_scale(criterion, value):
            problems[score_field(criterion.id)] = _off_scale(criterion)
        elif value is None and submit:
            problems[score_field(criterion.id)] = _(
                "“%(criterion)s” has no score yet.", criterion=criterion.name
            )
        if len(text) > TEXT_MAX:
            problems[justification_field(criterion.id)] = _(
                "The justification of “%(criterion)s” is longer than %(max)s characters.",
                criterion=criterion.name,
                max=format_decimal(TEXT_MAX),
            )
        elif text and value is None and not submit:
            problems[justification_field(criterion.id)] = _(
                "Choose a score for “%(criterion)s” to save its justification.",
                criterion=criterion.name,
            )
        elif submit and not text and needs_justification(criterion, value):
            problems[justification_field(criterion.id)] = _(
                "“%(criterion)s”: the level you chose needs a justification.",
                criterion=criterion.name,
            )
    if problems:
        raise ScoringRefused(
            _("Please correct the scores marked below; nothing has been saved."), problems
        )


@dataclass(frozen=True)
class Assessment:
    """What an assessor's form sends: scores and justifications per criterion id of the
    catalogue in force (criteria left out have no score yet), and the version it showed."""

    lock_version: int | None
    values: Mapping[int, float]
    justifications: Mapping[int, str]
    #: Make the assessment final once it is complete.
    submit: bool


def _open_for_scoring(
    round_: Round, idea_id: int, assessor: User, lock_version: int | None
) -> tuple[Assignment, Catalogue]:
    assignment = own_assignment(round_, idea_id, assessor)
    _require_score_phase(round_)
    if assignment.state is S.SUBMITTED:
        raise Conflict(
            _(
                "You submitted this assessment on %(date)s; it can no longer change.",
                date=format_date(assignment.submitted_at, "medium"),
            )
        )
    _require_current(assignment, lock_version)
    frozen = _frozen(round_)
    if frozen is None:
        raise Conflict(_("The round has no frozen criteria catalogue to score against."))
    return assignment, frozen


def _checked(
    round_: Round, idea_id: int, assessor: User, sent: Assessment
) -> tuple[Assignment, Catalogue]:
    assignment, frozen = _open_for_scoring(round_, idea_id, assessor, sent.lock_version)
    _check_entries(frozen.criteria, sent.values, sent.justifications, submit=sent.submit)
    return assignment, frozen


def check_assessment(round_: Round, idea_id: int, assessor: User, sent: Assessment) -> Assignment:
    """Check what *assessor* wants to save or submit without writing anything; return the
    assignment (the view asks before a submission)."""
    return _checked(round_, idea_id, assessor, sent)[0]


def save_assessment(
    round_: Round, idea_id: int, assessor: User, sent: Assessment, *, at: datetime | None = None
) -> Assignment:
    """Save *assessor*'s scores of idea *idea_id* as *sent*; submitting makes the assessment
    final once it is complete."""
    assignment, frozen = _checked(round_, idea_id, assessor, sent)
    values, justifications = sent.values, sent.justifications
    in_force = {c.id for c in frozen.criteria if is_scored(c)}
    existing = {s.criterion_id: s for s in assignment.scores}
    for criterion_id in in_force:
        value = values.get(criterion_id)
        score = existing.get(criterion_id)
        if value is None:
            if score is not None:
                assignment.scores.remove(score)
            continue
        if score is None:
            score = Score(criterion_id=criterion_id, value=value)
            assignment.scores.append(score)
        score.value = value
        score.justification = justifications.get(criterion_id, "").strip()
    if sent.submit:
        assignment.state = S.SUBMITTED
        assignment.submitted_at = at or utcnow()
    _bump(assignment)
    return assignment


# --- declaring a conflict of interest -----------------------------------------------------------


def _check_declaration(
    round_: Round, idea_id: int, assessor: User, lock_version: int | None, reason: str
) -> Assignment:
    assignment = own_assignment(round_, idea_id, assessor)
    if round_.phase not in DECLARING:
        _require_score_phase(round_)
    if assignment.state is S.SUBMITTED:
        raise Conflict(
            _(
                "You have submitted this assessment, so you can no longer declare a conflict "
                "of interest here. Please tell the moderators of the round."
            )
        )
    _require_current(assignment, lock_version)
    text = reason.strip()
    if not text:
        raise ScoringRefused(
            _("Please say what the conflict of interest is; the moderators read it."),
            {"reason": _("Please say what the conflict of interest is.")},
        )
    if len(text) > TEXT_MAX:
        message = _("The reason is longer than %(max)s characters.", max=format_decimal(TEXT_MAX))
        raise ScoringRefused(message, {"reason": message})
    return assignment


def check_declaration(
    round_: Round, idea_id: int, assessor: User, *, lock_version: int | None, reason: str
) -> Assignment:
    """Check a declaration of a conflict of interest without writing anything."""
    return _check_declaration(round_, idea_id, assessor, lock_version, reason)


def declare_conflict(
    round_: Round, idea_id: int, assessor: User, *, lock_version: int | None, reason: str
) -> Assignment:
    """Recuse *assessor* from idea *idea_id* for a conflict of interest they declare, with
    *reason* for the moderators; their draft scores are dropped."""
    assignment = _check_declaration(round_, idea_id, assessor, lock_version, reason)
    assignment.state = S.RECUSED
    assignment.recusal = RecusalReason.DECLARED
    assignment.recusal_note = reason.strip()
    assignment.scores = []
    _bump(assignment)
    return assignment


# --- what the others gave: blind mode and the review of disagreement ----------------------------


def letter(index: int) -> str:
    """Return the pseudonym letter of the *index*-th other assessment: A, B, …, Z, AA, AB, …"""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(ord("A") + rest) + text
    return text


@dataclass(frozen=True)
class OtherAssessment:
    """Another assessor's submitted assessment of the same idea, as the viewer may see it."""

    #: "Assessment A", or the assessor's name where the round names its assessors.
    label: str
    submitted_at: datetime | None
    #: Scores by criterion id.
    scores: dict[int, Score]


@dataclass(frozen=True)
class Review:
    """A rating criterion whose submitted scores of one idea lie too far apart."""

    criterion: Criterion
    low: float
    high: float
    #: (label, current value) of every submitted assessment, the viewer's labelled "You".
    values: list[tuple[str, float]]
    #: (label, justification) of the others who wrote one.
    justifications: list[tuple[str, str]]
    #: The viewer's own score on the criterion.
    own: Score
    may_revise: bool

    @property
    def spread(self) -> float:
        return self.high - self.low


def _others(
    round_: Round, idea_id: int, viewer: Assignment
) -> list[tuple[Assignment, OtherAssessment]]:
    """Return the other submitted assessments of the idea, lettered in the order they were
    assigned (names only where the round names its assessors)."""
    found = db.session.scalars(
        select(Assignment)
        .options(selectinload(Assignment.scores), selectinload(Assignment.assessor))
        .where(
            Assignment.round_id == round_.id,
            Assignment.idea_id == idea_id,
            Assignment.state == S.SUBMITTED,
            Assignment.id != viewer.id,
        )
        .order_by(Assignment.id)
    )
    return [
        (
            other,
            OtherAssessment(
                label=other.assessor.name
                if round_.assessors_named
                else _("Assessment %(letter)s", letter=letter(number)),
                submitted_at=other.submitted_at,
                scores={s.criterion_id: s for s in other.scores},
            ),
        )
        for number, other in enumerate(found)
    ]


def spread_exceeds(round_: Round, values: Iterable[float]) -> bool:
    """Tell whether *values* lie further apart than *round_* lets scores of one idea differ
    before it asks for a review."""
    given = list(values)
    return len(given) > 1 and max(given) - min(given) > round_.disagreement_levels


def _reviews(
    round_: Round,
    criteria: Sequence[Criterion],
    own: Assignment,
    others: Sequence[OtherAssessment],
) -> dict[int, Review]:
    """Return the reviews the viewer's submitted assessment is asked for, or that they have
    answered, by criterion id."""
    mine = {s.criterion_id: s for s in own.scores}
    reviews = {}
    for criterion in criteria:
        if criterion.kind is not CriterionKind.RATING or criterion.id not in mine:
            continue
        given = [(o.label, o.scores[criterion.id]) for o in others if criterion.id in o.scores]
        values = [(str(_("You")), mine[criterion.id].current_value)] + [
            (label, score.current_value) for label, score in given
        ]
        # A review the viewer answered stays on their page, also once the scores agree.
        answered = mine[criterion.id].revised_at is not None
        if not answered and not spread_exceeds(round_, (value for _label, value in values)):
            continue
        reviews[criterion.id] = Review(
            criterion=criterion,
            low=min(value for _label, value in values),
            high=max(value for _label, value in values),
            values=values,
            justifications=[(label, s.justification) for label, s in given if s.justification],
            own=mine[criterion.id],
            may_revise=round_.phase is RoundPhase.SCORE and mine[criterion.id].revised_at is None,
        )
    return reviews


# --- the scoring page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionRow:
    """A criterion of the scoring form with what the assessor gave."""

    criterion: Criterion
    #: The assessor scores it (else it is read from the idea).
    scored: bool
    own: Score | None
    #: The idea's estimate for a criterion read from the idea.
    idea_value: float | None
    review: Review | None


@dataclass(frozen=True)
class ScoringPage:
    """Everything the scoring form of one idea shows its assessor."""

    round: Round
    assignment: Assignment
    idea: Idea
    catalogue: Catalogue | None
    rows: list[CriterionRow]
    #: Scores can be saved and submitted now.
    editable: bool
    #: A conflict of interest can be declared now.
    may_declare: bool
    #: Why the form is read-only, if it is.
    locked_note: str
    #: The other submitted assessments; None while blind mode hides them.
    others: list[OtherAssessment] | None
    reviews: list[Review] = field(default_factory=list)


def _locked_note(round_: Round, assignment: Assignment) -> str:
    if round_.phase in (RoundPhase.COLLECT, RoundPhase.SCREEN):
        return str(_("Scoring starts with the score phase of the round."))
    if round_.phase is not RoundPhase.SCORE:
        return str(_("The score phase of this round has ended; scores can no longer change."))
    if assignment.state is S.SUBMITTED:
        return str(
            _(
                "You submitted this assessment on %(date)s; it can no longer change.",
                date=format_date(assignment.submitted_at, "medium"),
            )
        )
    return ""


def scoring_page(round_: Round, idea_id: int, assessor: User) -> ScoringPage:
    """Return what the scoring form of idea *idea_id* shows *assessor*, who must be asked to
    score it and not be recused."""
    assignment = own_assignment(round_, idea_id, assessor)
    frozen = _frozen(round_)
    criteria = frozen.criteria if frozen is not None else []
    submitted = assignment.state is S.SUBMITTED
    visible = submitted or not round_.blind
    others = [shown for _a, shown in _others(round_, idea_id, assignment)] if visible else None
    reviews = _reviews(round_, criteria, assignment, others or []) if submitted else {}
    mine = {s.criterion_id: s for s in assignment.scores}
    rows = [
        CriterionRow(
            criterion=c,
            scored=is_scored(c),
            own=mine.get(c.id),
            idea_value=idea_value(c, assignment.idea),
            review=reviews.get(c.id),
        )
        for c in criteria
    ]
    note = _locked_note(round_, assignment)
    return ScoringPage(
        round=round_,
        assignment=assignment,
        idea=assignment.idea,
        catalogue=frozen,
        rows=rows,
        editable=not note and frozen is not None,
        may_declare=round_.phase in DECLARING and not submitted,
        locked_note=note,
        others=others,
        reviews=list(reviews.values()),
    )


# --- revising a score in the review -------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    """What the form of a review sends: the criterion, the new level and the reason."""

    lock_version: int | None
    criterion_id: int
    value: float | None
    reason: str


def check_revision(
    round_: Round, idea_id: int, assessor: User, sent: Revision
) -> tuple[Assignment, Score]:
    """Check a revision without writing anything; return the assignment and the score it
    would revise."""
    lock_version, criterion_id, value, reason = (
        sent.lock_version,
        sent.criterion_id,
        sent.value,
        sent.reason,
    )
    assignment = own_assignment(round_, idea_id, assessor)
    _require_score_phase(round_)
    if assignment.state is not S.SUBMITTED:
        raise Conflict(_("Submit your assessment first; the review follows it."))
    _require_current(assignment, lock_version)
    frozen = _frozen(round_)
    criteria = frozen.criteria if frozen is not None else []
    others = [shown for _a, shown in _others(round_, idea_id, assignment)]
    review = _reviews(round_, criteria, assignment, others).get(criterion_id)
    if review is None:
        raise Conflict(_("The scores of this criterion are not far enough apart for a review."))
    if review.own.revised_at is not None:
        raise Conflict(
            _(
                "You have already revised your score on “%(criterion)s”; a score is revised "
                "only once.",
                criterion=review.criterion.name,
            )
        )
    problems = {}
    if value is None or not _on_scale(review.criterion, value):
        problems["value"] = _off_scale(review.criterion)
    elif value == review.own.value:
        problems["value"] = _(
            "Your revised score is the score you gave; choose another level or leave it."
        )
    text = reason.strip()
    if not text:
        problems["reason"] = _("Please say why you revise your score.")
    elif len(text) > TEXT_MAX:
        problems["reason"] = _(
            "The reason is longer than %(max)s characters.", max=format_decimal(TEXT_MAX)
        )
    if problems:
        raise ScoringRefused(" ".join(problems.values()), problems)
    return assignment, review.own


def revise_score(
    round_: Round, idea_id: int, assessor: User, sent: Revision, *, at: datetime | None = None
) -> Score:
    """Revise *assessor*'s submitted score of idea *idea_id* on a criterion under review, once,
    with a reason; the score first given is kept beside it."""
    assignment, score = check_revision(round_, idea_id, assessor, sent)
    assert sent.value is not None
    score.revised_value = sent.value
    score.revision_reason = sent.reason.strip()
    score.revised_at = at or utcnow()
    _bump(assignment)
    return score


# --- the assessor's list ------------------------------------------------------------------------


class Progress(LabelledEnum):
    """Where an assessment stands, as its assessor's list says it."""

    OPEN = "open", _l("Open")
    SAVED = "saved", _l("Draft saved")
    SUBMITTED = "submitted", _l("Submitted")
    RECUSED = "recused", _l("Recused")


@dataclass(frozen=True)
class ListRow:
    """An idea on the assessor's list."""

    assignment: Assignment
    progress: Progress
    #: How many of the criteria to score have a score.
    scored: int
    #: A criterion of the idea waits for the assessor's review.
    review: bool


@dataclass(frozen=True)
class AssessmentList:
    """The ideas of a round one assessor is asked to score."""

    round: Round
    rows: Page[ListRow]
    counts: dict[Progress, int]
    #: How many criteria an assessment scores.
    to_score: int
    due: date | None
    #: Scores can change now (the score phase).
    open_for_scoring: bool

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _progress_counts(round_: Round, assessor: User) -> dict[Progress, int]:
    started = select(Score.id).where(Score.assignment_id == Assignment.id).exists()
    each = (
        select(Assignment.state.label("state"), started.label("started"))
        .where(Assignment.round_id == round_.id, Assignment.assessor_id == assessor.id)
        .subquery()
    )
    rows = db.session.execute(
        select(each.c.state, each.c.started, func.count()).group_by(each.c.state, each.c.started)
    )
    counts: Counter[Progress] = Counter()
    for state, has_scores, number in rows:
        if state is S.OPEN:
            counts[Progress.SAVED if has_scores else Progress.OPEN] += number
        else:
            counts[Progress(state.value)] += number
    return {progress: counts[progress] for progress in Progress}


def _disputed(
    round_: Round, idea_ids: Sequence[int], criterion_ids: Sequence[int]
) -> set[tuple[int, int]]:
    """Return the (idea id, criterion id) pairs among *idea_ids* whose submitted scores lie too
    far apart: the same rule as `spread_exceeds`, counted by the database for a whole page."""
    if not idea_ids or not criterion_ids:
        return set()
    current = func.coalesce(Score.revised_value, Score.value)
    rows = db.session.execute(
        select(Assignment.idea_id, Score.criterion_id)
        .join(Score, Score.assignment_id == Assignment.id)
        .where(
            Assignment.round_id == round_.id,
            Assignment.state == S.SUBMITTED,
            Assignment.idea_id.in_(idea_ids),
            Score.criterion_id.in_(criterion_ids),
        )
        .group_by(Assignment.idea_id, Score.criterion_id)
        .having(func.max(current) - func.min(current) > round_.disagreement_levels)
    )
    return {(idea_id, criterion_id) for idea_id, criterion_id in rows}


def assessment_list(round_: Round, assessor: User, page: int, per_page: int) -> AssessmentList:
    """Return page *page* of the ideas *assessor* is asked to score in *round_*: open ones
    first, then saved drafts, submitted and recused ones; refuse (403) anybody who is asked to
    score none."""
    if not is_assessor(assessor):
        raise Forbidden(_("Only the assessors of a round score its ideas."))
    counts = _progress_counts(round_, assessor)
    if not any(counts.values()):
        raise Forbidden(_("You are not asked to score any idea of this round."))
    frozen = _frozen(round_, levels=False)
    scored_ids = [c.id for c in frozen.criteria if is_scored(c)] if frozen is not None else []
    rating_ids = [c.id for c in frozen.criteria if c.kind is CriterionKind.RATING] if frozen else []
    order = case((Assignment.state == S.OPEN, 0), (Assignment.state == S.SUBMITTED, 1), else_=2)
    page = max(1, page)
    assignments = list(
        db.session.scalars(
            select(Assignment)
            .join(Idea, Idea.id == Assignment.idea_id)
            .options(contains_eager(Assignment.idea))
            .where(Assignment.round_id == round_.id, Assignment.assessor_id == assessor.id)
            .order_by(order, Idea.title, Idea.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        )
    )
    own: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    if assignments and scored_ids:
        for assignment_id, criterion_id, revised in db.session.execute(
            select(Score.assignment_id, Score.criterion_id, Score.revised_at.is_not(None)).where(
                Score.assignment_id.in_([a.id for a in assignments]),
                Score.criterion_id.in_(scored_ids),
            )
        ):
            own[assignment_id].append((criterion_id, bool(revised)))
    submitted = [a for a in assignments if a.state is S.SUBMITTED]
    disputed = _disputed(round_, [a.idea_id for a in submitted], rating_ids)
    rows = []
    for assignment in assignments:
        scores = own[assignment.id]
        if assignment.state is S.OPEN:
            progress = Progress.SAVED if scores else Progress.OPEN
        else:
            progress = Progress(assignment.state.value)
        review = assignment.state is S.SUBMITTED and any(
            (assignment.idea_id, criterion_id) in disputed and not revised
            for criterion_id, revised in scores
        )
        rows.append(ListRow(assignment, progress, len(scores), review))
    return AssessmentList(
        round=round_,
        rows=Page(items=rows, page=page, per_page=per_page, total=sum(counts.values())),
        counts=counts,
        to_score=len(scored_ids),
        due=round_.score_until,
        open_for_scoring=round_.phase is RoundPhase.SCORE,
    )


# --- the start page and the round page ----------------------------------------------------------


def assessor_start_items(user: User) -> list[PanelItem]:
    """List the rounds in their score phase where *user* has ideas to score: "Ideas to score
    (3 open, due 22.11.2026)", the round's name below."""
    rows = db.session.execute(
        select(Round, func.count(Assignment.id))
        .join(Assignment, Assignment.round_id == Round.id)
        .where(
            Assignment.assessor_id == user.id,
            Assignment.state == S.OPEN,
            Round.phase == RoundPhase.SCORE,
        )
        .group_by(Round.id)
        .order_by(Round.score_until, Round.id)
    ).all()
    items = []
    for round_, number in rows:
        label = (
            _(
                "Ideas to score (%(num)s open, due %(date)s)",
                num=format_decimal(number),
                date=format_date(round_.score_until, "medium"),
            )
            if round_.score_until
            else _("Ideas to score (%(num)s open)", num=format_decimal(number))
        )
        items.append(
            PanelItem(
                str(label),
                Link("rounds.scoring_list", {"round_id": round_.id}),
                note=round_.name,
            )
        )
    return items


def round_section(round_: Round, user: User) -> Section | None:
    """Show an assessor on the round page how far they are with the ideas they score."""
    if not is_assessor(user):
        return None
    counts = _progress_counts(round_, user)
    if not any(counts.values()):
        return None
    return Section("rounds/scoring_round.html", {"round": round_, "counts": counts})
