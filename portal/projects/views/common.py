"""Pieces the views of projects share: choices of the forms and the project page."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.accounts.models import OrgUnit, User
from portal.core.forms import optional_choices
from portal.extensions import db
from portal.projects.forms import (
    DocumentForm,
    MilestoneForm,
    StatusForm,
)
from portal.projects.models import Project, Traffic, Wave
from portal.projects.services import pages, waves
from portal.projects.services.time import today


def people_choices() -> list[SelectChoice]:
    """Return the active accounts as choices, by name."""
    return [
        SelectChoice(u.id, u.name)
        for u in db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.name))
    ]


def unit_choices() -> list[SelectChoice]:
    """Return the org units as choices after an empty one."""
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.code))
    return optional_choices(_("— none —"), ((u.id, f"{u.code} {u.name}") for u in units))


def wave_choices() -> list[SelectChoice]:
    """Return the waves as choices after an empty one."""
    return optional_choices(_("— no wave yet —"), ((w.id, w.name) for w in waves.waves()))


def status_form(project: Project) -> StatusForm:
    """Return the progress report form of *project*, preset with its status."""
    form = StatusForm(
        traffic=project.traffic.value,
        progress=project.progress,
        reason=project.traffic_reason,
        lock_version=str(project.lock_version),
    )
    prepare_status(form)
    return form


def prepare_status(form: StatusForm) -> None:
    """Set the choices of the status form."""
    form.traffic.choices = [SelectChoice(t.value, t.label) for t in Traffic]


def render_detail(project: Project, status: int = 200, **forms: Any) -> ResponseReturnValue:
    """Render the page of *project*, with refused *forms* as they were sent."""
    page = pages.project_page(project, signed_in_user(), today())
    forms.setdefault("status_form", status_form(project) if page.may_change else None)
    forms.setdefault("milestone_form", MilestoneForm() if page.may_change else None)
    forms.setdefault("document_form", DocumentForm() if page.may_change else None)
    return render_template(
        "projects/detail.html", page=page, project=project, error=forms.pop("error", ""), **forms
    ), status


def wave_name(wave: Wave | None) -> str:
    """Return the name of *wave*, or say that the project has none yet."""
    return wave.name if wave else _("No wave yet")
