"""Tests of accounts; `sign_in` posts the sign-in form as a browser would."""

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import csrf_token


def sign_in(client: FlaskClient, email: str, password: str, **extra: str) -> TestResponse:
    """Post the sign-in form of *client* with *email* and *password*."""
    data = {"email": email, "password": password, "csrf_token": csrf_token(client, "/login")}
    data.update(extra)
    return client.post("/login", data=data)
