"""Pieces the board's views share."""

from __future__ import annotations

from portal.accounts.models import Role

#: Who may open the board's pages at all; the services check the board itself.
BOARD_PEOPLE = (Role.BOARD_MEMBER, Role.MODERATOR, Role.ADMIN)
