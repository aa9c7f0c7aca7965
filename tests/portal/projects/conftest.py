"""The board's decisions and the project made of one, built once for each module that asks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from portal.extensions import db as _db
from tests.conftest import SharedData, kept, loaded, shared_database
from tests.portal.projects.helpers import Places, places


@pytest.fixture(scope="module")
def places_data(app: Flask) -> Iterator[SharedData]:
    """The `places()` of a module, built once; the module runs its tests
    `db_within("places_data")`."""
    with shared_database(app) as shared:
        shared["places"] = kept(places())
        _db.session.commit()
        yield shared


@pytest.fixture
def shared_places(db: object, places_data: SharedData) -> Places:
    """The module's `places()`, loaded in the test's savepoint."""
    found: Places = loaded(places_data["places"])
    return found
