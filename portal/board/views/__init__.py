"""Pages of the steering board, one blueprint in parts: boards, meetings, votes and decisions."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("board", __name__, template_folder="../templates")

# The parts add their routes to the blueprint when they are imported.
from portal.board.views import boards, meetings, votes  # noqa: E402, F401
