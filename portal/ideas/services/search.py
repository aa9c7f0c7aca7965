"""Full-text search of ideas on SQLite (FTS5) and PostgreSQL (tsvector), behind one function."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Float,
    Integer,
    and_,
    column,
    func,
    literal,
    literal_column,
    select,
    table,
    union,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR

from portal.extensions import db
from portal.ideas.models import OPEN_STATES, Idea

_WORD = re.compile(r"\w+")

#: The similar-idea hint ranks at most this many of the newest ideas sharing any word with the
#: title, and as many of the newest containing all of its words (see `similar_ideas`).
SIMILAR_CANDIDATES = 500


def search_words(text: str, shortest: int) -> list[str]:
    """Return the first ten words of *text* with at least *shortest* letters, in lower case."""
    return [w.lower() for w in _WORD.findall(text) if len(w) >= shortest][:10]


@dataclass(frozen=True)
class FulltextMatch:
    """How a query of `Idea` finds ideas matching some words, and how well each matches."""

    #: Narrows a query of `Idea` to the matching ideas.
    condition: ColumnElement[bool]
    #: Higher is better; valid only in a query narrowed by `condition`.
    rank: ColumnElement[float]


def fulltext_match(words: list[str], *, any_word: bool = False) -> FulltextMatch:
    """Return how to find the ideas whose title, problem or proposal contain *words*.

    Words match as prefixes; *any_word* finds ideas with at least one of the words (for
    similar-idea hints), otherwise all words must occur. PostgreSQL tests the generated
    `search_vector` column (German stems and plain words, the title weighted higher) on the
    idea row itself, so that a list sorted by an index can stop after one page of matches;
    SQLite joins the FTS5 table `idea_fts`.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        terms = (" | " if any_word else " & ").join(f"{w}:*" for w in words)
        vector = literal_column(f"{Idea.__tablename__}.search_vector", TSVECTOR)
        query = func.to_tsquery(literal("german", REGCONFIG), terms).op("||")(
            func.to_tsquery(literal("simple", REGCONFIG), terms)
        )
        return FulltextMatch(
            condition=vector.bool_op("@@")(query), rank=func.ts_rank(vector, query, type_=Float)
        )
    # Each word is quoted, so FTS5 operators typed by a user are only words.
    terms = (" OR " if any_word else " AND ").join(f'"{w}"*' for w in words)
    fts = table("idea_fts", column("rowid", Integer), column("idea_fts"))
    return FulltextMatch(
        condition=and_(fts.c.rowid == Idea.id, fts.c.idea_fts.op("MATCH")(terms)),
        rank=-func.bm25(fts.c.idea_fts, 3.0, 1.0, 1.0, type_=Float),
    )


def similar_ideas(title: str, exclude_id: int | None = None, limit: int = 5) -> list[Idea]:
    """Return open ideas whose texts share words with *title*, best match first: ideas one may
    still support or comment on, not drafts, merged or declined ones.

    A frequent word ("Online", "Bürgeramt") is shared by thousands of ideas, and ranking them
    all on every keystroke is what made the hint slow. Only candidates are ranked: the newest
    ideas that share any word with the title, and the newest that contain all of its words
    (likely duplicates, even old ones). Each kind is read newest first and stops after
    `SIMILAR_CANDIDATES`.
    """
    # Hints match any word, so short words ("im", "für") would match nearly every idea.
    words = search_words(title, shortest=4)
    if not words:
        return []
    any_word = fulltext_match(words, any_word=True)
    visible = select(Idea.id).where(Idea.state.in_(OPEN_STATES))
    if exclude_id is not None:
        visible = visible.where(Idea.id != exclude_id)
    newest = [
        visible.where(match.condition).order_by(Idea.id.desc()).limit(SIMILAR_CANDIDATES).subquery()
        for match in (any_word, fulltext_match(words))
    ]
    # SQLite allows LIMIT in a compound SELECT only inside subqueries.
    candidates = union(*(select(part.c.id) for part in newest)).subquery("candidates")
    return list(
        db.session.scalars(
            select(Idea)
            .join(candidates, candidates.c.id == Idea.id)
            .where(any_word.condition)
            .order_by(any_word.rank.desc(), Idea.id.desc())
            .limit(limit)
        )
    )
