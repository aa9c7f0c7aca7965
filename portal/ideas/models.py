"""Ideas with their lifecycle, supports, comments, attachments, fields of action and tags."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
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

from portal.accounts.models import OrgUnit, User
from portal.core.enums import LabelledEnum, db_enum
from portal.core.models import TenantMixin, TimestampMixin, UTCDateTime, utcnow
from portal.extensions import Base, db


class IdeaState(LabelledEnum):
    """Where an idea stands; `portal.ideas.services.TRANSITIONS` says how it may move on."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    SCREENING = "screening", _l("In screening")
    ACCEPTED = "accepted", _l("Accepted for a round")
    MERGED = "merged", _l("Merged")
    DECLINED = "declined", _l("Declined")
    #: The following three are reached through the rounds, board and projects modules.
    SCORED = "scored", _l("Scored")
    DECIDED = "decided", _l("Decided")
    PROJECT = "project", _l("Project")

    @property
    def badge(self) -> str:
        """Return the KERN badge variant that colours this state."""
        return STATE_BADGES.get(self, "info")


STATE_BADGES = {
    IdeaState.ACCEPTED: "success",
    IdeaState.DECIDED: "success",
    IdeaState.PROJECT: "success",
    IdeaState.DECLINED: "danger",
    IdeaState.MERGED: "warning",
    IdeaState.DRAFT: "warning",
}


class IdeaEventKind(LabelledEnum):
    """What an entry of an idea's history records."""

    #: A step of the lifecycle (`from_state` → `to_state`).
    STATE = "state", _l("State changed")
    ATTACHMENT_ADDED = "attachment_added", _l("File attached")
    ATTACHMENT_REMOVED = "attachment_removed", _l("File removed")


#: States in which colleagues may support and comment.
OPEN_STATES = frozenset(
    {
        IdeaState.SUBMITTED,
        IdeaState.SCREENING,
        IdeaState.ACCEPTED,
        IdeaState.SCORED,
        IdeaState.DECIDED,
        IdeaState.PROJECT,
    }
)
#: States the moderators' screening queue shows.
QUEUE_STATES = (IdeaState.SUBMITTED, IdeaState.SCREENING)
#: State changes everybody hears of in the newsfeed, whatever fields they follow.
HEADLINE_STATES = (IdeaState.ACCEPTED, IdeaState.DECIDED, IdeaState.PROJECT)


idea_org_unit = Table(
    "idea_org_unit",
    db.metadata,
    Column("idea_id", ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True),
    Column("org_unit_id", ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True),
    # The idea list filtered by org unit finds its ideas in this index without visiting the table.
    Index("ix_idea_org_unit_org_unit_id", "org_unit_id", "idea_id"),
)

idea_tag = Table(
    "idea_tag",
    db.metadata,
    Column("idea_id", ForeignKey("idea.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    # The idea list filtered by tag finds its ideas in this index without visiting the table.
    Index("ix_idea_tag_tag_id", "tag_id", "idea_id"),
)


class FieldOfAction(TenantMixin, TimestampMixin, Base):
    """A field of action (Handlungsfeld) such as Bürger-Services or E-Akte; moderators keep them."""

    __tablename__ = "field_of_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    #: Retired fields stay on their ideas but are no longer offered for new ones.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        UniqueConstraint("municipality_id", "name"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )


class Tag(TenantMixin, Base):
    """A free keyword that authors attach to ideas."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored in lower case, so that "E-Akte" and "e-akte" are one tag.
    name: Mapped[str] = mapped_column(String(60))

    __table_args__ = (
        UniqueConstraint("municipality_id", "name"),
        CheckConstraint("name <> '' AND name = lower(name)", name="name_lower"),
    )


#: The condition of a partial index over the ideas the lists show (all but drafts).
_LISTED: dict[str, Any] = {
    "postgresql_where": text("state <> 'draft'"),
    "sqlite_where": text("state <> 'draft'"),
}


class Idea(TenantMixin, TimestampMixin, Base):
    """An idea of a member of staff, from draft to project."""

    __tablename__ = "idea"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    state: Mapped[IdeaState] = mapped_column(
        db_enum(IdeaState, "idea_state"), default=IdeaState.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    #: "Was ist das Problem?" – Markdown; a draft may leave it empty, a submitted idea may not.
    problem: Mapped[str] = mapped_column(Text, default="")
    #: What the author proposes – Markdown; a draft may leave it empty, a submitted idea may not.
    proposal: Mapped[str] = mapped_column(Text, default="")
    #: Expected benefit for citizens – Markdown.
    benefit_citizens: Mapped[str] = mapped_column(Text, default="")
    #: Expected benefit for staff – Markdown.
    benefit_staff: Mapped[str] = mapped_column(Text, default="")
    field_of_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_of_action.id", ondelete="SET NULL"), index=True
    )
    #: Rough effort in person-days, as the author guesses it.
    effort_days: Mapped[int | None] = mapped_column(Integer)
    #: Rough cost in euros, as the author guesses it.
    cost_euros: Mapped[int | None] = mapped_column(Integer)
    #: Whether the public may see the author's name once the idea is published.
    author_public: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Why the idea was declined; the author sees it.
    decline_reason: Mapped[str | None] = mapped_column(Text)
    #: The idea this one was merged into.
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("idea.id", ondelete="RESTRICT"), index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The author's org unit when they submitted the idea: the dashboards count it there, also
    #: after the author moves.
    author_org_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="SET NULL")
    )
    #: Kept by the services so that lists sort by support and discussion without counting.
    support_count: Mapped[int] = mapped_column(Integer, default=0)
    comment_count: Mapped[int] = mapped_column(Integer, default=0)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    field_of_action: Mapped[FieldOfAction | None] = relationship()
    org_units: Mapped[list[OrgUnit]] = relationship(secondary=idea_org_unit, order_by=OrgUnit.code)
    tags: Mapped[list[Tag]] = relationship(secondary=idea_tag, order_by=Tag.name)
    merged_into: Mapped[Idea | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])

    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint(
            "state = 'draft' OR (problem <> '' AND proposal <> '')", name="submitted_has_texts"
        ),
        CheckConstraint(
            "state <> 'declined' OR (decline_reason IS NOT NULL AND decline_reason <> '')",
            name="declined_has_reason",
        ),
        CheckConstraint(
            "(state = 'merged') = (merged_into_id IS NOT NULL)", name="merged_points_to_idea"
        ),
        CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_self"
        ),
        CheckConstraint("state = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_date"),
        CheckConstraint("effort_days IS NULL OR effort_days >= 0", name="effort_not_negative"),
        CheckConstraint("cost_euros IS NULL OR cost_euros >= 0", name="cost_not_negative"),
        CheckConstraint("support_count >= 0 AND comment_count >= 0", name="counts_not_negative"),
        # The list pages read ideas in these orders a page at a time. Drafts are never listed,
        # so three of them leave drafts out and find a page from the index alone.
        Index("ix_idea_list_newest", "municipality_id", "submitted_at", "id", **_LISTED),
        Index("ix_idea_list_state", "municipality_id", "state", "submitted_at", "id"),
        Index(
            "ix_idea_list_supported",
            "municipality_id",
            "support_count",
            "submitted_at",
            "id",
            **_LISTED,
        ),
        Index(
            "ix_idea_list_discussed",
            "municipality_id",
            "comment_count",
            "submitted_at",
            "id",
            **_LISTED,
        ),
        # The dashboards count ideas by state and field of action, and by month and org unit;
        # this index holds every column they read, so they never touch the wide rows.
        Index(
            "ix_idea_dashboard",
            "municipality_id",
            "state",
            "field_of_action_id",
            "submitted_at",
            "author_org_unit_id",
        ),
    )


class IdeaEvent(TenantMixin, Base):
    """One entry of an idea's history: a step of its lifecycle (who moved it from which state to
    which, when and why), or another change everybody may trace, such as a removed file."""

    __tablename__ = "idea_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    #: Who made the change; None once their account is gone.
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[IdeaEventKind] = mapped_column(
        db_enum(IdeaEventKind, "idea_event_kind"), default=IdeaEventKind.STATE
    )
    #: None when the idea was created, and for entries that are no step of the lifecycle.
    from_state: Mapped[IdeaState | None] = mapped_column(db_enum(IdeaState, "idea_state"))
    #: The state reached; only steps of the lifecycle have one.
    to_state: Mapped[IdeaState | None] = mapped_column(db_enum(IdeaState, "idea_state"))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: What the entry concerns besides the state, e.g. the name of a removed file.
    detail: Mapped[str] = mapped_column(String(200), default="")

    actor: Mapped[User | None] = relationship()
    idea: Mapped[Idea] = relationship()

    __table_args__ = (
        # Only a step of the lifecycle names states, so no other entry can pass for one.
        CheckConstraint(
            "(kind = 'state' AND to_state IS NOT NULL)"
            " OR (kind <> 'state' AND to_state IS NULL AND from_state IS NULL)",
            name="states_only_on_steps",
        ),
        Index("ix_idea_event_idea_at", "idea_id", "at"),
        Index("ix_idea_event_feed", "municipality_id", "at"),
    )


class Support(TenantMixin, Base):
    """One employee supports one idea."""

    __tablename__ = "support"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The supporter's org unit when they gave the support: the dashboards count it there.
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id", ondelete="SET NULL"))

    __table_args__ = (
        UniqueConstraint("idea_id", "user_id"),
        # The dashboards count the supports of the days of a month their period cuts.
        Index("ix_support_period", "municipality_id", "created_at"),
    )


class Comment(TenantMixin, TimestampMixin, Base):
    """A comment on an idea, or a reply to one (replies are one level deep).

    A deleted comment that has replies keeps its place in the thread, without its text and
    author; one without replies is deleted for good.
    """

    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"))
    #: None once the comment is deleted.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment.id", ondelete="CASCADE"), index=True
    )
    #: Markdown; empty once the comment is deleted.
    body: Mapped[str] = mapped_column(Text)
    #: When its author last changed the text; None if never.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When its author deleted it (it stays as a placeholder for its replies).
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The author's org unit when they wrote it (the dashboards count it there); None once the
    #: comment is deleted, like its author.
    author_org_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="SET NULL")
    )

    author: Mapped[User | None] = relationship()

    __table_args__ = (
        Index("ix_comment_idea_created", "idea_id", "created_at"),
        # The dashboards count the comments of the days of a month their period cuts.
        Index("ix_comment_period", "municipality_id", "created_at"),
        # The idea page reads the latest threads of a busy idea from this index, without sorting
        # its thousands of comments; partial, because "parent_id IS NULL" does not fix the order
        # of an index that contains parent_id.
        Index(
            "ix_comment_idea_threads",
            "idea_id",
            "created_at",
            "id",
            postgresql_where=text("parent_id IS NULL"),
            sqlite_where=text("parent_id IS NULL"),
        ),
        CheckConstraint(
            "(deleted_at IS NULL AND author_id IS NOT NULL AND body <> '')"
            " OR (deleted_at IS NOT NULL AND author_id IS NULL AND body = '')",
            name="text_and_author_until_deleted",
        ),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )


class Attachment(TenantMixin, Base):
    """A file attached to an idea, stored outside the static folder under a random name."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    #: The name offered for download: the uploaded name, cleaned, with the detected extension.
    filename: Mapped[str] = mapped_column(String(200))
    #: Random name of the file in `UPLOAD_PATH`; never derived from user input.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    #: The type detected from the content, not the one the browser claimed.
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (CheckConstraint("size > 0", name="size_positive"),)


class FieldSubscription(TenantMixin, Base):
    """A user follows a field of action: its new ideas appear in their newsfeed."""

    __tablename__ = "field_subscription"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    field_of_action_id: Mapped[int] = mapped_column(
        ForeignKey("field_of_action.id", ondelete="CASCADE"), primary_key=True
    )


class ParticipationKind(enum.Enum):
    """What a participation count counts."""

    IDEA = "idea"
    SUPPORT = "support"
    COMMENT = "comment"


class ParticipationCount(TenantMixin, Base):
    """How many ideas were submitted, supports given or comments written in one month, by
    people of one org unit, on ideas of one field of action.

    The services keep these counts as they write (`portal.ideas.services.participation`), so
    the dashboards read a few thousand counts instead of counting every row; `wandelwerk
    insights recount` rebuilds them from the rows.
    """

    __tablename__ = "participation_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[ParticipationKind] = mapped_column(
        db_enum(ParticipationKind, "participation_kind")
    )
    #: The first day of the month (UTC) of the submission, support or comment.
    month: Mapped[date] = mapped_column(Date)
    #: The person's org unit when they acted, 0 for none. Not a foreign key: a zero stands for
    #: "none" because a unique constraint treats NULLs as distinct, and an upsert must find the
    #: row it adds to.
    org_unit_id: Mapped[int] = mapped_column(Integer)
    #: The idea's field of action, 0 for none (see `org_unit_id`).
    field_of_action_id: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        UniqueConstraint("municipality_id", "kind", "month", "org_unit_id", "field_of_action_id"),
        CheckConstraint("count >= 0", name="count_not_negative"),
    )
