"""The portfolio proposal: the proven best set within budget and staff days beside a cut-off of
the ranking, the rules the moderators keep, ideas without estimates, what-if weights and budget,
and a time limit that shows its gap."""

import dataclasses
import itertools
import re

import pytest
from sqlalchemy import func, select

import scoring
from portal.accounts.models import Role
from portal.extensions import db
from portal.rounds.models import (
    Criterion,
    PortfolioDependency,
    PortfolioExclusion,
    PortfolioSolution,
    RoundPhase,
)
from portal.rounds.services import analysis, portfolio, ranking
from tests.conftest import csrf_token, db_within
from tests.portal.rounds.test_export import PREPARING, ROLES
from tests.portal.rounds.test_ranking_page import scored, scored_data  # noqa: F401 - fixtures
from tests.portal.rounds.test_whatif import state_of, weights

P = RoundPhase
#: Costs of "Idee 1" … "Idee 6"; the round's budget is 30,000 euros and 1,000 staff days.
COSTS = (10_000, 15_000, 10_000, 10_000, 5_000, 5_000)


# Every test runs in a savepoint of the scored round, built once for the module.
in_savepoints = db_within("scored_data")


@pytest.fixture
def planned(scored):  # noqa: F811
    round_, ideas, moderator = scored
    round_.budget_euros = 30_000
    round_.staff_days = 1_000
    for idea, cost in zip(ideas, COSTS, strict=False):
        idea.cost_euros = cost
        idea.effort_days = 20
    db.session.commit()
    return round_, ideas, moderator


def post(client, path, data=None):
    """Send a form as the page would, with its CSRF token."""
    return client.post(path, data={"csrf_token": csrf_token(client, "/"), **(data or {})})


def url(round_):
    return f"/rounds/{round_.id}/portfolio"


def best(round_, budget=30_000, excluded=(), points=None, mandatory=(0,)):
    """Return the titles of the most valuable set within *budget* by trying every set, the
    *mandatory* ideas (by position; "Idee 1", whose assessors all score "Pflicht" 2, the
    knock-out level) always in."""
    inputs = ranking.round_inputs(round_)
    scores = ranking.rank(inputs, points).scores
    titles = [idea.title for idea in inputs.ideas]
    options = []
    for size in range(len(titles) + 1):
        for chosen in itertools.combinations(range(len(titles)), size):
            if not set(mandatory) <= set(chosen) or any(titles[i] in excluded for i in chosen):
                continue
            if sum(COSTS[i] for i in chosen) <= budget:
                options.append((sum(scores[i] for i in chosen), chosen))
    value, chosen = max(options)
    return {titles[i] for i in chosen}, value


def titles_in(html, section):
    part = re.search(rf'<section id="{section}".*?</section>', html, re.S).group(0)
    return set(re.findall(r'scope="row"><a[^>]*>([^<]+)</a>', part))


@pytest.mark.parametrize("phase", [P.SCORE, P.DECIDE, P.PUBLISH, P.CLOSED])
@pytest.mark.parametrize("role", ROLES)
def test_who_reads_the_proposal_in_which_phase(client, login_as, planned, role, phase):
    round_, _, _ = planned
    round_.phase = phase
    db.session.commit()
    login_as(role, locale="en")

    response = client.get(url(round_))

    readable = phase in (P.PUBLISH, P.CLOSED) or role in PREPARING
    assert response.status_code == (200 if readable else 403)


def test_the_proposal_is_the_best_set_beside_a_cut_off(client, login_as, planned):
    round_, _, _ = planned
    login_as(Role.BOARD_MEMBER, locale="en")

    html = client.get(url(round_)).get_data(as_text=True)

    expected, _value = best(round_)
    assert titles_in(html, "proposal") == expected
    # Down the ranking: Idee 1 and Idee 2 fit (25,000), Idee 3 no longer does.
    cut = {"Idee 1", "Idee 2"}
    section = re.search(r'<section id="cutoff".*?</section>', html, re.S).group(0)
    assert ("Funded by the proposal, not by the cut-off" in section) == bool(expected - cut)
    assert ("Funded by the cut-off, not by the proposal" in section) == bool(cut - expected)
    assert "the solver proved it" in html
    assert "The budget: a further valuable idea does not fit" in html
    assert "mandatory (knock-out)" in html


def test_the_service_names_gains_and_losses_against_the_cut_off(planned):
    round_, _, moderator = planned

    found = portfolio.proposal(round_, moderator)

    expected, value = best(round_)
    assert {i.title for i in found.selected} == expected
    assert found.total == pytest.approx(value)
    assert {i.title for i in found.cutoff} == {"Idee 1", "Idee 2"}
    assert {i.title for i in found.gained} == expected - {"Idee 1", "Idee 2"}
    assert {i.title for i in found.lost} == {"Idee 1", "Idee 2"} - expected
    assert found.total - found.cutoff_total == pytest.approx(
        sum(i.score for i in found.gained) - sum(i.score for i in found.lost)
    )
    assert found.used_budget <= 30_000
    assert [i.title for i in found.mandatory] == ["Idee 1"]
    assert found.optimal
    assert found.gap == 0


def test_moderators_keep_ideas_out_and_record_dependencies(client, login_as, planned):
    round_, ideas, moderator = planned
    login_as(Role.MODERATOR, locale="en")

    out = post(
        client, f"{url(round_)}/exclusions", data={"idea": ideas[1].id, "reason": "Läuft bereits"}
    )
    needs = post(
        client, f"{url(round_)}/dependencies", data={"idea": ideas[4].id, "needs": ideas[3].id}
    )
    html = client.get(url(round_)).get_data(as_text=True)

    assert out.status_code == needs.status_code == 302
    found = portfolio.proposal(round_, moderator)
    chosen = {i.title for i in found.selected}
    assert "Idee 2" not in chosen
    # Idee 5 only together with Idee 4.
    assert "Idee 5" not in chosen or "Idee 4" in chosen
    assert "Läuft bereits" in html
    assert "Idee 5 needs Idee 4" in html
    record = db.session.scalar(select(PortfolioDependency.id))
    post(client, f"{url(round_)}/dependencies/{record}/remove")
    post(client, f"{url(round_)}/exclusions/{ideas[1].id}/remove")
    assert db.session.scalar(select(func.count(PortfolioDependency.id))) == 0
    assert db.session.scalar(select(func.count(PortfolioExclusion.id))) == 0


@pytest.mark.parametrize("role", [r for r in ROLES if r is not Role.MODERATOR])
def test_only_moderators_keep_the_rules(client, login_as, planned, writes_nothing, role):
    round_, ideas, _ = planned
    login_as(role, locale="en")
    exclusion = PortfolioExclusion(round_id=round_.id, idea_id=ideas[0].id, reason="x")
    dependency = PortfolioDependency(round_id=round_.id, idea_id=ideas[1].id, needs_id=ideas[0].id)
    db.session.add_all([exclusion, dependency])
    db.session.commit()

    with writes_nothing():
        answers = [
            post(client, f"{url(round_)}/exclusions", data={"idea": ideas[1].id, "reason": "x"}),
            post(client, f"{url(round_)}/exclusions/{ideas[0].id}/remove"),
            post(
                client,
                f"{url(round_)}/dependencies",
                data={"idea": ideas[2].id, "needs": ideas[0].id},
            ),
            post(client, f"{url(round_)}/dependencies/{dependency.id}/remove"),
        ]

    assert [a.status_code for a in answers] == [403] * 4


def test_the_rules_are_fixed_once_published(client, login_as, planned, writes_nothing):
    round_, ideas, _ = planned
    round_.phase = P.PUBLISH
    db.session.commit()
    login_as(Role.MODERATOR, locale="en")

    with writes_nothing():
        answer = post(
            client, f"{url(round_)}/exclusions", data={"idea": ideas[1].id, "reason": "zu spät"}
        )

    assert answer.status_code == 403


@pytest.mark.parametrize(
    ("route", "fields", "message"),
    [
        ("exclusions", {"idea": "", "reason": "x"}, "Enter the number of an idea of this round."),
        (
            "exclusions",
            {"idea": "abc", "reason": "x"},
            "Enter the number of an idea of this round.",
        ),
        ("exclusions", {"idea": "999999", "reason": "x"}, "Enter the number of an idea"),
        ("exclusions", {"idea": "IDEA", "reason": "  "}, "Say why the idea is kept out"),
        ("dependencies", {"idea": "IDEA", "needs": "IDEA"}, "An idea cannot need itself."),
        ("dependencies", {"idea": "IDEA", "needs": ""}, "Enter the number of an idea"),
    ],
)
def test_bad_rules_are_refused_and_the_form_keeps_them(
    client, login_as, planned, writes_nothing, route, fields, message
):
    round_, ideas, _ = planned
    login_as(Role.MODERATOR, locale="en")
    data = {k: str(ideas[0].id) if v == "IDEA" else v for k, v in fields.items()}

    with writes_nothing():
        answer = post(client, f"{url(round_)}/{route}", data=data)

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html
    typed = data.get("idea")
    if typed:
        assert f'value="{typed}"' in html


def test_a_rule_recorded_twice_is_a_conflict(client, login_as, planned):
    round_, ideas, _ = planned
    login_as(Role.MODERATOR, locale="en")
    data = {"idea": ideas[4].id, "needs": ideas[3].id}
    post(client, f"{url(round_)}/dependencies", data=data)

    assert post(client, f"{url(round_)}/dependencies", data=data).status_code == 409


def test_ideas_without_estimates_are_listed_apart(client, login_as, planned):
    round_, ideas, _ = planned
    ideas[2].effort_days = None
    db.session.commit()
    login_as(Role.BOARD_MEMBER, locale="en")

    html = client.get(url(round_)).get_data(as_text=True)

    assert titles_in(html, "no-estimates") == {"Idee 3"}
    assert "Idee 3" not in titles_in(html, "proposal")
    assert "lack a cost or an effort estimate" in html


def test_a_round_without_limits_says_so(client, login_as, planned):
    round_, _, _ = planned
    round_.budget_euros = None
    round_.staff_days = None
    db.session.commit()
    login_as(Role.BOARD_MEMBER, locale="en")

    html = client.get(url(round_)).get_data(as_text=True)

    assert "neither a budget nor staff days" in html


def test_under_what_if_weights_and_a_smaller_budget(client, login_as, planned, writes_nothing):
    round_, _, _ = planned
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)
    inputs = ranking.round_inputs(round_)
    fields = weights(
        inputs, umsetzbarkeit="1", nutzen_buerger="0", entlastung="0", pflicht="0", kosten="0"
    )

    with writes_nothing():
        html = client.get(
            url(round_), query_string={"state": state, "budget": "20.000", **fields}
        ).get_data(as_text=True)

    expected, _value = best(round_, budget=20_000, points=[0, 0, 0, 0, 1])
    assert titles_in(html, "proposal") == expected
    assert "What-if: nothing is saved" in html
    assert "Under a budget of 20,000 €." in html


def test_what_if_budget_must_be_whole_euros(client, login_as, planned):
    round_, _, _ = planned
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)

    answer = client.get(url(round_), query_string={"state": state, "budget": "-5"})

    assert answer.status_code == 422
    assert "whole number of euros" in answer.get_data(as_text=True)


def test_a_reached_time_limit_shows_the_set_found_and_its_gap(
    client, login_as, planned, monkeypatch
):
    round_, _, _ = planned
    real = scoring.select_portfolio
    limits = []

    def stopped(*args, **kwargs):
        limits.append(kwargs["time_limit"])
        return dataclasses.replace(real(*args, **kwargs), optimal=False, gap=0.0123)

    monkeypatch.setattr(scoring, "select_portfolio", stopped)
    login_as(Role.BOARD_MEMBER, locale="en")

    html = client.get(url(round_)).get_data(as_text=True)

    assert limits == [10]
    assert "The time limit of 10 s was reached" in html
    assert "at most 1.23 % below the best possible" in html


def test_the_page_takes_a_bounded_number_of_statements(client, login_as, planned, count_queries):
    round_, _, _ = planned
    login_as(Role.BOARD_MEMBER, locale="en")
    client.get(url(round_))

    with count_queries() as queries:
        client.get(url(round_))

    assert len(queries) <= 16


def solved_on_each_call(monkeypatch):
    """Count the solver's calls (it still solves); return the list of calls."""
    calls = []
    solve = scoring.select_portfolio

    def counted(*args, **kwargs):
        calls.append(args)
        return solve(*args, **kwargs)

    monkeypatch.setattr(scoring, "select_portfolio", counted)
    return calls


def test_the_proposal_is_solved_once_and_then_read(client, login_as, planned, monkeypatch):
    round_, ideas, _ = planned
    calls = solved_on_each_call(monkeypatch)
    login_as(Role.BOARD_MEMBER, locale="en")

    first = titles_in(client.get(url(round_)).get_data(as_text=True), "proposal")
    again = [client.get(url(round_)).get_data(as_text=True) for _ in range(2)]

    assert len(calls) == 1
    expected, _value = best(round_)
    assert first == expected
    assert all(titles_in(html, "proposal") == expected for html in again)
    assert "the solver proved it" in again[-1]
    (stored,) = db.session.scalars(select(PortfolioSolution)).all()
    assert stored.round_id == round_.id
    assert {idea.title for idea in ideas if idea.id in stored.selected} == expected


def _knockout(round_):
    """Return the criterion of the round's catalogue in force that has a knock-out level."""
    state = ranking.round_inputs(round_)
    ids = [c.id for c in state.criteria]
    return db.session.scalars(
        select(Criterion).where(Criterion.id.in_(ids), Criterion.knockout_level.is_not(None))
    ).one()


def _titles(ideas, *numbers):
    return {ideas[n - 1].title for n in numbers}


@pytest.mark.parametrize("change", ["budget", "staff_days", "exclusion", "dependency", "mandatory"])
def test_a_changed_input_is_solved_anew(client, login_as, planned, monkeypatch, change):
    round_, ideas, moderator = planned
    calls = solved_on_each_call(monkeypatch)
    login_as(Role.BOARD_MEMBER, locale="en")
    before = titles_in(client.get(url(round_)).get_data(as_text=True), "proposal")
    assert before == best(round_)[0]

    if change == "budget":
        round_.budget_euros = 20_000
        expected = best(round_, budget=20_000)[0]
    elif change == "staff_days":
        # 20 days per idea: room for two.
        round_.staff_days = 40
        expected = max(
            (
                ({"Idee 1", other}, value)
                for other, value in _values(round_).items()
                if other != "Idee 1" and COSTS[int(other[-1]) - 1] <= 20_000
            ),
            key=lambda option: option[1],
        )[0]
    elif change == "exclusion":
        dropped = sorted(before - {"Idee 1"})[0]
        idea = next(i for i in ideas if i.title == dropped)
        portfolio.exclude(round_, moderator, idea.id, "Läuft bereits")
        expected = best(round_, excluded={dropped})[0]
    elif change == "dependency":
        # An idea of the proposal needs one outside it, which does not fit beside it.
        needs = next(i for i in ideas[:6] if i.title not in before)
        idea = next(i for i in ideas[1:6] if i.title in before)
        portfolio.add_dependency(round_, moderator, idea.id, needs.id)
        expected = None
    else:
        # "Idee 2" scores "Pflicht" 1 and becomes mandatory beside "Idee 1".
        _knockout(round_).knockout_level = 1
        expected = best(round_, mandatory=(0, 1))[0]
    db.session.commit()
    html = client.get(url(round_)).get_data(as_text=True)
    after = titles_in(html, "proposal")

    found = portfolio.proposal(round_, moderator)
    assert after == {i.title for i in found.selected}
    if expected is not None:
        assert after == expected
    if change == "dependency":
        assert idea.title not in after or needs.title in after
        assert after != before
    if change == "mandatory":
        assert [i.title for i in found.mandatory] == ["Idee 1", "Idee 2"]
    assert len(calls) == 2
    # Only the solution of the latest problem is kept.
    assert len(db.session.scalars(select(PortfolioSolution)).all()) == 1


def _values(round_):
    inputs = ranking.round_inputs(round_)
    scores = ranking.rank(inputs).scores
    return {idea.title: scores[i] for i, idea in enumerate(inputs.ideas)}


def test_a_decision_reads_the_stored_proposal_without_losing_its_writes(
    client, login_as, planned, monkeypatch
):
    round_, _, _ = planned
    calls = solved_on_each_call(monkeypatch)
    login_as(Role.BOARD_MEMBER, locale="en")
    client.get(url(round_))
    # A service in the middle of a write (a board decision reads the standings) reads the
    # stored solution and writes on.
    round_.name = "Priorisierung, umbenannt"
    db.session.flush()
    proposal = portfolio.of_state(round_, analysis.current_state(round_))
    db.session.commit()

    assert len(calls) == 1
    assert {i.title for i in proposal.selected} == best(round_)[0]
    db.session.expire_all()
    assert round_.name == "Priorisierung, umbenannt"
