"""How the notifications of the rounds module read; written when read, in the reader's language.

Each part of the module adds its kinds in a block of its own and to `MESSAGES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import format_date, ngettext
from flask_babel import gettext as _

from portal.core.registry import MessageRenderer

# --- weighting by the board --------------------------------------------------------------------

WEIGHTING_OPENED = "rounds.weighting_opened"
WEIGHTING_RESET = "rounds.weighting_reset"
WEIGHTING_CLOSED = "rounds.weighting_closed"


def _weighting_opened(p: Mapping[str, Any]) -> str:
    if p.get("again"):
        return str(
            _(
                "The method of weighting the criteria of “%(round)s” has changed; please weight "
                "them again.",
                round=p["round"],
            )
        )
    return str(_("Please weight the criteria of the round “%(round)s”.", round=p["round"]))


def _weighting_reset(p: Mapping[str, Any]) -> str:
    return str(
        _(
            "The criteria of “%(round)s” have changed and your weighting was discarded; please "
            "weight them again.",
            round=p["round"],
        )
    )


def _weighting_closed(p: Mapping[str, Any]) -> str:
    return str(
        _(
            "All board members have weighted the criteria of “%(round)s”; the group weights are "
            "set.",
            round=p["round"],
        )
    )


WEIGHTING_MESSAGES: dict[str, MessageRenderer] = {
    WEIGHTING_OPENED: _weighting_opened,
    WEIGHTING_RESET: _weighting_reset,
    WEIGHTING_CLOSED: _weighting_closed,
}

# --- assessment: reminders before scoring ends --------------------------------------------------

ASSESSMENT_REMINDER = "rounds.assessment_reminder"


def _assessment_reminder(p: Mapping[str, Any]) -> str:
    return str(
        ngettext(
            "%(num)s idea to score in “%(round)s”, due %(date)s.",
            "%(num)s ideas to score in “%(round)s”, due %(date)s.",
            p["count"],
            round=p["round"],
            date=format_date(date.fromisoformat(p["due"]), "medium"),
        )
    )


ASSESSMENT_MESSAGES: dict[str, MessageRenderer] = {ASSESSMENT_REMINDER: _assessment_reminder}

# --- all kinds of the module -------------------------------------------------------------------

MESSAGES: dict[str, MessageRenderer] = {**WEIGHTING_MESSAGES, **ASSESSMENT_MESSAGES}
