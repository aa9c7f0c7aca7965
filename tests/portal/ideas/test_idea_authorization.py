"""Who may take which step of an idea's lifecycle (OWASP ASVS 5.0 V8.2: operation level
authorization): each step belongs to one role or module, moderators do not moderate their own
ideas, and only the author decides whether the public sees their name."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.errors import Forbidden
from portal.ideas.models import IdeaState
from portal.ideas.services import authoring, lifecycle
from portal.ideas.services.lifecycle import Actor
from tests import factories
from tests.conftest import csrf_token
from tests.portal.ideas.test_idea_pages import fresh

S = IdeaState

#: The steps the rounds, board and projects modules own, with the states before them.
MODULE_STEPS = [
    ([S.SCREENING, S.ACCEPTED], S.SCORED, Actor.ROUNDS),
    ([S.SCREENING, S.ACCEPTED, S.SCORED], S.DECIDED, Actor.BOARD),
    ([S.SCREENING, S.ACCEPTED, S.SCORED, S.DECIDED], S.PROJECT, Actor.PROJECTS),
]


@pytest.fixture
def moderator(db):
    return factories.user(roles={Role.MODERATOR, Role.EMPLOYEE})


def _walk(idea, path, moderator):
    """Take *idea* along *path*, each step by its owner."""
    for target in path:
        owner = lifecycle.TRANSITIONS[(idea.state, target)].by
        lifecycle.change_state(idea, target, moderator, module=owner if owner.is_module else None)


@pytest.mark.parametrize(("path", "target", "module"), MODULE_STEPS)
def test_asvs_v8_2_1_nobody_takes_a_step_of_a_module_through_the_state_endpoint(
    client, login_as, writes_nothing, moderator, path, target, module
):
    idea = factories.idea()
    _walk(idea, path, moderator)
    login_as(Role.MODERATOR, Role.EMPLOYEE, Role.BOARD_MEMBER)
    token = csrf_token(client, f"/ideas/{idea.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{idea.id}/state", data={"csrf_token": token, "target": target.value}
        )
    assert response.status_code == 403
    assert fresh(idea).state is path[-1]
    assert f'value="{target.value}"' not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


@pytest.mark.parametrize(("path", "target", "module"), MODULE_STEPS)
def test_asvs_v8_2_1_only_the_owning_module_takes_its_step(
    db, moderator, writes_nothing, path, target, module
):
    idea = factories.idea()
    _walk(idea, path, moderator)
    others = [actor for actor in Actor if actor is not module]
    with writes_nothing():
        for wrong in [None, *others]:
            with pytest.raises(Forbidden):
                lifecycle.change_state(idea, target, moderator, module=wrong)
    lifecycle.change_state(idea, target, moderator, module=module)
    assert idea.state is target


def test_asvs_v8_2_1_the_steps_of_people_need_no_module(db, moderator):
    idea = factories.idea()
    with pytest.raises(Forbidden):
        lifecycle.change_state(idea, S.SCREENING, moderator, module=Actor.ROUNDS)
    lifecycle.change_state(idea, S.SCREENING, moderator)
    assert idea.state is S.SCREENING


@pytest.mark.parametrize(
    ("path", "target", "reason"),
    [
        ([], S.SCREENING, ""),
        ([S.SCREENING], S.ACCEPTED, ""),
        ([], S.DECLINED, "Passt nicht."),
        ([S.SCREENING], S.DECLINED, "Passt nicht."),
    ],
)
def test_asvs_v8_2_2_a_moderator_cannot_screen_accept_or_decline_their_own_idea(
    client, login_as, writes_nothing, moderator, path, target, reason
):
    me = login_as(Role.MODERATOR, Role.EMPLOYEE)
    mine = factories.idea(author=me)
    _walk(mine, path, moderator)
    assert lifecycle.available_transitions(mine, me) == []
    token = csrf_token(client, f"/ideas/{mine.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{mine.id}/state",
            data={"csrf_token": token, "target": target.value, "reason": reason, "confirm": "1"},
        )
    assert response.status_code == 403
    assert fresh(mine).state is (path[-1] if path else S.SUBMITTED)
    # Another moderator may (accepting, through the rounds module).
    owner = lifecycle.TRANSITIONS[(fresh(mine).state, target)].by
    module = owner if owner.is_module else None
    lifecycle.change_state(fresh(mine), target, moderator, reason, module=module)
    assert mine.state is target


def test_asvs_v8_2_2_a_moderator_cannot_merge_their_own_idea_either_way(
    client, login_as, writes_nothing
):
    me = login_as(Role.MODERATOR, Role.EMPLOYEE)
    mine, other = factories.idea(author=me), factories.idea()
    page = client.get(f"/ideas/{mine.id}").get_data(as_text=True)
    assert f"/ideas/{mine.id}/merge" not in page
    token = csrf_token(client, f"/ideas/{other.id}")
    with writes_nothing():
        own_into_other = client.post(
            f"/ideas/{mine.id}/merge",
            data={"csrf_token": token, "keep_id": other.id, "confirm": "1"},
        )
        other_into_own = client.post(
            f"/ideas/{other.id}/merge",
            data={"csrf_token": token, "keep_id": mine.id, "confirm": "1"},
        )
    assert own_into_other.status_code == 403
    # The other idea's page has the merge form, which says why.
    assert other_into_own.status_code == 422
    assert "Ihre eigene Idee" in other_into_own.get_data(as_text=True)


def test_asvs_v8_2_3_a_moderator_editing_an_idea_cannot_make_the_authors_name_public(
    client, login_as, writes_nothing
):
    idea = factories.idea()
    assert idea.author_public is False
    login_as(Role.MODERATOR)
    form = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert 'name="author_public"' not in form
    token = csrf_token(client, f"/ideas/{idea.id}/edit")
    response = client.post(
        f"/ideas/{idea.id}/edit",
        data={
            "csrf_token": token,
            "title": "Online-Terminvergabe im Bürgeramt, überarbeitet",
            "problem": idea.problem,
            "proposal": idea.proposal,
            "author_public": "y",
        },
    )
    assert response.status_code == 302
    assert fresh(idea).title.endswith("überarbeitet")
    assert idea.author_public is False


def test_asvs_v8_2_3_the_service_refuses_a_name_made_public_by_someone_else(
    db, moderator, writes_nothing
):
    idea = factories.idea()
    data = authoring.IdeaData(
        title=idea.title, problem=idea.problem, proposal=idea.proposal, author_public=True
    )
    with writes_nothing(), pytest.raises(Forbidden):
        authoring.update_idea(idea, data, moderator)
    # The author may, and a moderator's edit that leaves it alone keeps it.
    authoring.update_idea(idea, data, idea.author)
    assert idea.author_public is True
    authoring.update_idea(idea, authoring.IdeaData(idea.title, "P", "V"), moderator)
    assert idea.author_public is True


def test_the_author_chooses_on_their_own_form(client, login_as, db):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author)
    token = csrf_token(client, f"/ideas/{idea.id}/edit")
    response = client.post(
        f"/ideas/{idea.id}/edit",
        data={
            "csrf_token": token,
            "title": idea.title,
            "problem": idea.problem,
            "proposal": idea.proposal,
            "author_public": "y",
        },
    )
    assert response.status_code == 302
    assert fresh(idea).author_public is True
    assert db.session.scalar(select(type(idea).author_public).where(type(idea).id == idea.id))
