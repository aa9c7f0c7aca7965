"""The shape of the input of the documents and the letterhead."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Field, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from portal.core.forms import optional_int, strip
from portal.insights.models import DocumentKind


class DocumentForm(FlaskForm):
    """Ask for a document about a round."""

    kind = SelectField(_l("Document"), validators=[DataRequired()])
    round_id = SelectField(_l("Round"), coerce=optional_int, validators=[DataRequired()])
    submit = SubmitField(_l("Generate"))

    def asked(self) -> tuple[DocumentKind, int | None, Field | None]:
        """Return the kind asked for, its subject and the field that answers for it."""
        return DocumentKind(self.kind.data), self.round_id.data, self.round_id


class MeetingPackForm(FlaskForm):
    """Ask for the pack of a board meeting."""

    # The service says which meetings a user may ask about (those of the boards they sit on or
    # keep), and why another is refused.
    meeting_id = SelectField(
        _l("Meeting"), coerce=optional_int, validators=[DataRequired()], validate_choice=False
    )
    submit = SubmitField(_l("Generate"))

    def asked(self) -> tuple[DocumentKind, int | None, Field | None]:
        """Return the kind asked for, its subject and the field that answers for it."""
        return DocumentKind.MEETING_PACK, self.meeting_id.data, self.meeting_id


class ProjectReportForm(FlaskForm):
    """Ask for the status report of the municipality's projects, of all or of one wave."""

    wave_id = SelectField(_l("Wave"), coerce=optional_int, validators=[Optional()])
    submit = SubmitField(_l("Generate"))

    def asked(self) -> tuple[DocumentKind, int | None, Field | None]:
        """Return the kind asked for, its wave (None: every wave) and the field that answers."""
        return DocumentKind.PROJECT_REPORT, self.wave_id.data, self.wave_id


class VersionForm(FlaskForm):
    """Retry or release a document as it was shown."""

    lock_version = HiddenField(filters=[optional_int])


class LetterheadForm(FlaskForm):
    """The letterhead of the documents."""

    issuer = StringField(
        _l("Issuing unit"),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
        description=_l(
            'Named as lead unit in the council paper, e.g. "Stabsstelle Digitalisierung".'
        ),
    )
    logo = FileField(
        _l("Logo"),
        description=_l("PNG, JPEG or SVG, at most 512 KiB. Leave empty to keep the current logo."),
    )
    remove_logo = BooleanField(_l("Remove the logo"))
    submit = SubmitField(_l("Save"))
