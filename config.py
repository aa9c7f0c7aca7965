"""Settings: one class per environment, read from the environment, checked at start."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_INSTANCE_DIR = BASE_DIR / "instance"


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message names the variable and how to fix it."""


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}.") from None


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}.")


def normalise_database_url(url: str) -> str:
    """Return the SQLAlchemy URL for *url*, choosing psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret_key(instance_dir: Path) -> str:
    """Return a secret key kept in the instance folder, so sessions survive a restart."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    """Settings shared by every environment."""

    NAME: ClassVar[str] = "base"
    #: Whether `wandelwerk demo load` may fill the database with the demo municipality.
    DEMO_ALLOWED: ClassVar[bool] = True

    def __init__(self, **overrides: object) -> None:
        self.INSTANCE_PATH = Path(os.environ.get("INSTANCE_PATH", str(DEFAULT_INSTANCE_DIR)))
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{self.INSTANCE_PATH / 'wandelwerk.db'}")
        )
        self.SECRET_KEY: str | None = os.environ.get("SECRET_KEY") or None
        #: The municipality (tenant) whose portal this installation serves.
        self.TENANT = os.environ.get("WANDELWERK_TENANT", "default")
        self.MAIL_SENDER = os.environ.get("MAIL_SENDER", "wandelwerk@localhost")
        #: Reverse proxies in front of the portal whose X-Forwarded-For/-Proto are trusted.
        self.PROXY_HOPS = _env_int("PROXY_HOPS", 0)
        #: SMTP server for e-mails; empty: e-mails are written to the log instead.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
        self.MAIL_PORT = _env_int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
        #: Background jobs: Redis when set (e.g. redis://127.0.0.1:6379/0), else a SQLite file.
        self.REDIS_URL = os.environ.get("REDIS_URL", "")
        #: Run jobs at once in the enqueuing thread instead of a consumer (the test suite).
        self.JOBS_IMMEDIATE = False
        #: The longest the portfolio proposal searches for the proven best set, in seconds;
        #: beyond it the page shows the best set found and how far from the best it can be.
        self.PORTFOLIO_TIME_LIMIT_SECONDS = _env_int("PORTFOLIO_TIME_LIMIT_SECONDS", 10)
        #: Sign-in attempts and password-reset requests older than this many days are deleted.
        self.LOGIN_ATTEMPT_RETENTION_DAYS = _env_int("LOGIN_ATTEMPT_RETENTION_DAYS", 30)
        #: Notifications older than this many days are deleted (the privacy policy says so).
        self.NOTIFICATION_RETENTION_DAYS = _env_int("NOTIFICATION_RETENTION_DAYS", 365)
        #: Hour of the day (in BABEL_DEFAULT_TIMEZONE) at which the daily digests go out.
        self.DIGEST_HOUR = _env_int("DIGEST_HOUR", 7)
        #: Address of the portal as users reach it, for links in e-mails.
        self.PORTAL_URL = os.environ.get("PORTAL_URL", "http://localhost:5000")
        #: Largest attachment accepted, in bytes (default 10 MB).
        self.UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_BYTES", 10_000_000)
        #: Office and OpenDocument files are ZIP archives: the most their parts may add up to
        #: when unpacked (default 100 MB), and how many times larger than the file that may be
        #: (default 100), so that a "zip bomb" is refused.
        self.UPLOAD_MAX_UNPACKED_BYTES = _env_int("UPLOAD_MAX_UNPACKED_BYTES", 100_000_000)
        self.UPLOAD_MAX_COMPRESSION_RATIO = _env_int("UPLOAD_MAX_COMPRESSION_RATIO", 100)
        #: Failed sign-ins from one client address within the window before that address must
        #: wait until the oldest of them leaves the window (successes in between do not count).
        self.LOGIN_MAX_FAILURES_PER_ADDRESS = _env_int("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
        self.LOGIN_FAILURE_WINDOW_MINUTES = _env_int("LOGIN_FAILURE_WINDOW_MINUTES", 15)
        #: Failed sign-ins to one account (since its last success, within the window) that cost
        #: no wait; each further one doubles the wait before the next try: 1, 2, 4 … seconds.
        self.LOGIN_FREE_FAILURES_PER_ACCOUNT = _env_int("LOGIN_FREE_FAILURES_PER_ACCOUNT", 3)
        #: The longest wait between two sign-in attempts to one account, in seconds.
        self.LOGIN_MAX_DELAY_SECONDS = _env_int("LOGIN_MAX_DELAY_SECONDS", 60)
        #: Requests for a password reset link from one client address per hour.
        self.PASSWORD_RESET_MAX_PER_ADDRESS = _env_int("PASSWORD_RESET_MAX_PER_ADDRESS", 5)
        #: Argon2id cost; the defaults follow RFC 9106's second recommended option.
        self.PASSWORD_HASH_TIME_COST = _env_int("PASSWORD_HASH_TIME_COST", 3)
        self.PASSWORD_HASH_MEMORY_KIB = _env_int("PASSWORD_HASH_MEMORY_KIB", 65536)
        self.PASSWORD_MIN_LENGTH = 12
        #: Longer passwords are refused before they are hashed.
        self.PASSWORD_MAX_LENGTH = 256
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
        #: How long browsers must reach the portal by HTTPS only (Strict-Transport-Security);
        #: 0 sends no such header (development; production sets a year).
        self.HSTS_SECONDS = _env_int("HSTS_SECONDS", 0)
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        #: How long "stay signed in on this device" lasts after signing in with the password;
        #: otherwise the session ends with the browser. (The portal sets this cookie itself,
        #: see portal/accounts/sessions.py; Flask-Login's own remember cookie is not used.)
        self.REMEMBER_COOKIE_DURATION = timedelta(days=_env_int("REMEMBER_DAYS", 14))
        #: A session ends after this many minutes without a request …
        self.SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 60)
        #: … and at the latest this many hours after signing in ("stay signed in" then starts
        #: a new session from its cookie).
        self.SESSION_MAX_HOURS = _env_int("SESSION_MAX_HOURS", 12)
        self.BABEL_DEFAULT_LOCALE = "de"
        self.BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
        self.LANGUAGES = ("de", "en")
        self.PAGE_SIZE = 25
        # A CSRF token is valid as long as the session that holds its secret: the session
        # itself is bounded (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS), and signing in, signing
        # out and every ended session clear it.
        self.WTF_CSRF_TIME_LIMIT = None
        self.SQLALCHEMY_ENGINE_OPTIONS: dict[str, Any] = {"pool_pre_ping": True}
        for key, value in overrides.items():
            setattr(self, key, value)
        if self.SQLALCHEMY_DATABASE_URI.startswith("postgresql"):
            # psycopg prepares a statement on the server from its fifth run on, and PostgreSQL
            # may then plan it once for any values. Lists and searches need plans for their
            # values (a rare tag, a frequent word): the generic plan of the similar-idea hint
            # was three times slower than the plan for its words.
            self.SQLALCHEMY_ENGINE_OPTIONS = {
                **self.SQLALCHEMY_ENGINE_OPTIONS,
                "connect_args": {"prepare_threshold": None},
            }
        #: Attachments live here, outside the static folder, under random names
        #: (default: `uploads/` in the instance folder).
        self.UPLOAD_PATH = self._instance_path("UPLOAD_PATH", "uploads", overrides)
        #: The job queue's SQLite file when no Redis is set (default: in the instance folder).
        self.JOBS_SQLITE_PATH = self._instance_path("JOBS_SQLITE_PATH", "jobs.db", overrides)
        # A signed session cookie older than a session may live is not even read.
        self.PERMANENT_SESSION_LIFETIME = timedelta(hours=self.SESSION_MAX_HOURS)
        # Requests may carry a little more than one attachment (the form's other fields);
        # the exact limit is checked on the file itself.
        self.MAX_CONTENT_LENGTH = self.UPLOAD_MAX_BYTES + 1_000_000

    def _instance_path(self, name: str, default: str, overrides: dict[str, object]) -> Path:
        """Return the path setting *name*: overridden, from the environment, or *default* in
        the instance folder (which an override may have moved)."""
        chosen = overrides.get(name) or os.environ.get(name)
        return Path(str(chosen)) if chosen else Path(self.INSTANCE_PATH) / default

    def validate(self) -> None:
        """Refuse settings the environment cannot run with."""
        if not self.SQLALCHEMY_DATABASE_URI.startswith(("sqlite", "postgresql")):
            raise ConfigError(
                "DATABASE_URL must point to SQLite (sqlite:///path) or PostgreSQL "
                "(postgresql://user@host/db)."
            )
        if not 0 <= self.DIGEST_HOUR <= 23:
            raise ConfigError(f"DIGEST_HOUR must be an hour from 0 to 23, got {self.DIGEST_HOUR}.")
        if self.REDIS_URL and not self.REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
            raise ConfigError("REDIS_URL must start with redis://, rediss:// or unix://.")
        for name in (
            "SESSION_IDLE_MINUTES",
            "SESSION_MAX_HOURS",
            "LOGIN_FAILURE_WINDOW_MINUTES",
            "PORTFOLIO_TIME_LIMIT_SECONDS",
        ):
            if getattr(self, name) < 1:
                raise ConfigError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if self.UPLOAD_MAX_UNPACKED_BYTES < 1 or self.UPLOAD_MAX_COMPRESSION_RATIO < 1:
            raise ConfigError(
                "UPLOAD_MAX_UNPACKED_BYTES and UPLOAD_MAX_COMPRESSION_RATIO must be at least 1."
            )
        if self.PASSWORD_HASH_TIME_COST < 1 or self.PASSWORD_HASH_MEMORY_KIB < 8:
            raise ConfigError(
                "PASSWORD_HASH_TIME_COST must be ≥ 1 and PASSWORD_HASH_MEMORY_KIB ≥ 8."
            )


class DevelopmentConfig(Config):
    """Local use and the demo: SQLite in `instance/`, mails printed to the log."""

    NAME = "development"

    def __init__(self, **overrides: object) -> None:
        super().__init__(**overrides)
        if not self.SECRET_KEY:
            self.SECRET_KEY = _development_secret_key(self.INSTANCE_PATH)


class TestingConfig(Config):
    """The test suite: cheap password hashes, no rate limit surprises across tests."""

    NAME = "testing"
    TESTING = True

    def __init__(self, **overrides: object) -> None:
        overrides.setdefault("SECRET_KEY", "testing-secret-key-not-for-production")
        overrides.setdefault("PASSWORD_HASH_TIME_COST", 1)
        overrides.setdefault("PASSWORD_HASH_MEMORY_KIB", 8)
        overrides.setdefault("JOBS_IMMEDIATE", True)
        super().__init__(**overrides)


class ProductionConfig(Config):
    """Production: a real secret key, secure cookies, no demo data."""

    NAME = "production"
    DEMO_ALLOWED = False

    def __init__(self, **overrides: object) -> None:
        super().__init__(**overrides)
        self.SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.HSTS_SECONDS = _env_int(
            "HSTS_SECONDS", 31_536_000 if self.SESSION_COOKIE_SECURE else 0
        )

    def validate(self) -> None:
        """Refuse to start without a strong secret key."""
        super().validate()
        if not self.SECRET_KEY:
            raise ConfigError(
                "SECRET_KEY is not set. A production start needs a long random SECRET_KEY, e.g. "
                "from: python -c 'import secrets; print(secrets.token_urlsafe(48))'"
            )
        if len(self.SECRET_KEY) < 32:
            raise ConfigError("SECRET_KEY is too short for production: use at least 32 characters.")


ENVIRONMENTS: dict[str, type[Config]] = {
    cls.NAME: cls for cls in (DevelopmentConfig, TestingConfig, ProductionConfig)
}


def load_config(name: str | None = None) -> Config:
    """Build and check the settings of the environment *name* (default: `WANDELWERK_ENV`)."""
    name = name or os.environ.get("WANDELWERK_ENV", "development")
    try:
        cls = ENVIRONMENTS[name]
    except KeyError:
        raise ConfigError(
            f"WANDELWERK_ENV={name!r} is unknown; use one of {', '.join(ENVIRONMENTS)}."
        ) from None
    config = cls()
    config.validate()
    return config
