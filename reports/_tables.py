"""The table of exactly the data a figure plots: for the accessible table and the CSV download."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, TypeAlias

from reports._errors import InvalidReportData
from reports._format import format_amount, format_date, format_number, format_share

Cell: TypeAlias = str | int | float | Decimal | dt.date | None
ColumnKind: TypeAlias = Literal["text", "integer", "number", "share", "amount", "date"]


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a data table.

    Attributes:
        label: the heading as the reader sees it (already translated by the caller).
        kind: how cells are written: ``text`` as given, ``integer`` and ``number`` with the
            locale's separators, ``share`` (0…1) as a percentage, ``amount`` in euros,
            ``date`` in the locale's medium form.
        digits: decimals of ``number`` and ``share`` cells.
    """

    label: str
    kind: ColumnKind = "text"
    digits: int = 0


@dataclass(frozen=True, slots=True)
class DataTable:
    """Rows of plain values with typed columns; every figure returns one beside itself.

    ``rows`` hold the values as plotted (not rounded), so the CSV export can be recomputed and
    compared with the figure; ``display_rows`` writes them for reading.
    """

    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]

    def __post_init__(self) -> None:
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise InvalidReportData(
                    f"Row {number} of the table {self.caption!r} has {len(row)} cells for "
                    f"{len(self.columns)} columns.",
                    hint="Give one value per column, None for an empty cell.",
                )

    def display_rows(self, locale: str) -> tuple[tuple[str, ...], ...]:
        """Return the rows written for a reader of ``locale``; empty cells as an empty string."""
        return tuple(
            tuple(
                _display(cell, column, locale)
                for cell, column in zip(row, self.columns, strict=True)
            )
            for row in self.rows
        )

    def to_csv(self) -> bytes:
        """Return the table as CSV (RFC 4180, UTF-8, headings first, values unformatted).

        Numbers keep the decimal point and dates are ISO 8601, so any program reads them back
        exactly; the headings are the caller's translated labels.
        """
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(column.label for column in self.columns)
        writer.writerows(tuple(_raw(cell) for cell in row) for row in self.rows)
        return buffer.getvalue().encode("utf-8")


def _raw(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _display(cell: Cell, column: Column, locale: str) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str) or column.kind == "text":
        return str(cell)
    if isinstance(cell, dt.date):
        return format_date(cell, locale)
    match column.kind:
        case "integer":
            return format_number(cell, locale)
        case "number":
            return format_number(cell, locale, digits=column.digits)
        case "share":
            return format_share(float(cell), locale, digits=column.digits)
        case "amount":
            return format_amount(cell, locale)
    raise InvalidReportData(
        f"The cell {cell!r} does not fit the column {column.label!r} of kind {column.kind!r}.",
        hint="Give dates in date columns and numbers in number columns.",
    )


def check_lengths(what: str, expected: int, **sequences: Sequence[object]) -> None:
    """Refuse sequences that should run in parallel with ``expected`` items but do not."""
    for name, sequence in sequences.items():
        if len(sequence) != expected:
            raise InvalidReportData(
                f"{what}: {name} has {len(sequence)} entries for {expected}.",
                hint=f"Give one entry of {name} per item, in the same order.",
            )
