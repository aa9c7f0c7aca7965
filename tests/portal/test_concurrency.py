"""SQLite under concurrency: many people signing in and supporting at the same moment against a
running server get their answers, never a server error."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

import config
from portal import create_app
from portal.accounts.models import Role
from portal.accounts.services import municipality_for
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db as _db
from tests import factories

PARALLEL = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    """A threaded server on a SQLite file with 30 employees and an idea; return its address
    and the idea's id."""
    folder: Path = tmp_path_factory.mktemp("concurrency")
    app = create_app(
        config.TestingConfig(
            SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'portal.db'}", INSTANCE_PATH=folder
        )
    )
    with app.app_context():
        upgrade()
        set_tenant(municipality_for("default").id)
        with unit_of_work():
            for number in range(PARALLEL):
                factories.user(email=f"person{number}@parallel.example", roles={Role.EMPLOYEE})
            idea_id = factories.idea().id
        _db.session.remove()
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{http.server_port}", idea_id
    finally:
        http.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            _db.engine.dispose()


def _token(opener, url: str) -> str:
    html = opener.open(url, timeout=30).read().decode()
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


def _sign_in_and_support(base: str, idea_id: int, number: int) -> list[int]:
    """Sign in as employee *number*, then support the idea; return the status codes."""
    opener = build_opener(HTTPCookieProcessor(CookieJar()))
    statuses = []
    for path, data in (
        ("/login", {"email": f"person{number}@parallel.example", "password": factories.PASSWORD}),
        (f"/ideas/{idea_id}/support", {}),
    ):
        token = _token(opener, base + (path if path == "/login" else f"/ideas/{idea_id}"))
        try:
            response = opener.open(
                base + path, urlencode({"csrf_token": token, **data}).encode(), timeout=60
            )
            statuses.append(response.status)
        except HTTPError as error:
            statuses.append(error.code)
    return statuses


def test_thirty_parallel_sign_ins_and_supports_never_answer_a_server_error(server):
    base, idea_id = server
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        results = list(pool.map(lambda n: _sign_in_and_support(base, idea_id, n), range(PARALLEL)))
    statuses = [status for result in results for status in result]
    assert 500 not in statuses
    assert statuses.count(200) == 2 * PARALLEL  # each redirect followed to its page


def _remember_cookie(base: str, number: int) -> str:
    """Sign employee *number* in with "stay signed in" and return the device's cookie."""
    jar = CookieJar()
    opener = build_opener(HTTPCookieProcessor(jar))
    data = {
        "email": f"person{number}@parallel.example",
        "password": factories.PASSWORD,
        "remember": "y",
        "csrf_token": _token(opener, base + "/login"),
    }
    opener.open(base + "/login", urlencode(data).encode(), timeout=60)
    return next(cookie.value for cookie in jar if cookie.name == "wandelwerk_remember")


def _open_with(base: str, cookie: str) -> tuple[int, str]:
    """Open the start page with only the device's "stay signed in" cookie; return the status
    and the address the answer came from (the sign-in page, if the device was not known)."""
    opener = build_opener()
    opener.addheaders = [("Cookie", f"wandelwerk_remember={cookie}")]
    try:
        response = opener.open(base + "/", timeout=60)
        return response.status, response.geturl()
    except HTTPError as error:
        return error.code, error.url


def test_devices_that_stay_signed_in_open_pages_while_others_write(server):
    base, idea_id = server
    cookies = [_remember_cookie(base, number) for number in range(PARALLEL // 2)]
    with ThreadPoolExecutor(max_workers=PARALLEL) as pool:
        opened = [pool.submit(_open_with, base, cookie) for cookie in cookies]
        signed_in = [
            pool.submit(_sign_in_and_support, base, idea_id, number)
            for number in range(PARALLEL // 2, PARALLEL)
        ]
        statuses = [future.result() for future in opened]
        writes = [status for future in signed_in for status in future.result()]
    # Each device's token was used once, replaced, and opened the page signed in.
    assert statuses == [(200, base + "/")] * len(cookies)
    assert 500 not in writes
