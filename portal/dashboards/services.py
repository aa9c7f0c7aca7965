"""What the start page shows: one panel per role the user holds, filled by the domain modules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True)
class NewsItem:
    """One line of the newsfeed: what happened, when, and where to read more."""

    at: datetime
    text: str
    url: str
    #: A short label of the kind of news, e.g. "New idea".
    kind: str = ""


ItemSource = Callable[[User], list[PanelItem]]
NewsSource = Callable[[User, int], list[NewsItem]]

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


#: Functions that list recent news for a user; domain modules add theirs with `contributes_news`.
_NEWS_SOURCES: list[NewsSource] = []


def contributes_news(source: NewsSource) -> NewsSource:
    """Register a function that returns up to *limit* recent news items for a user."""
    _NEWS_SOURCES.append(source)
    return source


def newsfeed(user: User, limit: int = 12) -> list[NewsItem]:
    """Return the latest news of all modules for *user*, newest first."""
    items = [item for source in _NEWS_SOURCES for item in source(user, limit)]
    return sorted(items, key=lambda item: item.at, reverse=True)[:limit]


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
