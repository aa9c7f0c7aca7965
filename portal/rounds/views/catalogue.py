"""Pages of a round's criteria catalogue: reading a version, editing the draft (templates,
criteria with their scales, their order), and new versions while scoring runs."""

from __future__ import annotations

from dataclasses import dataclass

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import SIGNED_IN, allow
from portal.core.confirm import Confirmation, ask, confirmed
from portal.core.errors import NotFound
from portal.core.forms import ActionForm, enum_choices
from portal.rounds.forms import LEVEL_TEXT_MAX, CriterionForm, FreezeForm, TemplateForm
from portal.rounds.models import Criterion, CriterionKind, Direction, MeasuredSource, Round
from portal.rounds.services import access, catalogue, round_page
from portal.rounds.views import bp

#: A rating scale has this many levels at most (`catalogue._check` says the same).
MOST_LEVELS = 11


@bp.route("/<int:round_id>/catalogue")
@bp.route("/<int:round_id>/catalogue/<int:version>")
@allow(SIGNED_IN)
def catalogue_view(round_id: int, version: int | None = None) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    return render_template(
        "rounds/catalogue.html",
        round=round_,
        page=round_page.catalogue_page(round_, version, signed_in_user()),
    )


def _editor_url(round_: Round, anchor: str | None = None) -> str:
    return url_for("rounds.catalogue_edit", round_id=round_.id, _anchor=anchor)


def _render_editor(
    round_: Round, status: int = 200, template_form: TemplateForm | None = None
) -> ResponseReturnValue:
    page = round_page.editor_page(round_, signed_in_user())
    form = template_form or TemplateForm()
    form.template.choices = [SelectChoice(t.key, t.name) for t in page.templates]
    return render_template(
        "rounds/catalogue_edit.html",
        round=round_,
        page=page,
        template_form=form,
        freeze_form=FreezeForm(),
        action_form=ActionForm(),
    ), status


@bp.route("/<int:round_id>/catalogue/edit")
@allow(Role.MODERATOR)
def catalogue_edit(round_id: int) -> ResponseReturnValue:
    return _render_editor(access.get_round(round_id))


@bp.route("/<int:round_id>/catalogue/template", methods=["POST"])
@allow(Role.MODERATOR)
def catalogue_template(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    form = TemplateForm()
    form.template.choices = [SelectChoice(t.key, t.name) for t in catalogue.templates()]
    if not form.validate_on_submit():
        return _render_editor(round_, 422, form)
    filled = catalogue.start_from_template(round_, form.template.data or "", signed_in_user())
    flash(
        _(
            "The catalogue now holds the %(num)s criteria of the template. Adjust them to the "
            "round.",
            num=len(filled.criteria),
        ),
        "success",
    )
    return redirect(_editor_url(round_))


@dataclass
class LevelRow:
    """A level of a rating scale as the form shows it."""

    value: int
    text: str = ""
    justify: bool = False
    error: str = ""


def _rows(low: int | None, high: int | None, known: dict[int, LevelRow]) -> list[LevelRow]:
    """Return a row for each level from *low* to *high*, keeping what *known* holds."""
    if low is None or high is None or not 1 <= high - low < MOST_LEVELS:
        return []
    return [known.get(value, LevelRow(value)) for value in range(low, high + 1)]


def _sent_rows() -> dict[int, LevelRow]:
    """Return the level rows the form sent, by value (the rows of the range it showed)."""
    found: dict[int, LevelRow] = {}
    for name, text in request.form.items():
        prefix, _sep, rest = name.partition("-")
        number, _sep, field = rest.rpartition("-")
        if prefix != "level" or field != "text":
            continue
        try:
            value = int(number)
        except ValueError:
            continue
        found[value] = LevelRow(
            value, text.strip(), request.form.get(f"level-{number}-justify") == "1"
        )
    return found


def _prepare(form: CriterionForm, rows: list[LevelRow]) -> None:
    form.direction.choices = enum_choices(Direction)
    form.kind.choices = enum_choices(CriterionKind)
    form.source.choices = enum_choices(MeasuredSource)
    form.knockout_level.choices = [
        SelectChoice("", _("No knock-out")),
        *(
            SelectChoice(
                str(row.value),
                _("A score of %(value)s or more makes the idea mandatory", value=row.value),
            )
            for row in rows
        ),
    ]


def _fill(form: CriterionForm, criterion: Criterion | None) -> None:
    """Fill a fresh form with *criterion*, or with the defaults of a new one."""
    if criterion is None:
        measured = request.args.get("kind") == CriterionKind.MEASURED.value
        form.kind.data = (CriterionKind.MEASURED if measured else CriterionKind.RATING).value
        form.direction.data = Direction.BENEFIT.value
        form.source.data = MeasuredSource.ASSESSOR.value
        return
    form.name.data = criterion.name
    form.description.data = criterion.description
    form.direction.data = criterion.direction.value
    form.kind.data = criterion.kind.value
    form.unit.data = criterion.unit
    form.source.data = (criterion.source or MeasuredSource.ASSESSOR).value
    form.knockout_level.data = (
        "" if criterion.knockout_level is None else str(criterion.knockout_level)
    )
    if criterion.kind is CriterionKind.RATING:
        form.scale_min.data = int(criterion.scale_min)
        form.scale_max.data = int(criterion.scale_max)
    else:
        form.lower_bound.data = criterion.scale_min
        form.upper_bound.data = criterion.scale_max


def _missing(form: CriterionForm, rating: bool) -> bool:
    """Mark the fields the chosen kind needs but the form left empty; tell whether any."""
    needed = (form.scale_min, form.scale_max) if rating else (form.lower_bound, form.upper_bound)
    empty = [f for f in needed if f.data is None and not f.errors]
    for f in empty:
        f.errors = [_("Please fill this in.")]
    return bool(empty)


def _criterion_data(
    form: CriterionForm, rows: list[LevelRow], criterion: Criterion | None
) -> catalogue.CriterionData:
    rating = form.kind.data == CriterionKind.RATING.value
    knockout = form.knockout_level.data or ""
    return catalogue.CriterionData(
        key=criterion.key if criterion else "",
        name=form.name.data or "",
        description=form.description.data or "",
        direction=Direction(form.direction.data),
        kind=CriterionKind(form.kind.data),
        scale_min=float((form.scale_min.data if rating else form.lower_bound.data) or 0),
        scale_max=float((form.scale_max.data if rating else form.upper_bound.data) or 0),
        unit="" if rating else form.unit.data or "",
        source=None if rating else MeasuredSource(form.source.data),
        knockout_level=int(knockout) if rating and knockout.lstrip("-").isdigit() else None,
        levels=tuple(catalogue.LevelData(r.value, r.text, r.justify) for r in rows)
        if rating
        else (),
    )


def _criterion_form(round_: Round, criterion_id: int | None) -> ResponseReturnValue:
    user = signed_in_user()
    editor = round_page.editor_page(round_, user)
    criterion = None
    if criterion_id is not None:
        criterion = next((c for c in editor.criteria if c.id == criterion_id), None)
        if criterion is None:
            raise NotFound(_("This criterion is not in the round's draft."))
    form = CriterionForm()
    if request.method == "GET":
        _fill(form, criterion)
        known = {
            lv.value: LevelRow(lv.value, lv.text, lv.needs_justification)
            for lv in (criterion.levels if criterion else ())
        }
    else:
        known = _sent_rows()
    rows = _rows(form.scale_min.data, form.scale_max.data, known)
    _prepare(form, rows)
    rating = form.kind.data != CriterionKind.MEASURED.value
    status, error, updated = 200, "", False
    if request.method == "POST":
        status = 422
        if request.form.get("action") == "apply":
            # Only the fields for another kind or range were asked for; nothing is saved.
            status, updated = 200, True
        else:
            if not rows:
                # Without levels there is no knock-out level to choose.
                form.knockout_level.data = ""
            valid = form.validate_on_submit()
            missing = _missing(form, rating)
            for row in rows:
                if len(row.text) > LEVEL_TEXT_MAX:
                    row.error = _("At most %(num)s characters.", num=LEVEL_TEXT_MAX)
            if valid and not missing and not any(row.error for row in rows):
                try:
                    saved = catalogue.save_criterion(
                        round_, criterion_id, _criterion_data(form, rows, criterion), user
                    )
                except catalogue.CatalogueRefused as refused:
                    error = refused.message
                else:
                    flash(_("The criterion “%(name)s” has been saved.", name=saved.name), "success")
                    return redirect(_editor_url(round_, f"criterion-{saved.id}"))
            else:
                error = _("Please correct the fields marked below.")
    return render_template(
        "rounds/criterion_form.html",
        round=round_,
        editor=editor,
        criterion=criterion,
        form=form,
        rows=rows,
        rating=rating,
        error=error,
        updated=updated,
        most_levels=MOST_LEVELS,
        level_max=LEVEL_TEXT_MAX,
    ), status


@bp.route("/<int:round_id>/catalogue/criteria/new", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def criterion_new(round_id: int) -> ResponseReturnValue:
    return _criterion_form(access.get_round(round_id), None)


@bp.route("/<int:round_id>/catalogue/criteria/<int:criterion_id>", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def criterion_edit(round_id: int, criterion_id: int) -> ResponseReturnValue:
    return _criterion_form(access.get_round(round_id), criterion_id)


def _draft_criterion(round_: Round, criterion_id: int) -> Criterion:
    draft = catalogue.editable_draft(round_, signed_in_user())
    found = next((c for c in draft.criteria if c.id == criterion_id), None)
    if found is None:
        raise NotFound(_("This criterion is not in the round's draft."))
    return found


@bp.route("/<int:round_id>/catalogue/criteria/<int:criterion_id>/move", methods=["POST"])
@allow(Role.MODERATOR)
def criterion_move(round_id: int, criterion_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    criterion = _draft_criterion(round_, criterion_id)
    offsets = {"up": -1, "down": 1}
    direction = request.form.get("direction", "")
    if not ActionForm().validate_on_submit() or direction not in offsets:
        return _render_editor(round_, 422)
    catalogue.move_criterion(round_, criterion.id, offsets[direction], signed_in_user())
    return redirect(_editor_url(round_, f"criterion-{criterion.id}"))


@bp.route("/<int:round_id>/catalogue/criteria/<int:criterion_id>/remove", methods=["POST"])
@allow(Role.MODERATOR)
def criterion_remove(round_id: int, criterion_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    criterion = _draft_criterion(round_, criterion_id)
    if not ActionForm().validate_on_submit():
        return _render_editor(round_, 422)
    if not confirmed():
        details = [_("The criterion, its description and its scale are removed from the draft.")]
        if criterion.catalogue.weighted_at is not None:
            details.append(
                _("The board's weights of this draft are reset and must be given again.")
            )
        return ask(
            Confirmation(
                _("Really remove the criterion “%(name)s”?", name=criterion.name),
                _("Remove criterion"),
                _editor_url(round_, f"criterion-{criterion.id}"),
                details=tuple(details),
            )
        )
    name = criterion.name
    catalogue.remove_criterion(round_, criterion.id, signed_in_user())
    flash(_("The criterion “%(name)s” has been removed.", name=name), "success")
    return redirect(_editor_url(round_))


@bp.route("/<int:round_id>/catalogue/version", methods=["POST"])
@allow(Role.MODERATOR)
def catalogue_new_version(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("rounds.detail", round_id=round_.id))
    opened = catalogue.open_new_version(round_, signed_in_user())
    flash(
        _(
            "Version %(version)s of the catalogue is now a draft. Scores keep using the version "
            "in force until you freeze the new one.",
            version=opened.version,
        ),
        "success",
    )
    return redirect(_editor_url(round_))


@bp.route("/<int:round_id>/catalogue/freeze", methods=["POST"])
@allow(Role.MODERATOR)
def catalogue_freeze(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    form = FreezeForm()
    if not form.validate_on_submit():
        return _render_editor(round_, 422)
    user = signed_in_user()
    note = form.note.data or ""
    draft, invalidated = catalogue.check_new_version(round_, user)
    if not confirmed():
        return ask(
            Confirmation(
                _("Really freeze version %(version)s of the catalogue?", version=draft.version),
                _("Freeze version %(version)s", version=draft.version),
                _editor_url(round_),
                details=(
                    _(
                        "From then on assessors score against version %(version)s; it is "
                        "published to all staff with what changed.",
                        version=draft.version,
                    ),
                    catalogue.describe(invalidated),
                ),
                quote=note.strip(),
            )
        )
    frozen = catalogue.freeze_new_version(round_, user, note=note)[0]
    flash(_("Version %(version)s of the catalogue is in force.", version=frozen.version), "success")
    return redirect(url_for("rounds.catalogue_view", round_id=round_.id, version=frozen.version))


@bp.route("/<int:round_id>/catalogue/discard", methods=["POST"])
@allow(Role.MODERATOR)
def catalogue_discard(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    if not ActionForm().validate_on_submit():
        return _render_editor(round_, 422)
    draft = catalogue.check_discard(round_, signed_in_user())
    if not confirmed():
        return ask(
            Confirmation(
                _("Really discard the draft of version %(version)s?", version=draft.version),
                _("Discard draft"),
                _editor_url(round_),
                details=(
                    _(
                        "Its changes are lost; the version in force stays as it is, and so do "
                        "the scores."
                    ),
                ),
            )
        )
    catalogue.discard_draft(round_, signed_in_user())
    flash(_("The draft has been discarded."), "success")
    return redirect(url_for("rounds.detail", round_id=round_.id))
