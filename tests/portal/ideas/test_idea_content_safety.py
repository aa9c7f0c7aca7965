"""Markdown is rendered without script or HTML injection; uploads are checked by content."""

import io
import zipfile

import pytest

from portal.accounts.models import Role
from portal.core.markdown import render_markdown
from portal.ideas.services import attachments
from portal.ideas.services.attachments import UploadRefused
from tests import factories
from tests.conftest import csrf_token

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="x" onerror="alert(1)">', "<img"),
        ("[klick](javascript:alert(1))", 'href="javascript'),
        ("[klick](JaVaScRiPt:alert(1))", "href="),
        ('<a href="https://example.org" onclick="alert(1)">x</a>', "<a "),
        ("[x](data:text/html;base64,PHNjcmlwdD4=)", 'href="data'),
        ('<iframe src="https://example.org"></iframe>', "<iframe"),
        ("![bild](https://tracker.example/pixel.png)", "<img"),
        ("<svg onload=alert(1)>", "<svg"),
    ],
)
def test_markdown_neutralises_injection(markdown, forbidden):
    assert forbidden not in str(render_markdown(markdown)).lower()


def test_markdown_keeps_formatting_and_makes_links_safe():
    html = str(render_markdown("**wichtig**\n\n- eins\n- zwei\n\n[KERN](https://www.kern-ux.de)"))
    assert "<strong>wichtig</strong>" in html
    assert "<li>eins</li>" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_idea_page_shows_no_injected_script(client, login_as):
    idea = factories.idea(problem="<script>alert('x')</script> **fett**")
    login_as(Role.EMPLOYEE)
    html = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "<script>alert" not in html
    assert "<strong>fett</strong>" in html


def _office_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename", "stored_as"),
    [
        (PDF, "Konzept.pdf", "Konzept.pdf"),
        (PNG, "../../etc/Foto vom Flur.PNG", "Foto vom Flur.png"),
        (PDF, "Konzept.exe", "Konzept.pdf"),
        (_office_document(), "Entwurf.docx", "Entwurf.docx"),
    ],
)
def test_accepted_files_are_named_by_their_detected_type(app, db, content, filename, stored_as):
    idea = factories.idea()
    attachment = attachments.add_attachment(idea, idea.author, io.BytesIO(content), filename)
    assert attachment.filename == stored_as
    stored = attachments.get_attachment(idea, attachment.id)[1]
    assert stored.parent == app.config["UPLOAD_PATH"]
    assert stored.name == attachment.storage_name
    assert filename not in stored.name


def test_a_rolled_back_upload_leaves_no_file_behind(db):
    idea = factories.idea()
    attachment = attachments.add_attachment(idea, idea.author, io.BytesIO(PDF), "Konzept.pdf")
    stored = attachments.get_attachment(idea, attachment.id)[1]
    assert stored.is_file()
    db.session.rollback()
    assert not stored.exists()


def test_a_committed_upload_keeps_its_file(db):
    idea = factories.idea()
    attachment = attachments.add_attachment(idea, idea.author, io.BytesIO(PDF), "Konzept.pdf")
    stored = attachments.get_attachment(idea, attachment.id)[1]
    db.session.commit()
    assert stored.is_file()


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,  # a Windows program
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"#!/bin/sh\nrm -rf /\n",
        b"",
    ],
)
def test_disguised_or_empty_files_are_refused(db, content):
    idea = factories.idea()
    with pytest.raises(UploadRefused):
        attachments.add_attachment(idea, idea.author, io.BytesIO(content), "Konzept.pdf")


def test_size_limit_is_enforced(app, db):
    idea = factories.idea()
    app.config["UPLOAD_MAX_BYTES"], limit = 500_000, app.config["UPLOAD_MAX_BYTES"]
    try:
        too_large = PDF + b" " * 500_000
        with pytest.raises(UploadRefused, match="0,5 MB"):
            attachments.add_attachment(idea, idea.author, io.BytesIO(too_large), "a.pdf")
        just_right = too_large[:500_000]
        assert attachments.add_attachment(idea, idea.author, io.BytesIO(just_right), "a.pdf").size
    finally:
        app.config["UPLOAD_MAX_BYTES"] = limit


def test_upload_and_download_through_the_pages(client, login_as):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author)
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(
        f"/ideas/{idea.id}/attachments",
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "Konzept Termine.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = attachments.idea_attachments(idea)[0]
    response = client.get(f"/ideas/{idea.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "Konzept Termine.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Type"] == "application/pdf"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()


def test_refused_upload_says_why_on_the_page(client, login_as):
    author = login_as(Role.EMPLOYEE)
    idea = factories.idea(author=author)
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(
        f"/ideas/{idea.id}/attachments",
        data={"csrf_token": token, "file": (io.BytesIO(b"<html></html>"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert attachments.idea_attachments(idea) == []


def test_attachments_of_a_draft_are_served_only_to_its_author(client, login_as):
    draft = factories.idea(submit=False)
    attachment = attachments.add_attachment(draft, draft.author, io.BytesIO(PDF), "a.pdf")
    login_as(Role.EMPLOYEE)
    assert client.get(f"/ideas/{draft.id}/attachments/{attachment.id}").status_code == 404
    other = factories.idea()
    assert client.get(f"/ideas/{other.id}/attachments/{attachment.id}").status_code == 404


def test_colleagues_cannot_attach_to_ideas_of_others(client, login_as):
    idea = factories.idea()
    login_as(Role.EMPLOYEE)
    token = csrf_token(client, f"/ideas/{idea.id}")
    response = client.post(
        f"/ideas/{idea.id}/attachments",
        data={"csrf_token": token, "file": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403
