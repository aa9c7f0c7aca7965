"""What staff follow and hear of (the newsfeed), and what waits for them on the start page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.registry import Link, NewsItem, PanelItem
from portal.extensions import db
from portal.ideas.models import (
    HEADLINE_STATES,
    FieldSubscription,
    Idea,
    IdeaEvent,
    IdeaEventKind,
    IdeaState,
)
from portal.ideas.queries import queue_size
from portal.ideas.services import messages
from portal.ideas.services.fields import fields_of_action

S = IdeaState


def followed_field_ids(user: User) -> set[int]:
    """Return the fields of action *user* follows in the newsfeed."""
    return set(
        db.session.scalars(
            select(FieldSubscription.field_of_action_id).where(FieldSubscription.user_id == user.id)
        )
    )


def follow_fields(user: User, field_ids: Iterable[int]) -> None:
    """Make *user* follow exactly the fields of action *field_ids*."""
    wanted = {f.id for f in fields_of_action() if f.id in set(field_ids)}
    current = followed_field_ids(user)
    db.session.execute(
        delete(FieldSubscription).where(
            FieldSubscription.user_id == user.id,
            FieldSubscription.field_of_action_id.in_(current - wanted),
        )
    )
    db.session.add_all(
        FieldSubscription(user_id=user.id, field_of_action_id=field_id)
        for field_id in wanted - current
    )
    db.session.flush()


def news_events(user: User, limit: int) -> list[IdeaEvent]:
    """Return the latest lifecycle steps *user* cares about.

    That is: new ideas and changes in the fields they follow (all fields if they follow none),
    anything about their own ideas, and headline news (accepted, decided, projects) for all.
    """
    followed = followed_field_ids(user)
    cares = or_(
        Idea.author_id == user.id,
        IdeaEvent.to_state.in_(HEADLINE_STATES),
        Idea.field_of_action_id.in_(followed) if followed else IdeaEvent.to_state != S.DRAFT,
    )
    return list(
        db.session.scalars(
            select(IdeaEvent)
            .join(Idea, Idea.id == IdeaEvent.idea_id)
            .where(IdeaEvent.kind == IdeaEventKind.STATE, IdeaEvent.to_state != S.DRAFT, cares)
            .options(joinedload(IdeaEvent.idea))
            .order_by(IdeaEvent.at.desc(), IdeaEvent.id.desc())
            .limit(limit)
        )
    )


_NEWS_KINDS: dict[IdeaState | None, Any] = {
    S.SUBMITTED: _l("New idea"),
    S.MERGED: _l("Merged"),
}


def _news_text(event: IdeaEvent) -> str:
    if event.to_state is None or event.to_state is S.SUBMITTED:
        return event.idea.title
    return f"{event.idea.title}: {event.to_state.label}"


def idea_news(user: User, limit: int) -> list[NewsItem]:
    """Tell *user* what happened to the ideas they care about."""
    return [
        NewsItem(
            at=event.at,
            text=_news_text(event),
            link=messages.idea_link(event.idea_id),
            kind=str(_NEWS_KINDS.get(event.to_state, _l("State changed"))),
        )
        for event in news_events(user, limit)
    ]


def employee_start_items(user: User) -> list[PanelItem]:
    """List the employee's own drafts and ideas and invite a new one."""
    drafts, submitted = db.session.execute(
        select(
            func.count(Idea.id).filter(Idea.state == S.DRAFT),
            func.count(Idea.id).filter(Idea.state != S.DRAFT),
        ).where(Idea.author_id == user.id)
    ).one()
    return [
        PanelItem(_("Write a new idea"), Link("ideas.new")),
        PanelItem(_("My drafts"), Link("ideas.mine", {"show": "drafts"}), drafts),
        PanelItem(_("My submitted ideas"), Link("ideas.mine", {"show": "submitted"}), submitted),
        PanelItem(_("All ideas"), Link("ideas.index")),
    ]


def moderator_start_items(user: User) -> list[PanelItem]:
    """List the ideas waiting for screening."""
    return [
        PanelItem(_("Ideas waiting for screening"), Link("ideas.screening"), queue_size()),
        PanelItem(_("Fields of action"), Link("ideas.fields")),
    ]
