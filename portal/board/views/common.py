"""Pieces the board's views share."""

from __future__ import annotations

from portal.accounts.models import Role

#: Who may open the board's pages at all; the services check the board itself.
BOARD_PEOPLE = (Role.BOARD_MEMBER, Role.MODERATOR, Role.ADMIN)


def version(value: object) -> int:
    """Return the version a form sent; a missing or odd one matches no version."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0
