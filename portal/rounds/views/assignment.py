"""Pages of the assessment for moderators: its progress, assigning assessors to ideas one by
one or in bulk, and removing an open assignment."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import allow
from portal.core.arguments import page_number, page_size
from portal.core.confirm import Confirmation, ask, confirmed
from portal.core.errors import DomainError
from portal.core.forms import sent_version
from portal.core.urls import as_key
from portal.rounds.forms import AssignForm, BulkAssignForm, RemoveAssignmentForm
from portal.rounds.models import Round
from portal.rounds.services import access, assignment
from portal.rounds.views import bp


def _progress_url(round_: Round, anchor: str | None = None) -> str:
    return url_for("rounds.assessment_progress", round_id=round_.id, _anchor=anchor)


def _idea_url(round_: Round, idea_id: int) -> str:
    return url_for("rounds.assessment_idea", round_id=round_.id, idea_id=idea_id)


def _render_progress(
    round_: Round, status: int = 200, *, error: str = "", form: BulkAssignForm | None = None
) -> ResponseReturnValue:
    return render_template(
        "rounds/assignment_progress.html",
        round=round_,
        page=assignment.progress_page(round_, signed_in_user(), page_number(), page_size()),
        form=form or BulkAssignForm(formdata=None, scope="all"),
        error=error,
        stale=status == 409,
    ), status


def _render_idea(
    round_: Round,
    idea_id: int,
    status: int = 200,
    *,
    error: str = "",
    form: AssignForm | None = None,
) -> ResponseReturnValue:
    page = assignment.idea_page(round_, idea_id, signed_in_user())
    return render_template(
        "rounds/assignment_idea.html",
        round=round_,
        page=page,
        form=form or AssignForm(formdata=None, idea_id=idea_id),
        remove_form=RemoveAssignmentForm(formdata=None),
        error=error,
        stale=status == 409,
    ), status


@bp.route("/<int:round_id>/assessment")
@allow(Role.MODERATOR)
def assessment_progress(round_id: int) -> ResponseReturnValue:
    return _render_progress(access.get_round(round_id))


@bp.route("/<int:round_id>/assessment/ideas/<int:idea_id>")
@allow(Role.MODERATOR)
def assessment_idea(round_id: int, idea_id: int) -> ResponseReturnValue:
    return _render_idea(access.get_round(round_id), idea_id)


@bp.route("/<int:round_id>/assessment/assign", methods=["POST"])
@allow(Role.MODERATOR)
def assessment_assign(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    moderator = signed_in_user()
    access.require_moderator(moderator)
    form = AssignForm()
    if not form.validate_on_submit() or form.idea_id.data is None:
        return _render_progress(round_, 422, error=_("The form could not be read."))
    idea_id = form.idea_id.data
    try:
        done = assignment.assign(
            round_,
            idea_id,
            form.assessor_ids.data or [],
            moderator,
            lock_version=sent_version(form.lock_version.data),
        )
    except assignment.AssignmentRefused as refused:
        if not assignment.in_round(round_, idea_id):
            return _render_progress(round_, refused.status_code, error=refused.message)
        return _render_idea(round_, idea_id, refused.status_code, error=refused.message, form=form)
    except DomainError as refused:
        return _render_idea(round_, idea_id, refused.status_code, error=refused.message, form=form)
    if done.assigned:
        flash(
            ngettext(
                "%(names)s now scores this idea.",
                "%(names)s now score this idea.",
                len(done.assigned),
                names=", ".join(person.name for person in done.assigned),
            ),
            "success",
        )
    for person, reason in done.recused:
        flash(
            _(
                "%(name)s is recused from this idea: %(reason)s.",
                name=person.name,
                reason=reason.label,
            ),
            "warning",
        )
    return redirect(_idea_url(round_, idea_id))


def _scope(value: str) -> assignment.Scope | None:
    """Read the scope the bulk form sent: "all", "field-<id>" or "unit-<id>"."""
    if value == "all":
        return assignment.Scope()
    kind, _dash, number = value.partition("-")
    key = as_key(number)
    if key is None:
        return None
    if kind == "field":
        return assignment.Scope(field_of_action_id=key)
    if kind == "unit":
        return assignment.Scope(org_unit_id=key)
    return None


def _what_bulk_does(plan: assignment.BulkPlan) -> tuple[str, ...]:
    said = [
        ngettext(
            "%(num)s idea lacks assessors.",
            "%(num)s ideas lack assessors.",
            plan.lacking,
        ),
        ngettext(
            "%(num)s assessment will be assigned, to the assessors with the fewest first.",
            "%(num)s assessments will be assigned, to the assessors with the fewest first.",
            plan.assigned,
        ),
    ]
    if plan.recused:
        said.append(
            ngettext(
                "%(num)s assessor is recused for a conflict of interest and recorded as such.",
                "%(num)s assessors are recused for a conflict of interest and recorded as such.",
                plan.recused,
            )
        )
    if plan.short:
        said.append(
            ngettext(
                "%(num)s idea stays below the minimum: there are too few assessors without a "
                "conflict.",
                "%(num)s ideas stay below the minimum: there are too few assessors without a "
                "conflict.",
                len(plan.short),
            )
        )
    said.append(_("An open assignment can be removed again on the idea's assessment page."))
    return tuple(said)


@bp.route("/<int:round_id>/assessment/bulk", methods=["POST"])
@allow(Role.MODERATOR)
def assessment_bulk(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    moderator = signed_in_user()
    access.require_moderator(moderator)
    form = BulkAssignForm()
    scope = _scope(form.scope.data or "") if form.validate_on_submit() else None
    if scope is None:
        return _render_progress(
            round_, 422, error=_("Choose which ideas get assessors."), form=form
        )
    version = sent_version(form.lock_version.data)
    try:
        plan = assignment.plan_bulk(round_, scope, moderator, lock_version=version)
    except DomainError as refused:
        return _render_progress(round_, refused.status_code, error=refused.message, form=form)
    if not plan.planned:
        if plan.lacking:
            flash(
                _("No assessor without a conflict of interest is left for these ideas."), "warning"
            )
        else:
            flash(
                _(
                    "Every idea (%(scope)s) already has %(min)s assessors.",
                    scope=plan.scope_name,
                    min=round_.min_assessors,
                ),
                "info",
            )
        return redirect(_progress_url(round_))
    if not confirmed():
        return ask(
            Confirmation(
                _("Really assign assessors to %(scope)s?", scope=plan.scope_name),
                _("Assign assessors"),
                _progress_url(round_),
                details=_what_bulk_does(plan),
            )
        )
    done = assignment.bulk_assign(round_, scope, moderator, lock_version=version)
    flash(
        ngettext(
            "%(num)s assessment has been assigned.",
            "%(num)s assessments have been assigned.",
            done.assigned,
        ),
        "success",
    )
    return redirect(_progress_url(round_))


@bp.route("/<int:round_id>/assessment/assignments/<int:assignment_id>/remove", methods=["POST"])
@allow(Role.MODERATOR)
def assessment_remove(round_id: int, assignment_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    moderator = signed_in_user()
    access.require_moderator(moderator)
    found = assignment.get_assignment(round_, assignment_id)
    idea_id = found.idea_id
    form = RemoveAssignmentForm()
    if not form.validate_on_submit():
        return _render_idea(round_, idea_id, 422, error=_("The form could not be read."))
    version = sent_version(form.lock_version.data)
    try:
        assignment.check_remove(found, moderator, lock_version=version)
    except DomainError as refused:
        return _render_idea(round_, idea_id, refused.status_code, error=refused.message)
    if not confirmed():
        drafted = assignment.draft_scores(found)
        details = [_("%(name)s is no longer asked to score this idea.", name=found.assessor.name)]
        if drafted:
            details.append(
                ngettext(
                    "The %(num)s score they saved as a draft is deleted.",
                    "The %(num)s scores they saved as a draft are deleted.",
                    drafted,
                )
            )
        return ask(
            Confirmation(
                _(
                    "Really remove %(name)s from “%(title)s”?",
                    name=found.assessor.name,
                    title=found.idea.title,
                ),
                _("Remove assignment"),
                _idea_url(round_, idea_id),
                details=tuple(details),
            )
        )
    name = found.assessor.name
    assignment.remove(found, moderator, lock_version=version)
    flash(_("%(name)s no longer scores this idea.", name=name), "success")
    return redirect(_idea_url(round_, idea_id))
