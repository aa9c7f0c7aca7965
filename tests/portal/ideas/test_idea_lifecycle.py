"""The lifecycle: one table of transitions, every step recorded, wrong steps refused."""

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Role
from portal.core.errors import DomainError, Forbidden, InvalidTransition
from portal.ideas.models import IdeaEvent, IdeaState
from portal.ideas.services import lifecycle
from portal.notifications.models import Notification
from portal.notifications.services import message_of
from tests import factories

S = IdeaState


@pytest.fixture
def moderator(db):
    return factories.user(roles={Role.MODERATOR, Role.EMPLOYEE})


def _events(db, idea):
    return db.session.execute(
        select(IdeaEvent.from_state, IdeaEvent.to_state, IdeaEvent.actor_id, IdeaEvent.reason)
        .where(IdeaEvent.idea_id == idea.id)
        .order_by(IdeaEvent.id)
    ).all()


def test_every_step_is_recorded_with_who_and_why(db, moderator):
    author = factories.user()
    idea = factories.idea(author=author, submit=False)
    lifecycle.change_state(idea, S.SUBMITTED, author)
    lifecycle.change_state(idea, S.SCREENING, moderator)
    lifecycle.change_state(idea, S.DECLINED, moderator, "Schon Teil eines Landesprojekts.")
    assert _events(db, idea) == [
        (None, S.DRAFT, author.id, ""),
        (S.DRAFT, S.SUBMITTED, author.id, ""),
        (S.SUBMITTED, S.SCREENING, moderator.id, ""),
        (S.SCREENING, S.DECLINED, moderator.id, "Schon Teil eines Landesprojekts."),
    ]
    assert idea.decline_reason == "Schon Teil eines Landesprojekts."
    assert idea.submitted_at is not None


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], S.ACCEPTED),
        ([], S.SCREENING),
        ([S.SUBMITTED], S.DRAFT),
        ([S.SUBMITTED], S.PROJECT),
        ([S.SUBMITTED, S.SCREENING, S.ACCEPTED], S.DECLINED),
    ],
)
def test_state_machine_refuses_steps_that_are_not_in_the_table(db, moderator, path, target):
    author = factories.user()
    idea = factories.idea(author=author, submit=False)
    for step in path:
        owner = lifecycle.TRANSITIONS[(idea.state, step)].by
        lifecycle.change_state(
            idea,
            step,
            author if step is S.SUBMITTED else moderator,
            module=owner if owner.is_module else None,
        )
    with pytest.raises(InvalidTransition):
        lifecycle.change_state(idea, target, moderator)


def test_only_moderators_screen_and_only_authors_submit(db, moderator):
    author = factories.user()
    idea = factories.idea(author=author, submit=False)
    with pytest.raises(Forbidden):
        lifecycle.change_state(idea, S.SUBMITTED, moderator)
    lifecycle.change_state(idea, S.SUBMITTED, author)
    with pytest.raises(Forbidden):
        lifecycle.change_state(idea, S.SCREENING, author)


def test_declining_needs_a_reason(db, moderator):
    idea = factories.idea()
    with pytest.raises(DomainError):
        lifecycle.change_state(idea, S.DECLINED, moderator, "   ")
    assert idea.state is S.SUBMITTED


def test_database_refuses_a_declined_idea_without_reason(db):
    idea = factories.idea()
    idea.state = S.DECLINED
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_author_is_notified_of_each_state_change(db, moderator):
    author = factories.user()
    idea = factories.idea(author=author)
    lifecycle.change_state(idea, S.SCREENING, moderator)
    lifecycle.change_state(idea, S.DECLINED, moderator, "Doppelt.")
    messages = [
        message_of(n)
        for n in db.session.scalars(select(Notification).where(Notification.user_id == author.id))
    ]
    assert len(messages) == 2
    assert all(idea.title in message for message in messages)


def test_moderators_hear_of_new_submissions(db, moderator):
    factories.idea(title="Digitale Posteingangsstelle")
    notification = db.session.scalar(
        select(Notification).where(Notification.user_id == moderator.id)
    )
    assert "Digitale Posteingangsstelle" in message_of(notification)


def test_buttons_offered_follow_the_table(db, moderator):
    idea = factories.idea()
    offered = {t.target for t in lifecycle.available_transitions(idea, moderator)}
    assert offered == {S.SCREENING, S.DECLINED}
    assert lifecycle.available_transitions(idea, factories.user()) == []
