"""Settings are read from the environment and checked at start."""

import pytest

import config
from config import ConfigError, load_config, normalise_database_url


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config("production")


def test_production_refuses_a_short_secret_key(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ConfigError, match="too short"):
        load_config("production")


def test_production_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    settings = load_config("production")
    assert settings.SESSION_COOKIE_SECURE
    assert not settings.DEMO_ALLOWED


def test_unknown_environment_names_the_variable(monkeypatch):
    with pytest.raises(ConfigError, match="WANDELWERK_ENV='staging' is unknown"):
        load_config("staging")


def test_wrong_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("LOGIN_MAX_FAILURES_PER_ADDRESS", "five")
    with pytest.raises(ConfigError, match="LOGIN_MAX_FAILURES_PER_ADDRESS"):
        load_config("development")


def test_unsupported_database_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "mysql://root@localhost/x")
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        load_config("development")


def test_development_keeps_its_generated_secret_key_across_restarts(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    first = config.DevelopmentConfig().SECRET_KEY
    assert first
    assert first == config.DevelopmentConfig().SECRET_KEY


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
        ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_chooses_psycopg_for_postgresql(given, used):
    assert normalise_database_url(given) == used


@pytest.mark.parametrize(
    ("url", "connect_args"),
    [("postgresql://u@h/db", {"prepare_threshold": None}), ("sqlite:////tmp/x.db", None)],
)
def test_postgresql_plans_every_statement_for_its_values(monkeypatch, tmp_path, url, connect_args):
    # A server-side prepared statement may get one plan for all values; lists need their own.
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", url)
    options = load_config("development").SQLALCHEMY_ENGINE_OPTIONS
    assert options.get("connect_args") == connect_args
    assert options["pool_pre_ping"]
