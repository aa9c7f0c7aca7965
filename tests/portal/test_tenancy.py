"""Two municipalities in one database: nothing of one is seen, found or changed from the other.

The installation serves the municipality `WANDELWERK_TENANT` (here: the default one); a second
municipality with its own staff and ideas lives in the same tables.
"""

import io

import pytest
from sqlalchemy import select

from portal.accounts.models import Municipality, OrgUnitKind, Role, User
from portal.core.registry import Link
from portal.core.tenancy import NoTenant, WrongTenant, across_tenants, set_tenant
from portal.extensions import db as _db
from portal.ideas.models import Idea, IdeaState, Tag
from portal.ideas.services import attachments, discussion, lifecycle
from portal.notifications import services as notifications
from tests import factories
from tests.conftest import csrf_token, start_session

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def neighbour(db):
    """Stadt Nachbarstadt with a moderator, an idea in screening with a tag, a support, a
    comment, an attachment, a field of action, an org unit and a notification."""
    home = factories.municipality()
    other = Municipality(slug="nachbarstadt", name="Stadt Nachbarstadt")
    db.session.add(other)
    db.session.flush()
    set_tenant(other.id)
    unit = factories.org_unit(code="Amt 77", name="Nachbarschaftsamt", kind=OrgUnitKind.AMT)
    moderator = factories.user(
        roles={Role.MODERATOR, Role.EMPLOYEE}, email="moderation@nachbarstadt.example"
    )
    field = factories.field_of_action("Nachbarschaftshilfe")
    idea = factories.idea(
        title="Quartiersgarten Zaunkönigweg",
        problem="Brachfläche hinter dem Rathaus.",
        field_of_action_id=field.id,
        tags=("zaunkönig",),
    )
    lifecycle.change_state(idea, IdeaState.SCREENING, moderator)
    discussion.support(idea, moderator)
    discussion.add_comment(idea, moderator, "Gießkannen gibt es im Bauhof.")
    attachment = attachments.add_attachment(idea, idea.author, io.BytesIO(PDF), "Lageplan.pdf")
    [notification] = notifications.notify(
        [moderator], "notification.text", {"text": "Zaunkönig"}, Link("ideas.index")
    )
    found = {
        "municipality": other,
        "unit": unit,
        "moderator": moderator,
        "field": field,
        "idea": idea,
        "attachment": attachment,
        "notification": notification,
    }
    set_tenant(home.id)
    return found


def test_no_page_list_search_or_hint_shows_the_other_municipality(client, login_as, neighbour):
    login_as(Role.EMPLOYEE, Role.MODERATOR, Role.ADMIN)
    factories.idea(title="Quartiersgarten am Rathaus")  # a home idea with a shared word
    pages = [
        "/",
        "/ideas/",
        "/ideas/?q=Zaunkönigweg",
        "/ideas/?q=Quartiersgarten",
        "/ideas/?tag=zaunkönig",
        "/ideas/screening",
        "/ideas/fields",
        "/notifications/",
        "/admin/users",
        "/admin/users?q=nachbarstadt",
        "/admin/org-units",
    ]
    secrets = (
        f'href="/ideas/{neighbour["idea"].id}"',
        "Zaunkönigweg",
        "Nachbarschaft",
        "nachbarstadt.example",
        "Amt 77",
    )
    for path in pages:
        html = client.get(path).get_data(as_text=True)
        for secret in secrets:
            # The search form repeats what was searched for.
            if secret not in path:
                assert secret not in html, f"{path} shows {secret!r}"
    hints = client.get("/ideas/similar?title=Quartiersgarten Zaunkönigweg").get_json()
    assert [hint["title"] for hint in hints] == ["Quartiersgarten am Rathaus"]


def test_ids_of_the_other_municipality_answer_404(client, login_as, neighbour):
    own = factories.idea()
    login_as(Role.EMPLOYEE, Role.MODERATOR, Role.ADMIN)
    idea, attachment = neighbour["idea"], neighbour["attachment"]
    for path in (
        f"/ideas/{idea.id}",
        f"/ideas/{idea.id}/edit",
        f"/ideas/{idea.id}/attachments/{attachment.id}",
        f"/ideas/{own.id}/attachments/{attachment.id}",
        f"/ideas/fields/{neighbour['field'].id}",
        f"/admin/users/{neighbour['moderator'].id}",
        f"/admin/org-units/{neighbour['unit'].id}",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/notifications/")
    for path in (
        f"/ideas/{idea.id}/support",
        f"/ideas/{idea.id}/comments",
        f"/ideas/{idea.id}/state",
        f"/notifications/{neighbour['notification'].id}/open",
    ):
        assert client.post(path, data={"csrf_token": token, "body": "x"}).status_code == 404, path


def test_staff_of_the_other_municipality_cannot_sign_in_here(client, neighbour):
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf_token(client, "/login"),
            "email": "moderation@nachbarstadt.example",
            "password": factories.PASSWORD,
        },
    )
    assert response.status_code == 401
    # A session that names one of their users is nobody here.
    start_session(client, neighbour["moderator"])
    assert client.get("/").status_code == 302


def test_the_same_address_and_tag_may_exist_in_both(db, neighbour):
    here = factories.user(email="moderation@nachbarstadt.example")
    factories.idea(tags=("zaunkönig",))
    with across_tenants():
        addresses = db.session.scalars(
            select(User.municipality_id).where(User.email == here.email)
        ).all()
        tags = db.session.scalars(select(Tag.municipality_id).where(Tag.name == "zaunkönig")).all()
    assert len(set(addresses)) == len(set(tags)) == 2


def test_digests_of_one_municipality_leave_the_other_alone(db, neighbour):
    factories.user()
    assert notifications.start_digests() == 0
    set_tenant(neighbour["municipality"].id)
    # The author hears that the idea is screened, the moderator of the text notification.
    assert notifications.start_digests() == 2


def test_a_query_without_a_municipality_is_an_error_not_an_empty_answer(db, neighbour):
    _db.session.info.pop("wandelwerk_tenant")
    with pytest.raises(NoTenant):
        _db.session.scalars(select(Idea)).all()


def test_a_row_cannot_be_written_into_the_other_municipality(db, neighbour):
    _db.session.add(Tag(name="fremd", municipality_id=neighbour["municipality"].id))
    with pytest.raises(WrongTenant):
        _db.session.flush()
    _db.session.rollback()


def test_the_pager_counts_only_this_municipalitys_rows(db, neighbour):
    from portal.core.pagination import paginate

    own = factories.idea()
    page = paginate(select(Idea).order_by(Idea.id), 1, 10)
    assert [idea.id for idea in page.items] == [own.id]
    # The count runs over a subquery, which names no model at its top.
    assert page.total == 1
