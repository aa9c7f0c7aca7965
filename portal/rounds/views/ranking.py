"""The ranking page of a round: order, contributions, agreement, stability, rank probabilities
and the other methods' orders."""

from __future__ import annotations

from babel.numbers import parse_pattern
from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, format_percent, get_locale

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.core.arguments import page_number
from portal.rounds.services import access, ranking_page, whatif
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


class _TableNumbers:
    """The numbers of the ranking table in the reader's locale, formatted as `score_points`
    and `format_decimal` would, with the locale and patterns looked up once per page: the
    table holds some 1,300 numbers."""

    def __init__(self) -> None:
        self.locale = get_locale()
        self.one_place = parse_pattern("#,##0.0")
        self.whole = parse_pattern("#,##0.###")
        self.median = parse_pattern("0.#")
        self.spreads: dict[tuple[float, float, float], str] = {}

    def points(self, value: float) -> str:
        return str(self.one_place.apply(value * 100, self.locale))

    def spread(self, spread: ranking_page.Spread) -> str:
        """Return the assessors' lowest, median and highest score."""
        key = (spread.low, spread.median, spread.high)
        if key not in self.spreads:
            # A page shows some 600 spreads of a handful of distinct scores.
            self.spreads[key] = " · ".join(
                (
                    str(self.whole.apply(spread.low, self.locale)),
                    str(self.median.apply(spread.median, self.locale)),
                    str(self.whole.apply(spread.high, self.locale)),
                )
            )
        return self.spreads[key]


@bp.route("/<int:round_id>/ranking")
@allow(SIGNED_IN)
def ranking(round_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    page = ranking_page.ranking_page(access.get_round(round_id), user, page_number(), PER_PAGE)
    what_if = whatif.panel(page.round, user, page.inputs, request.args) if page.inputs else None
    numbers = _TableNumbers()
    return render_template(
        "rounds/ranking.html",
        page=page,
        round=page.round,
        score_points=numbers.points,
        share=share,
        decimal=decimal,
        spread_text=numbers.spread,
        w_reading=ranking_page.w_reading,
        what_if=what_if,
    )
