"""`wandelwerk run` serves the portal and runs its background jobs with one command: a digest
enqueued while it runs goes out through the job consumer it started."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

NOTIFY = """
from portal import create_app
from portal.accounts.services import municipality_for
from portal.core.registry import Link
from portal.core.tenancy import set_tenant
from portal.core.transactions import unit_of_work
from portal.extensions import db
from portal.accounts.models import User
from portal.notifications.services import notify
from sqlalchemy import select

app = create_app()
with app.app_context():
    set_tenant(municipality_for("default").id)
    with unit_of_work():
        user = db.session.scalar(select(User).where(User.email == "aylin@stadt.example"))
        notify([user], "notification.text", {"text": "Neue Nachricht im Test"}, Link("ideas.index"))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wandelwerk(env: dict[str, str], *args: str) -> None:
    command = [str(Path(sys.executable).with_name("wandelwerk")), *args]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr


class Log:
    """What a process writes to a stream, collected by a thread as it comes."""

    def __init__(self, stream) -> None:
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._reader.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line)

    def wait_for(self, text: str, seconds: float) -> str:
        """Wait until *text* was written or *seconds* passed; return all that was written."""
        deadline = time.monotonic() + seconds
        while text not in "".join(self.lines) and time.monotonic() < deadline:
            time.sleep(0.2)
        return "".join(self.lines)


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "WANDELWERK_ENV": "development",
        "INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.db'}",
        "PASSWORD_HASH_TIME_COST": "1",
        "PASSWORD_HASH_MEMORY_KIB": "8",
        "PYTHONUNBUFFERED": "1",
    }


def test_run_serves_the_portal_and_sends_a_digest_through_its_job_consumer(environment):
    _wandelwerk(environment, "db", "upgrade")
    _wandelwerk(
        environment, "users", "create", "--email", "aylin@stadt.example", "--name", "Aylin Demir",
        "--role", "employee", "--password", "ein sicheres Passwort",
    )  # fmt: skip
    port = _free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("wandelwerk")), "run", "--port", str(port)],
        env=environment,
        stderr=subprocess.PIPE,
        text=True,
    )
    log = Log(server.stderr)
    try:
        started = log.wait_for("Huey consumer started", 30)
        assert "Huey consumer started" in started, started
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=10) as page:
            assert page.status == 200
        subprocess.run([sys.executable, "-c", NOTIFY], env=environment, check=True, timeout=60)
        _wandelwerk(environment, "notifications", "send-digest")
        written = log.wait_for("Neue Nachricht im Test", 40)
        assert "Mail to aylin@stadt.example" in written, written
    finally:
        server.terminate()
        server.wait(timeout=60)
