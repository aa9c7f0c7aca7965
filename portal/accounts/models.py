"""Municipalities (tenants), org units, users with roles, log-in attempts, the tokens of
remembered devices and password resets."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.enums import LabelledEnum, db_enum
from portal.core.models import TenantMixin, TimestampMixin, UTCDateTime, utcnow
from portal.extensions import Base


class Role(LabelledEnum):
    """What a user may do; a user may hold several roles."""

    EMPLOYEE = "employee", _l("Employee")
    MODERATOR = "moderator", _l("Moderator")
    ASSESSOR = "assessor", _l("Assessor")
    BOARD_MEMBER = "board_member", _l("Board member")
    STAFF_COUNCIL = "staff_council", _l("Staff council")
    ADMIN = "admin", _l("Administrator")


class OrgUnitKind(LabelledEnum):
    """Levels of a German municipal administration."""

    DEZERNAT = "dezernat", _l("Department (Dezernat)")
    STABSSTELLE = "stabsstelle", _l("Staff unit (Stabsstelle)")
    AMT = "amt", _l("Office (Amt)")
    ABTEILUNG = "abteilung", _l("Division (Abteilung)")


class Municipality(TimestampMixin, Base):
    """A municipality (tenant): every domain row belongs to exactly one."""

    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable name used to resolve the tenant of a request.
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    #: Official name shown in the header, e.g. "Stadt Musterstadt".
    name: Mapped[str] = mapped_column(String(200))

    __table_args__ = (CheckConstraint("slug <> ''", name="slug_not_empty"),)


class OrgUnit(TenantMixin, TimestampMixin, Base):
    """A unit of the administration; units form a tree (Dezernat → Amt → Abteilung)."""

    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The unit above; None for a top-level unit.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[OrgUnitKind] = mapped_column(db_enum(OrgUnitKind, "org_unit_kind"))
    #: Official short designation, e.g. "Dez. I", "Amt 10", "10.2".
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.code")

    __table_args__ = (
        UniqueConstraint("municipality_id", "code"),
        CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
        CheckConstraint("code <> '' AND name <> ''", name="code_and_name_not_empty"),
    )

    @property
    def display_name(self) -> str:
        return f"{self.code} – {self.name}"


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[Role] = mapped_column(db_enum(Role, "role"), primary_key=True)


class User(TenantMixin, TimestampMixin, Base):
    """A member of staff with an account."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored in lower case; unique within the municipality.
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int | None] = mapped_column(
        ForeignKey("org_unit.id", ondelete="SET NULL"), index=True
    )
    #: Preferred language of the interface ("de" or "en").
    locale: Mapped[str] = mapped_column(String(8), default="de")
    #: Inactive users cannot sign in; their data stays.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    #: Set when an administrator chose the password; the user must replace it at next sign-in.
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Stored in each session at sign-in and compared on every request: raising it ends every
    #: session of the user (sign-out, new password, deactivation, "sign out on other devices").
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    org_unit: Mapped[OrgUnit | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    __table_args__ = (
        UniqueConstraint("municipality_id", "email"),
        CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="email_lower"),
        CheckConstraint("locale IN ('de', 'en')", name="known_locale"),
    )

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        """Tell whether the user holds any of *roles*."""
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[Role]) -> None:
        """Replace the user's roles by *roles*."""
        keep = [row for row in self.role_rows if row.role in roles]
        present = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=r) for r in sorted(roles - present, key=str)]


class LoginAttempt(TenantMixin, Base):
    """A sign-in attempt, kept to rate-limit guessing per account and per address."""

    __tablename__ = "login_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        Index("ix_login_attempt_email_at", "municipality_id", "email", "at"),
        Index("ix_login_attempt_address_at", "municipality_id", "address", "at"),
    )


class RememberToken(TenantMixin, Base):
    """A device that stays signed in: the SHA-256 of the random token in its cookie.

    The token is single-use: each use replaces it by a new one (the row stays, so it keeps
    the device's expiry). Raising the user's session generation deletes all their tokens.
    """

    __tablename__ = "remember_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: Hex SHA-256 of the current token; the token itself is only in the device's cookie.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: When the user signed in with their password on this device.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The device must sign in with the password again from here on; rotation keeps it.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordReset(TenantMixin, Base):
    """A request for a password reset link, also for addresses without an account.

    It is written whether or not the address belongs to an account, so that requests can be
    limited per client address without telling which addresses exist. The mail job sets
    `token_hash` when the address belongs to an active account; using the link sets `used_at`.
    """

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: As entered, normalised; not necessarily an account's.
    email: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    #: Hex SHA-256 of the token in the mailed link; the token itself is only in the mail.
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        Index(
            "ix_password_reset_address_requested_at", "municipality_id", "address", "requested_at"
        ),
        Index("ix_password_reset_email_requested_at", "municipality_id", "email", "requested_at"),
        CheckConstraint("token_hash IS NULL OR user_id IS NOT NULL", name="token_has_user"),
    )
