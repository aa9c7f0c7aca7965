"""Values from the query string of a list page, read so that odd input never becomes an error.

A number that is not one (text, superscript digits, thirty digits) counts as absent, an unknown
choice as the default: a tampered or outdated link shows the list, not an error page.
"""

from __future__ import annotations

from typing import TypeVar

from flask import current_app, request

from portal.core.enums import LabelledEnum
from portal.core.urls import as_key

E = TypeVar("E", bound=LabelledEnum)


def int_arg(name: str) -> int | None:
    """Return the whole number given as *name*, or None when it is missing or not one."""
    return as_key(request.args.get(name))


def text_arg(name: str, limit: int) -> str:
    """Return the text given as *name*, trimmed and at most *limit* characters long."""
    return request.args.get(name, "").strip()[:limit]


def enum_arg(members: type[E], name: str, default: E | None = None) -> E | None:
    """Return the member of *members* whose value is given as *name*, else *default*."""
    value = request.args.get(name, "")
    known = {member.value: member for member in members}
    return known.get(value, default)


def page_number() -> int:
    """Return the page asked for (`page`), 1 when it is missing or not a page number."""
    return max(1, int_arg("page") or 1)


def page_size() -> int:
    """Return how many rows a list page shows."""
    return int(current_app.config["PAGE_SIZE"])
