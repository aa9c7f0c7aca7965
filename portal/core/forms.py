"""Form pieces shared by the modules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from babel.numbers import parse_decimal
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import FloatField, SelectMultipleField

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from portal.core.enums import LabelledEnum
from portal.core.urls import as_key


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


def read_number(text: str) -> float | None:
    """Return the number *text* stands for, written as the reader writes it (1.500,5 in
    German, 1,500.5 in English), or None when it is empty; raise ValueError when it is no
    number."""
    cleaned = text.strip().replace(" ", "").replace("\u00a0", "")
    if not cleaned:
        return None
    try:
        # Strict, so that "12.5" typed in German is refused instead of read as 125.
        number = float(parse_decimal(cleaned, locale=str(get_locale() or "de"), strict=True))
    except (ValueError, OverflowError):  # babel's NumberFormatError among them
        raise ValueError(text) from None
    if number != number or number in (float("inf"), float("-inf")):  # NaN, Infinity, 1E+400
        raise ValueError(text)
    return number


class LocalDecimalField(FloatField):
    """A number with decimals as the reader writes it: 1.500,5 in German, 1,500.5 in English.

    A text field, since browsers show a number field's value only in their own notation.
    """

    widget = TextInput()
    #: How the value is shown in the field, in the reader's notation.
    display_format = "#,##0.##########"
    #: Which keyboard phones offer.
    input_mode = "decimal"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["render_kw"] = {"inputmode": self.input_mode, **(kwargs.get("render_kw") or {})}
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            self.data = read_number(str(valuelist[0])) if valuelist else None
        except ValueError:
            self.data = None
            raise ValueError(
                _("Please enter a number, such as %(example)s.", example=format_decimal(1234.5))
            ) from None

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return str(format_decimal(self.data, format=self.display_format))


class LocalIntegerField(LocalDecimalField):
    """A whole number as the reader writes it: 1.500 in German, 1,500 in English."""

    data: int | None
    display_format = "#,##0"
    input_mode = "numeric"

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        number = float(self.data) if self.data is not None else None
        if number is None:
            return
        # Beyond 2**53 a float no longer holds every whole number.
        if not number.is_integer() or abs(number) >= 2**53:
            self.data = None
            raise ValueError(
                _("Please enter a whole number, such as %(example)s.", example=format_decimal(1500))
            )
        self.data = int(number)


class MultiCheckboxField(SelectMultipleField):
    """A set of check boxes for a multiple choice."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ActionForm(FlaskForm):
    """A button that needs only the CSRF token (support, mark as read, delete)."""


def sent_version(value: object) -> int:
    """Return the version of a row a form sent; a missing or odd one matches no version."""
    return as_key(value) or 0
