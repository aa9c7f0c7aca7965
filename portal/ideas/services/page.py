"""Everything the idea page shows, gathered by one service so that the view restates no rule."""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.models import User
from portal.core.registry import Section, page_sections
from portal.ideas.models import Attachment, Idea, IdeaEvent, IdeaState
from portal.ideas.services import access, discussion, lifecycle
from portal.ideas.services.attachments import idea_attachments


@dataclass(frozen=True)
class IdeaPage:
    """An idea as one user sees it: its history, discussion, files and what they may do."""

    idea: Idea
    events: list[IdeaEvent]
    threads: list[discussion.Thread]
    attachments: list[Attachment]
    #: Ideas merged into this one.
    merged: list[Idea]
    supported: bool
    may_support: bool
    may_discuss: bool
    may_edit: bool
    may_delete: bool
    may_attach: bool
    #: Whether the user may remove attached files.
    may_remove_attachments: bool
    may_merge: bool
    #: The next steps the user may take, one button each.
    transitions: list[lifecycle.Transition]
    #: The comments whose text the user may change, and those they may delete.
    editable_comments: frozenset[int]
    deletable_comments: frozenset[int]
    #: The texts a draft still needs before it can be submitted, named for a sentence.
    missing_texts: str
    #: What other modules add to the page, by place: "facts" (items of the facts list) and
    #: "moderation" (above the next steps).
    sections: dict[str, list[Section]]


def idea_page(idea: Idea, user: User) -> IdeaPage:
    """Return what the page of *idea* (already loaded for *user*) shows to *user*."""
    threads = discussion.comment_threads(idea)
    comments = [c for thread in threads for c in (thread.comment, *thread.replies)]
    return IdeaPage(
        idea=idea,
        events=lifecycle.idea_events(idea),
        threads=threads,
        attachments=idea_attachments(idea),
        merged=lifecycle.merged_ideas(idea),
        supported=discussion.supports(idea, user),
        may_support=access.may_support(idea, user),
        may_discuss=access.may_discuss(idea),
        may_edit=access.may_edit(idea, user),
        may_delete=access.may_delete(idea, user),
        may_attach=access.may_attach(idea, user),
        may_remove_attachments=access.may_remove_attachment(idea, user),
        may_merge=access.may_merge(idea, user),
        transitions=lifecycle.available_transitions(idea, user),
        editable_comments=frozenset(
            c.id for c in comments if access.may_edit_comment(c, idea, user)
        ),
        deletable_comments=frozenset(c.id for c in comments if access.may_delete_comment(c, user)),
        missing_texts=lifecycle.text_names(lifecycle.missing_texts(idea))
        if idea.state is IdeaState.DRAFT
        else "",
        sections=page_sections("idea", idea, user),
    )
