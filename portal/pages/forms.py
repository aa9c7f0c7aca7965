"""The form in which administrators write a legal text."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from portal.pages.services import MAX_LENGTH


class LegalTextForm(FlaskForm):
    """One legal text in Markdown."""

    body = TextAreaField(
        _l("Text (in German)"),
        validators=[
            DataRequired(message=_l("Please enter the text of the page.")),
            Length(max=MAX_LENGTH),
        ],
        description=_l(
            "Write the text in German: the page shows it as written in both languages of the "
            "portal, and tells English readers that it is in German. Markdown: ### for headings, "
            "**bold**, lists with “-”, links as [text](https://…), e-mail addresses as "
            "[name@stadt.de](mailto:name@stadt.de)."
        ),
        render_kw={"rows": 24, "lang": "de"},
    )
    submit = SubmitField(_l("Save"))
