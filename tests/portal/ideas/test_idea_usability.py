"""What a new user of the idea portal tripped over: one id per field, merge wording that says
which way, a reason field that says when it is needed, "my ideas" filtered as the start page
promises, drafts with a title only, org units by name, similar-idea hints that fit."""

import re
from collections import Counter

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import OrgUnitKind, Role
from portal.ideas.models import Idea, IdeaState
from portal.ideas.services import authoring, lifecycle, search
from tests import factories
from tests.conftest import csrf_token
from tests.portal.ideas.test_idea_pages import IDEA_FORM, fresh

S = IdeaState


def _ids(html):
    return Counter(re.findall(r'\sid="([^"]+)"', html))


def test_the_moderators_idea_page_gives_every_field_its_own_id(client, login_as):
    idea = factories.idea()
    login_as(Role.MODERATOR)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    # The forms of the page share one CSRF token without repeating its id.
    assert [name for name, count in _ids(html).items() if count > 1] == []
    # Each label points at its own field: the decline reason and the merge note.
    assert '<label class="kern-label" for="decline-reason">Begründung' in html
    assert '<label class="kern-label" for="merge-note">Hinweis' in html
    assert re.search(r'<textarea [^>]*id="decline-reason" [^>]*name="reason"', html)
    assert re.search(r'<textarea [^>]*id="merge-note" [^>]*name="reason"', html)


def test_the_decline_reason_says_it_is_required(client, login_as):
    idea = factories.idea()
    login_as(Role.MODERATOR)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    label = re.search(r'<label class="kern-label" for="decline-reason">(.*?)</label>', html, re.S)
    assert "Pflicht beim Ablehnen" in label.group(1)
    assert "– optional" not in label.group(1)
    # The reason belongs to the decline button alone, not to "Start screening".
    screening_form = re.search(
        r'<form[^>]*/state"[^>]*>(?:(?!</form>).)*value="screening"', html, re.S
    )
    assert "decline-reason" not in screening_form.group(0)


def test_merge_wording_says_which_idea_is_the_duplicate_and_which_is_kept(client, login_as):
    keep, duplicate = factories.idea(), factories.idea()
    moderator = login_as(Role.MODERATOR)
    html = client.get(f"/ideas/{duplicate.id}").get_data(as_text=True)
    assert "Diese Idee ist eine Dublette von Idee Nr." in html
    assert "In die angegebene Idee zusammenführen" in html
    # The phrase of the kept idea's note is not the button's any more.
    assert "In diese Idee zusammenführen" not in html
    lifecycle.merge(duplicate, keep, factories.user(roles={Role.MODERATOR}))
    kept = client.get(f"/ideas/{keep.id}").get_data(as_text=True)
    assert "In diese Idee zusammengeführt" in kept
    merged = client.get(f"/ideas/{duplicate.id}").get_data(as_text=True)
    assert "Diese Idee ist eine Dublette und wurde zusammengeführt in" in merged
    assert moderator


def test_my_drafts_and_my_submitted_ideas_open_filtered_lists(client, login_as):
    author = login_as(Role.EMPLOYEE)
    factories.idea(author=author, title="Mein Entwurf", submit=False)
    factories.idea(author=author, title="Meine eingereichte Idee")
    start = client.get("/").get_data(as_text=True)
    assert 'href="/ideas/mine?show=drafts">Meine Entwürfe</a>' in start
    assert 'href="/ideas/mine?show=submitted">Meine eingereichten Ideen</a>' in start
    drafts = client.get("/ideas/mine?show=drafts").get_data(as_text=True)
    assert "Mein Entwurf" in drafts
    assert "Meine eingereichte Idee" not in drafts
    assert 'aria-current="page">Entwürfe</a>' in drafts
    submitted = client.get("/ideas/mine?show=submitted").get_data(as_text=True)
    assert "Meine eingereichte Idee" in submitted
    assert "Mein Entwurf" not in submitted
    everything = client.get("/ideas/mine?show=nonsense").get_data(as_text=True)
    assert "Mein Entwurf" in everything
    assert "Meine eingereichte Idee" in everything


def test_a_draft_can_be_saved_with_its_title_alone(client, login_as, db):
    author = login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/ideas/new")
    response = client.post(
        "/ideas/new",
        data={"csrf_token": token, "title": "Dienstreisen ohne Papier", "action": "draft"},
    )
    assert response.status_code == 302
    idea = db.session.scalar(select(Idea).where(Idea.author_id == author.id))
    assert (idea.state, idea.problem, idea.proposal) == (S.DRAFT, "", "")
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Noch nicht ausgefüllt." in page
    assert (
        "Bevor Sie ihn einreichen können, füllen Sie bitte aus: "
        "„Was ist das Problem?“ und „Was schlagen Sie vor?“"
    ) in page
    form = client.get(f"/ideas/{idea.id}/edit").get_data(as_text=True)
    assert 'Was ist das Problem? <span class="kern-label__optional">– zum Einreichen nötig' in form


def test_submitting_an_incomplete_idea_says_what_is_missing(client, login_as, writes_nothing):
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/ideas/new")
    with writes_nothing():
        response = client.post(
            "/ideas/new",
            data={
                "csrf_token": token,
                "title": "Dienstreisen ohne Papier",
                "problem": "Anträge auf Papier.",
                "action": "submit",
            },
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "bitte füllen Sie aus: „Was schlagen Sie vor?“" in html
    assert 'id="proposal-error"' in html
    assert 'id="problem-error"' not in html
    assert "Anträge auf Papier." in html


def test_an_incomplete_draft_cannot_be_submitted_from_its_page(client, login_as, writes_nothing):
    author = login_as(Role.EMPLOYEE)
    draft = authoring.create_idea(authoring.IdeaData(title="Nur ein Titel"), author)
    token = csrf_token(client, f"/ideas/{draft.id}")
    with writes_nothing():
        response = client.post(
            f"/ideas/{draft.id}/state", data={"csrf_token": token, "target": "submitted"}
        )
    assert response.status_code == 422
    assert "„Was ist das Problem?“ und „Was schlagen Sie vor?“" in response.get_data(as_text=True)
    assert fresh(draft).state is S.DRAFT


def test_a_submitted_idea_keeps_its_texts(client, login_as, writes_nothing, db):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author)
    token = csrf_token(client, f"/ideas/{idea.id}/edit")
    with writes_nothing():
        response = client.post(
            f"/ideas/{idea.id}/edit",
            data={"csrf_token": token, "title": idea.title, "problem": "", "proposal": "V"},
        )
    assert response.status_code == 422
    idea.problem = ""
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.flush()


def test_org_units_show_code_and_name(client, login_as):
    unit = factories.org_unit(
        code="11.2", name="Organisation und Prozessmanagement", kind=OrgUnitKind.ABTEILUNG
    )
    author = factories.user()
    idea = authoring.create_idea(
        authoring.IdeaData("Aktenplan", "P", "V", org_unit_ids=frozenset({unit.id})),
        author,
        submit=True,
    )
    login_as(Role.EMPLOYEE)
    for path in (f"/ideas/{idea.id}", "/ideas/", "/ideas/?q=Aktenplan"):
        html = client.get(path).get_data(as_text=True)
        assert "11.2 – Organisation und Prozessmanagement" in html, path


def test_similar_ideas_are_only_open_ones(db):
    moderator = factories.user(roles={Role.MODERATOR})
    open_one = factories.idea(title="Terminvergabe online im Bürgeramt")
    declined = factories.idea(title="Terminvergabe per Telefon-App")
    lifecycle.change_state(declined, S.DECLINED, moderator, "Nein.")
    merged = factories.idea(title="Terminvergabe im Internet")
    lifecycle.merge(merged, open_one, moderator)
    factories.idea(title="Terminvergabe als Entwurf", submit=False)
    found = [idea.id for idea in search.similar_ideas("Terminvergabe")]
    assert found == [open_one.id]


@pytest.mark.parametrize(
    ("state", "shown"),
    [(None, True), (S.DRAFT, True), (S.SUBMITTED, False), (S.SCREENING, False)],
)
def test_similar_ideas_box_only_while_writing_a_new_idea_or_draft(client, login_as, state, shown):
    author = login_as(Role.EMPLOYEE, Role.MODERATOR)
    if state is None:
        path = "/ideas/new"
    else:
        idea = factories.idea(author=author, submit=state is not S.DRAFT)
        if state is S.SCREENING:
            lifecycle.change_state(idea, S.SCREENING, factories.user(roles={Role.MODERATOR}))
        path = f"/ideas/{idea.id}/edit"
    html = client.get(path).get_data(as_text=True)
    assert ('id="similar-ideas"' in html) is shown
    assert ("js/ideas.js" in html) is shown


def test_the_new_idea_form_still_works_in_full(client, login_as):
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, "/ideas/new")
    response = client.post(
        "/ideas/new", data={**IDEA_FORM, "csrf_token": token, "action": "submit"}
    )
    assert response.status_code == 302
