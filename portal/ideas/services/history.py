"""An idea's history beyond its lifecycle: changes everybody may trace, such as files attached
and removed. Steps of the lifecycle are recorded by `lifecycle.change_state`."""

from __future__ import annotations

from datetime import datetime

from portal.accounts.models import User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea, IdeaEvent, IdeaEventKind


def record(
    idea: Idea, kind: IdeaEventKind, actor: User, detail: str, *, at: datetime | None = None
) -> IdeaEvent:
    """Record in *idea*'s history that *actor* made a change of *kind* concerning *detail*."""
    if kind is IdeaEventKind.STATE:
        raise ValueError("steps of the lifecycle are recorded by lifecycle.change_state")
    event = IdeaEvent(
        idea_id=idea.id, actor_id=actor.id, kind=kind, detail=detail[:200], at=at or utcnow()
    )
    db.session.add(event)
    return event
