"""The dashboards: who sees which chart, the filters in the address, each table equal to its
chart's data, the CSV of exactly that table, and a fixed number of statements."""

import csv
import datetime as dt
import io
from collections import Counter

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.ideas.models import Comment, Idea, IdeaState, Support
from portal.ideas.services import discussion
from portal.ideas.services.authoring import IdeaData, create_idea
from portal.insights.services import dashboards
from portal.projects.models import Milestone, Traffic
from portal.projects.services import projects
from portal.rounds.models import RoundPhase
from tests import factories
from tests.portal.projects.helpers import places
from tests.portal.rounds.test_ranking_page import scored_round

P = RoundPhase
ROLES = [Role.EMPLOYEE, Role.ASSESSOR, Role.BOARD_MEMBER, Role.MODERATOR, Role.STAFF_COUNCIL]
PREPARING = {Role.BOARD_MEMBER, Role.MODERATOR}


@pytest.fixture
def scored(db):
    """The scored round of the ranking page's tests, alone in the database: the dashboards count
    everything there is."""
    return scored_round()


def _trace_values(figure, axis):
    return [list(trace[axis]) for trace in figure["data"] if trace["type"] == "bar"]


def test_the_funnel_counts_ideas_by_state_and_field_and_its_table_equals_the_bars(db):
    field = factories.field_of_action("Bürger-Services")
    for _ in range(3):
        factories.idea(field_of_action_id=field.id)
    factories.idea(submit=False, field_of_action_id=field.id)  # a draft is nobody's business
    db.session.commit()

    with force_locale("en"):
        chart = dashboards.idea_funnel(dashboards.Filters(), None, "en")

    submitted = next(row for row in chart.table.rows if row[0] == "Submitted")
    assert submitted[1:] == (3,)
    assert all(row[0] != "Draft" for row in chart.table.rows)
    # The table holds exactly the plotted numbers, column by column.
    bars = _trace_values(chart.figure, "x")
    assert [
        list(column) for column in zip(*(row[1:] for row in chart.table.rows), strict=True)
    ] == bars


def test_participation_counts_per_month_and_per_100_staff_of_the_persons_unit(db):
    unit = factories.org_unit(code="Amt 10")
    author = factories.user(org_unit=unit)
    factories.user(org_unit=unit)
    idea = factories.idea(author=author)
    supporter = factories.user(org_unit=unit)
    discussion.support(idea, supporter)
    db.session.commit()

    over_time = dashboards.participation_over_time(dashboards.Filters(), None, "en")
    by_unit = dashboards.participation_by_unit(dashboards.Filters(), None, "en")

    assert [row[1:] for row in over_time.table.rows] == [(1.0, 1.0, 0.0)]
    row = next(r for r in by_unit.table.rows if r[0] == "Amt 10")
    # One idea and one support among three staff: 33.3 per 100 each, no comment.
    assert [round(value, 1) for value in row[1:]] == [33.3, 33.3, 0.0]


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_the_ranking_charts_of_a_round_being_decided(client, login_as, scored, role):
    round_, _ideas, _ = scored
    round_.phase = P.DECIDE
    db.session.commit()
    login_as(role, locale="en")

    html = client.get(f"/insights/?round={round_.id}").get_data(as_text=True)
    csv_answer = client.get(f"/insights/charts/contributions.csv?round={round_.id}")

    # Everybody sees the funnel and participation.
    assert "Ideas by state and field of action" in html
    readable = role in PREPARING
    assert ("Ranking with the contribution of each criterion" in html) is readable
    assert csv_answer.status_code == (200 if readable else 403)


def test_a_published_ranking_is_shown_to_all_staff(client, login_as, scored):
    round_, _ideas, _ = scored
    round_.phase = P.PUBLISH
    db.session.commit()
    login_as(Role.EMPLOYEE, locale="en")

    html = client.get(f"/insights/?round={round_.id}").get_data(as_text=True)

    assert "Ranking with the contribution of each criterion" in html


def test_the_csv_is_the_table_beside_the_chart(client, login_as, scored):
    round_, _ideas, _ = scored
    round_.phase = P.DECIDE
    db.session.commit()
    login_as(Role.BOARD_MEMBER, locale="en")
    client.get(f"/insights/?round={round_.id}")  # starts the analyses (at once, in tests)

    answer = client.get(f"/insights/charts/contributions.csv?round={round_.id}")

    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert answer.headers["Content-Disposition"] == 'attachment; filename="contributions.csv"'
    assert rows[0][:2] == ["Rank", "Idea"]
    assert [r[1] for r in rows[1:7]] == [f"Idee {n}" for n in range(1, 7)]
    # The bars' lengths are the table's numbers, criterion by criterion.
    chart = dashboards.ranking_contributions(
        dashboards.ranking_data(round_), "en", dashboards.RANKING_BARS
    )
    for column, bars in enumerate(_trace_values(chart.figure, "x"), start=2):
        assert [float(r[column]) for r in rows[1:]] == pytest.approx(bars)


def test_the_filters_stay_in_the_address_and_restrict_the_counts(client, login_as, db):
    field = factories.field_of_action("E-Akte")
    other = factories.field_of_action("Arbeiten 4.0")
    factories.idea(field_of_action_id=field.id)
    factories.idea(field_of_action_id=other.id)
    db.session.commit()
    login_as(Role.EMPLOYEE, locale="en")

    html = client.get(f"/insights/?field={field.id}&since=2000-01-01").get_data(as_text=True)
    answer = client.get(f"/insights/charts/funnel.csv?field={field.id}&since=2000-01-01")

    assert f'href="/insights/charts/funnel.csv?field={field.id}&amp;since=2000-01-01"' in html
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True))))
    assert rows[0][1:] == ["E-Akte"]


@pytest.mark.parametrize(
    "query", ["round=abc", "field=99999999", "unit=-1", "since=31.12.2026", "until=x&round="]
)
def test_odd_filters_show_the_page(client, login_as, db, query):
    login_as(Role.BOARD_MEMBER, locale="en")

    assert client.get(f"/insights/?{query}").status_code == 200


def test_an_unknown_chart_is_not_found(client, login_as, db):
    login_as(Role.BOARD_MEMBER, locale="en")

    assert client.get("/insights/charts/secrets.csv").status_code == 404
    assert client.get("/insights/charts/contributions.csv").status_code == 404


def test_the_dashboard_takes_a_fixed_number_of_statements(
    client,
    login_as,
    scored,
    count_queries,
):
    round_, _ideas, _ = scored
    round_.phase = P.DECIDE
    login_as(Role.BOARD_MEMBER, locale="en")
    client.get(f"/insights/?round={round_.id}")
    db.session.commit()
    with count_queries() as few:
        client.get(f"/insights/?round={round_.id}")
    for _ in range(20):
        factories.idea(author=factories.user(org_unit=factories.org_unit()))
    db.session.commit()
    with count_queries() as many:
        client.get(f"/insights/?round={round_.id}")

    assert len(many) == len(few)
    assert len(few) <= 45


def test_participation_keeps_to_the_field_and_period_and_both_charts_count_alike(db):
    unit = factories.org_unit(code="Amt 32")
    field = factories.field_of_action("E-Akte")
    other = factories.field_of_action("Arbeiten 4.0")
    people = [factories.user(org_unit=unit) for _ in range(4)]
    inside = factories.idea(author=people[0], field_of_action_id=field.id)
    outside = factories.idea(author=people[0], field_of_action_id=other.id)
    earlier = dt.datetime(2026, 1, 15, 9, tzinfo=dt.UTC)
    later = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)
    discussion.support(inside, people[1], at=earlier)
    discussion.support(inside, people[2], at=later)
    discussion.support(outside, people[3], at=later)
    discussion.add_comment(inside, people[1], "Gute Idee.", at=later)
    discussion.add_comment(outside, people[2], "Auch gut.", at=later)
    db.session.commit()
    filters = dashboards.Filters(field_id=field.id, since=dt.date(2026, 2, 1))

    over_time = dashboards.participation_over_time(filters, None, "en")
    by_unit = dashboards.participation_by_unit(filters, None, "en")

    # Only the support and the comment on the idea of the field given since February count.
    march = next(row for row in over_time.table.rows if row[0] == dt.date(2026, 3, 1))
    assert march[2:] == (1.0, 1.0)
    assert sum(row[2] for row in over_time.table.rows) == 1.0
    row = next(r for r in by_unit.table.rows if r[0] == "Amt 32")
    # One support and one comment among four staff of the unit: 25 per 100 each.
    assert row[2:] == (25.0, 25.0)
    # The lines of supports and comments are the columns of the table.
    assert [list(t["y"]) for t in over_time.figure["data"]][1:] == [
        [r[2] for r in over_time.table.rows],
        [r[3] for r in over_time.table.rows],
    ]


def test_projects_by_wave_and_the_milestones_overdue_longest(db, monkeypatch):
    found = places()
    without_wave = projects.create_project(
        found.spare,
        projects.ProjectData(
            "Ohne Welle", found.owner.id, dt.date(2026, 3, 1), dt.date(2027, 3, 1)
        ),
        found.setup.moderator,
    )
    found.project.traffic, found.project.traffic_reason = Traffic.RED, "Verzug beim Anbieter"
    db.session.add_all(
        [
            Milestone(project_id=found.project.id, title="Abnahme", due_on=dt.date(2026, 10, 1)),
            Milestone(project_id=without_wave.id, title="Start", due_on=dt.date(2026, 11, 12)),
            Milestone(
                project_id=found.project.id,
                title="Schulung",
                due_on=dt.date(2026, 9, 1),
                done_on=dt.date(2026, 9, 3),
            ),
            Milestone(project_id=found.project.id, title="Ende", due_on=dt.date(2027, 1, 31)),
        ]
    )
    db.session.commit()
    monkeypatch.setattr(dashboards, "today", lambda: dt.date(2026, 11, 22))

    with force_locale("en"):
        status = dashboards.project_status(dashboards.Filters(), None, "en")
        late = dashboards.late_milestones(dashboards.Filters(), None, "en")
        elsewhere = dashboards.late_milestones(
            dashboards.Filters(field_id=factories.field_of_action("Klima").id), None, "en"
        )

    assert status.table.rows == (("Welle 1", 0, 0, 1), ("No wave yet", 1, 0, 0))
    # The columns of the table are the stacked bars, status by status.
    assert _trace_values(status.figure, "y") == [
        [row[j] for row in status.table.rows] for j in (1, 2, 3)
    ]
    # Reached and future milestones are not late; the longest overdue comes first.
    assert late.table.rows == (
        ("Online-Termine", "Abnahme", dt.date(2026, 10, 1), 52),
        ("Ohne Welle", "Start", dt.date(2026, 11, 12), 10),
    )
    assert _trace_values(late.figure, "x") == [[52, 10]]
    assert elsewhere.table.rows == ()


def _counted_directly(filters):
    """Count ideas, supports and comments of the rows in Python, as `participation` groups
    them: (month, org unit of the person when acting) for each kind."""
    lower = dt.datetime.combine(filters.since or dt.date.min, dt.time(), dt.UTC)
    upper = dt.datetime.combine(
        (filters.until or dt.date.max - dt.timedelta(days=1)) + dt.timedelta(days=1),
        dt.time(),
        dt.UTC,
    )
    rows = {
        "ideas": db.session.execute(
            select(Idea.submitted_at, Idea.author_org_unit_id, Idea.field_of_action_id).where(
                Idea.state != IdeaState.DRAFT
            )
        ).all(),
        "supports": db.session.execute(
            select(Support.created_at, Support.org_unit_id, Idea.field_of_action_id).join(
                Idea, Idea.id == Support.idea_id
            )
        ).all(),
        "comments": db.session.execute(
            select(Comment.created_at, Comment.author_org_unit_id, Idea.field_of_action_id).join(
                Idea, Idea.id == Comment.idea_id
            )
        ).all(),
    }
    found = []
    for kind in ("ideas", "supports", "comments"):
        counts = Counter(
            (f"{at:%Y-%m}", unit)
            for at, unit, field in rows[kind]
            if lower <= at < upper and filters.field_id in (None, field)
        )
        found.append(dict(counts))
    return tuple(found)


def test_participation_from_the_kept_counts_equals_a_count_of_the_rows(db):
    amt, other = factories.org_unit(code="Amt 40"), factories.org_unit(code="Amt 41")
    field = factories.field_of_action("E-Akte")
    people = [factories.user(org_unit=amt), factories.user(org_unit=other), factories.user()]
    ideas = []
    # Ideas, supports and comments on the first and last days of months and in between.
    days = [dt.datetime(2026, m, d, 23, 30, tzinfo=dt.UTC) for m, d in ((1, 31), (2, 1), (3, 15))]
    for number, at in enumerate(days):
        author = people[number]
        data = IdeaData(
            title=f"Idee {number}",
            problem="Langsam.",
            proposal="Schneller.",
            field_of_action_id=field.id if number != 1 else None,
        )
        ideas.append(create_idea(data, author, submit=True, at=at))
    for idea, at in zip(ideas, reversed(days), strict=True):
        for person in people:
            if person.id != idea.author_id:
                discussion.support(idea, person, at=at)
                discussion.add_comment(idea, person, "Gut.", at=at + dt.timedelta(hours=1))
    # A person moves: what they did stays with their unit of then.
    people[0].org_unit = other
    db.session.flush()
    discussion.add_comment(ideas[1], people[0], "Nach dem Wechsel.", at=days[2])
    # A deleted comment with a reply stays, counted for no unit.
    first = discussion.add_comment(ideas[2], people[1], "Erst.", at=days[0])
    discussion.add_comment(ideas[2], people[2], "Antwort.", first.id, at=days[1])
    discussion.delete_comment(ideas[2], first, people[1])
    db.session.flush()

    cases = [
        dashboards.Filters(),
        dashboards.Filters(field_id=field.id),
        dashboards.Filters(since=dt.date(2026, 2, 1)),
        dashboards.Filters(since=dt.date(2026, 1, 31), until=dt.date(2026, 3, 15)),
        dashboards.Filters(since=dt.date(2026, 2, 1), until=dt.date(2026, 2, 28)),
        dashboards.Filters(since=dt.date(2026, 2, 2), until=dt.date(2026, 2, 27)),
        dashboards.Filters(field_id=field.id, until=dt.date(2026, 3, 14)),
        dashboards.Filters(since=dt.date(2026, 3, 16)),
    ]
    for filters in cases:
        assert dashboards.participation(filters, None).counts == _counted_directly(filters), filters
    # The idea of Amt 40's member stays with Amt 40; the comment after the move counts for
    # the new unit, beside the two comments of the other unit's member that month.
    ideas_found, _supports, comments = dashboards.participation(dashboards.Filters(), None).counts
    assert ideas_found[("2026-01", amt.id)] == 1
    assert ("2026-03", amt.id) not in comments
    assert comments[("2026-03", other.id)] == 2
