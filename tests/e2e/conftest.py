"""A real portal in a thread, with the demo municipality, driven by Debian's Chromium."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import Browser, Page, sync_playwright
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


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the portal with the demo data on 127.0.0.1 and return its base URL."""
    folder: Path = tmp_path_factory.mktemp("e2e-instance")
    app = create_app(
        TestingConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'e2e.db'}", INSTANCE_PATH=folder
        )
    )
    with app.app_context():
        upgrade()
        set_tenant(municipality_for(app.config["TENANT"]).id)
        with unit_of_work():
            load_demo()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless (Playwright cannot download its own browsers here)."""
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def browser_page(browser: Browser) -> Iterator[Page]:
    """A fresh page with its own cookies."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def sign_in(page: Page, base_url: str, email: str, password: str = "musterstadt-demo") -> None:
    """Sign in through the log-in form."""
    page.goto(f"{base_url}/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("form.ww-form button[type=submit]")
