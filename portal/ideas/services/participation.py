"""Participation counted as it happens: ideas submitted, supports given and comments written per
month, org unit of the person and field of action of the idea (`ParticipationCount`).

The dashboards read these counts instead of counting every idea, support and comment on each
request. Every service that submits an idea, gives or withdraws a support, writes or deletes a
comment, merges ideas or changes an idea's field of action adds to them here, in its own unit of
work. An addition is an upsert that adds in SQL (`count = count + n`), never a value read and
written back, so concurrent requests cannot lose one. `recount` rebuilds them from the rows,
for repairs and after rows were written around the services (bulk loads).

A person's action counts for the org unit they had when acting, which the row keeps (a person
who moves takes nothing along); a deleted comment that stays as a placeholder counts for none.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Select, cast, delete, func, select, type_coerce, update
from sqlalchemy.dialects import postgresql, sqlite

from portal.core.tenancy import tenant_id
from portal.extensions import db
from portal.ideas.models import (
    Comment,
    Idea,
    IdeaState,
    ParticipationCount,
    ParticipationKind,
    Support,
)

#: The key of "no org unit" and "no field of action" in the counts.
NONE = 0

_KEY = ("municipality_id", "kind", "month", "org_unit_id", "field_of_action_id")


def month_of(at: dt.datetime) -> dt.date:
    """Return the first day of the month (UTC) of *at*."""
    at = at.astimezone(dt.UTC)
    return dt.date(at.year, at.month, 1)


def month_column(column: Any) -> Any:
    """Return the SQL expression of the first day of the month (UTC) of the time *column*."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("month", func.timezone("UTC", column)), Date)
    # SQLite keeps the times in UTC as text, `YYYY-MM-DD HH:MM:SS…`, and dates as `YYYY-MM-DD`.
    return type_coerce(func.substr(column, 1, 8).concat("01"), Date)


def _rows(kind: ParticipationKind) -> tuple[Any, Any, Any]:
    """Return the model of *kind*, its time and the column of the person's org unit."""
    if kind is ParticipationKind.IDEA:
        return Idea, Idea.submitted_at, Idea.author_org_unit_id
    if kind is ParticipationKind.SUPPORT:
        return Support, Support.created_at, Support.org_unit_id
    return Comment, Comment.created_at, Comment.author_org_unit_id


def grouped(kind: ParticipationKind, *conditions: Any) -> Select[Any]:
    """Return the statement that counts the rows of *kind* (under *conditions*) per month, org
    unit and field of action, as the counts keep them."""
    model, at, unit = _rows(kind)
    month = month_column(at)
    field = func.coalesce(Idea.field_of_action_id, NONE)
    person_unit = func.coalesce(unit, NONE)
    statement = select(month, person_unit, field, func.count())
    if kind is ParticipationKind.IDEA:
        statement = statement.where(Idea.state != IdeaState.DRAFT, Idea.submitted_at.is_not(None))
    else:
        statement = statement.select_from(model).join(Idea, Idea.id == model.idea_id)
    return statement.where(*conditions).group_by(month, person_unit, field)


def _add(
    kind: ParticipationKind, counts: list[tuple[dt.date, int | None, int | None, int]]
) -> None:
    """Add to the counts of *kind*: (month, org unit, field of action, number) each."""
    keys = [(month, unit or NONE, field or NONE, number) for month, unit, field, number in counts]
    increments = [
        {
            "municipality_id": tenant_id(),
            "kind": kind,
            "month": month,
            "org_unit_id": unit,
            "field_of_action_id": field,
            "count": number,
        }
        for month, unit, field, number in keys
        if number > 0
    ]
    if increments:
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(ParticipationCount)
        statement = statement.on_conflict_do_update(
            index_elements=list(_KEY),
            set_={"count": ParticipationCount.count + statement.excluded["count"]},
        )
        db.session.execute(statement, increments)
    # A decrement is an update, not an upsert: both databases check the row an upsert proposes
    # before they find the conflict, and a negative count breaks the constraint. Its count
    # exists, since what is taken away was counted.
    for month, unit, field, number in keys:
        if number < 0:
            db.session.execute(
                update(ParticipationCount)
                .where(
                    ParticipationCount.kind == kind,
                    ParticipationCount.month == month,
                    ParticipationCount.org_unit_id == unit,
                    ParticipationCount.field_of_action_id == field,
                )
                .values(count=ParticipationCount.count + number)
            )


def add(
    kind: ParticipationKind,
    at: dt.datetime,
    unit_id: int | None,
    field_id: int | None,
    number: int = 1,
) -> None:
    """Add *number* (−1 to take one away) to the count of *kind* in the month of *at*, for the
    org unit *unit_id* and the field of action *field_id*."""
    _add(kind, [(month_of(at), unit_id, field_id, number)])


def add_rows(kind: ParticipationKind, *conditions: Any, number: int) -> None:
    """Add *number* times the rows of *kind* under *conditions* to the counts: −1 just before
    they are deleted in bulk."""
    rows = db.session.execute(grouped(kind, *conditions)).all()
    _add(kind, [(month, unit, field, count * number) for month, unit, field, count in rows])


def move_field(
    kind: ParticipationKind, *conditions: Any, source: int | None, target: int | None
) -> None:
    """Move the rows of *kind* under *conditions* from the field of action *source* to
    *target* in the counts."""
    if (source or NONE) == (target or NONE):
        return
    rows = db.session.execute(grouped(kind, *conditions)).all()
    _add(
        kind,
        [(month, unit, source, -count) for month, unit, _field, count in rows]
        + [(month, unit, target, count) for month, unit, _field, count in rows],
    )


def move_idea(idea: Idea, source: int | None, target: int | None) -> None:
    """Move a submitted *idea* with its supports and comments from the field of action
    *source* to *target* in the counts."""
    move_field(ParticipationKind.IDEA, Idea.id == idea.id, source=source, target=target)
    move_field(ParticipationKind.SUPPORT, Support.idea_id == idea.id, source=source, target=target)
    move_field(ParticipationKind.COMMENT, Comment.idea_id == idea.id, source=source, target=target)


def recount() -> int:
    """Rebuild the municipality's counts from its ideas, supports and comments; return how
    many counts it keeps."""
    db.session.execute(delete(ParticipationCount))
    for kind in ParticipationKind:
        _add(kind, [tuple(row) for row in db.session.execute(grouped(kind))])
    return db.session.scalar(select(func.count()).select_from(ParticipationCount)) or 0
