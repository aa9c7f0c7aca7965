"""Documents generated in the background, stored with the hash of their data, released by the
board.

A request never renders a PDF: `request_document` gathers the plain data of the document (a few
queries and the engine's ranking, through the module that makes its kind, see `sources`),
hashes it and either returns the document already made from the same data or stores a new one
as `queued` and enqueues `start_document`. That job marks it `running` (a unit of work of its
own, so the page can say so) and hands over to `render_document`, which gathers the data again,
draws the figures as SVG (Kaleido, kept running by the job consumer), renders the PDF and stores
it with the state `ready` and the hash of the data it actually read, in one transaction. If the
data changed while the job waited, the stored hash says which data the PDF shows. A failure
stores `failed` with a message and no file; a moderator or board member may try again.

Who: board members and moderators generate documents and see all of them; only board members
release one; everybody else sees released documents only (403 otherwise).
"""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, undefer

import reports
from portal.accounts.models import Role, User
from portal.board.models import Meeting
from portal.core.errors import Conflict, DomainError, Forbidden, NotFound
from portal.core.jobs import enqueue, job
from portal.core.models import utcnow
from portal.core.registry import Link, Section
from portal.extensions import db
from portal.insights.models import DocumentKind, DocumentState, GeneratedDocument
from portal.insights.services import letterhead, meeting_pack, project_report, round_documents
from portal.insights.services.sources import AnyMaker, Subject
from portal.notifications.services import notify

log = logging.getLogger(__name__)
K = DocumentKind
S = DocumentState

#: Who generates documents and reads them before they are released.
MANAGERS = frozenset({Role.BOARD_MEMBER, Role.MODERATOR})
#: The module that makes each kind of document.
MAKERS: dict[DocumentKind, AnyMaker] = {
    K.COUNCIL_PAPER: round_documents,
    K.ROUND_REPORT: round_documents,
    K.MEETING_PACK: meeting_pack,
    K.PROJECT_REPORT: project_report,
}

READY = "insights.document_ready"
FAILED = "insights.document_failed"


def may_manage(user: User) -> bool:
    """Tell whether *user* generates documents and reads unreleased ones."""
    return bool(MANAGERS & set(user.roles))


def may_release(user: User) -> bool:
    """Tell whether *user* may release documents: board members only."""
    return Role.BOARD_MEMBER in user.roles


def _visible(user: User) -> Select[GeneratedDocument]:
    statement = select(GeneratedDocument)
    if not may_manage(user):
        statement = statement.where(GeneratedDocument.released_at.is_not(None))
    return statement


def documents_for(user: User) -> list[GeneratedDocument]:
    """Return the documents *user* may see, newest first, with their subjects."""
    return list(
        db.session.scalars(
            _visible(user)
            .options(joinedload(GeneratedDocument.round), joinedload(GeneratedDocument.meeting))
            .order_by(GeneratedDocument.id.desc())
            .limit(100)
        )
    )


def documents_of_meeting(meeting_id: int, user: User) -> list[GeneratedDocument]:
    """Return the packs of meeting *meeting_id* that *user* may see, newest first."""
    return list(
        db.session.scalars(
            _visible(user)
            .where(GeneratedDocument.meeting_id == meeting_id)
            .order_by(GeneratedDocument.id.desc())
            .limit(5)
        )
    )


def get_document(document_id: int, user: User, *, with_pdf: bool = False) -> GeneratedDocument:
    """Return document *document_id* if *user* may see it (404 if unknown, 403 if unreleased)."""
    statement = select(GeneratedDocument).where(GeneratedDocument.id == document_id)
    if with_pdf:
        statement = statement.options(undefer(GeneratedDocument.pdf))
    document = db.session.scalar(statement)
    if document is None:
        raise NotFound(_("There is no such document."))
    if document.released_at is None and not may_manage(user):
        raise Forbidden(
            _("This document has not been released yet; the board releases it for all staff.")
        )
    return document


# --- asking for a document -------------------------------------------------------------------


def request_document(kind: DocumentKind, subject_id: int | None, user: User) -> GeneratedDocument:
    """Return the document *kind* about *subject_id* (a round, a meeting, a wave, or None for
    the whole project portfolio) made from the current data, queuing its generation unless one
    of the same data exists (ready, queued or being generated)."""
    if not may_manage(user):
        raise Forbidden(_("Documents are generated by board members and moderators."))
    maker = MAKERS[kind]
    subject = maker.subject(kind, subject_id, user)
    digest = maker.gather(kind, subject, user).digest()
    existing = db.session.scalar(
        select(GeneratedDocument)
        .where(
            GeneratedDocument.kind == kind,
            GeneratedDocument.round_id == subject.round_id,
            GeneratedDocument.meeting_id == subject.meeting_id,
            GeneratedDocument.wave_id == subject.wave_id,
            GeneratedDocument.data_hash == digest,
            GeneratedDocument.state != S.FAILED,
        )
        .order_by(GeneratedDocument.id.desc())
        .limit(1)
    )
    if existing is not None:
        return existing
    document = GeneratedDocument(
        kind=kind,
        round_id=subject.round_id,
        meeting_id=subject.meeting_id,
        wave_id=subject.wave_id,
        state=S.QUEUED,
        data_hash=digest,
        title=subject.title,
        requested_by_id=user.id,
    )
    db.session.add(document)
    db.session.flush()
    enqueue(start_document, document.id)
    return document


def _require_version(document: GeneratedDocument, lock_version: int | None) -> None:
    if lock_version != document.lock_version:
        raise Conflict(
            _("The document has changed since you opened the page. Please look at it again.")
        )


def retry(document: GeneratedDocument, user: User, lock_version: int | None) -> None:
    """Queue a failed document again."""
    if not may_manage(user):
        raise Forbidden(_("Documents are generated by board members and moderators."))
    _require_version(document, lock_version)
    if document.state is not S.FAILED:
        raise Conflict(_("Only a document whose generation failed can be tried again."))
    document.state = S.QUEUED
    document.error = ""
    document.requested_by_id = user.id
    db.session.flush()
    enqueue(start_document, document.id)


def check_release(document: GeneratedDocument, user: User, lock_version: int | None) -> None:
    """Refuse releasing *document* unless a board member releases a ready, unreleased one."""
    if not may_release(user):
        raise Forbidden(_("Only board members release documents."))
    _require_version(document, lock_version)
    if document.state is not S.READY:
        raise Conflict(_("Only a generated document can be released."))
    if document.released_at is not None:
        raise Conflict(_("This document has already been released."))


def release(document: GeneratedDocument, user: User, lock_version: int | None) -> None:
    """Release *document* for all staff."""
    check_release(document, user, lock_version)
    document.released_at = utcnow()
    document.released_by_id = user.id
    db.session.flush()


# --- the jobs --------------------------------------------------------------------------------


@job(retries=2, retry_delay=10)
def start_document(document_id: int) -> None:
    """Mark document *document_id* as being generated and hand it to `render_document`."""
    document = db.session.get(GeneratedDocument, document_id)
    if document is None or document.state is not S.QUEUED:
        return
    document.state = S.RUNNING
    document.started_at = utcnow()
    enqueue(render_document, document.id)


@job(retries=0)
def render_document(document_id: int) -> None:
    """Render document *document_id* and store it as ready, or as failed with the reason."""
    document = db.session.get(GeneratedDocument, document_id)
    if document is None or document.state is not S.RUNNING:
        return
    requester = document.requested_by
    try:
        pdf, digest = _render(document)
    except (reports.ReportError, DomainError) as refused:
        hint = getattr(refused, "hint", "")
        message = refused.message if isinstance(refused, DomainError) else str(refused)
        _fail(document, requester, f"{message} {hint}".strip())
        return
    except Exception:
        log.exception("Document %s could not be generated", document_id)
        _fail(document, requester, "unexpected")
        return
    document.pdf = pdf
    document.size = len(pdf)
    document.data_hash = digest
    document.state = S.READY
    document.finished_at = utcnow()
    if requester is not None:
        notify(
            [requester],
            READY,
            {"title": document.title},
            Link("insights.document", {"document_id": document.id}),
        )


def _fail(document: GeneratedDocument, requester: User | None, message: str) -> None:
    document.state = S.FAILED
    document.error = message
    document.finished_at = utcnow()
    if requester is not None:
        notify(
            [requester],
            FAILED,
            {"title": document.title},
            Link("insights.document", {"document_id": document.id}),
        )


def failure_text(document: GeneratedDocument) -> str:
    """Return why *document* failed, in the reader's language where the portal wrote it."""
    if document.error == "unexpected":
        return str(_("An unexpected error stopped the generation; it has been logged."))
    return document.error


def _render(document: GeneratedDocument) -> tuple[bytes, str]:
    """Return the PDF of *document* made from the current data, and that data's hash."""
    maker = MAKERS[document.kind]
    # The documents are German records whatever the language of who asked for them.
    with force_locale("de"):
        source = maker.gather(document.kind, Subject.of(document), document.requested_by)
        found = letterhead.letterhead()
        composed = maker.compose(document, source, found, utcnow().date())
        pdf = reports.document_pdf(
            composed.body,
            found,
            attachments=composed.attachments,
            static_folder=Path(current_app.static_folder or ""),
            fonts="vendor/kern/fonts/fira-sans",
        )
    return pdf, source.digest()


def meeting_section(meeting: Meeting, user: User) -> Section | None:
    """Add the meeting's packs, and the button that asks for one, to the meeting page."""
    manages = may_manage(user)
    packs = documents_of_meeting(meeting.id, user)
    if not manages and not packs:
        return None
    return Section(
        "insights/meeting_pack_section.html",
        {"meeting": meeting, "packs": packs, "may_generate": manages and bool(meeting.items)},
    )
