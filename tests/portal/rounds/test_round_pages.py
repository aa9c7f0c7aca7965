"""The round pages in the browser's place: who may open and change what, refused input that
writes nothing, confirmation steps, the criterion form without JavaScript, and bounded queries."""

import re

import pytest
from sqlalchemy import select

from portal.accounts.models import Municipality, Role
from portal.core.tenancy import set_tenant
from portal.ideas.models import IdeaState
from portal.ideas.services import lifecycle
from portal.rounds.models import Criterion, CriterionKind, Round, RoundEvent, RoundPhase
from portal.rounds.services import catalogue, phases
from tests import factories
from tests.conftest import csrf_token
from tests.portal.rounds import round_states

P = RoundPhase

#: Every role but the moderators': none of them configures rounds.
OTHERS = [Role.EMPLOYEE, Role.ASSESSOR, Role.BOARD_MEMBER, Role.STAFF_COUNCIL, Role.ADMIN]


@pytest.fixture
def setting(db):
    """A collecting round with the compact template, a round in its score phase, and an idea
    in screening, all made by a moderator of their own."""
    moderator = round_states.moderator()
    collecting = round_states.round_with_template(moderator, name="Priorisierung 2027")
    empty = factories.prioritisation_round(moderator=moderator, name="Ohne Kriterien")
    scoring, scored = round_states.scoring_round(moderator)
    waiting = factories.idea(title="Digitale Bauakte")
    lifecycle.change_state(waiting, IdeaState.SCREENING, moderator)
    return {
        "moderator": moderator,
        "round": collecting,
        "empty": empty,
        "scoring": scoring,
        "scored": scored,
        "criterion": catalogue.draft(collecting).criteria[1],
        "idea": waiting,
    }


def _changing_requests(s):
    """Every request that changes a round or its catalogue, with data that would pass."""
    r, c, scoring = s["round"].id, s["criterion"].id, s["scoring"].id
    version = str(s["round"].lock_version)
    settings = {"min_assessors": "3", "disagreement_levels": "2", "assessors_named": "named"}
    criterion = {
        "direction": "benefit",
        "kind": "rating",
        "scale_min": "0",
        "scale_max": "4",
        **{f"level-{v}-text": f"Stufe {v}" for v in range(5)},
        "action": "save",
    }
    return [
        ("/rounds/new", {"name": "Neue Runde", **settings}),
        (f"/rounds/{r}/edit", {"name": "Umbenannt", **settings, "lock_version": version}),
        (f"/rounds/{r}/phase", {"target": "screen", "lock_version": version, "confirm": "1"}),
        (f"/rounds/{s['empty'].id}/catalogue/template", {"template": "digital"}),
        (f"/rounds/{r}/catalogue/criteria/new", {"name": "Neu", **criterion}),
        (f"/rounds/{r}/catalogue/criteria/{c}", {"name": "Geändert", **criterion}),
        (f"/rounds/{r}/catalogue/criteria/{c}/move", {"direction": "up"}),
        (f"/rounds/{r}/catalogue/criteria/{c}/remove", {"confirm": "1"}),
        (f"/rounds/{scoring}/catalogue/version", {}),
        (f"/rounds/{scoring}/catalogue/freeze", {"note": "x", "confirm": "1"}),
        (f"/rounds/{scoring}/catalogue/discard", {"confirm": "1"}),
        (f"/rounds/accept/{s['idea'].id}", {"round_id": str(r)}),
    ]


def _moderator_pages(s):
    r, c = s["round"].id, s["criterion"].id
    return [
        "/rounds/new",
        f"/rounds/{r}/edit",
        f"/rounds/{r}/catalogue/edit",
        f"/rounds/{r}/catalogue/criteria/new",
        f"/rounds/{r}/catalogue/criteria/{c}",
        f"/rounds/accept/{s['idea'].id}",
    ]


@pytest.mark.parametrize("role", OTHERS)
def test_only_moderators_configure_rounds(client, login_as, writes_nothing, setting, role):
    login_as(role)
    token = csrf_token(client, "/rounds/")
    with writes_nothing():
        for path, data in _changing_requests(setting):
            response = client.post(path, data={"csrf_token": token, **data})
            assert response.status_code == 403, path
        for path in _moderator_pages(setting):
            assert client.get(path).status_code == 403, path


def test_the_moderators_requests_above_do_what_they_say(client, login_as, setting, db):
    """The requests the role test refuses are ones a moderator may make (else it proves little)."""
    login_as(Role.MODERATOR, Role.EMPLOYEE)
    token = csrf_token(client, "/rounds/")
    for number in range(len(_changing_requests(setting))):
        # Each request sees the round as the one before left it (its version, say).
        db.session.refresh(setting["round"])
        path, data = _changing_requests(setting)[number]
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 302, (path, response.get_data(as_text=True)[:2000])
        if path.endswith("/version"):
            # The new version in the making is what the next two requests freeze and discard.
            round_states.weigh(catalogue.draft(setting["scoring"]))
        if path.endswith("/freeze"):
            catalogue.open_new_version(setting["scoring"], setting["moderator"])


@pytest.mark.parametrize("role", [*OTHERS, Role.MODERATOR])
def test_all_staff_read_the_rounds(client, login_as, setting, role):
    login_as(role)
    r = setting["round"]
    assert client.get("/rounds/").status_code == 200
    page = client.get(f"/rounds/{r.id}")
    assert page.status_code == 200
    assert "Priorisierung 2027" in page.get_data(as_text=True)
    new_round_button = 'href="/rounds/new"'
    listing = client.get("/rounds/").get_data(as_text=True)
    assert (new_round_button in listing) is (role is Role.MODERATOR)


@pytest.mark.parametrize(
    ("role", "draft_status"),
    [
        (Role.EMPLOYEE, 403),
        (Role.ASSESSOR, 403),
        (Role.STAFF_COUNCIL, 403),
        (Role.BOARD_MEMBER, 200),
        (Role.MODERATOR, 200),
    ],
)
def test_the_catalogue_is_published_when_scoring_starts(
    client, login_as, setting, role, draft_status
):
    login_as(role)
    collecting, scoring = setting["round"], setting["scoring"]
    assert client.get(f"/rounds/{collecting.id}/catalogue").status_code == draft_status
    html = client.get(f"/rounds/{scoring.id}/catalogue").get_data(as_text=True)
    assert "Fassung 1, eingefroren am" in html
    assert "kein erkennbarer Nutzen für Bürgerinnen und Bürger" in html
    assert "20,0 %" in html  # five criteria, weighted equally
    assert client.get(f"/rounds/{scoring.id}/catalogue/1").status_code == 200
    # A new version in the making is for the moderators and the board only.
    catalogue.open_new_version(scoring, setting["moderator"])
    expected = 200 if draft_status == 200 else 404
    assert client.get(f"/rounds/{scoring.id}/catalogue/2").status_code == expected
    assert client.get(f"/rounds/{scoring.id}/catalogue/3").status_code == 404


@pytest.fixture
def neighbour(db):
    """Stadt Nachbarstadt with a round of its own, its draft filled from a template."""
    home = factories.municipality()
    other = Municipality(slug="nachbarstadt", name="Stadt Nachbarstadt")
    db.session.add(other)
    db.session.flush()
    set_tenant(other.id)
    moderator = round_states.moderator()
    found = round_states.round_with_template(moderator, name="Zaunkönig-Runde")
    criterion_id = catalogue.draft(found).criteria[0].id
    idea = factories.idea(title="Quartiersgarten")
    lifecycle.change_state(idea, IdeaState.SCREENING, moderator)
    set_tenant(home.id)
    return {"round": found, "criterion": criterion_id, "idea": idea}


def test_rounds_of_another_municipality_answer_404(client, login_as, neighbour, writes_nothing):
    login_as(Role.MODERATOR, Role.EMPLOYEE)
    here = round_states.round_with_template(round_states.moderator(), name="Hier")
    r, c, idea = neighbour["round"].id, neighbour["criterion"], neighbour["idea"].id
    for path in (
        f"/rounds/{r}",
        f"/rounds/{r}/edit",
        f"/rounds/{r}/catalogue",
        f"/rounds/{r}/catalogue/1",
        f"/rounds/{r}/catalogue/edit",
        f"/rounds/{r}/catalogue/criteria/new",
        f"/rounds/{r}/catalogue/criteria/{c}",
        f"/rounds/{here.id}/catalogue/criteria/{c}",
        f"/rounds/accept/{idea}",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/rounds/")
    with writes_nothing():
        for path in (
            f"/rounds/{r}/edit",
            f"/rounds/{r}/phase",
            f"/rounds/{r}/catalogue/template",
            f"/rounds/{r}/catalogue/criteria/new",
            f"/rounds/{r}/catalogue/criteria/{c}",
            f"/rounds/{r}/catalogue/criteria/{c}/move",
            f"/rounds/{r}/catalogue/criteria/{c}/remove",
            f"/rounds/{here.id}/catalogue/criteria/{c}/remove",
            f"/rounds/{r}/catalogue/version",
            f"/rounds/{r}/catalogue/freeze",
            f"/rounds/{r}/catalogue/discard",
            f"/rounds/accept/{idea}",
        ):
            response = client.post(path, data={"csrf_token": token, "confirm": "1"})
            assert response.status_code == 404, path
    # Nor can an idea here join a round there.
    waiting = factories.idea()
    lifecycle.change_state(waiting, IdeaState.SCREENING, round_states.moderator())
    with writes_nothing():
        response = client.post(
            f"/rounds/accept/{waiting.id}", data={"csrf_token": token, "round_id": str(r)}
        )
    assert response.status_code == 422
    html = client.get("/rounds/").get_data(as_text=True)
    assert "Zaunkönig" not in html


def _round_form(**changes):
    data = {
        "name": "Priorisierung 2028",
        "description": "Was setzen wir **2028** um?",
        "budget_euros": "750000",
        "staff_days": "900",
        "collect_until": "2028-01-31",
        "screen_until": "2028-02-28",
        "score_until": "2028-04-15",
        "min_assessors": "3",
        "disagreement_levels": "2",
        "blind": "y",
        "assessors_named": "pseudonymous",
    }
    data.update(changes)
    return data


def test_a_moderator_creates_a_round(client, login_as, db):
    login_as(Role.MODERATOR)
    field = factories.field_of_action("E-Akte")
    token = csrf_token(client, "/rounds/new")
    response = client.post(
        "/rounds/new",
        data={"csrf_token": token, **_round_form(field_of_action_ids=str(field.id))},
    )
    assert response.status_code == 302
    created = db.session.scalar(select(Round).where(Round.name == "Priorisierung 2028"))
    assert created is not None
    assert (created.budget_euros, created.staff_days, created.blind) == (750_000, 900, True)
    assert created.fields_of_action == [field]
    assert response.location.endswith(f"/rounds/{created.id}")
    page = client.get(response.location).get_data(as_text=True)
    assert "Die Runde „Priorisierung 2028“ wurde angelegt." in page
    assert "bis 31.01.2028" in page
    assert "750.000 €" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Dieses Feld"),
        ({"collect_until": "2028-03-01"}, "in ihrer Reihenfolge enden"),
        ({"min_assessors": "0"}, "Bewertende je Idee"),
        ({"budget_euros": "-5"}, "Budget in Euro"),
        ({"score_until": "15.04.2028"}, "Bewerten bis"),
    ],
)
def test_a_round_with_bad_input_is_shown_again_with_what_was_typed(
    client, login_as, writes_nothing, changes, message
):
    login_as(Role.MODERATOR)
    token = csrf_token(client, "/rounds/new")
    with writes_nothing():
        response = client.post("/rounds/new", data={"csrf_token": token, **_round_form(**changes)})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert "Was setzen wir **2028** um?" in html


def test_a_second_tab_with_an_older_state_of_the_round_gets_409(
    client, login_as, setting, writes_nothing, db
):
    login_as(Role.MODERATOR)
    r = setting["round"]
    first = client.get(f"/rounds/{r.id}/edit").get_data(as_text=True)
    shown = re.search(r'name="lock_version" type="hidden" value="(\d+)"', first).group(1)
    token = csrf_token(client, f"/rounds/{r.id}/edit")
    saved = client.post(
        f"/rounds/{r.id}/edit",
        data={"csrf_token": token, **_round_form(name="Erster Tab", lock_version=shown)},
    )
    assert saved.status_code == 302
    with writes_nothing():
        stale = client.post(
            f"/rounds/{r.id}/edit",
            data={"csrf_token": token, **_round_form(name="Zweiter Tab", lock_version=shown)},
        )
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Die Runde wurde inzwischen geändert" in html
    assert 'value="Zweiter Tab"' in html
    assert "Aktuellen Stand der Runde öffnen" in html
    db.session.refresh(r)
    assert r.name == "Erster Tab"


def test_a_phase_move_asks_first_then_moves_and_is_announced(client, login_as, setting, db):
    moderator = login_as(Role.MODERATOR, Role.EMPLOYEE)
    r = setting["round"]
    page = client.get(f"/rounds/{r.id}").get_data(as_text=True)
    assert "Weiter zu „Screening“" in page
    token = csrf_token(client, f"/rounds/{r.id}")
    data = {"csrf_token": token, "target": "screen", "lock_version": str(r.lock_version)}
    asked = client.post(f"/rounds/{r.id}/phase", data=data)
    assert asked.status_code == 200
    assert "„Priorisierung 2027“ wirklich in die Phase „Screening“ bringen?" in asked.get_data(
        as_text=True
    )
    db.session.refresh(r)
    assert r.phase is P.COLLECT
    moved = client.post(f"/rounds/{r.id}/phase", data={**data, "confirm": "1"})
    assert moved.status_code == 302
    db.session.refresh(r)
    assert r.phase is P.SCREEN
    event = db.session.scalars(
        select(RoundEvent).where(RoundEvent.round_id == r.id).order_by(RoundEvent.id.desc())
    ).first()
    assert (event.from_phase, event.to_phase, event.actor_id) == (P.COLLECT, P.SCREEN, moderator.id)
    history = client.get(f"/rounds/{r.id}").get_data(as_text=True)
    assert "Ideen sammeln → <strong>Screening</strong>" in history
    news = client.get("/").get_data(as_text=True)
    assert "Priorisierung 2027: Screening" in news


@pytest.mark.parametrize(
    ("phase_of", "target", "stale", "message"),
    [
        ("round", "score", False, "folgen einzeln aufeinander"),
        ("round", "collect", False, "folgen einzeln aufeinander"),
        ("round", "screen", True, "Die Runde wurde inzwischen geändert"),
        ("screening", "score", False, "Noch keine Idee ist in die Runde aufgenommen."),
        ("scoring", "decide", False, "Noch keine Idee hat genug abgegebene Bewertungen."),
    ],
)
def test_a_phase_move_that_skips_is_blocked_or_stale_is_refused_with_409(
    client, login_as, setting, writes_nothing, phase_of, target, stale, message
):
    moderator = setting["moderator"]
    if phase_of == "screening":
        found = factories.prioritisation_round(moderator=moderator, name="Sichtet")
        phases.move_phase(found, P.SCREEN, moderator)
    else:
        found = setting["scoring" if phase_of == "scoring" else "round"]
    login_as(Role.MODERATOR)
    token = csrf_token(client, f"/rounds/{found.id}")
    version = found.lock_version - 1 if stale else found.lock_version
    with writes_nothing():
        for confirm in ("", "1"):
            response = client.post(
                f"/rounds/{found.id}/phase",
                data={
                    "csrf_token": token,
                    "target": target,
                    "lock_version": str(version),
                    "confirm": confirm,
                },
            )
            assert response.status_code == 409
            assert message in response.get_data(as_text=True)


def test_the_round_page_names_what_blocks_the_next_phase(client, login_as, setting):
    moderator = setting["moderator"]
    found = factories.prioritisation_round(moderator=moderator, name="Sichtet")
    phases.move_phase(found, P.SCREEN, moderator)
    login_as(Role.MODERATOR)
    html = client.get(f"/rounds/{found.id}").get_data(as_text=True)
    assert "Bevor die Runde weitergehen kann:" in html
    assert "<li>Der Katalog hat noch keine Kriterien.</li>" in html
    assert f'action="/rounds/{found.id}/phase"' not in html
    start = client.get("/").get_data(as_text=True)
    assert "Sichtet: Screening" in start
    assert "Vor „Bewertung“: Noch keine Idee ist in die Runde aufgenommen." in start


def test_a_phase_form_without_a_known_target_is_refused_with_422(
    client, login_as, setting, writes_nothing
):
    login_as(Role.MODERATOR)
    r = setting["round"]
    token = csrf_token(client, f"/rounds/{r.id}")
    with writes_nothing():
        response = client.post(
            f"/rounds/{r.id}/phase",
            data={"csrf_token": token, "target": "verkündet", "lock_version": "1"},
        )
    assert response.status_code == 422
    assert "Bitte wählen Sie die Phase" in response.get_data(as_text=True)


def test_a_template_fills_only_an_empty_catalogue(client, login_as, setting, writes_nothing, db):
    login_as(Role.MODERATOR)
    moderator = setting["moderator"]
    empty = factories.prioritisation_round(moderator=moderator, name="Leer")
    editor = client.get(f"/rounds/{empty.id}/catalogue/edit").get_data(as_text=True)
    assert "Mit einer Vorlage beginnen" in editor
    assert "Digitalisierung und Verwaltungsmodernisierung" in editor
    token = csrf_token(client, f"/rounds/{empty.id}/catalogue/edit")
    filled = client.post(
        f"/rounds/{empty.id}/catalogue/template", data={"csrf_token": token, "template": "digital"}
    )
    assert filled.status_code == 302
    assert len(catalogue.draft(empty).criteria) == 8
    with writes_nothing():
        again = client.post(
            f"/rounds/{empty.id}/catalogue/template",
            data={"csrf_token": token, "template": "kompakt"},
        )
        unknown = client.post(
            f"/rounds/{setting['round'].id}/catalogue/template",
            data={"csrf_token": token, "template": "gibt-es-nicht"},
        )
    assert again.status_code == 409
    assert "füllt nur einen leeren" in again.get_data(as_text=True)
    assert unknown.status_code == 422


def _criterion_form(**changes):
    data = {
        "name": "Barrierefreiheit",
        "description": "Wie sehr verbessert die Idee die Barrierefreiheit?",
        "direction": "benefit",
        "kind": "rating",
        "scale_min": "1",
        "scale_max": "3",
        "level-1-text": "kaum",
        "level-2-text": "spürbar",
        "level-3-text": "deutlich",
        "level-3-justify": "1",
        "knockout_level": "",
        "unit": "",
        "lower_bound": "",
        "upper_bound": "",
        "source": "assessor",
        "action": "save",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def test_the_criterion_form_shows_a_row_per_level_of_the_range_without_javascript(
    client, login_as, setting, writes_nothing
):
    login_as(Role.MODERATOR)
    r = setting["round"]
    fresh = client.get(f"/rounds/{r.id}/catalogue/criteria/new").get_data(as_text=True)
    assert re.findall(r'name="level-(-?\d+)-text"', fresh) == ["0", "1", "2", "3", "4"]
    token = csrf_token(client, f"/rounds/{r.id}/catalogue/criteria/new")
    with writes_nothing():
        wider = client.post(
            f"/rounds/{r.id}/catalogue/criteria/new",
            data={"csrf_token": token, **_criterion_form(scale_max="5", action="apply")},
        )
    assert wider.status_code == 200
    html = wider.get_data(as_text=True)
    assert re.findall(r'name="level-(-?\d+)-text"', html) == ["1", "2", "3", "4", "5"]
    # What was typed for the levels that stay is kept.
    assert 'name="level-2-text" value="spürbar"' in html
    assert "Es wurde noch nichts gespeichert." in html
    measured = client.post(
        f"/rounds/{r.id}/catalogue/criteria/new",
        data={"csrf_token": token, **_criterion_form(kind="measured", action="apply")},
    ).get_data(as_text=True)
    assert 'name="level-1-text"' not in measured
    assert 'id="unit"' in measured


def test_a_moderator_adds_and_changes_criteria(client, login_as, setting, db):
    login_as(Role.MODERATOR)
    r = setting["round"]
    token = csrf_token(client, f"/rounds/{r.id}/catalogue/criteria/new")
    added = client.post(
        f"/rounds/{r.id}/catalogue/criteria/new",
        data={"csrf_token": token, **_criterion_form(knockout_level="3")},
    )
    assert added.status_code == 302
    criterion = db.session.scalar(select(Criterion).where(Criterion.name == "Barrierefreiheit"))
    assert [(lv.value, lv.text, lv.needs_justification) for lv in criterion.levels] == [
        (1, "kaum", False),
        (2, "spürbar", False),
        (3, "deutlich", True),
    ]
    assert criterion.knockout_level == 3
    measured = client.post(
        f"/rounds/{r.id}/catalogue/criteria/new",
        data={
            "csrf_token": token,
            **_criterion_form(
                name="Betriebskosten",
                kind="measured",
                direction="cost",
                unit="€ im Jahr",
                lower_bound="0",
                upper_bound="1.500.000,50",
                source="idea_cost",
            ),
        },
    )
    assert measured.status_code == 302
    costs = db.session.scalar(select(Criterion).where(Criterion.name == "Betriebskosten"))
    assert (costs.kind, costs.scale_max, costs.unit, costs.levels) == (
        CriterionKind.MEASURED,
        1_500_000.5,
        "€ im Jahr",
        [],
    )
    form = client.get(f"/rounds/{r.id}/catalogue/criteria/{costs.id}").get_data(as_text=True)
    # A text field: a number field would show nothing for a value in German notation.
    assert re.search(r'<input[^>]*name="upper_bound" type="text" value="1\.500\.000,5"', form)
    changed = client.post(
        f"/rounds/{r.id}/catalogue/criteria/{criterion.id}",
        data={"csrf_token": token, **_criterion_form(name="Barrierefreiheit (BITV 2.0)")},
    )
    assert changed.status_code == 302
    db.session.refresh(criterion)
    assert criterion.name == "Barrierefreiheit (BITV 2.0)"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"level-2-text": ""}, "Jede Stufe braucht einen Satz"),
        ({"scale_max": "20"}, "höchstens 11 Stufen"),
        ({"scale_min": "3"}, "niedrigste Wert der Skala muss unter dem höchsten"),
        ({"scale_min": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"scale_min": "", "name": ""}, "Bitte füllen Sie dieses Feld aus."),
        ({"scale_max": "20", "knockout_level": "3"}, "höchstens 11 Stufen"),
        ({"name": ""}, "Bitte korrigieren Sie die unten markierten Felder."),
        ({"level-2-text": "x" * 301}, "Höchstens 300 Zeichen."),
        ({"knockout_level": "7"}, "Keine gültige Auswahl"),
        ({"kind": "measured", "unit": "€", "upper_bound": "viel"}, "Bitte geben Sie eine Zahl"),
        ({"kind": "measured", "lower_bound": "0", "upper_bound": "9"}, "Geben Sie die Einheit"),
        ({"name": "Nutzen für Bürger:innen"}, "trägt diesen Namen"),
    ],
)  # fmt: skip
def test_a_criterion_with_a_broken_scale_is_shown_again_and_nothing_is_written(
    client, login_as, setting, writes_nothing, changes, message
):
    login_as(Role.MODERATOR)
    r = setting["round"]
    token = csrf_token(client, f"/rounds/{r.id}/catalogue/criteria/new")
    with writes_nothing():
        response = client.post(
            f"/rounds/{r.id}/catalogue/criteria/new",
            data={"csrf_token": token, **_criterion_form(**changes)},
        )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    # What was typed stays.
    assert "Wie sehr verbessert die Idee die Barrierefreiheit?" in html


def test_criteria_move_up_and_down_and_are_removed_after_asking(
    client, login_as, setting, writes_nothing, db
):
    login_as(Role.MODERATOR)
    r, criterion = setting["round"], setting["criterion"]
    names = [c.name for c in catalogue.draft(r).criteria]
    token = csrf_token(client, f"/rounds/{r.id}/catalogue/edit")
    moved = client.post(
        f"/rounds/{r.id}/catalogue/criteria/{criterion.id}/move",
        data={"csrf_token": token, "direction": "up"},
    )
    assert moved.status_code == 302
    assert moved.location.endswith(f"#criterion-{criterion.id}")
    db.session.expire_all()
    assert [c.name for c in catalogue.draft(r).criteria][:2] == [names[1], names[0]]
    with writes_nothing():
        top = client.post(
            f"/rounds/{r.id}/catalogue/criteria/{criterion.id}/move",
            data={"csrf_token": token, "direction": "up"},
        )
        sideways = client.post(
            f"/rounds/{r.id}/catalogue/criteria/{criterion.id}/move",
            data={"csrf_token": token, "direction": "links"},
        )
        asked = client.post(
            f"/rounds/{r.id}/catalogue/criteria/{criterion.id}/remove", data={"csrf_token": token}
        )
    assert top.status_code == 422
    assert sideways.status_code == 422
    assert asked.status_code == 200
    assert f"Kriterium „{criterion.name}“ wirklich entfernen?" in asked.get_data(as_text=True)
    removed = client.post(
        f"/rounds/{r.id}/catalogue/criteria/{criterion.id}/remove",
        data={"csrf_token": token, "confirm": "1"},
    )
    assert removed.status_code == 302
    db.session.expire_all()
    assert len(catalogue.draft(r).criteria) == len(names) - 1


def test_a_new_version_during_scoring_says_what_it_invalidates_before_it_is_frozen(
    client, login_as, setting, writes_nothing, db
):
    login_as(Role.MODERATOR)
    scoring = setting["scoring"]
    for _assessor in range(2):
        round_states.scored(scoring, setting["scored"])
    page = client.get(f"/rounds/{scoring.id}").get_data(as_text=True)
    assert "Katalog ändern" in page
    token = csrf_token(client, f"/rounds/{scoring.id}")
    opened = client.post(f"/rounds/{scoring.id}/catalogue/version", data={"csrf_token": token})
    assert opened.status_code == 302
    draft = catalogue.draft(scoring)
    assert draft.version == 2
    editor = client.get(f"/rounds/{scoring.id}/catalogue/edit").get_data(as_text=True)
    assert "Fassung 1 gilt" in editor
    client.post(
        f"/rounds/{scoring.id}/catalogue/criteria/{draft.criteria[-1].id}/remove",
        data={"csrf_token": token, "confirm": "1"},
    )
    editor = client.get(f"/rounds/{scoring.id}/catalogue/edit").get_data(as_text=True)
    assert "muss sie neu gewichten" in editor
    with writes_nothing():
        unweighted = client.post(
            f"/rounds/{scoring.id}/catalogue/freeze", data={"csrf_token": token, "confirm": "1"}
        )
    assert unweighted.status_code == 409
    db.session.expire_all()
    round_states.weigh(catalogue.draft(scoring))
    with writes_nothing():
        asked = client.post(
            f"/rounds/{scoring.id}/catalogue/freeze",
            data={"csrf_token": token, "note": "Umsetzbarkeit steckt im Risiko."},
        )
    assert asked.status_code == 200
    html = asked.get_data(as_text=True)
    assert "Fassung 2 des Katalogs wirklich einfrieren?" in html
    assert "2 Bewertungen zu „Umsetzbarkeit“ werden ungültig." in html
    assert "2 abgegebene Bewertungsbögen werden wieder geöffnet" in html
    assert "Umsetzbarkeit steckt im Risiko." in html
    frozen = client.post(
        f"/rounds/{scoring.id}/catalogue/freeze",
        data={"csrf_token": token, "note": "Umsetzbarkeit steckt im Risiko.", "confirm": "1"},
    )
    assert frozen.status_code == 302
    assert frozen.location.endswith(f"/rounds/{scoring.id}/catalogue/2")
    versions = client.get(frozen.location).get_data(as_text=True)
    assert "Umsetzbarkeit steckt im Risiko." in versions
    assert "Fassung 1, eingefroren am" in versions


def test_a_new_version_is_discarded_after_asking(client, login_as, setting, writes_nothing, db):
    login_as(Role.MODERATOR)
    scoring = setting["scoring"]
    catalogue.open_new_version(scoring, setting["moderator"])
    token = csrf_token(client, f"/rounds/{scoring.id}")
    with writes_nothing():
        asked = client.post(f"/rounds/{scoring.id}/catalogue/discard", data={"csrf_token": token})
        first = client.post(
            f"/rounds/{setting['round'].id}/catalogue/discard",
            data={"csrf_token": token, "confirm": "1"},
        )
    assert asked.status_code == 200
    assert "Entwurf der Fassung 2 wirklich verwerfen?" in asked.get_data(as_text=True)
    assert first.status_code == 409
    discarded = client.post(
        f"/rounds/{scoring.id}/catalogue/discard", data={"csrf_token": token, "confirm": "1"}
    )
    assert discarded.status_code == 302
    assert catalogue.draft(scoring) is None


def test_a_moderator_accepts_an_idea_into_a_round_on_its_page(client, login_as, setting, db):
    moderator = login_as(Role.MODERATOR, Role.EMPLOYEE)
    idea, r = setting["idea"], setting["round"]
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Für eine Runde annehmen" in page
    assert f'<option value="{r.id}">Priorisierung 2027 (Ideen sammeln)</option>' in page
    # The score phase takes no ideas, so it is not offered.
    assert f'<option value="{setting["scoring"].id}"' not in page
    token = csrf_token(client, f"/ideas/{idea.id}")
    accepted = client.post(
        f"/rounds/accept/{idea.id}", data={"csrf_token": token, "round_id": str(r.id)}
    )
    assert accepted.status_code == 302
    assert accepted.location.endswith(f"/ideas/{idea.id}")
    db.session.refresh(idea)
    assert idea.state is IdeaState.ACCEPTED
    assert phases.round_of(idea) == r
    assert "Die Idee wurde in die Runde „Priorisierung 2027“ aufgenommen." in client.get(
        accepted.location
    ).get_data(as_text=True)
    assert moderator.id != idea.author_id


def test_the_idea_page_names_its_round_for_everybody(client, login_as, setting):
    login_as(Role.EMPLOYEE)
    idea = round_states.accept(setting["round"], setting["moderator"])
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Priorisierungsrunde" in html
    assert f'href="/rounds/{setting["round"].id}">Priorisierung 2027</a>' in html
    assert "Für eine Runde annehmen" not in html


def test_nobody_accepts_their_own_idea_and_nothing_but_ideas_in_screening(
    client, login_as, setting, writes_nothing
):
    moderator = login_as(Role.MODERATOR, Role.EMPLOYEE)
    own = factories.idea(author=moderator)
    lifecycle.change_state(own, IdeaState.SCREENING, setting["moderator"])
    submitted = factories.idea(title="Noch nicht gesichtet")
    assert "Für eine Runde annehmen" not in client.get(f"/ideas/{own.id}").get_data(as_text=True)
    token = csrf_token(client, f"/ideas/{own.id}")
    r = setting["round"].id
    with writes_nothing():
        mine = client.post(f"/rounds/accept/{own.id}", data={"csrf_token": token, "round_id": r})
        early = client.post(
            f"/rounds/accept/{submitted.id}", data={"csrf_token": token, "round_id": r}
        )
        closed = client.post(
            f"/rounds/accept/{setting['idea'].id}",
            data={"csrf_token": token, "round_id": setting["scoring"].id},
        )
        nothing = client.post(f"/rounds/accept/{setting['idea'].id}", data={"csrf_token": token})
    assert mine.status_code == 403
    assert early.status_code == 409
    assert closed.status_code == 422
    assert nothing.status_code == 422
    assert "Für eine Runde annehmen" in nothing.get_data(as_text=True)


def test_without_an_open_round_the_idea_page_says_so(client, login_as, db):
    login_as(Role.MODERATOR)
    idea = factories.idea()
    lifecycle.change_state(idea, IdeaState.SCREENING, round_states.moderator())
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Derzeit nimmt keine Runde Ideen auf." in html


def test_the_round_page_and_the_list_take_a_bounded_number_of_statements(
    client, login_as, setting, count_queries
):
    login_as(Role.MODERATOR)
    moderator, r = setting["moderator"], setting["round"]

    def statements(path):
        with count_queries() as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    round_states.accept(r, moderator, "Erste Idee")
    few = statements(f"/rounds/{r.id}")
    listing = statements("/rounds/")
    for number in range(25):
        round_states.accept(r, moderator, f"Idee {number}")
        round_states.round_with_template(moderator, name=f"Runde {number}")
    assert statements(f"/rounds/{r.id}") == few
    assert statements("/rounds/") == listing
    assert statements(f"/rounds/{r.id}/catalogue") <= 20


def test_the_round_page_lists_its_ideas_page_by_page(client, login_as, setting, db):
    login_as(Role.EMPLOYEE)
    moderator, r = setting["moderator"], setting["round"]
    for number in range(27):
        round_states.accept(r, moderator, f"Idee Nummer {number:02d}")
    first = client.get(f"/rounds/{r.id}").get_data(as_text=True)
    assert "Ideen der Runde (27)" in first
    assert "Idee Nummer 00" in first
    assert "Idee Nummer 26" not in first
    assert f'href="/rounds/{r.id}?page=2#ideas"' in first
    second = client.get(f"/rounds/{r.id}?page=2").get_data(as_text=True)
    assert "Idee Nummer 26" in second
