"""Background jobs: handed over only after commit, run for their municipality without a request,
each a unit of work of its own."""

from pathlib import Path

import pytest
from flask import Flask, has_request_context
from flask_migrate import upgrade
from sqlalchemy import select

import config
from portal import create_app
from portal.accounts.models import Role
from portal.accounts.services import municipality_for
from portal.core import jobs
from portal.core.tenancy import set_tenant, tenant_id
from portal.core.transactions import unit_of_work
from portal.core.urls import external_url
from portal.extensions import db as _db
from portal.ideas.models import Idea, IdeaEvent, IdeaState
from portal.ideas.services import lifecycle
from portal.notifications.models import Notification
from portal.notifications.services import message_of, target_of
from tests import factories

seen: dict[str, object] = {}


@jobs.job(retries=0)
def start_screening(idea_id: int, moderator_id: int) -> None:
    """Move an idea into screening, as a moderator's job would."""
    from portal.accounts.models import User

    seen.update(request=has_request_context(), tenant=tenant_id())
    idea = _db.session.get(Idea, idea_id)
    moderator = _db.session.get(User, moderator_id)
    assert idea is not None
    assert moderator is not None
    lifecycle.change_state(idea, IdeaState.SCREENING, moderator)


@jobs.job(retries=0)
def fail_halfway(idea_id: int) -> None:
    """Write, then fail: the job's unit of work must leave nothing behind."""
    idea = _db.session.get(Idea, idea_id)
    assert idea is not None
    idea.title = "Halb geändert"
    _db.session.flush()
    raise RuntimeError("the job failed")


@pytest.fixture(scope="module")
def registered(app: Flask) -> Flask:
    jobs.register_jobs(app, [start_screening, fail_halfway])
    return app


def test_idea_lifecycle_runs_in_a_job_without_a_request(registered, db):
    moderator = factories.user(roles={Role.MODERATOR})
    idea = factories.idea(title="Digitale Bauakte")
    seen.clear()
    jobs.enqueue(start_screening, idea.id, moderator.id)
    assert seen == {}
    db.session.commit()  # the job is handed over now
    assert seen == {"request": False, "tenant": factories.municipality().id}
    db.session.refresh(idea)
    assert idea.state is IdeaState.SCREENING
    event = db.session.scalar(
        select(IdeaEvent).where(IdeaEvent.idea_id == idea.id).order_by(IdeaEvent.id.desc())
    )
    assert event.actor_id == moderator.id
    # The author's notification reads and links as it would from a request.
    notification = db.session.scalar(
        select(Notification).where(Notification.user_id == idea.author_id)
    )
    assert "Digitale Bauakte" in message_of(notification)
    assert external_url(target_of(notification)) == f"http://localhost:5000/ideas/{idea.id}"


def test_a_failed_job_writes_nothing(registered, db, writes_nothing):
    idea = factories.idea(title="Unverändert")
    db.session.commit()
    with writes_nothing():
        jobs.enqueue(fail_halfway, idea.id)
        db.session.commit()
    db.session.refresh(idea)
    assert idea.title == "Unverändert"


def test_a_rolled_back_request_enqueues_nothing(registered, db):
    idea = factories.idea()
    db.session.commit()
    seen.clear()
    jobs.enqueue(start_screening, idea.id, factories.user(roles={Role.MODERATOR}).id)
    db.session.rollback()
    db.session.commit()
    assert seen == {}


def _enqueue_and_fail(idea_id: int, moderator_id: int) -> None:
    with unit_of_work():
        jobs.enqueue(start_screening, idea_id, moderator_id)
        raise RuntimeError("the request was refused")


@pytest.fixture
def queued_app(tmp_path: Path) -> Flask:
    """A portal whose jobs go into a real queue (SQLite storage), as in production."""
    portal = create_app(
        config.TestingConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'portal.db'}",
            INSTANCE_PATH=tmp_path,
            JOBS_IMMEDIATE=False,
        )
    )
    jobs.register_jobs(portal, [start_screening])
    with portal.app_context():
        upgrade()
        _db.session.remove()
    return portal


def test_the_queue_holds_a_job_from_commit_until_a_consumer_runs_it(queued_app):
    queue = jobs.huey(queued_app)
    with queued_app.app_context():
        set_tenant(municipality_for("default").id)
        with unit_of_work():
            moderator = factories.user(roles={Role.MODERATOR})
            idea = factories.idea()
            jobs.enqueue(start_screening, idea.id, moderator.id)
            assert queue.pending_count() == 0
        idea_id = idea.id
        assert queue.pending_count() == 1
        with pytest.raises(RuntimeError):
            _enqueue_and_fail(idea_id, moderator.id)
        _db.session.remove()
    assert queue.pending_count() == 1
    queue.execute(queue.dequeue())
    with queued_app.app_context():
        set_tenant(municipality_for("default").id)
        assert _db.session.get(Idea, idea_id).state is IdeaState.SCREENING
        _db.session.remove()
        _db.engine.dispose()
