"""Enumerations whose members carry a translatable label, and how the database stores them."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import Enum


class LabelledEnum(enum.Enum):
    """An enumeration whose members are declared with their label: `DRAFT = "draft", _l("Draft")`.

    The value is what the database, forms and URLs carry; the label is what users read, in
    their language.
    """

    _label: Any

    if TYPE_CHECKING:
        # Enum's own __new__ replaces the one below once the members are made, and looks a
        # member up by its value alone: `IdeaState("draft")`.
        def __new__(cls, value: str) -> Self: ...

    else:

        def __new__(cls, value: str, label: Any) -> LabelledEnum:
            member = object.__new__(cls)
            member._value_ = value
            member._label = label
            return member

    @property
    def label(self) -> str:
        return str(self._label)

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """Return (value, label) pairs for a select field."""
        return [(member.value, member.label) for member in cls]


def db_enum(cls: type[enum.Enum], name: str) -> Enum:
    """Return the column type that stores members of *cls* by value, as the type *name*."""
    return Enum(cls, name=name, values_callable=lambda members: [m.value for m in members])
