"""Office and OpenDocument uploads are checked as what they claim to be (OWASP ASVS 5.0 V5.2:
file upload and content; V5.3.3: no paths out of an archive): a readable ZIP package with the
parts its format requires, no program, script, web page, macro or link inside, and no "zip
bomb"."""

import io
import os
import zipfile

import pytest

from portal.accounts.models import Role
from portal.ideas.models import Attachment
from portal.ideas.services import attachments
from portal.ideas.services.attachments import UploadRefused
from tests import factories
from tests.conftest import csrf_token

OOXML = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
}


def package(parts, *, compression=zipfile.ZIP_DEFLATED):
    """Return a ZIP archive of *parts* (name → bytes), in their order."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in parts.items():
            # ODF wants its mimetype first and uncompressed.
            kind = zipfile.ZIP_STORED if name == "mimetype" else compression
            archive.writestr(name, content, compress_type=kind)
    return buffer.getvalue()


def office(extension="docx", extra=None):
    """Return an Office Open XML package with the parts its format requires, and *extra*."""
    return package(
        {
            "[Content_Types].xml": b"<Types/>",
            "_rels/.rels": b"<Relationships/>",
            OOXML[extension]: b"<document/>",
            **(extra or {}),
        }
    )


def opendocument(extension="odt", extra=None):
    """Return an OpenDocument package with the parts its format requires, and *extra*."""
    return package(
        {
            "mimetype": ODF[extension].encode(),
            "content.xml": b"<office:document-content/>",
            "META-INF/manifest.xml": b"<manifest/>",
            **(extra or {}),
        }
    )


def attach(idea, content, filename):
    return attachments.add_attachment(idea, idea.author, io.BytesIO(content), filename)


@pytest.mark.parametrize("extension", [*OOXML, *ODF])
def test_sound_office_and_opendocument_files_are_accepted(db, extension):
    content = office(extension) if extension in OOXML else opendocument(extension)
    stored = attach(factories.idea(), content, f"Konzept.{extension}")
    assert stored.filename == f"Konzept.{extension}"


def refused(idea, content, filename, writes_nothing):
    with writes_nothing(), pytest.raises(UploadRefused) as raised:
        attach(idea, content, filename)
    return raised.value.message


def test_asvs_v5_2_3_a_zip_bomb_is_refused(db, writes_nothing):
    # 30 MB of zeros pack into some 30 kB: a thousand times the file's size.
    bomb = office(extra={"word/media/image1.bin": bytes(30_000_000)})
    assert len(bomb) < 100_000
    message = refused(factories.idea(), bomb, "Bombe.docx", writes_nothing)
    assert "30 MB" in message
    assert "100-Fache" in message


def test_asvs_v5_2_3_a_package_larger_than_allowed_when_unpacked_is_refused(
    app, db, writes_nothing
):
    # Random bytes do not compress: the ratio is fine, the sum is not.
    large = office(extra={"word/media/image1.png": os.urandom(300_000)})
    app.config["UPLOAD_MAX_UNPACKED_BYTES"], limit = (
        200_000,
        app.config["UPLOAD_MAX_UNPACKED_BYTES"],
    )
    try:
        message = refused(factories.idea(), large, "Gross.docx", writes_nothing)
    finally:
        app.config["UPLOAD_MAX_UNPACKED_BYTES"] = limit
    assert "höchstens 0,2 MB" in message


@pytest.mark.parametrize(
    "part",
    [
        "word/embeddings/setup.exe",
        "word/media/helper.dll",
        "word/start.js",
        "word/makro.vbs",
        "install.bat",
        "word/seite.html",
        "word/seite.HTM",
        "word/media/bild.svg",
    ],
)
def test_asvs_v5_2_2_a_document_with_a_program_script_or_web_page_inside_is_refused(
    db, writes_nothing, part
):
    content = office(extra={part: b"MZ\x90\x00"})
    message = refused(factories.idea(), content, "Konzept.docx", writes_nothing)
    assert part.rsplit("/", 1)[-1] in message


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (office(extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "Makro.docx"),
        (office("xlsx", {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "Makro.xlsx"),
        (opendocument(extra={"Basic/Standard/Module1.xml": b"<script:module/>"}), "Makro.odt"),
        (opendocument("ods", {"Scripts/python/makro.py": b"print()"}), "Makro.ods"),
    ],
)
def test_asvs_v5_2_2_a_macro_document_is_refused(db, writes_nothing, content, filename):
    message = refused(factories.idea(), content, filename, writes_nothing)
    assert "Makros" in message


def test_asvs_v5_2_2_a_zip_renamed_docx_is_refused(db, writes_nothing):
    idea = factories.idea()
    plain = package({"liesmich.txt": b"Hallo", "daten.csv": b"a;b"})
    refused(idea, plain, "Bericht.docx", writes_nothing)
    # A Word folder alone does not make a Word document.
    word_folder = package({"word/document.xml": b"<document/>", "notizen.txt": b"x"})
    message = refused(idea, word_folder, "Bericht.docx", writes_nothing)
    assert "[Content_Types].xml" in message


@pytest.mark.parametrize(
    ("content", "missing"),
    [
        (package({"[Content_Types].xml": b"<Types/>", "word/styles.xml": b"<s/>"}), "word/"),
        (package({"mimetype": ODF["odt"].encode(), "styles.xml": b"<s/>"}), "content.xml"),
    ],
)
def test_asvs_v5_2_2_a_package_without_its_main_part_is_refused(
    db, writes_nothing, content, missing
):
    message = refused(factories.idea(), content, "Teil.docx", writes_nothing)
    assert missing in message


def test_asvs_v5_2_2_an_opendocument_must_declare_its_own_type(db, writes_nothing):
    # The type detection reads the first bytes of `mimetype`; the part says more behind them.
    content = package(
        {
            "mimetype": ODF["odt"].encode() + b"-template+html",
            "content.xml": b"<office:document-content/>",
        }
    )
    message = refused(factories.idea(), content, "Vorlage.odt", writes_nothing)
    assert "Typangabe" in message


def test_asvs_v5_2_2_a_damaged_package_is_refused(db, writes_nothing):
    content = office()
    # The local headers (which type detection reads) survive; the central directory does not.
    refused(factories.idea(), content[: len(content) // 2], "Kaputt.docx", writes_nothing)


def test_asvs_v5_2_3_a_package_of_too_many_parts_is_refused(db, writes_nothing):
    parts = {f"word/media/teil{number}.xml": b"" for number in range(10_001)}
    message = refused(factories.idea(), office(extra=parts), "Viele.docx", writes_nothing)
    assert "zu vielen Teilen" in message


def test_asvs_v5_2_5_a_package_with_a_symbolic_link_is_refused(db, writes_nothing):
    buffer = io.BytesIO(office())
    with zipfile.ZipFile(buffer, "a") as archive:
        link = zipfile.ZipInfo("word/media/bild.png")
        link.external_attr = 0o120777 << 16  # a symbolic link, as Unix zip stores it
        archive.writestr(link, "/etc/passwd")
    message = refused(factories.idea(), buffer.getvalue(), "Link.docx", writes_nothing)
    assert "Verweis" in message


@pytest.mark.parametrize("name", ["../../etc/cron.d/job", "/etc/passwd"])
def test_asvs_v5_3_3_a_part_outside_the_package_is_refused(db, writes_nothing, name):
    content = package(
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<d/>", name: b"x"}
    )
    refused(factories.idea(), content, "Pfad.docx", writes_nothing)


def test_asvs_v5_2_2_a_refused_office_upload_through_the_page_writes_nothing(
    client, login_as, writes_nothing, app
):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author)
    token = csrf_token(client, f"/ideas/{idea.id}")
    before = (
        set(app.config["UPLOAD_PATH"].glob("*")) if app.config["UPLOAD_PATH"].exists() else set()
    )
    with writes_nothing():
        response = client.post(
            f"/ideas/{idea.id}/attachments",
            data={
                "csrf_token": token,
                "file": (
                    io.BytesIO(office(extra={"word/vbaProject.bin": b"\xd0\xcf"})),
                    "Makro.docm",
                ),
            },
        )
    assert response.status_code == 422
    assert "Makros" in response.get_data(as_text=True)
    after = (
        set(app.config["UPLOAD_PATH"].glob("*")) if app.config["UPLOAD_PATH"].exists() else set()
    )
    assert after == before
    assert factories.db.session.query(Attachment).filter_by(idea_id=idea.id).count() == 0
