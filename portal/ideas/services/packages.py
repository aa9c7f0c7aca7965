"""Office Open XML and OpenDocument files are ZIP archives; check one as what it claims to be
(OWASP ASVS 5.0 V5.2.2 content matches the type, V5.2.3 unpacked size and number of parts,
V5.2.5 no links, V5.3.3 no paths outside the archive).

An uploaded .docx is accepted only if it is a readable ZIP archive with the parts its format
requires, carries no program, script, web page or macro, and does not unpack to far more than it
weighs (a "zip bomb"). The check reads the archive's central directory, which lists every part
with its sizes, and unpacks nothing but the few bytes of an OpenDocument's `mimetype` part. The
portal never unpacks an attachment itself; the sizes checked are those the office programs of
its readers go by.
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from flask_babel import format_decimal
from flask_babel import gettext as _

#: The parts each format requires besides the ones named in `_OPENDOCUMENT`: OOXML needs its
#: content types and main part (ECMA-376 Part 2), OpenDocument its content (ODF 1.3 Part 2).
REQUIRED_PARTS = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "pptx": ("[Content_Types].xml", "ppt/presentation.xml"),
    "odt": ("mimetype", "content.xml"),
    "ods": ("mimetype", "content.xml"),
    "odp": ("mimetype", "content.xml"),
}

#: What the `mimetype` part of an OpenDocument says, by extension.
_OPENDOCUMENT = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
    "odp": b"application/vnd.oasis.opendocument.presentation",
}

#: Parts no document needs: programs, scripts, web pages and shortcuts, by extension.
FORBIDDEN_EXTENSIONS = frozenset(
    {
        # programs and libraries
        ".exe", ".dll", ".com", ".scr", ".msi", ".cpl", ".pif", ".sys", ".jar", ".app",
        # scripts
        ".bat", ".cmd", ".ps1", ".psm1", ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".hta",
        ".sh", ".py", ".reg", ".lnk",
        # web pages and images that may carry script
        ".html", ".htm", ".xhtml", ".mht", ".mhtml", ".svg", ".svgz",
    }
)  # fmt: skip

#: Macros: the VBA project of an Office document and the Basic and script libraries of an
#: OpenDocument.
_MACRO_NAMES = frozenset({"vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml"})
_MACRO_FOLDERS = ("basic/", "scripts/")

#: More parts than any document written by hand has; the central directory of more would take
#: long to read.
MAX_PARTS = 10_000

#: The `mimetype` part is one short line; nothing longer is read.
_MIMETYPE_MAX = 100


class PackageRefused(ValueError):
    """The file is no sound document of its type; the message says why, for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    """How far an archive may unpack."""

    #: The sum of the unpacked sizes of all parts, in bytes.
    max_unpacked: int
    #: How many times larger than the file that sum may be.
    max_ratio: int


def check_package(content: bytes, extension: str, limits: Limits) -> None:
    """Raise `PackageRefused` unless *content* is a sound document of type *extension*.

    Types that are no ZIP package (PDF, images, the binary Office formats) pass unchecked.
    """
    required = REQUIRED_PARTS.get(extension)
    if required is None:
        return
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            _check_parts(parts, extension, required, len(content), limits)
            if extension in _OPENDOCUMENT:
                _check_mimetype(archive, _OPENDOCUMENT[extension])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError):
        raise PackageRefused(_("The document cannot be read; it may be damaged.")) from None


def _check_parts(
    parts: list[zipfile.ZipInfo],
    extension: str,
    required: tuple[str, ...],
    size: int,
    limits: Limits,
) -> None:
    if len(parts) > MAX_PARTS:
        raise PackageRefused(_("The document consists of too many parts."))
    names = {part.filename for part in parts}
    missing = [name for name in required if name not in names]
    if missing:
        raise PackageRefused(
            _(
                "The file is not a valid %(kind)s document: %(parts)s is missing.",
                kind=extension.upper(),
                parts=", ".join(missing),
            )
        )
    for part in parts:
        _check_part(part)
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked or unpacked > size * limits.max_ratio:
        raise PackageRefused(
            _(
                "The document would unpack to %(size)s MB; at most %(limit)s MB and %(ratio)s "
                "times its own size are allowed.",
                size=format_decimal(unpacked / 1_000_000, format="#,##0.#"),
                limit=format_decimal(limits.max_unpacked / 1_000_000, format="#,##0.#"),
                ratio=format_decimal(limits.max_ratio),
            )
        )


def _check_part(part: zipfile.ZipInfo) -> None:
    name = part.filename.replace("\\", "/")
    path = PurePosixPath(name)
    lower = name.lower()
    if name.startswith("/") or ".." in path.parts:
        raise PackageRefused(_("The document contains a part outside its own folder."))
    if part.flag_bits & 0x1:
        raise PackageRefused(_("The document contains encrypted parts, which cannot be checked."))
    # Unix programs keep a part's file mode in the upper half of its external attributes.
    if stat.S_ISLNK(part.external_attr >> 16):
        raise PackageRefused(
            _("The document contains a link to another file, which is not accepted.")
        )
    if path.name.lower() in _MACRO_NAMES or lower.startswith(_MACRO_FOLDERS):
        raise PackageRefused(
            _("The document contains macros. Please save it without macros and attach it again.")
        )
    if path.suffix.lower() in FORBIDDEN_EXTENSIONS:
        raise PackageRefused(
            _(
                "The document contains a program, script or web page (%(name)s), which is "
                "not accepted.",
                name=path.name,
            )
        )


def _check_mimetype(archive: zipfile.ZipFile, expected: bytes) -> None:
    info = archive.getinfo("mimetype")
    if info.file_size > _MIMETYPE_MAX:
        raise PackageRefused(_("The document's type declaration is not valid."))
    with archive.open(info) as part:
        declared = part.read(_MIMETYPE_MAX + 1)
    if declared.strip() != expected:
        raise PackageRefused(_("The document's type declaration is not valid."))
