"""The criteria catalogue of a round: templates to start from, the draft moderators edit, and
the numbered versions that freeze it.

A round has at most one draft. Starting the score phase freezes it as version 1; a frozen
version never changes. A change during scoring is made in a new draft, copied from the latest
version, and freezing that draft says which scores the change invalidates: scores of a changed or
removed criterion go, scores of an unchanged one (same key, same scale and direction) carry over.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, func, select, update

from portal.accounts.models import User
from portal.core.errors import Conflict, DomainError, NotFound
from portal.core.models import utcnow
from portal.extensions import db
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Catalogue,
    Criterion,
    CriterionKind,
    Direction,
    MeasuredSource,
    MemberWeighting,
    Round,
    ScaleLevel,
    Score,
)
from portal.rounds.services.access import require_moderator

TEMPLATES = Path(__file__).resolve().parent.parent / "catalogues.toml"

#: Catalogues are for people to read and weigh; more criteria than this help nobody.
MOST_CRITERIA = 15


class CatalogueRefused(DomainError):
    """A criterion or catalogue does not meet the rules; the message says which."""

    status_code = 422


@dataclass(frozen=True)
class LevelData:
    """A level of a rating scale as a moderator enters it."""

    value: int
    text: str
    needs_justification: bool = False


@dataclass(frozen=True)
class CriterionData:
    """A criterion as a moderator enters it."""

    key: str
    name: str
    description: str
    direction: Direction
    kind: CriterionKind
    scale_min: float
    scale_max: float
    unit: str = ""
    source: MeasuredSource | None = None
    knockout_level: int | None = None
    levels: tuple[LevelData, ...] = ()


@dataclass(frozen=True)
class Template:
    """A catalogue to start from."""

    key: str
    name: str
    description: str
    criteria: tuple[CriterionData, ...]


def _criterion_from_file(key: str, entry: dict[str, Any]) -> CriterionData:
    justify = set(entry.get("justify", []))
    if "levels" in entry:
        levels = tuple(
            LevelData(int(value), str(text), int(value) in justify)
            for value, text in entry["levels"]
        )
        return CriterionData(
            key=key,
            name=entry["name"],
            description=entry["description"],
            direction=Direction(entry["direction"]),
            kind=CriterionKind.RATING,
            scale_min=levels[0].value,
            scale_max=levels[-1].value,
            knockout_level=entry.get("knockout"),
            levels=levels,
        )
    low, high = entry["bounds"]
    return CriterionData(
        key=key,
        name=entry["name"],
        description=entry["description"],
        direction=Direction(entry["direction"]),
        kind=CriterionKind.MEASURED,
        scale_min=float(low),
        scale_max=float(high),
        unit=entry["unit"],
        source=MeasuredSource(entry["source"]),
    )


@cache
def templates() -> tuple[Template, ...]:
    """Return the catalogue templates (`catalogues.toml`), in German as municipalities use them."""
    data = tomllib.loads(TEMPLATES.read_text(encoding="utf-8"))
    criteria = {key: _criterion_from_file(key, entry) for key, entry in data["criterion"].items()}
    return tuple(
        Template(
            key=entry["key"],
            name=entry["name"],
            description=entry["description"],
            criteria=tuple(criteria[key] for key in entry["criteria"]),
        )
        for entry in data["catalogue"]
    )


def draft(round_: Round) -> Catalogue | None:
    """Return the catalogue draft of *round_*, if there is one."""
    return db.session.scalar(
        select(Catalogue).where(Catalogue.round_id == round_.id, Catalogue.frozen_at.is_(None))
    )


def latest_frozen(round_: Round) -> Catalogue | None:
    """Return the newest frozen version of *round_*'s catalogue, if any."""
    return db.session.scalar(
        select(Catalogue)
        .where(Catalogue.round_id == round_.id, Catalogue.frozen_at.is_not(None))
        .order_by(Catalogue.version.desc())
        .limit(1)
    )


def versions(round_: Round) -> list[Catalogue]:
    """Return every version of *round_*'s catalogue, the draft last."""
    return list(
        db.session.scalars(
            select(Catalogue).where(Catalogue.round_id == round_.id).order_by(Catalogue.version)
        )
    )


def _copy(criterion: CriterionData | Criterion, catalogue: Catalogue, position: int) -> Criterion:
    levels: Any = criterion.levels
    copied = Criterion(
        catalogue=catalogue,
        position=position,
        key=criterion.key,
        name=criterion.name,
        description=criterion.description,
        direction=criterion.direction,
        kind=criterion.kind,
        scale_min=criterion.scale_min,
        scale_max=criterion.scale_max,
        unit=criterion.unit,
        source=criterion.source,
        knockout_level=criterion.knockout_level,
        weight=getattr(criterion, "weight", None),
    )
    copied.levels = [
        ScaleLevel(value=lv.value, text=lv.text, needs_justification=lv.needs_justification)
        for lv in levels
    ]
    db.session.add(copied)
    return copied


def open_draft(round_: Round, moderator: User) -> Catalogue:
    """Return *round_*'s draft, making one if there is none: a copy of the latest version (its
    weights too), or an empty version 1."""
    require_moderator(moderator)
    found = draft(round_)
    if found is not None:
        return found
    latest = latest_frozen(round_)
    catalogue = Catalogue(
        round=round_,
        version=(latest.version + 1) if latest else 1,
        weighting=latest.weighting if latest else None,
        weighted_at=latest.weighted_at if latest else None,
        consistency_ratio=latest.consistency_ratio if latest else None,
    )
    db.session.add(catalogue)
    if latest is not None:
        for criterion in latest.criteria:
            _copy(criterion, catalogue, criterion.position)
    db.session.flush()
    return catalogue


def start_from_template(round_: Round, key: str, moderator: User) -> Catalogue:
    """Fill *round_*'s empty draft with the criteria of template *key*."""
    catalogue = open_draft(round_, moderator)
    if catalogue.criteria:
        raise Conflict(_("The catalogue already has criteria; a template fills only an empty one."))
    template = next((t for t in templates() if t.key == key), None)
    if template is None:
        raise NotFound(_("This catalogue template does not exist."))
    for position, criterion in enumerate(template.criteria, start=1):
        _copy(criterion, catalogue, position)
    db.session.flush()
    return catalogue


def _check(data: CriterionData, catalogue: Catalogue, criterion: Criterion | None) -> None:
    problems: list[str] = []
    if not data.name.strip():
        problems.append(_("Give the criterion a name."))
    others = [c for c in catalogue.criteria if c is not criterion]
    if any(c.name.strip().lower() == data.name.strip().lower() for c in others):
        problems.append(_("Another criterion of this catalogue has this name."))
    if data.scale_min >= data.scale_max:
        problems.append(_("The lowest value of the scale must be below the highest."))
    if data.kind is CriterionKind.RATING:
        values = [level.value for level in data.levels]
        expected = list(range(int(data.scale_min), int(data.scale_max) + 1))
        if values != expected or data.scale_min != int(data.scale_min):
            problems.append(
                _(
                    "A rating scale needs one level for each whole number from its lowest to "
                    "its highest value."
                )
            )
        if len(expected) > 11:
            problems.append(_("A rating scale has at most 11 levels."))
        if any(not level.text.strip() for level in data.levels):
            problems.append(_("Each level needs a sentence that says what it means."))
        if data.knockout_level is not None and data.knockout_level not in values:
            problems.append(_("The knock-out level must be a level of the scale."))
    else:
        if data.source is None:
            problems.append(_("Say where the measured quantity comes from."))
        if not data.unit.strip():
            problems.append(_("Give the unit of the measured quantity."))
        if data.knockout_level is not None:
            problems.append(_("Only a rating scale can have a knock-out level."))
    if problems:
        raise CatalogueRefused(" ".join(problems))


def _structure_changed(criterion: Criterion, data: CriterionData) -> bool:
    """Tell whether *data* changes what a score of *criterion* means."""
    levels = [(lv.value, lv.text) for lv in criterion.levels]
    return (
        criterion.direction is not data.direction
        or criterion.kind is not data.kind
        or criterion.scale_min != data.scale_min
        or criterion.scale_max != data.scale_max
        or levels != [(lv.value, lv.text) for lv in data.levels]
        or criterion.source is not data.source
    )


def _forget_weights(catalogue: Catalogue) -> None:
    """Drop the board's weighting of *catalogue*: its criteria changed, so must the weights."""
    # Imported here: the weighting service reads drafts from this module.
    from portal.rounds.services.weighting import announce_reset

    announce_reset(catalogue)
    db.session.execute(delete(MemberWeighting).where(MemberWeighting.catalogue_id == catalogue.id))
    for criterion in catalogue.criteria:
        criterion.weight = None
    catalogue.weighted_at = None
    catalogue.consistency_ratio = None


def save_criterion(
    round_: Round, criterion_id: int | None, data: CriterionData, moderator: User
) -> Criterion:
    """Add a criterion to *round_*'s draft (*criterion_id* None) or change one of it."""
    catalogue = open_draft(round_, moderator)
    criterion = None
    if criterion_id is not None:
        criterion = next((c for c in catalogue.criteria if c.id == criterion_id), None)
        if criterion is None:
            raise NotFound(_("This criterion is not in the round's draft."))
    _check(data, catalogue, criterion)
    if criterion is None:
        if len(catalogue.criteria) >= MOST_CRITERIA:
            raise CatalogueRefused(_("A catalogue has at most %(n)d criteria.", n=MOST_CRITERIA))
        key = _unique_key(catalogue, data.key or data.name)
        criterion = _copy(
            CriterionData(**{**data.__dict__, "key": key}), catalogue, len(catalogue.criteria) + 1
        )
        _forget_weights(catalogue)
    else:
        if _structure_changed(criterion, data):
            criterion.levels = [
                ScaleLevel(value=lv.value, text=lv.text, needs_justification=lv.needs_justification)
                for lv in data.levels
            ]
            # A new meaning: scores of the earlier version no longer carry over.
            criterion.key = _unique_key(catalogue, data.name, exclude=criterion)
        else:
            for level, entered in zip(criterion.levels, data.levels, strict=True):
                level.needs_justification = entered.needs_justification
        criterion.name = data.name.strip()
        criterion.description = data.description.strip()
        criterion.direction = data.direction
        criterion.kind = data.kind
        criterion.scale_min = data.scale_min
        criterion.scale_max = data.scale_max
        criterion.unit = data.unit.strip()
        criterion.source = data.source
        criterion.knockout_level = data.knockout_level
    db.session.flush()
    return criterion


def _unique_key(catalogue: Catalogue, wanted: str, exclude: Criterion | None = None) -> str:
    base = "".join(ch if ch.isalnum() else "_" for ch in wanted.lower()).strip("_")[:48] or "k"
    taken = {c.key for c in catalogue.criteria if c is not exclude}
    taken |= {
        key
        for key in db.session.scalars(
            select(Criterion.key)
            .join(Catalogue, Catalogue.id == Criterion.catalogue_id)
            .where(Catalogue.round_id == catalogue.round_id)
        )
        if exclude is None or key != exclude.key
    }
    key, number = base, 2
    while key in taken:
        key, number = f"{base}_{number}", number + 1
    return key


def remove_criterion(round_: Round, criterion_id: int, moderator: User) -> None:
    """Remove a criterion from *round_*'s draft; the others close up."""
    catalogue = open_draft(round_, moderator)
    criterion = next((c for c in catalogue.criteria if c.id == criterion_id), None)
    if criterion is None:
        raise NotFound(_("This criterion is not in the round's draft."))
    catalogue.criteria.remove(criterion)
    db.session.flush()
    # Positions are unique, so they close up in two steps.
    for position, remaining in enumerate(catalogue.criteria, start=1):
        remaining.position = -position
    db.session.flush()
    for remaining in catalogue.criteria:
        remaining.position = -remaining.position
    _forget_weights(catalogue)
    db.session.flush()


@dataclass(frozen=True)
class Invalidated:
    """What freezing a new version did to the scores of the version before."""

    #: The criteria of the earlier version whose scores no longer count.
    criteria: tuple[str, ...]
    scores: int
    #: Assessors who must score again.
    assessors: int


def freeze(round_: Round, moderator: User) -> tuple[Catalogue, Invalidated]:
    """Freeze *round_*'s draft as its next version; carry the scores of unchanged criteria over
    and drop the others, reopening their assessments."""
    require_moderator(moderator)
    catalogue = draft(round_)
    if catalogue is None or not catalogue.criteria:
        raise Conflict(_("The round has no criteria to freeze yet."))
    if catalogue.weighted_at is None or any(c.weight is None for c in catalogue.criteria):
        raise Conflict(_("The board has not weighted the criteria of this catalogue yet."))
    previous = latest_frozen(round_)
    invalidated = Invalidated((), 0, 0)
    if previous is not None:
        invalidated = _carry_scores_over(previous, catalogue)
    catalogue.frozen_at = utcnow()
    catalogue.frozen_by_id = moderator.id
    if previous is not None and not catalogue.change_note:
        catalogue.change_note = _describe(invalidated)
    db.session.flush()
    return catalogue, invalidated


def _carry_scores_over(previous: Catalogue, catalogue: Catalogue) -> Invalidated:
    kept = {c.key: c for c in catalogue.criteria}
    gone = [c for c in previous.criteria if c.key not in kept]
    for criterion in previous.criteria:
        if criterion.key in kept:
            db.session.execute(
                update(Score)
                .where(Score.criterion_id == criterion.id)
                .values(criterion_id=kept[criterion.key].id)
            )
    gone_ids = [c.id for c in gone]
    affected = select(Score.assignment_id).where(Score.criterion_id.in_(gone_ids))
    assessors = (
        db.session.scalar(
            select(func.count(func.distinct(Assignment.assessor_id))).where(
                Assignment.id.in_(affected)
            )
        )
        or 0
    )
    count = (
        db.session.scalar(select(func.count(Score.id)).where(Score.criterion_id.in_(gone_ids))) or 0
    )
    # A submitted assessment that lost scores is open again; new criteria leave it incomplete.
    added = any(c.key not in {p.key for p in previous.criteria} for c in catalogue.criteria)
    reopen = select(Assignment.id).where(
        Assignment.round_id == previous.round_id, Assignment.state == AssignmentState.SUBMITTED
    )
    if not added:
        reopen = reopen.where(Assignment.id.in_(affected))
    db.session.execute(
        update(Assignment)
        .where(Assignment.id.in_(reopen))
        .values(
            state=AssignmentState.OPEN, submitted_at=None, lock_version=Assignment.lock_version + 1
        )
    )
    db.session.execute(delete(Score).where(Score.criterion_id.in_(gone_ids)))
    return Invalidated(tuple(c.name for c in gone), count, assessors)


def _describe(invalidated: Invalidated) -> str:
    if not invalidated.criteria:
        return str(_("No score is invalidated."))
    return str(
        ngettext(
            "%(num)d score of %(assessors)d assessors on %(criteria)s is invalidated and asked "
            "for again.",
            "%(num)d scores of %(assessors)d assessors on %(criteria)s are invalidated and "
            "asked for again.",
            invalidated.scores,
            assessors=invalidated.assessors,
            criteria=", ".join(f"„{name}“" for name in invalidated.criteria),
        )
    )
