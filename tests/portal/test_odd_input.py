"""Odd input is never a server error (OWASP ASVS 5.0 V1.2, V2.2: input validation): every route
of the URL map, with overflowing, non-ASCII, textual and missing values in the path, the query
string and the form, answers with a page, a 404, a 400 or the form with a message."""

from __future__ import annotations

import re

import pytest

from portal.accounts.models import Role
from portal.extensions import db as _db
from tests import factories
from tests.conftest import csrf_token, start_session

#: Values a person or a tampered link may send where a number, a choice or a text belongs.
ODD = [
    "9" * 30,
    "-1",
    "0",
    "²",
    "٣",
    "1.5",
    "abc",
    "",
    " ",
    "None",
    "\x00",
    "<script>",
    "ä" * 300,
    "%",
]

#: Every form field name the portal's forms use.
FIELDS = [
    "title", "problem", "proposal", "benefit_citizens", "benefit_staff", "field_of_action_id",
    "org_unit_ids", "tags", "effort_days", "cost_euros", "author_public", "action", "body",
    "parent_id", "target", "reason", "keep_id", "file", "name", "description", "active",
    "field_ids", "email", "password", "current", "new", "confirm", "remember", "next",
    "org_unit_id", "locale", "roles", "kind", "code", "email_mode",
]  # fmt: skip

QUERY = ["page", "q", "state", "field", "org_unit", "tag", "sort", "after", "before", "role",
         "active", "title", "exclude", "next"]  # fmt: skip


def _routes(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint != "static"]
    return sorted(rules, key=lambda rule: rule.rule)


def _path(rule, value: str) -> str:
    """Return the rule's path with *value* for every variable part."""
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", value, rule.rule)


@pytest.fixture
def signed_in(client, login_as):
    user = login_as(Role.EMPLOYEE, Role.MODERATOR, Role.ADMIN)
    idea = factories.idea()
    return client, user, idea, csrf_token(client, f"/ideas/{idea.id}")


@pytest.mark.parametrize("value", ODD)
def test_no_route_answers_odd_input_with_a_server_error(app, signed_in, value):
    """Send *value* in every variable part of every route's path, in every query parameter and
    in every form field at once, and again with a real id in the path so the view itself runs.

    Every value meets every route and every field (a random sample of combinations would leave
    most of them out, at several times the requests).
    """
    client, user, idea, token = signed_in
    query = dict.fromkeys(QUERY, value)
    form = {**dict.fromkeys(FIELDS, value), "csrf_token": token}
    for rule in _routes(app):
        # Whatever the previous route did (signing out, say), the next one is signed in again.
        _db.session.refresh(user)  # signing out raised the session generation
        start_session(client, user)
        for number in {value, str(idea.id)} if rule.arguments else {value}:
            path = _path(rule, number)
            if "GET" in rule.methods:
                response = client.get(path, query_string=query)
                assert response.status_code < 500, (path, query)
            if "POST" in rule.methods:
                response = client.post(path, data=form)
                assert response.status_code < 500, (path, form)


def test_an_edit_without_the_optional_fields_keeps_them(client, login_as):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author, tags=("e-akte", "bauamt"))
    token = csrf_token(client, f"/ideas/{idea.id}/edit")
    response = client.post(
        f"/ideas/{idea.id}/edit",
        data={"csrf_token": token, "title": "Neu", "problem": "P", "proposal": "V"},
    )
    assert response.status_code == 302
    factories.db.session.refresh(idea)
    assert (idea.title, [tag.name for tag in idea.tags]) == ("Neu", ["bauamt", "e-akte"])


@pytest.mark.parametrize("where", ["query", "form", "key"])
def test_the_nul_character_is_refused_with_400_and_writes_nothing(
    client, login_as, writes_nothing, where
):
    login_as(Role.ADMIN, Role.EMPLOYEE)
    token = csrf_token(client, "/ideas/new")
    with writes_nothing():
        if where == "query":
            response = client.get("/admin/users", query_string={"q": "a\x00b"})
        else:
            data = {"csrf_token": token, "title": "T", "problem": "P", "proposal": "V"}
            data["title\x00" if where == "key" else "title"] = "Akte\x00"
            response = client.post("/ideas/new", data=data)
    assert response.status_code == 400
