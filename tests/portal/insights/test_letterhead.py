"""The letterhead: administrators alone set the issuing unit and the logo, which is checked by
its content and size before anything is stored."""

import io

import pytest
from flask_babel import force_locale
from PIL import Image

import reports
from portal.accounts.models import Role
from portal.extensions import db
from portal.insights.models import Letterhead
from portal.insights.services import letterhead
from tests.conftest import csrf_token

URL = "/insights/letterhead"


def png(size=(40, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "#003064").save(buffer, "PNG")
    return buffer.getvalue()


def upload(client, data, filename="logo.png", issuer="Stabsstelle Digitalisierung"):
    token = csrf_token(client, URL)
    return client.post(
        URL,
        data={"csrf_token": token, "issuer": issuer, "logo": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def test_an_administrator_sets_the_logo_and_the_documents_carry_it(client, login_as, db):
    login_as(Role.ADMIN, locale="en")
    logo = png()

    answer = upload(client, logo)

    assert answer.status_code == 302
    found = letterhead.letterhead()
    assert found.logo == logo
    assert found.issuer == "Stabsstelle Digitalisierung"
    assert client.get(f"{URL}/logo").data == logo
    assert "A logo is set." in client.get("/admin/settings").get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.7 not a picture", "is not a PNG, JPEG or SVG image"),
        (b"\x89PNG\r\n\x1a\n" + b"broken" * 10, "is not a PNG, JPEG or SVG image"),
        (png((900, 900)), "at most 1 KiB"),
        (b"", "The file is empty"),
    ],
)
def test_a_logo_that_is_no_image_or_too_large_is_refused(
    client, login_as, writes_nothing, monkeypatch, data, message
):
    login_as(Role.ADMIN, locale="en")
    # A smaller limit than the real one keeps the upload in memory (Werkzeug's test client
    # spools larger bodies to a file it does not close).
    monkeypatch.setattr(reports, "MAX_LOGO_BYTES", 1024)

    with writes_nothing():
        answer = upload(client, data)

    assert answer.status_code == 422
    html = answer.get_data(as_text=True)
    assert message in html
    # The form keeps what was typed.
    assert 'value="Stabsstelle Digitalisierung"' in html
    assert db.session.scalar(db.select(Letterhead)) is None


def test_the_real_limit_is_that_of_the_documents(db):
    with force_locale("en"), pytest.raises(letterhead.LogoRefused, match="513 KiB; at most 512"):
        letterhead.check_logo(b"\x89PNG\r\n\x1a\n" + b"0" * reports.MAX_LOGO_BYTES)


@pytest.mark.parametrize("role", [Role.EMPLOYEE, Role.BOARD_MEMBER, Role.MODERATOR])
def test_only_administrators_keep_the_letterhead(client, login_as, db, role):
    login_as(role, locale="en")

    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/logo").status_code == 403
