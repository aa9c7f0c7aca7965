"""Pages of prioritisation rounds."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.rounds import queries
from portal.rounds.services import access, catalogue, phases
from portal.rounds.views import bp


@bp.route("/")
@allow(SIGNED_IN)
def index() -> ResponseReturnValue:
    return render_template("rounds/index.html", rows=queries.list_rounds())


@bp.route("/<int:round_id>")
@allow(SIGNED_IN)
def detail(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    user = signed_in_user()
    return render_template(
        "rounds/detail.html",
        round=round_,
        ideas=queries.round_ideas(round_),
        events=phases.events(round_),
        step=phases.next_step(round_),
        catalogue=catalogue.latest_frozen(round_)
        if not access.is_moderator(user)
        else (catalogue.draft(round_) or catalogue.latest_frozen(round_)),
        may_see_catalogue=access.may_see_catalogue(round_, user),
    )
