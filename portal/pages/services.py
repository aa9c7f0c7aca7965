"""The legal texts of a municipality: read by everybody, written by its administrators."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.errors import DomainError, Forbidden, NotFound
from portal.extensions import db
from portal.pages.models import LegalPage, LegalText

#: Longest text an administrator may save (a long privacy policy has about 40,000 characters).
MAX_LENGTH = 100_000


def legal_page(value: str) -> LegalPage:
    """Return the legal page named *value* in a URL."""
    try:
        return LegalPage(value)
    except ValueError:
        raise NotFound(_("This page does not exist.")) from None


def legal_text(kind: LegalPage) -> LegalText | None:
    """Return the municipality's text of *kind*, or None while it has none."""
    return db.session.scalar(select(LegalText).where(LegalText.kind == kind))


def legal_texts() -> dict[LegalPage, LegalText]:
    """Return the municipality's legal texts by page."""
    return {text.kind: text for text in db.session.scalars(select(LegalText))}


def save_legal_text(kind: LegalPage, body: str, actor: User) -> LegalText:
    """Store *body* (Markdown) as the municipality's text of *kind*; administrators only."""
    if not actor.has_role(Role.ADMIN):
        raise Forbidden(_("Only administrators edit the legal pages."))
    body = body.strip()
    if not body:
        raise DomainError(_("Please enter the text of the page."))
    if len(body) > MAX_LENGTH:
        raise DomainError(_("The text may have at most %(count)d characters.", count=MAX_LENGTH))
    text = legal_text(kind)
    if text is None:
        text = LegalText(kind=kind)
        db.session.add(text)
    text.body = body
    text.updated_by_id = actor.id
    db.session.flush()
    return text
