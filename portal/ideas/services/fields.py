"""Fields of action (Handlungsfelder), which moderators keep and ideas belong to."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from portal.core.errors import Conflict, NotFound
from portal.extensions import db
from portal.ideas.models import FieldOfAction


def fields_of_action(*, only_active: bool = False) -> list[FieldOfAction]:
    """Return the municipality's fields of action by name."""
    query = select(FieldOfAction)
    if only_active:
        query = query.where(FieldOfAction.active.is_(True))
    return list(db.session.scalars(query.order_by(FieldOfAction.name)))


def get_field_of_action(field_id: int) -> FieldOfAction:
    """Return field of action *field_id* of the current municipality."""
    found = db.session.get(FieldOfAction, field_id)
    if found is None:
        raise NotFound(_("This field of action does not exist."))
    return found


def save_field_of_action(
    found: FieldOfAction | None, name: str, description: str, active: bool
) -> FieldOfAction:
    """Create a field of action (*found* is None) or change it; names are unique."""
    name = " ".join(name.split())
    clash = select(FieldOfAction.id).where(FieldOfAction.name == name)
    if found is not None:
        clash = clash.where(FieldOfAction.id != found.id)
    if db.session.scalar(clash) is not None:
        raise Conflict(_("A field of action named %(name)s already exists.", name=name))
    if found is None:
        found = FieldOfAction()
        db.session.add(found)
    found.name = name
    found.description = description.strip()
    found.active = active
    db.session.flush()
    return found
