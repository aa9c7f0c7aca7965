"""Prioritisation rounds: their phases, the ideas they judge, the published criteria catalogue,
the board's weighting and the assessors' scores."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.enums import LabelledEnum, db_enum
from portal.core.models import TenantMixin, TimestampMixin, UTCDateTime, utcnow
from portal.extensions import Base
from portal.ideas.models import FieldOfAction, Idea


class RoundPhase(LabelledEnum):
    """Where a round stands; `portal.rounds.services.phases.PHASES` says how it moves on."""

    COLLECT = "collect", _l("Collecting ideas")
    SCREEN = "screen", _l("Screening")
    SCORE = "score", _l("Scoring")
    DECIDE = "decide", _l("Deciding")
    PUBLISH = "publish", _l("Published")
    CLOSED = "closed", _l("Closed")


round_field_of_action = Table(
    "round_field_of_action",
    Base.metadata,
    Column("round_id", ForeignKey("prioritisation_round.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "field_of_action_id",
        ForeignKey("field_of_action.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class Round(TenantMixin, TimestampMixin, Base):
    """A prioritisation round (Priorisierungsrunde): ideas judged against one catalogue."""

    __tablename__ = "prioritisation_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Markdown.
    description: Mapped[str] = mapped_column(Text, default="")
    phase: Mapped[RoundPhase] = mapped_column(
        db_enum(RoundPhase, "round_phase"), default=RoundPhase.COLLECT
    )
    #: Money the portfolio may spend, in whole euros; None: no limit is set.
    budget_euros: Mapped[int | None] = mapped_column(BigInteger)
    #: Staff days the portfolio may take; None: no limit is set.
    staff_days: Mapped[int | None] = mapped_column(Integer)
    #: The last day of each phase as planned (the phase itself moves only when a moderator
    #: moves it; reminders count down to `score_until`).
    collect_until: Mapped[date | None] = mapped_column(Date)
    screen_until: Mapped[date | None] = mapped_column(Date)
    score_until: Mapped[date | None] = mapped_column(Date)
    decide_until: Mapped[date | None] = mapped_column(Date)
    publish_on: Mapped[date | None] = mapped_column(Date)
    #: Assessors see each other's scores only after submitting their own.
    blind: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Each idea needs this many assessors.
    min_assessors: Mapped[int] = mapped_column(Integer, default=3)
    #: Scores of one idea on one criterion further apart than this many levels start a review.
    disagreement_levels: Mapped[int] = mapped_column(Integer, default=2)
    #: Whether the published scores name their assessors (else pseudonyms).
    assessors_named: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Counts the round's changes, so that a form from a stale browser tab is refused.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    fields_of_action: Mapped[list[FieldOfAction]] = relationship(
        secondary=round_field_of_action, order_by=FieldOfAction.name
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy's protocol
    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("budget_euros IS NULL OR budget_euros >= 0", name="budget_not_negative"),
        CheckConstraint("staff_days IS NULL OR staff_days >= 0", name="staff_days_not_negative"),
        CheckConstraint("min_assessors BETWEEN 1 AND 20", name="min_assessors_range"),
        CheckConstraint("disagreement_levels >= 1", name="disagreement_levels_positive"),
    )


class RoundEvent(TenantMixin, Base):
    """A move of a round from one phase to the next: who, when."""

    __tablename__ = "round_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("prioritisation_round.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None when the round was created.
    from_phase: Mapped[RoundPhase | None] = mapped_column(db_enum(RoundPhase, "round_phase"))
    to_phase: Mapped[RoundPhase] = mapped_column(db_enum(RoundPhase, "round_phase"))

    actor: Mapped[User | None] = relationship()
    round: Mapped[Round] = relationship()

    __table_args__ = (Index("ix_round_event_feed", "municipality_id", "at"),)


class RoundIdea(TenantMixin, Base):
    """An idea accepted into a round."""

    __tablename__ = "round_idea"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship()
    round: Mapped[Round] = relationship()

    __table_args__ = (UniqueConstraint("round_id", "idea_id"),)


class WeightingMethod(LabelledEnum):
    """How the board weights the criteria."""

    POINTS = "points", _l("Points summing to 100")
    AHP = "ahp", _l("Pairwise comparison (AHP)")


class Catalogue(TenantMixin, Base):
    """A version of a round's criteria catalogue.

    The round's draft (not frozen) is edited by moderators; starting the score phase freezes it.
    A frozen version never changes: a later change makes a new version.
    """

    __tablename__ = "criteria_catalogue"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    #: 1, 2, … within the round.
    version: Mapped[int] = mapped_column(Integer)
    #: When the version was frozen; None while it is the draft.
    frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    frozen_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    #: What changed from the version before, and which scores that invalidates.
    change_note: Mapped[str] = mapped_column(Text, default="")
    #: How the board weights this version; None until the moderators choose.
    weighting: Mapped[WeightingMethod | None] = mapped_column(
        db_enum(WeightingMethod, "weighting_method")
    )
    #: When the group weights were computed from the board members' weightings.
    weighted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The consistency ratio of the group's AHP matrix.
    consistency_ratio: Mapped[float | None] = mapped_column(Float)

    round: Mapped[Round] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(
        back_populates="catalogue", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("round_id", "version"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("frozen_by_id IS NULL OR frozen_at IS NOT NULL", name="frozen_has_time"),
        # A round has at most one draft.
        Index(
            "uq_criteria_catalogue_draft",
            "round_id",
            unique=True,
            postgresql_where=text("frozen_at IS NULL"),
            sqlite_where=text("frozen_at IS NULL"),
        ),
    )


class Direction(LabelledEnum):
    """Whether more is better (benefit) or worse (cost)."""

    BENEFIT = "benefit", _l("Benefit: more is better")
    COST = "cost", _l("Cost: less is better")


class CriterionKind(LabelledEnum):
    """How a criterion is judged."""

    RATING = "rating", _l("Anchored rating scale")
    MEASURED = "measured", _l("Measured quantity")


class MeasuredSource(LabelledEnum):
    """Where a measured quantity comes from."""

    ASSESSOR = "assessor", _l("Entered by the assessors")
    IDEA_COST = "idea_cost", _l("The idea's cost estimate")
    IDEA_EFFORT = "idea_effort", _l("The idea's effort estimate")


class Criterion(TenantMixin, Base):
    """A criterion of a catalogue version."""

    __tablename__ = "criterion"

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_catalogue.id", ondelete="CASCADE")
    )
    #: Place in the catalogue, 1, 2, …
    position: Mapped[int] = mapped_column(Integer)
    #: Identifies the criterion across versions of a catalogue, so that scores of an unchanged
    #: criterion stay valid in the next version.
    key: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    #: Markdown: what the criterion asks.
    description: Mapped[str] = mapped_column(Text, default="")
    direction: Mapped[Direction] = mapped_column(db_enum(Direction, "criterion_direction"))
    kind: Mapped[CriterionKind] = mapped_column(db_enum(CriterionKind, "criterion_kind"))
    #: The scale's bounds: the lowest and highest level of a rating scale, or the range of a
    #: measured quantity.
    scale_min: Mapped[float] = mapped_column(Float)
    scale_max: Mapped[float] = mapped_column(Float)
    #: Unit of a measured quantity ("€", "Personentage").
    unit: Mapped[str] = mapped_column(String(40), default="")
    source: Mapped[MeasuredSource | None] = mapped_column(
        db_enum(MeasuredSource, "measured_source")
    )
    #: A rating at or above this level makes an idea mandatory for the portfolio (a legal
    #: obligation, say); None: no knock-out.
    knockout_level: Mapped[int | None] = mapped_column(Integer)
    #: The group weight, summing to 1 over the catalogue once the board has weighted.
    weight: Mapped[float | None] = mapped_column(Float)

    catalogue: Mapped[Catalogue] = relationship(back_populates="criteria")
    levels: Mapped[list[ScaleLevel]] = relationship(
        back_populates="criterion", order_by="ScaleLevel.value", cascade="all, delete-orphan"
    )

    __table_args__ = (
        UniqueConstraint("catalogue_id", "position"),
        UniqueConstraint("catalogue_id", "key"),
        CheckConstraint("name <> '' AND key <> ''", name="named"),
        CheckConstraint("scale_min < scale_max", name="scale_ordered"),
        CheckConstraint("(kind = 'measured') = (source IS NOT NULL)", name="measured_has_source"),
        CheckConstraint("weight IS NULL OR (weight >= 0 AND weight <= 1)", name="weight_range"),
        CheckConstraint(
            "knockout_level IS NULL OR (kind = 'rating' AND knockout_level BETWEEN scale_min "
            "AND scale_max)",
            name="knockout_on_the_scale",
        ),
    )


class ScaleLevel(TenantMixin, Base):
    """A level of an anchored rating scale, with the sentence that says what it means."""

    __tablename__ = "scale_level"

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    #: "3 — entlastet mehrere Ämter spürbar".
    text: Mapped[str] = mapped_column(String(300))
    #: An assessor who gives this level must say why.
    needs_justification: Mapped[bool] = mapped_column(Boolean, default=False)

    criterion: Mapped[Criterion] = relationship(back_populates="levels")

    __table_args__ = (
        UniqueConstraint("criterion_id", "value"),
        CheckConstraint("text <> ''", name="text_not_empty"),
    )


class MemberWeighting(TenantMixin, Base):
    """One board member's weighting of a catalogue version: points or pairwise comparisons."""

    __tablename__ = "member_weighting"

    id: Mapped[int] = mapped_column(primary_key=True)
    catalogue_id: Mapped[int] = mapped_column(
        ForeignKey("criteria_catalogue.id", ondelete="CASCADE")
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    method: Mapped[WeightingMethod] = mapped_column(db_enum(WeightingMethod, "weighting_method"))
    #: When the member submitted; None while they are still working on it.
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The consistency ratio of the member's comparisons (AHP).
    consistency_ratio: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    member: Mapped[User] = relationship()
    points: Mapped[list[WeightPoints]] = relationship(cascade="all, delete-orphan")
    judgments: Mapped[list[PairwiseJudgment]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (UniqueConstraint("catalogue_id", "member_id"),)


class WeightPoints(TenantMixin, Base):
    """The points a board member gives one criterion (they sum to 100 over the catalogue)."""

    __tablename__ = "weight_points"

    weighting_id: Mapped[int] = mapped_column(
        ForeignKey("member_weighting.id", ondelete="CASCADE"), primary_key=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), primary_key=True
    )
    points: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("points BETWEEN 0 AND 100", name="points_range"),)


class PairwiseJudgment(TenantMixin, Base):
    """How much more important criterion *first* is than *second*, on Saaty's scale 1/9 … 9."""

    __tablename__ = "pairwise_judgment"

    weighting_id: Mapped[int] = mapped_column(
        ForeignKey("member_weighting.id", ondelete="CASCADE"), primary_key=True
    )
    first_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), primary_key=True
    )
    second_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[float] = mapped_column(Float)

    __table_args__ = (
        # Each pair once, in the catalogue's order; the reverse is its reciprocal.
        CheckConstraint("first_id < second_id", name="pair_ordered"),
        CheckConstraint("value >= 1.0 / 9 - 1e-9 AND value <= 9", name="on_saaty_scale"),
    )


class AssignmentState(LabelledEnum):
    """Where an assessor's work on one idea stands."""

    OPEN = "open", _l("Open")
    SUBMITTED = "submitted", _l("Submitted")
    RECUSED = "recused", _l("Recused")


class RecusalReason(LabelledEnum):
    """Why an assessor does not score an idea."""

    OWN_IDEA = "own_idea", _l("Their own idea")
    SUPPORTED = "supported", _l("They support the idea")
    OWN_ORG_UNIT = "own_org_unit", _l("The idea affects their own org unit")
    DECLARED = "declared", _l("Conflict of interest declared")


class Assignment(TenantMixin, Base):
    """An assessor is asked to score one idea of a round."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    assessor_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[AssignmentState] = mapped_column(
        db_enum(AssignmentState, "assignment_state"), default=AssignmentState.OPEN
    )
    recusal: Mapped[RecusalReason | None] = mapped_column(db_enum(RecusalReason, "recusal_reason"))
    #: What an assessor who declared a conflict wrote; the moderators read it.
    recusal_note: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Counts the assignment's changes, so that a second browser tab cannot overwrite the first.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    assessor: Mapped[User] = relationship(foreign_keys=[assessor_id])
    idea: Mapped[Idea] = relationship()
    round: Mapped[Round] = relationship()
    scores: Mapped[list[Score]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy's protocol
    __table_args__ = (
        UniqueConstraint("round_id", "idea_id", "assessor_id"),
        Index("ix_assignment_assessor_round", "assessor_id", "round_id", "state"),
        # The progress of a round counts its assessments by idea and by assessor from these
        # indexes alone (the tenant filter reads the municipality, hence its column).
        Index("ix_assignment_round_idea", "round_id", "idea_id", "state", "municipality_id"),
        Index(
            "ix_assignment_round_assessor", "round_id", "assessor_id", "state", "municipality_id"
        ),
        CheckConstraint("(state = 'recused') = (recusal IS NOT NULL)", name="recused_has_reason"),
        CheckConstraint(
            "(state = 'submitted') = (submitted_at IS NOT NULL)", name="submitted_has_time"
        ),
    )


class Score(TenantMixin, Base):
    """An assessor's score of one idea on one criterion, with the reason for it.

    A review of strong disagreement lets the assessor revise it once; both values are kept.
    """

    __tablename__ = "score"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[float] = mapped_column(Float)
    justification: Mapped[str] = mapped_column(Text, default="")
    #: The value after the review of a disagreement; None if it was not revised.
    revised_value: Mapped[float | None] = mapped_column(Float)
    revision_reason: Mapped[str] = mapped_column(Text, default="")
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    assignment: Mapped[Assignment] = relationship(back_populates="scores")
    criterion: Mapped[Criterion] = relationship()

    __table_args__ = (
        UniqueConstraint("assignment_id", "criterion_id"),
        CheckConstraint(
            "(revised_value IS NULL) = (revised_at IS NULL) AND "
            "(revised_value IS NULL OR revision_reason <> '')",
            name="revision_has_reason",
        ),
    )

    @property
    def current_value(self) -> float:
        """Return the value that counts: the revised one, if the score was revised."""
        return self.value if self.revised_value is None else self.revised_value


class RankingAnalysis(TenantMixin, Base):
    """The heavy analyses of a round's ranking for one state of its inputs.

    `digest` is a hash of everything the analyses read (criteria, weights, ideas, scores, the
    analyses' parameters), so a row never goes stale: a changed score makes a new digest and a
    new row. The row also holds that state of the ranking itself (`state`, `arrays`, `scores`),
    gathered once, and `stamp`, the cheap fingerprint of the round under which page views find
    it (`portal.rounds.services.ranking.stamp`). The steps run as background jobs, one after
    the other, on the stored scores; each adds its part to `result`.
    """

    __tablename__ = "ranking_analysis"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    #: SHA-256 of the inputs, in hex.
    digest: Mapped[str] = mapped_column(String(64))
    #: The fingerprint of the round's state the row was last found for, in hex.
    stamp: Mapped[str] = mapped_column(String(64))
    #: The state of the ranking besides its arrays: catalogue, criteria, ideas, the ideas set
    #: apart, the inputs' digest (plain JSON values).
    state: Mapped[dict[str, Any]] = mapped_column(JSON)
    #: The aggregated scores and the assessors' spread, as a NumPy `.npz` archive.
    arrays: Mapped[bytes] = mapped_column(LargeBinary)
    #: The assessors' single scores, as a compressed `.npz` archive; only the steps read them.
    scores: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    #: How many of the steps (`portal.rounds.services.analysis.STEPS`) are done.
    steps_done: Mapped[int] = mapped_column(Integer, default=0)
    #: The results of the steps done so far, by step name (plain JSON values); a step the
    #: engine refused holds {"error": its message}.
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        UniqueConstraint("round_id", "digest"),
        CheckConstraint("steps_done >= 0", name="steps_done_not_negative"),
    )


class PortfolioExclusion(TenantMixin, Base):
    """An idea of a round the moderators keep out of the portfolio proposal, and why."""

    __tablename__ = "portfolio_exclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship()

    __table_args__ = (UniqueConstraint("round_id", "idea_id"),)


class PortfolioDependency(TenantMixin, Base):
    """Idea `idea_id` of a round can only be done if idea `needs_id` is done too ("B needs A")."""

    __tablename__ = "portfolio_dependency"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    needs_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    idea: Mapped[Idea] = relationship(foreign_keys=[idea_id])
    needs: Mapped[Idea] = relationship(foreign_keys=[needs_id])

    __table_args__ = (
        UniqueConstraint("round_id", "idea_id", "needs_id"),
        CheckConstraint("idea_id <> needs_id", name="not_on_itself"),
    )


class PortfolioSolution(TenantMixin, Base):
    """The engine's choice for one portfolio problem of a round, stored so that page views do
    not solve it again.

    `key` is a hash of everything the solver reads: the weighed ideas with their values under
    the board's weights, costs and effort, the budget and staff days, the mandatory, excluded
    and dependent ideas and the time limit (`portal.rounds.services.portfolio`). A row never
    goes stale: a changed exclusion, say, makes another key, and the proposal is solved anew.
    """

    __tablename__ = "portfolio_solution"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    #: SHA-256 of the problem, in hex.
    key: Mapped[str] = mapped_column(String(64))
    #: The ids of the chosen ideas; None if the mandatory ideas alone break a limit.
    selected: Mapped[list[int] | None] = mapped_column(JSON)
    #: The limits ("budget", "staff_days") that keep a further idea out.
    binding: Mapped[list[str]] = mapped_column(JSON, default=list)
    total_value: Mapped[float] = mapped_column(Float, default=0.0)
    #: Whether the solver proved the optimum, or else the share of value it may fall short by.
    optimal: Mapped[bool] = mapped_column(Boolean, default=True)
    gap: Mapped[float] = mapped_column(Float, default=0.0)
    #: How long the solver took.
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("round_id", "key"),)


class AssessmentReminder(TenantMixin, Base):
    """A reminder sent to an assessor with open assessments a few days before scoring ends.

    Recorded so that each assessor hears it once per round and reminder day, however often the
    periodic job runs.
    """

    __tablename__ = "assessment_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    assessor_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: How many days before `Round.score_until` it was sent (3 or 1).
    days_before: Mapped[int] = mapped_column(Integer)
    #: The open assessments it named.
    open_count: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("round_id", "assessor_id", "days_before"),
        CheckConstraint("days_before >= 0", name="days_before_not_negative"),
        CheckConstraint("open_count > 0", name="open_count_positive"),
    )
