"""How a unit of work ends, and the side effects that must follow its fate.

A unit of work is one request, one CLI command or one background job. It commits once at its end
when it succeeded and rolls back otherwise; for a request, any answer of 400 or above is a failure,
whoever produced it, so a refused request writes nothing.

Three kinds of work depend on the outcome:

* `on_commit`: an action that may only happen once the change is committed (enqueue an e-mail);
* `on_rollback`: an action that undoes something outside the database (remove a stored file);
* `keep_regardless`: a row that must be written whatever the outcome (a failed sign-in, the audit
  of a refused attempt). It is the one explicit path for such writes: the row is written in a
  transaction of its own after the unit of work has ended.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db

log = logging.getLogger(__name__)
_ON_COMMIT = "wandelwerk_on_commit"
_ON_ROLLBACK = "wandelwerk_on_rollback"
_KEEP = "wandelwerk_keep_regardless"

Action = Callable[[], None]


def on_commit(action: Action) -> None:
    """Run *action* once the current transaction is committed (not if it is rolled back)."""
    db.session.info.setdefault(_ON_COMMIT, []).append(action)


def on_rollback(action: Action) -> None:
    """Run *action* if the current transaction is rolled back (not if it is committed)."""
    db.session.info.setdefault(_ON_ROLLBACK, []).append(action)


def keep_regardless(row: Any) -> None:
    """Write *row* in a transaction of its own once the unit of work ends, whatever its outcome.

    Use it only for records of what was attempted (failed sign-ins, refused attempts), never for
    the effect of a request: those must go with the request's transaction.
    """
    db.session.info.setdefault(_KEEP, []).append(row)


_WRITES = "wandelwerk_writes"


def will_write() -> None:
    """Declare that this unit of work, begun as a reader (a page that is only shown), writes.

    SQLite lets a transaction that began by reading write only if no other writer came between;
    otherwise it refuses at once ("database is locked") instead of waiting. So the reading
    transaction, which has written nothing yet, ends here, and the next one takes the write lock
    when it begins (see `writes_expected`) and waits for it. Other databases need nothing.
    """
    session = db.session()
    if session.info.get(_WRITES):
        # Declared before: the transaction began as a writer, and may have written since.
        return
    session.info[_WRITES] = True
    if session.in_transaction() and session.get_bind().dialect.name == "sqlite":
        session.rollback()


def writes_expected() -> bool:
    """Tell whether the current unit of work declared with `will_write` that it writes."""
    return bool(db.session.info.get(_WRITES))


def end(*, commit: bool) -> None:
    """End the unit of work: commit or roll back, then write the rows kept regardless."""
    session = db.session
    if commit:
        try:
            session.commit()
        except Exception:
            session.rollback()
            _write_kept(session)
            raise
    else:
        session.rollback()
    _write_kept(session)


def _write_kept(session: Any) -> None:
    rows = session.info.pop(_KEEP, [])
    if not rows:
        return
    try:
        session.add_all(rows)
        session.commit()
    except Exception:
        session.rollback()
        log.exception("Could not write the records kept regardless of the outcome")


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Run the block as one unit of work (a CLI command, a job): commit at its end, or roll
    back if it raises."""
    try:
        yield
    except BaseException:
        end(commit=False)
        raise
    end(commit=True)


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
