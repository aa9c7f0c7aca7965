"""What-if: the board tries other weights on the ranking page and by JSON; who may, what bad
weights say, that it reads the stored snapshot and never writes."""

import re

import numpy as np
import pytest

from portal.accounts.models import Role
from portal.extensions import db
from portal.rounds.models import RoundPhase
from portal.rounds.services import analysis, ranking, ranking_page, whatif
from tests.conftest import db_within
from tests.portal.rounds.test_export import ROLES
from tests.portal.rounds.test_ranking_page import scored, scored_data  # noqa: F401 - fixtures

P = RoundPhase
TRYING = {Role.BOARD_MEMBER, Role.MODERATOR}


# Every test runs in a savepoint of the scored round, built once for the module.
in_savepoints = db_within("scored_data")


def page_url(round_):
    return f"/rounds/{round_.id}/ranking"


def json_url(round_):
    return f"/rounds/{round_.id}/what-if"


def state_of(client, round_):
    """Open the ranking page as the panel's reader would and return the state it carries."""
    html = client.get(page_url(round_)).get_data(as_text=True)
    return re.search(r'name="state" value="([0-9a-f]{64})"', html).group(1)


def weights(inputs, **points):
    """Return the form fields: the board's weights in points, changed where *points* says."""
    fields = {f"w{c.id}": str(c.weight * 100) for c in inputs.criteria}
    for key, value in points.items():
        criterion = next(c for c in inputs.criteria if c.key == key)
        fields[f"w{criterion.id}"] = value
    return fields


@pytest.mark.parametrize("phase", [P.SCORE, P.DECIDE, P.PUBLISH, P.CLOSED])
@pytest.mark.parametrize("role", ROLES)
def test_who_tries_weights_in_which_phase(client, login_as, scored, role, phase):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)
    round_.phase = phase
    db.session.commit()
    login_as(role, locale="en")

    answer = client.get(json_url(round_), query_string={"state": state})
    html = client.get(page_url(round_)).get_data(as_text=True)

    assert answer.status_code == (200 if role in TRYING else 403)
    assert ('id="what-if"' in html) == (role in TRYING)


def test_the_order_changes_at_once_under_other_weights(client, login_as, scored, writes_nothing):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)
    inputs = ranking.round_inputs(round_)
    # Only "Umsetzbarkeit" counts: idea 4 (scored 4, 4, 3 on it) comes first.
    only = {f"w{c.id}": "0" for c in inputs.criteria}
    only[f"w{next(c.id for c in inputs.criteria if c.key == 'umsetzbarkeit')}"] = "1"

    with writes_nothing():
        answer = client.get(json_url(round_), query_string={"state": state, **only})

    assert answer.status_code == 200
    data = answer.get_json()
    expected = ranking.rank(inputs, [0, 0, 0, 0, 1])
    assert data["ideas"][0]["title"] == "Idee 4"
    assert [i["id"] for i in data["ideas"]] == [inputs.ideas[int(i)].id for i in expected.order]
    assert data["ideas"][0]["published_rank"] == 4
    assert data["ideas"][0]["change"] == 3
    assert data["weights"] == [0, 0, 0, 0, 1]
    assert "change places" in data["summary"]


def test_without_javascript_the_page_shows_the_same_order(client, login_as, scored):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.MODERATOR, locale="en")
    state = state_of(client, round_)
    inputs = ranking.round_inputs(round_)
    fields = weights(
        inputs, umsetzbarkeit="90", nutzen_buerger="0,5", entlastung="0", pflicht="0", kosten="0"
    )

    html = client.get(page_url(round_), query_string={"state": state, **fields}).get_data(
        as_text=True
    )

    table = re.search(r'id="what-if-table".*?</table>', html, re.S).group(0)
    assert re.search(r">1</td>\s*<th[^>]*><a[^>]*>Idee 4</a>", table)
    # The form keeps what was typed.
    assert 'value="0,5"' in html
    assert "Reset to the board" in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"nutzen_buerger": "-5"}, "The weight of Nutzen für Bürger:innen cannot be negative."),
        ({"nutzen_buerger": "viel"}, "Enter the weight of Nutzen für Bürger:innen as a number."),
        ({"nutzen_buerger": "nan"}, "Enter the weight of Nutzen für Bürger:innen as a number."),
        ({"nutzen_buerger": "inf"}, "Enter the weight of Nutzen für Bürger:innen as a number."),
        (
            dict.fromkeys(
                ["nutzen_buerger", "entlastung", "pflicht", "kosten", "umsetzbarkeit"], "0"
            ),
            "At least one criterion needs a weight above 0.",
        ),
    ],
)
def test_bad_weights_get_a_clear_message(client, login_as, scored, writes_nothing, typed, message):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)
    fields = weights(ranking.round_inputs(round_), **typed)

    with writes_nothing():
        answer = client.get(json_url(round_), query_string={"state": state, **fields})
        html = client.get(page_url(round_), query_string={"state": state, **fields}).get_data(
            as_text=True
        )

    assert answer.status_code == 422
    assert answer.get_json()["error"] == message
    assert message in html
    assert 'aria-invalid="true"' in html


def test_an_unknown_method_is_refused(client, login_as, scored):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)

    answer = client.get(json_url(round_), query_string={"state": state, "method": "borda"})
    topsis = client.get(json_url(round_), query_string={"state": state, "method": "topsis"})

    assert answer.status_code == 422
    assert "Unknown method" in answer.get_json()["error"]
    assert topsis.status_code == 200


def test_a_state_no_longer_stored_is_a_stale_form(client, login_as, scored):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state_of(client, round_)

    answer = client.get(json_url(round_), query_string={"state": "0" * 64})
    page = client.get(page_url(round_), query_string={"state": "0" * 64})

    assert answer.status_code == 409
    assert "reload the page" in answer.get_json()["error"]
    assert page.status_code == 409


def test_what_if_reads_the_stored_state_not_the_scores(client, login_as, scored, monkeypatch):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)
    inputs = ranking.round_inputs(round_)

    def refuse(_round):
        raise AssertionError("what-if gathered the scores again")

    monkeypatch.setattr(ranking, "round_inputs", refuse)
    answer = client.get(json_url(round_), query_string={"state": state})

    assert answer.status_code == 200
    assert answer.get_json()["state"] == state == inputs.digest
    assert np.array_equal(whatif.load(round_, state).matrix, inputs.matrix)


def test_what_if_takes_a_bounded_number_of_statements(client, login_as, scored, count_queries):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)

    with count_queries() as queries:
        client.get(json_url(round_), query_string={"state": state})

    assert len(queries) <= 6


def test_what_if_swaps_the_two_ideas_the_stability_sentence_names(client, login_as, scored):  # noqa: F811
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    state = state_of(client, round_)
    current = analysis.current(round_)
    swap = next(s for s in current.analysis.part("stability")["swaps"] if s["criterion"])
    change = ranking_page._swap_change(swap["change"])
    # The panel's fields: the criterion by the sentence's points, the others in proportion.
    shares = current.state.weights / current.state.weights.sum()
    k = swap["criterion"]
    moved = shares * (1 - (shares[k] + change / 100)) / (1 - shares[k])
    moved[k] = shares[k] + change / 100
    fields = {
        f"w{c.id}": f"{m * 100:.4f}" for c, m in zip(current.state.criteria, moved, strict=True)
    }

    before = client.get(json_url(round_), query_string={"state": state}).get_json()
    after = client.get(json_url(round_), query_string={"state": state, **fields}).get_json()

    def order(answer):
        return [idea["id"] for idea in answer["ideas"]]

    assert order(before).index(swap["above"]) < order(before).index(swap["below"])
    assert order(after).index(swap["below"]) < order(after).index(swap["above"])
