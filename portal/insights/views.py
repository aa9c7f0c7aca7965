"""The dashboards and documents: thin views over `services`."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import format_date, get_locale
from flask_babel import gettext as _

import reports
from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import SIGNED_IN, allow
from portal.core.arguments import int_arg
from portal.core.confirm import Confirmation, ask, confirmed
from portal.core.errors import NotFound
from portal.core.forms import optional_choices
from portal.core.urls import as_key
from portal.insights.forms import (
    DocumentForm,
    LetterheadForm,
    MeetingPackForm,
    ProjectReportForm,
)
from portal.insights.models import DocumentKind
from portal.insights.services import (
    dashboards,
    documents,
    letterhead,
    meeting_pack,
    project_report,
    round_documents,
)
from portal.insights.services.sources import DocumentRefused

bp = Blueprint("insights", __name__, template_folder="templates")


def _date_arg(name: str) -> dt.date | None:
    """Return the date given as *name* (`YYYY-MM-DD`), or None when it is missing or not one."""
    try:
        return dt.date.fromisoformat(request.args.get(name, "")[:10])
    except ValueError:
        return None


def _filters() -> dashboards.Filters:
    return dashboards.Filters(
        round_id=int_arg("round"),
        field_id=int_arg("field"),
        unit_id=int_arg("unit"),
        since=_date_arg("since"),
        until=_date_arg("until"),
    )


def _locale() -> str:
    return str(get_locale() or "de")


@bp.route("/")
@allow(SIGNED_IN)
def dashboard() -> ResponseReturnValue:
    found = dashboards.dashboard(signed_in_user(), _filters(), _locale())
    return render_template("insights/dashboard.html", dashboard=found, locale=_locale())


@bp.route("/charts/<key>.csv")
@allow(SIGNED_IN)
def chart_csv(key: str) -> ResponseReturnValue:
    chart = dashboards.chart(signed_in_user(), key, _filters(), _locale())
    return Response(
        chart.table.to_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{key}.csv"'},
    )


# --- documents ---------------------------------------------------------------------------------


def _posted_version() -> int | None:
    return as_key(request.form.get("lock_version"))


#: A form that asks for a document; the documents page shows one of each by name.
AskForm = DocumentForm | MeetingPackForm | ProjectReportForm


def _document_forms() -> dict[str, AskForm]:
    about_round = DocumentForm()
    about_round.kind.choices = [(k.value, k.label) for k in DocumentKind if k.about_round]
    about_round.round_id.choices = [(r.id, r.name) for r in round_documents.rounds_to_report()]
    pack = MeetingPackForm()
    pack.meeting_id.choices = [
        (m.id, f"{m.title} ({format_date(m.starts_at)})")
        for m in meeting_pack.meetings_to_pack(signed_in_user())
    ]
    report = ProjectReportForm()
    report.wave_id.choices = optional_choices(
        _("All waves"), ((w.id, w.name) for w in project_report.waves_to_report())
    )
    return {"round_form": about_round, "pack_form": pack, "report_form": report}


def _render_documents(forms: dict[str, AskForm], status: int = 200) -> ResponseReturnValue:
    user = signed_in_user()
    return (
        render_template(
            "insights/documents.html",
            documents=documents.documents_for(user),
            **(forms if documents.may_manage(user) else {}),
        ),
        status,
    )


@bp.route("/documents")
@allow(SIGNED_IN)
def documents_index() -> ResponseReturnValue:
    return _render_documents(_document_forms())


def _posted_form(
    forms: dict[str, AskForm],
) -> AskForm:
    """Return the form that was sent: the kind it names, a round document otherwise."""
    posted = request.form.get("kind", "")
    if posted == DocumentKind.MEETING_PACK.value:
        return forms["pack_form"]
    if posted == DocumentKind.PROJECT_REPORT.value:
        return forms["report_form"]
    return forms["round_form"]


@bp.route("/documents", methods=["POST"])
@allow(Role.BOARD_MEMBER, Role.MODERATOR)
def document_new() -> ResponseReturnValue:
    forms = _document_forms()
    form = _posted_form(forms)
    if not form.validate_on_submit():
        return _render_documents(forms, 422)
    kind, subject_id, answering = form.asked()
    try:
        document = documents.request_document(kind, subject_id, signed_in_user())
    except DocumentRefused as refused:
        if answering is None:
            form.form_errors.append(refused.message)
        else:
            answering.errors = [refused.message]
        return _render_documents(forms, 422)
    return redirect(url_for("insights.document", document_id=document.id))


@bp.route("/documents/<int:document_id>")
@allow(SIGNED_IN)
def document(document_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    found = documents.get_document(document_id, user)
    return render_template(
        "insights/document.html",
        document=found,
        failure=documents.failure_text(found),
        may_manage=documents.may_manage(user),
        may_release=documents.may_release(user),
    )


@bp.route("/documents/<int:document_id>/pdf")
@allow(SIGNED_IN)
def document_pdf(document_id: int) -> ResponseReturnValue:
    found = documents.get_document(document_id, signed_in_user(), with_pdf=True)
    if found.pdf is None:
        raise NotFound(_("The document is not ready yet."))
    filename = f"{found.kind.value}-{found.id}.pdf"
    return Response(
        found.pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/documents/<int:document_id>/retry", methods=["POST"])
@allow(Role.BOARD_MEMBER, Role.MODERATOR)
def document_retry(document_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    found = documents.get_document(document_id, user)
    documents.retry(found, user, _posted_version())
    flash(_("The document is being generated again."), "info")
    return redirect(url_for("insights.document", document_id=found.id))


@bp.route("/documents/<int:document_id>/release", methods=["POST"])
@allow(Role.BOARD_MEMBER)
def document_release(document_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    found = documents.get_document(document_id, user)
    version = _posted_version()
    documents.check_release(found, user, version)
    if not confirmed():
        return ask(
            Confirmation(
                question=_("Release “%(title)s” for all staff?", title=found.title),
                button=_("Release"),
                cancel_url=url_for("insights.document", document_id=found.id),
                details=(
                    _("Every member of staff can then read and download the document."),
                    _("A release cannot be withdrawn."),
                ),
            )
        )
    documents.release(found, user, version)
    flash(_("The document has been released for all staff."), "success")
    return redirect(url_for("insights.document", document_id=found.id))


# --- the letterhead --------------------------------------------------------------------------


@bp.route("/letterhead", methods=["GET", "POST"])
@allow(Role.ADMIN)
def letterhead_settings() -> ResponseReturnValue:
    row = letterhead.stored()
    form = LetterheadForm(obj=row)
    if form.validate_on_submit():
        upload = request.files.get(form.logo.name)
        data = None
        if upload and upload.filename:
            # One byte more than allowed is enough to refuse it; large uploads sit in a
            # temporary file, closed here rather than left to the garbage collector.
            with upload.stream as stream:
                data = stream.read(reports.MAX_LOGO_BYTES + 1)
        try:
            letterhead.save(signed_in_user(), form.issuer.data or "", data, form.remove_logo.data)
        except letterhead.LogoRefused as refused:
            form.logo.errors = [refused.message]
        else:
            flash(_("The letterhead has been saved."), "success")
            return redirect(url_for("insights.letterhead_settings"))
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "insights/letterhead.html",
            form=form,
            has_logo=bool(row and row.logo),
            municipality=letterhead.letterhead().municipality,
        ),
        status,
    )


@bp.route("/letterhead/logo")
@allow(Role.ADMIN)
def letterhead_logo() -> ResponseReturnValue:
    found = letterhead.letterhead()
    if found.logo_url is None:
        raise NotFound(_("No logo has been saved."))
    media_type = found.logo_url.split(";", 1)[0].removeprefix("data:")
    return Response(
        found.logo,
        mimetype=media_type,
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )
