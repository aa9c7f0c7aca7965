"""The `wandelwerk` command: migrations, the demo municipality and the first administrator."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _wandelwerk(tmp_path, *args, env=None, input_text=None):
    environment = {
        **os.environ,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "8",
        **(env or {}),
    }
    return subprocess.run(
        [sys.executable, "-m", "portal.cli", *args],
        cwd=ROOT, env=environment, capture_output=True, text=True, input=input_text,
        timeout=120,
    )  # fmt: skip


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    result = _wandelwerk(folder, "db", "upgrade")
    assert result.returncode == 0, result.stderr
    return folder


def test_demo_loads_once_and_is_skipped_when_users_exist(migrated):
    first = _wandelwerk(migrated, "demo", "load", "--if-empty")
    assert first.returncode == 0, first.stderr
    assert "Stadt Musterstadt" in first.stdout
    again = _wandelwerk(migrated, "demo", "load", "--if-empty")
    assert again.returncode == 0
    assert "not loaded" in again.stdout
    refused = _wandelwerk(migrated, "demo", "load")
    assert refused.returncode != 0
    assert "already has users" in refused.stderr


def test_demo_is_refused_in_production(tmp_path):
    result = _wandelwerk(
        tmp_path, "demo", "load", env={"WANDELWERK_ENV": "production", "SECRET_KEY": "k" * 48}
    )
    assert result.returncode != 0
    assert "cannot be loaded in production" in result.stderr


def test_production_start_without_secret_key_names_the_variable(tmp_path):
    env = {"WANDELWERK_ENV": "production", "SECRET_KEY": ""}
    result = _wandelwerk(tmp_path, "db", "upgrade", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_users_create_makes_the_first_administrator(migrated):
    result = _wandelwerk(
        migrated, "users", "create", "--email", "Leitung@Stadt.example", "--name", "Eva Roth",
        "--password", "ein sicheres Passwort",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "leitung@stadt.example" in result.stdout
    duplicate = _wandelwerk(
        migrated, "users", "create", "--email", "leitung@stadt.example", "--name", "Eva Roth",
        "--password", "ein sicheres Passwort",
    )  # fmt: skip
    assert duplicate.returncode != 0
    assert "Es gibt bereits ein Konto" in duplicate.stderr


def test_users_create_refuses_a_short_password(migrated):
    result = _wandelwerk(
        migrated, "users", "create", "--email", "kurz@stadt.example", "--name", "Kurt Kurz",
        "--password", "kurz",
    )  # fmt: skip
    assert result.returncode != 0
    assert "mindestens 12 Zeichen" in result.stderr
