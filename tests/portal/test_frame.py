"""The frame around every page: the current menu entry, the language switch and error pages
that always lead to an address that answers GET."""

import re
from pathlib import Path

import pytest
from werkzeug.exceptions import (
    BadRequest,
    Conflict,
    ImATeapot,
    RequestEntityTooLarge,
    ServiceUnavailable,
    TooManyRequests,
)

from portal.accounts.models import Role
from tests import factories
from tests.conftest import csrf_token


def _language_next(html: str) -> str:
    match = re.search(r'<form class="ww-language"[^>]*>.*?name="next" value="([^"]*)"', html, re.S)
    assert match, "no language switch on the page"
    return match.group(1)


def _current(html: str) -> list[str]:
    """Return the labels of the main navigation's entries marked as the current page."""
    nav = html[html.index('<nav class="ww-nav"') :]
    return re.findall(r'class="ww-nav__link[^"]*" href="[^"]*" aria-current="page">([^<]+)<', nav)


def test_after_a_refused_comment_the_language_switch_leads_to_the_idea_page(client, login_as):
    login_as(Role.EMPLOYEE)
    idea = factories.idea()
    token = csrf_token(client, f"/ideas/{idea.id}")
    refused = client.post(f"/ideas/{idea.id}/comments", data={"csrf_token": token, "body": ""})
    assert refused.status_code == 422
    target = _language_next(refused.get_data(as_text=True))
    assert target == f"/ideas/{idea.id}"
    switched = client.post("/language/en", data={"csrf_token": token, "next": target})
    assert switched.status_code == 302
    assert switched.headers["Location"] == f"/ideas/{idea.id}"
    page = client.get(switched.headers["Location"])
    assert page.status_code == 200
    assert '<html lang="en">' in page.get_data(as_text=True)


def test_the_language_switch_keeps_a_page_that_answers_get_with_its_query(client, login_as):
    login_as(Role.EMPLOYEE)
    html = client.get("/ideas/?sort=supported&q=Rathaus").get_data(as_text=True)
    assert _language_next(html) == "/ideas/?sort=supported&amp;q=Rathaus"


@pytest.mark.parametrize(
    ("post_only", "nearest"),
    [
        ("/ideas/{id}/comments", "/ideas/{id}"),
        ("/ideas/{id}/support", "/ideas/{id}"),
        ("/ideas/{id}/state", "/ideas/{id}"),
        ("/notifications/read", "/notifications/"),
        ("/logout", "/"),
    ],
)
def test_a_get_on_an_address_that_only_receives_forms_redirects_to_its_page(
    client, login_as, writes_nothing, post_only, nearest
):
    login_as(Role.EMPLOYEE)
    idea = factories.idea()
    with writes_nothing():
        response = client.get(post_only.format(id=idea.id))
    assert response.status_code == 303
    assert response.headers["Location"] == nearest.format(id=idea.id)
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_get_on_an_administrators_form_address_redirects_to_the_users_page(client, login_as):
    login_as(Role.ADMIN)
    user = factories.user(email="kollegin@musterstadt.example")
    response = client.get(f"/admin/users/{user.id}/password")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/admin/users/{user.id}"


def test_the_nearest_page_is_one_the_user_may_open(client, login_as):
    login_as(Role.EMPLOYEE)
    user = factories.user(email="kollegin@musterstadt.example")
    # /admin/users/<id> answers GET, but only administrators may open it.
    response = client.get(f"/admin/users/{user.id}/password")
    assert response.headers["Location"] == "/"


def test_another_method_on_a_form_address_gets_a_405_page_in_the_portals_design(
    client, login_as, writes_nothing
):
    login_as(Role.EMPLOYEE)
    idea = factories.idea()
    with writes_nothing():
        response = client.put(f"/ideas/{idea.id}/comments")
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    html = response.get_data(as_text=True)
    assert '<header class="ww-header">' in html
    assert '<footer class="ww-footer">' in html
    assert "Diese Adresse nimmt nur Formulare entgegen" in html
    assert f'<a class="kern-link" href="/ideas/{idea.id}">' in html
    assert "Zurück zur Seite" in html
    assert "Method Not Allowed" not in html


def test_a_405_page_without_an_account_leads_to_the_sign_in(client, db):
    response = client.delete("/imprint")
    assert response.status_code == 405
    html = response.get_data(as_text=True)
    assert '<footer class="ww-footer">' in html
    assert 'href="/login"' in html
    assert "Zur Anmeldung" in html


@pytest.mark.parametrize(
    "error",
    [BadRequest, Conflict, RequestEntityTooLarge, TooManyRequests, ServiceUnavailable, ImATeapot],
)
def test_every_http_error_is_a_page_in_the_portals_words(app, db, error):
    with app.test_request_context("/imprint"):
        response = app.make_response(app.handle_user_exception(error()))
    assert response.status_code == error.code
    html = response.get_data(as_text=True)
    assert '<header class="ww-header">' in html
    assert '<footer class="ww-footer">' in html
    assert f"Fehler {error.code}" in html
    assert error.description not in html  # Werkzeug's English text
    assert 'class="ww-error__next"' in html


@pytest.mark.parametrize(
    ("path", "current"),
    [
        ("/ideas/{id}", "Ideen"),
        ("/ideas/{id}/edit", "Ideen"),
        ("/ideas/mine", "Meine Ideen"),
        ("/notifications/", "Benachrichtigungen"),
    ],
)
def test_the_current_menu_entry_is_marked(client, login_as, path, current):
    user = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=user)
    html = client.get(path.format(id=idea.id)).get_data(as_text=True)
    assert _current(html) == [current]


def test_the_menu_entry_stays_marked_on_an_idea_page_after_a_refused_comment(client, login_as):
    login_as(Role.EMPLOYEE)
    idea = factories.idea()
    token = csrf_token(client, f"/ideas/{idea.id}")
    refused = client.post(f"/ideas/{idea.id}/comments", data={"csrf_token": token, "body": ""})
    assert refused.status_code == 422
    assert _current(refused.get_data(as_text=True)) == ["Ideen"]


def test_the_folded_menu_lists_the_same_entries_and_marks_the_current_one(client, login_as):
    login_as(Role.EMPLOYEE)
    html = client.get("/ideas/mine").get_data(as_text=True)
    menu = html[html.index('<details class="ww-menu">') : html.index("</details>")]
    assert "<summary" in menu
    assert "Menü" in menu
    assert re.findall(r'aria-current="page">([^<]+)<', menu) == ["Meine Ideen"]
    assert 'href="/ideas/"' in menu
    assert 'href="/notifications/"' in menu


def test_every_rule_of_the_stylesheet_is_closed():
    # An unclosed rule turns every rule after it into a nested one that matches nothing.
    css = (Path(__file__).parents[2] / "portal/static/css/wandelwerk.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.DOTALL)
    depth, opened = 0, []
    for line_number, line in enumerate(css.splitlines(), start=1):
        for char in line:
            if char == "{":
                depth += 1
                opened.append((line_number, line.strip()))
                # Only @media and @supports hold rules of their own.
                assert depth == 1 or opened[-2][1].startswith("@"), opened[-2:]
            elif char == "}":
                depth -= 1
                opened.pop()
    assert depth == 0, opened
