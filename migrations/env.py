"""Alembic environment: migrate the database of the running portal application.

The models describe the whole schema but the full-text search of ideas, which is
dialect-specific (revision 763297bd1aba) and known here: autogenerate and `db check` leave it out
(`UNMODELLED`), and every migration step ends by restoring the SQLite triggers that keep the
search index current (`restore_fts_triggers`).

SQLite changes most columns by copying a table (`op.batch_alter_table`), which needs its
foreign keys off while the migrations run (`foreign_keys_off`).
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from logging.config import fileConfig
from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from flask import current_app
from sqlalchemy import Connection, text
from sqlalchemy.schema import SchemaItem

config = context.config
if config.config_file_name is not None and not current_app.testing:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

db = current_app.extensions["migrate"].db
target_metadata = db.metadata

#: SQLite's full-text index of ideas: an FTS5 table that reads its texts from the table `idea`
#: (external content) and is told of every change by triggers on `idea`.
FTS_TABLE = "idea_fts"
FTS_CONTENT_TABLE = "idea"

#: Objects of the database that the models do not describe, as (kind, name); columns and indexes
#: are named `table.name`. They make up the full-text search of ideas: on SQLite the FTS5 table
#: and the shadow tables FTS5 keeps its index in, on PostgreSQL a generated column and its GIN
#: index. Without this list, `db migrate` would write a revision that drops them.
UNMODELLED: frozenset[tuple[str, str]] = frozenset(
    {
        ("table", FTS_TABLE),
        *(("table", f"{FTS_TABLE}_{shadow}") for shadow in ("data", "idx", "docsize", "config")),
        ("column", "idea.search_vector"),
        ("index", "idea.ix_idea_search_vector"),
    }
)


def include_object(
    obj: SchemaItem,
    name: str | None,
    type_: str,
    reflected: bool,
    compare_to: SchemaItem | None,
) -> bool:
    """Compare every object of the database and the models except those in `UNMODELLED`."""
    key = name if type_ == "table" else f"{obj.table.name}.{name}"  # type: ignore[attr-defined]
    return (type_, key) not in UNMODELLED


def _fts_triggers(columns: list[str]) -> dict[str, str]:
    """Return the triggers that keep `FTS_TABLE` current for the indexed *columns*, by name."""
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    add = f"INSERT INTO {FTS_TABLE}(rowid, {listed}) VALUES (new.id, {new});"
    # An external-content FTS5 table forgets a row only when told its old values.
    remove = (
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    )
    return {
        f"{FTS_TABLE}_insert": f"AFTER INSERT ON {FTS_CONTENT_TABLE} BEGIN {add} END",
        f"{FTS_TABLE}_delete": f"AFTER DELETE ON {FTS_CONTENT_TABLE} BEGIN {remove} END",
        f"{FTS_TABLE}_update": (
            f"AFTER UPDATE OF {listed} ON {FTS_CONTENT_TABLE} BEGIN {remove} {add} END"
        ),
    }


def restore_fts_triggers(ctx: MigrationContext, **_: Any) -> None:
    """Create the missing triggers of `FTS_TABLE` on SQLite, and then rebuild its index.

    SQLite drops a table's triggers with the table, and a batch operation that copies `idea`
    (`op.batch_alter_table`, which SQLite needs for most column changes) would leave new and
    changed ideas out of the search without a sign. Alembic calls this after every step, inside
    the step's transaction, so that no step is committed without the triggers. The triggers are
    defined here only, from the columns of the FTS table: the revision that creates or changes
    that table decides what is indexed, and the triggers match it at every revision. The rebuild
    indexes what was written while they were missing.
    """
    connection = ctx.connection
    if connection is None or ctx.dialect.name != "sqlite":
        return
    columns = list(
        connection.scalars(text("SELECT name FROM pragma_table_info(:t)"), {"t": FTS_TABLE})
    )
    if not columns:
        return
    existing = set(
        connection.scalars(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
            {"t": FTS_CONTENT_TABLE},
        )
    )
    triggers = _fts_triggers(columns)
    if triggers.keys() <= existing:
        return
    for name, definition in triggers.items():
        connection.execute(text(f"CREATE TRIGGER IF NOT EXISTS {name} {definition}"))
    connection.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
    logger.info("Created the missing triggers of %s and rebuilt its index.", FTS_TABLE)


@contextmanager
def foreign_keys_off(connection: Connection) -> Iterator[None]:
    """Switch SQLite's foreign keys off on *connection* while the migrations run on it.

    A batch operation copies a table, drops the original and renames the copy. Dropping a table
    that other rows point to, with foreign keys on, deletes those rows through ON DELETE CASCADE
    (supports and comments of every idea) or fails. SQLite ignores the switch inside a
    transaction, so it is set on the driver's connection before SQLAlchemy begins one;
    `check_foreign_keys` then checks every step.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    (enforced,) = driver.execute("PRAGMA foreign_keys").fetchone()
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        # The connection goes back to the pool and must enforce foreign keys again; the switch
        # would be ignored inside the transaction that Alembic's last reads may have begun.
        connection.rollback()
        driver.execute(f"PRAGMA foreign_keys={enforced}")


def check_foreign_keys(ctx: MigrationContext, **_: Any) -> None:
    """Refuse to commit a step that leaves rows pointing to no row (SQLite, foreign keys off)."""
    connection = ctx.connection
    if connection is None or ctx.dialect.name != "sqlite":
        return
    dangling = connection.execute(text("PRAGMA foreign_key_check")).all()
    if dangling:
        raise RuntimeError(f"The migration leaves rows pointing to no row: {dangling[:10]}")


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render the portal's own column types as plain SQLAlchemy types, so that revisions
    do not import the application."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def skip_empty_autogenerate(
    ctx: MigrationContext, revision: Any, directives: list[MigrationScript]
) -> None:
    """Write no revision when autogenerate finds no change."""
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def _options() -> dict[str, Any]:
    """Return the options of both modes: the application's (`Migrate(...)`) and this file's."""
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("include_object", include_object)
    options.setdefault("on_version_apply", (restore_fts_triggers, check_foreign_keys))
    options.setdefault("process_revision_directives", skip_empty_autogenerate)
    options.setdefault("render_item", render_item)
    return options


def run_migrations_offline() -> None:
    """Write the SQL of the migrations instead of running them (`--sql`)."""
    if db.engine.dialect.name == "sqlite":
        # Whether a step dropped the triggers of the full-text search can only be seen in the
        # database itself; a script would silently leave the search behind.
        raise RuntimeError(
            "SQLite databases are migrated in place: run `db upgrade` without --sql."
        )
    context.configure(
        url=db.engine.url.render_as_string(hide_password=False),
        target_metadata=target_metadata,
        literal_binds=True,
        **_options(),
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations against the application's database, in one transaction (on SQLite,
    which Alembic does not trust with transactional DDL, one per step)."""
    with db.engine.connect() as connection, foreign_keys_off(connection):
        context.configure(connection=connection, target_metadata=target_metadata, **_options())
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
