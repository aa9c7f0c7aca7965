"""The Wandelwerk portal: `create_app()` builds the Flask application."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, load_config
from portal.accounts.services import municipality_for
from portal.core import jobs, tenancy, transactions
from portal.core.access import enforce_access
from portal.core.handlers import register_error_handlers
from portal.core.templating import register_template_helpers
from portal.core.urls import IdConverter
from portal.extensions import babel, csrf, db, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

#: Only the portal's own files, no inline script or style, no plug-ins, no framing, no <base>.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
#: The portal uses none of the browser's powerful features.
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=(), "
    "fullscreen=(self)"
)

#: The domain modules, each a package with an `init_app(app)` that registers its blueprint,
#: navigation entries, start-page panels, newsfeed, notification messages and commands. The
#: order is the order of their request hooks: accounts first, since it resolves the tenant.
MODULES = (
    "accounts",
    "dashboards",
    "ideas",
    "rounds",
    "board",
    "projects",
    "insights",
    "notifications",
    "admin",
    "pages",
)


def create_app(config: Config | None = None) -> Flask:
    """Build the portal for *config* (default: the environment's settings)."""
    config = config or load_config()
    config.validate()
    app = Flask(__name__, instance_path=str(config.INSTANCE_PATH))
    app.config.from_object(config)
    app.url_map.converters["int"] = IdConverter
    if config.PROXY_HOPS:
        # Behind a reverse proxy the client address (used to rate-limit sign-ins) and the scheme
        # come from its headers; trust exactly as many hops as are configured.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config.PROXY_HOPS, x_proto=config.PROXY_HOPS
        )

    db.init_app(app)
    transactions.init_app()
    tenancy.init_app(app, lambda slug: municipality_for(slug).id)
    jobs.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)

    register_template_helpers(app)
    _register_modules(app)
    _register_request_hooks(app)

    from portal.cli import register_commands

    register_commands(app)
    return app


def _configure_sqlite(engine: Engine) -> None:
    """Enforce foreign keys, let SQLAlchemy own transactions (SAVEPOINT needs it), and let
    concurrent requests wait for each other instead of failing.

    In WAL mode readers and one writer work at the same time. A transaction that reads first and
    writes later cannot wait for another writer: SQLite refuses it at once ("database is
    locked"), since waiting could deadlock. So a unit of work that may write (a POST, a command,
    a job) takes the write lock when it begins (`BEGIN IMMEDIATE`) and waits for it up to the
    busy timeout; a page that only reads begins as a reader, unless it declared that it writes
    (`transactions.will_write`).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        reading = (
            has_request_context()
            and request.method in ("GET", "HEAD", "OPTIONS")
            and not transactions.writes_expected()
        )
        connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def _select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return str(current_app.config["BABEL_DEFAULT_LOCALE"])
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return str(current_user.locale)
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def _register_modules(app: Flask) -> None:
    for name in MODULES:
        import_module(f"portal.{name}").init_app(app)
    register_error_handlers(app)


def _refuse_nul_characters() -> None:
    """Refuse a request whose query or form holds the NUL character (400).

    Nobody types it, PostgreSQL cannot store it in text, and SQLite would store it silently.
    """
    for values in (request.args, request.form):
        for key, items in values.lists():
            if "\x00" in key or any("\x00" in item for item in items):
                abort(400)


def _register_request_hooks(app: Flask) -> None:
    app.before_request(_refuse_nul_characters)
    # After the modules' own hooks, so that the tenant is known when the user is loaded.
    app.before_request(enforce_access)

    @app.after_request
    def end_transaction(response: Response) -> Response:
        # One transaction per request, committed here once. Any answer of 400 or above is a
        # refusal, whoever produced it (a view re-rendering a form, an error handler), and
        # rolls back whatever the services had flushed.
        transactions.end(commit=response.status_code < 400)
        return response

    @app.teardown_request
    def discard_transaction(error: BaseException | None) -> None:
        # An exception that escaped the error handlers (in tests they propagate) skipped
        # `after_request`; what it left behind goes, and the kept records are written.
        if error is not None:
            transactions.end(commit=False)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config["HSTS_SECONDS"]:
            headers.setdefault(
                "Strict-Transport-Security",
                f"max-age={app.config['HSTS_SECONDS']}; includeSubDomains",
            )
        # What a signed-in user sees, and every JSON answer, is theirs alone: no browser or
        # proxy may keep it, so that the back button after signing out shows nothing.
        if request.endpoint != "static" and (
            current_user.is_authenticated or response.mimetype == "application/json"
        ):
            headers["Cache-Control"] = "no-store"
        return response
