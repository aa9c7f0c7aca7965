"""The `wandelwerk` command: the demo refused in production, the first administrator, a checked
start (tests/portal/test_demo.py loads the demo through it).

The commands run in this process through Click's runner, on the test database inside the test's
transaction; one test starts the installed program, since only that proves the entry point.
"""

import contextvars
import os
import subprocess
import sysconfig
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import delete, select

from config import ConfigError
from portal.accounts.models import Role, User
from portal.cli import cli
from portal.ideas.models import ParticipationCount, ParticipationKind
from portal.ideas.services import discussion
from tests import factories


def wandelwerk(app, *args, **options):
    """Run `wandelwerk *args` on the test's database, in an application context of its own."""
    # As in a new process: the command must not find the test's context, its session or what
    # it caches on `g` (the municipality).
    runner = app.test_cli_runner()
    return contextvars.Context().run(runner.invoke, None, list(args), **options)


def _wandelwerk_from_environment(tmp_path, *args, **env):
    """Run `wandelwerk *args` with the app built from the environment, as a shell would."""
    environment = {
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        # FlaskGroup sets this for the rest of the process; naming it here removes it again.
        "FLASK_RUN_FROM_CLI": None,
        **env,
    }
    return CliRunner().invoke(cli, list(args), env=environment)


def test_demo_is_refused_in_production(tmp_path):
    result = _wandelwerk_from_environment(
        tmp_path, "demo", "load", WANDELWERK_ENV="production", SECRET_KEY="k" * 48
    )
    assert result.exit_code != 0
    assert "cannot be loaded in production" in result.stderr


def test_production_start_without_secret_key_names_the_variable(tmp_path):
    result = _wandelwerk_from_environment(
        tmp_path, "db", "upgrade", WANDELWERK_ENV="production", SECRET_KEY=""
    )
    assert isinstance(result.exception, ConfigError)
    assert "SECRET_KEY is not set" in str(result.exception)


def test_users_create_makes_the_first_administrator(app, db):
    result = wandelwerk(
        app, "users", "create", "--email", "Leitung@Stadt.example", "--name", "Eva Roth",
        "--password", "ein sicheres Passwort",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "leitung@stadt.example" in result.stdout
    duplicate = wandelwerk(
        app, "users", "create", "--email", "leitung@stadt.example", "--name", "Eva Roth",
        "--password", "ein sicheres Passwort",
    )  # fmt: skip
    assert duplicate.exit_code != 0
    assert "Es gibt bereits ein Konto" in duplicate.stderr
    [user] = db.session.scalars(select(User).where(User.email == "leitung@stadt.example"))
    assert user.roles == {Role.ADMIN}


def test_insights_recount_repairs_the_participation_counts(app, db):
    idea = factories.idea(author=factories.user(org_unit=factories.org_unit()))
    discussion.support(idea, factories.user())
    db.session.execute(delete(ParticipationCount))
    db.session.commit()

    result = wandelwerk(app, "insights", "recount")

    assert result.exit_code == 0, result.output
    assert "2 count(s)" in result.stdout
    kept = db.session.execute(select(ParticipationCount.kind, ParticipationCount.count)).all()
    assert dict(kept) == {ParticipationKind.IDEA: 1, ParticipationKind.SUPPORT: 1}


def test_users_create_asks_for_the_password_twice_when_it_is_not_given(app, db):
    result = wandelwerk(
        app,
        "users",
        "create",
        "--email",
        "r.roth@stadt.example",
        "--name",
        "Rita Roth",
        input="ein sicheres Passwort\nein sicheres Passwort\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User.id).where(User.email == "r.roth@stadt.example"))


def test_users_create_refuses_a_short_password(app, db):
    result = wandelwerk(
        app, "users", "create", "--email", "kurz@stadt.example", "--name", "Kurt Kurz",
        "--password", "kurz",
    )  # fmt: skip
    assert result.exit_code != 0
    assert "mindestens 12 Zeichen" in result.stderr
    assert db.session.scalar(select(User.id).where(User.email == "kurz@stadt.example")) is None


def test_installed_command_starts_the_portal_and_lists_its_commands(tmp_path):
    program = Path(sysconfig.get_path("scripts")) / "wandelwerk"
    assert program.exists(), "install the package first: make install-test"
    environment = {
        **os.environ,
        "WANDELWERK_ENV": "testing",
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    result = subprocess.run(
        [program, "--help"], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    # The portal's own groups appear only if the program built the app.
    for group in ("demo", "users", "notifications"):
        assert f"  {group} " in result.stdout, result.stderr
