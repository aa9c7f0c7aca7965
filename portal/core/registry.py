"""What each domain module contributes to shared pages: navigation, panels, news, notifications,
and sections of other modules' pages.

A module registers its contributions in its `init_app(app)`; the shared pages read them from
here. So `portal/core` knows the shape of a contribution but no module, and a new module adds a
menu entry or a panel without touching anybody else's code.

Contributions name pages by endpoint and arguments, never by URL: the URL is built where the
link is shown, so the functions that supply them run as well outside a request.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app


@dataclass(frozen=True)
class Link:
    """A page of the portal: an endpoint with its arguments (`_anchor` for a place on it)."""

    endpoint: str
    args: Mapping[str, Any] = field(default_factory=dict)


#: Counts what waits for a user behind a navigation item (unread notifications, say). It runs on
#: every page that shows the menu, so it must be one cheap query.
NavCount = Callable[[Any], int]


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation, shown to the users its view admits."""

    endpoint: str
    label: Any
    #: Endpoints starting with any of these mark the item as the current section.
    sections: tuple[str, ...]
    #: Place in the menu; lower comes first.
    order: int
    #: If given, the menu shows the number it returns for the signed-in user as a badge.
    count: NavCount | None = None


@dataclass(frozen=True)
class PanelItem:
    """One line of a start-page panel: what waits, how many, and where to deal with it."""

    label: str
    link: Link
    count: int | None = None
    #: A line below the link: how far it has come, what holds it up.
    note: str = ""


@dataclass(frozen=True)
class NewsItem:
    """One line of the newsfeed: what happened, when, and where to read more."""

    at: datetime
    text: str
    link: Link
    #: A short label of the kind of news, e.g. "New idea".
    kind: str = ""


@dataclass(frozen=True)
class Section:
    """A part one module adds to another module's page: a template and what it needs."""

    #: The template that renders the part, e.g. "rounds/idea_accept.html".
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


#: Returns the section a module adds to the page of *subject* (an idea, say) for *user*, or None
#: if it has nothing to show there.
SectionSource = Callable[[Any, Any], Section | None]

#: Lists what waits for a user of one role on the start page.
PanelSource = Callable[[Any], list[PanelItem]]
#: Returns up to *limit* recent news items for a user.
NewsSource = Callable[[Any, int], list[NewsItem]]
#: Writes the text of a notification from its parameters, in the language of the moment.
MessageRenderer = Callable[[Mapping[str, Any]], str]


@dataclass
class Registry:
    """The contributions of all modules to one application."""

    navigation: list[NavItem] = field(default_factory=list)
    panels: dict[enum.Enum, list[PanelSource]] = field(default_factory=dict)
    news: list[NewsSource] = field(default_factory=list)
    #: Notification kind (e.g. "idea.comment") → how its text reads.
    messages: dict[str, MessageRenderer] = field(default_factory=dict)
    #: (page, place) → the sources of the sections shown there, e.g. ("idea", "moderation").
    sections: dict[tuple[str, str], list[SectionSource]] = field(default_factory=dict)


_KEY = "wandelwerk_registry"


def registry(app: Flask | None = None) -> Registry:
    """Return the contributions registered with *app* (default: the current application)."""
    app = app or current_app
    found: Registry | None = app.extensions.get(_KEY)
    if found is None:
        found = app.extensions[_KEY] = Registry()
    return found


def add_navigation(app: Flask, *items: NavItem) -> None:
    """Add *items* to the main navigation of *app*."""
    navigation = registry(app).navigation
    navigation.extend(items)
    navigation.sort(key=lambda item: item.order)


def add_panel_source(app: Flask, role: enum.Enum, source: PanelSource) -> None:
    """Show what *source* lists on the start-page panel of *role*."""
    registry(app).panels.setdefault(role, []).append(source)


def add_news_source(app: Flask, source: NewsSource) -> None:
    """Add what *source* returns to the newsfeed."""
    registry(app).news.append(source)


def add_messages(app: Flask, messages: Mapping[str, MessageRenderer]) -> None:
    """Teach *app* how the notifications of the given kinds read."""
    registry(app).messages.update(messages)


def add_section(app: Flask, page: str, place: str, source: SectionSource) -> None:
    """Show the section *source* returns at *place* of the page *page* (the page's module
    names its places, e.g. the idea page's "facts" and "moderation")."""
    registry(app).sections.setdefault((page, place), []).append(source)


def page_sections(page: str, subject: Any, user: Any) -> dict[str, list[Section]]:
    """Return, by place, the sections the modules add to *page* of *subject* for *user*."""
    found: dict[str, list[Section]] = {}
    for (name, place), sources in registry().sections.items():
        if name != page:
            continue
        shown = [section for source in sources if (section := source(subject, user)) is not None]
        if shown:
            found.setdefault(place, []).extend(shown)
    return found
