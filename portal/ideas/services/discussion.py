"""Supports and comments: how colleagues take part in an idea.

Authors may change the text of their comments (the comment then shows when it was edited) and
delete them. A deleted comment without replies goes for good; one with replies keeps its place
in the thread as "Comment deleted", without its text and author, so that the replies keep their
context; it goes as well once its last reply is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import delete, exists, select
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea, ParticipationKind, Support
from portal.ideas.services import messages, participation
from portal.ideas.services.access import may_delete_comment, may_discuss, may_edit_comment
from portal.ideas.services.lifecycle import moderators
from portal.notifications.services import notify


def supports(idea: Idea, user: User) -> bool:
    """Tell whether *user* supports *idea*."""
    return (
        db.session.scalar(
            select(Support.id).where(Support.idea_id == idea.id, Support.user_id == user.id)
        )
        is not None
    )


def support(idea: Idea, user: User, *, at: datetime | None = None) -> None:
    """Record *user*'s support of *idea* (once), given at *at* (default now)."""
    if not may_discuss(idea):
        raise InvalidTransition(_("This idea cannot be supported in its current state."))
    if idea.author_id == user.id:
        raise Conflict(_("You cannot support your own idea."))
    if supports(idea, user):
        raise Conflict(_("You already support this idea."))
    at = at or utcnow()
    db.session.add(
        Support(idea_id=idea.id, user_id=user.id, created_at=at, org_unit_id=user.org_unit_id)
    )
    idea.support_count = Idea.support_count + 1
    participation.add(ParticipationKind.SUPPORT, at, user.org_unit_id, idea.field_of_action_id)
    db.session.flush()


def withdraw_support(idea: Idea, user: User) -> None:
    """Withdraw *user*'s support of *idea*."""
    removed = db.session.execute(
        delete(Support)
        .where(Support.idea_id == idea.id, Support.user_id == user.id)
        .returning(Support.created_at, Support.org_unit_id)
    ).first()
    if removed is None:
        raise Conflict(_("You do not support this idea."))
    idea.support_count = Idea.support_count - 1
    participation.add(
        ParticipationKind.SUPPORT,
        removed.created_at,
        removed.org_unit_id,
        idea.field_of_action_id,
        -1,
    )
    db.session.flush()


def add_comment(
    idea: Idea,
    user: User,
    body: str,
    parent_id: int | None = None,
    *,
    at: datetime | None = None,
) -> Comment:
    """Add *user*'s comment (or reply to *parent_id*), written at *at* (default now), and notify
    the idea's author, the author of the comment replied to, and the moderators."""
    if not may_discuss(idea):
        raise InvalidTransition(_("This idea cannot be commented on in its current state."))
    body = body.strip()
    if not body:
        raise DomainError(_("The comment is empty."))
    parent = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        if parent is None or parent.idea_id != idea.id:
            raise NotFound(_("The comment you reply to does not exist."))
        # Replies stay one level deep, so a reply to a reply joins the same thread.
        if parent.parent_id is not None:
            parent = db.session.get(Comment, parent.parent_id)
    at = at or utcnow()
    comment = Comment(
        idea_id=idea.id,
        author=user,
        parent_id=parent.id if parent else None,
        body=body,
        created_at=at,
        updated_at=at,
        author_org_unit_id=user.org_unit_id,
    )
    db.session.add(comment)
    idea.comment_count = Idea.comment_count + 1
    participation.add(ParticipationKind.COMMENT, at, user.org_unit_id, idea.field_of_action_id)
    db.session.flush()
    recipients = [idea.author, *moderators()]
    if parent is not None and parent.author is not None:
        recipients.append(parent.author)
    notify(
        [r for r in recipients if r.id != user.id],
        messages.COMMENTED,
        {"name": user.name, "title": idea.title},
        messages.idea_link(idea.id, f"comment-{comment.id}"),
        at=at,
    )
    return comment


def get_comment(idea: Idea, comment_id: int) -> Comment:
    """Return comment *comment_id* of *idea* (already checked as visible)."""
    comment = db.session.get(Comment, comment_id)
    if comment is None or comment.idea_id != idea.id or comment.deleted_at is not None:
        raise NotFound(_("This comment does not exist."))
    return comment


def edit_comment(
    idea: Idea, comment: Comment, user: User, body: str, *, at: datetime | None = None
) -> None:
    """Replace the text of *user*'s own *comment* on *idea*, marking it as edited at *at*."""
    if not may_edit_comment(comment, idea, user):
        raise Forbidden(_("You may change only your own comments, while the idea is open."))
    body = body.strip()
    if not body:
        raise DomainError(_("The comment is empty."))
    if body != comment.body:
        comment.body = body
        comment.edited_at = at or utcnow()
    db.session.flush()


def delete_comment(idea: Idea, comment: Comment, user: User, *, at: datetime | None = None) -> None:
    """Delete *user*'s own *comment* on *idea* (see the module's description)."""
    if not may_delete_comment(comment, user):
        raise Forbidden(_("You may delete only your own comments."))
    has_replies = db.session.scalar(select(exists().where(Comment.parent_id == comment.id)))
    parent_id = comment.parent_id
    # The comment leaves the count of its author's unit; a placeholder counts for none.
    _count_comment(idea, comment, -1)
    if has_replies:
        comment.body = ""
        comment.author = None
        comment.author_org_unit_id = None
        comment.deleted_at = at or utcnow()
        _count_comment(idea, comment, 1)
    else:
        db.session.delete(comment)
    idea.comment_count = Idea.comment_count - 1
    db.session.flush()
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id)
        last_reply_gone = not db.session.scalar(
            select(exists().where(Comment.parent_id == parent_id))
        )
        if parent is not None and parent.deleted_at is not None and last_reply_gone:
            _count_comment(idea, parent, -1)
            db.session.delete(parent)
            db.session.flush()


def _count_comment(idea: Idea, comment: Comment, number: int) -> None:
    participation.add(
        ParticipationKind.COMMENT,
        comment.created_at,
        comment.author_org_unit_id,
        idea.field_of_action_id,
        number,
    )


@dataclass
class Thread:
    """A comment with its replies."""

    comment: Comment
    replies: list[Comment] = field(default_factory=list)


#: The idea page shows this many of the latest comment threads; a busy idea has thousands.
THREADS_SHOWN = 50


def comment_threads(idea: Idea, limit: int = THREADS_SHOWN) -> list[Thread]:
    """Return the latest *limit* comment threads of *idea* with their replies, oldest first."""
    # The threads show the authors' names only.
    author = joinedload(Comment.author).load_only(User.name, raiseload=True).raiseload("*")
    parents = db.session.scalars(
        select(Comment)
        .where(Comment.idea_id == idea.id, Comment.parent_id.is_(None))
        .options(author)
        .order_by(Comment.created_at.desc(), Comment.id.desc())
        .limit(limit)
    ).all()
    threads = {comment.id: Thread(comment) for comment in reversed(parents)}
    replies = db.session.scalars(
        select(Comment)
        .where(Comment.parent_id.in_(threads))
        .options(author)
        .order_by(Comment.created_at, Comment.id)
    )
    for reply in replies:
        threads[reply.parent_id].replies.append(reply)  # type: ignore[index]
    return list(threads.values())
