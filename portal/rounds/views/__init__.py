"""Pages of prioritisation rounds, one blueprint in parts: the rounds and their catalogue,
the board's weighting, the assessors' scoring."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rounds", __name__, template_folder="../templates")

# The parts add their routes to the blueprint when they are imported.
from portal.rounds.views import (  # noqa: E402, F401
    assignment,
    catalogue,
    export,
    portfolio,
    ranking,
    rounds,
    scoring,
    weighting,
    whatif,
)
