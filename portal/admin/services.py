"""What the administration contributes to the start page."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.registry import Link, PanelItem
from portal.extensions import db


def admin_start_items(user: User) -> list[PanelItem]:
    """List what waits for an administrator: inactive users and users without org unit."""
    total, inactive, without_unit = db.session.execute(
        select(
            func.count(User.id),
            func.count(User.id).filter(User.active.is_(False)),
            func.count(User.id).filter(User.org_unit_id.is_(None)),
        )
    ).one()
    return [
        PanelItem(_("Users"), Link("admin.users"), total),
        PanelItem(_("Inactive users"), Link("admin.users", {"active": "no"}), inactive),
        PanelItem(
            _("Users without org unit"), Link("admin.users", {"org_unit": "none"}), without_unit
        ),
    ]
