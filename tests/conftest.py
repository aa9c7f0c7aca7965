"""Fixtures that stack: app → db → client → login_as(role); each test in a rolled-back transaction.

The suite runs on SQLite and, when TEST_DATABASE_URL is set, once more on PostgreSQL. The schema
is built by the Alembic migrations, as in production. Under pytest-xdist every worker process has
databases of its own: a SQLite file in its own temporary folder, and a PostgreSQL database named
after TEST_DATABASE_URL's with the worker's id appended (`test_gw0`), created when missing.
"""

from __future__ import annotations

import contextvars
import os
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import URL, Connection, create_engine, event, inspect, make_url, text
from sqlalchemy.orm import scoped_session, sessionmaker

from config import TestingConfig, normalise_database_url
from portal import create_app
from portal.accounts.models import Role, User
from portal.accounts.sessions import session_values
from portal.core.tenancy import set_tenant
from portal.extensions import Base
from portal.extensions import db as _db
from tests import factories


class RequestClient(FlaskClient):
    """A test client whose every request runs in its own application context, as in production.

    Without this, a request would reuse the test's application context, and values cached on
    `g` for one request (the tenant, the locale) would leak into the next.
    """

    def open(self, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        return contextvars.Context().run(super().open, *args, **kwargs)


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def _create_postgresql_database(url: URL) -> None:
    """Create *url*'s database unless it exists, through the server's maintenance database."""
    # CREATE DATABASE cannot run inside a transaction, nor while connected to the new database.
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not exists:
            name = connection.dialect.identifier_preparer.quote(str(url.database))
            connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()


def _reset_postgresql(url: URL) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _postgresql_url() -> str:
    """Return the emptied PostgreSQL database of this test process."""
    url = make_url(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    # Each xdist worker empties its database at start; one shared database would lose its
    # schema under the feet of the other workers.
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        url = url.set(database=f"{url.database}_{worker}")
    _create_postgresql_database(url)
    _reset_postgresql(url)
    return url.render_as_string(hide_password=False)


def _database_url(backend: str, folder: Path) -> str:
    if backend == "postgresql":
        return _postgresql_url()
    # tmp_path_factory gives every xdist worker a folder of its own.
    return f"sqlite:///{folder / 'test.db'}"


@pytest.fixture(scope="session", params=BACKENDS)
def app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Flask]:
    """The portal on a freshly migrated database (SQLite file or the test PostgreSQL)."""
    folder = tmp_path_factory.mktemp(f"instance-{request.param}")
    config = TestingConfig(
        SQLALCHEMY_DATABASE_URI=_database_url(request.param, folder), INSTANCE_PATH=folder
    )
    app = create_app(config)
    app.test_client_class = RequestClient
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    yield app
    with app.app_context():
        _db.engine.dispose()


@contextmanager
def rolled_back_database(app: Flask, *, within: Connection | None = None) -> Iterator[object]:
    """Give the database inside a transaction that is rolled back at the end.

    Every session (the caller's own and one per request) is bound to this connection and joins
    its transaction with a savepoint: a request's commit releases its savepoint, so the caller
    sees what the request wrote, and nothing outlives the block. Objects the caller holds may
    be stale after a request; refresh them.

    *within*, the connection of a `shared_database` block, makes the transaction a savepoint of
    that block's, so the caller sees the data shared there and leaves it as it was.
    """
    with app.app_context():
        connection = within or _db.engine.connect()
        transaction = connection.begin_nested() if within else connection.begin()
        original = _db.session
        # A plain SQLAlchemy session: Flask-SQLAlchemy's own picks the engine by bind key and
        # would bypass this connection.
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"),
            scopefunc=_app_ctx_id,
        )
        # Services called by the caller work for the default municipality, as a request or a
        # command of this installation would.
        set_tenant(factories.municipality().id)
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            if within is None:
                connection.close()


class SharedData(dict[str, Any]):
    """The ids of what the data that the tests of a module share holds, by name, and the
    connection of its transaction."""

    def __init__(self, connection: Connection) -> None:
        super().__init__()
        self.connection = connection


@contextmanager
def shared_database(app: Flask) -> Iterator[SharedData]:
    """Give a rolled-back transaction for data that many tests share.

    Build the data inside the block (a module-scoped fixture) and keep only the ids of what was
    built in it by name (`kept` turns a dataclass of objects into one of ids): its objects belong
    to the building session. With `db_within(name)` in the module, each test runs in a savepoint
    of the shared transaction, so building once serves the whole module.
    """
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        try:
            with rolled_back_database(app, within=connection):
                yield SharedData(connection)
        finally:
            transaction.rollback()
            connection.close()


@dataclass(frozen=True)
class Kept:
    """A database object by its class and identity, to load in the session of each test."""

    model: type[Any]
    identity: tuple[Any, ...]


def kept(value: Any) -> Any:
    """Return *value* with every database object in it replaced by a `Kept`.

    *value* is a database object, a plain value, or a dataclass, list or tuple holding them;
    containers keep their type, so `loaded` gives back the shape the building code returned.
    """
    if isinstance(value, Base):
        identity = inspect(value).identity
        assert identity is not None, f"{value!r} is not flushed yet"
        return Kept(type(value), identity)
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: kept(getattr(value, f.name)) for f in fields(value)})
    if isinstance(value, list | tuple):
        return type(value)(kept(item) for item in value)
    return value


def loaded(value: Any) -> Any:
    """Return what `kept` was given, its database objects loaded in the current session."""
    if isinstance(value, Kept):
        found = _db.session.get(value.model, value.identity)
        assert found is not None, f"{value} is not in the shared data of this test"
        return found
    if is_dataclass(value) and not isinstance(value, type):
        return replace(value, **{f.name: loaded(getattr(value, f.name)) for f in fields(value)})
    if isinstance(value, list | tuple):
        return type(value)(loaded(item) for item in value)
    return value


def db_within(shared: str) -> Callable[..., Iterator[object]]:
    """Return a `db` fixture that runs each test in a savepoint of the `SharedData` fixture
    named *shared* (whatever the module calls it, pytest knows it as `db`)."""

    @pytest.fixture(name="db")
    def db(app: Flask, request: pytest.FixtureRequest) -> Iterator[object]:
        data: SharedData = request.getfixturevalue(shared)
        with rolled_back_database(app, within=data.connection) as database:
            yield database

    return db


@pytest.fixture
def db(app: Flask) -> Iterator[object]:
    """The database inside a transaction that is rolled back after the test."""
    with rolled_back_database(app) as database:
        yield database


@pytest.fixture
def client(app: Flask, db: object) -> FlaskClient:
    """A browser without an account."""
    return app.test_client()


@pytest.fixture
def login_as(client: FlaskClient, db: object) -> Callable[..., User]:
    """Sign *client* in as a new user holding *roles* (default: employee); return the user."""

    def sign_in(*roles: Role, **attributes: object) -> User:
        user = factories.user(roles=set(roles) or {Role.EMPLOYEE}, **attributes)
        start_session(client, user)
        return user

    return sign_in


def start_session(client: FlaskClient, user: User) -> None:
    """Give *client* a session of *user*, as signing in with the password would."""
    with client.session_transaction() as session:
        session.update(session_values(user))


@pytest.fixture
def count_queries(db: object) -> Callable[[], Iterator[list[str]]]:
    """Count the SQL statements run inside a `with count_queries() as queries:` block."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []
        engine = _db.engine

        def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK)", statement, re.IGNORECASE):
                statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


Snapshot = dict[str, list[tuple[object, ...]]]


def table_snapshot() -> Snapshot:
    """Return every row of every table the models describe, in a stable order."""
    return {
        table.name: sorted((tuple(row) for row in _db.session.execute(table.select())), key=repr)
        for table in _db.metadata.sorted_tables
    }


@pytest.fixture
def writes_nothing(db: object) -> Callable[..., AbstractContextManager[None]]:
    """Check that the requests inside `with writes_nothing():` leave every table as it was.

    `except_tables` names the tables a refusal may still write to through
    `portal.core.transactions.keep_regardless` (failed sign-ins).
    """

    @contextmanager
    def unchanged(*, except_tables: Iterable[str] = ()) -> Iterator[None]:
        before = table_snapshot()
        yield
        after = table_snapshot()
        changed = {
            name: (before[name], after[name])
            for name in before
            if before[name] != after[name] and name not in set(except_tables)
        }
        assert not changed, f"a refused request wrote to {sorted(changed)}: {changed}"

    return unchanged


def csrf_token(client: FlaskClient, path: str) -> str:
    """Open *path* and return the CSRF token of its form."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)
