"""How the notifications of the board read; written when read, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from portal.core.registry import Link, MessageRenderer

INVITED = "board.invited"
WRITTEN_OPENED = "board.written_opened"
DECISION_RELEASED = "board.decision_released"


def idea_link(idea_id: int) -> Link:
    """Return the page of idea *idea_id*."""
    return Link("ideas.detail", {"idea_id": idea_id})


def _invited(p: Mapping[str, Any]) -> str:
    return str(
        _(
            "You are invited to the meeting “%(title)s” of %(board)s on %(when)s; the agenda and "
            "the calendar file are on the meeting's page.",
            title=p["title"],
            board=p["board"],
            when=p["when"],
        )
    )


def _written_opened(p: Mapping[str, Any]) -> str:
    return str(
        _(
            "%(board)s decides “%(title)s” in a written procedure; please vote by %(deadline)s.",
            board=p["board"],
            title=p["title"],
            deadline=p["deadline"],
        )
    )


def _decision_released(p: Mapping[str, Any]) -> str:
    from portal.board.models import DecisionOutcome

    return str(
        _(
            "The board has decided on “%(title)s” (%(reference)s): %(outcome)s. The reason is on "
            "the idea's page.",
            title=p["title"],
            reference=p["reference"],
            outcome=DecisionOutcome(p["outcome"]).label,
        )
    )


MESSAGES: dict[str, MessageRenderer] = {
    INVITED: _invited,
    WRITTEN_OPENED: _written_opened,
    DECISION_RELEASED: _decision_released,
}
