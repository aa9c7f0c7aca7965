"""The idea list read by keyset: every idea once in every order, cursors, the capped count."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.accounts.models import Role
from portal.ideas import queries
from portal.ideas.models import IdeaState
from portal.ideas.queries import IdeaFilter, Sort
from portal.ideas.services import lifecycle
from tests import factories

PER_PAGE = 4


@pytest.fixture
def ideas(db):
    """Thirteen submitted ideas whose counters and submission times tie in many ways, a draft."""
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    created = []
    for number in range(13):
        idea = factories.idea(title=f"Idee {number}", tags=("wlan",) if number % 2 else ())
        # Three submission times, two support counts, three comment counts: ties everywhere.
        idea.submitted_at = start + timedelta(minutes=number % 3)
        idea.support_count = number % 2
        idea.comment_count = number % 3
        if number % 4 == 0:
            lifecycle.change_state(
                idea, IdeaState.SCREENING, factories.user(roles={Role.MODERATOR})
            )
        created.append(idea)
    factories.idea(title="Entwurf", submit=False)
    db.session.flush()
    return created


def _keys(idea, sort):
    return tuple(getattr(idea, key.key) for key in queries.SORT_KEYS[sort])


def _walk(criteria):
    """Follow the next cursors from the first page to the last; return the pages."""
    pages = [queries.list_ideas(criteria, PER_PAGE)]
    while pages[-1].next_cursor:
        assert len(pages) < 10, "the walk does not end"
        pages.append(queries.list_ideas(criteria, PER_PAGE, after=pages[-1].next_cursor))
    return pages


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize(
    ("criteria", "keep"),
    [
        ({}, lambda idea: True),
        ({"tag": "wlan"}, lambda idea: any(tag.name == "wlan" for tag in idea.tags)),
        ({"state": IdeaState.SCREENING}, lambda idea: idea.state is IdeaState.SCREENING),
    ],
    ids=["all", "tag", "state"],
)
def test_walk_lists_every_idea_once_in_order_and_back(ideas, sort, criteria, keep):
    expected = sorted(
        (idea for idea in ideas if keep(idea)), key=lambda i: _keys(i, sort), reverse=True
    )
    pages = _walk(IdeaFilter(sort=sort, **criteria))
    assert [idea.id for page in pages for idea in page.items] == [idea.id for idea in expected]
    assert all(len(page.items) == PER_PAGE for page in pages[:-1])
    assert pages[0].prev_cursor is None
    assert pages[-1].next_cursor is None
    assert {page.total for page in pages} == {len(expected)}
    # Back from the last page through the previous cursors: the same pages in reverse.
    back = [pages[-1]]
    while back[-1].prev_cursor:
        assert len(back) < 10, "the walk back does not end"
        back.append(
            queries.list_ideas(
                IdeaFilter(sort=sort, **criteria), PER_PAGE, before=back[-1].prev_cursor
            )
        )
    assert [[i.id for i in page.items] for page in reversed(back)] == [
        [i.id for i in page.items] for page in pages
    ]


def test_unknown_tag_lists_nothing(ideas):
    page = queries.list_ideas(IdeaFilter(tag="gibt es nicht"), PER_PAGE)
    assert (page.items, page.total, page.next_cursor) == ([], 0, None)


@pytest.mark.parametrize(
    "cursor", ["", "x", "1.2.3.4", "-1.5", "1e9.5", "9" * 30 + ".1", "1.99999999999"]
)
def test_malformed_cursor_opens_the_first_page(ideas, cursor):
    first = queries.list_ideas(IdeaFilter(), PER_PAGE)
    for page in (
        queries.list_ideas(IdeaFilter(), PER_PAGE, after=cursor),
        queries.list_ideas(IdeaFilter(), PER_PAGE, before=cursor),
    ):
        assert [i.id for i in page.items] == [i.id for i in first.items]
        assert page.prev_cursor is None


def test_count_stops_at_the_cap(ideas, monkeypatch, client, login_as):
    monkeypatch.setattr(queries, "LIST_COUNT_CAP", 5)
    page = queries.list_ideas(IdeaFilter(), PER_PAGE)
    assert (page.total, page.more_than_cap) == (6, True)
    narrow = queries.list_ideas(IdeaFilter(state=IdeaState.SCREENING), PER_PAGE)
    assert (narrow.total, narrow.more_than_cap) == (4, False)
    login_as(Role.EMPLOYEE, locale="en")
    assert "More than 5 ideas found" in client.get("/ideas/").get_data(as_text=True)
    assert "4 ideas found" in client.get("/ideas/?state=screening").get_data(as_text=True)


def _link(html, rel):
    match = re.search(rf'href="([^"]+)" rel="{rel}"', html)
    return match.group(1).replace("&amp;", "&") if match else None


def test_pager_links_keep_the_filters_and_walk_the_list(ideas, client, login_as, app, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", PER_PAGE)
    login_as(Role.EMPLOYEE)
    first = client.get("/ideas/?tag=wlan&sort=supported").get_data(as_text=True)
    assert _link(first, "prev") is None
    second_url = _link(first, "next")
    assert "tag=wlan" in second_url
    assert "sort=supported" in second_url
    assert "after=" in second_url
    second = client.get(second_url).get_data(as_text=True)
    assert _link(second, "next") is None
    back = client.get(_link(second, "prev")).get_data(as_text=True)
    titles = re.findall(r">(Idee \d+)</a>", first)
    assert len(titles) == PER_PAGE
    assert re.findall(r">(Idee \d+)</a>", back) == titles


@pytest.mark.parametrize("path", ["/ideas/", "/ideas/mine", "/ideas/screening"])
def test_every_list_renders_its_cards_from_what_it_loads(client, login_as, path):
    # The lists defer the Markdown texts and most of the author with raiseload: a card that
    # reached for one of them would fail here instead of querying once per idea.
    user = login_as(Role.EMPLOYEE, Role.MODERATOR)
    field = factories.field_of_action("E-Akte")
    factories.idea(author=user, title="Akten digital", field_of_action_id=field.id, tags=("akte",))
    response = client.get(path)
    assert response.status_code == 200
    assert "Akten digital" in response.get_data(as_text=True)
