"""Weighting by the board: points and AHP, incomplete comparisons, the judgment to reconsider,
group weights by geometric mean, who sees what when, who may do what, and refused input."""

import re

import numpy as np
import pytest
from sqlalchemy import select

import scoring
from portal.accounts.models import Role
from portal.core.errors import Conflict, Forbidden
from portal.extensions import db
from portal.notifications.models import Notification
from portal.rounds.models import (
    CriterionKind,
    Direction,
    MemberWeighting,
    RoundPhase,
    WeightingMethod,
)
from portal.rounds.services import catalogue, messages, phases, weighting
from portal.rounds.services.catalogue import CriterionData, LevelData
from tests import factories
from tests.conftest import csrf_token, start_session

M = WeightingMethod


@pytest.fixture
def moderator(db):
    return factories.user(roles={Role.MODERATOR, Role.EMPLOYEE}, name="Jonas Albrecht")


def weighted_round(moderator, method=M.AHP, template="kompakt", name="Priorisierung 2027"):
    """Return a collecting round whose draft has the criteria of *template* and *method*."""
    round_ = factories.prioritisation_round(moderator=moderator, name=name)
    draft = catalogue.start_from_template(round_, template, moderator)
    if method is not None:
        weighting.set_method(round_, method, moderator, version=weighting.catalogue_version(draft))
    return round_


def draft_of(round_):
    """Return *round_*'s draft as the requests left it (they run in sessions of their own)."""
    db.session.expire_all()
    return catalogue.draft(round_)


def board_member(name=None):
    return factories.user(roles={Role.BOARD_MEMBER, Role.EMPLOYEE}, name=name)


def page_url(round_):
    return f"/rounds/{round_.id}/weighting"


def form_version(client, round_):
    html = client.get(page_url(round_)).get_data(as_text=True)
    found = re.search(
        r'action="/rounds/\d+/weighting"[^>]*>\s*<input[^>]*csrf_token[^>]*value="([^"]+)"'
        r'[^>]*>\s*<input type="hidden" name="version" value="([^"]*)"',
        html,
    )
    assert found, "no weighting form on the page"
    return found.group(1), found.group(2)


def ahp_form(criteria, answers):
    """Return the form fields of *answers* given as {(index, index): "3"} in catalogue order."""
    return {f"pair-{criteria[i].id}-{criteria[j].id}": value for (i, j), value in answers.items()}


def post_weighting(client, round_, fields, action="draft", confirm=False):
    token, version = form_version(client, round_)
    data = {"csrf_token": token, "version": version, "action": action, **fields}
    if confirm:
        data["confirm"] = "1"
    return client.post(page_url(round_), data=data)


def submit(client, round_, fields):
    return post_weighting(client, round_, fields, action="submit", confirm=True)


def weighting_of(round_, member):
    return db.session.scalar(
        select(MemberWeighting).where(
            MemberWeighting.catalogue_id == draft_of(round_).id,
            MemberWeighting.member_id == member.id,
        )
    )


def as_member(client, member):
    start_session(client, member)
    return member


def matrix(n, answers):
    """Return the comparison matrix of *answers* ({(i, j): "1/3"}), NaN where not compared."""
    a = np.full((n, n), np.nan)
    np.fill_diagonal(a, 1.0)
    for (i, j), key in answers.items():
        a[i, j] = weighting.scale_value(key)
        a[j, i] = 1 / a[i, j]
    return a


#: A consistent set of answers for the five criteria of the "kompakt" template.
CONSISTENT = {
    (0, 1): "3", (0, 2): "1", (0, 3): "5", (0, 4): "3",
    (1, 2): "1/3", (1, 3): "3", (1, 4): "1",
    (2, 3): "5", (2, 4): "3",
    (3, 4): "1/3",
}  # fmt: skip

#: The same with one answer the wrong way round: citizens' benefit against costs.
INCONSISTENT = {**CONSISTENT, (0, 3): "1/7"}


# --- points -------------------------------------------------------------------------------------


def test_a_board_member_shares_100_points_saves_a_draft_and_submits(client, moderator):
    round_ = weighted_round(moderator, M.POINTS)
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    fields = {f"points-{c.id}": str(p) for c, p in zip(criteria, [30, 25, 20, 15, 10], strict=True)}
    response = post_weighting(client, round_, fields)
    assert response.status_code == 302
    saved = weighting_of(round_, member)
    assert saved.submitted_at is None
    assert sorted(p.points for p in saved.points) == [10, 15, 20, 25, 30]
    # Submitting asks first; only the confirmed form submits.
    asked = post_weighting(client, round_, fields, action="submit")
    assert asked.status_code == 200
    assert 'name="confirm"' in asked.get_data(as_text=True)
    db.session.refresh(saved)
    assert saved.submitted_at is None
    assert submit(client, round_, fields).status_code == 302
    db.session.refresh(saved)
    assert saved.submitted_at is not None


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ([30, 25, 20, 15, 5], "zusammen 100 ergeben; Ihre ergeben 95"),
        ([60, 25, 20, 15, -20], "nicht negativ"),
        (["dreißig", 25, 20, 15, 10], "ganze Zahlen"),
        (["12.5", 25, 20, 15, 27.5], "ganze Zahlen"),
        ([30, 25, 20, 15, ""], "für jedes Kriterium"),
    ],
)
def test_points_that_do_not_add_up_to_100_or_are_not_whole_numbers_are_refused(
    client, moderator, writes_nothing, points, message
):
    round_ = weighted_round(moderator, M.POINTS)
    as_member(client, board_member())
    criteria = draft_of(round_).criteria
    fields = {f"points-{c.id}": str(p) for c, p in zip(criteria, points, strict=True)}
    token, version = form_version(client, round_)
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "draft", **fields},
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    # What was typed is shown again.
    assert f'value="{points[0]}"' in html


def test_the_group_weights_of_points_are_the_mean_of_the_members_shares(client, moderator):
    round_ = weighted_round(moderator, M.POINTS)
    criteria = draft_of(round_).criteria
    given = [[40, 30, 10, 10, 10], [20, 20, 20, 20, 20], [10, 0, 50, 20, 20]]
    members = [board_member() for _ in given]
    for member, points in zip(members, given, strict=True):
        as_member(client, member)
        assert draft_of(round_).weighted_at is None
        submit(
            client,
            round_,
            {f"points-{c.id}": str(p) for c, p in zip(criteria, points, strict=True)},
        )
    draft = draft_of(round_)
    assert draft.weighted_at is not None  # the last of the board closed it
    expected = np.mean(np.array(given) / 100, axis=0)
    assert [c.weight for c in draft.criteria] == pytest.approx(expected)
    assert sum(c.weight for c in draft.criteria) == pytest.approx(1.0)
    assert draft.consistency_ratio is None


# --- AHP ----------------------------------------------------------------------------------------


def test_saving_comparisons_shows_the_consistency_ratio_and_the_weights_at_once(client, moderator):
    round_ = weighted_round(moderator)
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    response = post_weighting(client, round_, ahp_form(criteria, CONSISTENT))
    assert response.status_code == 302
    assert response.headers["Location"].endswith("#result")
    expected = scoring.ahp(matrix(5, CONSISTENT))
    saved = weighting_of(round_, member)
    assert saved.consistency_ratio == pytest.approx(expected.cr)
    assert len(saved.judgments) == 10
    # Stored once per pair, the lower id first; the reverse is the reciprocal.
    assert all(j.first_id < j.second_id for j in saved.judgments)
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert "Konsistenzquote (CR): " in html
    first = f"{expected.weights[0] * 100:.1f}".replace(".", ",")
    assert first in html
    # The form shows the answers given.
    field = f"pair-{criteria[0].id}-{criteria[3].id}"
    assert re.search(rf'name="{field}" value="5" checked', html)


def test_skipped_pairs_are_completed_by_the_engine(client, moderator):
    round_ = weighted_round(moderator)
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    # Four comparisons link five criteria: the least the engine needs.
    answers = {(0, 1): "3", (0, 2): "1", (2, 3): "5", (1, 4): "1"}
    response = submit(client, round_, ahp_form(criteria, answers))
    assert response.status_code == 302
    saved = weighting_of(round_, member)
    assert saved.submitted_at is not None
    assert len(saved.judgments) == 4
    expected = scoring.ahp(matrix(5, answers))
    outcome = weighting.member_outcome(criteria, saved)
    assert [w for _c, w in outcome.weights] == pytest.approx(list(expected.weights))


def test_comparisons_that_leave_criteria_unlinked_are_saved_as_draft_but_not_submitted(
    client, moderator, writes_nothing
):
    round_ = weighted_round(moderator)
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    answers = ahp_form(criteria, {(0, 1): "3", (2, 3): "5"})
    with writes_nothing():
        response = submit(client, round_, answers)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "(Nutzen für Bürger:innen, Entlastung der Mitarbeitenden)" in html
    assert weighting_of(round_, member) is None
    assert post_weighting(client, round_, answers).status_code == 302
    saved = weighting_of(round_, member)
    assert saved.submitted_at is None
    assert saved.consistency_ratio is None


def test_an_inconsistent_member_is_offered_the_answer_that_makes_the_comparisons_consistent(
    client, moderator
):
    round_ = weighted_round(moderator)
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    post_weighting(client, round_, ahp_form(criteria, INCONSISTENT))
    saved = weighting_of(round_, member)
    assert saved.consistency_ratio > weighting.CR_LIMIT
    html = client.get(page_url(round_)).get_data(as_text=True)
    page = weighting.weighting_page(round_, member)
    suggestion = page.outcome.suggestion
    assert suggestion is not None
    # The engine names the judgment that was turned round, and the page offers a scale answer.
    assert (suggestion.pair.first, suggestion.pair.second) == (criteria[0], criteria[3])
    assert suggestion.given == "1/7"
    assert suggestion.offered in weighting.SCALE
    assert f'href="#{suggestion.pair.field}"' in html
    assert f'id="{suggestion.pair.field}-suggestion"' in html
    # Taking the offered answer brings the consistency ratio below the limit.
    revised = {**INCONSISTENT, (0, 3): suggestion.offered}
    assert scoring.ahp(matrix(5, revised)).cr < weighting.CR_LIMIT
    assert suggestion.cr_after == pytest.approx(scoring.ahp(matrix(5, revised)).cr)
    post_weighting(client, round_, ahp_form(criteria, revised))
    db.session.refresh(saved)
    assert saved.consistency_ratio < weighting.CR_LIMIT
    assert weighting.weighting_page(round_, member).outcome.suggestion is None


def test_an_inconsistent_weighting_may_still_be_submitted_after_a_warning(client, moderator):
    round_ = weighted_round(moderator)
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    asked = post_weighting(client, round_, ahp_form(criteria, INCONSISTENT), action="submit")
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200
    assert 'name="confirm"' in html
    assert "über der Grenze von 0,10" in html
    assert submit(client, round_, ahp_form(criteria, INCONSISTENT)).status_code == 302
    assert weighting_of(round_, member).consistency_ratio > weighting.CR_LIMIT


def test_the_group_weights_are_the_eigenvector_of_the_geometric_mean_of_the_judgments(
    client, moderator
):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    given = [
        CONSISTENT,
        INCONSISTENT,
        {(0, 1): "9", (0, 2): "3", (1, 2): "1/3", (2, 3): "1", (3, 4): "1/5"},  # skips pairs
    ]
    factories.user(roles={Role.BOARD_MEMBER})  # one more member, who does not weight
    for answers in given:
        as_member(client, board_member())
        submit(client, round_, ahp_form(criteria, answers))
    assert draft_of(round_).weighted_at is None
    start_session(client, moderator)
    token, version = _moderator_form(client, round_, "close")
    response = client.post(
        f"/rounds/{round_.id}/weighting/close",
        data={"csrf_token": token, "version": version, "confirm": "1"},
    )
    assert response.status_code == 302
    draft = draft_of(round_)
    # By hand: the geometric mean of each judgment over the members who gave it.
    stack = np.array([matrix(5, answers) for answers in given])
    logs = np.where(np.isnan(stack), 0.0, np.log(np.where(np.isnan(stack), 1.0, stack)))
    counts = (~np.isnan(stack)).sum(axis=0)
    combined = np.exp(logs.sum(axis=0) / counts)
    assert combined[0, 1] == pytest.approx((3 * 3 * 9) ** (1 / 3))
    assert combined[0, 3] == pytest.approx((5 * (1 / 7)) ** (1 / 2))
    expected = scoring.ahp(combined)
    assert [c.weight for c in draft.criteria] == pytest.approx(list(expected.weights))
    assert sum(c.weight for c in draft.criteria) == pytest.approx(1.0)
    assert draft.consistency_ratio == pytest.approx(expected.cr)
    members = db.session.scalars(
        select(MemberWeighting).where(MemberWeighting.catalogue_id == draft.id)
    ).all()
    assert sorted(w.consistency_ratio for w in members) == pytest.approx(
        sorted(scoring.ahp(matrix(5, answers)).cr for answers in given)
    )
    # The round may now move on to scoring.
    assert "weighted" not in " ".join(b.message for b in phases.next_step(round_).blockers)


def _moderator_form(client, round_, which):
    html = client.get(page_url(round_)).get_data(as_text=True)
    found = re.search(
        rf'action="/rounds/\d+/weighting/{which}"[^>]*>\s*<input[^>]*csrf_token[^>]*value="([^"]+)"'
        r'[^>]*>\s*<input type="hidden" name="version" value="([^"]*)"',
        html,
    )
    assert found, f"no {which} form on the page"
    return found.group(1), found.group(2)


def test_the_weighting_closes_by_itself_when_the_last_board_member_submits(client, moderator):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    first, second = board_member(), board_member()
    as_member(client, first)
    submit(client, round_, ahp_form(criteria, CONSISTENT))
    assert draft_of(round_).weighted_at is None
    as_member(client, second)
    submit(client, round_, ahp_form(criteria, INCONSISTENT))
    draft = draft_of(round_)
    assert draft.weighted_at is not None
    assert all(c.weight is not None for c in draft.criteria)
    told = db.session.scalars(
        select(Notification).where(Notification.kind == messages.WEIGHTING_CLOSED)
    ).all()
    assert [n.user_id for n in told] == [moderator.id]


# --- who sees what ------------------------------------------------------------------------------


def test_a_member_sees_the_others_judgments_and_the_group_only_after_submitting(client, moderator):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    factories.user(roles={Role.BOARD_MEMBER})  # keeps the weighting open
    early = as_member(client, board_member(name="Thomas Weber"))
    submit(client, round_, ahp_form(criteria, {**CONSISTENT, (0, 1): "9"}))
    later = as_member(client, board_member(name="Andrea Fischer"))
    post_weighting(client, round_, ahp_form(criteria, INCONSISTENT))
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert "Thomas Weber" not in html
    assert 'id="group-heading"' not in html
    assert 'id="others-heading"' not in html
    assert weighting.weighting_page(round_, later).others is None
    assert weighting.weighting_page(round_, later).group is None
    submit(client, round_, ahp_form(criteria, INCONSISTENT))
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert "Thomas Weber" in html
    page = weighting.weighting_page(round_, later)
    assert [other.name for other in page.others] == ["Thomas Weber"]
    assert page.others[0].answers[f"pair-{criteria[0].id}-{criteria[1].id}"] == "9"
    assert page.group is not None
    # The early member now sees the later one, too.
    assert [o.name for o in weighting.weighting_page(round_, early).others] == ["Andrea Fischer"]


def test_the_published_weights_name_members_only_to_the_board(client, moderator):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    member = as_member(client, board_member(name="Heike Schulz"))
    submit(client, round_, ahp_form(criteria, INCONSISTENT))
    draft = draft_of(round_)
    for_board = weighting.catalogue_weights(draft, member)
    for_staff = weighting.catalogue_weights(draft, factories.user())
    assert for_board.method is M.AHP
    assert for_staff.method is M.AHP
    assert [w for _c, w in for_board.weights] == [c.weight for c in draft.criteria]
    assert for_board.consistency_ratio == draft.consistency_ratio
    assert [m.name for m in for_board.members] == ["Heike Schulz"]
    assert [m.name for m in for_staff.members] == [None]
    assert for_staff.members[0].consistency_ratio > weighting.CR_LIMIT
    # The next version carries the weights, and with them the members' ratios.
    catalogue.freeze(round_, moderator)
    copy = catalogue.open_draft(round_, moderator)
    assert [m.name for m in weighting.catalogue_weights(copy, member).members] == ["Heike Schulz"]


def test_nothing_is_published_before_the_board_has_weighted(moderator):
    round_ = weighted_round(moderator)
    assert weighting.catalogue_weights(draft_of(round_), factories.user()) is None


def test_a_moderator_sees_the_progress_but_no_judgments(client, moderator):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    factories.user(roles={Role.BOARD_MEMBER})
    as_member(client, board_member(name="Petra Becker"))
    submit(client, round_, ahp_form(criteria, CONSISTENT))
    start_session(client, moderator)
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert "1 von 2 Mitgliedern der Lenkungsgruppe hat abgegeben" in html
    assert "Petra Becker" not in html
    assert 'name="pair-' not in html


# --- the start page and changes of the catalogue -----------------------------------------------


def test_board_members_see_their_open_weightings_on_the_start_page(client, moderator):
    round_ = weighted_round(moderator, name="Priorisierung 2031")
    later = weighted_round(moderator, method=None, name="Priorisierung 2032")  # no method yet
    member = as_member(client, board_member())
    factories.user(roles={Role.BOARD_MEMBER})
    html = client.get("/").get_data(as_text=True)
    assert "Priorisierung 2031" in html
    assert f'href="/rounds/{round_.id}/weighting"' in html
    assert f'href="/rounds/{later.id}/weighting"' not in html
    criteria = draft_of(round_).criteria
    post_weighting(client, round_, ahp_form(criteria, CONSISTENT))
    assert [i.label for i in weighting.board_start_items(member)] == [
        "Gewichte vergeben: Priorisierung 2031 (Entwurf gespeichert)"
    ]
    submit(client, round_, ahp_form(criteria, CONSISTENT))
    assert weighting.board_start_items(member) == []


def test_changing_the_criteria_forgets_the_weights_and_tells_the_members(client, moderator):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    member = as_member(client, board_member())
    other = factories.user(roles={Role.BOARD_MEMBER})
    submit(client, round_, ahp_form(criteria, CONSISTENT))
    catalogue.save_criterion(
        round_,
        None,
        CriterionData(
            key="",
            name="Nachhaltigkeit",
            description="Spart die Idee Energie, Papier oder Wege?",
            direction=Direction.BENEFIT,
            kind=CriterionKind.RATING,
            scale_min=0,
            scale_max=2,
            levels=(LevelData(0, "kein Beitrag"), LevelData(1, "etwas"), LevelData(2, "viel")),
        ),
        moderator,
    )
    assert weighting_of(round_, member) is None
    told = db.session.scalars(
        select(Notification).where(Notification.kind == messages.WEIGHTING_RESET)
    ).all()
    assert [n.user_id for n in told] == [member.id]
    assert other.id not in {n.user_id for n in told}
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert "Bitte gewichten Sie erneut" in html
    # Weighting again, now with six criteria, ends the notice.
    post_weighting(client, round_, ahp_form(draft_of(round_).criteria, CONSISTENT))
    assert weighting.weighting_page(round_, member).reset_at is None


def test_changing_the_method_asks_first_and_drops_the_weightings(client, moderator):
    round_ = weighted_round(moderator)
    as_member(client, board_member())
    post_weighting(client, round_, ahp_form(draft_of(round_).criteria, CONSISTENT))
    start_session(client, moderator)
    token, version = _moderator_form(client, round_, "method")
    url = f"/rounds/{round_.id}/weighting/method"
    data = {"csrf_token": token, "version": version, "method": "points"}
    asked = client.post(url, data=data)
    assert asked.status_code == 200
    assert 'name="confirm"' in asked.get_data(as_text=True)
    assert draft_of(round_).weighting is M.AHP
    assert client.post(url, data={**data, "confirm": "1"}).status_code == 302
    draft = draft_of(round_)
    assert draft.weighting is M.POINTS
    assert db.session.scalars(select(MemberWeighting)).all() == []


def test_the_method_is_chosen_only_while_the_round_collects_or_screens(moderator):
    round_ = weighted_round(moderator)
    draft = draft_of(round_)
    round_.phase = RoundPhase.SCORE
    with pytest.raises(Conflict):
        weighting.set_method(
            round_, M.POINTS, moderator, version=weighting.catalogue_version(draft)
        )


# --- who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize("roles", [{Role.EMPLOYEE}, {Role.ASSESSOR}, {Role.STAFF_COUNCIL}])
def test_only_board_members_and_moderators_open_the_weighting(client, login_as, moderator, roles):
    round_ = weighted_round(moderator)
    login_as(*roles)
    assert client.get(page_url(round_)).status_code == 403


@pytest.mark.parametrize(
    "roles", [{Role.EMPLOYEE}, {Role.ASSESSOR}, {Role.MODERATOR, Role.EMPLOYEE}, {Role.ADMIN}]
)
def test_only_board_members_weight(client, login_as, moderator, writes_nothing, roles):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    user = login_as(*roles)
    token = csrf_token(client, "/rounds/")
    version = weighting.member_version(draft_of(round_), None)
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "submit", "confirm": "1",
                  **ahp_form(criteria, CONSISTENT)},
        )  # fmt: skip
    assert response.status_code == 403
    with pytest.raises(Forbidden):
        weighting.save_weighting(
            round_,
            user,
            version=version,
            submit=True,
            answers={(criteria[0].id, criteria[1].id): "3"},
        )


@pytest.mark.parametrize("action", ["method", "close"])
@pytest.mark.parametrize("roles", [{Role.BOARD_MEMBER, Role.EMPLOYEE}, {Role.EMPLOYEE}])
def test_only_moderators_choose_the_method_and_close(
    client, login_as, moderator, writes_nothing, action, roles
):
    round_ = weighted_round(moderator)
    factories.user(roles={Role.BOARD_MEMBER})
    as_member(client, board_member())
    submit(client, round_, ahp_form(draft_of(round_).criteria, CONSISTENT))
    login_as(*roles)
    token = csrf_token(client, "/rounds/")
    version = weighting.catalogue_version(draft_of(round_))
    with writes_nothing():
        response = client.post(
            f"/rounds/{round_.id}/weighting/{action}",
            data={"csrf_token": token, "version": version, "method": "points", "confirm": "1"},
        )
    assert response.status_code == 403


# --- refused input ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2", "11", "0", "1/2", "3.0", "viel", "-3", "1/9 "])
def test_a_comparison_outside_the_scale_is_refused(client, moderator, writes_nothing, value):
    round_ = weighted_round(moderator)
    as_member(client, board_member())
    criteria = draft_of(round_).criteria
    fields = ahp_form(criteria, {**CONSISTENT, (1, 2): value})
    token, version = form_version(client, round_)
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "draft", **fields},
        )
    assert response.status_code == 422
    assert "eine der angebotenen Antworten" in response.get_data(as_text=True)


def test_a_comparison_of_another_catalogues_criteria_is_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator)
    other = weighted_round(moderator, name="Priorisierung 2030")
    as_member(client, board_member())
    mine, theirs = draft_of(round_).criteria, draft_of(other).criteria
    for fields in (
        {**ahp_form(mine, CONSISTENT), f"pair-{theirs[0].id}-{theirs[1].id}": "3"},
        {**ahp_form(mine, CONSISTENT), f"pair-{mine[0].id}-{theirs[1].id}": "3"},
        {**ahp_form(mine, CONSISTENT), f"pair-{mine[0].id}-{mine[0].id}": "3"},
    ):
        token, version = form_version(client, round_)
        with writes_nothing():
            response = client.post(
                page_url(round_),
                data={"csrf_token": token, "version": version, "action": "draft", **fields},
            )
        assert response.status_code == 422
        assert "nicht zu diesem Katalog" in response.get_data(as_text=True)


def test_points_for_another_catalogues_criteria_are_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator, M.POINTS)
    other = weighted_round(moderator, M.POINTS, name="Priorisierung 2030")
    as_member(client, board_member())
    mine = draft_of(round_).criteria
    fields = {f"points-{c.id}": "20" for c in mine[:4]}
    fields[f"points-{draft_of(other).criteria[0].id}"] = "20"
    token, version = form_version(client, round_)
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "draft", **fields},
        )
    assert response.status_code == 422


def test_a_second_submit_is_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator)
    factories.user(roles={Role.BOARD_MEMBER})
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    token, version = form_version(client, round_)
    data = {"csrf_token": token, "version": version, "action": "submit", "confirm": "1",
            **ahp_form(criteria, CONSISTENT)}  # fmt: skip
    assert client.post(page_url(round_), data=data).status_code == 302
    fresh = weighting.member_version(draft_of(round_), weighting_of(round_, member))
    with writes_nothing():
        again = client.post(page_url(round_), data={**data, "version": fresh})
    assert again.status_code == 409
    assert "bereits abgegeben" in again.get_data(as_text=True)


def test_a_stale_second_tab_is_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator)
    member = as_member(client, board_member())
    criteria = draft_of(round_).criteria
    token, version = form_version(client, round_)  # both tabs open the page
    first = {"csrf_token": token, "version": version, "action": "draft",
             **ahp_form(criteria, CONSISTENT)}  # fmt: skip
    assert client.post(page_url(round_), data=first).status_code == 302
    second = {**first, **ahp_form(criteria, INCONSISTENT)}
    with writes_nothing():
        response = client.post(page_url(round_), data=second)
    assert response.status_code == 409
    assert "zwischenzeitlich geändert" in response.get_data(as_text=True)
    assert weighting_of(round_, member).consistency_ratio < weighting.CR_LIMIT


def test_a_moderators_stale_form_is_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator)
    start_session(client, moderator)
    token, version = _moderator_form(client, round_, "method")
    url = f"/rounds/{round_.id}/weighting/method"
    assert client.post(url, data={"csrf_token": token, "version": version,
                                  "method": "points"}).status_code == 302  # fmt: skip
    with writes_nothing():
        response = client.post(url, data={"csrf_token": token, "version": version, "method": "ahp"})
    assert response.status_code == 409


def test_weighting_after_the_catalogue_was_frozen_is_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    member = as_member(client, board_member())
    token, version = form_version(client, round_)
    submit(client, round_, ahp_form(criteria, CONSISTENT))
    draft_of(round_)
    catalogue.freeze(round_, moderator)
    db.session.flush()
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "draft",
                  **ahp_form(criteria, INCONSISTENT)},
        )  # fmt: skip
    assert response.status_code == 409
    assert "eingefroren" in response.get_data(as_text=True)
    # The page still shows the member's result, without a form.
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert 'name="pair-' not in html
    assert weighting.weighting_page(round_, member).closed


def test_weighting_after_the_moderators_closed_it_is_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator)
    criteria = draft_of(round_).criteria
    late = board_member()
    as_member(client, board_member())
    submit(client, round_, ahp_form(criteria, CONSISTENT))
    as_member(client, late)
    token, version = form_version(client, round_)
    weighting.close(round_, moderator, version=weighting.catalogue_version(draft_of(round_)))
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "draft",
                  **ahp_form(criteria, CONSISTENT)},
        )  # fmt: skip
    assert response.status_code == 409
    assert weighting_of(round_, late) is None


def test_a_weighting_before_the_method_is_chosen_is_refused(client, moderator, writes_nothing):
    round_ = weighted_round(moderator, method=None)
    as_member(client, board_member())
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert 'name="pair-' not in html
    assert 'name="points-' not in html
    token = csrf_token(client, "/rounds/")
    version = weighting.member_version(draft_of(round_), None)
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "draft",
                  **ahp_form(draft_of(round_).criteria, CONSISTENT)},
        )  # fmt: skip
    assert response.status_code == 409


def test_closing_needs_a_submitted_weighting(moderator):
    round_ = weighted_round(moderator)
    with pytest.raises(Conflict):
        weighting.close(round_, moderator, version=weighting.catalogue_version(draft_of(round_)))


# --- the page's cost and the demo ---------------------------------------------------------------


def test_the_page_needs_as_many_statements_for_seven_members_as_for_two(
    client, moderator, count_queries
):
    factories.user(roles={Role.BOARD_MEMBER})  # keeps the weightings open

    def statements(members):
        round_ = weighted_round(moderator, M.POINTS, name=f"Runde mit {members}")
        criteria = draft_of(round_).criteria
        for _ in range(members):
            as_member(client, board_member())
            submit(client, round_, {f"points-{c.id}": "20" for c in criteria})
        viewer = as_member(client, board_member())
        submit(client, round_, {f"points-{c.id}": "20" for c in criteria})
        assert viewer
        with count_queries() as queries:
            assert client.get(page_url(round_)).status_code == 200
        return len(queries)

    assert statements(7) == statements(2)


def test_the_demo_weighting_has_seven_members_one_of_them_inconsistent(client, moderator):
    from portal.rounds.demo import BOARD_PROFILES, load_weighting

    members = [
        factories.user(roles={Role.BOARD_MEMBER}, email=f"{local}@musterstadt.example")
        for local in BOARD_PROFILES
    ]
    round_ = weighted_round(moderator, method=None, template="digital")
    assert load_weighting(round_, members, round_.created_at, moderator=moderator) == 7
    draft = draft_of(round_)
    assert draft.weighting is M.AHP
    assert draft.weighted_at is not None
    ratios = {
        w.member.email.split("@")[0]: w.consistency_ratio
        for w in db.session.scalars(
            select(MemberWeighting).where(MemberWeighting.catalogue_id == draft.id)
        )
    }
    assert [local for local, cr in ratios.items() if cr > weighting.CR_LIMIT] == ["m.wagner"]
    assert sum(c.weight for c in draft.criteria) == pytest.approx(1.0)
    assert draft.consistency_ratio < weighting.CR_LIMIT
    # The group's ratio is tiny, and the page says how tiny rather than "0,00".
    assert draft.consistency_ratio < 0.005
    start_session(client, moderator)
    html = client.get(page_url(round_)).get_data(as_text=True)
    assert f"{draft.consistency_ratio:.3f}".replace(".", ",") in html
    # Petra Becker left pairs out.
    skipped = db.session.scalar(
        select(MemberWeighting)
        .join(MemberWeighting.member)
        .where(
            MemberWeighting.catalogue_id == draft.id,
            MemberWeighting.member_id == members[4].id,
        )
    )
    assert len(skipped.judgments) == 28 - 4


def test_the_demo_leaves_one_inconsistent_draft_open(moderator):
    from portal.rounds.demo import BOARD_PROFILES, load_weighting

    members = [
        factories.user(roles={Role.BOARD_MEMBER}, email=f"{local}@musterstadt.example")
        for local in BOARD_PROFILES
    ]
    round_ = weighted_round(moderator, method=None, template="digital")
    load_weighting(round_, members, round_.created_at, moderator=moderator, open_for=members[0])
    assert draft_of(round_).weighted_at is None
    page = weighting.weighting_page(round_, members[0])
    assert page.may_weight
    assert page.outcome.suggestion is not None
    assert page.outcome.suggestion.cr_after < weighting.CR_LIMIT


@pytest.mark.parametrize(
    ("roles", "linked"),
    [({Role.BOARD_MEMBER}, True), ({Role.MODERATOR}, True), ({Role.EMPLOYEE}, False)],
)
def test_the_rounds_page_links_the_weighting_for_those_who_may_open_it(
    client, login_as, moderator, roles, linked
):
    round_ = weighted_round(moderator)
    login_as(*roles)
    html = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert (f'href="{page_url(round_)}"' in html) is linked


def test_a_refused_points_form_marks_the_field_that_holds_no_whole_number(
    client, moderator, writes_nothing
):
    round_ = weighted_round(moderator, M.POINTS)
    as_member(client, board_member())
    criteria = draft_of(round_).criteria
    fields = {
        f"points-{c.id}": p
        for c, p in zip(criteria, ["30", "25", "zwanzig", "15", "10"], strict=True)
    }
    token, version = form_version(client, round_)
    with writes_nothing():
        response = client.post(
            page_url(round_),
            data={"csrf_token": token, "version": version, "action": "draft", **fields},
        )
    html = response.get_data(as_text=True)
    invalid = re.findall(r'name="(points-\d+)"[^>]*aria-invalid="true"', html)
    assert invalid == [f"points-{criteria[2].id}"]


def test_choosing_the_method_invites_the_board(moderator):
    members = [board_member(), board_member()]
    factories.user(roles={Role.BOARD_MEMBER}, active=False)
    round_ = weighted_round(moderator)
    invited = db.session.scalars(
        select(Notification).where(Notification.kind == messages.WEIGHTING_OPENED)
    ).all()
    assert sorted(n.user_id for n in invited) == sorted(m.id for m in members)
    assert invited[0].target_args == {"round_id": round_.id}
    assert invited[0].target_endpoint == "rounds.weighting"
