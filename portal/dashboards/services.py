"""What the start page shows: one panel per role the user holds, filled by the domain modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role, User


@dataclass(frozen=True)
class PanelItem:
    """One line of a panel: what waits, how many, and where to deal with it."""

    label: str
    url: str
    count: int | None = None


@dataclass(frozen=True)
class Panel:
    """A box on the start page for one of the user's roles."""

    role: Role
    intro: str
    items: list[PanelItem]


ItemSource = Callable[[User], list[PanelItem]]

ROLE_INTROS = {
    Role.EMPLOYEE: _l("Submit ideas, support those of colleagues and follow what becomes of them."),
    Role.MODERATOR: _l(
        "Screen new ideas, run prioritisation rounds, workshops and surveys, "
        "and prepare the board meetings."
    ),
    Role.ASSESSOR: _l("Score the ideas of a round against the published criteria, with reasons."),
    Role.BOARD_MEMBER: _l(
        "Weight the criteria, vote, decide the portfolio and release the reports."
    ),
    Role.STAFF_COUNCIL: _l(
        "Co-approve staff surveys before launch, check their anonymity and read the results."
    ),
    Role.ADMIN: _l("Manage users, roles and org units of the administration."),
}

#: Functions that list what waits for a role; domain modules add theirs with `contributes_to`.
_SOURCES: dict[Role, list[ItemSource]] = {}


def contributes_to(role: Role) -> Callable[[ItemSource], ItemSource]:
    """Register a function that lists what waits for users of *role* on the start page."""

    def decorate(source: ItemSource) -> ItemSource:
        _SOURCES.setdefault(role, []).append(source)
        return source

    return decorate


def start_panels(user: User) -> list[Panel]:
    """Return a panel for each role *user* holds, in the order the roles are declared."""
    return [
        Panel(
            role=role,
            intro=str(ROLE_INTROS[role]),
            items=[item for source in _SOURCES.get(role, []) for item in source(user)],
        )
        for role in Role
        if role in user.roles
    ]
