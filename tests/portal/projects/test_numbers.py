"""Numbers in the forms of projects as the reader writes them: 1.234,56 in German, 1,234.56
in English; anything else is refused at its field, keeps what was typed and writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.extensions import db
from portal.projects.models import Indicator, Project, ProjectState
from portal.projects.services import evaluation
from tests.conftest import db_within, start_session
from tests.portal.projects.helpers import Places

pytestmark = pytest.mark.usefixtures("db")


in_savepoints = db_within("places_data")


@pytest.fixture
def here(app: Flask, shared_places: Places) -> Iterator[Places]:
    app.config["WTF_CSRF_ENABLED"] = False
    yield shared_places
    app.config["WTF_CSRF_ENABLED"] = True


def _sign_in(client: FlaskClient, here: Places, locale: str) -> None:
    here.owner.locale = locale
    db.session.flush()
    start_session(client, here.owner)


@pytest.mark.parametrize(
    ("locale", "baseline", "target", "expected"),
    [
        ("de", "12,5", "1.234,56", (12.5, 1234.56)),
        ("de", "20", "-0,75", (20.0, -0.75)),
        ("en", "12.5", "1,234.56", (12.5, 1234.56)),
    ],
)
def test_indicator_values_are_read_as_the_reader_writes_them(
    client: FlaskClient,
    here: Places,
    locale: str,
    baseline: str,
    target: str,
    expected: tuple[float, float],
) -> None:
    _sign_in(client, here, locale)
    answer = client.post(
        f"/projects/{here.project.id}/indicators",
        data={"name": "Bearbeitungszeit", "unit": "Tage", "baseline": baseline, "target": target},
    )
    assert answer.status_code == 302
    indicator = db.session.scalars(db.select(Indicator)).one()
    assert (indicator.baseline, indicator.target) == expected


@pytest.mark.parametrize(
    ("locale", "typed", "message"),
    [
        # Read as 125 by a lenient parser: refused, since the reader meant something else.
        ("de", "12.5", "Bitte geben Sie eine Zahl ein, z. B. 1.234,5."),
        ("de", "zwölf", "Bitte geben Sie eine Zahl ein, z. B. 1.234,5."),
        ("de", "NaN", "Bitte geben Sie eine Zahl ein, z. B. 1.234,5."),
        ("de", "1e400", "Bitte geben Sie eine Zahl ein, z. B. 1.234,5."),
        ("en", "12,5", "Please enter a number, such as 1,234.5."),
    ],
)
def test_a_number_in_the_wrong_notation_is_refused_at_its_field(
    client: FlaskClient,
    here: Places,
    writes_nothing: Callable,
    locale: str,
    typed: str,
    message: str,
) -> None:
    _sign_in(client, here, locale)
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/indicators",
            data={"name": "Wartezeit", "unit": "Tage", "baseline": typed, "target": "5"},
        )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert message in page
    assert f'value="{typed}"' in page


def test_a_measured_value_with_a_decimal_comma_is_recorded_and_shown_so(
    client: FlaskClient, here: Places
) -> None:
    indicator = evaluation.add_indicator(
        here.project, evaluation.IndicatorData("Wartezeit", "Tage", 20, 5), here.owner
    )
    _sign_in(client, here, "de")
    answer = client.post(
        f"/projects/{here.project.id}/indicators/{indicator.id}",
        data={"measured": "7,25", "measured_on": "2026-06-01"},
    )
    assert answer.status_code == 302
    db.session.expire_all()
    assert db.session.get(Indicator, indicator.id).measured == 7.25
    page = client.get(f"/projects/{here.project.id}/evaluation").get_data(as_text=True)
    # Sent again unchanged, the value shown must read as the same number.
    assert f'id="measured-{indicator.id}" name="measured" value="7,25"' in page


def test_a_refused_measured_value_stays_in_its_own_field(
    client: FlaskClient, here: Places, writes_nothing: Callable
) -> None:
    first, second = (
        evaluation.add_indicator(
            here.project, evaluation.IndicatorData(name, "Tage", 20, 5), here.owner
        )
        for name in ("Wartezeit", "Durchlaufzeit")
    )
    _sign_in(client, here, "de")
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/indicators/{second.id}",
            data={"measured": "sieben", "measured_on": "2026-06-01"},
        )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert f'id="measured-{second.id}" name="measured" value="sieben" aria-invalid="true"' in page
    assert f'id="measured-{first.id}" name="measured" value=""' in page


@pytest.mark.parametrize(
    ("locale", "budget", "days", "expected", "shown"),
    [
        ("de", "12.500", "1.234", (12500, 1234), "12.500"),
        ("de", "12500", "30", (12500, 30), "12.500"),
        ("en", "12,500", "1,234", (12500, 1234), "12,500"),
    ],
)
def test_spending_is_read_with_thousands_separators(
    client: FlaskClient,
    here: Places,
    locale: str,
    budget: str,
    days: str,
    expected: tuple[int, int],
    shown: str,
) -> None:
    _sign_in(client, here, locale)
    answer = client.post(
        f"/projects/{here.project.id}/spent",
        data={"budget_spent": budget, "staff_days_spent": days},
    )
    assert answer.status_code == 302
    db.session.expire_all()
    project = db.session.get(Project, here.project.id)
    assert (project.budget_spent, project.staff_days_spent) == expected
    page = client.get(f"/projects/{here.project.id}/evaluation").get_data(as_text=True)
    assert re.search(f'id="budget_spent"[^>]* value="{re.escape(shown)}"', page)


@pytest.mark.parametrize(
    ("budget", "message"),
    [
        ("1.234,56", "Bitte geben Sie eine ganze Zahl ein, z. B. 1.500."),
        ("viel", "Bitte geben Sie eine Zahl ein, z. B. 1.234,5."),
        ("-5", "mindestens 0"),
    ],
)
def test_bad_spending_is_refused_at_its_field_and_keeps_what_was_typed(
    client: FlaskClient, here: Places, writes_nothing: Callable, budget: str, message: str
) -> None:
    _sign_in(client, here, "de")
    with writes_nothing():
        answer = client.post(
            f"/projects/{here.project.id}/spent",
            data={"budget_spent": budget, "staff_days_spent": "3"},
        )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert message in page
    assert f'value="{budget}"' in page


def test_a_project_is_made_with_a_german_budget(client: FlaskClient, here: Places) -> None:
    start_session(client, here.setup.moderator)
    form = client.get(f"/projects/new/{here.spare.id}").get_data(as_text=True)
    assert 'inputmode="numeric"' in form
    answer = client.post(
        f"/projects/new/{here.spare.id}",
        data={
            "title": "Projekt",
            "owner_id": here.owner.id,
            "starts_on": "2026-03-01",
            "ends_on": "2026-12-31",
            "wave_id": here.wave.id,
            "budget_approved": "250.000",
            "staff_days_approved": "1.200",
            "team-0-role_id": "",
            "team-0-user_id": "",
        },
    )
    assert answer.status_code == 302
    made = db.session.scalars(db.select(Project).where(Project.decision_id == here.spare.id)).one()
    assert (made.budget_approved, made.staff_days_approved) == (250000, 1200)
    assert made.state is ProjectState.PLANNED
