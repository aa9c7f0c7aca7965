"""Forms of the notification page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField

from portal.core.forms import enum_choices
from portal.notifications.models import EmailMode


class EmailModeForm(FlaskForm):
    """How a user wants e-mails about notifications."""

    email_mode = RadioField(_l("E-mails about notifications"))

    def set_choices(self) -> None:
        """Offer the modes with labels in the current language."""
        self.email_mode.choices = enum_choices(EmailMode)
