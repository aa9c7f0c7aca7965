"""The assessor's side of a round: their list, the scoring form with drafts and submission,
justifications where levels demand them, measured quantities, blind mode, declaring a conflict,
the review of strong disagreement, the phase rule, stale forms, and who may open what."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from portal.accounts.models import Municipality, Role
from portal.core.tenancy import set_tenant
from portal.extensions import db
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    CriterionKind,
    Direction,
    MeasuredSource,
    RecusalReason,
    RoundIdea,
    RoundPhase,
    Score,
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


def joined(s, title):
    """Another idea of the setting's round; ideas join rounds before scoring, so the test puts
    it there directly."""
    idea = factories.idea(title=title)
    db.session.add(RoundIdea(round_id=s["round"].id, idea_id=idea.id))
    db.session.flush()
    return idea


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
    # Levels that need no justification, unless *values* says otherwise.
    given = {c.id: float(values.get(c.key, 0 if c.key == "pflicht" else 2)) for c in criteria}
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
    assert f'ww-scoring__legend">{entlastung.name}</legend>' in html
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


# --- blind mode ---------------------------------------------------------------------------------


def test_in_blind_mode_the_others_scores_show_only_after_submitting_and_without_names(
    client, setting
):
    as_assessor(client, setting)
    other = colleague(setting, {"nutzen_buerger": 2}, "Hilft vor allem älteren Menschen.")
    other.name = "Karl Geheim"
    db.session.flush()
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "Die anderen Bewertungen" not in html
    assert "Blindmodus" in html
    post(client, setting, complete(setting), "submit")
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "Die anderen Bewertungen" in html
    assert "Bewertung A" in html
    assert "Karl Geheim" not in html


def test_without_blind_mode_the_others_scores_show_at_once_and_named_rounds_show_names(
    client, setting
):
    setting["round"].blind = False
    setting["round"].assessors_named = True
    other = colleague(setting, {"nutzen_buerger": 2})
    other.name = "Karl Offen"
    db.session.flush()
    as_assessor(client, setting)
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "Die anderen Bewertungen" in html
    assert "Karl Offen" in html
    assert "Bewertung A" not in html


def test_drafts_of_others_are_never_shown(client, setting):
    setting["round"].blind = False
    drafting = factories.user(roles={Role.ASSESSOR})
    round_states.assigned(setting["round"], setting["idea"], drafting)
    db.session.flush()
    as_assessor(client, setting)
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "Noch keine andere Bewerterin und kein anderer Bewerter hat abgegeben." in html


def test_pseudonyms_run_through_the_alphabet():
    assert [scoring.letter(n) for n in (0, 1, 25, 26, 27)] == ["A", "B", "Z", "AA", "AB"]


# --- declaring a conflict of interest -----------------------------------------------------------


def test_an_assessor_declares_a_conflict_and_their_draft_scores_are_dropped(client, setting):
    as_assessor(client, setting)
    c = setting["criteria"]
    post(client, setting, {f"score-{c['entlastung'].id}": "3"})
    version = version_of(client, setting)
    url = form_url(setting) + "/conflict"
    data = {
        "csrf_token": csrf_token(client, form_url(setting)),
        "lock_version": version,
        "reason": "Ich habe die Idee mit dem Bürgeramt entwickelt.",
    }
    asked = client.post(url, data=data)
    assert asked.status_code == 200
    assert "Wirklich einen Interessenkonflikt erklären?" in asked.get_data(as_text=True)
    assert fresh(setting["assignment"]).state is S.OPEN
    response = client.post(url, data={**data, "confirm": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(list_url(setting))
    recused = fresh(setting["assignment"])
    assert recused.state is S.RECUSED
    assert recused.recusal is RecusalReason.DECLARED
    assert recused.recusal_note == "Ich habe die Idee mit dem Bürgeramt entwickelt."
    assert recused.scores == []
    # The form is closed to them now, and the list says why.
    assert client.get(form_url(setting)).status_code == 403
    html = client.get(list_url(setting)).get_data(as_text=True)
    assert "Befangenheit erklärt" in html


@pytest.mark.parametrize("reason", ["", "   ", "x" * (scoring.TEXT_MAX + 1)])
def test_a_conflict_without_a_reason_or_with_too_long_a_reason_is_refused(
    client, setting, writes_nothing, reason
):
    as_assessor(client, setting)
    version = version_of(client, setting)
    with writes_nothing():
        response = client.post(
            form_url(setting) + "/conflict",
            data={
                "csrf_token": csrf_token(client, form_url(setting)),
                "lock_version": version,
                "reason": reason,
                "confirm": "1",
            },
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="reason-error"' in html
    assert '<details class="ww-details" open>' in html or not reason.strip()


def test_a_submitted_assessment_cannot_be_withdrawn_by_declaring_a_conflict(
    client, setting, writes_nothing
):
    as_assessor(client, setting)
    post(client, setting, complete(setting), "submit")
    version = str(fresh(setting["assignment"]).lock_version)
    with writes_nothing():
        response = client.post(
            form_url(setting) + "/conflict",
            data={
                "csrf_token": csrf_token(client, form_url(setting)),
                "lock_version": version,
                "reason": "Befangen",
                "confirm": "1",
            },
        )
    assert response.status_code == 409
    assert "wenden Sie sich an die Moderation" in response.get_data(as_text=True)


# --- the review of strong disagreement ----------------------------------------------------------


def revise(client, s, criterion, value, reason, confirm=True, version=None):
    data = {
        "csrf_token": csrf_token(client, form_url(s)),
        "lock_version": version or str(fresh(s["assignment"]).lock_version),
        "criterion_id": str(criterion.id),
        "value": value,
        "reason": reason,
    }
    if confirm:
        data["confirm"] = "1"
    return client.post(form_url(s) + "/revision", data=data)


@pytest.fixture
def disputed(client, setting):
    """The setting's assessor submitted Nutzen 4; a colleague 0 with a reason, another 1."""
    as_assessor(client, setting)
    colleague(setting, {"nutzen_buerger": 0}, "Bürger:innen merken davon nichts.")
    colleague(setting, {"nutzen_buerger": 1}, "")
    nutzen = setting["criteria"]["nutzen_buerger"]
    post(client, setting, complete(setting, **{f"score-{nutzen.id}": "4"}), "submit")
    return nutzen


def test_a_spread_above_the_threshold_asks_for_a_review_with_the_others_reasons(
    client, setting, disputed
):
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "Überprüfung bei starker Abweichung" in html
    assert f'id="review-{disputed.id}"' in html
    assert "Bewertungen von 0 bis 4: 4 Stufen auseinander." in html
    assert "Bürger:innen merken davon nichts." in html
    # Only the criterion with the spread is under review (the others agree within 2 levels).
    assert html.count('class="ww-review__item"') == 1
    listing = client.get(list_url(setting)).get_data(as_text=True)
    assert "Überprüfung erbeten" in listing


def test_a_spread_at_the_threshold_asks_for_no_review(client, setting):
    as_assessor(client, setting)
    colleague(setting, {"nutzen_buerger": 1})
    nutzen = setting["criteria"]["nutzen_buerger"]
    post(client, setting, complete(setting, **{f"score-{nutzen.id}": "3"}), "submit")
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "Überprüfung bei starker Abweichung" not in html
    assert "Überprüfung erbeten" not in client.get(list_url(setting)).get_data(as_text=True)


def test_an_assessor_revises_a_disputed_score_once_and_both_values_are_kept(
    client, setting, disputed, writes_nothing
):
    asked = revise(client, setting, disputed, "2", "Die Wege werden nur für wenige kürzer.", False)
    assert asked.status_code == 200
    assert "Bewertung wirklich überarbeiten?" in asked.get_data(as_text=True)
    response = revise(client, setting, disputed, "2", "Die Wege werden nur für wenige kürzer.")
    assert response.status_code == 302
    score = next(s for s in fresh(setting["assignment"]).scores if s.criterion_id == disputed.id)
    assert (score.value, score.revised_value, score.current_value) == (4, 2, 2)
    assert score.revision_reason == "Die Wege werden nur für wenige kürzer."
    assert score.revised_at is not None
    html = client.get(form_url(setting)).get_data(as_text=True)
    assert "von 4 auf 2 geändert" in html
    with writes_nothing():
        again = revise(client, setting, disputed, "3", "Doch anders.")
    assert again.status_code in (409, 422)


@pytest.mark.parametrize(
    ("value", "reason", "message"),
    [
        ("2", "", "Bitte begründen Sie, warum Sie Ihre Bewertung ändern."),
        ("2", "   ", "Bitte begründen Sie, warum Sie Ihre Bewertung ändern."),
        ("7", "Neu bedacht", "Bitte wählen Sie eine der Stufen 0 bis 4."),
        ("", "Neu bedacht", "Bitte wählen Sie eine der Stufen 0 bis 4."),
        ("4", "Neu bedacht", "entspricht Ihrer bisherigen"),
    ],
)
def test_a_revision_without_reason_off_the_scale_or_unchanged_is_refused(
    client, setting, disputed, writes_nothing, value, reason, message
):
    with writes_nothing():
        response = revise(client, setting, disputed, value, reason)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    if reason.strip():
        assert reason in html  # what was typed stays


def test_a_second_revision_is_refused(client, setting, disputed, writes_nothing):
    assert revise(client, setting, disputed, "2", "Neu bedacht").status_code == 302
    # A colleague's low score keeps the disagreement alive.
    with writes_nothing():
        response = revise(client, setting, disputed, "3", "Noch einmal")
    assert response.status_code == 409
    assert "eine Bewertung wird nur einmal überarbeitet" in response.get_data(as_text=True)


def test_a_revision_where_the_scores_agree_is_refused(client, setting, disputed, writes_nothing):
    pflicht = setting["criteria"]["pflicht"]
    with writes_nothing():
        response = revise(client, setting, pflicht, "1", "Neu bedacht")
    assert response.status_code == 409
    assert "nicht weit genug auseinander" in response.get_data(as_text=True)


def test_a_revision_from_a_stale_form_is_refused(client, setting, disputed, writes_nothing):
    stale = str(fresh(setting["assignment"]).lock_version - 1)
    with writes_nothing():
        response = revise(client, setting, disputed, "2", "Neu bedacht", version=stale)
    assert response.status_code == 409


def test_an_open_assessment_is_asked_for_no_review(client, setting, writes_nothing):
    as_assessor(client, setting)
    colleague(setting, {"nutzen_buerger": 0})
    colleague(setting, {"nutzen_buerger": 4})
    with writes_nothing():
        response = revise(client, setting, setting["criteria"]["nutzen_buerger"], "2", "Neu")
    assert response.status_code == 409
    assert "Geben Sie zuerst Ihre Bewertung ab" in response.get_data(as_text=True)


# --- who may open what --------------------------------------------------------------------------


def _routes(s):
    base = form_url(s)
    return [
        ("get", list_url(s), {}),
        ("get", base, {}),
        ("post", base, {"action": "draft", **complete(s)}),
        ("post", base + "/conflict", {"reason": "Befangen", "confirm": "1"}),
        ("post", base + "/revision", {"criterion_id": "1", "value": "2", "reason": "x"}),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_every_route_refuses_users_who_are_not_assessors(
    client, setting, login_as, role, writes_nothing
):
    login_as(role)
    for method, url, data in _routes(setting):
        with writes_nothing():
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(url, data={"csrf_token": csrf_token(client, "/"), **data})
        assert response.status_code == 403, (role, url)


def test_every_route_refuses_an_assessor_who_is_not_assigned(client, setting, writes_nothing):
    start_session(client, factories.user(roles={Role.ASSESSOR}))
    for method, url, data in _routes(setting):
        with writes_nothing():
            if method == "get":
                response = client.get(url)
            else:
                response = client.post(
                    url,
                    data={"csrf_token": csrf_token(client, "/"), "lock_version": "1", **data},
                )
        assert response.status_code == 403, url


def test_a_recused_assessor_cannot_open_or_score_the_idea(client, setting, writes_nothing):
    assignment = setting["assignment"]
    assignment.state = S.RECUSED
    assignment.recusal = RecusalReason.OWN_ORG_UNIT
    db.session.flush()
    as_assessor(client, setting)
    response = client.get(form_url(setting))
    assert response.status_code == 403
    assert "Die Idee betrifft die eigene Organisationseinheit" in response.get_data(as_text=True)
    for _method, url, data in _routes(setting)[2:]:
        with writes_nothing():
            response = client.post(
                url,
                data={
                    "csrf_token": csrf_token(client, "/"),
                    "lock_version": str(assignment.lock_version),
                    **data,
                },
            )
        assert response.status_code == 403, url


def test_an_idea_of_another_round_is_refused(client, setting, moderator, writes_nothing):
    as_assessor(client, setting)
    elsewhere = round_states.accept(
        round_states.round_with_template(moderator, name="Andere"), moderator
    )
    url = f"/rounds/{setting['round'].id}/assessments/{elsewhere.id}"
    assert client.get(url).status_code == 403


# --- the assessor's list, the start page and the round page -------------------------------------


def test_the_list_shows_open_saved_submitted_and_recused_ideas_with_the_due_date(
    client, setting, moderator
):
    round_ = setting["round"]
    round_.score_until = date(2027, 3, 31)
    assessor = setting["assessor"]
    ideas = {
        name: joined(setting, name) for name in ("Bürgerkonto", "Digitale Bauakte", "E-Rechnung")
    }
    saved = round_states.assigned(round_, ideas["Bürgerkonto"], assessor)
    round_states.assigned(round_, ideas["Digitale Bauakte"], assessor)
    recused = round_states.assigned(round_, ideas["E-Rechnung"], assessor)
    entlastung = setting["criteria"]["entlastung"]
    saved.scores = [Score(criterion_id=entlastung.id, value=2)]
    recused.state, recused.recusal = S.RECUSED, RecusalReason.SUPPORTED
    db.session.flush()
    submit_directly({**setting, "idea": ideas["Digitale Bauakte"]}, assessor, {})
    as_assessor(client, setting)
    html = client.get(list_url(setting)).get_data(as_text=True)
    assert "31.03.2027" in html
    rows = re.findall(r'<tr class="kern-table__row">(.*?)</tr>', html, re.S)[1:]
    states = [re.search(r'kern-badge[^"]*"><span class="kern-label">([^<]+)', r)[1] for r in rows]
    # Open ones first, by title, then submitted and recused ones.
    assert states == ["Entwurf gespeichert", "Offen", "Eingereicht", "Befangen"]
    assert "Bürgerkonto" in rows[0]
    assert "1 von 5 Kriterien bewertet" in rows[0]
    assert "Online-Terminvergabe" in rows[1]
    assert "0 von 5 Kriterien bewertet" in rows[1]
    assert "5 von 5 Kriterien bewertet" in rows[2]
    assert "Unterstützt die Idee" in rows[3]
    # A recused idea is not a link to its form.
    assert f"/assessments/{ideas['E-Rechnung'].id}" not in html


def test_the_start_page_tells_an_assessor_how_many_ideas_are_open_and_when_they_are_due(
    client, setting, moderator
):
    setting["round"].score_until = date(2027, 3, 31)
    second = joined(setting, "Bürgerkonto")
    round_states.assigned(setting["round"], second, setting["assessor"])
    db.session.flush()
    as_assessor(client, setting)
    html = client.get("/").get_data(as_text=True)
    assert "Ideen zu bewerten (2 offen, fällig 31.03.2027)" in html
    assert f'href="{list_url(setting)}"' in html
    post(client, setting, complete(setting), "submit")
    html = client.get("/").get_data(as_text=True)
    assert "Ideen zu bewerten (1 offen, fällig 31.03.2027)" in html


def test_the_round_page_shows_an_assessor_their_progress_and_the_way_to_their_list(
    client, setting, login_as
):
    as_assessor(client, setting)
    html = client.get(f"/rounds/{setting['round'].id}").get_data(as_text=True)
    assert "Ihre Bewertungen" in html
    assert f'href="{list_url(setting)}"' in html
    login_as(Role.ASSESSOR)
    html = client.get(f"/rounds/{setting['round'].id}").get_data(as_text=True)
    assert f'href="{list_url(setting)}"' not in html


def test_the_list_and_the_form_need_a_bounded_number_of_statements(
    client, setting, moderator, count_queries
):
    as_assessor(client, setting)

    def grow(number):
        for index in range(number):
            idea = joined(setting, f"Idee {index}")
            round_states.assigned(setting["round"], idea, setting["assessor"])
            colleague({**setting, "idea": idea}, {"nutzen_buerger": 4})
        db.session.flush()

    def statements():
        with count_queries() as listed:
            assert client.get(list_url(setting)).status_code == 200
        with count_queries() as form:
            assert client.get(form_url(setting)).status_code == 200
        return len(listed), len(form)

    grow(2)
    colleague(setting, {"nutzen_buerger": 0})
    few = statements()
    grow(8)
    colleague(setting, {"nutzen_buerger": 1})
    colleague(setting, {"nutzen_buerger": 3})
    assert statements() == few
    assert max(few) <= 15, few


def test_a_conflict_can_be_declared_while_the_round_is_screened(client, moderator):
    round_ = round_states.round_with_template(moderator)
    idea = round_states.accept(round_, moderator)
    phases.move_phase(round_, P.SCREEN, moderator)
    assessor = factories.user(roles={Role.ASSESSOR})
    assignment = round_states.assigned(round_, idea, assessor)
    start_session(client, assessor)
    url = f"/rounds/{round_.id}/assessments/{idea.id}"
    response = client.post(
        url + "/conflict",
        data={
            "csrf_token": csrf_token(client, url),
            "lock_version": str(assignment.lock_version),
            "reason": "Mein Team hat die Idee eingereicht.",
            "confirm": "1",
        },
    )
    assert response.status_code == 302
    assert fresh(assignment).recusal is RecusalReason.DECLARED


def test_the_assessor_pages_of_another_municipality_answer_404(client, setting, writes_nothing):
    home = factories.municipality()
    other = Municipality(slug="nachbarstadt", name="Stadt Nachbarstadt")
    db.session.add(other)
    db.session.flush()
    set_tenant(other.id)
    neighbour, idea = round_states.scoring_round(round_states.moderator())
    set_tenant(home.id)
    # The home assessor's own round and idea, addressed under the neighbour's round.
    as_assessor(client, setting)
    token = csrf_token(client, form_url(setting))
    for r, i in ((neighbour.id, idea.id), (neighbour.id, setting["idea"].id)):
        base = f"/rounds/{r}/assessments"
        assert client.get(base).status_code == 404
        assert client.get(f"{base}/{i}").status_code == 404
        with writes_nothing():
            for path in (f"{base}/{i}", f"{base}/{i}/conflict", f"{base}/{i}/revision"):
                response = client.post(path, data={"csrf_token": token, "reason": "x"})
                assert response.status_code == 404, path
