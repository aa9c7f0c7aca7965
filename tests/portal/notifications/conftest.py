"""Services of the idea portal build links, so their tests run inside a request context."""

from collections.abc import Iterator

import pytest
from flask import Flask


@pytest.fixture(autouse=True)
def request_context(app: Flask, db: object) -> Iterator[None]:
    """Push a request context for services and factories called outside a request."""
    with app.test_request_context():
        yield
