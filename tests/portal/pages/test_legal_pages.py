"""The legal pages every public body publishes (imprint, privacy policy, accessibility statement)
and the help: open to everybody, linked on every page, written per municipality by its
administrators only."""

import pytest
from sqlalchemy import select

from portal.accounts.models import Municipality, Role
from portal.core.tenancy import set_tenant
from portal.pages.models import LegalPage, LegalText
from portal.pages.services import save_legal_text
from tests import factories
from tests.conftest import csrf_token

LEGAL = {"/imprint": "Impressum", "/privacy": "Datenschutzerklärung",
         "/accessibility": "Erklärung zur Barrierefreiheit"}  # fmt: skip
FOOTER = ('href="/imprint"', 'href="/privacy"', 'href="/accessibility"', 'href="/help/"')


def _publish(kind: LegalPage, body: str) -> LegalText:
    admin = factories.user(roles={Role.ADMIN}, email=f"admin-{kind.value}@musterstadt.example")
    return save_legal_text(kind, body, admin)


def _footer(html: str) -> str:
    return html[html.index('<footer class="ww-footer">') :]


def test_the_footer_links_the_legal_pages_and_the_help_on_a_public_page(client):
    for path in ("/login", "/imprint", "/help/"):
        footer = _footer(client.get(path).get_data(as_text=True))
        for link in FOOTER:
            assert link in footer, f"{path} lacks {link}"


def test_the_footer_links_the_legal_pages_and_the_help_on_a_signed_in_page(client, login_as):
    login_as(Role.EMPLOYEE)
    for path in ("/", "/ideas/", "/account", "/nowhere"):
        footer = _footer(client.get(path).get_data(as_text=True))
        for link in FOOTER:
            assert link in footer, f"{path} lacks {link}"


@pytest.mark.parametrize("path", [*LEGAL, "/help/", "/help/employee", "/help/staff_council"])
def test_the_pages_answer_without_an_account(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert 'action="/logout"' not in response.get_data(as_text=True)


def test_a_published_text_is_shown_as_markdown_in_german_with_its_title(client, db):
    _publish(LegalPage.IMPRINT, "### Herausgeberin\n\nStadt Musterstadt\\\nRathausplatz 1")
    html = client.get("/imprint").get_data(as_text=True)
    assert "<h1" in html
    assert "Impressum</h1>" in html
    assert '<div class="ww-prose ww-prose--page" lang="de">' in html
    assert "<h3>Herausgeberin</h3>" in html
    assert "Stadt Musterstadt<br" in html


def test_english_readers_are_told_that_the_text_is_in_german(client, db):
    _publish(LegalPage.PRIVACY, "Wir speichern Ihre Ideen.")
    client.post("/language/en", data={"csrf_token": csrf_token(client, "/login")})
    html = client.get("/privacy").get_data(as_text=True)
    assert "Privacy policy</h1>" in html
    assert "publishes this text in German" in html
    assert "Wir speichern Ihre Ideen." in html


def test_a_page_without_text_says_that_it_is_not_published_yet(client, db):
    html = client.get("/accessibility").get_data(as_text=True)
    assert "noch nicht veröffentlicht" in html


def test_an_administrator_edits_a_legal_text(client, login_as, db):
    admin = login_as(Role.ADMIN, Role.EMPLOYEE)
    assert client.get("/admin/legal/").status_code == 200
    form = client.get("/admin/legal/accessibility")
    assert form.status_code == 200
    assert "Text (auf Deutsch)" in form.get_data(as_text=True)
    response = client.post(
        "/admin/legal/accessibility",
        data={
            "csrf_token": csrf_token(client, "/admin/legal/accessibility"),
            "body": "Teilweise vereinbar. Schlichtungsstelle nach § 16 BGG.",
        },
    )
    assert response.status_code == 302
    text = db.session.scalar(select(LegalText).where(LegalText.kind == LegalPage.ACCESSIBILITY))
    assert text.body == "Teilweise vereinbar. Schlichtungsstelle nach § 16 BGG."
    assert text.updated_by_id == admin.id
    assert "Schlichtungsstelle nach § 16 BGG" in client.get("/accessibility").get_data(as_text=True)


def test_an_administrator_changes_an_existing_text_in_place(client, login_as, db):
    _publish(LegalPage.IMPRINT, "Alte Anschrift")
    login_as(Role.ADMIN)
    client.post(
        "/admin/legal/imprint",
        data={"csrf_token": csrf_token(client, "/admin/legal/imprint"), "body": "Neue Anschrift"},
    )
    texts = db.session.scalars(select(LegalText)).all()
    assert [(text.kind, text.body) for text in texts] == [(LegalPage.IMPRINT, "Neue Anschrift")]


@pytest.mark.parametrize(
    "roles",
    [
        (Role.EMPLOYEE,),
        (Role.MODERATOR, Role.EMPLOYEE),
        (Role.STAFF_COUNCIL,),
        (Role.BOARD_MEMBER, Role.ASSESSOR),
    ],
)
def test_only_administrators_edit_the_texts(client, login_as, writes_nothing, roles):
    _publish(LegalPage.IMPRINT, "Stadt Musterstadt")
    login_as(*roles)
    token = csrf_token(client, "/")
    with writes_nothing():
        assert client.get("/admin/legal/").status_code == 403
        assert client.get("/admin/legal/imprint").status_code == 403
        response = client.post(
            "/admin/legal/imprint", data={"csrf_token": token, "body": "Gekapert"}
        )
        assert response.status_code == 403
    assert "Gekapert" not in client.get("/imprint").get_data(as_text=True)


def test_without_an_account_the_texts_cannot_be_edited(client, db, writes_nothing):
    token = csrf_token(client, "/login")
    with writes_nothing():
        response = client.post(
            "/admin/legal/privacy", data={"csrf_token": token, "body": "Gekapert"}
        )
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


def test_an_empty_text_is_refused_and_writes_nothing(client, login_as, writes_nothing):
    _publish(LegalPage.PRIVACY, "Gültiger Text")
    login_as(Role.ADMIN)
    token = csrf_token(client, "/admin/legal/privacy")
    with writes_nothing():
        response = client.post("/admin/legal/privacy", data={"csrf_token": token, "body": "  \n "})
        assert response.status_code == 422
        assert "Bitte geben Sie den Text der Seite ein." in response.get_data(as_text=True)
        response = client.post("/admin/legal/privacy", data={"body": "ohne Token"})
        assert response.status_code == 400


def test_an_unknown_page_answers_404(client, login_as, writes_nothing):
    login_as(Role.ADMIN)
    token = csrf_token(client, "/admin/legal/")
    with writes_nothing():
        assert client.get("/admin/legal/cookies").status_code == 404
        response = client.post("/admin/legal/cookies", data={"csrf_token": token, "body": "x"})
        assert response.status_code == 404
        assert client.get("/help/mayor").status_code == 404


def test_the_service_refuses_a_user_who_is_no_administrator(db):
    from portal.core.errors import Forbidden

    employee = factories.user(roles={Role.EMPLOYEE})
    with pytest.raises(Forbidden):
        save_legal_text(LegalPage.IMPRINT, "Text", employee)


def test_the_texts_are_those_of_each_municipality(client, db):
    home = factories.municipality()
    _publish(LegalPage.IMPRINT, "Stadt Musterstadt, Rathausplatz 1")
    other = Municipality(slug="nachbarstadt", name="Stadt Nachbarstadt")
    db.session.add(other)
    db.session.flush()
    set_tenant(other.id)
    neighbour_admin = factories.user(roles={Role.ADMIN}, email="admin@nachbarstadt.example")
    save_legal_text(LegalPage.IMPRINT, "Stadt Nachbarstadt, Marktplatz 7", neighbour_admin)
    save_legal_text(LegalPage.PRIVACY, "Datenschutz der Nachbarstadt", neighbour_admin)
    set_tenant(home.id)
    imprint = client.get("/imprint").get_data(as_text=True)
    assert "Rathausplatz 1" in imprint
    assert "Marktplatz 7" not in imprint
    privacy = client.get("/privacy").get_data(as_text=True)
    assert "Nachbarstadt" not in privacy
    assert "noch nicht veröffentlicht" in privacy
    # Both municipalities have an imprint: one row each.
    set_tenant(other.id)
    assert db.session.scalar(select(LegalText.body).where(LegalText.kind == LegalPage.IMPRINT)) == (
        "Stadt Nachbarstadt, Marktplatz 7"
    )


def test_an_administrator_sees_the_legal_pages_in_the_navigation(client, login_as):
    login_as(Role.ADMIN)
    html = client.get("/admin/legal/").get_data(as_text=True)
    assert 'href="/admin/legal/" aria-current="page">Rechtstexte' in html


def test_the_start_page_panels_link_the_help_of_each_role(client, login_as):
    login_as(Role.EMPLOYEE, Role.STAFF_COUNCIL)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/help/employee"' in html
    assert 'href="/help/staff_council"' in html
    assert 'href="/help/admin"' not in html


def test_the_help_of_a_role_says_what_it_can_do_today(client, db):
    html = client.get("/help/moderator").get_data(as_text=True)
    assert "Screening" in html
    assert 'href="/ideas/screening"' in html
    html = client.get("/help/assessor").get_data(as_text=True)
    assert "bietet sie noch nicht an" in html
