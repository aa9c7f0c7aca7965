"""The start page."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.dashboards import services

bp = Blueprint("dashboards", __name__, template_folder="templates")


@bp.route("/")
@allow(SIGNED_IN)
def index() -> ResponseReturnValue:
    return render_template(
        "dashboards/index.html",
        panels=services.start_panels(signed_in_user()),
        news=services.newsfeed(signed_in_user()),
    )
