"""The texts of the pages every public body must publish, kept per municipality."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.enums import LabelledEnum, db_enum
from portal.core.models import TenantMixin, TimestampMixin
from portal.extensions import Base


class LegalPage(LabelledEnum):
    """A page the law asks of a public body's website, and which law asks it."""

    #: § 5 DDG (formerly § 5 TMG), § 18 MStV: who runs the site.
    IMPRINT = "imprint", _l("Imprint")
    #: Art. 13 and 14 GDPR: what is stored about whom, why and for how long.
    PRIVACY = "privacy", _l("Privacy policy")
    #: § 12b BGG, BITV 2.0 § 7 and the state's accessibility law: state of conformity,
    #: known gaps, feedback and the conciliation body.
    ACCESSIBILITY = "accessibility", _l("Accessibility statement")


class LegalText(TenantMixin, TimestampMixin, Base):
    """The text of one legal page of a municipality, in Markdown, written by its administrators."""

    __tablename__ = "legal_text"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LegalPage] = mapped_column(db_enum(LegalPage, "legal_page"))
    #: The text in Markdown, in the municipality's language (German).
    body: Mapped[str] = mapped_column(Text)
    #: Who saved the text last; None for the demo text or once the account is gone.
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    __table_args__ = (
        UniqueConstraint("municipality_id", "kind"),
        CheckConstraint("body <> ''", name="body_not_empty"),
    )
