"""Side effects outside the database that must follow the fate of the request's transaction.

An e-mail may only leave once the change it reports is committed; a file written for a row must
go again when that row is rolled back. Services register such actions on the current session;
they run when the outermost transaction commits or rolls back, and are forgotten otherwise.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db

log = logging.getLogger(__name__)
_ON_COMMIT = "wandelwerk_on_commit"
_ON_ROLLBACK = "wandelwerk_on_rollback"

Action = Callable[[], None]


def on_commit(action: Action) -> None:
    """Run *action* once the current transaction is committed (not if it is rolled back)."""
    db.session.info.setdefault(_ON_COMMIT, []).append(action)


def on_rollback(action: Action) -> None:
    """Run *action* if the current transaction is rolled back (not if it is committed)."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(action)


def _run(actions: list[Action]) -> None:
    for action in actions:
        try:
            action()
        except Exception:
            # The database outcome is final; a failed side effect must not turn it into an error.
            log.exception("An action after the end of a transaction failed")


def _committed(session: Session) -> None:
    # A savepoint's commit is not final yet: only the outermost transaction's is.
    if session.in_nested_transaction():
        return
    session.info.pop(_ON_ROLLBACK, None)
    _run(session.info.pop(_ON_COMMIT, []))


def _rolled_back(session: Session, previous_transaction: Any) -> None:
    if previous_transaction.parent is not None:
        return
    session.info.pop(_ON_COMMIT, None)
    _run(session.info.pop(_ON_ROLLBACK, []))


def init_app() -> None:
    """Listen to the end of every session's transactions (once per process)."""
    if not event.contains(Session, "after_commit", _committed):
        event.listen(Session, "after_commit", _committed)
        event.listen(Session, "after_soft_rollback", _rolled_back)
