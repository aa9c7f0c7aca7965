"""The lists of the idea portal: what they select, how they sort, what they load, how they page."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import defer, joinedload, selectinload

from portal.accounts.models import OrgUnit, User
from portal.core.enums import LabelledEnum
from portal.core.pagination import Page, SeekPage, paginate, seek
from portal.extensions import db
from portal.ideas.models import (
    QUEUE_STATES,
    FieldOfAction,
    Idea,
    IdeaState,
    Tag,
    idea_org_unit,
    idea_tag,
)
from portal.ideas.services.search import fulltext_match, search_words


class Mine(LabelledEnum):
    """Which of their own ideas "My ideas" shows."""

    ALL = "all", _l("All")
    DRAFTS = "drafts", _l("Drafts")
    SUBMITTED = "submitted", _l("Submitted")


class Sort(LabelledEnum):
    """Orders of the idea list."""

    NEWEST = "newest", _l("Newest first")
    SUPPORTED = "supported", _l("Most supported")
    DISCUSSED = "discussed", _l("Most discussed")


#: The keys each order of the list descends by; the last one is unique, so that ties are broken
#: the same way on every page. `ix_idea_list_*` serve them.
SORT_KEYS = {
    Sort.NEWEST: (Idea.submitted_at, Idea.id),
    Sort.SUPPORTED: (Idea.support_count, Idea.submitted_at, Idea.id),
    Sort.DISCUSSED: (Idea.comment_count, Idea.submitted_at, Idea.id),
}

#: The idea list counts its matches up to this many and then says "more than".
LIST_COUNT_CAP = 1000


@dataclass(frozen=True)
class IdeaFilter:
    """What the idea list is narrowed to."""

    text: str = ""
    state: IdeaState | None = None
    field_of_action_id: int | None = None
    org_unit_id: int | None = None
    tag: str = ""
    sort: Sort = Sort.NEWEST


#: The Markdown texts of an idea, which only its own page shows.
_IDEA_TEXTS = (
    Idea.problem,
    Idea.proposal,
    Idea.benefit_citizens,
    Idea.benefit_staff,
    Idea.decline_reason,
)


def _list_query() -> Select[Idea]:
    return select(Idea).options(
        # A list shows a card per idea: none of its Markdown texts, of the author and the
        # field of action only the name. Reading any of the rest would raise, not query.
        *(defer(text, raiseload=True) for text in _IDEA_TEXTS),
        joinedload(Idea.author).load_only(User.name, raiseload=True).raiseload("*"),
        joinedload(Idea.field_of_action).load_only(FieldOfAction.name, raiseload=True),
        selectinload(Idea.tags),
        selectinload(Idea.org_units).load_only(OrgUnit.code, OrgUnit.name, raiseload=True),
    )


def list_ideas(
    criteria: IdeaFilter, per_page: int, *, after: str = "", before: str = ""
) -> SeekPage[Idea]:
    """Return the page of submitted ideas matching *criteria* after (or before) a cursor.

    The list is read by keyset, so a deep page costs what the first one does, and counted
    only up to a cap (see `portal.core.pagination.seek`).
    """
    query = _list_query().where(Idea.state != IdeaState.DRAFT)
    words = search_words(criteria.text, shortest=2)
    if words:
        query = query.where(fulltext_match(words).condition)
    if criteria.state is not None:
        query = query.where(Idea.state == criteria.state)
    if criteria.field_of_action_id is not None:
        query = query.where(Idea.field_of_action_id == criteria.field_of_action_id)
    if criteria.org_unit_id is not None:
        query = query.where(
            Idea.id.in_(
                select(idea_org_unit.c.idea_id).where(
                    idea_org_unit.c.org_unit_id == criteria.org_unit_id
                )
            )
        )
    if criteria.tag:
        # Looked up first, so that PostgreSQL plans for this very tag: a rare one is read from
        # the link table (a subquery made it walk all ideas in list order, 280 ms), a frequent
        # one along the list order.
        tag_id = db.session.scalar(select(Tag.id).where(Tag.name == criteria.tag))
        query = query.where(
            Idea.id.in_(select(idea_tag.c.idea_id).where(idea_tag.c.tag_id == tag_id))
        )
    return seek(
        query, SORT_KEYS[criteria.sort], per_page, after=after, before=before, cap=LIST_COUNT_CAP
    )


def my_ideas(user: User, page: int, per_page: int, show: Mine = Mine.ALL) -> Page[Idea]:
    """Return one page of *user*'s ideas (all, only drafts or only submitted ones), most
    recently changed first."""
    query = _list_query().where(Idea.author_id == user.id)
    if show is Mine.DRAFTS:
        query = query.where(Idea.state == IdeaState.DRAFT)
    elif show is Mine.SUBMITTED:
        query = query.where(Idea.state != IdeaState.DRAFT)
    return paginate(query.order_by(Idea.updated_at.desc(), Idea.id.desc()), page, per_page)


def screening_queue(page: int, per_page: int) -> Page[Idea]:
    """Return the ideas waiting for moderators, oldest first."""
    query = _list_query().where(Idea.state.in_(QUEUE_STATES))
    return paginate(query.order_by(Idea.submitted_at, Idea.id), page, per_page)


def queue_size() -> int:
    """Return how many ideas wait for screening."""
    return db.session.scalar(select(func.count(Idea.id)).where(Idea.state.in_(QUEUE_STATES))) or 0
