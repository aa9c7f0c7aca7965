"""Actions that cannot be undone are confirmed in a second step that needs no JavaScript
(`portal.core.confirm`): the first post shows "Really …?" and writes nothing; a second post with
`confirm=1` carries out the action."""

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.core.confirm import Confirmation, ask, confirmed
from portal.ideas.models import Idea, IdeaState
from tests import factories
from tests.conftest import csrf_token
from tests.portal.ideas.test_idea_pages import fresh


def _hidden_fields(html):
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))


def _confirmation_form(html, action):
    """Return the confirmation page's form: it posts to *action* again, with confirm=1."""
    assert f'action="{action}"' in html
    fields = _hidden_fields(html)
    assert fields["confirm"] == "1"
    return fields


def test_ask_carries_the_form_and_posts_it_again(app):
    with app.test_request_context(
        "/ideas/7/state",
        method="POST",
        data={
            "csrf_token": "t",
            "target": "declined",
            "reason": 'Nicht "jetzt" <b>',
            "x": ["1", "2"],
        },
    ):
        assert not confirmed()
        html = ask(Confirmation("Wirklich?", "Ja, ablehnen", "/ideas/7", ("Was geschieht.",)))
    assert "<h1" in html
    assert "Wirklich?" in html
    assert "Was geschieht." in html
    assert 'action="/ideas/7/state"' in html
    assert 'name="reason" value="Nicht &#34;jetzt&#34; &lt;b&gt;"' in html
    assert html.count('name="x"') == 2
    assert 'name="confirm" value="1"' in html
    assert '<a class="kern-btn kern-btn--secondary" href="/ideas/7">' in html
    # Without script: a plain form and a submit button; the page's only script is the frame's.
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/frame.js" defer>']
    assert '<button type="submit"' in html
    with app.test_request_context("/x", method="POST", data={"confirm": "1"}):
        assert confirmed()


def test_declining_asks_first_and_writes_nothing_until_confirmed(client, login_as, writes_nothing):
    idea = factories.idea(title="Digitale Wartemarken")
    login_as(Role.MODERATOR)
    token = csrf_token(client, f"/ideas/{idea.id}")
    data = {"csrf_token": token, "target": "declined", "reason": "Das Land baut das schon."}
    with writes_nothing():
        response = client.post(f"/ideas/{idea.id}/state", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"Idee Nr.\u00a0{idea.id} wirklich ablehnen?" in html
    assert "Das Land baut das schon." in html
    fields = _confirmation_form(html, f"/ideas/{idea.id}/state")
    assert (fields["target"], fields["reason"]) == ("declined", "Das Land baut das schon.")
    response = client.post(f"/ideas/{idea.id}/state", data=fields)
    assert response.status_code == 302
    assert fresh(idea).state is IdeaState.DECLINED
    assert idea.decline_reason == "Das Land baut das schon."


def test_a_decline_without_reason_is_refused_before_it_is_confirmed(
    client, login_as, writes_nothing
):
    idea = factories.idea()
    login_as(Role.MODERATOR)
    token = csrf_token(client, f"/ideas/{idea.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{idea.id}/state", data={"csrf_token": token, "target": "declined"}
        )
    assert response.status_code == 422
    assert "wirklich" not in response.get_data(as_text=True)


def test_merging_asks_first_in_words_that_say_which_way(client, login_as, writes_nothing):
    keep = factories.idea(title="Online-Terminvergabe")
    duplicate = factories.idea(title="Termine online buchen")
    login_as(Role.MODERATOR)
    token = csrf_token(client, f"/ideas/{duplicate.id}")
    data = {"csrf_token": token, "keep_id": str(keep.id), "reason": "Gleiches Anliegen."}
    with writes_nothing():
        response = client.post(f"/ideas/{duplicate.id}/merge", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert (
        f"Idee Nr.\u00a0{duplicate.id} „Termine online buchen“ ist eine Dublette von Idee "
        f"Nr.\u00a0{keep.id} „Online-Terminvergabe“ — zusammenführen in Nr.\u00a0{keep.id}."
    ) in html
    assert f"In Idee Nr.\u00a0{keep.id} zusammenführen" in html
    fields = _confirmation_form(html, f"/ideas/{duplicate.id}/merge")
    response = client.post(f"/ideas/{duplicate.id}/merge", data=fields)
    assert response.headers["Location"] == f"/ideas/{keep.id}"
    assert fresh(duplicate).merged_into_id == keep.id


def test_deleting_a_draft_asks_first(client, login_as, writes_nothing, db):
    author = login_as(Role.EMPLOYEE)
    draft = factories.idea(author=author, title="Halbfertiger Gedanke", submit=False)
    token = csrf_token(client, f"/ideas/{draft.id}")
    with writes_nothing():
        response = client.post(f"/ideas/{draft.id}/delete", data={"csrf_token": token})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Den Entwurf „Halbfertiger Gedanke“ wirklich löschen?" in html
    assert f'href="/ideas/{draft.id}"' in html
    fields = _confirmation_form(html, f"/ideas/{draft.id}/delete")
    response = client.post(f"/ideas/{draft.id}/delete", data=fields)
    assert response.status_code == 302
    assert db.session.scalar(select(Idea).where(Idea.id == draft.id)) is None


@pytest.mark.parametrize("confirm", ["", "1"])
def test_asvs_v8_2_2_a_colleague_cannot_delete_a_draft_with_or_without_confirming(
    client, login_as, writes_nothing, confirm
):
    draft = factories.idea(submit=False)
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/ideas/mine")
    with writes_nothing():
        response = client.post(
            f"/ideas/{draft.id}/delete", data={"csrf_token": token, "confirm": confirm}
        )
    assert response.status_code == 404
