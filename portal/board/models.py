"""The steering board (Lenkungsgruppe): boards and their members, meetings with an agenda, votes,
decisions on the record and the minutes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
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
from portal.ideas.models import Idea
from portal.rounds.models import Round


class MajorityRule(LabelledEnum):
    """How many yes votes carry a motion."""

    SIMPLE = "simple", _l("Simple majority: more yes than no votes")
    ABSOLUTE = "absolute", _l("Absolute majority: more than half of the members entitled to vote")
    TWO_THIRDS = "two_thirds", _l("Two-thirds majority of the votes cast")


class BoardFunction(LabelledEnum):
    """What a member does on the board; a guest takes part without a vote."""

    CHAIR = "chair", _l("Chair")
    DEPUTY = "deputy", _l("Deputy chair")
    MEMBER = "member", _l("Member")
    GUEST = "guest", _l("Guest without vote")

    @property
    def votes(self) -> bool:
        """Tell whether a member with this function has a vote."""
        return self is not BoardFunction.GUEST

    @property
    def presides(self) -> bool:
        """Tell whether a member with this function leads meetings and votes."""
        return self in (BoardFunction.CHAIR, BoardFunction.DEPUTY)


board_round = Table(
    "board_round",
    Base.metadata,
    Column("board_id", ForeignKey("board.id", ondelete="CASCADE"), primary_key=True),
    # A round is decided by one board only.
    Column(
        "round_id",
        ForeignKey("prioritisation_round.id", ondelete="CASCADE"),
        primary_key=True,
        unique=True,
    ),
)


class Board(TenantMixin, TimestampMixin, Base):
    """A steering board (Lenkungsgruppe) with its rules of procedure."""

    __tablename__ = "board"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Prefix of the decision numbers, e.g. "LG" in "LG-2026/014".
    code: Mapped[str] = mapped_column(String(12))
    #: Markdown: what the board steers.
    description: Mapped[str] = mapped_column(Text, default="")
    term_start: Mapped[date] = mapped_column(Date)
    term_end: Mapped[date | None] = mapped_column(Date)
    #: The board may decide when at least this share (in percent) of its members entitled to
    #: vote on an item, recused members left out, take part.
    quorum_percent: Mapped[int] = mapped_column(Integer, default=50)
    majority: Mapped[MajorityRule] = mapped_column(
        db_enum(MajorityRule, "majority_rule"), default=MajorityRule.SIMPLE
    )
    #: Whether abstentions count among the votes cast (then they weigh like no votes).
    abstentions_count: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Whether the chair's vote decides a tie (in named votes; a secret vote has no chair's vote).
    casting_vote: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Counts the board's changes, so that a form from a stale browser tab is refused.
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    members: Mapped[list[BoardMember]] = relationship(
        back_populates="board", cascade="all, delete-orphan", order_by="BoardMember.id"
    )
    rounds: Mapped[list[Round]] = relationship(secondary=board_round, order_by=Round.id)

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy's protocol
    __table_args__ = (
        UniqueConstraint("municipality_id", "code"),
        CheckConstraint("name <> '' AND code <> ''", name="named"),
        CheckConstraint("quorum_percent BETWEEN 1 AND 100", name="quorum_range"),
        CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_ordered"),
    )


class BoardMember(TenantMixin, Base):
    """A user's seat on a board."""

    __tablename__ = "board_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    function: Mapped[BoardFunction] = mapped_column(db_enum(BoardFunction, "board_function"))

    board: Mapped[Board] = relationship(back_populates="members")
    user: Mapped[User] = relationship()

    __table_args__ = (
        UniqueConstraint("board_id", "user_id"),
        # One chair and one deputy per board.
        Index(
            "uq_board_member_chair",
            "board_id",
            "function",
            unique=True,
            postgresql_where=text("function IN ('chair', 'deputy')"),
            sqlite_where=text("function IN ('chair', 'deputy')"),
        ),
    )


class MeetingState(LabelledEnum):
    """Where a meeting stands: planned → invited → held → minutes approved."""

    PLANNED = "planned", _l("Planned")
    INVITED = "invited", _l("Invited")
    HELD = "held", _l("Held")
    MINUTES_APPROVED = "minutes_approved", _l("Minutes approved")


class Meeting(TenantMixin, TimestampMixin, Base):
    """A meeting (Sitzung) of a board with its agenda, attendance and minutes."""

    __tablename__ = "board_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str] = mapped_column(String(500), default="")
    state: Mapped[MeetingState] = mapped_column(
        db_enum(MeetingState, "meeting_state"), default=MeetingState.PLANNED
    )
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When attendance was recorded: from then on the meeting can vote.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Markdown: generated when the meeting is held, corrected by the chair, frozen on approval.
    minutes: Mapped[str] = mapped_column(Text, default="")
    minutes_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The later meeting that approved the minutes.
    minutes_approved_in_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_meeting.id", ondelete="SET NULL")
    )
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    board: Mapped[Board] = relationship()
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", order_by="AgendaItem.position"
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy's protocol
    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("place <> '' OR video_url <> ''", name="has_place"),
        CheckConstraint(
            "(state = 'minutes_approved') = (minutes_approved_at IS NOT NULL)",
            name="approved_has_time",
        ),
        CheckConstraint(
            "held_at IS NULL OR state IN ('held', 'minutes_approved')", name="held_has_state"
        ),
        Index("ix_board_meeting_board_start", "board_id", "starts_at"),
    )


attendance = Table(
    "board_attendance",
    Base.metadata,
    Column("meeting_id", ForeignKey("board_meeting.id", ondelete="CASCADE"), primary_key=True),
    Column("member_id", ForeignKey("board_member.id", ondelete="CASCADE"), primary_key=True),
)


class ItemKind(LabelledEnum):
    """What an agenda item is about."""

    IDEA = "idea", _l("Idea of a round")
    REPORT = "report", _l("Report")
    OTHER = "other", _l("Other topic")


class AgendaItem(TenantMixin, Base):
    """An item on a meeting's agenda, or one sent to the members in a written procedure."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"), index=True)
    #: None for an item in a written procedure (or one waiting for a meeting).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_meeting.id", ondelete="CASCADE"), index=True
    )
    #: Place on the meeting's agenda, 1, 2, …
    position: Mapped[int | None] = mapped_column(Integer)
    kind: Mapped[ItemKind] = mapped_column(db_enum(ItemKind, "agenda_item_kind"))
    title: Mapped[str] = mapped_column(String(200))
    #: Markdown: what the members need to prepare.
    notes: Mapped[str] = mapped_column(Text, default="")
    idea_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="CASCADE"), index=True
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("prioritisation_round.id", ondelete="CASCADE")
    )

    meeting: Mapped[Meeting | None] = relationship(back_populates="items")
    idea: Mapped[Idea | None] = relationship()
    round: Mapped[Round | None] = relationship()
    vote: Mapped[Vote | None] = relationship(back_populates="item", uselist=False)

    __table_args__ = (
        UniqueConstraint("meeting_id", "position"),
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint(
            "(kind = 'idea') = (idea_id IS NOT NULL AND round_id IS NOT NULL)",
            name="idea_item_has_idea",
        ),
        CheckConstraint("(meeting_id IS NULL) = (position IS NULL)", name="placed_in_meeting"),
    )


class DecisionOutcome(LabelledEnum):
    """What the board decides on an idea."""

    APPROVED = "approved", _l("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _l("Approved with conditions")
    DEFERRED = "deferred", _l("Deferred")
    REJECTED = "rejected", _l("Rejected")

    @property
    def approves(self) -> bool:
        """Tell whether this outcome approves the idea."""
        return self in (DecisionOutcome.APPROVED, DecisionOutcome.APPROVED_WITH_CONDITIONS)


class VoteMode(LabelledEnum):
    """Where a vote is taken."""

    MEETING = "meeting", _l("In the meeting")
    WRITTEN = "written", _l("Written procedure")


class VoteState(LabelledEnum):
    """Where a vote stands."""

    OPEN = "open", _l("Open")
    CLOSED = "closed", _l("Closed")
    #: A member demanded that a written procedure's item go to a meeting instead.
    REFERRED = "referred", _l("Referred to a meeting")


class VoteResult(LabelledEnum):
    """The outcome of a closed vote, computed from the rules and the votes."""

    ADOPTED = "adopted", _l("Adopted")
    DEFEATED = "defeated", _l("Not adopted")
    NO_QUORUM = "no_quorum", _l("No quorum")


class Vote(TenantMixin, Base):
    """The vote on an agenda item's motion; named or secret, in a meeting or in writing.

    The result is computed when the vote closes (`portal.board.counting.count`), never typed in,
    and a closed vote never changes.
    """

    __tablename__ = "board_vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), unique=True
    )
    mode: Mapped[VoteMode] = mapped_column(db_enum(VoteMode, "vote_mode"))
    state: Mapped[VoteState] = mapped_column(
        db_enum(VoteState, "vote_state"), default=VoteState.OPEN
    )
    secret: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The motion: the text put to the vote.
    motion: Mapped[str] = mapped_column(Text)
    #: For an idea: the decision the motion proposes, with its conditions and reason.
    outcome: Mapped[DecisionOutcome | None] = mapped_column(
        db_enum(DecisionOutcome, "decision_outcome")
    )
    conditions: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    #: Comply or explain: why the board departs from the ranking or the portfolio proposal.
    explanation: Mapped[str] = mapped_column(Text, default="")
    #: A written procedure is decided when this passes or everybody has voted.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The member who demanded a meeting instead of the written procedure.
    referred_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("board_member.id", ondelete="SET NULL")
    )
    #: The tally, stored when the vote closes.
    yes: Mapped[int | None] = mapped_column(Integer)
    no: Mapped[int | None] = mapped_column(Integer)
    abstain: Mapped[int | None] = mapped_column(Integer)
    #: Members entitled to vote on the item (recused members left out), and how many took part.
    eligible: Mapped[int | None] = mapped_column(Integer)
    present: Mapped[int | None] = mapped_column(Integer)
    result: Mapped[VoteResult | None] = mapped_column(db_enum(VoteResult, "vote_result"))
    casting_vote_used: Mapped[bool] = mapped_column(Boolean, default=False)

    item: Mapped[AgendaItem] = relationship(back_populates="vote")
    ballots: Mapped[list[Ballot]] = relationship(back_populates="vote", order_by="Ballot.id")
    recusals: Mapped[list[Recusal]] = relationship(back_populates="vote", order_by="Recusal.id")

    __table_args__ = (
        CheckConstraint("motion <> ''", name="motion_not_empty"),
        CheckConstraint("(mode = 'written') = (deadline IS NOT NULL)", name="written_has_deadline"),
        CheckConstraint("(state = 'open') = (closed_at IS NULL)", name="closed_has_time"),
        CheckConstraint("(state = 'closed') = (result IS NOT NULL)", name="closed_has_result"),
        CheckConstraint(
            "result IS NULL OR (yes >= 0 AND no >= 0 AND abstain >= 0 AND eligible >= 0 "
            "AND present >= 0)",
            name="tally_complete",
        ),
        CheckConstraint(
            "(state = 'referred') = (referred_by_id IS NOT NULL)", name="referred_by_member"
        ),
        Index("ix_board_vote_open_deadline", "state", "deadline"),
    )


class Choice(LabelledEnum):
    """A member's vote."""

    YES = "yes", _l("Yes")
    NO = "no", _l("No")
    ABSTAIN = "abstain", _l("Abstain")


class Ballot(TenantMixin, Base):
    """That a member voted on a vote; in a named vote also how.

    In a secret vote the choice is not here but in a `SecretChoice` row that names no member,
    so that no table links a member to a choice; this row only stops a second vote.
    """

    __tablename__ = "board_ballot"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("board_vote.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("board_member.id", ondelete="CASCADE"), index=True
    )
    #: None in a secret vote.
    choice: Mapped[Choice | None] = mapped_column(db_enum(Choice, "vote_choice"))
    cast_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    vote: Mapped[Vote] = relationship(back_populates="ballots")
    member: Mapped[BoardMember] = relationship()

    __table_args__ = (UniqueConstraint("vote_id", "member_id"),)


class SecretChoice(TenantMixin, Base):
    """A choice in a secret vote. It names no member and has no time, and its key is random,
    so that neither its order nor its id ties it to a `Ballot`."""

    __tablename__ = "board_secret_choice"

    #: Random (`secrets.token_hex`), not a sequence, which would follow the ballots' order.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    vote_id: Mapped[int] = mapped_column(
        ForeignKey("board_vote.id", ondelete="CASCADE"), index=True
    )
    choice: Mapped[Choice] = mapped_column(db_enum(Choice, "vote_choice"))


class RecusalReason(LabelledEnum):
    """Why a member does not vote on an item."""

    AUTHOR = "author", _l("Author of the idea")
    ORG_UNIT = "org_unit", _l("The idea affects their org unit")
    DECLARED = "declared", _l("Conflict of interest declared")


class Recusal(TenantMixin, Base):
    """A member with a conflict of interest on a vote: they leave the quorum and cannot vote."""

    __tablename__ = "board_recusal"

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("board_vote.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("board_member.id", ondelete="CASCADE"))
    reason: Mapped[RecusalReason] = mapped_column(db_enum(RecusalReason, "board_recusal_reason"))
    note: Mapped[str] = mapped_column(Text, default="")

    vote: Mapped[Vote] = relationship(back_populates="recusals")
    member: Mapped[BoardMember] = relationship()

    __table_args__ = (
        UniqueConstraint("vote_id", "member_id"),
        CheckConstraint("reason <> 'declared' OR note <> ''", name="declared_has_note"),
    )


class Decision(TenantMixin, Base):
    """A decision of the board on an idea, on the record: numbered, reasoned, with a snapshot of
    the idea's standing in its round when it was taken."""

    __tablename__ = "board_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    #: The decision number counts per board and calendar year: LG-2026/014.
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    vote_id: Mapped[int] = mapped_column(
        ForeignKey("board_vote.id", ondelete="CASCADE"), unique=True
    )
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("prioritisation_round.id", ondelete="CASCADE"))
    outcome: Mapped[DecisionOutcome] = mapped_column(db_enum(DecisionOutcome, "decision_outcome"))
    conditions: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    #: Comply or explain: published with the decision when it departs from the ranking.
    explanation: Mapped[str] = mapped_column(Text, default="")
    departs: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The idea's standing when the decision was taken, so later data does not rewrite history.
    rank: Mapped[int | None] = mapped_column(Integer)
    score: Mapped[float | None] = mapped_column(Float)
    #: [{"criterion": name, "contribution": share of the score}, …]
    breakdown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    in_portfolio: Mapped[bool | None] = mapped_column(Boolean)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: When the board released the decision to all staff; None while only the board sees it.
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    board: Mapped[Board] = relationship()
    vote: Mapped[Vote] = relationship()
    idea: Mapped[Idea] = relationship()
    round: Mapped[Round] = relationship()

    __table_args__ = (
        UniqueConstraint("board_id", "year", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
        CheckConstraint("reason <> ''", name="reason_not_empty"),
        CheckConstraint("NOT departs OR explanation <> ''", name="departure_explained"),
        CheckConstraint(
            "outcome <> 'approved_with_conditions' OR conditions <> ''", name="conditions_given"
        ),
        Index("ix_board_decision_released", "municipality_id", "released_at"),
    )

    @property
    def reference(self) -> str:
        """Return the decision number as published: LG-2026/014."""
        return f"{self.board.code}-{self.year}/{self.number:03d}"
