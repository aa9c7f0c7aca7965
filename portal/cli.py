"""The `wandelwerk` command: Flask's CLI (run, db …) plus the portal's own commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from portal import create_app


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """Manage the Wandelwerk portal."""


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
    from portal.demo import DemoRefused, load_demo
    from portal.extensions import db

    try:
        with db.session.begin():
            summary = load_demo(skip_if_not_empty=if_empty)
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
    default=("admin",),
    show_default=True,
    type=click.Choice(
        ["employee", "moderator", "assessor", "board_member", "staff_council", "admin"]
    ),
    help="Role; repeat for several.",
)
@click.password_option(help="Initial password (at least 12 characters); asked for if omitted.")
@with_appcontext
def users_create(email: str, name: str, roles: tuple[str, ...], password: str) -> None:
    """Create a user, e.g. the first administrator of a new installation."""
    from portal.accounts import services
    from portal.accounts.models import Role
    from portal.core.errors import DomainError
    from portal.extensions import db

    data = services.UserData(
        name=name, email=email, org_unit_id=None, locale="de", roles=frozenset(map(Role, roles))
    )
    try:
        with db.session.begin():
            user = services.create_user(data, password, must_change_password=False)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.email} with roles {', '.join(sorted(roles))}.")


@click.group("notifications")
def notifications_group() -> None:
    """Notifications and their e-mails."""


@notifications_group.command("send-digest")
@with_appcontext
def notifications_send_digest() -> None:
    """Send the daily digest e-mails (run once a day, e.g. from cron)."""
    from portal.extensions import db
    from portal.notifications.services import send_digests

    with db.session.begin():
        sent = send_digests()
    click.echo(f"Sent {sent} digest e-mail(s).")


def register_commands(app: Flask) -> None:
    """Add the portal's own command groups to *app*'s CLI."""
    app.cli.add_command(demo_group)
    app.cli.add_command(users_group)
    app.cli.add_command(notifications_group)


if __name__ == "__main__":
    cli()
