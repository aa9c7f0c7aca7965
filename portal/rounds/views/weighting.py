"""Pages of the board's weighting: board members weight the criteria of a round's draft,
moderators choose the method and close the weighting."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_decimal, format_percent, ngettext
from flask_babel import gettext as _

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import allow
from portal.core.confirm import Confirmation, ask, confirmed
from portal.rounds.forms import (
    CloseWeightingForm,
    WeightingForm,
    WeightingMethodForm,
    read_answers,
    read_points,
)
from portal.rounds.models import Round, WeightingMethod
from portal.rounds.services import access, weighting
from portal.rounds.views import bp


def _cr(value: float) -> str:
    # A very consistent group would read "0,00", as if nothing had been computed.
    return str(format_decimal(value, "0.00" if value >= 0.01 or value == 0 else "0.000"))


def _percent(value: float) -> str:
    return str(format_percent(value, "#,##0.0 %"))


def _render(
    round_: Round,
    status: int = 200,
    *,
    problems: list[str] | None = None,
    entered: dict[str, str] | None = None,
    method_form: WeightingMethodForm | None = None,
) -> ResponseReturnValue:
    page = weighting.weighting_page(round_, signed_in_user())
    if method_form is None:
        method_form = WeightingMethodForm(
            formdata=None, method=page.method.value if page.method else None
        )
    # The fields a refusal concerns: those that hold no whole number of points, or else all.
    flagged = {
        name
        for name, value in (entered or {}).items()
        if name.startswith("points-") and not value.strip().isdigit()
    }
    return render_template(
        "rounds/weighting_page.html",
        page=page,
        problems=problems or [],
        entered=entered,
        flagged=flagged,
        form=WeightingForm(formdata=None),
        method_form=method_form,
        close_form=CloseWeightingForm(formdata=None),
        scale=weighting.SCALE,
        words=weighting.judgment_words,
        short=weighting.short_words,
        cr_limit=weighting.CR_LIMIT,
        progress=weighting.progress_text(page),
        total_points=weighting.TOTAL_POINTS,
        cr=_cr,
        percent=_percent,
    ), status


@bp.app_template_global("may_open_weighting")
def may_open_weighting(user: Any) -> bool:
    """Tell templates whether *user* may open the weighting pages (the round's page links them)."""
    return bool(user.is_authenticated) and weighting.may_open(user)


def _page_url(round_: Round, anchor: str | None = None) -> str:
    return url_for("rounds.weighting", round_id=round_.id, _anchor=anchor)


# The function's own name is the service module's, hence the endpoint's name given here.
@bp.route("/<int:round_id>/weighting", endpoint="weighting")
@allow(Role.BOARD_MEMBER, Role.MODERATOR)
def weighting_page(round_id: int) -> ResponseReturnValue:
    return _render(access.get_round(round_id))


def _confirm_submit(round_: Round, outcome: weighting.Outcome) -> ResponseReturnValue:
    details = [
        _(
            "Once submitted, your weighting can no longer change. You will then see the other "
            "members' weightings."
        )
    ]
    if outcome.consistency_ratio is not None and not outcome.consistent:
        details.append(
            _(
                "Your comparisons are not consistent: their consistency ratio is %(cr)s, above "
                "the limit of %(limit)s. The page suggests which comparison to reconsider.",
                cr=_cr(outcome.consistency_ratio),
                limit=_cr(weighting.CR_LIMIT),
            )
        )
    details.append(_("“Cancel” leads back to your weighting without saving what you changed."))
    return ask(
        Confirmation(
            _("Really submit your weighting?"),
            _("Submit weighting"),
            _page_url(round_),
            details=tuple(details),
        )
    )


def _saved_message(outcome: weighting.Outcome, submitted: bool) -> tuple[str, str]:
    if submitted:
        return _("Your weighting has been submitted."), "success"
    if outcome.unlinked:
        return _(
            "Your draft has been saved. Your comparisons do not yet link all criteria, so "
            "there are no weights yet."
        ), "warning"
    if outcome.consistency_ratio is None:
        return _("Your draft has been saved."), "success"
    if outcome.consistent:
        return _(
            "Your draft has been saved. Consistency ratio: %(cr)s – your comparisons fit together.",
            cr=_cr(outcome.consistency_ratio),
        ), "success"
    return _(
        "Your draft has been saved. Consistency ratio: %(cr)s – above %(limit)s; see which "
        "comparison to reconsider.",
        cr=_cr(outcome.consistency_ratio),
        limit=_cr(weighting.CR_LIMIT),
    ), "warning"


@bp.route("/<int:round_id>/weighting", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def save_weighting(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    member = signed_in_user()
    weighting.require_board_member(member)
    form = WeightingForm()
    entered = {name: value for name, value in request.form.items() if name != "csrf_token"}
    if not form.validate_on_submit():
        return _render(round_, 422, problems=[_("The form could not be read.")], entered=entered)
    submit = request.form.get("action") == "submit"
    version = form.version.data or ""
    answers, points, problems = _read(request.form)
    if problems:
        return _render(round_, 422, problems=problems, entered=entered)
    try:
        if submit and not confirmed():
            outcome = weighting.check_submission(
                round_, member, version=version, points=points, answers=answers
            )
            return _confirm_submit(round_, outcome)
        _own, outcome = weighting.save_weighting(
            round_, member, version=version, submit=submit, points=points, answers=answers
        )
    except weighting.WeightingRefused as error:
        return _render(round_, 422, problems=[error.message], entered=entered)
    message, kind = _saved_message(outcome, submit)
    flash(message, kind)
    return redirect(_page_url(round_, "result" if not submit else None))


def _read(
    data: Any,
) -> tuple[dict[tuple[int, int], str] | None, dict[int, int] | None, list[str]]:
    """Read the answers or the points the form sent, whichever it has."""
    if any(name.startswith("points-") for name in data):
        points, problems = read_points(data)
        if any(name.startswith("pair-") for name in data):
            problems.append(_("A form has either points or comparisons, not both."))
        return None, points, problems
    answers, problems = read_answers(data)
    return answers, None, problems


@bp.route("/<int:round_id>/weighting/method", methods=["POST"])
@allow(Role.MODERATOR)
def weighting_method(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    moderator = signed_in_user()
    access.require_moderator(moderator)
    form = WeightingMethodForm()
    if not form.validate_on_submit() or form.method.data not in {m.value for m in WeightingMethod}:
        return _render(round_, 422, method_form=form)
    method = WeightingMethod(form.method.data)
    dropped = weighting.weightings_to_drop(round_)
    if dropped and not confirmed():
        page = weighting.weighting_page(round_, moderator)
        if page.method is not method:
            return ask(
                Confirmation(
                    _("Really change how the board weights?"),
                    _("Change the method"),
                    _page_url(round_),
                    details=(
                        _(
                            "The weightings the board members have made so far (%(num)d) are "
                            "discarded; the members are told to weight again.",
                            num=dropped,
                        ),
                    ),
                )
            )
    weighting.set_method(round_, method, moderator, version=form.version.data or "")
    flash(_("The board weights the criteria: %(method)s.", method=method.label), "success")
    return redirect(_page_url(round_))


@bp.route("/<int:round_id>/weighting/close", methods=["POST"])
@allow(Role.MODERATOR)
def close_weighting(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    moderator = signed_in_user()
    access.require_moderator(moderator)
    form = CloseWeightingForm()
    if not form.validate_on_submit():
        return _render(round_, 422, problems=[_("The form could not be read.")])
    page = weighting.weighting_page(round_, moderator)
    if not confirmed():
        details = [
            _(
                "The group weights are computed from the %(num)d weightings submitted so far "
                "and stored with the catalogue; afterwards nobody can weight any more.",
                num=page.submitted,
            )
        ]
        if page.submitted < page.members:
            details.append(
                ngettext(
                    "%(num)d board member has not submitted; their weighting does not count.",
                    "%(num)d board members have not submitted; their weightings do not count.",
                    page.members - page.submitted,
                )
            )
        return ask(
            Confirmation(
                _("Really close the weighting?"),
                _("Close the weighting"),
                _page_url(round_),
                details=tuple(details),
            )
        )
    weighting.close(round_, moderator, version=form.version.data or "")
    flash(_("The weighting is closed; the group weights are set."), "success")
    return redirect(_page_url(round_))
