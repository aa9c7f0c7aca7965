"""What the start page shows: a panel per role the user holds and the newsfeed, both filled by
the domain modules through `portal.core.registry`."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.accounts.models import Role, User
from portal.core.registry import NewsItem, PanelItem, registry

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


@dataclass(frozen=True)
class Panel:
    """A box on the start page for one of the user's roles."""

    role: Role
    intro: str
    items: list[PanelItem]


def newsfeed(user: User, limit: int = 12) -> list[NewsItem]:
    """Return the latest news of all modules for *user*, newest first."""
    items = [item for source in registry().news for item in source(user, limit)]
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]


def start_panels(user: User) -> list[Panel]:
    """Return a panel for each role *user* holds, in the order the roles are declared."""
    sources = registry().panels
    return [
        Panel(
            role=role,
            intro=str(ROLE_INTROS[role]),
            items=[item for source in sources.get(role, []) for item in source(user)],
        )
        for role in Role
        if role in user.roles
    ]
