"""Safe redirect targets and links that leave the portal (in e-mails)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter, Map, RequestRedirect

from portal.core.access import declared_access, may_access
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


def readable_url(path: str, user: Any, query: str = "") -> str:
    """Return the nearest address at or above *path* that *user* may open with GET.

    A refused form is re-rendered at the address it was sent to, which may answer POST only
    (`/ideas/5/comments`); reloading it or switching the language there would fail. Path
    segments are dropped from the end until the URL map finds a page that answers GET and
    admits *user* (`/ideas/5`), at worst the start page. *query* is kept only when *path*
    itself answers GET.
    """
    adapter = current_app.url_map.bind("localhost")
    candidate = path or "/"
    while True:
        try:
            endpoint, _args = adapter.match(candidate, method="GET")
        except RequestRedirect as redirect:
            # `/notifications` → `/notifications/`: the map's own canonical address.
            candidate = urlsplit(redirect.new_url).path
            continue
        except HTTPException:
            endpoint = None
        if endpoint is not None:
            view = current_app.view_functions.get(endpoint)
            allowed = declared_access(view) if view is not None else None
            if allowed is not None and may_access(user, allowed):
                if candidate == path and query:
                    return f"{candidate}?{query}"
                return candidate
        if candidate in ("", "/"):
            return "/"
        candidate = candidate.rstrip("/").rpartition("/")[0] or "/"


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


def as_key(value: object) -> int | None:
    """Return *value* as a database key (an id, a row's version), None when it names none.

    Text, superscript or Arabic-Indic digits and numbers beyond a key (which would overflow the
    query, or Python's conversion of very long digit strings) name nothing.
    """
    text = "" if value is None else str(value)
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(LARGEST_ID))):
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: a whole number that fits a database key, so that thirty digits
    answer 404 instead of overflowing the query."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(url_map, *args, **kwargs)
