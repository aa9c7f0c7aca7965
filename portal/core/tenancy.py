"""The municipality a unit of work belongs to, and the one filter that keeps every query inside it.

The request, the CLI and the job runner set the tenant on the session (`set_tenant`) before any
domain query runs. From then on every ORM statement that touches a model with `TenantMixin` is
narrowed to that municipality (a loader criterion added in one `do_orm_execute` hook, which also
covers lazy loads, `Session.get` and ORM updates and deletes), and every new row is stamped with
it. A statement on tenant rows without a tenant is an error, not an empty answer, so a forgotten
`set_tenant` shows up at once. The few commands that work across municipalities say so with
`across_tenants()`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.sql import ClauseElement, FromClause
from sqlalchemy.sql.util import find_tables

from portal.core.models import TenantMixin
from portal.extensions import Base, db

_TENANT = "wandelwerk_tenant"
_ACROSS = "wandelwerk_across_tenants"


class NoTenant(RuntimeError):
    """A statement on tenant rows ran before the unit of work chose its municipality."""


class WrongTenant(RuntimeError):
    """A new row names another municipality than the unit of work's."""


def set_tenant(municipality_id: int) -> None:
    """Make *municipality_id* the tenant of the current unit of work (its session)."""
    db.session.info[_TENANT] = municipality_id


def tenant_id() -> int:
    """Return the id of the current unit of work's municipality."""
    found = db.session.info.get(_TENANT)
    if found is None:
        raise NoTenant("No municipality is set for this unit of work; call set_tenant() first.")
    return int(found)


def has_tenant() -> bool:
    """Tell whether the current unit of work has chosen its municipality."""
    return db.session.info.get(_TENANT) is not None


@contextmanager
def across_tenants() -> Iterator[None]:
    """Lift the tenant filter inside the block, for the few commands that serve every
    municipality (the scheduler that starts each municipality's digest, say)."""
    info = db.session.info
    before = info.get(_ACROSS, False)
    info[_ACROSS] = True
    try:
        yield
    finally:
        info[_ACROSS] = before


def _tenant_tables() -> set[FromClause]:
    return {
        mapper.local_table
        for mapper in Base.registry.mappers
        if issubclass(mapper.class_, TenantMixin)
    }


def _touches_tenant_rows(state: ORMExecuteState) -> bool:
    if any(issubclass(mapper.class_, TenantMixin) for mapper in state.all_mappers):
        return True
    # A count over a subquery (the pager's) names no mapper at its top, only in its FROM; the
    # loader criterion added to the top reaches into the subquery.
    statement = state.statement
    return isinstance(statement, ClauseElement) and not _tenant_tables().isdisjoint(
        find_tables(statement, include_aliases=True)
    )


def _filter(state: ORMExecuteState) -> None:
    if not (state.is_select or state.is_update or state.is_delete):
        return
    info = state.session.info
    if info.get(_ACROSS) or not _touches_tenant_rows(state):
        return
    current = info.get(_TENANT)
    if current is None:
        raise NoTenant("A query of tenant rows ran before set_tenant(); see portal.core.tenancy.")
    state.statement = state.statement.options(
        with_loader_criteria(
            TenantMixin, lambda cls: cls.municipality_id == current, include_aliases=True
        )
    )


def _stamp(session: Session, _context: Any, _instances: Any) -> None:
    if session.info.get(_ACROSS):
        return
    current = session.info.get(_TENANT)
    for row in session.new:
        if not isinstance(row, TenantMixin):
            continue
        if current is None:
            if row.municipality_id is None:
                raise NoTenant(f"A new {type(row).__name__} has no municipality and none is set.")
        elif row.municipality_id is None:
            row.municipality_id = current
        elif row.municipality_id != current:
            raise WrongTenant(
                f"A new {type(row).__name__} names municipality {row.municipality_id}, "
                f"but this unit of work belongs to {current}."
            )


def init_app(app: Flask, resolve: Callable[[str], int]) -> None:
    """Install the filter and the stamp on every session (once per process), and choose the
    tenant of each request of *app*: *resolve* turns the configured `TENANT` into its id.

    Call it before any other extension adds request hooks, so that even a request refused by
    one of them (a missing CSRF token) is answered within its municipality.
    """
    if not event.contains(Session, "do_orm_execute", _filter):
        event.listen(Session, "do_orm_execute", _filter)
        event.listen(Session, "before_flush", _stamp)

    @app.before_request
    def choose_tenant() -> None:
        if request.endpoint != "static":
            set_tenant(resolve(app.config["TENANT"]))
