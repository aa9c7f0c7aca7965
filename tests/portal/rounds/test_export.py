"""The export of a round's ranking: who downloads it when, what it holds and hides, and that the
documented pandas recipe recomputes the page's ranking from the download alone."""

import io
import json
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal.accounts.models import Role, User
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds.models import AssignmentState, Round, RoundPhase
from portal.rounds.services import export, ranking
from tests import factories
from tests.conftest import SharedData, db_within, kept, loaded, shared_database
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
PREPARING = {Role.BOARD_MEMBER, Role.MODERATOR}
DOC = Path(__file__).resolve().parents[3] / "docs" / "round-export.md"


def scored_round() -> tuple[Round, list[Idea], list[User]]:
    """Build six ideas scored by three named assessors (one score revised), a recused and an
    open assessment, one idea with a single assessment, and costs read from the ideas; return
    the round, its ideas and the named assessors."""
    moderator = round_states.moderator()
    titles = [f"Idee {n}" for n in range(1, 7)] + ["Kaum bewertet"]
    round_, ideas = round_states.ranked_round(moderator, titles)
    for idea, cost in zip(ideas, (90_000, 10_000, 2_500_000, 0, 40_000, 10_000, 5), strict=True):
        idea.cost_euros = cost
    assessors = [
        factories.user(roles={Role.ASSESSOR}, name=name)
        for name in ("Erika Mustermann", "Jonas Weber", "Aylin Kaya")
    ]
    for idea, rows in zip(ideas[:6], PROFILES, strict=True):
        for assessor, values in zip(assessors, rows, strict=True):
            done = round_states.assess(
                round_,
                idea,
                dict(zip(KEYS, values, strict=True)),
                assessor=assessor,
                justifications={"nutzen_buerger": "Spart Wege zum Amt"},
            )
    done.scores[0].revised_value = 4
    done.scores[0].revision_reason = "Nach Rückfrage"
    done.scores[0].revised_at = done.submitted_at
    recused = factories.user(roles={Role.ASSESSOR}, name="Befangene Person")
    round_states.assess(
        round_, ideas[0], dict.fromkeys(KEYS, 0), assessor=recused, state=AssignmentState.RECUSED
    )
    round_states.assess(round_, ideas[1], dict.fromkeys(KEYS, 0), state=AssignmentState.OPEN)
    round_states.assess(round_, ideas[6], dict.fromkeys(KEYS, 1), assessor=assessors[0])
    db.session.commit()
    return round_, ideas, assessors


@pytest.fixture(scope="module")
def scored_data(app: Flask) -> Iterator[SharedData]:
    """The scored round, built once for the module."""
    with shared_database(app) as shared:
        shared["scored"] = kept(scored_round())
        yield shared


# Every test runs in a savepoint of the scored round.
in_savepoints = db_within("scored_data")


@pytest.fixture
def scored(db, scored_data):
    """The scored round, its ideas and its named assessors."""
    return loaded(scored_data["scored"])


def url(round_, kind="json"):
    return f"/rounds/{round_.id}/export.{kind}"


@pytest.mark.parametrize("kind", ["json", "zip"])
@pytest.mark.parametrize("phase", [P.SCORE, P.DECIDE, P.PUBLISH, P.CLOSED])
@pytest.mark.parametrize("role", ROLES)
def test_who_downloads_the_export_in_which_phase(client, login_as, scored, role, phase, kind):
    round_, _, _ = scored
    round_.phase = phase
    db.session.commit()
    login_as(role, locale="en")

    response = client.get(url(round_, kind))

    readable = phase in (P.PUBLISH, P.CLOSED) or role in PREPARING
    assert response.status_code == (200 if readable else 403)
    if readable:
        assert response.headers["Content-Disposition"].startswith("attachment;")
    else:
        assert "published to all staff" in response.get_data(as_text=True)


@pytest.mark.parametrize("kind", ["json", "zip"])
def test_nobody_exports_a_round_before_scoring(client, login_as, db, kind):
    collecting = round_states.round_with_template(round_states.moderator())
    db.session.commit()
    login_as(Role.MODERATOR, locale="en")

    assert client.get(url(collecting, kind)).status_code == 403


def test_a_round_without_scores_says_why_instead_of_failing(client, login_as, db):
    moderator = round_states.moderator()
    round_, _ = round_states.ranked_round(moderator, ["Ohne Bewertung"])
    db.session.commit()
    login_as(Role.BOARD_MEMBER, locale="en")

    response = client.get(url(round_))

    assert response.status_code == 409
    assert "No idea has enough submitted assessments yet" in response.get_data(as_text=True)


def test_the_export_holds_the_documented_fields(client, login_as, scored):
    round_, ideas, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")

    data = client.get(url(round_)).get_json(force=True)

    assert data["format"] == "wandelwerk-round-export/1"
    assert data["round"] == {"id": round_.id, "name": round_.name}
    assert data["method"]["name"] == "weighted_sum"
    assert data["method"]["aggregation"] == {"name": "mean", "min_assessors": 3}
    first = data["criteria"][0]
    assert set(first) == {"id", "name", "direction", "scale", "weight", "source"}
    assert first["scale"] == {"min": 0, "max": 4}
    kosten = next(c for c in data["criteria"] if c["direction"] == "cost")
    assert kosten["source"] == "idea"
    assert sum(c["weight"] for c in data["criteria"]) == pytest.approx(1)
    assert [i["id"] for i in data["ideas"]] == [idea.id for idea in ideas[:6]]
    # Six ideas × three assessors × four scored criteria, and the six cost estimates.
    assert len(data["scores"]) == 6 * 3 * 4 + 6
    estimate = next(
        s for s in data["scores"] if s["criterion"] == kosten["id"] and s["idea"] == ideas[2].id
    )
    # 2.5 million euros lie beyond the scale (up to 2 million) and count as its end.
    assert estimate == {
        "assessor": None,
        "idea": ideas[2].id,
        "criterion": kosten["id"],
        "value": 2_000_000.0,
        "justification": "",
    }
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 3, 4, 5, 6]
    assert data["set_apart"] == [
        {"idea": ideas[6].id, "title": "Kaum bewertet", "reason": "too_few", "assessments": 1}
    ]


def test_assessors_are_pseudonyms_and_recused_scores_stay_out(client, login_as, scored):
    round_, ideas, assessors = scored
    login_as(Role.MODERATOR, locale="en")

    body = client.get(url(round_)).get_data(as_text=True)
    data = json.loads(body)

    for name in [a.name for a in assessors] + ["Befangene Person"]:
        assert name not in body
    assert {s["assessor"] for s in data["scores"]} == {"A1", "A2", "A3", None}
    # The recused assessor scored idea 1 with zeros; the open assessment idea 2.
    on_first = [s for s in data["scores"] if s["idea"] == ideas[0].id and s["assessor"]]
    assert len(on_first) == 3 * 4
    assert 0 not in [s["value"] for s in on_first]
    assert len([s for s in data["scores"] if s["idea"] == ideas[1].id and s["assessor"]]) == 12
    # The revised score counts with its revised value; the justification travels with it.
    revised = [
        s
        for s in data["scores"]
        if s["idea"] == ideas[5].id and s["criterion"] == (data["criteria"][0]["id"])
    ]
    assert sorted(s["value"] for s in revised) == [0, 0, 4]
    assert {s["justification"] for s in revised} == {"Spart Wege zum Amt"}
    # The same pseudonym in a second download.
    again = client.get(url(round_)).get_json(force=True)
    assert again["scores"] == data["scores"]


def test_a_round_that_names_its_assessors_exports_their_names(client, login_as, scored):
    round_, _, assessors = scored
    round_.assessors_named = True
    db.session.commit()
    login_as(Role.MODERATOR, locale="en")

    data = client.get(url(round_)).get_json(force=True)

    assert {s["assessor"] for s in data["scores"]} == {a.name for a in assessors} | {None}


def _recipe(loader: int, path: Path) -> str:
    """Return the documented lines: the loader of the JSON (0) or CSV (1) download, then the
    computation, reading *path*."""
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.S)
    assert len(blocks) == 3
    return (blocks[loader] + blocks[2]).replace("wandelwerk-round-7", str(path.with_suffix("")))


@pytest.mark.parametrize(("kind", "loader"), [("json", 0), ("zip", 1)])
def test_the_documented_recipe_recomputes_the_pages_ranking(
    client, login_as, scored, tmp_path, capsys, kind, loader
):
    round_, _, _ = scored
    round_.phase = P.PUBLISH
    db.session.commit()
    login_as(Role.EMPLOYEE, locale="en")
    download = tmp_path / f"wandelwerk-round-{round_.id}.{kind}"
    download.write_bytes(client.get(url(round_, kind)).get_data())

    found: dict = {}
    # The documented lines, as a reader would run them, with pandas only.
    exec(compile(_recipe(loader, download), str(DOC), "exec"), found)

    capsys.readouterr()
    inputs = ranking.round_inputs(round_)
    page = ranking.rank(inputs)
    expected_scores = {inputs.ideas[i].id: float(page.scores[i]) for i in range(len(inputs.ideas))}
    expected_ranks = {inputs.ideas[i].id: int(page.ranks[i]) for i in range(len(inputs.ideas))}
    assert found["score"].to_dict() == pytest.approx(expected_scores, abs=1e-12)
    assert found["rank"].to_dict() == expected_ranks
    assert list(found["score"].index) == [inputs.ideas[int(i)].id for i in page.order]


def test_the_csv_bundle_holds_the_same_content(client, login_as, scored):
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    data = client.get(url(round_)).get_json(force=True)

    bundle = zipfile.ZipFile(io.BytesIO(client.get(url(round_, "zip")).get_data()))

    assert bundle.namelist() == list(export.CSV_FILES)
    scores = bundle.read("scores.csv").decode("utf-8-sig").splitlines()
    assert scores[0] == "assessor,idea,criterion,value,justification"
    assert len(scores) == 1 + len(data["scores"])
    ranking_rows = bundle.read("ranking.csv").decode("utf-8-sig").splitlines()[1:]
    assert ranking_rows == [f"{r['idea']},{r['score']!r},{r['rank']}" for r in data["ranking"]]
    assert (
        bundle.read("round.csv")
        .decode("utf-8-sig")
        .splitlines()[1]
        .startswith(f"wandelwerk-round-export/1,{round_.id},")
    )


def test_the_export_takes_a_bounded_number_of_statements(client, login_as, scored, count_queries):
    round_, _, _ = scored
    login_as(Role.BOARD_MEMBER, locale="en")
    client.get(url(round_))

    with count_queries() as queries:
        assert client.get(url(round_)).status_code == 200

    assert len(queries) <= 12
