"""Pages of projects, one blueprint in parts: the portfolio and projects, work, reporting,
evaluation, waves and roles."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("projects", __name__, template_folder="../templates")

# The parts add their routes to the blueprint when they are imported.
from portal.projects.views import evaluation, projects, reporting, waves, work  # noqa: E402, F401
