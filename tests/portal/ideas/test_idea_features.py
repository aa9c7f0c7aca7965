"""Features staff expect: an unread count in the menu, editing and deleting one's own comments,
removing attachments (recorded in the idea's history), numbers in the German format."""

import io
import re

import pytest
from sqlalchemy import func, select, update

from portal.accounts.models import Role
from portal.core.registry import Link
from portal.ideas.models import Attachment, Comment, Idea, IdeaEvent, IdeaEventKind, IdeaState
from portal.ideas.services import attachments, discussion
from portal.notifications.services import notify
from tests import factories
from tests.conftest import csrf_token
from tests.portal.ideas.test_idea_pages import fresh

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _notify(user, count):
    for number in range(count):
        notify([user], "notification.text", {"text": f"Neu {number}"}, Link("ideas.index"))


def _nav_link(html):
    return re.search(
        r'<a class="ww-nav__link[^"]*" href="/notifications/"[^>]*>(.*?)</a>', html, re.S
    )


def test_the_menu_shows_how_many_notifications_are_unread(client, login_as):
    user = login_as(Role.EMPLOYEE)
    assert "kern-badge" not in _nav_link(client.get("/").get_data(as_text=True)).group(1)
    _notify(user, 3)
    link = _nav_link(client.get("/ideas/").get_data(as_text=True)).group(1)
    assert '<span class="kern-label">3</span>' in link
    assert '<span class="kern-sr-only">(3 neu)</span>' in link
    token = csrf_token(client, "/notifications/")
    client.post("/notifications/read", data={"csrf_token": token})
    assert "kern-badge" not in _nav_link(client.get("/").get_data(as_text=True)).group(1)


def test_the_unread_count_costs_one_count_query_per_page(client, login_as, count_queries):
    user = login_as(Role.EMPLOYEE)
    _notify(user, 1200)
    with count_queries() as statements:
        html = client.get("/ideas/mine").get_data(as_text=True)
    about_notifications = [s for s in statements if "notification" in s.lower()]
    assert len(about_notifications) == 1
    assert "count(" in about_notifications[0].lower()
    assert '<span class="kern-label">1.200</span>' in html


@pytest.fixture
def discussed(db):
    idea = factories.idea()
    author = factories.user(name="Jana Kommentiererin")
    comment = discussion.add_comment(idea, author, "Erste Fassung.")
    return idea, author, comment


def test_authors_edit_their_own_comment_which_then_shows_as_edited(client, login_as, discussed):
    idea, author, comment = discussed
    login_as(Role.EMPLOYEE)
    with client.session_transaction() as session:
        session["_user_id"] = str(author.id)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f'/ideas/{idea.id}/comments/{comment.id}/edit"' in page
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(
        f"/ideas/{idea.id}/comments/{comment.id}/edit",
        data={"csrf_token": token, "body": "Zweite Fassung."},
    )
    assert response.status_code == 302
    assert fresh(comment).body == "Zweite Fassung."
    assert comment.edited_at is not None
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Zweite Fassung." in page
    assert "bearbeitet am " in page


def test_asvs_v8_2_2_nobody_edits_or_deletes_the_comment_of_a_colleague(
    client, login_as, writes_nothing, discussed
):
    idea, _author, comment = discussed
    login_as(Role.EMPLOYEE, Role.MODERATOR)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/comments/{comment.id}/edit" not in page
    assert f"/comments/{comment.id}/delete" not in page
    token = csrf_token(client, f"/ideas/{idea.id}")
    with writes_nothing():
        edit = client.post(
            f"/ideas/{idea.id}/comments/{comment.id}/edit",
            data={"csrf_token": token, "body": "Fremd geändert."},
        )
        remove = client.post(
            f"/ideas/{idea.id}/comments/{comment.id}/delete",
            data={"csrf_token": token, "confirm": "1"},
        )
    assert (edit.status_code, remove.status_code) == (403, 403)


def test_an_empty_edit_is_refused_and_keeps_the_form_open(
    client, login_as, writes_nothing, discussed
):
    idea, author, comment = discussed
    login_as(Role.EMPLOYEE)
    with client.session_transaction() as session:
        session["_user_id"] = str(author.id)
    token = csrf_token(client, f"/ideas/{idea.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{idea.id}/comments/{comment.id}/edit",
            data={"csrf_token": token, "body": "  "},
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="edit-{comment.id}-error"' in html
    assert re.search(r'<details class="ww-reply" open>\s*<summary[^>]*>Bearbeiten', html)


def _as(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True


def _delete(client, idea, comment):
    token = csrf_token(client, f"/ideas/{idea.id}")
    url = f"/ideas/{idea.id}/comments/{comment.id}/delete"
    asked = client.post(url, data={"csrf_token": token})
    assert asked.status_code == 200
    assert "Ihren Kommentar wirklich löschen?" in asked.get_data(as_text=True)
    return client.post(url, data={"csrf_token": token, "confirm": "1"})


def test_a_deleted_comment_with_replies_keeps_its_place_without_text_and_author(
    client, login_as, db, discussed
):
    idea, author, comment = discussed
    reply = discussion.add_comment(
        idea, factories.user(name="Ole Antwort"), "Stimme zu.", comment.id
    )
    login_as(Role.EMPLOYEE)
    _as(client, author)
    assert _delete(client, idea, comment).status_code == 302
    fresh(comment)
    assert (comment.body, comment.author_id) == ("", None)
    assert comment.deleted_at is not None
    assert fresh(idea).comment_count == 1
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    thread = re.search(rf'<article [^>]*id="comment-{comment.id}">.*</article>', page, re.S).group(
        0
    )
    assert "Kommentar gelöscht" in thread
    assert "Erste Fassung." not in thread
    assert "Jana Kommentiererin" not in thread
    assert "Stimme zu." in thread
    assert "Ole Antwort" in thread
    # The placeholder goes with the last reply.
    _as(client, reply.author)
    assert _delete(client, idea, reply).status_code == 302
    assert db.session.scalar(select(func.count(Comment.id)).where(Comment.idea_id == idea.id)) == 0
    assert fresh(idea).comment_count == 0


def test_a_deleted_comment_without_replies_goes_for_good(client, login_as, db, discussed):
    idea, author, comment = discussed
    login_as(Role.EMPLOYEE)
    _as(client, author)
    assert _delete(client, idea, comment).status_code == 302
    assert db.session.scalar(select(Comment).where(Comment.id == comment.id)) is None
    assert fresh(idea).comment_count == 0
    assert "Kommentar gelöscht" not in client.get(f"/ideas/{idea.id}").get_data(as_text=True)


def test_an_unconfirmed_comment_deletion_writes_nothing(
    client, login_as, writes_nothing, discussed
):
    idea, author, comment = discussed
    login_as(Role.EMPLOYEE)
    _as(client, author)
    token = csrf_token(client, f"/ideas/{idea.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{idea.id}/comments/{comment.id}/delete", data={"csrf_token": token}
        )
    assert response.status_code == 200


@pytest.fixture
def attached(app, db):
    idea = factories.idea()
    attachment = attachments.add_attachment(idea, idea.author, io.BytesIO(PDF), "Konzept.pdf")
    # Committed, as a finished upload is: a rollback no longer takes its file.
    db.session.commit()
    return idea, attachment, attachments.get_attachment(idea, attachment.id)[1]


@pytest.mark.parametrize("remover", ["author", "moderator"])
def test_the_author_or_a_moderator_removes_an_attachment_and_the_history_says_so(
    client, login_as, db, attached, remover
):
    idea, attachment, path = attached
    user = login_as(Role.EMPLOYEE, Role.MODERATOR)
    if remover == "author":
        _as(client, idea.author)
        user = idea.author
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    url = f"/ideas/{idea.id}/attachments/{attachment.id}/delete"
    assert url in page
    token = csrf_token(client, f"/ideas/{idea.id}")
    asked = client.post(url, data={"csrf_token": token})
    assert "Die Datei Konzept.pdf wirklich entfernen?" in asked.get_data(as_text=True)
    assert path.is_file()
    response = client.post(url, data={"csrf_token": token, "confirm": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(Attachment).where(Attachment.id == attachment.id)) is None
    # The file went once the removal was committed.
    assert not path.exists()
    event = db.session.scalar(
        select(IdeaEvent).where(
            IdeaEvent.idea_id == idea.id, IdeaEvent.kind == IdeaEventKind.ATTACHMENT_REMOVED
        )
    )
    assert (event.detail, event.actor_id, event.from_state, event.to_state) == (
        "Konzept.pdf",
        user.id,
        None,
        None,
    )
    # No step of the lifecycle was faked: the idea's last step is still its submission.
    assert fresh(idea).state is IdeaState.SUBMITTED
    history = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert re.search(r"<strong>Datei entfernt</strong>: Konzept.pdf", history)


def test_asvs_v8_2_2_a_colleague_cannot_remove_an_attachment(
    client, login_as, writes_nothing, attached
):
    idea, attachment, path = attached
    login_as(Role.EMPLOYEE)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert f"/attachments/{attachment.id}/delete" not in page
    token = csrf_token(client, f"/ideas/{idea.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{idea.id}/attachments/{attachment.id}/delete",
            data={"csrf_token": token, "confirm": "1"},
        )
    assert response.status_code == 403
    assert path.is_file()


def test_a_refused_removal_keeps_the_file(db, attached):
    idea, attachment, path = attached
    attachments.remove_attachment(idea, attachment.id, idea.author)
    db.session.rollback()
    assert path.is_file()


def test_numbers_are_written_in_the_german_format(client, login_as, db):
    idea = factories.idea(title="Beliebte Idee")
    db.session.execute(
        update(Idea)
        .where(Idea.id == idea.id)
        .values(support_count=1234, comment_count=2345, effort_days=1500, cost_euros=250000)
    )
    attachments.add_attachment(idea, idea.author, io.BytesIO(PDF + b" " * 2_500_000), "Groß.pdf")
    attachments.add_attachment(idea, idea.author, io.BytesIO(PDF + b" " * 1_234_000), "Klein.pdf")
    login_as(Role.EMPLOYEE)
    card = client.get("/ideas/").get_data(as_text=True)
    assert "1.234 Unterstützungen" in card
    assert "2.345 Kommentare" in card
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert '<span class="ww-support-count__number">1.234</span>' in page
    assert "Kommentare (2.345)" in page
    assert "1.500 Personentage" in page
    assert "250.000 €" in page
    assert "(2,5 MB)" in page
    assert "(1,2 MB)" in page
