"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select

from portal.accounts.models import Municipality
from portal.extensions import db as _db

#: Objects the models cannot describe (full-text search tables and their shadow tables).
IGNORED_TABLES = {"alembic_version"}
#: PostgreSQL's full-text search of ideas: a generated column and its index.
IGNORED_COLUMNS_AND_INDEXES = {"search_vector", "ix_idea_search_vector"}


def _include(obj, name, type_, reflected, compare_to):
    if type_ in ("column", "index") and name in IGNORED_COLUMNS_AND_INDEXES:
        return False
    return not (type_ == "table" and (name in IGNORED_TABLES or "_fts" in (name or "")))


def test_models_and_migrations_agree(app, db):
    connection = db.session.connection()
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_object": _include}
    )
    assert compare_metadata(context, _db.metadata) == []


def test_first_migration_creates_the_default_municipality(db):
    assert db.session.scalar(select(Municipality.slug)) == "default"
