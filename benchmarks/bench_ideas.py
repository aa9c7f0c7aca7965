"""Benchmark of the idea portal's pages on PostgreSQL at municipal scale and beyond.

Run from the repository root (PostgreSQL at 127.0.0.1:5432, user postgres, trust):

    .venv/bin/python -m benchmarks.bench_ideas [--requests 30] [--keep]

It creates the database ``wandelwerk_bench`` (dropped first), migrates it, fills it with 100,000
ideas, 20,000 users, 1,000,000 supports and 200,000 comments through COPY, then requests the idea
list (several filters, first and deep pages; a deep page opens by the cursor a reader would have
followed there) and two idea pages through Flask's test client, signed in as an employee. For
each it reports the median and 90th percentile wall time and the number of SQL statements per
request. ``--keep`` reuses a filled database and only applies newer migrations.
``BENCH_DATABASE_URL`` points it to another server (a database URL whose database name it may
drop and create).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import ColumnElement, event, func, select
from sqlalchemy.engine import make_url

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from config import TestingConfig, normalise_database_url
from portal import create_app
from portal.accounts import sessions
from portal.core.pagination import cursor_of
from portal.extensions import db
from portal.ideas.models import Idea, IdeaState, Tag, idea_org_unit, idea_tag
from portal.ideas.queries import SORT_KEYS, Sort
from portal.ideas.services.search import fulltext_match

SEED = 20261122
USERS = 20_000
IDEAS = 100_000
SUPPORTS = 1_000_000
COMMENTS = 200_000
TAGS = 60
RARE_TAG = "schlagwort selten"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/wandelwerk_bench"

TOPICS = [
    "Online-Terminvergabe", "E-Akte", "Digitale Signatur", "Mobiles Arbeiten", "Bürgerportal",
    "Posteingang", "Rechnungsworkflow", "Videokonferenz", "WLAN", "Onboarding", "Wissensdatenbank",
    "Chatbot", "Open Data", "Fortbildung", "Dienstfahrrad", "Ratsinformationssystem", "Scanstelle",
    "Mängelmelder", "Kita-Portal", "Bauantrag", "Gewerbeanmeldung", "Zeiterfassung", "Desk-Sharing",
]  # fmt: skip
PLACES = [
    "im Bürgeramt", "im Standesamt", "im Sozialamt", "im Jugendamt", "in der Kämmerei",
    "im Bauordnungsamt", "im Ordnungsamt", "für Außenstellen", "für alle Ämter", "im Hauptamt",
]  # fmt: skip
PROBLEMS = [
    "Anträge kommen auf Papier und werden abgetippt.", "Die Hotline ist dauerhaft besetzt.",
    "Akten liegen im Keller und müssen geholt werden.", "Rückfragen dauern Wochen.",
    "Niemand weiß, wie weit die Bearbeitung ist.", "Kolleginnen fahren quer durch die Stadt.",
    "Formulare sind unverständlich und veraltet.", "Die Wartezeiten sind zu lang.",
]  # fmt: skip
STATES = (
    ["submitted"] * 30 + ["screening"] * 15 + ["accepted"] * 15 + ["declined"] * 10
    + ["scored"] * 8 + ["decided"] * 7 + ["project"] * 5 + ["draft"] * 8 + ["merged"] * 2
)  # fmt: skip


def _create_database(url: str) -> None:
    parsed = make_url(url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    admin = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{parsed.database}"')
        connection.execute(f'CREATE DATABASE "{parsed.database}"')


def _copy(cursor: psycopg.Cursor, table: str, columns: str, rows: Iterator[tuple]) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _lifecycle(state: str) -> list[tuple[str | None, str]]:
    """Return the (from, to) steps that led an idea to *state*."""
    steps: list[tuple[str | None, str]] = [(None, "draft")]
    if state != "draft":
        steps.append(("draft", "submitted"))
    if state not in ("draft", "submitted"):
        steps.append(("submitted", state))
    return steps


def _fill(url: str) -> None:
    """Fill the migrated database through COPY; ids are chosen here, sequences set after."""
    rng = random.Random(SEED)
    now = datetime(2026, 11, 22, tzinfo=UTC)
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain) as connection, connection.cursor() as cursor:
        municipality = cursor.execute("SELECT id FROM municipality").fetchone()[0]
        units = [r[0] for r in cursor.execute("SELECT id FROM org_unit").fetchall()]
        if not units:
            _copy(
                cursor, "org_unit", "id, municipality_id, kind, code, name, created_at, updated_at",
                ((i, municipality, "amt", f"Amt {i}", f"Amt {i}", now, now) for i in range(1, 41)),
            )  # fmt: skip
            units = list(range(1, 41))
        _copy(
            cursor,
            "user_account",
            "id, municipality_id, email, name, org_unit_id, locale, active, password_hash, "
            "must_change_password, created_at, updated_at",
            (
                (i, municipality, f"person{i}@bench.example", f"Person {i}", rng.choice(units),
                 "de", True, "-", False, now, now)
                for i in range(1, USERS + 1)
            ),
        )  # fmt: skip
        _copy(cursor, "user_role", "user_id, role", ((i, "employee") for i in range(1, USERS + 1)))
        _copy(cursor, "user_role", "user_id, role", [(1, "moderator")])
        fields = list(range(1, 8))
        _copy(
            cursor, "field_of_action",
            "id, municipality_id, name, description, active, created_at, updated_at",
            ((i, municipality, f"Handlungsfeld {i}", "", True, now, now) for i in fields),
        )  # fmt: skip
        _copy(
            cursor, "tag", "id, municipality_id, name",
            ((i, municipality, f"schlagwort {i}") for i in range(1, TAGS + 1)),
        )  # fmt: skip

        # Supports and comments are drawn first so that the ideas carry their counters.
        weights = [1 / (rank + 1) ** 0.8 for rank in range(IDEAS)]
        rng.shuffle(weights)
        supported_by: dict[int, set[int]] = {}
        for idea in rng.choices(range(1, IDEAS + 1), weights=weights, k=SUPPORTS * 11 // 10):
            supported_by.setdefault(idea, set()).add(rng.randint(1, USERS))
        support_rows = [(i, u) for i, users in supported_by.items() for u in users][:SUPPORTS]
        support_counts: dict[int, int] = {}
        for idea, _user in support_rows:
            support_counts[idea] = support_counts.get(idea, 0) + 1
        comment_ideas = rng.choices(range(1, IDEAS + 1), weights=weights, k=COMMENTS)
        comment_counts: dict[int, int] = {}
        for idea in comment_ideas:
            comment_counts[idea] = comment_counts.get(idea, 0) + 1

        states = {i: rng.choice(STATES) for i in range(1, IDEAS + 1)}
        for idea, state in states.items():
            if state in ("draft", "merged") and (idea in support_counts or idea in comment_counts):
                states[idea] = "submitted"

        def idea_rows() -> Iterator[tuple]:
            for i in range(1, IDEAS + 1):
                state = states[i]
                created = now - timedelta(minutes=5 * (IDEAS - i))
                submitted = None if state == "draft" else created + timedelta(hours=1)
                yield (
                    i, municipality, rng.randint(1, USERS), state,
                    f"{rng.choice(TOPICS)} {rng.choice(PLACES)} ({i})",
                    rng.choice(PROBLEMS), "Wir schlagen eine digitale Lösung vor.", "", "",
                    rng.choice(fields), None, None, False,
                    "Doppelt." if state == "declined" else None,
                    1 if state == "merged" else None,
                    submitted, support_counts.get(i, 0), comment_counts.get(i, 0), created, created,
                )  # fmt: skip

        _copy(
            cursor,
            "idea",
            "id, municipality_id, author_id, state, title, problem, proposal, benefit_citizens, "
            "benefit_staff, field_of_action_id, effort_days, cost_euros, author_public, "
            "decline_reason, merged_into_id, submitted_at, support_count, comment_count, "
            "created_at, updated_at",
            idea_rows(),
        )
        _copy(
            cursor, "idea_event",
            "municipality_id, idea_id, actor_id, at, from_state, to_state, reason",
            (
                (municipality, i, 1, now, source, target, "")
                for i in range(1, IDEAS + 1)
                for source, target in _lifecycle(states[i])
            ),
        )  # fmt: skip
        _copy(
            cursor, "support", "municipality_id, idea_id, user_id, created_at",
            ((municipality, i, u, now) for i, u in support_rows),
        )  # fmt: skip
        _copy(
            cursor, "comment",
            "municipality_id, idea_id, author_id, body, created_at, updated_at",
            ((municipality, i, rng.randint(1, USERS), "Gute Idee, das hilft.", now, now)
             for i in comment_ideas),
        )  # fmt: skip
        _copy(
            cursor, "idea_tag", "idea_id, tag_id",
            ((i, t) for i in range(1, IDEAS + 1) for t in rng.sample(range(1, TAGS + 1), 2)),
        )  # fmt: skip
        _copy(
            cursor, "idea_org_unit", "idea_id, org_unit_id",
            ((i, rng.choice(units)) for i in range(1, IDEAS + 1)),
        )  # fmt: skip
        # A rare tag, as most free keywords are: its list must not walk all ideas.
        _copy(cursor, "tag", "id, municipality_id, name", [(TAGS + 1, municipality, RARE_TAG)])
        _copy(
            cursor, "idea_tag", "idea_id, tag_id",
            ((i, TAGS + 1) for i in rng.sample(range(1, IDEAS + 1), 3)),
        )  # fmt: skip
        for table in ("user_account", "idea", "field_of_action", "tag", "org_unit"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        connection.commit()
    with psycopg.connect(plain, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def signed_in_client(app: Flask, user_id: int) -> FlaskClient:
    """Return a test client of *app* signed in as user *user_id*."""
    client = app.test_client()
    with client.session_transaction() as session:
        # The session of the user as signing in would start it (a new user's generation is 0).
        now = time.time()
        session.update(
            {
                "_user_id": str(user_id),
                "_fresh": True,
                sessions.GENERATION: 0,
                sessions.SIGNED_IN_AT: now,
                sessions.SEEN_AT: now,
            }
        )
    return client


def measure(
    app, paths: list[tuple[str, str]], requests: int, user_id: int = 2
) -> list[tuple[str, float, float, int, float]]:
    """Request each of *paths* *requests* times as user *user_id* after one warm-up request;
    return (label, median ms, p90 ms, most SQL statements, median CPU ms) for each.

    The CPU time of the process is what a request costs whatever else the machine runs; on a
    shared machine the wall time also holds the waits for a core."""
    client = signed_in_client(app, user_id)
    statements: list[str] = []

    def record(*_args: object) -> None:
        statements.append("")

    with app.app_context():
        engine = db.engine
    results = []
    for label, path in paths:
        assert client.get(path).status_code == 200, path  # warm-up: templates, plans, caches
        times, counts, cpu = [], [], []
        for _ in range(requests):
            statements.clear()
            event.listen(engine, "before_cursor_execute", record)
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            elapsed, elapsed_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            event.remove(engine, "before_cursor_execute", record)
            assert response.status_code == 200, path
            times.append(elapsed * 1000)
            counts.append(len(statements))
            cpu.append(elapsed_cpu * 1000)
        times.sort()
        results.append(
            (
                label,
                statistics.median(times),
                times[int(len(times) * 0.9) - 1],
                max(counts),
                statistics.median(cpu),
            )
        )
    return results


def _deep_pages() -> dict[str, tuple[Sort, list[ColumnElement[bool]], int | None]]:
    """Return the deep pages to measure: order, filter, and page number (None: the last)."""
    tag = select(idea_tag.c.idea_id).join(Tag, Tag.id == idea_tag.c.tag_id)
    unit = select(idea_org_unit.c.idea_id).where(idea_org_unit.c.org_unit_id == 5)
    return {
        "newest": (Sort.NEWEST, [], 2000),
        "discussed": (Sort.DISCUSSED, [], 100),
        "field": (Sort.NEWEST, [Idea.field_of_action_id == 3], 50),
        "org unit": (Sort.NEWEST, [Idea.id.in_(unit)], None),
        "tag": (Sort.SUPPORTED, [Idea.id.in_(tag.where(Tag.name == "schlagwort 7"))], 100),
        "search": (Sort.NEWEST, [fulltext_match(["akte"]).condition], 500),
        "search, last": (Sort.NEWEST, [fulltext_match(["termin", "bürgeramt"]).condition], None),
    }


def _after(sort: Sort, where: list[ColumnElement[bool]], page: int | None, per_page: int) -> str:
    """Return the cursor that opens *page* of the idea list in order *sort*, narrowed by *where*."""
    keys = SORT_KEYS[sort]
    query = select(Idea).where(Idea.state != IdeaState.DRAFT, *where)
    if page is None:
        matches = db.session.scalar(select(func.count()).select_from(query.subquery())) or 1
        page = (matches - 1) // per_page + 1
    anchor = db.session.scalar(
        query.order_by(*(key.desc() for key in keys)).offset((page - 1) * per_page - 1).limit(1)
    )
    return cursor_of(anchor, keys)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="requests per page")
    parser.add_argument("--keep", action="store_true", help="reuse a filled database")
    args = parser.parse_args()
    url = normalise_database_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    instance = Path(tempfile.mkdtemp(prefix="wandelwerk-bench-"))
    app = create_app(TestingConfig(SQLALCHEMY_DATABASE_URI=url, INSTANCE_PATH=instance))
    start = time.perf_counter()
    if not args.keep:
        _create_database(url)
    with app.app_context():
        # A kept database gets the migrations added since it was filled.
        upgrade()
        db.engine.dispose()
    if not args.keep:
        _fill(url)
        print(f"Generated the data in {time.perf_counter() - start:.0f} s.")
    with app.app_context():
        most = db.session.scalar(select(Idea.id).order_by(Idea.support_count.desc()).limit(1))
        total = db.session.scalar(select(func.count(Idea.id)))
        per_page = app.config["PAGE_SIZE"]
        deep = {label: _after(*page, per_page) for label, page in _deep_pages().items()}
        db.session.remove()
    paths = [
        ("list, newest, page 1", "/ideas/"),
        ("list, newest, page 2000", f"/ideas/?after={deep['newest']}"),
        ("list, most supported", "/ideas/?sort=supported"),
        ("list, most discussed, page 100", f"/ideas/?sort=discussed&after={deep['discussed']}"),
        ("list, state = in screening", "/ideas/?state=screening"),
        ("list, field of action, page 50", f"/ideas/?field=3&after={deep['field']}"),
        ("list, org unit", "/ideas/?org_unit=5"),
        ("list, org unit, last page", f"/ideas/?org_unit=5&after={deep['org unit']}"),
        ("list, tag, most supported", "/ideas/?tag=schlagwort+7&sort=supported"),
        ("list, rare tag, most supported", "/ideas/?tag=schlagwort+selten&sort=supported"),
        (
            "list, tag, most supported, page 100",
            f"/ideas/?tag=schlagwort+7&sort=supported&after={deep['tag']}",
        ),
        ("list, search 'E-Akte'", "/ideas/?q=E-Akte"),
        ("list, search 'E-Akte', page 500", f"/ideas/?q=E-Akte&after={deep['search']}"),
        ("list, search 'Termin Bürgeramt'", "/ideas/?q=Termin+B%C3%BCrgeramt"),
        (
            "list, search 'Termin Bürgeramt', last",
            f"/ideas/?q=Termin+B%C3%BCrgeramt&after={deep['search, last']}",
        ),
        ("idea page, most supported", f"/ideas/{most}"),
        ("idea page, typical", "/ideas/4242"),
        ("similar ideas (JSON)", "/ideas/similar?title=Online-Terminvergabe+im+Standesamt"),
    ]
    print(f"{total} ideas; median / p90 of {args.requests} requests through the test client")
    print(f"{'page':<40}{'median ms':>10}{'p90 ms':>9}{'queries':>9}{'CPU ms':>8}")
    for label, median, p90, queries, cpu in measure(app, paths, args.requests):
        print(f"{label:<40}{median:>10.1f}{p90:>9.1f}{queries:>9}{cpu:>8.1f}")


if __name__ == "__main__":
    main()
