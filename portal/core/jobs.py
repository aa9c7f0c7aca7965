"""Background jobs: work that must not hold up a request, or that nobody's request starts.

Jobs run in Huey consumers (SQLite storage in the instance folder by default, Redis when
`REDIS_URL` is set). `wandelwerk run` starts a consumer beside the web server; in production
`wandelwerk jobs run` starts consumers on their own, on any number of machines.

A module declares a job with `@job(...)` or `@periodic(...)` on a plain function and registers
it in its `init_app` with `register_jobs`. Declaring has no side effect, so importing a module
never needs an application. Each run of a job is a unit of work of its own: it has an
application context, the tenant it was enqueued for, and commits at its end or rolls back if it
raises (then Huey retries it as declared). `enqueue` hands a job over only once the enqueuing
transaction has committed, so a job never sees data that was rolled back, and a refused request
starts nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial, wraps
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.api import TaskWrapper

from portal.core import tenancy
from portal.core.transactions import on_commit, unit_of_work

log = logging.getLogger(__name__)
_JOB = "_wandelwerk_job"
_KEY = "wandelwerk_jobs"


@dataclass(frozen=True)
class JobSpec:
    """How a job runs: for one municipality with retries, or periodically for all of them."""

    retries: int = 0
    retry_delay: int = 0
    #: For a periodic job: when it runs (Huey's `crontab`); it then serves every municipality.
    schedule: Callable[[Any], bool] | None = None


def job(*, retries: int = 3, retry_delay: int = 60) -> Callable[[Callable[..., Any]], Any]:
    """Declare a function as a job that runs for the tenant that enqueued it."""

    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        setattr(function, _JOB, JobSpec(retries=retries, retry_delay=retry_delay))
        return function

    return declare


def periodic(**when: str) -> Callable[[Callable[..., Any]], Any]:
    """Declare a function as a job that runs on a schedule (`crontab` fields, e.g. minute="5").

    It runs across municipalities (see `portal.core.tenancy.across_tenants`); to act for one,
    it enqueues a job for that municipality.
    """

    def declare(function: Callable[..., Any]) -> Callable[..., Any]:
        setattr(function, _JOB, JobSpec(schedule=crontab(**when)))
        return function

    return declare


def _name(function: Callable[..., Any]) -> str:
    return f"{function.__module__}.{function.__qualname__}"


def _runner(app: Flask, function: Callable[..., Any], *, across: bool) -> Callable[..., None]:
    """Return what the consumer runs for *function*: a unit of work of its own, for the
    tenant the job was enqueued for or (*across*) for all municipalities."""

    @wraps(function)
    def run(*args: Any) -> None:
        with app.app_context():
            if across:
                with tenancy.across_tenants(), unit_of_work():
                    function()
                return
            tenant, *rest = args
            tenancy.set_tenant(tenant)
            with unit_of_work():
                function(*rest)

    return run


def _make_huey(app: Flask) -> Huey:
    config = app.config
    options: dict[str, Any] = {"name": "wandelwerk", "results": False, "utc": True}
    if config["JOBS_IMMEDIATE"]:
        # Jobs run at once in the enqueuing thread (tests); nothing is stored.
        return Huey(immediate=True, **options)
    if config["REDIS_URL"]:
        return RedisHuey(url=config["REDIS_URL"], **options)
    path = Path(config["JOBS_SQLITE_PATH"])
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(filename=str(path), **options)


def init_app(app: Flask) -> None:
    """Create the job queue of *app*; the modules then register their jobs."""
    app.extensions[_KEY] = {"huey": _make_huey(app), "tasks": {}}


def huey(app: Flask | None = None) -> Huey:
    """Return the job queue of *app* (default: the current application)."""
    return (app or current_app).extensions[_KEY]["huey"]


def register_jobs(app: Flask, functions: Iterable[Callable[..., Any]]) -> None:
    """Make the declared *functions* runnable as jobs of *app*."""
    state = app.extensions[_KEY]
    queue: Huey = state["huey"]
    for function in functions:
        spec: JobSpec | None = getattr(function, _JOB, None)
        if spec is None:
            raise TypeError(f"{_name(function)} is not declared with @job or @periodic")
        # Huey names a task by the module and name of what it runs: the job's own.
        if spec.schedule is not None:
            task = queue.periodic_task(spec.schedule)(_runner(app, function, across=True))
        else:
            task = queue.task(retries=spec.retries, retry_delay=spec.retry_delay)(
                _runner(app, function, across=False)
            )
        state["tasks"][_name(function)] = task


def enqueue(function: Callable[..., Any], *args: Any, tenant: int | None = None) -> None:
    """Run the job *function* with *args* once this transaction commits, for *tenant* (default:
    the current one; a periodic job names the municipality it enqueues for).

    The arguments must be plain values (ids, strings), since the job runs elsewhere and later.
    """
    task: TaskWrapper = current_app.extensions[_KEY]["tasks"][_name(function)]
    on_commit(partial(task, tenancy.tenant_id() if tenant is None else tenant, *args))


def consumer_of(app: Flask, workers: int) -> Any:
    """Return a consumer of *app*'s queue with *workers* threads (periodic jobs included)."""
    # An idle consumer asks the SQLite queue less and less often; two seconds at most keeps
    # an immediate e-mail immediate (Redis is not polled: it hands jobs over as they come).
    return huey(app).create_consumer(
        workers=workers, worker_type="thread", periodic=True, max_delay=2.0
    )
