"""How the notifications of projects read; written when read, in the reader's language."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _

from portal.core.registry import Link, MessageRenderer

EVALUATION_DUE = "projects.evaluation_due"


def project_link(project_id: int) -> Link:
    """Return the page of project *project_id*."""
    return Link("projects.detail", {"project_id": project_id})


def _evaluation_due(p: Mapping[str, Any]) -> str:
    return str(
        _(
            "The evaluation of your project “%(title)s” is due on %(date)s: please record the "
            "indicators' values and write the closing report.",
            title=p["title"],
            date=format_date(date.fromisoformat(p["date"]), "medium"),
        )
    )


MESSAGES: dict[str, MessageRenderer] = {EVALUATION_DUE: _evaluation_due}
