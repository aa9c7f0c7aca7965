"""The ranking page of a round: order, contributions, agreement, stability, rank probabilities
and the other methods' orders."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, format_percent

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.core.arguments import page_number
from portal.rounds.services import access, ranking_page
from portal.rounds.views import bp

#: Ideas per page of the ranking table.
PER_PAGE = 50


def score_points(value: float) -> str:
    """Return a score or contribution (0…1) as points of 100 with one decimal."""
    return str(format_decimal(value * 100, "#,##0.0"))


def share(value: float) -> str:
    """Return a share (0…1) as a whole percentage, "< 1 %" for what is not quite nothing."""
    if 0 < value < 0.005:
        return "< " + str(format_percent(0.01, "#,##0 %"))
    return str(format_percent(value, "#,##0 %"))


def decimal(value: float, digits: str = "0.00") -> str:
    return str(format_decimal(value, digits))


@bp.route("/<int:round_id>/ranking")
@allow(SIGNED_IN)
def ranking(round_id: int) -> ResponseReturnValue:
    page = ranking_page.ranking_page(
        access.get_round(round_id), signed_in_user(), page_number(), PER_PAGE
    )
    return render_template(
        "rounds/ranking.html",
        page=page,
        round=page.round,
        score_points=score_points,
        share=share,
        decimal=decimal,
        w_reading=ranking_page.w_reading,
    )
