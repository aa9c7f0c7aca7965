"""The Wandelwerk portal: `create_app()` builds the Flask application."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import joinedload
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, load_config
from portal.core import transactions
from portal.extensions import babel, csrf, db, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def create_app(config: Config | None = None) -> Flask:
    """Build the portal for *config* (default: the environment's settings)."""
    config = config or load_config()
    config.validate()
    app = Flask(__name__, instance_path=str(config.INSTANCE_PATH))
    app.config.from_object(config)
    if config.PROXY_HOPS:
        # Behind a reverse proxy the client address (used to rate-limit sign-ins) and the scheme
        # come from its headers; trust exactly as many hops as are configured.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=config.PROXY_HOPS, x_proto=config.PROXY_HOPS
        )

    db.init_app(app)
    transactions.init_app()
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    _init_login(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            _configure_sqlite(db.engine)

    _register_modules(app)
    _register_request_hooks(app)
    _register_template_helpers(app)

    from portal.cli import register_commands

    register_commands(app)
    return app


def _configure_sqlite(engine: Engine) -> None:
    """Enforce foreign keys and let SQLAlchemy own transactions (SAVEPOINT needs it)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT and transactional DDL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")


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


def _init_login(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from portal.accounts.models import User
    from portal.accounts.services import current_municipality

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please sign in to open this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        if not user_id.isdigit():
            return None
        # Every page asks for the roles, so they come with the user in one statement.
        user = db.session.get(User, int(user_id), options=[joinedload(User.role_rows)])
        if user is None or not user.active:
            return None
        if user.municipality_id != current_municipality().id:
            return None
        return user


def _register_modules(app: Flask) -> None:
    from portal.accounts.views import bp as accounts_bp
    from portal.admin.views import bp as admin_bp
    from portal.core.handlers import register_error_handlers
    from portal.dashboards.views import bp as dashboards_bp
    from portal.ideas.views import bp as ideas_bp
    from portal.notifications.views import bp as notifications_bp

    app.register_blueprint(dashboards_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(ideas_bp, url_prefix="/ideas")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    register_error_handlers(app)


def _register_request_hooks(app: Flask) -> None:
    from portal.accounts.services import current_municipality
    from portal.core.access import enforce_access

    @app.before_request
    def resolve_tenant() -> None:
        if request.endpoint != "static":
            current_municipality()

    app.before_request(enforce_access)

    @app.before_request
    def require_own_password() -> ResponseReturnValue | None:
        if (
            current_user.is_authenticated
            and current_user.must_change_password
            and request.endpoint not in {"accounts.account", "accounts.logout", "accounts.language"}
            and request.endpoint != "static"
        ):
            return redirect(url_for("accounts.account"))
        return None

    @app.after_request
    def commit(response: Any) -> Any:
        # One transaction per request: what the services flushed is committed here, once.
        # Error handlers roll back before they answer, so a failed request writes nothing.
        db.session.commit()
        return response

    @app.after_request
    def security_headers(response: Any) -> Any:
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; form-action 'self'",
        )
        return response


def _register_template_helpers(app: Flask) -> None:
    from portal.core.templating import register_template_helpers

    register_template_helpers(app)
