"""The status of a project, its dated progress updates and its documents with versions.

Files go through the checks of the idea portal (`portal.ideas.services.attachments`): the same
size limit, the type detected from the content, Office files checked as packages, random
storage names, and removal of the stored file if the request is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from portal.accounts.models import User
from portal.core.errors import NotFound
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.services.attachments import (
    CheckedUpload,
    check_upload,
    storage_path,
    store_upload,
)
from portal.projects.models import (
    Document,
    ProgressUpdate,
    Project,
    ProjectFile,
    Traffic,
)
from portal.projects.services.access import Refused, require_change, require_current


@dataclass
class StatusData:
    """A progress report as a form sends it."""

    traffic: Traffic
    progress: int | None
    reason: str
    body: str


@dataclass(frozen=True)
class Upload:
    """A file sent with a form: its content and the name the browser gave."""

    stream: IO[bytes]
    filename: str


def _stored(project: Project, upload: CheckedUpload, user: User, at: datetime) -> ProjectFile:
    return ProjectFile(
        project_id=project.id,
        uploaded_by_id=user.id,
        uploaded_at=at,
        filename=upload.filename,
        storage_name=store_upload(upload),
        content_type=upload.content_type,
        size=upload.size,
    )


def publish_update(project: Project, author: User, body: str, at: datetime) -> ProgressUpdate:
    """Add a dated update of *project* by *author* that records its current status."""
    update = ProgressUpdate(
        project_id=project.id,
        author_id=author.id,
        at=at,
        body=body,
        traffic=project.traffic,
        progress=project.progress,
    )
    db.session.add(update)
    db.session.flush()
    return update


def report(
    project: Project,
    data: StatusData,
    user: User,
    upload: Upload | None = None,
    *,
    lock_version: int | None = None,
    at: datetime | None = None,
) -> ProgressUpdate:
    """Set the status of *project* and publish a dated progress update with an optional file;
    the update appears in the newsfeed of those who follow the idea."""
    require_change(project, user)
    require_current(project, lock_version)
    reason = data.reason.strip()
    if data.traffic is not Traffic.GREEN and not reason:
        raise Refused(
            _("A yellow or red status needs a reason; please say what holds the project up.")
        )
    if data.progress is None or not 0 <= data.progress <= 100:
        raise Refused(_("The progress is a percentage between 0 and 100."))
    if not data.body.strip():
        raise Refused(_("Please write what has happened since the last update."))
    checked = check_upload(upload.stream, upload.filename) if upload else None
    when = at or utcnow()
    project.traffic = data.traffic
    project.traffic_reason = "" if data.traffic is Traffic.GREEN else reason
    project.progress = data.progress
    project.status_at = when
    update = publish_update(project, user, data.body.strip(), when)
    if checked is not None:
        stored = _stored(project, checked, user, when)
        stored.update_id = update.id
        db.session.add(stored)
        db.session.flush()
    return update


def updates(project: Project, limit: int = 20) -> list[ProgressUpdate]:
    """Return the latest *limit* progress updates of *project*, newest first, with their files."""
    return list(
        db.session.scalars(
            select(ProgressUpdate)
            .where(ProgressUpdate.project_id == project.id)
            .options(
                joinedload(ProgressUpdate.author).lazyload(User.role_rows),
                selectinload(ProgressUpdate.files),
            )
            .order_by(ProgressUpdate.at.desc(), ProgressUpdate.id.desc())
            .limit(limit)
        )
    )


def upload_document(
    project: Project,
    title: str,
    upload: Upload,
    user: User,
    *,
    at: datetime | None = None,
) -> ProjectFile:
    """Store *upload* as the newest version of the document *title* of *project*; a document
    of that title keeps its older versions."""
    require_change(project, user)
    title = title.strip()
    if not title:
        raise Refused(_("Please give the document a title."))
    checked = check_upload(upload.stream, upload.filename)
    when = at or utcnow()
    document = db.session.scalar(
        select(Document).where(Document.project_id == project.id, Document.title == title)
    )
    if document is None:
        document = Document(project_id=project.id, title=title, created_at=when)
        db.session.add(document)
        db.session.flush()
    last = db.session.scalar(
        select(ProjectFile.version)
        .where(ProjectFile.document_id == document.id)
        .order_by(ProjectFile.version.desc())
        .limit(1)
    )
    stored = _stored(project, checked, user, when)
    stored.document_id = document.id
    stored.version = (last or 0) + 1
    db.session.add(stored)
    db.session.flush()
    return stored


def documents(project: Project) -> list[Document]:
    """Return the documents of *project* by title, each with its versions, newest first."""
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.project_id == project.id)
            .options(selectinload(Document.versions).joinedload(ProjectFile.uploaded_by))
            .order_by(Document.title)
        )
    )


def get_file(project: Project, file_id: int) -> tuple[ProjectFile, Path]:
    """Return a file of *project* (a document version or an update's attachment) and where it
    lies; all who may see the project may download it."""
    found = db.session.get(ProjectFile, file_id)
    if found is None or found.project_id != project.id:
        raise NotFound(_("This file does not exist."))
    path = storage_path(found.storage_name)
    if not path.is_file():
        raise NotFound(_("The file of this document is missing."))
    return found, path
