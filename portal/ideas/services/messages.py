"""How the notifications of the idea portal read; written when read, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from portal.core.registry import Link, MessageRenderer
from portal.ideas.models import IdeaState

SUBMITTED = "idea.submitted"
STATE_CHANGED = "idea.state"
COMMENTED = "idea.comment"
MERGED = "idea.merged"


def idea_link(idea_id: int, anchor: str = "") -> Link:
    """Return the link to the page of idea *idea_id*, at *anchor* if given."""
    args: dict[str, Any] = {"idea_id": idea_id}
    if anchor:
        args["_anchor"] = anchor
    return Link("ideas.detail", args)


def _submitted(p: Mapping[str, Any]) -> str:
    return str(_("New idea waiting for screening: %(title)s", title=p["title"]))


def _state_changed(p: Mapping[str, Any]) -> str:
    state = IdeaState(p["state"]).label
    return str(_("Your idea “%(title)s” is now: %(state)s", title=p["title"], state=state))


def _commented(p: Mapping[str, Any]) -> str:
    return str(_("%(name)s commented on “%(title)s”", name=p["name"], title=p["title"]))


def _merged(p: Mapping[str, Any]) -> str:
    return str(
        _("“%(other)s” was merged into your idea “%(title)s”", other=p["other"], title=p["title"])
    )


MESSAGES: dict[str, MessageRenderer] = {
    SUBMITTED: _submitted,
    STATE_CHANGED: _state_changed,
    COMMENTED: _commented,
    MERGED: _merged,
}
