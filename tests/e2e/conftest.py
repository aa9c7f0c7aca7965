"""A real portal in a thread, on a copy of the demo municipality per test, driven by Chromium."""

from __future__ import annotations

import fcntl
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from flask_migrate import upgrade
from playwright.sync_api import Browser, Locator, Page, sync_playwright
from werkzeug.serving import make_server

from config import TestingConfig
from portal import create_app
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.demo import load_demo
from portal.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def _portal(folder: Path, database: Path) -> Flask:
    return create_app(
        TestingConfig(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", INSTANCE_PATH=folder)
    )


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """A migrated SQLite file with the demo municipality, which every test gets a copy of.

    It is made once for the whole run: the first of the xdist workers makes it in their
    shared folder while the others wait for the lock, then all copy it.
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    folder = shared / "e2e-demo"
    database = folder / "demo.db"
    with (shared / "e2e-demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not database.exists():
            folder.mkdir(exist_ok=True)
            building = folder / "building.db"
            app = _portal(folder, building)
            with app.app_context():
                upgrade()
                set_tenant(municipality_for(app.config["TENANT"]).id)
                with unit_of_work():
                    load_demo()
                # Closed connections leave a complete file to copy.
                db.engine.dispose()
            building.rename(database)
    return database


@pytest.fixture
def live_app(demo_database: Path, tmp_path: Path) -> Iterator[Flask]:
    """The portal on a fresh copy of the demo data, which `live_server` serves.

    What a test changes through the browser (an account's language, ideas, supports, failed
    sign-ins that count towards the pause) stays in its own copy, so no test sees another's
    changes, whatever the order or the xdist worker it runs in. A test may add data of its own
    through this app before it opens a page.
    """
    database = tmp_path / "e2e.db"
    shutil.copyfile(demo_database, database)
    app = _portal(tmp_path, database)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """Serve `live_app` on 127.0.0.1 and return its base URL."""
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    # A short poll interval, since shutdown() waits for the serving loop to notice it.
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright cannot download its own browsers here)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A fresh page with its own cookies, closed before its test's server stops."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


#: The rules of WCAG 2.1 level AA that axe-core checks.
WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def axe_violations(page: Page) -> list[str]:
    """Return axe-core's WCAG 2.1 AA violations on *page*, a line each, for a readable failure."""
    results = Axe().run(page, options=WCAG_21_AA)
    return [
        f"{violation['id']}: {violation['help']} ({len(violation['nodes'])}×) "
        f"{violation['nodes'][0]['target']}"
        for violation in results.response["violations"]
    ]


def sign_in(page: Page, base_url: str, email: str, password: str = "musterstadt-demo") -> None:
    """Sign in through the log-in form."""
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    # Wait for the answer: a page opened right after would otherwise cancel the sign-in.
    submit(page.locator("form.ww-form button[type=submit]"))


def submit(target: Locator, timeout: float | None = None, key: str | None = None) -> None:
    """Click *target*, a form's button or a link (or press *key* on it), and wait for the page
    it opens.

    Playwright does not wait for the navigation a click starts; the next step would act on the
    page before it, or cancel the request.
    """
    with target.page.expect_navigation(timeout=timeout):
        if key is None:
            target.click(timeout=timeout)
        else:
            target.press(key, timeout=timeout)


def sign_out(page: Page) -> None:
    """Sign out with the button the page shows (the header's, or the menu's on a phone)."""
    submit(page.locator("form[action='/logout'] button:visible"))


def switch_language(page: Page) -> None:
    """Switch the signed-in user's language (it is kept on the account) and wait for the page."""
    submit(page.locator(".ww-language button"))
