"""The pages every public body must publish (imprint, privacy policy, accessibility statement),
kept per municipality by its administrators, and the help for each role."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.registry import (
    Link,
    NavItem,
    PanelItem,
    PanelSource,
    add_navigation,
    add_panel_source,
)

if TYPE_CHECKING:
    from portal.accounts.models import Role, User


def init_app(app: Flask) -> None:
    """Serve the legal and help pages, list their administration, link the help from the
    start page."""
    from portal.accounts.models import Role
    from portal.pages.views import bp

    app.register_blueprint(bp)
    add_navigation(
        app,
        NavItem(
            "pages.legal_texts", _l("Legal pages"), ("pages.legal_texts", "pages.edit_legal"), 93
        ),
    )
    for role in Role:
        add_panel_source(app, role, _help_for(role))


def _help_for(role: Role) -> PanelSource:
    """Return a panel source that links the start-page panel of *role* to its help page."""

    def items(user: User) -> list[PanelItem]:
        return [
            PanelItem(
                _("What you can do in this role"), Link("pages.help_role", {"role": role.value})
            )
        ]

    return items
