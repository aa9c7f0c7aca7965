"""Typed errors of the scoring engine.

Every error carries a message that names what is wrong in words a board member understands and a
hint that says what to do about it. The portal shows both; it never needs to parse them.
"""

from __future__ import annotations


class ScoringError(ValueError):
    """Base class of every error the scoring engine raises on invalid input.

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


class InvalidMatrix(ScoringError):
    """A matrix has the wrong shape, holds values that are not allowed, or is not reciprocal."""


class InvalidWeights(ScoringError):
    """Criteria weights are negative, all zero, not finite or of the wrong length."""


class InvalidParameter(ScoringError):
    """An option is unknown, out of range or missing where the chosen method needs it."""


class InconsistentInput(ScoringError):
    """Inputs contradict each other, for example an idea that is both mandatory and excluded."""


class InsufficientData(ScoringError):
    """There is too little data to compute the measure, for example a single rater."""


class InfeasiblePortfolio(ScoringError):
    """No portfolio satisfies the limits, the mandatory ideas and the dependencies at once."""
