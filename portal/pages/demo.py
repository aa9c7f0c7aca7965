"""The legal pages of the demo municipality Musterstadt, written by its administrator.

The texts live in `demo.toml` beside this file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from sqlalchemy import select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, User
from portal.extensions import db
from portal.pages.models import LegalPage
from portal.pages.services import save_legal_text

DATA = Path(__file__).with_name("demo.toml")


def load(municipality: Municipality) -> dict[str, int]:
    """Publish the imprint, privacy policy and accessibility statement; return their count."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    admin = db.session.scalars(select(User).where(User.email == email_of("admin"))).one()
    for page in LegalPage:
        save_legal_text(page, data[page.value], admin)
    return {"legal_pages": len(LegalPage)}
