"""Projects: approved ideas carried out in waves, with a team, milestones, tasks, status updates,
documents and an evaluation."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
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
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import OrgUnit, User
from portal.board.models import Decision
from portal.core.enums import LabelledEnum, db_enum
from portal.core.models import TenantMixin, TimestampMixin, UTCDateTime, utcnow
from portal.extensions import Base
from portal.ideas.models import FieldOfAction, Idea
from portal.rounds.models import Round


class ProjectRole(TenantMixin, Base):
    """A role in a project team (Change-Manager:in, Digital-Coach, …), kept by moderators."""

    __tablename__ = "project_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    #: Place in the lists; lower comes first.
    position: Mapped[int] = mapped_column(Integer, default=0)
    #: A retired role stays on the teams that have it but is offered no more.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    __table_args__ = (
        UniqueConstraint("municipality_id", "name"),
        CheckConstraint("name <> ''", name="name_not_empty"),
    )


class WaveState(LabelledEnum):
    """Where a wave stands."""

    PLANNED = "planned", _l("Planned")
    RUNNING = "running", _l("Running")
    EVALUATING = "evaluating", _l("Being evaluated")
    CLOSED = "closed", _l("Closed")


wave_org_unit = Table(
    "project_wave_org_unit",
    Base.metadata,
    Column("wave_id", ForeignKey("project_wave.id", ondelete="CASCADE"), primary_key=True),
    Column("org_unit_id", ForeignKey("org_unit.id", ondelete="CASCADE"), primary_key=True),
)


class Wave(TenantMixin, TimestampMixin, Base):
    """A wave (Welle) of projects: the Dezernate or org units it covers start together and are
    evaluated before the next wave."""

    __tablename__ = "project_wave"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_on: Mapped[date] = mapped_column(Date)
    #: When the wave's projects are to be evaluated.
    evaluation_on: Mapped[date] = mapped_column(Date)
    state: Mapped[WaveState] = mapped_column(
        db_enum(WaveState, "project_wave_state"), default=WaveState.PLANNED
    )
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    org_units: Mapped[list[OrgUnit]] = relationship(secondary=wave_org_unit, order_by=OrgUnit.code)

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy's protocol
    __table_args__ = (
        UniqueConstraint("municipality_id", "name"),
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("evaluation_on >= starts_on", name="evaluation_after_start"),
    )


class ProjectState(LabelledEnum):
    """Where a project stands."""

    PLANNED = "planned", _l("Planned")
    RUNNING = "running", _l("Running")
    COMPLETED = "completed", _l("Completed")
    EVALUATED = "evaluated", _l("Evaluated")


class Traffic(LabelledEnum):
    """The project's status at a glance; yellow and red need a reason."""

    GREEN = "green", _l("Green: on track")
    YELLOW = "yellow", _l("Yellow: at risk")
    RED = "red", _l("Red: off track")

    @property
    def badge(self) -> str:
        """Return the KERN badge variant that colours this status."""
        return {"green": "success", "yellow": "warning", "red": "danger"}[self.value]


class Project(TenantMixin, TimestampMixin, Base):
    """An approved idea carried out: one project per approved decision of the board."""

    __tablename__ = "project"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("board_decision.id", ondelete="RESTRICT"), unique=True
    )
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="RESTRICT"), index=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("prioritisation_round.id", ondelete="RESTRICT"), index=True
    )
    wave_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_wave.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    #: What the project is to achieve – Markdown.
    goal: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    org_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="SET NULL"), index=True
    )
    #: Copied from the idea, so that the portfolio filters without reading ideas.
    field_of_action_id: Mapped[int | None] = mapped_column(
        ForeignKey("field_of_action.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[ProjectState] = mapped_column(
        db_enum(ProjectState, "project_state"), default=ProjectState.PLANNED
    )
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: Approved with the decision (euros, staff days) and spent so far, as the owner enters it.
    budget_approved: Mapped[int | None] = mapped_column(BigInteger)
    staff_days_approved: Mapped[int | None] = mapped_column(Integer)
    budget_spent: Mapped[int] = mapped_column(BigInteger, default=0)
    staff_days_spent: Mapped[int] = mapped_column(Integer, default=0)
    traffic: Mapped[Traffic] = mapped_column(
        db_enum(Traffic, "project_traffic"), default=Traffic.GREEN
    )
    #: Why the status is yellow or red; empty for green.
    traffic_reason: Mapped[str] = mapped_column(Text, default="")
    progress: Mapped[int] = mapped_column(Integer, default=0)
    status_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    evaluation_on: Mapped[date | None] = mapped_column(Date)
    #: The closing report of the evaluation – Markdown.
    closing_report: Mapped[str] = mapped_column(Text, default="")
    evaluated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The day the owner was last reminded of the evaluation: once a day at most.
    reminded_on: Mapped[date | None] = mapped_column(Date)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)

    decision: Mapped[Decision] = relationship()
    idea: Mapped[Idea] = relationship()
    round: Mapped[Round] = relationship()
    wave: Mapped[Wave | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    org_unit: Mapped[OrgUnit | None] = relationship()
    field_of_action: Mapped[FieldOfAction | None] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="project", order_by="TeamMember.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy's protocol
    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_empty"),
        CheckConstraint("ends_on >= starts_on", name="dates_ordered"),
        CheckConstraint(
            "evaluation_on IS NULL OR evaluation_on >= starts_on", name="evaluated_after_start"
        ),
        CheckConstraint("traffic = 'green' OR traffic_reason <> ''", name="status_has_reason"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_is_percent"),
        CheckConstraint(
            "(budget_approved IS NULL OR budget_approved >= 0) AND budget_spent >= 0"
            " AND (staff_days_approved IS NULL OR staff_days_approved >= 0)"
            " AND staff_days_spent >= 0",
            name="amounts_not_negative",
        ),
        CheckConstraint(
            "(state = 'evaluated') = (evaluated_at IS NOT NULL)", name="evaluated_has_time"
        ),
        CheckConstraint(
            "state <> 'evaluated' OR closing_report <> ''", name="evaluated_has_report"
        ),
        Index("ix_project_portfolio", "municipality_id", "wave_id", "id"),
    )


class TeamMember(TenantMixin, Base):
    """A member of a project team in a project role."""

    __tablename__ = "project_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_role.id", ondelete="SET NULL"), index=True
    )

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship()
    role: Mapped[ProjectRole | None] = relationship()

    __table_args__ = (UniqueConstraint("project_id", "user_id"),)


class Milestone(TenantMixin, Base):
    """A dated milestone of a project; late while not done after its date."""

    __tablename__ = "project_milestone"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_empty"),
        # The portfolio finds the projects with late milestones from this index.
        Index("ix_project_milestone_open", "project_id", "done_on", "due_on"),
    )

    def late(self, today: date) -> bool:
        """Tell whether the milestone is not done although its date has passed."""
        return self.done_on is None and self.due_on < today


class TaskState(LabelledEnum):
    """The column of a task on the project's board."""

    OPEN = "open", _l("Open")
    IN_PROGRESS = "in_progress", _l("In progress")
    DONE = "done", _l("Done")


class Task(TenantMixin, TimestampMixin, Base):
    """A task of a project (Aufgabe) with its assignee and due date."""

    __tablename__ = "project_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    state: Mapped[TaskState] = mapped_column(
        db_enum(TaskState, "project_task_state"), default=TaskState.OPEN
    )

    assignee: Mapped[User | None] = relationship()
    project: Mapped[Project] = relationship()

    __table_args__ = (
        CheckConstraint("title <> ''", name="title_not_empty"),
        Index("ix_project_task_board", "project_id", "state", "id"),
        Index("ix_project_task_assignee", "assignee_id", "state", "due_on"),
    )


class ProgressUpdate(TenantMixin, Base):
    """A dated report of a project's progress, with the status it reported."""

    __tablename__ = "project_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Markdown.
    body: Mapped[str] = mapped_column(Text)
    traffic: Mapped[Traffic] = mapped_column(db_enum(Traffic, "project_traffic"))
    progress: Mapped[int] = mapped_column(Integer)

    author: Mapped[User | None] = relationship()
    project: Mapped[Project] = relationship()
    files: Mapped[list[ProjectFile]] = relationship(order_by="ProjectFile.id")

    __table_args__ = (
        CheckConstraint("body <> ''", name="body_not_empty"),
        CheckConstraint("progress BETWEEN 0 AND 100", name="progress_is_percent"),
        Index("ix_project_update_project_at", "project_id", "at"),
        Index("ix_project_update_feed", "municipality_id", "at"),
    )


class Document(TenantMixin, Base):
    """A document of a project; every upload of it is a version, and the old ones stay."""

    __tablename__ = "project_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    versions: Mapped[list[ProjectFile]] = relationship(
        order_by="ProjectFile.version.desc()", back_populates="document"
    )

    __table_args__ = (
        UniqueConstraint("project_id", "title"),
        CheckConstraint("title <> ''", name="title_not_empty"),
    )


class ProjectFile(TenantMixin, Base):
    """A stored file of a project: a version of a document, or an attachment of an update.
    Checked and stored like the files of ideas."""

    __tablename__ = "project_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_document.id", ondelete="CASCADE")
    )
    version: Mapped[int | None] = mapped_column(Integer)
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("project_update.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    filename: Mapped[str] = mapped_column(String(200))
    #: Random name of the file in `UPLOAD_PATH`; never derived from user input.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)

    document: Mapped[Document | None] = relationship(back_populates="versions")
    uploaded_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("document_id", "version"),
        CheckConstraint("size > 0", name="size_positive"),
        CheckConstraint(
            "(document_id IS NOT NULL AND version >= 1 AND update_id IS NULL)"
            " OR (document_id IS NULL AND version IS NULL AND update_id IS NOT NULL)",
            name="document_version_or_update",
        ),
        Index("ix_project_file_project", "project_id", "document_id"),
    )


class Indicator(TenantMixin, Base):
    """A key performance indicator of a project's evaluation: unit, baseline, target and the
    value measured, with its date."""

    __tablename__ = "project_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("project.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(50))
    baseline: Mapped[float] = mapped_column(Float)
    target: Mapped[float] = mapped_column(Float)
    measured: Mapped[float | None] = mapped_column(Float)
    measured_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (
        CheckConstraint("name <> ''", name="name_not_empty"),
        CheckConstraint("unit <> ''", name="unit_not_empty"),
        CheckConstraint("(measured IS NULL) = (measured_on IS NULL)", name="measured_with_date"),
    )
