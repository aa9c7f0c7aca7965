"""Assessment, the moderators' side: assigning assessors one by one and in bulk with a balanced
spread, automatic recusal, removing open assignments, the progress page and the start page."""

import pytest
from sqlalchemy import select

from portal.accounts.models import OrgUnitKind, Role
from portal.core.errors import Conflict, InvalidTransition
from portal.core.models import utcnow
from portal.extensions import db as _db
from portal.ideas.services import discussion
from portal.rounds.models import Assignment, AssignmentState, RecusalReason, RoundPhase, Score
from portal.rounds.services import assignment, catalogue, feed, phases
from tests import factories
from tests.conftest import csrf_token
from tests.portal.rounds import round_states

P = RoundPhase
S = AssignmentState

#: Every role but the moderators': none of them assigns assessors.
OTHERS = [Role.EMPLOYEE, Role.ASSESSOR, Role.BOARD_MEMBER, Role.STAFF_COUNCIL, Role.ADMIN]


def _screening(moderator, ideas=3, title="Idee"):
    """A round in screening with *ideas* accepted ideas."""
    round_ = round_states.round_with_template(moderator)
    accepted = [round_states.accept(round_, moderator, f"{title} {n}") for n in range(ideas)]
    phases.move_phase(round_, P.SCREEN, moderator)
    return round_, accepted


def _assessors(count, **attributes):
    return [
        factories.user(roles={Role.ASSESSOR}, name=f"Gutachter:in {n:02d}", **attributes)
        for n in range(count)
    ]


def _rows(round_):
    return list(
        _db.session.scalars(
            select(Assignment)
            .where(Assignment.round_id == round_.id)
            .order_by(Assignment.idea_id, Assignment.assessor_id)
        )
    )


@pytest.fixture
def setting(db):
    """A round in screening with three ideas; four assessors in Amt 50; a colleague who is no
    assessor; an idea of another round."""
    moderator = round_states.moderator()
    round_, ideas = _screening(moderator)
    unit = factories.org_unit(code="Amt 50", name="Sozialamt")
    elsewhere = round_states.accept(
        round_states.round_with_template(moderator, name="Andere Runde"), moderator, "Fremd"
    )
    return {
        "moderator": moderator,
        "round": round_,
        "ideas": ideas,
        "assessors": _assessors(4, org_unit=unit),
        "colleague": factories.user(name="Kolleg:in ohne Rolle"),
        "elsewhere": elsewhere,
    }


# --- the service -------------------------------------------------------------------------------


def test_bulk_assignment_gives_each_idea_the_minimum_least_loaded_first(setting):
    moderator, round_ = setting["moderator"], setting["round"]
    people = setting["assessors"]
    first, *_ = setting["ideas"]
    # One assessor already scores the first idea: they come last for the others.
    assignment.assign(round_, first.id, [people[0].id], moderator)

    plan = assignment.bulk_assign(round_, assignment.Scope(), moderator)

    assert plan.lacking == 3
    assert plan.assigned == 2 + 3 + 3
    by_idea = {}
    for row in _rows(round_):
        by_idea.setdefault(row.idea_id, []).append(row.assessor_id)
    assert all(len(found) == 3 for found in by_idea.values())
    load = {person.id: 0 for person in people}
    for found in by_idea.values():
        for person in found:
            load[person] += 1
    # 9 assessments among 4 assessors: nobody has more than one more than anybody else.
    assert sorted(load.values()) == [2, 2, 2, 3]
    # Filled up already, the round needs nothing more.
    assert assignment.plan_bulk(round_, assignment.Scope(), moderator).planned == ()


def test_bulk_assignment_is_deterministic(db):
    moderator = round_states.moderator()
    people = _assessors(5)
    plans = []
    for _attempt in range(2):
        round_, _ideas = _screening(moderator, ideas=4)
        plan = assignment.plan_bulk(round_, assignment.Scope(), moderator)
        ideas = [idea.id for idea in _ideas]
        plans.append([(ideas.index(item.idea_id), item.assessor_id) for item in plan.planned])
    assert plans[0] == plans[1]
    # Ties go to the lower id: the first idea gets the first three assessors.
    assert plans[0][:3] == [(0, people[0].id), (0, people[1].id), (0, people[2].id)]


def test_nobody_scores_their_own_idea_one_they_support_or_one_of_their_org_unit(db):
    moderator = round_states.moderator()
    dezernat = factories.org_unit(code="Dez. II", kind=OrgUnitKind.DEZERNAT)
    amt = factories.org_unit(code="Amt 20", name="Kämmerei", parent=dezernat)
    abteilung = factories.org_unit(code="20.1", kind=OrgUnitKind.ABTEILUNG, parent=amt)
    author, supporter, below, above, free = (
        factories.user(roles={Role.ASSESSOR}, name="Autor:in"),
        factories.user(roles={Role.ASSESSOR}, name="Unterstützer:in"),
        factories.user(roles={Role.ASSESSOR}, name="Abteilung 20.1", org_unit=abteilung),
        factories.user(roles={Role.ASSESSOR}, name="Dezernat II", org_unit=dezernat),
        factories.user(roles={Role.ASSESSOR}, name="Frei"),
    )
    round_ = round_states.round_with_template(moderator)
    idea = factories.idea(author=author, title="Rechnungsworkflow in der Kämmerei")
    idea.org_units = [amt]
    discussion.support(idea, supporter)
    from portal.ideas.models import IdeaState
    from portal.ideas.services import lifecycle

    lifecycle.change_state(idea, IdeaState.SCREENING, moderator)
    phases.accept_into_round(idea, round_, moderator)
    phases.move_phase(round_, P.SCREEN, moderator)
    people = [author, supporter, below, above, free]

    done = assignment.assign(round_, idea.id, [p.id for p in people], moderator)

    assert {person.id for person in done.assigned} == {above.id, free.id}
    reasons = {person.id: reason for person, reason in done.recused}
    assert reasons == {
        author.id: RecusalReason.OWN_IDEA,
        supporter.id: RecusalReason.SUPPORTED,
        # The idea affects Amt 20, the unit above this assessor's Abteilung; the Dezernat
        # above Amt 20 is not affected by it.
        below.id: RecusalReason.OWN_ORG_UNIT,
    }
    states = {row.assessor_id: (row.state, row.recusal) for row in _rows(round_)}
    assert states[author.id] == (S.RECUSED, RecusalReason.OWN_IDEA)
    assert states[free.id] == (S.OPEN, None)


def test_bulk_assignment_records_recusals_and_takes_the_next_assessor(db):
    moderator = round_states.moderator()
    author, *others = _assessors(4)
    round_ = round_states.round_with_template(moderator)
    idea = factories.idea(author=author, title="Eigene Idee")
    from portal.ideas.models import IdeaState
    from portal.ideas.services import lifecycle

    lifecycle.change_state(idea, IdeaState.SCREENING, moderator)
    phases.accept_into_round(idea, round_, moderator)
    phases.move_phase(round_, P.SCREEN, moderator)

    plan = assignment.bulk_assign(round_, assignment.Scope(), moderator)

    assert (plan.assigned, plan.recused, plan.short) == (3, 1, ())
    rows = {row.assessor_id: row for row in _rows(round_)}
    assert rows[author.id].state is S.RECUSED
    assert rows[author.id].recusal is RecusalReason.OWN_IDEA
    assert {p.id for p in others} == {a for a, row in rows.items() if row.state is S.OPEN}


def test_bulk_assignment_by_field_of_action_or_org_unit_serves_only_those_ideas(db):
    moderator = round_states.moderator()
    _assessors(3)
    field = factories.field_of_action("E-Akte")
    dezernat = factories.org_unit(code="Dez. III", kind=OrgUnitKind.DEZERNAT)
    amt = factories.org_unit(code="Amt 32", name="Ordnungsamt", parent=dezernat)
    round_ = round_states.round_with_template(moderator)
    in_field = round_states.accept(round_, moderator, "Im Handlungsfeld")
    in_field.field_of_action_id = field.id
    in_unit = round_states.accept(round_, moderator, "Im Ordnungsamt")
    in_unit.org_units = [amt]
    neither = round_states.accept(round_, moderator, "Weder noch")
    phases.move_phase(round_, P.SCREEN, moderator)

    assignment.bulk_assign(round_, assignment.Scope(field_of_action_id=field.id), moderator)
    assert {row.idea_id for row in _rows(round_)} == {in_field.id}
    # The Dezernat covers the Amt below it.
    plan = assignment.bulk_assign(round_, assignment.Scope(org_unit_id=dezernat.id), moderator)
    assert plan.scope_name == "Dez. III – Hauptamt"
    assert {row.idea_id for row in _rows(round_)} == {in_field.id, in_unit.id}
    assert neither.id not in {row.idea_id for row in _rows(round_)}


def test_too_few_assessors_leave_ideas_below_the_minimum(db):
    moderator = round_states.moderator()
    _assessors(2)
    round_, ideas = _screening(moderator, ideas=2)
    plan = assignment.bulk_assign(round_, assignment.Scope(), moderator)
    assert plan.short == tuple(idea.id for idea in ideas)
    assert assignment.totals(round_).lacking == 2


def test_assignments_change_only_while_screening_or_scoring(db):
    moderator = round_states.moderator()
    person = _assessors(1)[0]
    round_ = round_states.round_with_template(moderator)
    idea = round_states.accept(round_, moderator)
    with pytest.raises(InvalidTransition):
        assignment.assign(round_, idea.id, [person.id], moderator)
    scoring, scored = round_states.scoring_round(moderator)
    done = assignment.assign(scoring, scored.id, [person.id], moderator)
    assert done.assigned == [person]


def test_an_assignment_with_a_submitted_score_stays(db):
    moderator = round_states.moderator()
    round_, idea = round_states.scoring_round(moderator)
    submitted = round_states.scored(round_, idea)
    with pytest.raises(InvalidTransition):
        assignment.remove(submitted, moderator)
    drafted = round_states.scored(round_, idea, submitted=False)
    assignment.remove(drafted, moderator)
    assert [row.id for row in _rows(round_)] == [submitted.id]
    # Its draft scores went with it.
    assert _db.session.scalar(select(Score).where(Score.assignment_id == drafted.id)) is None


def test_a_second_assignment_of_the_same_assessor_is_a_conflict(setting):
    moderator, round_ = setting["moderator"], setting["round"]
    person, idea = setting["assessors"][0], setting["ideas"][0]
    assignment.assign(round_, idea.id, [person.id], moderator)
    with pytest.raises(Conflict):
        assignment.assign(round_, idea.id, [person.id], moderator)


# --- the pages ---------------------------------------------------------------------------------


def _requests(s):
    """Every request of the assessment pages that changes something, with data that would pass."""
    r = s["round"].id
    first = s["ideas"][0]
    version = str(s["round"].lock_version)
    open_ = assignment.assign(s["round"], s["ideas"][1].id, [s["assessors"][3].id], s["moderator"])
    [row] = [row for row in _rows(s["round"]) if row.assessor_id == open_.assigned[0].id]
    return [
        (
            f"/rounds/{r}/assessment/assign",
            {
                "idea_id": str(first.id),
                "assessor_ids": [str(s["assessors"][0].id)],
                "lock_version": version,
            },
        ),
        (f"/rounds/{r}/assessment/bulk", {"scope": "all", "lock_version": version, "confirm": "1"}),
        (
            f"/rounds/{r}/assessment/assignments/{row.id}/remove",
            {"lock_version": str(row.lock_version), "confirm": "1"},
        ),
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_only_moderators_open_and_change_the_assessment(
    client, login_as, writes_nothing, setting, role
):
    requests = _requests(setting)
    login_as(role)
    token = csrf_token(client, "/rounds/")
    r, idea = setting["round"].id, setting["ideas"][0].id
    with writes_nothing():
        for path in (f"/rounds/{r}/assessment", f"/rounds/{r}/assessment/ideas/{idea}"):
            assert client.get(path).status_code == 403, path
        for path, data in requests:
            assert client.post(path, data={"csrf_token": token, **data}).status_code == 403, path


def test_the_moderators_requests_above_do_what_they_say(client, login_as, setting):
    requests = _requests(setting)
    login_as(Role.MODERATOR)
    token = csrf_token(client, "/rounds/")
    before = len(_rows(setting["round"]))
    for path, data in requests:
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:3000])
    # One assigned, the ideas filled up to three each (9), the open one of the second removed.
    assert before == 1
    assert len(_rows(setting["round"])) == 9 - 1


def test_a_moderator_assigns_one_by_one_and_sees_who_is_recused(client, login_as, setting, db):
    login_as(Role.MODERATOR)
    round_, idea = setting["round"], setting["ideas"][0]
    people = setting["assessors"]
    discussion.support(idea, people[1])
    page = f"/rounds/{round_.id}/assessment/ideas/{idea.id}"
    html = client.get(page).get_data(as_text=True)
    assert "wäre befangen: Unterstützt die Idee" in html
    token = csrf_token(client, page)
    response = client.post(
        f"/rounds/{round_.id}/assessment/assign",
        data={
            "csrf_token": token,
            "idea_id": str(idea.id),
            "assessor_ids": [str(people[0].id), str(people[1].id)],
            "lock_version": str(round_.lock_version),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(page)
    html = client.get(page).get_data(as_text=True)
    assert "Gutachter:in 00 bewertet diese Idee jetzt." in html
    assert "Gutachter:in 01 ist bei dieser Idee befangen: Unterstützt die Idee." in html
    states = {row.assessor_id: row.state for row in _rows(round_)}
    assert states == {people[0].id: S.OPEN, people[1].id: S.RECUSED}


def _assign_form(s, **changes):
    data = {
        "idea_id": str(s["ideas"][0].id),
        "assessor_ids": [str(s["assessors"][0].id)],
        "lock_version": str(s["round"].lock_version),
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        (
            lambda s: {"assessor_ids": [str(s["colleague"].id)]},
            422,
            "ist nicht als bewertende Person aktiv",
        ),
        (lambda s: {"assessor_ids": []}, 422, "Wählen Sie mindestens eine bewertende Person."),
        (lambda s: {"idea_id": str(s["elsewhere"].id)}, 422, "gehört nicht zur Runde"),
        (lambda s: {"idea_id": "x"}, 422, "Das Formular konnte nicht gelesen werden."),
        (lambda s: {"lock_version": "0"}, 409, "inzwischen geändert"),
    ],
)
def test_refused_assignments_write_nothing_and_say_why(
    client, login_as, setting, writes_nothing, change, status, message
):
    login_as(Role.MODERATOR)
    token = csrf_token(client, "/rounds/")
    with writes_nothing():
        response = client.post(
            f"/rounds/{setting['round'].id}/assessment/assign",
            data={"csrf_token": token, **_assign_form(setting, **change(setting))},
        )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_an_assessor_assigned_twice_is_refused_with_409_keeping_the_choice(
    client, login_as, setting, writes_nothing
):
    login_as(Role.MODERATOR)
    round_, idea = setting["round"], setting["ideas"][0]
    first, second = setting["assessors"][:2]
    assignment.assign(round_, idea.id, [first.id], setting["moderator"])
    token = csrf_token(client, "/rounds/")
    with writes_nothing():
        response = client.post(
            f"/rounds/{round_.id}/assessment/assign",
            data={
                "csrf_token": token,
                **_assign_form(setting, assessor_ids=[str(first.id), str(second.id)]),
            },
        )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Gutachter:in 00 ist dieser Idee bereits zugewiesen." in html
    assert f'id="assessor-{second.id}" name="assessor_ids" value="{second.id}" checked' in html


def test_no_assignment_outside_screening_and_scoring(client, login_as, db, writes_nothing):
    moderator = round_states.moderator()
    person = _assessors(1)[0]
    round_ = round_states.round_with_template(moderator)
    idea = round_states.accept(round_, moderator)
    login_as(Role.MODERATOR)
    token = csrf_token(client, "/rounds/")
    with writes_nothing():
        for path, data in (
            (
                f"/rounds/{round_.id}/assessment/assign",
                {"idea_id": str(idea.id), "assessor_ids": [str(person.id)]},
            ),
            (f"/rounds/{round_.id}/assessment/bulk", {"scope": "all", "confirm": "1"}),
        ):
            data = {"csrf_token": token, "lock_version": str(round_.lock_version), **data}
            response = client.post(path, data=data)
            assert response.status_code == 409, path
            assert "während eine Runde Ideen sichtet oder bewertet" in response.get_data(
                as_text=True
            )


@pytest.mark.parametrize(
    ("scope", "status", "message"),
    [
        ("field-999999", 422, "Dieses Handlungsfeld gibt es nicht."),
        ("unit-999999", 422, "Diese Organisationseinheit gibt es nicht."),
        ("kaputt", 422, "Wählen Sie, welche Ideen Bewertende bekommen."),
        ("all", 409, "inzwischen geändert"),
    ],
)
def test_refused_bulk_assignments_write_nothing_and_keep_the_choice(
    client, login_as, setting, writes_nothing, scope, status, message
):
    login_as(Role.MODERATOR)
    token = csrf_token(client, "/rounds/")
    stale = "0" if status == 409 else str(setting["round"].lock_version)
    with writes_nothing():
        response = client.post(
            f"/rounds/{setting['round'].id}/assessment/bulk",
            data={"csrf_token": token, "scope": scope, "lock_version": stale, "confirm": "1"},
        )
    assert response.status_code == status
    assert message in response.get_data(as_text=True)


def test_bulk_assignment_asks_first_then_assigns(client, login_as, setting, writes_nothing):
    login_as(Role.MODERATOR)
    round_ = setting["round"]
    token = csrf_token(client, f"/rounds/{round_.id}/assessment")
    data = {"csrf_token": token, "scope": "all", "lock_version": str(round_.lock_version)}
    with writes_nothing():
        asked = client.post(f"/rounds/{round_.id}/assessment/bulk", data=data)
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "Wirklich Bewertende zuweisen für alle Ideen der Runde?" in html
    assert "9 Bewertungsbögen werden zugewiesen" in html
    done = client.post(f"/rounds/{round_.id}/assessment/bulk", data={**data, "confirm": "1"})
    assert done.status_code == 302
    assert len(_rows(round_)) == 9


def test_removing_asks_first_and_refuses_submitted_recused_and_stale_ones(
    client, login_as, db, writes_nothing
):
    moderator = round_states.moderator()
    round_, idea = round_states.scoring_round(moderator)
    submitted = round_states.scored(round_, idea)
    drafted = round_states.scored(round_, idea, submitted=False)
    recused = round_states.scored(round_, idea, submitted=False)
    recused.state, recused.recusal, recused.recusal_note = (
        S.RECUSED,
        RecusalReason.DECLARED,
        "Mein Bruder hat die Idee eingereicht.",
    )
    recused.scores = []
    db.session.flush()
    login_as(Role.MODERATOR)
    page = f"/rounds/{round_.id}/assessment/ideas/{idea.id}"
    html = client.get(page).get_data(as_text=True)
    assert "Befangenheit erklärt: „Mein Bruder hat die Idee eingereicht.“" in html
    token = csrf_token(client, page)

    def remove(row, version=None, **extra):
        return client.post(
            f"/rounds/{round_.id}/assessment/assignments/{row.id}/remove",
            data={
                "csrf_token": token,
                "lock_version": str(version or row.lock_version),
                "confirm": "1",
                **extra,
            },
        )

    with writes_nothing():
        assert remove(submitted).status_code == 409
        assert remove(recused).status_code == 409
        stale = remove(drafted, version=drafted.lock_version + 1)
        assert stale.status_code == 409
        assert "Seite im aktuellen Stand öffnen" in stale.get_data(as_text=True)
        asked = client.post(
            f"/rounds/{round_.id}/assessment/assignments/{drafted.id}/remove",
            data={"csrf_token": token, "lock_version": str(drafted.lock_version)},
        )
    assert asked.status_code == 200
    frozen = catalogue.latest_frozen(round_)
    assert f"Die {len(frozen.criteria)} als Entwurf gespeicherten Bewertungen werden gelöscht." in (
        asked.get_data(as_text=True)
    )
    assert remove(drafted).status_code == 302
    assert {row.id for row in _rows(round_)} == {submitted.id, recused.id}


def test_the_progress_page_shows_assessors_and_ideas_lacking_ones_first(client, login_as, db):
    moderator = round_states.moderator()
    round_, first = round_states.scoring_round(moderator)
    second = factories.idea(title="Zweite Idee")
    # Joined before scoring started, like the first; added directly for the test.
    from portal.rounds.models import RoundIdea

    db.session.add(RoundIdea(round_id=round_.id, idea_id=second.id, added_at=utcnow()))
    done = [round_states.scored(round_, first) for _ in range(3)]
    declared = round_states.scored(round_, second, submitted=False)
    declared.state, declared.recusal, declared.recusal_note = (
        S.RECUSED,
        RecusalReason.DECLARED,
        "Ich habe daran mitgearbeitet.",
    )
    declared.scores = []
    db.session.flush()
    login_as(Role.MODERATOR)
    html = client.get(f"/rounds/{round_.id}/assessment").get_data(as_text=True)
    # The second idea, without assessors, stands before the first, which is done.
    assert html.index("Zweite Idee") < html.index("Online-Terminvergabe im Bürgeramt")
    assert "3 Bewertende fehlen" in html
    assert "genug Bewertungsbögen" in html
    assert "Befangenheit erklärt: „Ich habe daran mitgearbeitet.“" in html
    for person in [row.assessor for row in done]:
        assert person.name in html
    assert "1 Idee hat weniger als 3 Bewertende." in html


def test_the_round_page_links_the_assessment_for_moderators_only(client, login_as, setting):
    r = setting["round"].id
    login_as(Role.EMPLOYEE)
    assert f"/rounds/{r}/assessment" not in client.get(f"/rounds/{r}").get_data(as_text=True)
    login_as(Role.MODERATOR)
    html = client.get(f"/rounds/{r}").get_data(as_text=True)
    assert f'href="/rounds/{r}/assessment"' in html
    assert "3 Ideen haben weniger als 3 Bewertende." in html


def test_the_start_page_tells_moderators_what_holds_the_round_up(client, login_as, db):
    moderator = round_states.moderator()
    round_, idea = round_states.scoring_round(moderator)
    round_states.scored(round_, idea)
    round_states.scored(round_, idea, submitted=False)
    [item] = [i for i in feed.moderator_start_items(moderator) if round_.name in i.label]
    assert "1 Idee hat weniger als 3 Bewertende." in item.note
    assert "1 Bewertungsbogen ist noch offen." in item.note
    login_as(Role.MODERATOR)
    assert "1 Bewertungsbogen ist noch offen." in client.get("/").get_data(as_text=True)


def test_the_progress_page_takes_a_bounded_number_of_statements(
    client, login_as, count_queries, db
):
    moderator = round_states.moderator()
    round_, idea = round_states.scoring_round(moderator)
    round_states.scored(round_, idea)
    login_as(Role.MODERATOR)
    path = f"/rounds/{round_.id}/assessment"

    def statements():
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = statements()
    from portal.rounds.models import RoundIdea

    for number in range(30):
        more = factories.idea(title=f"Idee {number}")
        more.org_units = [factories.org_unit()]
        db.session.add(RoundIdea(round_id=round_.id, idea_id=more.id, added_at=utcnow()))
        db.session.flush()
        for _ in range(2):
            round_states.scored(round_, more, submitted=number % 2 == 0)
    assert statements() == few
    assert few <= 16, few
