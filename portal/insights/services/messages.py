"""How the notifications of the insights module read; written when read, in the reader's
language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from portal.core.registry import MessageRenderer
from portal.insights.services.documents import FAILED, READY


def _ready(p: Mapping[str, Any]) -> str:
    return str(_("The document “%(title)s” is ready.", title=p["title"]))


def _failed(p: Mapping[str, Any]) -> str:
    return str(
        _("The document “%(title)s” could not be generated; you can try again.", title=p["title"])
    )


MESSAGES: dict[str, MessageRenderer] = {READY: _ready, FAILED: _failed}
