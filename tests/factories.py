"""Factories for test data: each call adds a valid object to the session and flushes it."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import select

from portal.accounts.models import Municipality, OrgUnit, OrgUnitKind, Role, User
from portal.accounts.services import hash_password
from portal.extensions import db
from portal.ideas.models import FieldOfAction, Idea, IdeaState

PASSWORD = "correct horse battery staple"
_sequence = itertools.count(1)


def municipality() -> Municipality:
    """Return the default municipality (created by the first migration)."""
    found = db.session.scalar(select(Municipality).where(Municipality.slug == "default"))
    assert found is not None
    return found


def org_unit(
    *,
    code: str | None = None,
    name: str = "Hauptamt",
    kind: OrgUnitKind = OrgUnitKind.AMT,
    parent: OrgUnit | None = None,
) -> OrgUnit:
    """Create an org unit."""
    number = next(_sequence)
    unit = OrgUnit(
        code=code or f"Amt {number}",
        name=name,
        kind=kind,
        parent=parent,
    )
    db.session.add(unit)
    db.session.flush()
    return unit


def user(
    *,
    roles: set[Role] | None = None,
    email: str | None = None,
    name: str | None = None,
    password: str = PASSWORD,
    org_unit: OrgUnit | None = None,
    active: bool = True,
    locale: str = "de",
    must_change_password: bool = False,
) -> User:
    """Create a user with *roles* (default: employee) and the password `PASSWORD`."""
    number = next(_sequence)
    created = User(
        email=email or f"person{number}@musterstadt.example",
        name=name or f"Person {number}",
        password_hash=hash_password(password),
        org_unit=org_unit,
        active=active,
        locale=locale,
        must_change_password=must_change_password,
    )
    created.set_roles(roles or {Role.EMPLOYEE})
    db.session.add(created)
    db.session.flush()
    return created


def idea(
    *,
    author: User | None = None,
    title: str = "Online-Terminvergabe im Bürgeramt",
    problem: str = "Termine gibt es nur telefonisch.",
    proposal: str = "Termine online buchen.",
    submit: bool = True,
    field_of_action_id: int | None = None,
    tags: tuple[str, ...] = (),
) -> Idea:
    """Create an idea by *author* (default: a new employee), submitted unless *submit* is False."""
    from portal.ideas.services.authoring import IdeaData, create_idea

    return create_idea(
        IdeaData(
            title=title,
            problem=problem,
            proposal=proposal,
            field_of_action_id=field_of_action_id,
            tags=tags,
        ),
        author or user(),
        submit=submit,
    )


def field_of_action(name: str | None = None) -> FieldOfAction:
    """Create a field of action."""
    created = FieldOfAction(name=name or f"Handlungsfeld {next(_sequence)}")
    db.session.add(created)
    db.session.flush()
    return created


def prioritisation_round(*, moderator: User | None = None, name: str = "Priorisierung 2027") -> Any:
    """Create a round collecting ideas, with an empty catalogue draft."""
    from portal.rounds.services.phases import RoundData, create_round

    return create_round(RoundData(name=name), moderator or user(roles={Role.MODERATOR}))


def accepted_idea(*, moderator: User | None = None, **attributes: Any) -> Idea:
    """Create an idea and accept it into a new round, as a moderator does."""
    from portal.ideas.services.lifecycle import change_state
    from portal.rounds.services.phases import accept_into_round

    moderator = moderator or user(roles={Role.MODERATOR, Role.EMPLOYEE})
    created = idea(**attributes)
    change_state(created, IdeaState.SCREENING, moderator)
    accept_into_round(created, prioritisation_round(moderator=moderator), moderator)
    return created
