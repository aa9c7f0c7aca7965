"""The participation counts the services keep equal a fresh count of the rows, whatever people
do in whichever order: a seeded random sequence of actions through the services, on the demo
municipality, checked after every step."""

import contextlib
import datetime as dt
import random
from collections import Counter

import pytest
from sqlalchemy import select

from portal.accounts import demo as accounts_demo
from portal.accounts.models import OrgUnit, Role, User
from portal.accounts.services import current_municipality
from portal.core.errors import DomainError
from portal.extensions import db as _db
from portal.ideas import demo as ideas_demo
from portal.ideas.models import (
    OPEN_STATES,
    Comment,
    FieldOfAction,
    Idea,
    IdeaState,
    ParticipationCount,
    ParticipationKind,
    Support,
)
from portal.ideas.services import discussion, participation
from portal.ideas.services.authoring import IdeaData, create_idea, delete_draft, update_idea
from portal.ideas.services.lifecycle import change_state, merge
from tests.conftest import db_within, shared_database

K = ParticipationKind


def kept() -> Counter[tuple[K, dt.date, int, int]]:
    """Return the counts the services keep, without those that came down to zero."""
    rows = select(
        ParticipationCount.kind,
        ParticipationCount.month,
        ParticipationCount.org_unit_id,
        ParticipationCount.field_of_action_id,
        ParticipationCount.count,
    ).where(ParticipationCount.count > 0)
    return Counter({tuple(row[:4]): row[4] for row in _db.session.execute(rows)})


def counted() -> Counter[tuple[K, dt.date, int, int]]:
    """Count the rows anew in Python: the month of each row's time in UTC, the org unit the
    row keeps for its person (0: none) and its idea's field of action (0: none)."""
    session = _db.session
    fields = dict(session.execute(select(Idea.id, Idea.field_of_action_id)).all())
    found: Counter[tuple[K, dt.date, int, int]] = Counter()
    ideas = select(Idea.submitted_at, Idea.author_org_unit_id, Idea.field_of_action_id).where(
        Idea.state != IdeaState.DRAFT
    )
    for at, unit, field in session.execute(ideas):
        found[K.IDEA, participation.month_of(at), unit or 0, field or 0] += 1
    supports = select(Support.created_at, Support.org_unit_id, Support.idea_id)
    comments = select(Comment.created_at, Comment.author_org_unit_id, Comment.idea_id)
    for kind, statement in ((K.SUPPORT, supports), (K.COMMENT, comments)):
        for at, unit, idea_id in session.execute(statement):
            found[kind, participation.month_of(at), unit or 0, fields[idea_id] or 0] += 1
    return found


class People:
    """Acts at random through the services, as staff and moderators would."""

    def __init__(self, seed: int) -> None:
        session = _db.session
        self.rng = random.Random(seed)
        self.users = list(session.scalars(select(User).where(User.active.is_(True))))
        self.moderators = [u for u in self.users if Role.MODERATOR in u.roles]
        self.units = [None, *session.scalars(select(OrgUnit.id))]
        self.fields = [None, *session.scalars(select(FieldOfAction.id))]
        # Times over a few months, so that actions fall into different months.
        self.start = dt.datetime(2026, 1, 20, 8, tzinfo=dt.UTC)

    def at(self) -> dt.datetime:
        return self.start + dt.timedelta(hours=self.rng.randrange(24 * 150))

    def idea(self, *states: IdeaState) -> Idea | None:
        found = list(
            _db.session.scalars(select(Idea).where(Idea.state.in_(states)).order_by(Idea.id))
        )
        return self.rng.choice(found) if found else None

    def person(self) -> User:
        return self.rng.choice(self.users)

    def data(self, title: str) -> IdeaData:
        return IdeaData(
            title=title,
            problem="Es dauert zu lange.",
            proposal="Digital und schneller.",
            field_of_action_id=self.rng.choice(self.fields),
        )

    def create(self) -> None:
        create_idea(
            self.data("Neue Idee"), self.person(), submit=self.rng.random() < 0.7, at=self.at()
        )

    def submit(self) -> None:
        if draft := self.idea(IdeaState.DRAFT):
            change_state(draft, IdeaState.SUBMITTED, draft.author, at=self.at())

    def change_field(self) -> None:
        if idea := self.idea(IdeaState.SUBMITTED, IdeaState.SCREENING):
            update_idea(idea, self.data(idea.title), self.rng.choice(self.moderators))

    def support(self) -> None:
        if idea := self.idea(*OPEN_STATES):
            discussion.support(idea, self.person(), at=self.at())

    def withdraw(self) -> None:
        supports = list(_db.session.scalars(select(Support).order_by(Support.id)))
        if supports:
            given = self.rng.choice(supports)
            discussion.withdraw_support(
                _db.session.get(Idea, given.idea_id),
                _db.session.get(User, given.user_id),
            )

    def comment(self) -> None:
        if idea := self.idea(*OPEN_STATES):
            threads = list(
                _db.session.scalars(
                    select(Comment.id).where(
                        Comment.idea_id == idea.id, Comment.parent_id.is_(None)
                    )
                )
            )
            parent = self.rng.choice(threads) if threads and self.rng.random() < 0.4 else None
            discussion.add_comment(
                idea, self.person(), "Dazu eine Anmerkung.", parent, at=self.at()
            )

    def delete_comment(self) -> None:
        comments = list(
            _db.session.scalars(
                select(Comment).where(Comment.deleted_at.is_(None)).order_by(Comment.id)
            )
        )
        if comments:
            comment = self.rng.choice(comments)
            idea = _db.session.get(Idea, comment.idea_id)
            discussion.delete_comment(idea, comment, comment.author, at=self.at())

    def merge(self) -> None:
        duplicate = self.idea(IdeaState.SUBMITTED, IdeaState.SCREENING)
        keep = self.idea(*OPEN_STATES)
        if duplicate and keep:
            merge(duplicate, keep, self.rng.choice(self.moderators), "Doppelt.", at=self.at())

    def delete_draft(self) -> None:
        if draft := self.idea(IdeaState.DRAFT):
            delete_draft(draft, draft.author)

    def move(self) -> None:
        # A person who moves to another unit takes nothing counted along.
        self.person().org_unit_id = self.rng.choice(self.units)
        _db.session.flush()

    def act(self) -> str:
        action = self.rng.choice(
            [
                self.create,
                self.submit,
                self.change_field,
                self.support,
                self.support,
                self.withdraw,
                self.comment,
                self.comment,
                self.delete_comment,
                self.merge,
                self.delete_draft,
                self.move,
            ]
        )
        # Refused (one's own idea, a support given twice, …), an action must change nothing.
        with contextlib.suppress(DomainError):
            action()
        return action.__name__


@pytest.fixture(scope="module")
def demo(app):
    """The demo municipality's staff and ideas, loaded once for this module; each test runs in a
    savepoint of them. (The demo's later parts, rounds to documents, take the ideas further but
    the actions below are what the counts are about; loading them would only cost time.)"""
    with shared_database(app) as shared:
        municipality = current_municipality()
        accounts_demo.load(municipality)
        ideas_demo.load(municipality)
        yield shared


db = db_within("demo")


@pytest.mark.parametrize("seed", [1, 2])
def test_the_kept_counts_equal_a_fresh_count_after_each_of_many_random_actions(db, seed):
    assert kept() == counted()
    people = People(seed)
    done = []
    for _ in range(120):
        done.append(people.act())
        assert kept() == counted(), done
    # Every kind of action happened, so each was checked.
    assert {"support", "withdraw", "comment", "delete_comment", "merge", "change_field"} <= set(
        done
    )


def test_recount_rebuilds_the_counts_from_the_rows(db):
    before = kept()
    db.session.execute(
        ParticipationCount.__table__.update().values(count=ParticipationCount.count + 3)
    )
    assert kept() != before
    participation.recount()
    assert kept() == before == counted()
