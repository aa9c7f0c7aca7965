"""Progress reports (status and updates) and the documents of a project."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.core.forms import sent_version
from portal.ideas.services.attachments import UploadRefused
from portal.projects.forms import DocumentForm, StatusForm
from portal.projects.models import Traffic
from portal.projects.services import access, reporting
from portal.projects.services.access import Refused
from portal.projects.views import bp
from portal.projects.views.common import prepare_status, render_detail


@bp.route("/<int:project_id>/status", methods=["POST"])
@allow(SIGNED_IN)
def report(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_change(project, user)
    form = StatusForm()
    prepare_status(form)
    if not form.validate_on_submit():
        return render_detail(
            project, 422, status_form=form, error=_("Please correct the fields marked below.")
        )
    upload = (
        reporting.Upload(form.file.data.stream, form.file.data.filename or "")
        if form.file.data
        else None
    )
    try:
        update = reporting.report(
            project,
            reporting.StatusData(
                Traffic(form.traffic.data),
                form.progress.data,
                form.reason.data or "",
                form.body.data or "",
            ),
            user,
            upload,
            lock_version=sent_version(form.lock_version.data),
        )
    except (Refused, UploadRefused) as refused:
        return render_detail(project, 422, status_form=form, error=refused.message)
    flash(_("The update has been published."), "success")
    return redirect(
        url_for("projects.detail", project_id=project.id, _anchor=f"update-{update.id}")
    )


@bp.route("/<int:project_id>/documents", methods=["POST"])
@allow(SIGNED_IN)
def upload_document(project_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    project = access.get_project(project_id)
    access.require_change(project, user)
    form = DocumentForm()
    if not form.validate_on_submit() or not form.file.data:
        return render_detail(
            project, 422, document_form=form, error=_("Please choose the file to upload.")
        )
    try:
        stored = reporting.upload_document(
            project,
            form.title.data or "",
            reporting.Upload(form.file.data.stream, form.file.data.filename or ""),
            user,
        )
    except (Refused, UploadRefused) as refused:
        return render_detail(project, 422, document_form=form, error=refused.message)
    flash(
        _("Version %(version)s of the document has been stored.", version=stored.version),
        "success",
    )
    return redirect(url_for("projects.detail", project_id=project.id, _anchor="documents"))
