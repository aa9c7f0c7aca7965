"""Rules of the idea portal: lifecycle, visibility, supports, comments, attachments, search.

The lifecycle lives in `TRANSITIONS` and nowhere else; `change_state` is the only function that
moves an idea and it records every step as an `IdeaEvent`.
"""

from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any

import filetype
from flask import current_app, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    Select,
    and_,
    column,
    delete,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    union,
    update,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR
from sqlalchemy.orm import defer, joinedload, selectinload

from portal.accounts.models import OrgUnit, Role, User, UserRole
from portal.accounts.services import current_municipality
from portal.core.errors import Conflict, DomainError, Forbidden, InvalidTransition, NotFound
from portal.core.models import utcnow
from portal.core.pagination import Page, SeekPage, paginate, seek
from portal.core.transactions import on_rollback
from portal.dashboards.services import NewsItem, PanelItem, contributes_news, contributes_to
from portal.extensions import db
from portal.ideas.models import (
    Attachment,
    Comment,
    FieldOfAction,
    FieldSubscription,
    Idea,
    IdeaEvent,
    IdeaState,
    Support,
    Tag,
    idea_org_unit,
    idea_tag,
)
from portal.notifications.services import notify

S = IdeaState


class Actor(enum.Enum):
    """Who may make a transition."""

    AUTHOR = "author"
    MODERATOR = "moderator"


@dataclass(frozen=True)
class Transition:
    """An allowed step of the lifecycle."""

    source: IdeaState
    target: IdeaState
    by: Actor
    #: The button that offers it on the idea page; None for steps taken elsewhere
    #: (merging has its own form; rounds, board and projects take the later steps).
    action: Any = None
    needs_reason: bool = False


TRANSITIONS: dict[tuple[IdeaState, IdeaState], Transition] = {
    (t.source, t.target): t
    for t in [
        Transition(S.DRAFT, S.SUBMITTED, Actor.AUTHOR, _l("Submit")),
        Transition(S.SUBMITTED, S.SCREENING, Actor.MODERATOR, _l("Start screening")),
        Transition(S.SCREENING, S.ACCEPTED, Actor.MODERATOR, _l("Accept for a round")),
        Transition(S.SUBMITTED, S.DECLINED, Actor.MODERATOR, _l("Decline"), needs_reason=True),
        Transition(S.SCREENING, S.DECLINED, Actor.MODERATOR, _l("Decline"), needs_reason=True),
        Transition(S.SUBMITTED, S.MERGED, Actor.MODERATOR),
        Transition(S.SCREENING, S.MERGED, Actor.MODERATOR),
        Transition(S.ACCEPTED, S.SCORED, Actor.MODERATOR),
        Transition(S.SCORED, S.DECIDED, Actor.MODERATOR),
        Transition(S.DECIDED, S.PROJECT, Actor.MODERATOR),
    ]
}

#: States in which colleagues may support and comment.
OPEN_STATES = frozenset({S.SUBMITTED, S.SCREENING, S.ACCEPTED, S.SCORED, S.DECIDED, S.PROJECT})
#: States the moderators' screening queue shows.
QUEUE_STATES = (S.SUBMITTED, S.SCREENING)
#: State changes everybody hears of in the newsfeed, whatever fields they follow.
HEADLINE_STATES = (S.ACCEPTED, S.DECIDED, S.PROJECT)


class UploadRefused(DomainError):
    """An uploaded file is too large or of a type that is not accepted."""

    status_code = 422


# --- loading and visibility -------------------------------------------------------------------


def _visible_to(user: User) -> ColumnElement[bool]:
    """Drafts are private to their author; everything else is open to all staff."""
    return or_(Idea.state != S.DRAFT, Idea.author_id == user.id)


def get_idea(idea_id: int, user: User) -> Idea:
    """Return idea *idea_id* if *user* may see it; otherwise raise NotFound (never Forbidden,
    so that the existence of somebody's draft does not leak)."""
    idea = (
        db.session.scalars(
            select(Idea)
            .where(
                Idea.id == idea_id,
                Idea.municipality_id == current_municipality().id,
                _visible_to(user),
            )
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


def may_attach(idea: Idea, user: User) -> bool:
    """Authors and moderators attach files to ideas that are still being worked on."""
    return idea.state is not S.MERGED and (idea.author_id == user.id or is_moderator(user))


# --- lifecycle --------------------------------------------------------------------------------


def _may_act(transition: Transition, idea: Idea, user: User) -> bool:
    if transition.by is Actor.AUTHOR:
        return idea.author_id == user.id
    return is_moderator(user)


def available_transitions(idea: Idea, user: User) -> list[Transition]:
    """Return the transitions the idea page offers *user* as buttons."""
    return [
        t
        for (source, _target), t in TRANSITIONS.items()
        if source is idea.state and t.action is not None and _may_act(t, idea, user)
    ]


def change_state(
    idea: Idea,
    target: IdeaState,
    user: User,
    reason: str = "",
    *,
    merged_into: Idea | None = None,
) -> IdeaEvent:
    """Move *idea* to *target* as *user*, record the step and notify who needs to know."""
    transition = TRANSITIONS.get((idea.state, target))
    if transition is None:
        raise InvalidTransition(
            _(
                "An idea that is “%(source)s” cannot become “%(target)s”.",
                source=idea.state.label,
                target=target.label,
            )
        )
    if not _may_act(transition, idea, user):
        raise Forbidden(_("You may not make this change to the idea."))
    reason = reason.strip()
    if transition.needs_reason and not reason:
        raise DomainError(_("Please give a reason; the author will read it."))
    if (target is S.MERGED) != (merged_into is not None):
        raise InvalidTransition(_("Merging needs the idea to keep."))
    source = idea.state
    idea.state = target
    if target is S.SUBMITTED:
        idea.submitted_at = utcnow()
    if target is S.DECLINED:
        idea.decline_reason = reason
    idea.merged_into = merged_into
    event = IdeaEvent(
        municipality_id=idea.municipality_id,
        idea=idea,
        actor_id=user.id,
        from_state=source,
        to_state=target,
        reason=reason,
    )
    db.session.add(event)
    db.session.flush()
    _notify_state_change(idea, target, user)
    return event


def _notify_state_change(idea: Idea, target: IdeaState, user: User) -> None:
    url = url_for("ideas.detail", idea_id=idea.id)
    title = idea.title
    if target is S.SUBMITTED:
        notify(
            [m for m in moderators() if m.id != user.id],
            "idea.submitted",
            lambda: _("New idea waiting for screening: %(title)s", title=title),
            url,
        )
    if idea.author_id != user.id:
        label = target.label
        notify(
            [idea.author],
            "idea.state",
            lambda: _("Your idea “%(title)s” is now: %(state)s", title=title, state=label),
            url,
        )


def moderators() -> list[User]:
    """Return the active moderators of the municipality."""
    return list(
        db.session.scalars(
            select(User).where(
                User.municipality_id == current_municipality().id,
                User.active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.MODERATOR)),
            )
        )
    )


# --- writing ideas ----------------------------------------------------------------------------


@dataclass(frozen=True)
class IdeaData:
    """What an author enters for an idea."""

    title: str
    problem: str
    proposal: str
    benefit_citizens: str = ""
    benefit_staff: str = ""
    field_of_action_id: int | None = None
    org_unit_ids: frozenset[int] = frozenset()
    tags: tuple[str, ...] = ()
    effort_days: int | None = None
    cost_euros: int | None = None
    author_public: bool = False


def parse_tags(raw: str) -> tuple[str, ...]:
    """Split a comma-separated tag input into distinct lower-case tags."""
    seen: dict[str, None] = {}
    for part in raw.split(","):
        name = " ".join(part.split()).lower()[:60]
        if name:
            seen[name] = None
    return tuple(seen)


def _tags(names: Iterable[str]) -> list[Tag]:
    municipality_id = current_municipality().id
    names = list(names)
    existing = {
        tag.name: tag
        for tag in db.session.scalars(
            select(Tag).where(Tag.municipality_id == municipality_id, Tag.name.in_(names))
        )
    }
    for name in names:
        if name not in existing:
            existing[name] = Tag(municipality_id=municipality_id, name=name)
            db.session.add(existing[name])
    return [existing[name] for name in names]


def _apply(idea: Idea, data: IdeaData) -> None:
    municipality_id = current_municipality().id
    if data.field_of_action_id is not None:
        field_of_action = db.session.get(FieldOfAction, data.field_of_action_id)
        if field_of_action is None or field_of_action.municipality_id != municipality_id:
            raise NotFound(_("This field of action does not exist."))
    units = list(
        db.session.scalars(
            select(OrgUnit).where(
                OrgUnit.municipality_id == municipality_id, OrgUnit.id.in_(data.org_unit_ids)
            )
        )
    )
    if len(units) != len(data.org_unit_ids):
        raise NotFound(_("One of the org units does not exist."))
    idea.title = " ".join(data.title.split())
    idea.problem = data.problem.strip()
    idea.proposal = data.proposal.strip()
    idea.benefit_citizens = data.benefit_citizens.strip()
    idea.benefit_staff = data.benefit_staff.strip()
    idea.field_of_action_id = data.field_of_action_id
    idea.org_units = units
    idea.tags = _tags(data.tags)
    idea.effort_days = data.effort_days
    idea.cost_euros = data.cost_euros
    idea.author_public = data.author_public
    if not idea.title or not idea.problem or not idea.proposal:
        raise DomainError(_("Title, problem and proposal must not be empty."))


def create_idea(data: IdeaData, author: User, *, submit: bool = False) -> Idea:
    """Create a draft by *author*, and submit it right away if *submit*."""
    idea = Idea(municipality_id=current_municipality().id, author=author, state=S.DRAFT)
    _apply(idea, data)
    db.session.add(idea)
    db.session.add(
        IdeaEvent(
            municipality_id=idea.municipality_id, idea=idea, actor_id=author.id, to_state=S.DRAFT
        )
    )
    db.session.flush()
    if submit:
        change_state(idea, S.SUBMITTED, author)
    return idea


def update_idea(idea: Idea, data: IdeaData, user: User, *, submit: bool = False) -> None:
    """Save *user*'s changes to *idea*, and submit the draft if *submit*."""
    if not may_edit(idea, user):
        raise Forbidden(_("You may not change this idea in its current state."))
    _apply(idea, data)
    db.session.flush()
    if submit and idea.state is S.DRAFT:
        change_state(idea, S.SUBMITTED, user)


def delete_draft(idea: Idea, user: User) -> None:
    """Delete *user*'s own draft."""
    if idea.author_id != user.id or idea.state is not S.DRAFT:
        raise Forbidden(_("Only the author can delete a draft."))
    for attachment in idea_attachments(idea):
        _storage_path(attachment.storage_name).unlink(missing_ok=True)
    db.session.delete(idea)
    db.session.flush()


# --- supports ---------------------------------------------------------------------------------


def supports(idea: Idea, user: User) -> bool:
    """Tell whether *user* supports *idea*."""
    return (
        db.session.scalar(
            select(Support.id).where(Support.idea_id == idea.id, Support.user_id == user.id)
        )
        is not None
    )


def support(idea: Idea, user: User) -> None:
    """Record *user*'s support of *idea* (once)."""
    if idea.state not in OPEN_STATES:
        raise InvalidTransition(_("This idea cannot be supported in its current state."))
    if idea.author_id == user.id:
        raise Conflict(_("You cannot support your own idea."))
    if supports(idea, user):
        raise Conflict(_("You already support this idea."))
    db.session.add(Support(municipality_id=idea.municipality_id, idea_id=idea.id, user_id=user.id))
    idea.support_count = Idea.support_count + 1
    db.session.flush()


def withdraw_support(idea: Idea, user: User) -> None:
    """Withdraw *user*'s support of *idea*."""
    removed = db.session.execute(
        delete(Support).where(Support.idea_id == idea.id, Support.user_id == user.id)
    ).rowcount
    if not removed:
        raise Conflict(_("You do not support this idea."))
    idea.support_count = Idea.support_count - 1
    db.session.flush()


# --- comments ---------------------------------------------------------------------------------


def add_comment(idea: Idea, user: User, body: str, parent_id: int | None = None) -> Comment:
    """Add *user*'s comment (or reply to *parent_id*) and notify the idea's author,
    the author of the comment replied to, and the moderators."""
    if idea.state not in OPEN_STATES:
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
    comment = Comment(
        municipality_id=idea.municipality_id,
        idea_id=idea.id,
        author=user,
        parent_id=parent.id if parent else None,
        body=body,
    )
    db.session.add(comment)
    idea.comment_count = Idea.comment_count + 1
    db.session.flush()
    url = url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{comment.id}")
    title, name = idea.title, user.name
    recipients = [idea.author, *moderators()]
    if parent is not None:
        recipients.append(parent.author)
    notify(
        [r for r in recipients if r.id != user.id],
        "idea.comment",
        lambda: _("%(name)s commented on “%(title)s”", name=name, title=title),
        url,
    )
    return comment


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


# --- attachments ------------------------------------------------------------------------------

#: What may be attached, by the type detected from the content: MIME type → extension.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}


def _storage_path(storage_name: str) -> Path:
    return Path(current_app.config["UPLOAD_PATH"]) / storage_name


def _clean_stem(filename: str) -> str:
    stem = Path(filename.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._")
    return stem[:100] or "attachment"


def add_attachment(idea: Idea, user: User, stream: IO[bytes], filename: str) -> Attachment:
    """Store an uploaded file for *idea* after checking its size and its type by content."""
    if not may_attach(idea, user):
        raise Forbidden(_("You may not attach files to this idea."))
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    content = stream.read(limit + 1)
    if not content:
        raise UploadRefused(_("The file is empty."))
    if len(content) > limit:
        raise UploadRefused(
            _(
                "The file is too large; at most %(size)s MB are allowed.",
                size=format_decimal(limit / 1_000_000, format="#,##0.#"),
            )
        )
    kind = filetype.guess(content)
    extension = ALLOWED_TYPES.get(kind.mime) if kind else None
    if kind is None or extension is None:
        raise UploadRefused(
            _("This type of file is not accepted. Please attach PDF, Office documents or images.")
        )
    storage_name = secrets.token_hex(16)
    path = _storage_path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    on_rollback(partial(path.unlink, missing_ok=True))
    attachment = Attachment(
        municipality_id=idea.municipality_id,
        idea_id=idea.id,
        uploaded_by_id=user.id,
        filename=f"{_clean_stem(filename)}.{extension}",
        storage_name=storage_name,
        content_type=kind.mime,
        size=len(content),
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def idea_attachments(idea: Idea) -> list[Attachment]:
    """Return the files attached to *idea*, oldest first."""
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.idea_id == idea.id).order_by(Attachment.id)
        )
    )


def get_attachment(idea: Idea, attachment_id: int) -> tuple[Attachment, Path]:
    """Return an attachment of *idea* (already checked as visible) and where its file is."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.idea_id != idea.id:
        raise NotFound(_("This attachment does not exist."))
    path = _storage_path(attachment.storage_name)
    if not path.is_file():
        raise NotFound(_("The file of this attachment is missing."))
    return attachment, path


# --- moderation -------------------------------------------------------------------------------


def merge(duplicate: Idea, keep: Idea, user: User, reason: str = "") -> None:
    """Merge *duplicate* into *keep*: supports and comments move, the duplicate points to it.

    A colleague who supported both keeps one support; the author of *keep* does not get a
    support on their own idea.
    """
    if duplicate.id == keep.id:
        raise Conflict(_("An idea cannot be merged into itself."))
    if keep.state not in OPEN_STATES:
        raise InvalidTransition(
            _("The idea to keep must be open (not a draft, merged or declined).")
        )
    already = select(Support.user_id).where(Support.idea_id == keep.id)
    db.session.execute(
        delete(Support).where(
            Support.idea_id == duplicate.id,
            or_(Support.user_id.in_(already), Support.user_id == keep.author_id),
        )
    )
    db.session.execute(
        update(Support).where(Support.idea_id == duplicate.id).values(idea_id=keep.id)
    )
    db.session.execute(
        update(Comment).where(Comment.idea_id == duplicate.id).values(idea_id=keep.id)
    )
    for idea in (keep, duplicate):
        idea.support_count = (
            select(func.count(Support.id)).where(Support.idea_id == idea.id).scalar_subquery()
        )
        idea.comment_count = (
            select(func.count(Comment.id)).where(Comment.idea_id == idea.id).scalar_subquery()
        )
    db.session.flush()
    change_state(duplicate, S.MERGED, user, reason, merged_into=keep)
    if keep.author_id != user.id:
        title, other = keep.title, duplicate.title
        notify(
            [keep.author],
            "idea.merged",
            lambda: _(
                "“%(other)s” was merged into your idea “%(title)s”", other=other, title=title
            ),
            url_for("ideas.detail", idea_id=keep.id),
        )


def merged_ideas(idea: Idea) -> list[Idea]:
    """Return the ideas merged into *idea*."""
    return list(
        db.session.scalars(select(Idea).where(Idea.merged_into_id == idea.id).order_by(Idea.id))
    )


def idea_events(idea: Idea) -> list[IdeaEvent]:
    """Return the lifecycle of *idea*, oldest first."""
    return list(
        db.session.scalars(
            select(IdeaEvent)
            .where(IdeaEvent.idea_id == idea.id)
            .options(joinedload(IdeaEvent.actor).lazyload(User.role_rows))
            .order_by(IdeaEvent.at, IdeaEvent.id)
        )
    )


# --- search -----------------------------------------------------------------------------------

_WORD = re.compile(r"\w+")

#: The similar-idea hint ranks at most this many of the newest ideas sharing any word with the
#: title, and as many of the newest containing all of its words (see `similar_ideas`).
SIMILAR_CANDIDATES = 500


def _search_words(text_: str, shortest: int) -> list[str]:
    return [w.lower() for w in _WORD.findall(text_) if len(w) >= shortest][:10]


@dataclass(frozen=True)
class FulltextMatch:
    """How a query of `Idea` finds ideas matching some words, and how well each matches."""

    #: Narrows a query of `Idea` to the matching ideas.
    condition: ColumnElement[bool]
    #: Higher is better; valid only in a query narrowed by `condition`.
    rank: ColumnElement[float]


def fulltext_match(words: list[str], *, any_word: bool = False) -> FulltextMatch:
    """Return how to find the ideas whose title, problem or proposal contain *words*.

    Words match as prefixes; *any_word* finds ideas with at least one of the words (for
    similar-idea hints), otherwise all words must occur. PostgreSQL tests the generated
    `search_vector` column (German stems and plain words, the title weighted higher) on the
    idea row itself, so that a list sorted by an index can stop after one page of matches;
    SQLite joins the FTS5 table `idea_fts`.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        terms = (" | " if any_word else " & ").join(f"{w}:*" for w in words)
        vector = literal_column(f"{Idea.__tablename__}.search_vector", TSVECTOR)
        query = func.to_tsquery(literal("german", REGCONFIG), terms).op("||")(
            func.to_tsquery(literal("simple", REGCONFIG), terms)
        )
        return FulltextMatch(
            condition=vector.bool_op("@@")(query), rank=func.ts_rank(vector, query, type_=Float)
        )
    # Each word is quoted, so FTS5 operators typed by a user are only words.
    terms = (" OR " if any_word else " AND ").join(f'"{w}"*' for w in words)
    fts = table("idea_fts", column("rowid", Integer), column("idea_fts"))
    return FulltextMatch(
        condition=and_(fts.c.rowid == Idea.id, fts.c.idea_fts.op("MATCH")(terms)),
        rank=-func.bm25(fts.c.idea_fts, 3.0, 1.0, 1.0, type_=Float),
    )


def similar_ideas(title: str, exclude_id: int | None = None, limit: int = 5) -> list[Idea]:
    """Return open ideas whose texts share words with *title*, best match first.

    A frequent word ("Online", "Bürgeramt") is shared by thousands of ideas, and ranking them
    all on every keystroke is what made the hint slow. Only candidates are ranked: the newest
    ideas that share any word with the title, and the newest that contain all of its words
    (likely duplicates, even old ones). Each kind is read newest first and stops after
    `SIMILAR_CANDIDATES`.
    """
    # Hints match any word, so short words ("im", "für") would match nearly every idea.
    words = _search_words(title, shortest=4)
    if not words:
        return []
    any_word = fulltext_match(words, any_word=True)
    visible = select(Idea.id).where(
        Idea.municipality_id == current_municipality().id, Idea.state != S.DRAFT
    )
    if exclude_id is not None:
        visible = visible.where(Idea.id != exclude_id)
    newest = [
        visible.where(match.condition).order_by(Idea.id.desc()).limit(SIMILAR_CANDIDATES).subquery()
        for match in (any_word, fulltext_match(words))
    ]
    # SQLite allows LIMIT in a compound SELECT only inside subqueries.
    candidates = union(*(select(part.c.id) for part in newest)).subquery("candidates")
    return list(
        db.session.scalars(
            select(Idea)
            .join(candidates, candidates.c.id == Idea.id)
            .where(any_word.condition)
            .order_by(any_word.rank.desc(), Idea.id.desc())
            .limit(limit)
        )
    )


# --- lists ------------------------------------------------------------------------------------


class Sort(enum.Enum):
    """Orders of the idea list."""

    NEWEST = "newest"
    SUPPORTED = "supported"
    DISCUSSED = "discussed"

    @property
    def label(self) -> str:
        return str(SORT_LABELS[self])


SORT_LABELS = {
    Sort.NEWEST: _l("Newest first"),
    Sort.SUPPORTED: _l("Most supported"),
    Sort.DISCUSSED: _l("Most discussed"),
}

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


def _list_query() -> Select[tuple[Idea]]:
    return (
        select(Idea)
        .where(Idea.municipality_id == current_municipality().id)
        .options(
            # A list shows a card per idea: none of its Markdown texts, of the author and the
            # field of action only the name. Reading any of the rest would raise, not query.
            *(defer(text, raiseload=True) for text in _IDEA_TEXTS),
            joinedload(Idea.author).load_only(User.name, raiseload=True).raiseload("*"),
            joinedload(Idea.field_of_action).load_only(FieldOfAction.name, raiseload=True),
            selectinload(Idea.tags),
        )
    )


def list_ideas(
    criteria: IdeaFilter, per_page: int, *, after: str = "", before: str = ""
) -> SeekPage[Idea]:
    """Return the page of submitted ideas matching *criteria* after (or before) a cursor.

    The list is read by keyset, so a deep page costs what the first one does, and counted
    only up to a cap (see `portal.core.pagination.seek`).
    """
    query = _list_query().where(Idea.state != S.DRAFT)
    words = _search_words(criteria.text, shortest=2)
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
        tag_id = db.session.scalar(
            select(Tag.id).where(
                Tag.municipality_id == current_municipality().id, Tag.name == criteria.tag
            )
        )
        query = query.where(
            Idea.id.in_(select(idea_tag.c.idea_id).where(idea_tag.c.tag_id == tag_id))
        )
    return seek(
        query, SORT_KEYS[criteria.sort], per_page, after=after, before=before, cap=LIST_COUNT_CAP
    )


def my_ideas(user: User, page: int, per_page: int) -> Page[Idea]:
    """Return one page of *user*'s ideas, drafts included, most recently changed first."""
    query = _list_query().where(Idea.author_id == user.id)
    return paginate(query.order_by(Idea.updated_at.desc(), Idea.id.desc()), page, per_page)


def screening_queue(page: int, per_page: int) -> Page[Idea]:
    """Return the ideas waiting for moderators, oldest first."""
    query = _list_query().where(Idea.state.in_(QUEUE_STATES))
    return paginate(query.order_by(Idea.submitted_at, Idea.id), page, per_page)


def queue_size() -> int:
    """Return how many ideas wait for screening."""
    return (
        db.session.scalar(
            select(func.count(Idea.id)).where(
                Idea.municipality_id == current_municipality().id, Idea.state.in_(QUEUE_STATES)
            )
        )
        or 0
    )


# --- fields of action -------------------------------------------------------------------------


def fields_of_action(*, only_active: bool = False) -> list[FieldOfAction]:
    """Return the municipality's fields of action by name."""
    query = select(FieldOfAction).where(FieldOfAction.municipality_id == current_municipality().id)
    if only_active:
        query = query.where(FieldOfAction.active.is_(True))
    return list(db.session.scalars(query.order_by(FieldOfAction.name)))


def get_field_of_action(field_id: int) -> FieldOfAction:
    """Return field of action *field_id* of the current municipality."""
    found = db.session.get(FieldOfAction, field_id)
    if found is None or found.municipality_id != current_municipality().id:
        raise NotFound(_("This field of action does not exist."))
    return found


def save_field_of_action(
    found: FieldOfAction | None, name: str, description: str, active: bool
) -> FieldOfAction:
    """Create a field of action (*found* is None) or change it; names are unique."""
    municipality_id = current_municipality().id
    name = " ".join(name.split())
    clash = select(FieldOfAction.id).where(
        FieldOfAction.municipality_id == municipality_id, FieldOfAction.name == name
    )
    if found is not None:
        clash = clash.where(FieldOfAction.id != found.id)
    if db.session.scalar(clash) is not None:
        raise Conflict(_("A field of action named %(name)s already exists.", name=name))
    if found is None:
        found = FieldOfAction(municipality_id=municipality_id)
        db.session.add(found)
    found.name = name
    found.description = description.strip()
    found.active = active
    db.session.flush()
    return found


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
        FieldSubscription(
            municipality_id=user.municipality_id, user_id=user.id, field_of_action_id=field_id
        )
        for field_id in wanted - current
    )
    db.session.flush()


# --- newsfeed ---------------------------------------------------------------------------------


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
            .where(
                IdeaEvent.municipality_id == current_municipality().id,
                IdeaEvent.to_state != S.DRAFT,
                cares,
            )
            .options(joinedload(IdeaEvent.idea))
            .order_by(IdeaEvent.at.desc(), IdeaEvent.id.desc())
            .limit(limit)
        )
    )


_NEWS_KINDS = {
    S.SUBMITTED: _l("New idea"),
    S.MERGED: _l("Merged"),
}


@contributes_news
def idea_news(user: User, limit: int) -> list[NewsItem]:
    """Tell *user* what happened to the ideas they care about."""
    return [
        NewsItem(
            at=event.at,
            text=event.idea.title
            if event.to_state is S.SUBMITTED
            else f"{event.idea.title}: {event.to_state.label}",
            url=url_for("ideas.detail", idea_id=event.idea_id),
            kind=str(_NEWS_KINDS.get(event.to_state, _l("State changed"))),
        )
        for event in news_events(user, limit)
    ]


@contributes_to(Role.EMPLOYEE)
def employee_start_items(user: User) -> list[PanelItem]:
    """List the employee's own drafts and ideas and invite a new one."""
    drafts, submitted = db.session.execute(
        select(
            func.count(Idea.id).filter(Idea.state == S.DRAFT),
            func.count(Idea.id).filter(Idea.state != S.DRAFT),
        ).where(Idea.author_id == user.id)
    ).one()
    return [
        PanelItem(_("Write a new idea"), url_for("ideas.new")),
        PanelItem(_("My drafts"), url_for("ideas.mine"), drafts),
        PanelItem(_("My submitted ideas"), url_for("ideas.mine"), submitted),
        PanelItem(_("All ideas"), url_for("ideas.index")),
    ]


@contributes_to(Role.MODERATOR)
def moderator_start_items(user: User) -> list[PanelItem]:
    """List the ideas waiting for screening."""
    return [
        PanelItem(_("Ideas waiting for screening"), url_for("ideas.screening"), queue_size()),
        PanelItem(_("Fields of action"), url_for("ideas.fields")),
    ]
