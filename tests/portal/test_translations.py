"""Every text of the interface is translated into German (the default language)."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "portal/translations/de/LC_MESSAGES/messages.po"


def _extract(tmp_path: Path):
    template = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "--no-location", "."],
        cwd=ROOT, check=True, capture_output=True,
    )  # fmt: skip
    with template.open("rb") as handle:
        return read_po(handle)


def test_german_catalogue_translates_every_text_of_the_interface(tmp_path):
    extracted = _extract(tmp_path)
    with CATALOGUE.open("rb") as handle:
        german = read_po(handle)
    untranslated = []
    for message in extracted:
        if not message.id:
            continue
        entry = german.get(message.id)
        strings = (
            entry.string
            if entry and isinstance(entry.string, tuple)
            else ((entry.string,) if entry else ("",))
        )
        if entry is None or "fuzzy" in entry.flags or not all(strings):
            untranslated.append(message.id)
    assert untranslated == [], "run `make update-messages` and translate these"


def test_english_interface_shows_english_and_german_shows_german(client, login_as):
    login_as(name="Aylin Demir")
    german = client.get("/").get_data(as_text=True)
    assert "Willkommen, Aylin Demir" in german
    with client.session_transaction() as session:
        session["locale"] = "en"
    english = client.get("/").get_data(as_text=True)
    assert "Welcome, Aylin Demir" in english
    assert '<html lang="en">' in english
