"""The evaluation page of a project: spending, indicators, the closing report."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.projects.forms import EvaluationForm, IndicatorForm, MeasureForm, SpentForm
from portal.projects.models import Project
from portal.projects.services import access
from portal.projects.services import evaluation as evaluating
from portal.projects.services.access import Refused
from portal.projects.services.time import today
from portal.projects.views import bp


def _render(project: Project, status: int = 200, **forms: Any) -> ResponseReturnValue:
    user = signed_in_user()
    return render_template(
        "projects/evaluation.html",
        project=project,
        indicators=evaluating.indicators(project),
        may_change=access.may_change(project, user),
        may_steer=access.may_steer(project, user),
        indicator_form=forms.pop("indicator_form", None) or IndicatorForm(),
        measure_form=forms.pop("measure_form", None) or MeasureForm(measured_on=today()),
        failed_indicator=forms.pop("failed_indicator", None),
        evaluation_form=forms.pop("evaluation_form", None)
        or EvaluationForm(closing_report=project.closing_report),
        spent_form=SpentForm(
            budget_spent=project.budget_spent, staff_days_spent=project.staff_days_spent
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
            error=_("Baseline and target are numbers, e.g. 12.5."),
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
            error=_("The measured value is a number, e.g. 12.5, with the day of measuring."),
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
