"""Administrators create users, assign roles and org units, deactivate and reset passwords."""

import pytest
from sqlalchemy import select

from portal.accounts.models import OrgUnit, OrgUnitKind, Role, User
from portal.accounts.services import OrgUnitData, create_org_unit
from portal.core.errors import Conflict
from tests import factories
from tests.conftest import csrf_token


def _user_form(client, path, **fields):
    data = {
        "name": "Lena Meier",
        "email": "lena.meier@musterstadt.example",
        "org_unit_id": "",
        "locale": "de",
        "roles": ["employee"],
        "active": "y",
        "csrf_token": csrf_token(client, path),
    }
    data.update(fields)
    return client.post(path, data=data)


def test_admin_creates_a_user_who_must_replace_the_initial_password(client, login_as):
    login_as(Role.ADMIN)
    unit = factories.org_unit(code="Amt 33", name="Bürgeramt")
    response = _user_form(
        client,
        "/admin/users/new",
        email="Lena.Meier@Musterstadt.example",
        org_unit_id=str(unit.id),
        roles=["employee", "assessor"],
        password="Startpasswort 2026",
    )
    assert response.status_code == 302
    user = factories.db.session.scalar(
        select(User).where(User.email == "lena.meier@musterstadt.example")
    )
    assert user.roles == {Role.EMPLOYEE, Role.ASSESSOR}
    assert user.org_unit_id == unit.id
    assert user.must_change_password


def test_invalid_user_form_keeps_what_was_typed(client, login_as):
    login_as(Role.ADMIN)
    response = _user_form(
        client, "/admin/users/new", name="Sven Lehmann", roles=[], password="kurz"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Sven Lehmann"' in html
    assert "Wählen Sie mindestens eine Rolle." in html
    assert "Mindestens 12 Zeichen." in html


def test_duplicate_e_mail_is_refused(client, login_as):
    login_as(Role.ADMIN)
    factories.user(email="lena.meier@musterstadt.example")
    response = _user_form(client, "/admin/users/new", password="Startpasswort 2026")
    assert response.status_code == 422
    assert "Es gibt bereits ein Konto" in response.get_data(as_text=True)


def test_admin_changes_roles_and_deactivates_a_user(client, login_as):
    login_as(Role.ADMIN)
    user = factories.user(roles={Role.EMPLOYEE, Role.MODERATOR}, email="x@musterstadt.example")
    path = f"/admin/users/{user.id}"
    response = _user_form(
        client, path, email="x@musterstadt.example", roles=["board_member"], active=""
    )
    assert response.status_code == 302
    factories.db.session.refresh(user)
    assert user.roles == {Role.BOARD_MEMBER}
    assert not user.active


def test_admin_cannot_lock_themselves_out(client, login_as):
    admin = login_as(Role.ADMIN, email="me@musterstadt.example")
    path = f"/admin/users/{admin.id}"
    response = _user_form(client, path, email="me@musterstadt.example", roles=["employee"])
    assert response.status_code == 422
    factories.db.session.refresh(admin)
    assert Role.ADMIN in admin.roles


def test_admin_resets_a_password(client, login_as):
    login_as(Role.ADMIN)
    user = factories.user()
    response = client.post(
        f"/admin/users/{user.id}/password",
        data={
            "password": "Neues Startpasswort",
            "csrf_token": csrf_token(client, f"/admin/users/{user.id}"),
        },
    )
    assert response.status_code == 302
    factories.db.session.refresh(user)
    assert user.must_change_password


def test_user_list_filters_by_role_text_and_status(client, login_as):
    login_as(Role.ADMIN, name="Katrin Vogel", email="admin@musterstadt.example")
    factories.user(name="Heike Schulz", roles={Role.BOARD_MEMBER})
    factories.user(name="Uwe Kaiser", active=False)
    html = client.get("/admin/users?role=board_member").get_data(as_text=True)
    assert "Heike Schulz" in html
    assert "Uwe Kaiser" not in html
    html = client.get("/admin/users?active=no").get_data(as_text=True)
    assert "Uwe Kaiser" in html
    assert "Heike Schulz" not in html
    html = client.get("/admin/users?q=schulz").get_data(as_text=True)
    assert "Heike Schulz" in html
    assert "admin@musterstadt.example" not in html


def test_user_list_needs_the_same_number_of_queries_for_few_and_many_users(
    client, login_as, count_queries
):
    login_as(Role.ADMIN)
    unit = factories.org_unit()
    factories.user(org_unit=unit)
    with count_queries() as few:
        client.get("/admin/users")
    for _ in range(20):
        factories.user(org_unit=factories.org_unit(), roles={Role.EMPLOYEE, Role.ASSESSOR})
    with count_queries() as many:
        client.get("/admin/users")
    assert len(many) == len(few)


def test_org_units_form_a_tree_without_cycles(client, login_as):
    login_as(Role.ADMIN)
    top = factories.org_unit(code="Dez. I", kind=OrgUnitKind.DEZERNAT)
    below = factories.org_unit(code="Amt 10", parent=top)
    response = client.post(
        f"/admin/org-units/{top.id}",
        data={
            "kind": "dezernat",
            "code": "Dez. I",
            "name": "Zentrale Dienste",
            "parent_id": str(below.id),
            "csrf_token": csrf_token(client, f"/admin/org-units/{top.id}"),
        },
    )
    assert response.status_code == 422
    assert "nicht unter sich selbst" in response.get_data(as_text=True)
    factories.db.session.refresh(top)
    assert top.parent_id is None


@pytest.mark.parametrize(
    ("kind", "parent_kind", "allowed"),
    [
        (OrgUnitKind.DEZERNAT, None, True),
        (OrgUnitKind.DEZERNAT, OrgUnitKind.ABTEILUNG, False),
        (OrgUnitKind.STABSSTELLE, None, True),
        (OrgUnitKind.STABSSTELLE, OrgUnitKind.DEZERNAT, True),
        (OrgUnitKind.STABSSTELLE, OrgUnitKind.AMT, False),
        (OrgUnitKind.AMT, OrgUnitKind.DEZERNAT, True),
        (OrgUnitKind.AMT, None, False),
        (OrgUnitKind.AMT, OrgUnitKind.AMT, False),
        (OrgUnitKind.ABTEILUNG, OrgUnitKind.AMT, True),
        (OrgUnitKind.ABTEILUNG, OrgUnitKind.DEZERNAT, False),
    ],
)
def test_org_units_follow_the_hierarchy_of_an_administration(db, kind, parent_kind, allowed):
    parent = factories.org_unit(kind=parent_kind) if parent_kind else None
    data = OrgUnitData(kind, "Neu 1", "Neue Einheit", parent.id if parent else None)
    if allowed:
        assert create_org_unit(data).parent_id == (parent.id if parent else None)
    else:
        with pytest.raises(Conflict):
            create_org_unit(data)


def test_an_office_with_divisions_cannot_become_a_division(client, login_as):
    login_as(Role.ADMIN)
    top = factories.org_unit(code="Dez. III", kind=OrgUnitKind.DEZERNAT)
    office = create_org_unit(OrgUnitData(OrgUnitKind.AMT, "Amt 40", "Schulamt", top.id))
    create_org_unit(OrgUnitData(OrgUnitKind.ABTEILUNG, "40.1", "Schulbau", office.id))
    response = client.post(
        f"/admin/org-units/{office.id}",
        data={
            "kind": "abteilung",
            "code": "Amt 40",
            "name": "Schulamt",
            "parent_id": str(top.id),
            "csrf_token": csrf_token(client, f"/admin/org-units/{office.id}"),
        },
    )
    assert response.status_code == 422
    assert "40.1" in response.get_data(as_text=True)


def test_admin_creates_an_org_unit_below_another(client, login_as):
    login_as(Role.ADMIN)
    top = factories.org_unit(code="Dez. II", kind=OrgUnitKind.DEZERNAT)
    response = client.post(
        "/admin/org-units/new",
        data={
            "kind": "amt",
            "code": "Amt 33",
            "name": "Bürgeramt",
            "parent_id": str(top.id),
            "csrf_token": csrf_token(client, "/admin/org-units/new"),
        },
    )
    assert response.status_code == 302
    created = factories.db.session.scalar(select(OrgUnit).where(OrgUnit.code == "Amt 33"))
    assert created.parent_id == top.id
    page = client.get("/admin/org-units").get_data(as_text=True)
    assert page.index("Dez. II") < page.index("Amt 33")


def test_admin_renames_the_municipality_shown_in_the_header(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/settings",
        data={"name": "  Stadt Zeitz ", "csrf_token": csrf_token(client, "/admin/settings")},
    )
    assert response.status_code == 302
    assert "Offizielle Website – Stadt Zeitz" in client.get("/").get_data(as_text=True)


def test_empty_municipality_name_is_refused(client, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/settings", data={"name": " ", "csrf_token": csrf_token(client, "/admin/settings")}
    )
    assert response.status_code == 422
