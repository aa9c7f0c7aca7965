"""The letterhead of the documents: the municipality's name (its own setting), logo and the
unit that issues the documents, kept by administrators."""

from __future__ import annotations

import hashlib
import io

from flask_babel import gettext as _
from PIL import Image
from sqlalchemy import select

import reports
from portal.accounts.models import Municipality, User
from portal.accounts.services import current_municipality
from portal.core.errors import DomainError
from portal.core.registry import Section
from portal.extensions import db
from portal.insights.models import Letterhead


class LogoRefused(DomainError):
    """The uploaded logo is not an image the documents can carry."""

    status_code = 422


def stored() -> Letterhead | None:
    """Return the municipality's letterhead row, if one was saved."""
    return db.session.scalar(select(Letterhead))


def letterhead() -> reports.Letterhead:
    """Return the letterhead the documents print now."""
    municipality: Municipality = current_municipality()
    row = stored()
    return reports.Letterhead(
        municipality.name,
        logo=row.logo if row else None,
        issuer=row.issuer if row else "",
    )


def fingerprint(found: reports.Letterhead) -> dict[str, str]:
    """Return what of *found* a document's data hash covers (the logo by its hash)."""
    logo = hashlib.sha256(found.logo).hexdigest() if found.logo else ""
    return {"municipality": found.municipality, "issuer": found.issuer, "logo": logo}


def check_logo(data: bytes) -> None:
    """Refuse *data* unless it is a PNG, JPEG or SVG image small enough for the documents."""
    if not data:
        raise LogoRefused(_("The file is empty. Choose a PNG, JPEG or SVG image."))
    if len(data) > reports.MAX_LOGO_BYTES:
        raise LogoRefused(
            _(
                "The logo is %(size)s KiB; at most %(limit)s KiB are allowed. Save it smaller, "
                "e.g. as SVG or as a PNG of 600 pixels width.",
                size=-(-len(data) // 1024),
                limit=reports.MAX_LOGO_BYTES // 1024,
            )
        )
    try:
        media_type = reports.Letterhead("check", logo=data).logo_url or ""
        if not media_type.startswith("data:image/svg"):
            # The first bytes name the format; the whole picture must also be readable.
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
    except (reports.InvalidLogo, OSError, SyntaxError, ValueError) as refused:
        raise LogoRefused(
            _("The file is not a PNG, JPEG or SVG image. Choose the logo as one of these.")
        ) from refused


def save(user: User, issuer: str, logo: bytes | None, remove_logo: bool) -> Letterhead:
    """Store *issuer* and, if given, the checked *logo* (or remove the logo)."""
    if logo is not None:
        check_logo(logo)
    row = stored()
    if row is None:
        row = Letterhead()
        db.session.add(row)
    row.issuer = issuer
    if logo is not None:
        row.logo = logo
    elif remove_logo:
        row.logo = None
    row.updated_by_id = user.id
    db.session.flush()
    return row


def settings_section(municipality: Municipality, user: User) -> Section | None:
    """Add the letterhead to the administrators' settings page."""
    row = stored()
    return Section(
        "insights/letterhead_section.html",
        {"issuer": row.issuer if row else "", "has_logo": bool(row and row.logo)},
    )
