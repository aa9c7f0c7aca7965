"""Safe redirect targets and links that leave the portal (in e-mails)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.routing import IntegerConverter, Map

from portal.core.registry import Link


def safe_next(target: str | None, fallback: str) -> str:
    """Return *target* if it is a path on this site, else *fallback* (no open redirects)."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


def external_url(link: Link) -> str:
    """Return the absolute URL of *link* as users reach the portal (`PORTAL_URL`).

    It needs no request, so that a mail job can link to a page.
    """
    base = urlsplit(current_app.config["PORTAL_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    args = dict(link.args)
    anchor = args.pop("_anchor", None)
    url = adapter.build(link.endpoint, args, force_external=True)
    return f"{url}#{anchor}" if anchor else url


#: Keys in the database are 32-bit integers; a larger number in a URL names nothing.
LARGEST_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: a whole number that fits a database key, so that thirty digits
    answer 404 instead of overflowing the query."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)
