"""Form pieces shared by the modules."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms import SelectMultipleField

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.widgets import CheckboxInput, ListWidget

from portal.core.enums import LabelledEnum


def strip(value: str | None) -> str | None:
    """Drop surrounding white space, which pasted addresses often carry."""
    return value.strip() if isinstance(value, str) else value


def optional_int(value: object) -> int | None:
    """Coerce a select's value to an int, or None for the empty choice."""
    return int(str(value)) if value not in (None, "", "None") else None


def optional_choices(empty: str, choices: Iterable[tuple[int, str]]) -> list[SelectChoice]:
    """Return select choices (id, label) after an empty one labelled *empty* ("— none —")."""
    return [SelectChoice("", empty), *(SelectChoice(str(value), label) for value, label in choices)]


def enum_choices(members: type[LabelledEnum]) -> list[SelectChoice]:
    """Return the members of *members* as select choices, labelled in the current language."""
    return [SelectChoice(value, label) for value, label in members.choices()]


class MultiCheckboxField(SelectMultipleField):
    """A set of check boxes for a multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A button that needs only the CSRF token (support, mark as read, delete)."""
