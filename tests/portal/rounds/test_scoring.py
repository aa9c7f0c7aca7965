"""The assessor's side of a round: their list, the scoring form with drafts and submission,
justifications where levels demand them, measured quantities, blind mode, declaring a conflict,
the review of strong disagreement, the phase rule, stale forms, and who may open what."""

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Role
from portal.extensions import db
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    CriterionKind,
    Direction,
    MeasuredSource,
    RoundPhase,
)
from portal.rounds.services import catalogue, phases, scoring
from portal.rounds.services.catalogue import CriterionData
from tests import factories
from tests.conftest import csrf_token, start_session
from tests.portal.rounds import round_states

S = AssignmentState
P = RoundPhase

#: Every role but the assessors': none of them scores.
OTHERS = [Role.EMPLOYEE, Role.MODERATOR, Role.BOARD_MEMBER, Role.STAFF_COUNCIL, Role.ADMIN]


@pytest.fixture
def moderator(db):
    return round_states.moderator()


@pytest.fixture
def setting(moderator):
    """A round in its score phase (compact catalogue plus a quantity the assessors measure)
    with one idea and its assessor, whose assignment is open."""
    round_ = round_states.round_with_template(moderator)
    catalogue.save_criterion(
        round_,
        None,
        CriterionData(
            key="zeit",
            name="Zeitersparnis",
            description="Wie viele Arbeitsstunden spart die Idee im Monat?",
            direction=Direction.BENEFIT,
            kind=CriterionKind.MEASURED,
            scale_min=0,
            scale_max=500,
            unit="Stunden",
            source=MeasuredSource.ASSESSOR,
        ),
        moderator,
    )
    idea = round_states.accept(round_, moderator)
    idea.cost_euros = 12_000
    round_states.weigh(catalogue.draft(round_))
    phases.move_phase(round_, P.SCREEN, moderator)
    phases.move_phase(round_, P.SCORE, moderator)
    assessor = factories.user(roles={Role.ASSESSOR, Role.EMPLOYEE}, name="Petra Schulz")
    assignment = round_states.assigned(round_, idea, assessor)
    criteria = {c.key: c for c in catalogue.latest_frozen(round_).criteria}
    return {
        "round": round_,
        "idea": idea,
        "assessor": assessor,
        "assignment": assignment,
        "criteria": criteria,
    }


def form_url(s):
    return f"/rounds/{s['round'].id}/assessments/{s['idea'].id}"


def list_url(s):
    return f"/rounds/{s['round'].id}/assessments"


def complete(s, **changes):
    """Form fields of a complete assessment, with justifications where the levels demand."""
    c = s["criteria"]
    fields = {
        f"score-{c['nutzen_buerger'].id}": "3",
        f"justification-{c['nutzen_buerger'].id}": "Spart vielen Bürger:innen den Weg.",
        f"score-{c['entlastung'].id}": "4",
        f"justification-{c['entlastung'].id}": "Das Bürgeramt nimmt keine Anrufe mehr an.",
        f"score-{c['pflicht'].id}": "0",
        f"justification-{c['pflicht'].id}": "",
        f"score-{c['umsetzbarkeit'].id}": "3",
        f"justification-{c['umsetzbarkeit'].id}": "",
        f"score-{c['zeit'].id}": "120,5",
        f"justification-{c['zeit'].id}": "",
    }
    fields.update(changes)
    return fields


def version_of(client, s):
    html = client.get(form_url(s)).get_data(as_text=True)
    found = re.search(r'name="lock_version" value="(\d+)"', html)
    assert found, "no scoring form on the page"
    return found.group(1)


def post(client, s, fields, action="draft", confirm=True, version=None):
    data = {
        "csrf_token": csrf_token(client, form_url(s)),
        "lock_version": version or version_of(client, s),
        "action": action,
        **fields,
    }
    if confirm:
        data["confirm"] = "1"
    return client.post(form_url(s), data=data)


def fresh(assignment):
    db.session.expire_all()
    return db.session.get(Assignment, assignment.id)


def as_assessor(client, s):
    start_session(client, s["assessor"])
    return s["assessor"]


def submit_directly(s, assessor, values, justification="Begründet."):
    """Submit *assessor*'s assessment of the setting's idea through the service."""
    assignment = db.session.scalar(
        select(Assignment).where(
            Assignment.idea_id == s["idea"].id, Assignment.assessor_id == assessor.id
        )
    )
    criteria = [c for c in s["criteria"].values() if scoring.is_scored(c)]
    given = {c.id: float(values.get(c.key, 1)) for c in criteria}
    sent = scoring.Assessment(
        assignment.lock_version, given, {c.id: justification for c in criteria}, submit=True
    )
    return scoring.save_assessment(s["round"], s["idea"].id, assessor, sent)


def colleague(s, values, justification="Begründet."):
    """Another assessor of the setting's idea who has submitted *values* ({key: level})."""
    other = factories.user(roles={Role.ASSESSOR})
    round_states.assigned(s["round"], s["idea"], other)
    submit_directly(s, other, values, justification)
    return other


# --- the form: draft, submission, justifications, measured quantities ----------------------------


def test_the_form_shows_the_idea_and_each_criterion_with_its_anchored_levels(client, setting):
    as_assessor(client, setting)
    response = client.get(form_url(setting))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Online-Terminvergabe im Bürgeramt" in html
    assert "Termine gibt es nur telefonisch." in html
    entlastung = setting["criteria"]["entlastung"]
    # The levels are a radio group whose labels are the level sentences.
    assert f'<legend class="kern-label ww-scoring__legend">{entlastung.name}</legend>' in html
    assert re.search(
        rf'name="score-{entlastung.id}" value="3">\s*<label[^>]*>3 — entlastet mehrere Ämter '
        r"spürbar</label>",
        html,
    )
    # The cost is read from the idea and not scored.
    kosten = setting["criteria"]["kosten"]
    assert f'name="score-{kosten.id}"' not in html
    assert "12.000 €" in html
    assert "Zwischen 0 und 500 Stunden" in html


def test_saving_a_draft_keeps_partial_scores_and_submitting_makes_them_final(client, setting):
    as_assessor(client, setting)
    c = setting["criteria"]
    partial = {
        f"score-{c['entlastung'].id}": "3",
        f"justification-{c['entlastung'].id}": "Entlastet das Bürgeramt.",
        f"score-{c['zeit'].id}": "1.200,5",
    }
    # A number beyond the quantity's bounds is refused, one within them is kept as typed.
    assert post(client, setting, partial).status_code == 422
    partial[f"score-{c['zeit'].id}"] = "120,5"
    response = post(client, setting, partial)
    assert response.status_code == 302
    saved = fresh(setting["assignment"])
    assert saved.state is S.OPEN
    assert {s.criterion.key: s.value for s in saved.scores} == {"entlastung": 3, "zeit": 120.5}
    # Coming back, the form shows the draft.
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert re.search(rf'name="score-{c["entlastung"].id}" value="3" checked', html)
    assert 'value="120,5"' in html
    # Submitting asks first and writes nothing before the confirmation.
    asked = post(client, setting, complete(setting), action="submit", confirm=False)
    assert asked.status_code == 200
    assert 'name="confirm"' in asked.get_data(as_text=True)
    assert fresh(setting["assignment"]).state is S.OPEN
    assert post(client, setting, complete(setting), action="submit").status_code == 302
    done = fresh(setting["assignment"])
    assert done.state is S.SUBMITTED
    assert done.submitted_at is not None
    assert {s.criterion.key: s.value for s in done.scores} == {
        "nutzen_buerger": 3,
        "entlastung": 4,
        "pflicht": 0,
        "umsetzbarkeit": 3,
        "zeit": 120.5,
    }
    # The form is read-only now.
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert 'name="action"' not in html
    assert "4 — entlastet die Verwaltung breit und dauerhaft" in html


def test_clearing_a_level_in_a_draft_removes_its_score(client, setting):
    as_assessor(client, setting)
    entlastung = setting["criteria"]["entlastung"]
    post(client, setting, {f"score-{entlastung.id}": "3"})
    post(client, setting, {f"score-{entlastung.id}": ""})
    assert fresh(setting["assignment"]).scores == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"nutzen_buerger": "5"}, "score", "wählen Sie eine der Stufen 0 bis 4"),
        ({"nutzen_buerger": "2.5"}, "score", "wählen Sie eine der Stufen 0 bis 4"),
        ({"pflicht": "-1"}, "score", "wählen Sie eine der Stufen 0 bis 2"),
        ({"zeit": "501"}, "score", "muss zwischen 0 und 500 Stunden liegen"),
        ({"zeit": "viele"}, "score", "Bitte geben Sie eine Zahl ein."),
        ({"entlastung": ""}, "score", "hat noch keine Bewertung"),
    ],
)
def test_scores_off_their_scale_or_missing_are_refused_and_the_form_keeps_what_was_typed(
    client, setting, writes_nothing, changes, field, message
):
    as_assessor(client, setting)
    c = setting["criteria"]
    fields = complete(setting, **{f"score-{c[key].id}": value for key, value in changes.items()})
    version = version_of(client, setting)
    with writes_nothing():
        response = post(client, setting, fields, action="submit", version=version)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    key = next(iter(changes))
    assert f'id="{field}-{c[key].id}-error"' in html
    # What was typed stays, the justifications too.
    assert "Das Bürgeramt nimmt keine Anrufe mehr an." in html
    if key == "zeit":
        assert f'value="{changes[key]}"' in html


def test_a_level_that_demands_a_justification_cannot_be_submitted_without_one(
    client, setting, writes_nothing
):
    as_assessor(client, setting)
    c = setting["criteria"]
    fields = complete(setting, **{f"justification-{c['entlastung'].id}": "  "})
    version = version_of(client, setting)
    with writes_nothing():
        response = post(client, setting, fields, action="submit", version=version)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "„Entlastung der Mitarbeitenden“: Die gewählte Stufe braucht eine Begründung." in html
    assert f'id="justification-{c["entlastung"].id}-error"' in html
    # A draft may wait for the justification.
    assert post(client, setting, fields).status_code == 302
    # A level that needs none is submitted without one; any level may have one.
    fields = complete(setting, **{f"justification-{c['pflicht'].id}": "Keine Rechtsgrundlage."})
    assert post(client, setting, fields, action="submit").status_code == 302
    pflicht = next(
        s for s in fresh(setting["assignment"]).scores if s.criterion_id == c["pflicht"].id
    )
    assert pflicht.justification == "Keine Rechtsgrundlage."


def test_a_justification_without_a_score_is_refused_in_a_draft(client, setting, writes_nothing):
    as_assessor(client, setting)
    c = setting["criteria"]
    version = version_of(client, setting)
    with writes_nothing():
        response = post(
            client,
            setting,
            {f"justification-{c['pflicht'].id}": "Text"},
            version=version,
        )
    assert response.status_code == 422
    assert "um ihre Begründung zu speichern" in response.get_data(as_text=True)


def test_a_score_for_a_criterion_the_assessors_do_not_score_is_refused(
    client, setting, writes_nothing
):
    as_assessor(client, setting)
    kosten = setting["criteria"]["kosten"]
    version = version_of(client, setting)
    with writes_nothing():
        response = post(client, setting, {f"score-{kosten.id}": "5000"}, version=version)
    assert response.status_code == 422


def test_a_second_submission_is_refused(client, setting, writes_nothing):
    as_assessor(client, setting)
    version = version_of(client, setting)
    assert post(client, setting, complete(setting), "submit", version=version).status_code == 302
    with writes_nothing():
        again = post(client, setting, complete(setting), "submit", version=str(int(version) + 1))
    assert again.status_code == 409
    assert "Sie haben diese Bewertung am" in again.get_data(as_text=True)


def test_a_stale_form_from_a_second_tab_is_refused_with_409_and_keeps_what_was_typed(
    client, setting, writes_nothing
):
    as_assessor(client, setting)
    c = setting["criteria"]
    first_tab = version_of(client, setting)
    assert post(client, setting, {f"score-{c['entlastung'].id}": "2"}).status_code == 302
    fields = {
        f"score-{c['entlastung'].id}": "4",
        f"justification-{c['entlastung'].id}": "Aus dem ersten Tab",
    }
    with writes_nothing():
        response = post(client, setting, fields, version=first_tab)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "in einem anderen Tab" in html
    assert "Aus dem ersten Tab" in html
    assert [s.value for s in fresh(setting["assignment"]).scores] == [2]


# --- after the score phase, and before it ------------------------------------------------------


def test_after_the_score_phase_no_score_changes_and_the_form_is_read_only(
    client, setting, moderator, writes_nothing
):
    as_assessor(client, setting)
    c = setting["criteria"]
    version = version_of(client, setting)
    nutzen = c["nutzen_buerger"].id
    for _ in range(setting["round"].min_assessors):
        round_states.scored(setting["round"], setting["idea"])
    phases.move_phase(setting["round"], P.DECIDE, moderator)
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "Die Bewertungsphase dieser Runde ist beendet" in html
    assert 'name="action"' not in html
    assert "Interessenkonflikt erklären" not in html
    requests = [
        (form_url(setting), {"action": "draft", **complete(setting)}),
        (form_url(setting), {"action": "submit", "confirm": "1", **complete(setting)}),
        (form_url(setting) + "/conflict", {"reason": "Befangen", "confirm": "1"}),
        (
            form_url(setting) + "/revision",
            {"criterion_id": str(nutzen), "value": "2", "reason": "Neu", "confirm": "1"},
        ),
    ]
    for url, data in requests:
        with writes_nothing():
            response = client.post(
                url,
                data={
                    "csrf_token": csrf_token(client, form_url(setting)),
                    "lock_version": version,
                    **data,
                },
            )
        assert response.status_code == 409, url
        assert "Bewertungsphase dieser Runde ist beendet" in response.get_data(as_text=True)


def test_before_the_score_phase_the_form_waits_and_scores_are_refused(
    client, moderator, writes_nothing
):
    round_ = round_states.round_with_template(moderator)
    idea = round_states.accept(round_, moderator)
    phases.move_phase(round_, P.SCREEN, moderator)
    assessor = factories.user(roles={Role.ASSESSOR})
    round_states.assigned(round_, idea, assessor)
    start_session(client, assessor)
    url = f"/rounds/{round_.id}/assessments/{idea.id}"
    html = client.get(url).get_data(as_text=True)
    assert "Die Kriterien werden veröffentlicht, wenn die Bewertungsphase beginnt." in html
    version = re.search(r'name="lock_version"[^>]*value="(\d+)"', html).group(1)
    with writes_nothing():
        response = client.post(
            url,
            data={
                "csrf_token": csrf_token(client, url),
                "lock_version": version,
                "action": "draft",
            },
        )
    assert response.status_code == 409
    assert "Die Bewertung hat noch nicht begonnen" in response.get_data(as_text=True)
