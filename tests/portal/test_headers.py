"""HTTP headers that keep pages private and the browser restrained (OWASP ASVS 5.0 V3)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import config
from portal import create_app
from portal.accounts.models import Role
from tests import factories


def test_v3_signed_in_pages_and_json_are_not_stored_by_browsers_or_proxies(client, login_as):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as(Role.EMPLOYEE)
    factories.idea(title="Digitale Bauakte")
    for path in ("/", "/ideas/", "/ideas/similar?title=Bauakte", "/notifications/"):
        assert client.get(path).headers["Cache-Control"] == "no-store", path


def test_v3_content_security_and_permissions_policy(client, db):
    headers = client.get("/login").headers
    policy = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "base-uri 'none'", "object-src 'none'"):
        assert directive in policy
    assert "'unsafe-inline'" not in policy
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # not on plain HTTP in development


def test_v3_production_demands_https_for_a_year(app, db, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 48)
    production = create_app(
        config.ProductionConfig(SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    )
    hsts = production.test_client().get("/login").headers["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains"


def test_v3_production_server_names_no_version(tmp_path: Path):
    """The production web server (gunicorn) does not tell its version."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "WANDELWERK_ENV": "production",
        "SECRET_KEY": "k" * 48,
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
    }
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "wandelwerk", "db", "upgrade"], env=env, check=True, capture_output=True
    )
    server = subprocess.Popen(
        [bin_dir / "gunicorn", "--bind", f"127.0.0.1:{port}", "portal:create_app()"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=5) as page:
                    server_header = page.headers.get("Server", "")
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not any(character.isdigit() for character in server_header), server_header
