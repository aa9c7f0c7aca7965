"""Who may see and change a round; the pages ask these, the services enforce them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import Role, User
from portal.core.errors import Conflict, Forbidden, NotFound
from portal.extensions import db
from portal.rounds.models import Round, RoundPhase

P = RoundPhase

#: Phases in which the round's frozen catalogue is published to all staff.
PUBLISHED_CATALOGUE = frozenset({P.SCORE, P.DECIDE, P.PUBLISH, P.CLOSED})


def get_round(round_id: int) -> Round:
    """Return round *round_id* of the current municipality."""
    found = db.session.scalar(select(Round).where(Round.id == round_id))
    if found is None:
        raise NotFound(_("This round does not exist."))
    return found


def is_moderator(user: User) -> bool:
    """Tell whether *user* runs rounds."""
    return user.has_role(Role.MODERATOR)


def require_moderator(user: User) -> None:
    """Refuse anybody but a moderator."""
    if not is_moderator(user):
        raise Forbidden(_("Only moderators run prioritisation rounds."))


def require_current(round_: Round, lock_version: int | None) -> None:
    """Refuse a change sent from a form that showed an older state of *round_* (409)."""
    if lock_version is not None and lock_version != round_.lock_version:
        raise Conflict(
            _(
                "The round was changed in the meantime (perhaps in another tab). "
                "Please reload the page and try again."
            )
        )


def may_see_catalogue(round_: Round, user: User) -> bool:
    """Moderators and board members work on the draft; everybody reads the frozen version."""
    return (
        round_.phase in PUBLISHED_CATALOGUE
        or is_moderator(user)
        or user.has_role(Role.BOARD_MEMBER)
    )
