"""Form pieces shared by the modules."""

from __future__ import annotations

from flask_wtf import FlaskForm


def optional_int(value: object) -> int | None:
    """Coerce a select's value to an int, or None for the empty choice."""
    return int(str(value)) if value not in (None, "", "None") else None


class ActionForm(FlaskForm):
    """A button that needs only the CSRF token (support, mark as read, delete)."""
