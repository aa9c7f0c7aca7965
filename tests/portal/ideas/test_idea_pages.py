"""The idea pages as staff and moderators use them: access, drafts, forms, supports, comments."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.ideas.models import Comment, Idea, IdeaState, Support
from portal.ideas.services import discussion
from portal.notifications.models import Notification
from tests import factories
from tests.conftest import csrf_token


def fresh(obj):
    """Reload *obj*: requests run in their own session, on the same connection."""
    from portal.extensions import db

    db.session.refresh(obj)
    return obj


IDEA_FORM = {
    "title": "Digitale Wartemarken im Bürgerbüro",
    "problem": "Wartende sitzen stundenlang im Flur.",
    "proposal": "Wartemarke per QR-Code aufs Smartphone.",
    "benefit_citizens": "",
    "benefit_staff": "",
    "field_of_action_id": "",
    "tags": "Bürgerbüro, Wartezeit, bürgerbüro",
    "effort_days": "20",
    "cost_euros": "",
}


@pytest.mark.parametrize(
    "path", ["/ideas/", "/ideas/mine", "/ideas/new", "/ideas/screening", "/ideas/fields"]
)
@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.BOARD_MEMBER, Role.STAFF_COUNCIL, Role.ADMIN])
def test_users_without_employee_or_moderator_role_get_403(client, login_as, path, role):
    login_as(role)
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/ideas/screening", "/ideas/fields"])
def test_employees_cannot_open_moderation_pages(client, login_as, path):
    login_as(Role.EMPLOYEE)
    assert client.get(path).status_code == 403


def test_employee_cannot_post_moderation_steps(client, login_as):
    login_as(Role.EMPLOYEE)
    idea = factories.idea()
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(
        f"/ideas/{idea.id}/state", data={"csrf_token": token, "target": "screening"}
    )
    assert response.status_code == 403
    response = client.post(f"/ideas/{idea.id}/merge", data={"csrf_token": token, "keep_id": "1"})
    assert response.status_code == 403
    assert fresh(idea).state is IdeaState.SUBMITTED


def test_draft_is_invisible_to_others_everywhere(client, login_as):
    draft = factories.idea(title="Geheimer Entwurf zur E-Akte", submit=False)
    login_as(Role.EMPLOYEE, Role.MODERATOR)
    assert client.get(f"/ideas/{draft.id}").status_code == 404
    assert client.get(f"/ideas/{draft.id}/edit").status_code == 404
    assert "Geheimer Entwurf" not in client.get("/ideas/").get_data(as_text=True)
    assert "Geheimer Entwurf" not in client.get("/ideas/?q=Entwurf").get_data(as_text=True)
    assert client.get("/ideas/similar?title=Geheimer Entwurf").get_json() == []


def test_author_writes_a_draft_then_submits_it(client, login_as, db):
    author = login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/ideas/new")
    response = client.post("/ideas/new", data={**IDEA_FORM, "csrf_token": token, "action": "draft"})
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea).where(Idea.author_id == author.id))
    assert fresh(idea).state is IdeaState.DRAFT
    assert [tag.name for tag in idea.tags] == ["bürgerbüro", "wartezeit"]
    assert idea.effort_days == 20
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Digitale Wartemarken" in page

    response = client.post(
        f"/ideas/{idea.id}/state", data={"csrf_token": token, "target": "submitted"}
    )
    assert response.status_code == 302
    assert fresh(idea).state is IdeaState.SUBMITTED
    assert "Digitale Wartemarken" in client.get("/ideas/").get_data(as_text=True)


def test_invalid_form_keeps_what_was_typed(client, login_as):
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/ideas/new")
    response = client.post(
        "/ideas/new", data={**IDEA_FORM, "title": "", "csrf_token": token, "action": "submit"}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Wartende sitzen stundenlang im Flur." in html
    assert 'aria-invalid="true"' in html


def test_post_without_csrf_token_is_refused(client, login_as):
    login_as(Role.EMPLOYEE)
    response = client.post("/ideas/new", data={**IDEA_FORM, "action": "submit"})
    assert response.status_code == 400


def test_support_once_and_withdraw(client, login_as, db):
    idea = factories.idea()
    user = login_as(Role.EMPLOYEE)
    token = csrf_token(client, f"/ideas/{idea.id}")
    assert client.post(f"/ideas/{idea.id}/support", data={"csrf_token": token}).status_code == 302
    assert fresh(idea).support_count == 1
    assert client.post(f"/ideas/{idea.id}/support", data={"csrf_token": token}).status_code == 409
    assert client.post(f"/ideas/{idea.id}/withdraw", data={"csrf_token": token}).status_code == 302
    assert fresh(idea).support_count == 0
    assert db.session.scalar(select(Support).where(Support.user_id == user.id)) is None


def test_authors_cannot_support_their_own_idea(client, login_as):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author)
    token = csrf_token(client, f"/ideas/{idea.id}")
    assert client.post(f"/ideas/{idea.id}/support", data={"csrf_token": token}).status_code == 409


def test_comment_and_reply_notify_author_and_replied_to(client, login_as, db):
    author = factories.user()
    idea = factories.idea(author=author)
    first = factories.user()
    first_comment = discussion.add_comment(idea, first, "Gute Idee!")
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(
        f"/ideas/{idea.id}/comments",
        data={"csrf_token": token, "body": "Dem stimme ich zu.", "parent_id": first_comment.id},
    )
    assert response.status_code == 302
    reply = db.session.scalar(select(Comment).where(Comment.parent_id == first_comment.id))
    assert reply.body == "Dem stimme ich zu."
    assert fresh(idea).comment_count == 2
    for user in (author, first):
        targets = db.session.scalars(
            select(Notification.target_args).where(
                Notification.user_id == user.id, Notification.kind == "idea.comment"
            )
        ).all()
        assert {"idea_id": idea.id, "_anchor": f"comment-{reply.id}"} in targets
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Dem stimme ich zu." in page


def test_empty_comment_is_refused_with_422(client, login_as):
    idea = factories.idea()
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(f"/ideas/{idea.id}/comments", data={"csrf_token": token, "body": ""})
    assert response.status_code == 422


def test_moderator_screens_and_declines_with_reason_the_author_sees(client, login_as, db):
    author = factories.user()
    idea = factories.idea(author=author)
    login_as(Role.MODERATOR)
    token = csrf_token(client, f"/ideas/{idea.id}")
    assert (
        client.post(
            f"/ideas/{idea.id}/state", data={"csrf_token": token, "target": "screening"}
        ).status_code
        == 302
    )
    response = client.post(
        f"/ideas/{idea.id}/state", data={"csrf_token": token, "target": "declined", "reason": ""}
    )
    assert response.status_code == 422
    assert fresh(idea).state is IdeaState.SCREENING
    client.post(
        f"/ideas/{idea.id}/state",
        data={
            "csrf_token": token,
            "target": "declined",
            "reason": "Läuft schon im Land.",
            "confirm": "1",
        },
    )
    assert fresh(idea).state is IdeaState.DECLINED
    assert "Läuft schon im Land." in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_moderator_merges_through_the_page(client, login_as):
    keep, duplicate = factories.idea(), factories.idea()
    login_as(Role.MODERATOR)
    token = csrf_token(client, f"/ideas/{duplicate.id}")
    response = client.post(
        f"/ideas/{duplicate.id}/merge",
        data={"csrf_token": token, "keep_id": keep.id, "confirm": "1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/ideas/{keep.id}"
    assert fresh(duplicate).merged_into_id == keep.id
    response = client.post(
        f"/ideas/{keep.id}/merge", data={"csrf_token": token, "keep_id": keep.id}
    )
    assert response.status_code == 422


def test_list_filters_and_sorts(client, login_as):
    field = factories.field_of_action("E-Akte")
    quiet = factories.idea(title="Aktenplan vereinheitlichen", field_of_action_id=field.id)
    loud = factories.idea(title="WLAN in allen Gebäuden", tags=("wlan",))
    for _ in range(2):
        discussion.support(loud, factories.user())
    login_as(Role.EMPLOYEE)
    html = client.get(f"/ideas/?field={field.id}").get_data(as_text=True)
    assert "Aktenplan" in html
    assert "WLAN" not in html
    html = client.get("/ideas/?tag=wlan").get_data(as_text=True)
    assert "WLAN" in html
    assert "Aktenplan" not in html
    html = client.get("/ideas/?sort=supported").get_data(as_text=True)
    assert html.index(loud.title) < html.index(quiet.title)
    html = client.get("/ideas/?state=screening").get_data(as_text=True)
    assert "WLAN" not in html


def test_my_ideas_lists_own_drafts(client, login_as):
    author = login_as(Role.EMPLOYEE)
    factories.idea(author=author, title="Mein Entwurf", submit=False)
    factories.idea(title="Fremde Idee")
    html = client.get("/ideas/mine").get_data(as_text=True)
    assert "Mein Entwurf" in html
    assert "Fremde Idee" not in html


def test_start_page_shows_queue_and_newsfeed(client, login_as):
    factories.idea(title="Digitale Sitzungsunterlagen")
    login_as(Role.EMPLOYEE, Role.MODERATOR)
    html = client.get("/").get_data(as_text=True)
    assert "Digitale Sitzungsunterlagen" in html
    assert "/ideas/screening" in html


def _fill(count, comments_each=0):
    commenter = factories.user()
    for number in range(count):
        idea = factories.idea(title=f"Idee {number}", tags=("a", "b"))
        for _ in range(comments_each):
            discussion.add_comment(idea, commenter, "Kommentar")
    return idea


# The cursor stands for an idea submitted in 2100, so every idea lies after it.
@pytest.mark.parametrize(
    "query", ["", "?q=Idee", "?sort=supported&tag=a", "?after=4102444800000000.1"]
)
def test_list_needs_a_bounded_number_of_queries(client, login_as, count_queries, query):
    login_as(Role.EMPLOYEE)
    _fill(27)
    with count_queries() as few:
        assert client.get(f"/ideas/{query}").status_code == 200
    _fill(30)
    with count_queries() as many:
        assert client.get(f"/ideas/{query}").status_code == 200
    assert len(many) == len(few) <= 12


def test_idea_page_needs_a_bounded_number_of_queries(client, login_as, count_queries):
    login_as(Role.EMPLOYEE)
    few = _fill(1, comments_each=1)
    with count_queries() as small:
        assert client.get(f"/ideas/{few.id}").status_code == 200
    many = _fill(1, comments_each=12)
    for supporter in range(5):
        discussion.support(many, factories.user(name=f"Unterstützerin {supporter}"))
    with count_queries() as large:
        assert client.get(f"/ideas/{many.id}").status_code == 200
    assert len(large) == len(small) <= 20


def test_top_level_comment_without_parent_field(client, login_as):
    idea = factories.idea()
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(
        f"/ideas/{idea.id}/comments", data={"csrf_token": token, "body": "Gute Idee."}
    )
    assert response.status_code == 302
    assert fresh(idea).comment_count == 1
