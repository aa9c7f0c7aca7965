"""The day of the portal: dates of projects are days in the portal's time zone."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import current_app

from portal.core.models import utcnow


def today() -> date:
    """Return today's date in the portal's time zone."""
    return utcnow().astimezone(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
