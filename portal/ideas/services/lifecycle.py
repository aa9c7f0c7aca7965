"""The lifecycle of an idea: the transition table, state changes and merging duplicates.

The lifecycle lives in `TRANSITIONS` and nowhere else; every step goes through `check_transition`
before anything is written, and is recorded as an `IdeaEvent`.

Each step is owned by one actor (OWASP ASVS 5.0 V8.2: authorization): the author submits, a
moderator screens, accepts, declines and merges (never their own idea), and the later steps
belong to the modules that decide them. A person reaches those only through that module, which
calls `change_state(..., module=Actor.ROUNDS)` after checking its own rule; the idea page's state
endpoint passes no module, so nobody takes them there.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import joinedload

from portal.accounts.models import Role, User, UserRole
from portal.core.errors import Conflict, DomainError, Forbidden, InvalidTransition
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import (
    OPEN_STATES,
    Attachment,
    Comment,
    Idea,
    IdeaEvent,
    IdeaState,
    ParticipationKind,
    Support,
)
from portal.ideas.services import messages, participation
from portal.ideas.services.access import is_moderator
from portal.notifications.services import notify

S = IdeaState


class Actor(enum.Enum):
    """Who may make a transition: a person in a role, or the module that owns the step."""

    AUTHOR = "author"
    MODERATOR = "moderator"
    #: Prioritisation rounds: an accepted idea is scored.
    ROUNDS = "rounds"
    #: The board: a scored idea is decided.
    BOARD = "board"
    #: Projects: a decided idea becomes a project.
    PROJECTS = "projects"

    @property
    def is_module(self) -> bool:
        """Tell whether a module, not a person in a role, owns the steps of this actor."""
        return self not in (Actor.AUTHOR, Actor.MODERATOR)


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
    #: For a step a module owns: the person who must take it through that module (a moderator
    #: accepts an idea into a round in the rounds module), under the same rules as on the page.
    person: Actor | None = None
    #: The idea page asks for confirmation before it takes this step, which cannot be undone.
    irreversible: bool = False


TRANSITIONS: dict[tuple[IdeaState, IdeaState], Transition] = {
    (t.source, t.target): t
    for t in [
        Transition(S.DRAFT, S.SUBMITTED, Actor.AUTHOR, _l("Submit")),
        Transition(S.SUBMITTED, S.SCREENING, Actor.MODERATOR, _l("Start screening")),
        # Accepting names the round the idea joins, which the rounds module asks for.
        Transition(S.SCREENING, S.ACCEPTED, Actor.ROUNDS, person=Actor.MODERATOR),
        Transition(
            S.SUBMITTED,
            S.DECLINED,
            Actor.MODERATOR,
            _l("Decline"),
            needs_reason=True,
            irreversible=True,
        ),
        Transition(
            S.SCREENING,
            S.DECLINED,
            Actor.MODERATOR,
            _l("Decline"),
            needs_reason=True,
            irreversible=True,
        ),
        Transition(S.SUBMITTED, S.MERGED, Actor.MODERATOR),
        Transition(S.SCREENING, S.MERGED, Actor.MODERATOR),
        Transition(S.ACCEPTED, S.SCORED, Actor.ROUNDS),
        Transition(S.SCORED, S.DECIDED, Actor.BOARD),
        Transition(S.DECIDED, S.PROJECT, Actor.PROJECTS),
    ]
}


def text_names(names: tuple[str, ...]) -> str:
    """Name the texts of an idea called *names* (`IdeaData` fields) for a sentence:
    „Was ist das Problem?“ und „Was schlagen Sie vor?“."""
    labels = {"problem": _("What is the problem?"), "proposal": _("What do you propose?")}
    quoted = [_("“%(text)s”", text=labels[name]) for name in names]
    return format_list(quoted, locale=get_locale())


class IncompleteIdea(DomainError):
    """An idea lacks texts it needs to be submitted; `missing` names them (`IdeaData` fields)."""

    def __init__(self, missing: tuple[str, ...]) -> None:
        super().__init__(
            _(
                "A submitted idea needs these texts; please fill in: %(fields)s",
                fields=text_names(missing),
            )
        )
        self.missing = missing


def missing_texts(idea: Idea) -> tuple[str, ...]:
    """Name the texts *idea* still needs before it can be submitted."""
    return tuple(name for name in ("problem", "proposal") if not getattr(idea, name).strip())


def _may_act(transition: Transition, idea: Idea, user: User, module: Actor | None) -> bool:
    if transition.by.is_module:
        # Its module has checked its own rule (a round, a vote) before it calls.
        return module is transition.by and (
            transition.person is None or _person_may(transition.person, idea, user)
        )
    if module is not None:
        return False
    return _person_may(transition.by, idea, user)


def _person_may(actor: Actor, idea: Idea, user: User) -> bool:
    if actor is Actor.AUTHOR:
        return idea.author_id == user.id
    # Screening one's own idea is for another moderator.
    return is_moderator(user) and idea.author_id != user.id


def available_transitions(idea: Idea, user: User) -> list[Transition]:
    """Return the transitions the idea page offers *user* as buttons."""
    return [
        t
        for (source, _target), t in TRANSITIONS.items()
        if source is idea.state and t.action is not None and _may_act(t, idea, user, None)
    ]


def check_transition(
    idea: Idea,
    target: IdeaState,
    user: User,
    reason: str = "",
    *,
    merged_into: Idea | None = None,
    module: Actor | None = None,
) -> Transition:
    """Return the transition of *idea* to *target* if *user* (acting through *module*, if
    given) may make it now, else raise."""
    transition = TRANSITIONS.get((idea.state, target))
    if transition is None:
        raise InvalidTransition(
            _(
                "An idea that is “%(source)s” cannot become “%(target)s”.",
                source=idea.state.label,
                target=target.label,
            )
        )
    if not _may_act(transition, idea, user, module):
        if transition.by.is_module and module is not transition.by:
            raise Forbidden(_("This step is taken in its own part of the portal, not here."))
        if Actor.MODERATOR in (transition.by, transition.person) and idea.author_id == user.id:
            raise Forbidden(_("Another moderator must screen your own idea."))
        raise Forbidden(_("You may not make this change to the idea."))
    if transition.needs_reason and not reason.strip():
        raise DomainError(_("Please give a reason; the author will read it."))
    if (target is S.MERGED) != (merged_into is not None):
        raise InvalidTransition(_("Merging needs the idea to keep."))
    if target is S.SUBMITTED and (missing := missing_texts(idea)):
        raise IncompleteIdea(missing)
    return transition


def change_state(
    idea: Idea,
    target: IdeaState,
    user: User,
    reason: str = "",
    *,
    merged_into: Idea | None = None,
    module: Actor | None = None,
    at: datetime | None = None,
) -> IdeaEvent:
    """Move *idea* to *target* as *user* (at *at*, default now), record the step and notify
    who needs to know.

    The steps a module owns (`Actor.is_module`) need that *module*: the rounds module, say,
    scores an idea with `change_state(idea, IdeaState.SCORED, user, module=Actor.ROUNDS)`.
    """
    check_transition(idea, target, user, reason, merged_into=merged_into, module=module)
    return _record(idea, target, user, reason.strip(), merged_into, at or utcnow())


def _record(
    idea: Idea,
    target: IdeaState,
    user: User,
    reason: str,
    merged_into: Idea | None,
    at: datetime,
) -> IdeaEvent:
    source = idea.state
    idea.state = target
    if target is S.SUBMITTED:
        idea.submitted_at = at
        idea.author_org_unit_id = idea.author.org_unit_id
        participation.add(
            ParticipationKind.IDEA, at, idea.author_org_unit_id, idea.field_of_action_id
        )
    if target is S.DECLINED:
        idea.decline_reason = reason
    idea.merged_into = merged_into
    event = IdeaEvent(
        idea=idea, actor_id=user.id, from_state=source, to_state=target, reason=reason, at=at
    )
    db.session.add(event)
    db.session.flush()
    _notify_state_change(idea, target, user, at)
    return event


def _notify_state_change(idea: Idea, target: IdeaState, user: User, at: datetime) -> None:
    link = messages.idea_link(idea.id)
    if target is S.SUBMITTED:
        notify(
            [m for m in moderators() if m.id != user.id],
            messages.SUBMITTED,
            {"title": idea.title},
            link,
            at=at,
        )
    if idea.author_id != user.id:
        notify(
            [idea.author],
            messages.STATE_CHANGED,
            {"title": idea.title, "state": target.value},
            link,
            at=at,
        )


def moderators() -> list[User]:
    """Return the active moderators of the municipality."""
    return list(
        db.session.scalars(
            select(User).where(
                User.active.is_(True),
                User.id.in_(select(UserRole.user_id).where(UserRole.role == Role.MODERATOR)),
            )
        )
    )


def check_merge(duplicate: Idea, keep: Idea, user: User) -> None:
    """Raise unless *user* may merge *duplicate* into *keep* now."""
    if duplicate.id == keep.id:
        raise Conflict(_("An idea cannot be merged into itself."))
    if keep.state not in OPEN_STATES:
        raise InvalidTransition(
            _("The idea to keep must be open (not a draft, merged or declined).")
        )
    check_transition(duplicate, S.MERGED, user, merged_into=keep)
    if keep.author_id == user.id:
        # Supports moving onto one's own idea are for another moderator to decide.
        raise Forbidden(_("Another moderator must merge ideas into your own idea."))


def merge(
    duplicate: Idea, keep: Idea, user: User, reason: str = "", *, at: datetime | None = None
) -> None:
    """Merge *duplicate* into *keep*: supports, comments and attachments move, the duplicate
    points to it.

    A colleague who supported both keeps one support; the author of *keep* does not get a
    support on their own idea. Every rule is checked before anything moves.
    """
    check_merge(duplicate, keep, user)
    already = select(Support.user_id).where(Support.idea_id == keep.id)
    twice = (
        Support.idea_id == duplicate.id,
        or_(Support.user_id.in_(already), Support.user_id == keep.author_id),
    )
    participation.add_rows(ParticipationKind.SUPPORT, *twice, number=-1)
    db.session.execute(delete(Support).where(*twice))
    moving = {"source": duplicate.field_of_action_id, "target": keep.field_of_action_id}
    participation.move_field(ParticipationKind.SUPPORT, Support.idea_id == duplicate.id, **moving)
    participation.move_field(ParticipationKind.COMMENT, Comment.idea_id == duplicate.id, **moving)
    db.session.execute(
        update(Support).where(Support.idea_id == duplicate.id).values(idea_id=keep.id)
    )
    db.session.execute(
        update(Comment).where(Comment.idea_id == duplicate.id).values(idea_id=keep.id)
    )
    db.session.execute(
        update(Attachment).where(Attachment.idea_id == duplicate.id).values(idea_id=keep.id)
    )
    for idea in (keep, duplicate):
        idea.support_count = (
            select(func.count(Support.id)).where(Support.idea_id == idea.id).scalar_subquery()
        )
        idea.comment_count = (
            select(func.count(Comment.id))
            .where(Comment.idea_id == idea.id, Comment.deleted_at.is_(None))
            .scalar_subquery()
        )
    db.session.flush()
    at = at or utcnow()
    _record(duplicate, S.MERGED, user, reason.strip(), keep, at)
    if keep.author_id != user.id:
        notify(
            [keep.author],
            messages.MERGED,
            {"other": duplicate.title, "title": keep.title},
            messages.idea_link(keep.id),
            at=at,
        )


def merged_ideas(idea: Idea) -> list[Idea]:
    """Return the ideas merged into *idea*."""
    return list(
        db.session.scalars(select(Idea).where(Idea.merged_into_id == idea.id).order_by(Idea.id))
    )


def idea_events(idea: Idea) -> list[IdeaEvent]:
    """Return the history of *idea*, oldest first."""
    return list(
        db.session.scalars(
            select(IdeaEvent)
            .where(IdeaEvent.idea_id == idea.id)
            .options(joinedload(IdeaEvent.actor).lazyload(User.role_rows))
            .order_by(IdeaEvent.at, IdeaEvent.id)
        )
    )
