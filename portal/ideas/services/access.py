"""Who may see an idea and what they may do with it; the pages ask these, the services enforce
them."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User
from portal.core.errors import NotFound
from portal.extensions import db
from portal.ideas.models import OPEN_STATES, QUEUE_STATES, Comment, Idea, IdeaState

S = IdeaState


def visible_to(user: User) -> ColumnElement[bool]:
    """Select the ideas *user* may see: drafts are private to their author, the rest is open
    to all staff."""
    return or_(Idea.state != S.DRAFT, Idea.author_id == user.id)


def get_idea(idea_id: int, user: User) -> Idea:
    """Return idea *idea_id* if *user* may see it; otherwise raise NotFound (never Forbidden,
    so that the existence of somebody's draft does not leak)."""
    idea = (
        db.session.scalars(
            select(Idea)
            .where(Idea.id == idea_id, visible_to(user))
            .options(
                # The page shows the author's name; their roles are not needed.
                joinedload(Idea.author).lazyload(User.role_rows),
                joinedload(Idea.field_of_action),
                joinedload(Idea.merged_into),
                # An idea has a handful of org units and tags: they come in the same statement
                # instead of two more round trips.
                joinedload(Idea.org_units),
                joinedload(Idea.tags),
            )
        )
        .unique()
        .one_or_none()
    )
    if idea is None:
        raise NotFound(_("This idea does not exist or is not visible to you."))
    return idea


def is_moderator(user: User) -> bool:
    """Tell whether *user* screens ideas."""
    return user.has_role(Role.MODERATOR)


def may_edit(idea: Idea, user: User) -> bool:
    """Authors edit until screening starts; moderators edit while they screen."""
    if idea.author_id == user.id and idea.state in (S.DRAFT, S.SUBMITTED):
        return True
    return is_moderator(user) and idea.state in (S.SUBMITTED, S.SCREENING, S.ACCEPTED)


def may_delete(idea: Idea, user: User) -> bool:
    """Only the author deletes, and only a draft."""
    return idea.author_id == user.id and idea.state is S.DRAFT


def may_attach(idea: Idea, user: User) -> bool:
    """Authors and moderators attach files to ideas that are still being worked on."""
    return idea.state is not S.MERGED and (idea.author_id == user.id or is_moderator(user))


def may_remove_attachment(idea: Idea, user: User) -> bool:
    """Those who may attach files to *idea* may also remove them."""
    return may_attach(idea, user)


def may_discuss(idea: Idea) -> bool:
    """Tell whether colleagues may comment on *idea* in its state."""
    return idea.state in OPEN_STATES


def may_support(idea: Idea, user: User) -> bool:
    """Colleagues support open ideas, but nobody their own."""
    return may_discuss(idea) and idea.author_id != user.id


def may_merge(idea: Idea, user: User) -> bool:
    """Moderators merge a duplicate while they screen it, but not their own idea."""
    return is_moderator(user) and idea.state in QUEUE_STATES and idea.author_id != user.id


def may_set_author_public(idea: Idea | None, user: User) -> bool:
    """Only the author decides whether the public may see their name (a new idea is theirs)."""
    return idea is None or idea.author_id == user.id


def may_edit_comment(comment: Comment, idea: Idea, user: User) -> bool:
    """Authors change the text of their own comments while the idea is open for discussion."""
    return comment.author_id == user.id and comment.deleted_at is None and may_discuss(idea)


def may_delete_comment(comment: Comment, user: User) -> bool:
    """Authors delete their own comments, also once the idea is closed."""
    return comment.author_id == user.id and comment.deleted_at is None
