"""Domain errors raised by services; one handler turns them into HTTP answers."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The object does not exist, or not for the current municipality."""

    status_code = 404


class Forbidden(DomainError):
    """The user's roles do not allow this."""

    status_code = 403


class Conflict(DomainError):
    """The request contradicts the current state (a duplicate, a stale form)."""

    status_code = 409


class InvalidTransition(Conflict):
    """The object's state does not allow the requested change."""


class RateLimited(DomainError):
    """Too many attempts in a short time."""

    status_code = 429
