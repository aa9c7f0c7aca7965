"""Password rules (ASVS 5.0 V6.2): long passwords welcome, guessable and published ones refused
offline, with a message that says why; the demo loader alone may use the demo password."""

import time

import pytest
from flask import Flask

from portal.accounts import services
from portal.accounts.models import Role, User
from portal.accounts.services import UserData, WeakPassword
from tests import factories
from tests.conftest import csrf_token

LONG_SENTENCE = "Im Rathaus von Musterstadt gibt es montags frischen Kaffee für alle!"


def _change(client, new):
    return client.post(
        "/account",
        data={
            "current": factories.PASSWORD,
            "new": new,
            "confirm": new,
            "csrf_token": csrf_token(client, "/account"),
        },
    )


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("aaaaaaaaaaaa", "zu leicht zu erraten"),
        ("Passwort1234", "zu leicht zu erraten"),
        ("Willkommen2026", "zu leicht zu erraten"),
        ("qwertzuiop123", "zu leicht zu erraten"),
        ("musterstadt-demo", "als Passwort der Demo-Zugänge veröffentlicht"),
        ("Musterstadt-Demo", "als Passwort der Demo-Zugänge veröffentlicht"),
    ],
)
def test_v6_2_4_common_and_published_passwords_are_refused_with_a_reason(
    client, db, login_as, writes_nothing, password, message
):
    user = login_as()
    old_hash = user.password_hash
    with writes_nothing():
        response = _change(client, password)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == old_hash


def test_v6_2_9_a_password_of_64_characters_and_more_is_accepted(client, db, login_as):
    password = LONG_SENTENCE + " Und Tee."
    assert len(password) >= 64
    user = login_as()
    assert _change(client, password).status_code == 302
    db.session.refresh(user)
    assert services.verify_password(user, password)


def test_v6_2_9_a_password_longer_than_256_characters_is_refused_before_hashing(
    client, db, login_as, writes_nothing
):
    login_as()
    with writes_nothing():
        response = _change(client, LONG_SENTENCE * 4)
    assert response.status_code == 422
    assert "Höchstens 256 Zeichen." in response.get_data(as_text=True)


def test_v6_2_9_the_service_itself_refuses_more_than_256_characters(app, db):
    with pytest.raises(WeakPassword, match="höchstens 256"):
        services.check_password_rules(LONG_SENTENCE * 4)


def test_checking_the_longest_password_takes_well_under_a_second(app: Flask, db):
    started = time.perf_counter()
    services.check_password_rules("Kq8#vL2!mZ9@pW4&" * 16)
    assert time.perf_counter() - started < 1.0


def test_v6_2_4_an_administrator_cannot_set_the_demo_password(client, db, login_as):
    login_as(Role.ADMIN)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Sven Lehmann",
            "email": "s.lehmann@musterstadt.example",
            "locale": "de",
            "roles": ["employee"],
            "active": "y",
            "password": "musterstadt-demo",
            "csrf_token": csrf_token(client, "/admin/users/new"),
        },
    )
    assert response.status_code == 422
    assert "Demo-Zugänge" in response.get_data(as_text=True)


def test_only_the_demo_loader_may_create_accounts_with_the_demo_password(app, db):
    data = UserData(
        name="Demo Person",
        email="demo.person@musterstadt.example",
        org_unit_id=None,
        locale="de",
        roles=frozenset({Role.EMPLOYEE}),
    )
    with pytest.raises(WeakPassword):
        services.create_user(data, services.DEMO_PASSWORD)
    user = services.create_user(data, services.DEMO_PASSWORD, demo=True)
    assert isinstance(user, User)
    assert services.verify_password(user, services.DEMO_PASSWORD)


def test_the_test_password_itself_passes_the_rules(app, db):
    services.check_password_rules(factories.PASSWORD, email="a@musterstadt.example", name="A")
