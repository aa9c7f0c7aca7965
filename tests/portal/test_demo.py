"""The demo municipality Musterstadt: the documented log-ins work and every role is present."""

import pytest
from sqlalchemy import func, select

from portal.accounts.models import OrgUnit, OrgUnitKind, Role, User
from portal.demo import load_demo
from tests.conftest import csrf_token

DEMO_LOGINS = {
    "admin@musterstadt.example": Role.ADMIN,
    "moderation@musterstadt.example": Role.MODERATOR,
    "bewertung@musterstadt.example": Role.ASSESSOR,
    "lenkung@musterstadt.example": Role.BOARD_MEMBER,
    "personalrat@musterstadt.example": Role.STAFF_COUNCIL,
    "mitarbeiterin@musterstadt.example": Role.EMPLOYEE,
}


@pytest.fixture
def demo(app, db):
    with app.test_request_context():
        load_demo()
    return db


def test_demo_has_five_dezernate_about_forty_users_and_every_role(demo):
    dezernate = demo.session.scalar(
        select(func.count(OrgUnit.id)).where(OrgUnit.kind == OrgUnitKind.DEZERNAT)
    )
    assert dezernate == 5
    users = demo.session.scalars(select(User)).all()
    assert 35 <= len(users) <= 50
    assert set().union(*(user.roles for user in users)) == set(Role)


@pytest.mark.parametrize(("email", "role"), DEMO_LOGINS.items())
def test_documented_demo_log_ins_work(demo, client, email, role):
    response = client.post(
        "/login",
        data={
            "email": email,
            "password": "musterstadt-demo",
            "csrf_token": csrf_token(client, "/login"),
        },
    )
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert f'id="panel-{role.value}"' in html
