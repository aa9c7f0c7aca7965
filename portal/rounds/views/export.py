"""The export of a round's ranking for recomputation: JSON and a ZIP of CSV files."""

from __future__ import annotations

from flask import Response
from flask.typing import ResponseReturnValue

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.rounds.services import access, export
from portal.rounds.views import bp


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/<int:round_id>/export.json")
@allow(SIGNED_IN)
def export_json(round_id: int) -> ResponseReturnValue:
    found = export.round_export(access.get_round(round_id), signed_in_user())
    return _download(export.json_file(found), "application/json", export.filename(round_id, "json"))


@bp.route("/<int:round_id>/export.zip")
@allow(SIGNED_IN)
def export_zip(round_id: int) -> ResponseReturnValue:
    found = export.round_export(access.get_round(round_id), signed_in_user())
    body = export.csv_bundle(found)
    return _download(body, "application/zip", export.filename(round_id, "zip"))
