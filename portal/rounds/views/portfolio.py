"""The portfolio proposal of a round and the rules the moderators keep for it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.rounds.forms import DependencyForm, ExclusionForm
from portal.rounds.services import access, portfolio, whatif
from portal.rounds.views import bp
from portal.rounds.views.ranking import decimal, score_points


def _page(
    round_id: int,
    exclusion: ExclusionForm | None = None,
    dependency: DependencyForm | None = None,
    problem: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    user = signed_in_user()
    round_ = access.get_round(round_id)
    found = portfolio.proposal(round_, user, request.args)
    return (
        render_template(
            "rounds/portfolio.html",
            round=round_,
            proposal=found,
            may_keep_rules=access.is_moderator(user) and round_.phase in portfolio.RULES_PHASES,
            may_try=whatif.may_try_weights(round_, user),
            exclusion=exclusion or ExclusionForm(formdata=None),
            dependency=dependency or DependencyForm(formdata=None),
            problem=problem,
            score_points=score_points,
            decimal=decimal,
        ),
        status,
    )


@bp.route("/<int:round_id>/portfolio")
@allow(SIGNED_IN)
def portfolio_page(round_id: int) -> ResponseReturnValue:
    return _page(round_id)


@bp.route("/<int:round_id>/portfolio/exclusions", methods=["POST"])
@allow(SIGNED_IN)
def exclude_idea(round_id: int) -> ResponseReturnValue:
    form = ExclusionForm()
    form.validate()
    try:
        idea = portfolio.exclude(
            access.get_round(round_id), signed_in_user(), form.idea.data, form.reason.data or ""
        )
    except portfolio.PortfolioRefused as refused:
        return _page(round_id, exclusion=form, problem=refused.message, status=422)
    flash(_("%(title)s is kept out of the portfolio.", title=idea.title), "success")
    return redirect(url_for("rounds.portfolio_page", round_id=round_id) + "#rules")


@bp.route("/<int:round_id>/portfolio/exclusions/<int:idea_id>/remove", methods=["POST"])
@allow(SIGNED_IN)
def readmit_idea(round_id: int, idea_id: int) -> ResponseReturnValue:
    portfolio.readmit(access.get_round(round_id), signed_in_user(), idea_id)
    flash(_("The idea may be in the portfolio again."), "success")
    return redirect(url_for("rounds.portfolio_page", round_id=round_id) + "#rules")


@bp.route("/<int:round_id>/portfolio/dependencies", methods=["POST"])
@allow(SIGNED_IN)
def add_dependency(round_id: int) -> ResponseReturnValue:
    form = DependencyForm()
    form.validate()
    try:
        portfolio.add_dependency(
            access.get_round(round_id), signed_in_user(), form.idea.data, form.needs.data
        )
    except portfolio.PortfolioRefused as refused:
        return _page(round_id, dependency=form, problem=refused.message, status=422)
    flash(_("The dependency is recorded."), "success")
    return redirect(url_for("rounds.portfolio_page", round_id=round_id) + "#rules")


@bp.route("/<int:round_id>/portfolio/dependencies/<int:dependency_id>/remove", methods=["POST"])
@allow(SIGNED_IN)
def remove_dependency(round_id: int, dependency_id: int) -> ResponseReturnValue:
    portfolio.remove_dependency(access.get_round(round_id), signed_in_user(), dependency_id)
    flash(_("The dependency is removed."), "success")
    return redirect(url_for("rounds.portfolio_page", round_id=round_id) + "#rules")
