"""Typed errors of the reports core.

Every error carries a message that names what is wrong and a hint that says what to do about it, as
the scoring engine's errors do; the portal shows both and never parses them.
"""

from __future__ import annotations


class ReportError(ValueError):
    """Base class of every error the reports core raises on invalid input.

    It subclasses ``ValueError`` so that callers that only know Python's conventions still catch it.
    """

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} Hint: {self.hint}"
        return self.message


class InvalidReportData(ReportError):
    """The data of a figure or document is incomplete, of the wrong shape or contradicts itself."""


class InvalidLogo(ReportError):
    """The municipality's logo is not a PNG, JPEG or SVG image, or it is too large."""


class ResourceRefused(ReportError):
    """A document asked for a resource that is not a file of the static folder it may read from.

    The rendering stops: a document is not made with a resource silently left out.
    """


class ExportFailed(ReportError):
    """The browser that exports figures as SVG did not start or did not answer."""
