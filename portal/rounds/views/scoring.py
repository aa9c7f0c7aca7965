"""Pages of the assessors: their list of ideas in a round, the scoring form of one idea,
declaring a conflict of interest and revising a score in the review of a disagreement."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import allow
from portal.core.arguments import page_number
from portal.core.confirm import Confirmation, ask, confirmed
from portal.core.errors import Conflict
from portal.core.forms import read_number, sent_version
from portal.rounds.forms import (
    AssessmentForm,
    ConflictForm,
    RevisionForm,
    read_scores,
)
from portal.rounds.models import Round
from portal.rounds.services import access, scoring
from portal.rounds.views import bp

#: Ideas per page of an assessor's list.
PER_PAGE = 50


@bp.route("/<int:round_id>/assessments")
@allow(Role.ASSESSOR)
def scoring_list(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    listing = scoring.assessment_list(round_, signed_in_user(), page_number(), PER_PAGE)
    return render_template("rounds/scoring_list.html", listing=listing, progress=scoring.Progress)


def _form_url(round_: Round, idea_id: int, anchor: str | None = None) -> str:
    return url_for("rounds.scoring_form", round_id=round_.id, idea_id=idea_id, _anchor=anchor)


def _render(
    round_: Round,
    idea_id: int,
    status: int = 200,
    *,
    message: str = "",
    problems: dict[str, str] | None = None,
    entered: dict[str, str] | None = None,
    conflict_form: ConflictForm | None = None,
    revision: dict[str, Any] | None = None,
) -> ResponseReturnValue:
    page = scoring.scoring_page(round_, idea_id, signed_in_user())
    version = str(page.assignment.lock_version)
    if entered is not None:
        # What was typed is shown again with the version it was typed on, so that a stale
        # form stays refused until the page is reloaded.
        version = entered.get("lock_version", "")
    if conflict_form is None:
        conflict_form = ConflictForm(formdata=None, lock_version=version)
    return render_template(
        "rounds/scoring_form.html",
        page=page,
        message=message,
        problems=problems or {},
        entered=entered,
        version=version,
        form=AssessmentForm(formdata=None),
        conflict_form=conflict_form,
        revision=revision or {},
        score_field=scoring.score_field,
        justification_field=scoring.justification_field,
        needs_justification=scoring.needs_justification,
    ), status


@bp.route("/<int:round_id>/assessments/<int:idea_id>")
@allow(Role.ASSESSOR)
def scoring_form(round_id: int, idea_id: int) -> ResponseReturnValue:
    return _render(access.get_round(round_id), idea_id)


def _entered() -> dict[str, str]:
    return {
        name: value for name, value in request.form.items() if name not in ("csrf_token", "confirm")
    }


def _confirm_submission(round_: Round, idea_id: int) -> ResponseReturnValue:
    details = [
        _(
            "Once submitted, your scores can no longer change, except once for a criterion on "
            "which the assessors disagree strongly."
        )
    ]
    if round_.blind:
        details.append(_("You will then see the other assessors' scores of this idea."))
    details.append(_("“Cancel” leads back to the form without saving what you changed."))
    return ask(
        Confirmation(
            _("Really submit your assessment?"),
            _("Submit assessment"),
            _form_url(round_, idea_id),
            details=tuple(details),
        )
    )


@bp.route("/<int:round_id>/assessments/<int:idea_id>", methods=["POST"])
@allow(Role.ASSESSOR)
def scoring_save(round_id: int, idea_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    assessor = signed_in_user()
    # Only the assigned assessor learns anything about the form, also about its shape.
    scoring.own_assignment(round_, idea_id, assessor)
    form = AssessmentForm()
    entered = _entered()
    if not form.validate_on_submit():
        return _render(
            round_, idea_id, 422, message=_("The form could not be read."), entered=entered
        )
    values, justifications, problems = read_scores(request.form)
    if problems:
        return _render(
            round_,
            idea_id,
            422,
            message=_("Please correct the scores marked below; nothing has been saved."),
            problems=problems,
            entered=entered,
        )
    submit = request.form.get("action") == "submit"
    sent = scoring.Assessment(sent_version(form.lock_version.data), values, justifications, submit)
    try:
        if submit and not confirmed():
            scoring.check_assessment(round_, idea_id, assessor, sent)
            return _confirm_submission(round_, idea_id)
        scoring.save_assessment(round_, idea_id, assessor, sent)
    except scoring.ScoringRefused as refused:
        return _render(
            round_,
            idea_id,
            422,
            message=refused.message,
            problems=refused.problems,
            entered=entered,
        )
    except Conflict as refused:
        return _render(round_, idea_id, 409, message=refused.message, entered=entered)
    if submit:
        flash(_("Your assessment has been submitted."), "success")
        return redirect(_form_url(round_, idea_id))
    flash(_("Your draft has been saved. You can come back to it until you submit."), "success")
    return redirect(_form_url(round_, idea_id))


@bp.route("/<int:round_id>/assessments/<int:idea_id>/conflict", methods=["POST"])
@allow(Role.ASSESSOR)
def scoring_conflict(round_id: int, idea_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    assessor = signed_in_user()
    scoring.own_assignment(round_, idea_id, assessor)
    form = ConflictForm()
    if not form.validate_on_submit():
        return _render(
            round_, idea_id, 422, message=_("The form could not be read."), conflict_form=form
        )
    reason = form.reason.data or ""
    version = sent_version(form.lock_version.data)
    try:
        if not confirmed():
            scoring.check_declaration(
                round_, idea_id, assessor, lock_version=version, reason=reason
            )
            return ask(
                Confirmation(
                    _("Really declare a conflict of interest?"),
                    _("Declare the conflict"),
                    _form_url(round_, idea_id),
                    details=(
                        _(
                            "You will no longer score this idea, and the scores you saved for "
                            "it are dropped. The moderators of the round read your reason and "
                            "may ask somebody else."
                        ),
                    ),
                    quote=reason.strip(),
                )
            )
        scoring.declare_conflict(round_, idea_id, assessor, lock_version=version, reason=reason)
    except scoring.ScoringRefused as refused:
        form.reason.errors = list(refused.problems.values())
        return _render(round_, idea_id, 422, message=refused.message, conflict_form=form)
    except Conflict as refused:
        return _render(round_, idea_id, 409, message=refused.message, conflict_form=form)
    flash(_("You have declared a conflict of interest and no longer score this idea."), "success")
    return redirect(url_for("rounds.scoring_list", round_id=round_.id))


@bp.route("/<int:round_id>/assessments/<int:idea_id>/revision", methods=["POST"])
@allow(Role.ASSESSOR)
def scoring_revision(round_id: int, idea_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    assessor = signed_in_user()
    scoring.own_assignment(round_, idea_id, assessor)
    form = RevisionForm()
    criterion_id = sent_version(form.criterion_id.data) or 0
    revision: dict[str, Any] = {
        "criterion_id": criterion_id,
        "value": form.value.data or "",
        "reason": form.reason.data or "",
        "problems": {},
    }
    anchor = f"review-{criterion_id}"
    if not form.validate_on_submit():
        return _render(
            round_, idea_id, 422, message=_("The form could not be read."), revision=revision
        )
    try:
        value = read_number(form.value.data or "")
    except ValueError:
        value = None
    sent = scoring.Revision(
        sent_version(form.lock_version.data), criterion_id, value, form.reason.data or ""
    )
    try:
        if not confirmed():
            _assignment, score = scoring.check_revision(round_, idea_id, assessor, sent)
            return ask(
                Confirmation(
                    _("Really revise your score?"),
                    _("Revise the score"),
                    _form_url(round_, idea_id, anchor),
                    details=(
                        _(
                            "A score is revised only once. Your first score stays on record "
                            "beside the revised one, with your reason."
                        ),
                        _(
                            "“%(criterion)s”: from %(old)s to %(new)s.",
                            criterion=score.criterion.name,
                            old=int(score.value),
                            new=int(value or 0),
                        ),
                    ),
                    quote=(form.reason.data or "").strip(),
                )
            )
        scoring.revise_score(round_, idea_id, assessor, sent)
    except scoring.ScoringRefused as refused:
        revision["problems"] = refused.problems
        return _render(round_, idea_id, 422, message=refused.message, revision=revision)
    except Conflict as refused:
        return _render(round_, idea_id, 409, message=refused.message, revision=revision)
    flash(_("Your revised score has been saved."), "success")
    return redirect(_form_url(round_, idea_id, anchor))
