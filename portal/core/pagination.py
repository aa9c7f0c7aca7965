"""Pagination of list queries: by page number (OFFSET) for short lists, by keyset for long ones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import DateTime, Select, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.types import TypeDecorator

from portal.extensions import db

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, with what the pager needs."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(query: Select[T], page: int, per_page: int) -> Page[T]:
    """Run *query* for one page, counting the whole list in a second query."""
    page = max(1, page)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = list(db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)))
    return Page(items=items, page=page, per_page=per_page, total=total or 0)


#: Keyset cursors store points in time as microseconds since this moment.
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
#: Integer keys are 32-bit columns; a larger number in a cursor was not made here.
_INTEGER_LIMIT = 2**31


@dataclass(frozen=True)
class SeekPage(Generic[T]):
    """One page of a list read by keyset, with the cursors of its neighbours.

    The list is counted only up to `cap` matches, so that a broad filter over a large table
    costs no more than a narrow one; `total` is then `cap + 1`. A first page that holds the
    whole list needs no count.
    """

    items: list[T]
    total: int
    cap: int
    #: Cursor for `before=` that opens the previous page; None on the first page.
    prev_cursor: str | None
    #: Cursor for `after=` that opens the next page; None on the last page.
    next_cursor: str | None

    @property
    def more_than_cap(self) -> bool:
        return self.total > self.cap


Keys = Sequence[InstrumentedAttribute[Any]]


def cursor_of(item: Any, keys: Keys) -> str:
    """Return the cursor that stands for *item* in a list ordered by *keys*."""
    values = (getattr(item, key.key) for key in keys)
    return ".".join(
        str((v - _EPOCH) // _MICROSECOND if isinstance(v, datetime) else v) for v in values
    )


def _decode(cursor: str, keys: Keys) -> list[Any] | None:
    """Return the key values in *cursor*, or None if it is not a cursor of *keys*."""
    parts = cursor.split(".")
    if len(parts) != len(keys) or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    values: list[Any] = []
    for part, key in zip(parts, keys, strict=True):
        number = int(part)
        kind = key.type.impl_instance if isinstance(key.type, TypeDecorator) else key.type
        if isinstance(kind, DateTime):
            try:
                values.append(_EPOCH + number * _MICROSECOND)
            except OverflowError:
                return None
        elif number < _INTEGER_LIMIT:
            values.append(number)
        else:
            return None
    return values


def seek(
    query: Select[T],
    keys: Keys,
    per_page: int,
    *,
    after: str = "",
    before: str = "",
    cap: int = 1000,
) -> SeekPage[T]:
    """Run *query* for the page after (or before) a cursor, in descending order of *keys*.

    *keys* are integer or timestamp columns that hold no NULL for the listed rows and end with
    a unique column, so that every row has exactly one place in the order. A page then reads
    only its own rows from an index on *keys*, however deep it lies, where OFFSET reads every
    row before it. A cursor holds the keys of the first or last row of a page, so that links
    stay bookmarkable; a malformed one opens the first page. A page reached backwards is
    taken to have a next page, and one reached forwards a previous page.
    """
    values = _decode(after or before, keys) if after or before else None
    backwards = values is not None and not after
    # The page is first found by its keys alone, which an index on them can answer without
    # reading the table; only the rows of the page are then read in full.
    found = query.with_only_columns(*keys)
    if values is not None:
        row, cursor = tuple_(*keys), tuple_(*values, types=[key.type for key in keys])
        found = found.where(row > cursor if backwards else row < cursor)
    order = [key.asc() if backwards else key.desc() for key in keys]
    page = found.order_by(*order).limit(per_page + 1).subquery()
    columns = list(page.c)
    in_order = [column.asc() if backwards else column.desc() for column in columns]
    items = list(db.session.scalars(query.join(page, columns[-1] == keys[-1]).order_by(*in_order)))
    more = len(items) > per_page
    if values is None and not more:
        total: int | None = len(items)  # the first page holds the whole list
    else:
        total = db.session.scalar(
            select(func.count()).select_from(query.order_by(None).limit(cap + 1).subquery())
        )
    del items[per_page:]
    if backwards:
        items.reverse()
    has_prev, has_next = (more, True) if backwards else (values is not None, more)
    return SeekPage(
        items=items,
        total=total or 0,
        cap=cap,
        prev_cursor=cursor_of(items[0], keys) if has_prev and items else None,
        next_cursor=cursor_of(items[-1], keys) if has_next and items else None,
    )
