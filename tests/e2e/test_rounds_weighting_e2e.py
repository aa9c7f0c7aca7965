"""The board weights the criteria of a round in a real browser: three members compare the
criteria pairwise, one of them inconsistently, who is shown the comparison to reconsider, fixes
it by keyboard and submits; a moderator closes the weighting."""

import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

import config
from portal import create_app
from portal.accounts.models import User
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.rounds.models import WeightingMethod
from portal.rounds.services import catalogue, weighting
from portal.rounds.services.phases import RoundData, create_round
from tests.e2e.conftest import sign_in, sign_out, submit

pytestmark = pytest.mark.e2e

#: Answers of the consistent members for the five criteria of the "kompakt" template, in the
#: catalogue's order (Nutzen, Entlastung, Pflicht, Kosten, Umsetzbarkeit).
CONSISTENT = {
    (0, 1): "3", (0, 2): "1", (0, 3): "5", (0, 4): "3",
    (1, 2): "1/3", (1, 3): "3", (1, 4): "1",
    (2, 3): "5", (2, 4): "3",
    (3, 4): "1/3",
}  # fmt: skip
#: Citizens' benefit against costs the wrong way round.
INCONSISTENT = {**CONSISTENT, (0, 3): "1/7"}


@dataclass(frozen=True)
class Portal:
    url: str
    round_id: int
    criteria: list[int]


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory, demo_database: Path) -> Iterator[Portal]:
    """The demo municipality (a copy) with a round whose catalogue the board weights by AHP,
    made through the services."""
    folder = tmp_path_factory.mktemp("e2e-weighting")
    shutil.copyfile(demo_database, folder / "e2e.db")
    app = create_app(
        config.TestingConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'e2e.db'}", INSTANCE_PATH=folder
        )
    )
    with app.app_context():
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            moderator = db.session.scalar(
                select(User).where(User.email == "moderation@musterstadt.example")
            )
            round_ = create_round(RoundData(name="Priorisierung Bürgerdienste"), moderator)
            draft = catalogue.start_from_template(round_, "kompakt", moderator)
            weighting.set_method(
                round_,
                WeightingMethod.AHP,
                moderator,
                version=weighting.catalogue_version(draft),
            )
            round_id, criteria = round_.id, [c.id for c in draft.criteria]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Portal(f"http://127.0.0.1:{server.server_port}", round_id, criteria)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _answer(page: Page, portal: Portal, answers: dict[tuple[int, int], str]) -> None:
    for (i, j), value in answers.items():
        field = f"pair-{portal.criteria[i]}-{portal.criteria[j]}"
        page.check(f"input[name='{field}'][value='{value}']")


def _submit(page: Page) -> None:
    submit(page.locator("button[name=action][value=submit]"))
    expect(page.locator("h1")).to_have_text("Ihre Gewichtung wirklich abgeben?")
    submit(page.locator("main form button[type=submit]"))
    expect(page.locator(".ww-flashes")).to_contain_text("Ihre Gewichtung wurde abgegeben.")


def test_three_board_members_weight_by_ahp_and_the_inconsistent_one_fixes_a_comparison(
    portal, browser_page
):
    page = browser_page
    weighting_url = f"{portal.url}/rounds/{portal.round_id}/weighting"

    # Two members compare consistently and submit.
    for email in ["t.weber@musterstadt.example", "a.fischer@musterstadt.example"]:
        sign_in(page, portal.url, email)
        page.goto(portal.url + "/")
        submit(page.locator("text=Gewichte vergeben: Priorisierung Bürgerdienste"))
        expect(page).to_have_url(weighting_url)
        _answer(page, portal, CONSISTENT)
        submit(page.locator("button[name=action][value=draft]"))
        expect(page.locator("#result")).to_contain_text("stimmig")
        _submit(page)
        expect(page.locator("main")).to_contain_text(
            "Sie haben Ihre Gewichtung am", use_inner_text=True
        )
        sign_out(page)

    # The third member answers one pair the wrong way round.
    sign_in(page, portal.url, "m.wagner@musterstadt.example")
    page.goto(weighting_url)
    expect(page.locator("main")).not_to_contain_text("Thomas Weber")
    _answer(page, portal, INCONSISTENT)
    submit(page.locator("button[name=action][value=draft]"))
    result = page.locator("#result")
    expect(result).to_contain_text("Ihre Vergleiche widersprechen sich")
    expect(result).to_contain_text(
        "Am meisten hilft der Vergleich Nutzen für Bürger:innen und Kosten."
    )
    ratio = re.search(r"Konsistenzquote \(CR\): (\d,\d\d)", result.inner_text())
    assert ratio
    assert float(ratio[1].replace(",", ".")) > 0.1

    # The link leads to the comparison, where the better answer is marked; the member takes it
    # with the arrow keys.
    page.click("text=Zu diesem Vergleich")
    pair = f"pair-{portal.criteria[0]}-{portal.criteria[3]}"
    expect(page).to_have_url(re.compile(f"#{pair}$"))
    fieldset = page.locator(f"fieldset#{pair}")
    expect(fieldset).to_contain_text("Prüfen Sie diesen Vergleich")
    radios = fieldset.locator("input[type=radio]")
    values = [radios.nth(k).get_attribute("value") for k in range(radios.count())]
    offered = fieldset.locator(".ww-ahp-scale__option--offered input").get_attribute("value")
    fieldset.locator("input:checked").focus()
    steps = values.index(offered) - values.index("1/7")
    for _ in range(abs(steps)):
        page.keyboard.press("ArrowRight" if steps > 0 else "ArrowLeft")
    expect(fieldset.locator(f"input[value='{offered}']")).to_be_checked()
    submit(page.locator("button[name=action][value=draft]"))
    expect(page.locator("#result")).to_contain_text("stimmig")
    expect(page.locator("#result")).not_to_contain_text("widersprechen sich")

    # Submitted, the member now sees the others' comparisons and the board's weights so far.
    _submit(page)
    others = page.locator("table.ww-members")
    expect(others).to_contain_text("Thomas Weber")
    expect(others).to_contain_text("Andrea Fischer")
    expect(page.locator("#group-heading")).to_have_text("Gewichte der Lenkungsgruppe bisher")
    sign_out(page)

    # A moderator sees the progress without names and closes the weighting.
    sign_in(page, portal.url, "moderation@musterstadt.example")
    page.goto(weighting_url)
    expect(page.locator("main")).to_contain_text("3 von 7 Mitgliedern der Lenkungsgruppe")
    expect(page.locator("main")).not_to_contain_text("Thomas Weber")
    submit(page.locator("text=Gewichtung abschließen"))
    expect(page.locator("main")).to_contain_text("4 Mitglieder der Lenkungsgruppe haben nicht")
    submit(page.locator("main form button[type=submit]"))
    expect(page.locator(".ww-flashes")).to_contain_text("Die Gewichtung ist abgeschlossen")
    weights = page.locator("table.ww-weights")
    expect(weights).to_contain_text("Nutzen für Bürger:innen")
    expect(page.locator("main")).to_contain_text("Mitglied 3")
    expect(page.locator("main")).not_to_contain_text("Andrea Fischer")
