"""A refused request writes nothing, in every module: each table is compared before and after.

Where a refusal must leave a record (a failed sign-in), exactly that table changes.
"""

import io

import pytest
from sqlalchemy import func, select

from portal.accounts.models import LoginAttempt, OrgUnitKind, Role
from portal.core.errors import InvalidTransition
from portal.ideas.models import Comment, IdeaState, Support
from portal.ideas.services import discussion, lifecycle
from portal.rounds.services.phases import accept_into_round
from tests import factories
from tests.conftest import csrf_token


@pytest.fixture
def moderator(db):
    return factories.user(roles={Role.MODERATOR, Role.EMPLOYEE})


def _accepted_idea_with_discussion(moderator):
    idea = factories.idea(title="Digitale Bauakte")
    discussion.support(idea, factories.user())
    discussion.add_comment(idea, factories.user(), "Das brauchen wir.")
    lifecycle.change_state(idea, IdeaState.SCREENING, moderator)
    accept_into_round(idea, factories.prioritisation_round(moderator=moderator), moderator)
    return idea


def test_refused_merge_of_an_accepted_idea_leaves_both_ideas_as_they_were(
    client, login_as, writes_nothing, db
):
    moderator = login_as(Role.MODERATOR, Role.EMPLOYEE)
    accepted = _accepted_idea_with_discussion(moderator)
    keep = factories.idea(title="Bauakten digitalisieren")
    token = csrf_token(client, f"/ideas/{keep.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{accepted.id}/merge", data={"csrf_token": token, "keep_id": keep.id}
        )
    assert response.status_code == 409
    assert "kann nicht „Zusammengeführt“ werden" in response.get_data(as_text=True)
    assert db.session.scalar(select(Support.idea_id)) == accepted.id
    assert db.session.scalar(select(Comment.idea_id)) == accepted.id


def test_merge_checks_its_transition_before_it_moves_anything(db, moderator, writes_nothing):
    accepted = _accepted_idea_with_discussion(moderator)
    keep = factories.idea()
    # No rollback in between: the service itself must not have written.
    with writes_nothing(), pytest.raises(InvalidTransition):
        lifecycle.merge(accepted, keep, moderator)


def test_failed_sign_in_writes_only_the_record_of_the_attempt(client, db, writes_nothing):
    factories.user(email="a@musterstadt.example")
    before = db.session.scalar(select(func.count(LoginAttempt.id)))
    with writes_nothing(except_tables={"login_attempt"}):
        response = client.post(
            "/login",
            data={
                "csrf_token": csrf_token(client, "/login"),
                "email": "a@musterstadt.example",
                "password": "falsches Passwort",
            },
        )
    assert response.status_code == 401
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == before + 1


@pytest.mark.parametrize(
    ("who", "request_of", "status"),
    [
        # ideas: an empty comment, a decline without reason, a disguised upload, a colleague's
        # edit, supporting one's own idea, a form without CSRF token
        (
            Role.EMPLOYEE,
            lambda idea, token: ("comments", {"csrf_token": token, "body": " "}),
            422,
        ),
        (
            Role.MODERATOR,
            lambda idea, token: ("state", {"csrf_token": token, "target": "declined"}),
            422,
        ),
        (
            Role.MODERATOR,
            lambda idea, token: (
                "attachments",
                {"csrf_token": token, "file": (io.BytesIO(b"MZ\x90\x00" * 64), "a.pdf")},
            ),
            422,
        ),
        (
            Role.EMPLOYEE,
            lambda idea, token: (
                "edit",
                {"csrf_token": token, "title": "Fremd", "problem": "x", "proposal": "y"},
            ),
            403,
        ),
        (Role.EMPLOYEE, lambda idea, token: ("comments", {"body": "ohne Token"}), 400),
    ],
)
def test_refused_idea_requests_write_nothing(
    client, login_as, writes_nothing, who, request_of, status
):
    login_as(who, Role.EMPLOYEE)
    idea = factories.idea()
    token = csrf_token(client, f"/ideas/{idea.id}")
    action, data = request_of(idea, token)
    with writes_nothing():
        response = client.post(f"/ideas/{idea.id}/{action}", data=data)
    assert response.status_code == status


def test_supporting_ones_own_idea_writes_nothing(client, login_as, writes_nothing):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author)
    token = csrf_token(client, f"/ideas/{idea.id}")
    with writes_nothing():
        response = client.post(f"/ideas/{idea.id}/support", data={"csrf_token": token})
    assert response.status_code == 409


def test_refused_admin_forms_write_nothing(client, login_as, writes_nothing):
    admin = login_as(Role.ADMIN, email="me@musterstadt.example")
    factories.user(email="lena.meier@musterstadt.example")
    top = factories.org_unit(code="Dez. IX", kind=OrgUnitKind.DEZERNAT)
    below = factories.org_unit(code="Amt 91", parent=top)
    token = csrf_token(client, "/admin/users/new")
    with writes_nothing():
        duplicate = client.post(
            "/admin/users/new",
            data={
                "csrf_token": token,
                "name": "Lena Meier",
                "email": "lena.meier@musterstadt.example",
                "locale": "de",
                "roles": ["employee"],
                "active": "y",
                "password": "Startpasswort 2026",
            },
        )
        lock_out = client.post(
            f"/admin/users/{admin.id}",
            data={
                "csrf_token": token,
                "name": admin.name,
                "email": admin.email,
                "locale": "de",
                "roles": ["employee"],
            },
        )
        cycle = client.post(
            f"/admin/org-units/{top.id}",
            data={
                "csrf_token": token,
                "kind": "dezernat",
                "code": "Dez. IX",
                "name": "Zyklus",
                "parent_id": below.id,
            },
        )
    assert (duplicate.status_code, lock_out.status_code, cycle.status_code) == (422, 422, 422)


def test_refused_password_change_writes_nothing(client, login_as, writes_nothing):
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/account")
    # A wrong current password is kept as a failed sign-in, like one on the sign-in page.
    with writes_nothing(except_tables={"login_attempt"}):
        response = client.post(
            "/account",
            data={
                "csrf_token": token,
                "current": "nicht mein Passwort",
                "new": "Ein langer neuer Satz",
                "confirm": "Ein langer neuer Satz",
            },
        )
    assert response.status_code == 422


def test_opening_someone_elses_notification_writes_nothing(client, login_as, writes_nothing):
    from portal.core.registry import Link
    from portal.notifications.services import notify

    [theirs] = notify([factories.user()], "notification.text", {"text": "x"}, Link("ideas.index"))
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/notifications/")
    with writes_nothing():
        response = client.post(f"/notifications/{theirs.id}/open", data={"csrf_token": token})
    assert response.status_code == 404
