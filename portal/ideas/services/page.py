"""Everything the idea page shows, gathered by one service so that the view restates no rule."""

from __future__ import annotations

from dataclasses import dataclass

from portal.accounts.models import User
from portal.ideas.models import Attachment, Idea, IdeaEvent
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
    may_merge: bool
    #: The next steps the user may take, one button each.
    transitions: list[lifecycle.Transition]


def idea_page(idea: Idea, user: User) -> IdeaPage:
    """Return what the page of *idea* (already loaded for *user*) shows to *user*."""
    return IdeaPage(
        idea=idea,
        events=lifecycle.idea_events(idea),
        threads=discussion.comment_threads(idea),
        attachments=idea_attachments(idea),
        merged=lifecycle.merged_ideas(idea),
        supported=discussion.supports(idea, user),
        may_support=access.may_support(idea, user),
        may_discuss=access.may_discuss(idea),
        may_edit=access.may_edit(idea, user),
        may_delete=access.may_delete(idea, user),
        may_attach=access.may_attach(idea, user),
        may_merge=access.may_merge(idea, user),
        transitions=lifecycle.available_transitions(idea, user),
    )
