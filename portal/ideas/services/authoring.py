"""Writing ideas: drafts, submitting, editing, deleting a draft.

A draft needs a title only; problem and proposal are needed to submit it (and stay needed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import OrgUnit, User
from portal.core.errors import DomainError, Forbidden, NotFound
from portal.core.models import utcnow
from portal.core.transactions import on_commit
from portal.extensions import db
from portal.ideas.models import FieldOfAction, Idea, IdeaEvent, IdeaState, Tag
from portal.ideas.services import participation
from portal.ideas.services.access import may_delete, may_edit, may_set_author_public
from portal.ideas.services.attachments import idea_attachments, storage_path
from portal.ideas.services.lifecycle import IncompleteIdea, change_state

S = IdeaState


@dataclass(frozen=True)
class IdeaData:
    """What an author enters for an idea."""

    title: str
    problem: str = ""
    proposal: str = ""
    benefit_citizens: str = ""
    benefit_staff: str = ""
    field_of_action_id: int | None = None
    org_unit_ids: frozenset[int] = frozenset()
    tags: tuple[str, ...] = ()
    effort_days: int | None = None
    cost_euros: int | None = None
    #: None leaves it as it is; only the author may change it.
    author_public: bool | None = None

    def missing_texts(self) -> tuple[str, ...]:
        """Name the texts a submitted idea needs that this data leaves empty."""
        return tuple(name for name in ("problem", "proposal") if not getattr(self, name).strip())


def parse_tags(raw: str) -> tuple[str, ...]:
    """Split a comma-separated tag input into distinct lower-case tags."""
    seen: dict[str, None] = {}
    for part in raw.split(","):
        name = " ".join(part.split()).lower()[:60]
        if name:
            seen[name] = None
    return tuple(seen)


def _tags(names: Iterable[str]) -> list[Tag]:
    names = list(names)
    existing = {tag.name: tag for tag in db.session.scalars(select(Tag).where(Tag.name.in_(names)))}
    for name in names:
        if name not in existing:
            existing[name] = Tag(name=name)
            db.session.add(existing[name])
    return [existing[name] for name in names]


def _apply(idea: Idea, data: IdeaData) -> None:
    field_id = data.field_of_action_id
    if field_id is not None and db.session.get(FieldOfAction, field_id) is None:
        raise NotFound(_("This field of action does not exist."))
    units = list(db.session.scalars(select(OrgUnit).where(OrgUnit.id.in_(data.org_unit_ids))))
    if len(units) != len(data.org_unit_ids):
        raise NotFound(_("One of the org units does not exist."))
    if not " ".join(data.title.split()):
        raise DomainError(_("The title must not be empty."))
    idea.title = " ".join(data.title.split())
    idea.problem = data.problem.strip()
    idea.proposal = data.proposal.strip()
    idea.benefit_citizens = data.benefit_citizens.strip()
    idea.benefit_staff = data.benefit_staff.strip()
    if idea.state is not S.DRAFT:
        participation.move_idea(idea, idea.field_of_action_id, data.field_of_action_id)
    idea.field_of_action_id = data.field_of_action_id
    idea.org_units = units
    idea.tags = _tags(data.tags)
    idea.effort_days = data.effort_days
    idea.cost_euros = data.cost_euros
    if data.author_public is not None:
        idea.author_public = data.author_public


def _check_complete(data: IdeaData) -> None:
    if missing := data.missing_texts():
        raise IncompleteIdea(missing)


def create_idea(
    data: IdeaData, author: User, *, submit: bool = False, at: datetime | None = None
) -> Idea:
    """Create a draft by *author* (at *at*, default now), and submit it right away if *submit*."""
    if submit:
        _check_complete(data)
    at = at or utcnow()
    idea = Idea(author=author, state=S.DRAFT, author_public=False, created_at=at, updated_at=at)
    _apply(idea, data)
    db.session.add(idea)
    db.session.add(IdeaEvent(idea=idea, actor_id=author.id, to_state=S.DRAFT, at=at))
    db.session.flush()
    if submit:
        change_state(idea, S.SUBMITTED, author, at=at)
    return idea


def update_idea(idea: Idea, data: IdeaData, user: User, *, submit: bool = False) -> None:
    """Save *user*'s changes to *idea*, and submit the draft if *submit*."""
    if not may_edit(idea, user):
        raise Forbidden(_("You may not change this idea in its current state."))
    if (
        data.author_public is not None
        and data.author_public != idea.author_public
        and not may_set_author_public(idea, user)
    ):
        raise Forbidden(_("Only the author decides whether the public may see their name."))
    if submit or idea.state is not S.DRAFT:
        _check_complete(data)
    _apply(idea, data)
    db.session.flush()
    if submit and idea.state is S.DRAFT:
        change_state(idea, S.SUBMITTED, user)


def delete_draft(idea: Idea, user: User) -> None:
    """Delete *user*'s own draft; its files go once the deletion is committed."""
    if not may_delete(idea, user):
        raise Forbidden(_("Only the author can delete a draft."))
    for attachment in idea_attachments(idea):
        on_commit(partial(storage_path(attachment.storage_name).unlink, missing_ok=True))
    db.session.delete(idea)
    db.session.flush()
