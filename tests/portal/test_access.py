"""Who may open what: every view declares it, and the error pages answer in the portal's design."""

import pytest
from sqlalchemy import select

import config
from portal import create_app
from portal.accounts.models import OrgUnit, Role
from portal.core.access import PUBLIC, allow, declared_access
from tests import factories


def test_every_view_declares_who_may_use_it(app):
    undeclared = [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static" and declared_access(view) is None
    ]
    assert undeclared == []


@pytest.mark.parametrize("path", ["/admin/users", "/admin/users/new", "/admin/org-units"])
@pytest.mark.parametrize(
    "role", [Role.EMPLOYEE, Role.MODERATOR, Role.ASSESSOR, Role.BOARD_MEMBER, Role.STAFF_COUNCIL]
)
def test_only_administrators_open_admin_pages(client, login_as, path, role):
    login_as(role)
    response = client.get(path)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "Zugriff verweigert" in html
    assert "kern.min.css" in html


def test_administrator_opens_admin_pages(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/admin/users").status_code == 200
    assert client.get("/admin/org-units").status_code == 200


def test_anonymous_visitor_is_sent_to_the_login_page(client, db):
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_unknown_page_answers_404_in_the_portal_design(client, db):
    response = client.get("/does-not-exist")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


def test_unknown_user_answers_404(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/admin/users/999999").status_code == 404


def test_navigation_shows_only_what_the_role_may_open(client, login_as):
    login_as(Role.EMPLOYEE)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/admin/users"' not in html


def test_pages_forbid_framing_and_foreign_scripts(client, db):
    headers = client.get("/login").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_crash_answers_500_in_the_design_and_writes_nothing(app, db):
    # Outside tests Flask does not propagate exceptions; this app behaves like production.
    production_like = create_app(
        config.TestingConfig(
            TESTING=False, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"]
        )
    )

    @production_like.route("/crash")
    @allow(PUBLIC)
    def crash():
        factories.org_unit(code="Amt 99", name="Halb angelegt")
        raise RuntimeError("simulated failure")

    response = production_like.test_client().get("/crash")
    assert response.status_code == 500
    assert "Etwas ist schiefgelaufen" in response.get_data(as_text=True)
    assert db.session.scalar(select(OrgUnit).where(OrgUnit.code == "Amt 99")) is None


def test_start_page_shows_a_panel_for_each_role_held(client, login_as):
    login_as(Role.EMPLOYEE, Role.STAFF_COUNCIL)
    html = client.get("/").get_data(as_text=True)
    assert "Mitarbeitende" in html
    assert "Personalrat" in html
    assert "Lenkungsgruppe" not in html
