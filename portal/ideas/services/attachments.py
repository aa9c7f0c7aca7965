"""Files attached to ideas: checked by size and by content, stored under random names."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO

import filetype
from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.errors import DomainError, Forbidden, NotFound
from portal.core.models import utcnow
from portal.core.transactions import on_commit, on_rollback
from portal.extensions import db
from portal.ideas.models import Attachment, Idea, IdeaEventKind
from portal.ideas.services import history
from portal.ideas.services.access import may_attach, may_remove_attachment
from portal.ideas.services.packages import Limits, PackageRefused, check_package


class UploadRefused(DomainError):
    """An uploaded file is too large or of a type that is not accepted."""

    status_code = 422


#: What may be attached, by the type detected from the content: MIME type → extension.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
}


def storage_path(storage_name: str) -> Path:
    """Return where the file stored as *storage_name* lies."""
    return Path(current_app.config["UPLOAD_PATH"]) / storage_name


def _clean_stem(filename: str) -> str:
    stem = Path(filename.replace("\\", "/")).name.rsplit(".", 1)[0]
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._")
    return stem[:100] or "attachment"


def _limits() -> Limits:
    config = current_app.config
    return Limits(
        max_unpacked=config["UPLOAD_MAX_UNPACKED_BYTES"],
        max_ratio=config["UPLOAD_MAX_COMPRESSION_RATIO"],
    )


@dataclass(frozen=True)
class CheckedUpload:
    """An uploaded file that passed the checks, not yet stored."""

    content: bytes
    #: The name offered for download: the uploaded name, cleaned, with the detected extension.
    filename: str
    #: The type detected from the content, not the one the browser claimed.
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)


def check_upload(stream: IO[bytes], filename: str) -> CheckedUpload:
    """Read an uploaded file and check its size and its type by content; an Office or
    OpenDocument file is checked as one (see `packages`). Every module that takes files uses
    these rules."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    content = stream.read(limit + 1)
    if not content:
        raise UploadRefused(_("The file is empty."))
    if len(content) > limit:
        raise UploadRefused(
            _(
                "The file is too large; at most %(size)s MB are allowed.",
                size=format_decimal(limit / 1_000_000, format="#,##0.#"),
            )
        )
    kind = filetype.guess(content)
    extension = ALLOWED_TYPES.get(kind.mime) if kind else None
    if kind is None or extension is None:
        raise UploadRefused(
            _("This type of file is not accepted. Please attach PDF, Office documents or images.")
        )
    try:
        check_package(content, extension, _limits())
    except PackageRefused as refused:
        raise UploadRefused(refused.message) from None
    return CheckedUpload(content, f"{_clean_stem(filename)}.{extension}", kind.mime)


def store_upload(upload: CheckedUpload) -> str:
    """Write a checked upload under a random name and return that name; the file goes again if
    the unit of work rolls back."""
    storage_name = secrets.token_hex(16)
    path = storage_path(storage_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.content)
    on_rollback(partial(path.unlink, missing_ok=True))
    return storage_name


def add_attachment(
    idea: Idea, user: User, stream: IO[bytes], filename: str, *, at: datetime | None = None
) -> Attachment:
    """Store an uploaded file for *idea* (at *at*, default now) after checking it
    (`check_upload`)."""
    if not may_attach(idea, user):
        raise Forbidden(_("You may not attach files to this idea."))
    upload = check_upload(stream, filename)
    attachment = Attachment(
        idea_id=idea.id,
        uploaded_by_id=user.id,
        filename=upload.filename,
        storage_name=store_upload(upload),
        content_type=upload.content_type,
        size=upload.size,
        created_at=at or utcnow(),
    )
    db.session.add(attachment)
    history.record(idea, IdeaEventKind.ATTACHMENT_ADDED, user, attachment.filename, at=at)
    db.session.flush()
    return attachment


def remove_attachment(
    idea: Idea, attachment_id: int, user: User, *, at: datetime | None = None
) -> Attachment:
    """Remove an attachment of *idea* as *user* (its author or a moderator) and record it in the
    idea's history; the file goes once the removal is committed."""
    if not may_remove_attachment(idea, user):
        raise Forbidden(_("You may not remove files of this idea."))
    attachment = attachment_of(idea, attachment_id)
    on_commit(partial(storage_path(attachment.storage_name).unlink, missing_ok=True))
    db.session.delete(attachment)
    history.record(idea, IdeaEventKind.ATTACHMENT_REMOVED, user, attachment.filename, at=at)
    db.session.flush()
    return attachment


def idea_attachments(idea: Idea) -> list[Attachment]:
    """Return the files attached to *idea*, oldest first."""
    return list(
        db.session.scalars(
            select(Attachment).where(Attachment.idea_id == idea.id).order_by(Attachment.id)
        )
    )


def attachment_of(idea: Idea, attachment_id: int) -> Attachment:
    """Return attachment *attachment_id* of *idea* (already checked as visible)."""
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.idea_id != idea.id:
        raise NotFound(_("This attachment does not exist."))
    return attachment


def get_attachment(idea: Idea, attachment_id: int) -> tuple[Attachment, Path]:
    """Return an attachment of *idea* (already checked as visible) and where its file is."""
    attachment = attachment_of(idea, attachment_id)
    path = storage_path(attachment.storage_name)
    if not path.is_file():
        raise NotFound(_("The file of this attachment is missing."))
    return attachment, path
