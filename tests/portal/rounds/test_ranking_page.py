"""The ranking page in the browser's place: who reads it in which phase, what it says, the
analyses it waits for, and a bounded number of statements."""

import re
from collections.abc import Iterator

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import Round, RoundPhase
from portal.rounds.services import analysis, ranking, ranking_page
from tests import factories
from tests.conftest import SharedData, db_within, kept, loaded, shared_database, start_session
from tests.portal.rounds import round_states
from tests.portal.rounds.test_ranking_analysis import KEYS, PROFILES

P = RoundPhase
ROLES = [
    Role.EMPLOYEE,
    Role.ASSESSOR,
    Role.BOARD_MEMBER,
    Role.MODERATOR,
    Role.STAFF_COUNCIL,
    Role.ADMIN,
]
#: Who reads the ranking before it is published.
PREPARING = {Role.BOARD_MEMBER, Role.MODERATOR}


def scored_round() -> tuple[Round, list[Idea], User]:
    """Build a round of six ranked ideas by three assessors and one idea with a single
    assessment; return it, its ideas and its moderator."""
    moderator = round_states.moderator()
    titles = [f"Idee {n}" for n in range(1, 7)] + ["Kaum bewertet"]
    round_, ideas = round_states.ranked_round(moderator, titles)
    assessors = [factories.user(roles={Role.ASSESSOR}) for _ in range(3)]
    for idea, rows in zip(ideas[:6], PROFILES, strict=True):
        for assessor, values in zip(assessors, rows, strict=True):
            round_states.assess(
                round_,
                idea,
                dict(zip(KEYS, values, strict=True)),
                assessor=assessor,
                justifications={"nutzen_buerger": f"Begründung von {assessor.name}"},
            )
    round_states.assess(round_, ideas[6], dict.fromkeys(KEYS, 1), assessor=assessors[0])
    db.session.commit()
    return round_, ideas, moderator


@pytest.fixture(scope="module")
def scored_data(app: Flask) -> Iterator[SharedData]:
    """The scored round, built once for the module; each module that uses it
    runs its tests `db_within("scored_data")`."""
    with shared_database(app) as shared:
        shared["scored"] = kept(scored_round())
        yield shared


@pytest.fixture
def scored(db, scored_data):
    """The scored round, its ideas and its moderator, in the test's savepoint."""
    return loaded(scored_data["scored"])


in_savepoints = db_within("scored_data")


def url(round_):
    return f"/rounds/{round_.id}/ranking"


@pytest.mark.parametrize("phase", [P.SCORE, P.DECIDE, P.PUBLISH, P.CLOSED])
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_ranking_in_which_phase(client, login_as, scored, role, phase):
    round_, _, _ = scored
    round_.phase = phase
    db.session.commit()
    login_as(role, locale="en")

    response = client.get(url(round_))

    readable = phase in (P.PUBLISH, P.CLOSED) or role in PREPARING
    assert response.status_code == (200 if readable else 403)
    if not readable:
        assert "published to all staff" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ROLES)
def test_nobody_reads_a_ranking_before_scoring(client, login_as, db, role):
    collecting = round_states.round_with_template(round_states.moderator())
    db.session.commit()
    login_as(role, locale="en")

    assert client.get(url(collecting)).status_code == 403


def test_the_page_explains_the_ranking(client, login_as, scored):
    round_, _ideas, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    # The first view starts the analyses (at once, in tests), the second shows them.
    client.get(url(round_))

    html = client.get(url(round_)).get_data(as_text=True)

    # The method and the weights in words above the table.
    assert "Weighted sum" in html
    assert "Nutzen für Bürger:innen 20.0 points" in html
    # Rank, title, score: the first idea and its 100-point score in the table.
    first = re.search(r"<tbody.*?</tbody>", html, re.S).group(0)
    assert re.search(r">1</td>\s*<th[^>]*><a[^>]*>Idee 1</a>", first)
    # The spread of the assessors (lowest · median · highest) beside each contribution.
    assert "3 · 4 · 4" in first
    # Ideas with too few assessments are listed apart, never ranked.
    assert re.search(r"Kaum bewertet</a> –\s*not enough assessments: 1 of 3 submitted", html)
    assert "Kaum bewertet</a></th>" not in html
    # The analyses are shown.
    assert "α = " in html
    assert "W = " in html
    assert "good agreement" in html or "tentative" in html or "weak agreement" in html
    assert "Rank probabilities" in html
    assert "ww-heat-" in html
    assert "swap places" in html or "stays behind" in html


def test_a_swap_sentence_names_the_weight_that_swaps_two_ideas(client, login_as, scored):
    round_, _, _ = scored
    login_as(Role.MODERATOR, locale="en")
    client.get(url(round_))
    html = client.get(url(round_)).get_data(as_text=True)
    current = analysis.current(round_)
    inputs, found = current.state, current.analysis
    swap = next(s for s in found.part("stability")["swaps"] if s["criterion"] is not None)
    change = ranking_page._swap_change(swap["change"])
    criterion = inputs.criteria[swap["criterion"]]
    # The weight moves by the points the sentence names, the others in proportion.
    w = inputs.weights / inputs.weights.sum()
    k = swap["criterion"]
    t = w[k] + change / 100
    moved_weights = w * (1 - t) / (1 - w[k])
    moved_weights[k] = t
    moved = ranking.rank(inputs, moved_weights)
    above, below = inputs.row(swap["above"]), inputs.row(swap["below"])
    word = "more" if change > 0 else "less"

    assert f"If {criterion.name} weighs" in html
    assert f" points {word}, #" in html
    # Moving the weight by what the sentence says does swap the two.
    assert moved.scores[below] > moved.scores[above]


def test_the_page_says_when_the_analyses_are_still_computed(client, login_as, scored, monkeypatch):
    round_, _, _ = scored
    monkeypatch.setattr(analysis, "enqueue", lambda job, *args: None)
    login_as(Role.BOARD_MEMBER, locale="en")

    html = client.get(url(round_)).get_data(as_text=True)

    assert "The analyses are being computed" in html
    assert "step 0 of 4 done" in html
    assert f'href="/rounds/{round_.id}/ranking?page=1">Reload the page' in html
    # The ranking itself does not wait.
    assert "Idee 1</a>" in html


def test_a_round_without_scores_says_so(client, login_as, db):
    round_, _ = round_states.ranked_round(round_states.moderator(), ["Allein"])
    db.session.commit()
    login_as(Role.MODERATOR, locale="en")

    response = client.get(url(round_))

    assert response.status_code == 200
    assert "No idea has enough submitted assessments yet" in response.get_data(as_text=True)


def test_the_round_page_links_the_ranking_for_its_readers(client, login_as, scored):
    round_, _, _ = scored
    link = f'href="/rounds/{round_.id}/ranking"'
    login_as(Role.EMPLOYEE, locale="en")
    assert link not in client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    login_as(Role.BOARD_MEMBER, locale="en")
    assert link in client.get(f"/rounds/{round_.id}").get_data(as_text=True)


def test_the_ranking_page_takes_a_bounded_number_of_statements(
    client, login_as, scored, count_queries
):
    round_, _, moderator = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    client.get(url(round_))
    with count_queries() as few:
        client.get(url(round_))
    # Twenty more ideas with three assessments each do not add statements.
    more = []
    for n in range(20):
        more.append(round_states.accept_late(round_, moderator, f"Nachzügler {n}"))
    for idea in more:
        for _ in range(3):
            round_states.assess(round_, idea, dict.fromkeys(KEYS, 1))
    db.session.commit()
    client.get(url(round_))
    with count_queries() as many:
        client.get(url(round_))
    assert len(many) == len(few)
    assert len(few) <= 15


def why_url(idea):
    return f"/ideas/{idea.id}"


@pytest.mark.parametrize("phase", [P.SCORE, P.DECIDE, P.PUBLISH])
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_why_an_idea_ranks_where_it_does(client, login_as, scored, role, phase):
    round_, ideas, _ = scored
    round_.phase = phase
    db.session.commit()
    # Everybody reads ideas as a member of staff.
    login_as(role, Role.EMPLOYEE, locale="en")

    html = client.get(why_url(ideas[0])).get_data(as_text=True)

    shown = phase is P.PUBLISH or (phase is P.DECIDE and role in PREPARING)
    assert ("Why this rank" in html) is shown


def test_the_author_reads_why_once_published(client, scored):
    round_, ideas, _ = scored
    start_session(client, ideas[0].author)
    assert 'id="why-this-rank"' not in client.get(why_url(ideas[0])).get_data(as_text=True)
    round_.phase = P.PUBLISH
    db.session.commit()

    assert 'id="why-this-rank"' in client.get(why_url(ideas[0])).get_data(as_text=True)


def test_why_this_rank_explains_with_anonymous_reasons(client, login_as, scored):
    round_, ideas, _ = scored
    round_.phase = P.PUBLISH
    db.session.commit()
    login_as(Role.EMPLOYEE, locale="en")

    html = client.get(why_url(ideas[4])).get_data(as_text=True)

    assert "Rank 5 of 6" in html
    # Six ideas: all are among the leading ideas the page protects.
    assert "It is among the first 6 ideas." in html
    assert "Assessment A: 1 – Begründung von" in html
    assert "Assessment B: 0" in html
    assert "Begründung von" in html
    assert re.search(r"Begründung von [^<]*</li>", html)
    # Names only where the round names its assessors.
    assert "Assessment A" in html


def test_named_assessors_are_named(client, login_as, scored):
    round_, ideas, _ = scored
    round_.phase = P.PUBLISH
    round_.assessors_named = True
    db.session.commit()
    login_as(Role.EMPLOYEE, locale="en")

    html = client.get(why_url(ideas[4])).get_data(as_text=True)

    assert "Assessment A" not in html
    assert re.search(r"Assessment ([^:<]+): 1 – Begründung von \1<", html)


def test_why_this_rank_names_the_criterion_that_keeps_an_idea_out(scored, monkeypatch):
    round_, ideas, _ = scored
    round_.phase = P.PUBLISH
    monkeypatch.setattr(analysis, "TOP", 3)
    reader = factories.user(roles={Role.EMPLOYEE})

    why = ranking_page.why_this_rank(ideas[4], round_, reader)

    inputs = ranking.round_inputs(round_)
    ranked = ranking.rank(inputs)
    third, fifth = inputs.row(ideas[2].id), inputs.row(ideas[4].id)
    gaps = ranked.contributions[third] - ranked.contributions[fifth]
    assert why.rank == 5
    assert why.last_of_top.id == ideas[2].id
    assert why.shortest == inputs.criteria[int(gaps.argmax())]
    assert why.gap == pytest.approx(gaps.max() * 100)


def test_an_unranked_idea_says_why(scored):
    round_, ideas, _ = scored
    round_.phase = P.PUBLISH

    why = ranking_page.why_this_rank(ideas[6], round_, factories.user(roles={Role.EMPLOYEE}))

    assert why.rank is None
    assert why.unranked.reason == "too_few"
