"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and the
full-text search of ideas outlives later schema changes.

`db check` and `db migrate` run as a developer runs them, through `migrations/env.py`, which alone
knows the database objects the models do not describe. Tests that change the schema do so on a
database of their own (`own_app`), never on the one the session shares.
"""

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import Result
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, insert, make_url, select, text
from sqlalchemy.exc import IntegrityError

import config
from portal import create_app
from portal.accounts.models import Municipality
from portal.core.tenancy import set_tenant
from portal.extensions import db as _db
from portal.ideas.models import ParticipationCount, Support
from portal.ideas.queries import IdeaFilter, list_ideas
from portal.ideas.services.authoring import IdeaData, update_idea
from portal.ideas.services.discussion import add_comment, support
from tests import factories

#: A revision that changes a column of `idea` the way SQLite needs it: by copying the table,
#: which drops the table's triggers with the original. PostgreSQL alters the table in place.
COPY_IDEA_REVISION = '''"""ideas: staff benefit is optional"""
from alembic import op
import sqlalchemy as sa

revision = "c0b1ed1dea00"
down_revision = {head!r}
branch_labels = None
depends_on = None


def upgrade():
    recreate = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("idea", recreate=recreate) as batch_op:
        batch_op.alter_column("benefit_staff", existing_type=sa.Text(), nullable=True)


def downgrade():
    pass
'''


def _copy_migrations(app: Flask, folder: Path) -> Path:
    """Copy the migrations folder of *app* into *folder*, so that revisions can be added."""
    copy = folder / "migrations"
    shutil.copytree(
        app.extensions["migrate"].directory, copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    return copy


def _db_command(app: Flask, *args: str) -> Result:
    """Run `wandelwerk db *args*` as a developer would."""
    return app.test_cli_runner().invoke(args=["db", *args])


@contextmanager
def _own_database(app: Flask, folder: Path) -> Iterator[str]:
    """Yield the URL of a new, empty database on *app*'s backend, and drop it afterwards."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{folder / 'own.db'}"
        return
    own = url.set(database=f"{url.database}_own")
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    drop = text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)')
    with server.connect() as connection:
        connection.execute(drop)
        connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    try:
        yield own.render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(drop)
        server.dispose()


@pytest.fixture
def own_app(app: Flask, tmp_path: Path) -> Iterator[Flask]:
    """The portal on a freshly migrated database of its own, on the backend of `app`."""
    with _own_database(app, tmp_path) as url:
        own = create_app(config.TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=tmp_path))
        with own.app_context():
            upgrade()
            try:
                yield own
            finally:
                _db.session.remove()
                _db.engine.dispose()


def test_check_finds_no_difference_on_a_freshly_migrated_database(app):
    assert _db_command(app, "check").exit_code == 0


def test_autogenerate_writes_no_revision_on_a_freshly_migrated_database(app, tmp_path):
    migrations = _copy_migrations(app, tmp_path)
    revisions = set((migrations / "versions").iterdir())
    result = _db_command(app, "migrate", "--directory", str(migrations), "-m", "nothing")
    assert result.exit_code == 0, result.output
    assert set((migrations / "versions").iterdir()) == revisions


def test_check_and_autogenerate_see_a_column_the_models_lack(own_app, tmp_path, caplog):
    # The same kind of object as the ignored `idea.search_vector`, but not on the list.
    with _db.engine.begin() as connection:
        connection.execute(text("ALTER TABLE idea ADD COLUMN note TEXT"))

    assert _db_command(own_app, "check").exit_code == 1
    assert "remove_column" in caplog.text
    assert "note" in caplog.text

    migrations = _copy_migrations(own_app, tmp_path)
    revisions = set((migrations / "versions").iterdir())
    result = _db_command(own_app, "migrate", "--directory", str(migrations), "-m", "drift")
    assert result.exit_code == 0, result.output
    (written,) = set((migrations / "versions").iterdir()) - revisions
    upgrade_ops = written.read_text().split("def downgrade")[0]
    assert "batch_op.drop_column('note')" in upgrade_ops
    assert "idea_fts" not in upgrade_ops
    assert "search_vector" not in upgrade_ops


def _found(words: str) -> set[int]:
    """Return the ids of the ideas the idea list finds for *words*."""
    return {idea.id for idea in list_ideas(IdeaFilter(text=words), 25).items}


def test_search_and_supports_outlive_a_migration_that_copies_the_idea_table(own_app, tmp_path):
    set_tenant(factories.municipality().id)
    older = factories.idea(title="Digitale Bauakte", problem="Akten liegen im Keller.")
    support(older, factories.user())
    older_id = older.id
    _db.session.commit()

    migrations = _copy_migrations(own_app, tmp_path)
    head = ScriptDirectory(str(migrations)).get_current_head()
    revision = migrations / "versions" / "c0b1ed1dea00_ideas_staff_benefit_is_optional.py"
    revision.write_text(COPY_IDEA_REVISION.format(head=head))
    upgrade(directory=str(migrations))

    set_tenant(factories.municipality().id)
    newer = factories.idea(title="Sitzungsdienst ohne Papier", problem="Mappen per Boten.")
    update_idea(
        newer,
        IdeaData(title="Ratsinformationssystem", problem="Mappen", proposal="Tablets"),
        newer.author,
    )
    assert _found("Bauakte Keller") == {older_id}
    assert _found("Ratsinformationssystem Tablets") == {newer.id}
    assert _found("Sitzungsdienst") == set()
    assert _db.session.scalar(select(Support.idea_id)) == older_id

    # The migration's connection enforces foreign keys again, wherever it is used next.
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        _db.session.execute(
            insert(Support).values(
                idea_id=-1, user_id=newer.author_id, municipality_id=newer.municipality_id
            )
        )
    _db.session.rollback()


def test_first_migration_creates_the_default_municipality(db):
    assert db.session.scalar(select(Municipality.slug)) == "default"


def test_the_revisions_form_one_line():
    """Two revisions written in parallel on one parent must be put in order before they land."""
    from pathlib import Path

    heads = ScriptDirectory(str(Path(__file__).resolve().parents[2] / "migrations")).get_heads()
    assert len(heads) == 1, heads


def test_the_participation_revision_counts_what_was_there_before_it(own_app):
    set_tenant(factories.municipality().id)
    unit = factories.org_unit()
    idea = factories.idea(author=factories.user(org_unit=unit))
    support(idea, factories.user(org_unit=unit))
    add_comment(idea, factories.user(), "Gute Idee.")
    factories.idea(submit=False)
    unit_id = unit.id
    _db.session.commit()
    counts = select(
        ParticipationCount.kind,
        ParticipationCount.month,
        ParticipationCount.org_unit_id,
        ParticipationCount.field_of_action_id,
        ParticipationCount.count,
    )
    kept = set(_db.session.execute(counts))
    _db.session.remove()

    downgrade(revision="4ce81480d26a")
    upgrade()

    # The rows got their people's org units and were counted as the services had counted them.
    set_tenant(factories.municipality().id)
    assert set(_db.session.execute(counts)) == kept
    assert len(kept) == 3
    assert _db.session.scalar(select(Support.org_unit_id)) == unit_id
