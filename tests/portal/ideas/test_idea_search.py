"""Full-text search and similar-idea hints, on SQLite (FTS5) and PostgreSQL (tsvector) alike."""

import pytest

from portal.accounts.models import Role
from portal.ideas import queries
from portal.ideas.services import authoring, search
from tests import factories


@pytest.fixture
def ideas(db):
    return {
        "termin": factories.idea(
            title="Online-Terminvergabe im Bürgeramt",
            problem="Die Hotline ist morgens dauerhaft besetzt.",
            proposal="Eine Buchung im Internet.",
        ),
        "akte": factories.idea(
            title="E-Akte im Bauordnungsamt",
            problem="Bauakten liegen im Keller und müssen geholt werden.",
            proposal="Alle Akten scannen.",
        ),
        "draft": factories.idea(title="Terminvergabe als Entwurf", submit=False),
    }


def _titles(page):
    return {idea.title for idea in page.items}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Terminvergabe", {"termin"}),
        ("hotline besetzt", {"termin"}),
        ("Keller", {"akte"}),
        ("bauakten", {"akte"}),
        ("Termin", {"termin"}),
        ("Hotline Keller", set()),
        ("\"OR* NEAR( ' ; --", set()),
    ],
)
def test_search_finds_words_of_title_and_problem(ideas, text, expected):
    page = queries.list_ideas(queries.IdeaFilter(text=text), 25)
    assert _titles(page) == {ideas[key].title for key in expected}


def test_search_follows_edits(db, ideas):
    idea = ideas["akte"]
    authoring.update_idea(
        idea,
        authoring.IdeaData(title="Digitale Bauakte", problem="Papierstapel", proposal="Scannen"),
        idea.author,
    )
    assert _titles(queries.list_ideas(queries.IdeaFilter(text="Keller"), 25)) == set()
    assert _titles(queries.list_ideas(queries.IdeaFilter(text="Papierstapel"), 25)) == {
        "Digitale Bauakte"
    }


def test_similar_ideas_match_any_word_and_skip_drafts(ideas):
    similar = search.similar_ideas("Terminvergabe für das Standesamt")
    assert [idea.title for idea in similar] == [ideas["termin"].title]
    assert search.similar_ideas("Terminvergabe", exclude_id=ideas["termin"].id) == []


def test_similar_ideas_rank_an_old_duplicate_behind_many_newer_partial_matches(db, monkeypatch):
    monkeypatch.setattr(search, "SIMILAR_CANDIDATES", 2)
    old = factories.idea(title="Terminvergabe im Standesamt")
    newer = [factories.idea(title=f"Aktenablage im Standesamt {n}") for n in range(3)]
    similar = search.similar_ideas("Online-Terminvergabe für das Standesamt")
    # The two newest partial matches and the old idea that has every word, which ranks first.
    assert [idea.id for idea in similar] == [old.id, newer[2].id, newer[1].id]


def test_similar_endpoint_answers_json(client, login_as, ideas):
    login_as(Role.EMPLOYEE)
    response = client.get("/ideas/similar?title=Bauordnungsamt Akte")
    assert response.status_code == 200
    assert response.get_json()[0]["title"] == "E-Akte im Bauordnungsamt"
    assert client.get("/ideas/similar?title=").get_json() == []
