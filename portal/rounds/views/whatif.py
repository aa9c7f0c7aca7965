"""What-if: the ranking under weights the board tries out, as JSON for the ranking page's
script (the page itself renders the same without JavaScript)."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.core.errors import DomainError
from portal.rounds.services import access, whatif
from portal.rounds.views import bp
from portal.rounds.views.ranking import score_points


@bp.route("/<int:round_id>/what-if")
@allow(SIGNED_IN)
def what_if(round_id: int) -> ResponseReturnValue:
    try:
        found = whatif.what_if(
            access.get_round(round_id),
            signed_in_user(),
            request.args.get("state", ""),
            request.args,
            request.args.get("method"),
        )
    except DomainError as refused:
        problems = getattr(refused, "problems", {})
        return jsonify(error=refused.message, problems=problems), refused.status_code
    return jsonify(
        state=found.digest,
        method=found.method,
        weights=found.weights,
        total=found.total,
        moved=found.moved,
        summary=ngettext(
            "Under these weights %(num)s of the first %(shown)s ideas changes places.",
            "Under these weights %(num)s of the first %(shown)s ideas change places.",
            found.moved,
            shown=len(found.rows),
        ),
        ideas=[
            {
                "id": row.idea_id,
                "title": row.title,
                "url": url_for("ideas.detail", idea_id=row.idea_id),
                "rank": row.rank,
                "points": score_points(row.score),
                "published_rank": row.published_rank,
                "change": row.change,
            }
            for row in found.rows
        ],
    )
