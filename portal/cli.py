"""The `wandelwerk` command: the portal's own commands beside Flask's (`db`, `shell`, `routes`).

A command that works on a municipality's data runs as one unit of work for the installation's
municipality (`WANDELWERK_TENANT`), exactly as a request does: it commits at its end or writes
nothing.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from werkzeug.serving import run_simple

import reports
from portal import create_app
from portal.accounts.models import Role

P = ParamSpec("P")
T = TypeVar("T")


@click.group(
    cls=FlaskGroup, create_app=create_app, add_version_option=False, add_default_commands=False
)
def cli() -> None:
    """Manage the Wandelwerk portal."""


def run_for_tenant(work: Callable[[], T]) -> T:
    """Run *work* as one unit of work for the installation's municipality; a refusal of the
    domain becomes a message and writes nothing."""
    from sqlalchemy.exc import SQLAlchemyError

    from portal.accounts.services import municipality_for
    from portal.core.errors import DomainError
    from portal.core.tenancy import set_tenant
    from portal.core.transactions import unit_of_work

    try:
        set_tenant(municipality_for(current_app.config["TENANT"]).id)
    except (DomainError, SQLAlchemyError) as error:
        raise click.ClickException(
            f"The municipality {current_app.config['TENANT']!r} is not in the database; "
            "run `wandelwerk db upgrade` first."
        ) from error
    try:
        with unit_of_work():
            return work()
    except DomainError as error:
        raise click.ClickException(error.message) from error


def tenant_command(command: Callable[P, T]) -> Callable[P, T]:
    """Run *command* with `run_for_tenant`."""

    @functools.wraps(command)
    @with_appcontext
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        return run_for_tenant(functools.partial(command, *args, **kwargs))

    return run


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--jobs/--no-jobs",
    default=True,
    show_default=True,
    help="Start a consumer of the background jobs beside the web server.",
)
@with_appcontext
def run_command(host: str, port: int, jobs: bool) -> None:
    """Serve the portal with the development server, and its background jobs beside it."""
    # Flask types `current_app` as the application, not as the proxy that has this method.
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    consumer = None
    if jobs and not app.config["JOBS_IMMEDIATE"]:
        # A process of its own: the consumer handles SIGINT and SIGTERM to finish the jobs it
        # runs, which it could not do in the web server's process.
        consumer = subprocess.Popen(
            [sys.executable, "-m", "portal.cli", "jobs", "run", "--parent", str(os.getpid())]
        )
    # Stopped by SIGTERM (a service manager, a test), the server must still stop its consumer.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        run_simple(host, port, app, threaded=True, use_debugger=app.debug)
    finally:
        if consumer is not None:
            consumer.terminate()
            consumer.wait(timeout=60)


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (mails, digests, reminders, documents)."""


@jobs_group.command("run")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time.")
@click.option("--parent", type=int, hidden=True, help="Stop when this process is gone.")
@with_appcontext
def jobs_run(workers: int, parent: int | None) -> None:
    """Run a consumer of the background jobs until it is stopped (Ctrl-C or SIGTERM)."""
    from portal.core.jobs import consumer_of

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if parent is not None:
        threading.Thread(target=_stop_without, args=(parent,), daemon=True).start()
    _start_figure_browser()
    try:
        # Flask types `current_app` as the application, not as the proxy that has this method.
        consumer_of(current_app._get_current_object(), workers).run()  # type: ignore[attr-defined]
    finally:
        reports.stop_svg_export()


def _start_figure_browser() -> None:
    """Start the browser that draws the documents' figures once for this consumer, so that no
    document job waits seconds for a browser to start (see `reports.start_svg_export`)."""
    try:
        reports.start_svg_export()
    except reports.ExportFailed as failed:
        # Mails and reminders still go out; documents then fail and say why.
        logging.getLogger(__name__).warning("No browser for the documents' figures: %s", failed)


def _stop_without(parent: int) -> None:
    """Stop this consumer gracefully once *parent* (the `wandelwerk run` that started it) is
    gone, however it ended, so that no consumer outlives its server."""
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGTERM)


@click.group("demo")
def demo_group() -> None:
    """The demo municipality Musterstadt."""


@demo_group.command("load")
@click.option(
    "--if-empty", is_flag=True, help="Do nothing (and succeed) when the database already has users."
)
@with_appcontext
def demo_load(if_empty: bool) -> None:
    """Fill an empty database with the demo municipality Musterstadt."""
    from portal.demo import DemoRefused, check_demo_allowed, load_demo

    try:
        check_demo_allowed()
        summary = run_for_tenant(functools.partial(load_demo, skip_if_not_empty=if_empty))
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    click.echo(summary)


@click.group("users")
def users_group() -> None:
    """Users of the portal."""


@users_group.command("create")
@click.option("--email", required=True, help="E-mail address used to sign in.")
@click.option("--name", required=True, help="Full name.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    default=(Role.ADMIN.value,),
    show_default=True,
    type=click.Choice([role.value for role in Role]),
    help="Role; repeat for several.",
)
@click.password_option(help="Initial password (at least 12 characters); asked for if omitted.")
@tenant_command
def users_create(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a user, e.g. the first administrator of a new installation."""
    from portal.accounts import services

    data = services.UserData(
        name=name, email=email, org_unit_id=None, locale="de", roles=frozenset(map(Role, roles))
    )
    user = services.create_user(data, password, must_change_password=False)
    click.echo(f"Created {user.email} with roles {', '.join(sorted(roles))}.")


@click.group("notifications")
def notifications_group() -> None:
    """Notifications and their e-mails."""


@notifications_group.command("send-digest")
@tenant_command
def notifications_send_digest() -> None:
    """Send the due daily digests now (the job consumer sends them every day by itself)."""
    from portal.notifications.services import start_digests

    count = start_digests()
    click.echo(f"Enqueued {count} digest e-mail(s).")


@click.group("insights")
def insights_group() -> None:
    """The dashboards and documents."""


@insights_group.command("recount")
@tenant_command
def insights_recount() -> None:
    """Rebuild the participation counts of the dashboards from the ideas, supports and
    comments (the portal keeps them as it goes; this repairs them)."""
    from portal.ideas.services.participation import recount

    click.echo(f"Recounted participation: {recount()} count(s).")


def register_commands(app: Flask) -> None:
    """Add the portal's own commands and groups to *app*'s CLI."""
    for command in (
        run_command,
        shell_command,
        routes_command,
        jobs_group,
        demo_group,
        users_group,
        notifications_group,
        insights_group,
    ):
        app.cli.add_command(command)


if __name__ == "__main__":
    cli()
