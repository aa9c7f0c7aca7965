"""The evaluation page of a project: spending, indicators, the closing report."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.projects.forms import (
    EvaluationForm,
    IndicatorForm,
    MeasureForm,
    ReopenForm,
    SpentForm,
)
from portal.projects.models import Project, ProjectState
from portal.projects.services import access, projects
from portal.projects.services import evaluation as evaluating
from portal.projects.services.access import Refused
from portal.projects.services.time import today
from portal.projects.views import bp


def _render(project: Project, status: int = 200, **forms: Any) -> ResponseReturnValue:
    user = signed_in_user()
    indicators = evaluating.indicators(project)
    failed = forms.pop("failed_indicator", None)
    # One form per indicator, so that a refused value stays in its own field and every value
    # is shown in the reader's notation.
    measure_forms = {
        indicator.id: forms["measure_form"]
        if indicator.id == failed
        else MeasureForm(
            formdata=None,
            measured=indicator.measured,
            measured_on=indicator.measured_on or today(),
        )
        for indicator in indicators
    }
    return render_template(
        "projects/evaluation.html",
        project=project,
        indicators=indicators,
        may_change=access.may_change(project, user),
        may_steer=access.may_steer(project, user),
        reopen_form=forms.pop("reopen_form", None) or ReopenForm()
        if access.is_moderator(user) and project.state is ProjectState.EVALUATED
        else None,
        indicator_form=forms.pop("indicator_form", None) or IndicatorForm(),
        measure_forms=measure_forms,
        evaluation_form=forms.pop("evaluation_form", None)
        or EvaluationForm(closing_report=project.closing_report),
        spent_form=forms.pop("spent_form", None)
        or SpentForm(
            formdata=None,
            budget_spent=project.budget_spent,
            staff_days_spent=project.staff_days_spent,
        ),
        days_left=evaluating.days_left(project, today()),
        error=forms.pop("error", ""),
    ), status


@bp.route("/<int:project_id>/evaluation")
@allow(SIGNED_IN)
def evaluation(project_id: int) -> ResponseReturnValue:
    return _render(access.get_project(project_id))


@bp.route("/<int:project_id>/indicators", methods=["POST"])
@allow(SIGNED_IN)
def add_indicator(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_change(project, user)
    form = IndicatorForm()
    if not form.validate_on_submit():
        return _render(
            project,
            422,
            indicator_form=form,
            error=_("Please correct the fields marked below."),
        )
    try:
        evaluating.add_indicator(
            project,
            evaluating.IndicatorData(
                form.name.data or "", form.unit.data or "", form.baseline.data, form.target.data
            ),
            user,
        )
    except Refused as refused:
        return _render(project, 422, indicator_form=form, error=refused.message)
    flash(_("The indicator has been added."), "success")
    return redirect(url_for("projects.evaluation", project_id=project.id, _anchor="indicators"))


@bp.route("/<int:project_id>/indicators/<int:indicator_id>", methods=["POST"])
@allow(SIGNED_IN)
def measure(project_id: int, indicator_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_change(project, user)
    form = MeasureForm()
    if not form.validate_on_submit():
        return _render(
            project,
            422,
            measure_form=form,
            failed_indicator=indicator_id,
            error=_("Please correct the fields marked below."),
        )
    try:
        evaluating.measure(
            project, indicator_id, form.measured.data, form.measured_on.data, user, today()
        )
    except Refused as refused:
        return _render(
            project, 422, measure_form=form, failed_indicator=indicator_id, error=refused.message
        )
    flash(_("The measured value has been recorded."), "success")
    return redirect(url_for("projects.evaluation", project_id=project.id, _anchor="indicators"))


@bp.route("/<int:project_id>/spent", methods=["POST"])
@allow(SIGNED_IN)
def spent(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_steer(project, user)
    form = SpentForm()
    if not form.validate_on_submit():
        return _render(
            project, 422, spent_form=form, error=_("Please correct the fields marked below.")
        )
    projects.record_spent(
        project, form.budget_spent.data or 0, form.staff_days_spent.data or 0, user
    )
    flash(_("The spending has been recorded."), "success")
    return redirect(url_for("projects.evaluation", project_id=project.id, _anchor="spent"))


@bp.route("/<int:project_id>/evaluation", methods=["POST"])
@allow(SIGNED_IN)
def close_evaluation(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_steer(project, user)
    form = EvaluationForm()
    if not form.validate_on_submit():
        raise Refused(_("The form has expired. Please reload the page and try again."))
    try:
        evaluating.close_evaluation(project, form.closing_report.data or "", user)
    except Refused as refused:
        return _render(project, 422, evaluation_form=form, error=refused.message)
    flash(_("The evaluation is closed; the project is evaluated."), "success")
    return redirect(url_for("projects.evaluation", project_id=project.id))


@bp.route("/<int:project_id>/evaluation/reopen", methods=["POST"])
@allow(SIGNED_IN)
def reopen_evaluation(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_moderator(user)
    form = ReopenForm()
    if not form.validate_on_submit():
        raise Refused(_("The form has expired. Please reload the page and try again."))
    try:
        evaluating.reopen_evaluation(project, form.reason.data or "", user)
    except Refused as refused:
        return _render(project, 422, reopen_form=form, error=refused.message)
    flash(_("The evaluation is open again; the project is completed."), "success")
    return redirect(url_for("projects.evaluation", project_id=project.id))
