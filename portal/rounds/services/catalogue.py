"""The criteria catalogue of a round: templates to start from, the draft moderators edit, and
the numbered versions that freeze it.

A round has at most one draft. Starting the score phase freezes it as version 1; a frozen
version never changes. A change during scoring is made in a new draft, copied from the latest
version, and freezing that draft says which scores the change invalidates: scores of a changed or
removed criterion go, scores of an unchanged one (same key, same scale and direction) carry over.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import Select, delete, func, select, update

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
    RoundPhase,
    ScaleLevel,
    Score,
)
from portal.rounds.services.access import require_moderator

TEMPLATES = Path(__file__).resolve().parent.parent / "catalogues.toml"

#: Catalogues are for people to read and weigh; more criteria than this help nobody.
MOST_CRITERIA = 15

#: Phases in which the catalogue may change: freely until scoring starts, by a new version
#: while it runs; after the score phase no score may change, so neither may the criteria.
CHANGEABLE = frozenset({RoundPhase.COLLECT, RoundPhase.SCREEN, RoundPhase.SCORE})


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
    _require_changeable(round_)
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


def open_new_version(round_: Round, moderator: User) -> Catalogue:
    """Open a new version of the frozen catalogue while scoring runs: a draft copied from the
    latest version, which the scores keep using until the new one is frozen."""
    require_moderator(moderator)
    if round_.phase is not RoundPhase.SCORE:
        raise Conflict(
            _(
                "A new version of the catalogue is opened only while scoring runs; until then "
                "the draft is edited directly."
            )
        )
    return open_draft(round_, moderator)


def _require_changeable(round_: Round) -> None:
    if round_.phase not in CHANGEABLE:
        raise Conflict(
            _("The catalogue cannot change any more: the score phase of this round is over.")
        )


def editable_draft(round_: Round, moderator: User) -> Catalogue:
    """Return the draft *moderator* edits; refuse if there is none (scoring has started and
    nobody has opened a new version) or the round is past scoring."""
    require_moderator(moderator)
    _require_changeable(round_)
    found = draft(round_)
    if found is None:
        raise Conflict(
            _("The catalogue is frozen. To change it while scoring runs, open a new version first.")
        )
    return found


def start_from_template(round_: Round, key: str, moderator: User) -> Catalogue:
    """Fill *round_*'s empty draft with the criteria of template *key*."""
    catalogue = editable_draft(round_, moderator)
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
        or criterion.unit.strip() != data.unit.strip()
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
    catalogue = editable_draft(round_, moderator)
    if data.kind is CriterionKind.MEASURED:
        # A measured quantity has no levels, whatever a form sent along.
        data = replace(data, levels=())
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
            # The old levels go first: the new ones reuse their values, which are unique per
            # criterion, and a flush would insert before it deletes.
            criterion.levels = []
            db.session.flush()
            criterion.levels = [
                ScaleLevel(value=lv.value, text=lv.text, needs_justification=lv.needs_justification)
                for lv in data.levels
            ]
            # A new meaning: scores of the earlier version no longer carry over, so the key
            # must be one no version of the round has used, not even this criterion's own.
            criterion.key = _unique_key(catalogue, data.name)
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
    catalogue = editable_draft(round_, moderator)
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


def move_criterion(round_: Round, criterion_id: int, offset: int, moderator: User) -> Criterion:
    """Move a criterion of *round_*'s draft *offset* places up (-1) or down (+1)."""
    catalogue = editable_draft(round_, moderator)
    criteria = list(catalogue.criteria)
    index = next((i for i, c in enumerate(criteria) if c.id == criterion_id), None)
    if index is None:
        raise NotFound(_("This criterion is not in the round's draft."))
    if offset not in (-1, 1) or not 0 <= index + offset < len(criteria):
        raise CatalogueRefused(_("The criterion cannot move further in this direction."))
    moved, other = criteria[index], criteria[index + offset]
    # Positions are unique, so the swap passes through a free one.
    here, there = moved.position, other.position
    moved.position = 0
    db.session.flush()
    other.position = here
    db.session.flush()
    moved.position = there
    db.session.flush()
    db.session.expire(catalogue, ["criteria"])
    return moved


def check_discard(round_: Round, moderator: User) -> Catalogue:
    """Return the new version in the making that *moderator* may discard, or refuse."""
    catalogue = editable_draft(round_, moderator)
    if latest_frozen(round_) is None:
        raise Conflict(_("The first version of the catalogue is edited, not discarded."))
    return catalogue


def discard_draft(round_: Round, moderator: User) -> None:
    """Throw away a new version in the making; the latest frozen version stays in force."""
    db.session.delete(check_discard(round_, moderator))
    db.session.flush()


@dataclass(frozen=True)
class Invalidated:
    """What freezing a new version did to the scores of the version before."""

    #: The criteria of the earlier version whose scores no longer count.
    criteria: tuple[str, ...]
    scores: int
    #: Assessors who must score again.
    assessors: int
    #: The criteria of the new version that the earlier one did not have (new or changed);
    #: every submitted assessment is opened again for them.
    added: tuple[str, ...] = ()
    #: Submitted assessments that are opened again.
    reopened: int = 0


def check_freeze(round_: Round, moderator: User) -> tuple[Catalogue, Invalidated]:
    """Return *round_*'s draft and what freezing it now would invalidate, or refuse if it cannot
    be frozen; writes nothing."""
    require_moderator(moderator)
    _require_changeable(round_)
    catalogue = draft(round_)
    if catalogue is None or not catalogue.criteria:
        raise Conflict(_("The round has no criteria to freeze yet."))
    if catalogue.weighted_at is None or any(c.weight is None for c in catalogue.criteria):
        raise Conflict(_("The board has not weighted the criteria of this catalogue yet."))
    previous = latest_frozen(round_)
    if previous is None:
        return catalogue, Invalidated((), 0, 0)
    return catalogue, _invalidated(previous, catalogue)


def freeze(
    round_: Round, moderator: User, *, note: str = "", at: datetime | None = None
) -> tuple[Catalogue, Invalidated]:
    """Freeze *round_*'s draft as its next version; carry the scores of unchanged criteria over
    and drop the others, reopening their assessments. *note* says what changed; the version
    records it with what the change invalidates."""
    catalogue, invalidated = check_freeze(round_, moderator)
    previous = latest_frozen(round_)
    if previous is not None:
        _carry_scores_over(previous, catalogue)
    catalogue.frozen_at = at or utcnow()
    catalogue.frozen_by_id = moderator.id
    if previous is not None:
        catalogue.change_note = "\n\n".join(
            part for part in (note.strip(), describe(invalidated)) if part
        )
    db.session.flush()
    return catalogue, invalidated


def check_new_version(round_: Round, moderator: User) -> tuple[Catalogue, Invalidated]:
    """Return the new version drafted while scoring runs and what freezing it would
    invalidate, or refuse; writes nothing."""
    if round_.phase is not RoundPhase.SCORE or latest_frozen(round_) is None:
        raise Conflict(
            _("The first version of the catalogue is frozen when the score phase starts.")
        )
    return check_freeze(round_, moderator)


def freeze_new_version(
    round_: Round, moderator: User, *, note: str = ""
) -> tuple[Catalogue, Invalidated]:
    """Freeze the version drafted while scoring runs, with *note* on what changed."""
    check_new_version(round_, moderator)
    return freeze(round_, moderator, note=note)


def _gone(previous: Catalogue, catalogue: Catalogue) -> list[Criterion]:
    kept = {c.key for c in catalogue.criteria}
    return [c for c in previous.criteria if c.key not in kept]


def _added(previous: Catalogue, catalogue: Catalogue) -> list[Criterion]:
    earlier = {c.key for c in previous.criteria}
    return [c for c in catalogue.criteria if c.key not in earlier]


def _reopened(previous: Catalogue, catalogue: Catalogue) -> Select[int]:
    """Select the submitted assessments that freezing *catalogue* opens again."""
    reopen = select(Assignment.id).where(
        Assignment.round_id == previous.round_id, Assignment.state == AssignmentState.SUBMITTED
    )
    # New criteria leave every submitted assessment incomplete; otherwise only those that
    # lost scores are open again.
    if not _added(previous, catalogue):
        gone_ids = [c.id for c in _gone(previous, catalogue)]
        affected = select(Score.assignment_id).where(Score.criterion_id.in_(gone_ids))
        reopen = reopen.where(Assignment.id.in_(affected))
    return reopen


def _invalidated(previous: Catalogue, catalogue: Catalogue) -> Invalidated:
    gone = _gone(previous, catalogue)
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
    reopened = (
        db.session.scalar(
            select(func.count()).select_from(_reopened(previous, catalogue).subquery())
        )
        or 0
    )
    return Invalidated(
        tuple(c.name for c in gone),
        count,
        assessors,
        added=tuple(c.name for c in _added(previous, catalogue)),
        reopened=reopened,
    )


def _carry_scores_over(previous: Catalogue, catalogue: Catalogue) -> None:
    kept = {c.key: c for c in catalogue.criteria}
    gone_ids = [c.id for c in _gone(previous, catalogue)]
    db.session.execute(
        update(Assignment)
        .where(Assignment.id.in_(_reopened(previous, catalogue)))
        .values(
            state=AssignmentState.OPEN, submitted_at=None, lock_version=Assignment.lock_version + 1
        )
    )
    db.session.execute(delete(Score).where(Score.criterion_id.in_(gone_ids)))
    for criterion in previous.criteria:
        if criterion.key in kept:
            db.session.execute(
                update(Score)
                .where(Score.criterion_id == criterion.id)
                .values(criterion_id=kept[criterion.key].id)
            )


def _quoted(names: tuple[str, ...]) -> str:
    return ", ".join(_("“%(text)s”", text=name) for name in names)


def describe(invalidated: Invalidated) -> str:
    """Say in a sentence or two what freezing a new version does to the scores given so far."""
    parts = []
    if invalidated.scores:
        parts.append(
            ngettext(
                "%(num)d score on %(criteria)s is invalidated.",
                "%(num)d scores on %(criteria)s are invalidated.",
                invalidated.scores,
                criteria=_quoted(invalidated.criteria),
            )
        )
    if invalidated.added:
        parts.append(
            _(
                "New or changed criteria to be scored: %(criteria)s.",
                criteria=_quoted(invalidated.added),
            )
        )
    if invalidated.reopened:
        parts.append(
            ngettext(
                "%(num)d submitted assessment is opened again and must be submitted anew.",
                "%(num)d submitted assessments are opened again and must be submitted anew.",
                invalidated.reopened,
            )
        )
    return " ".join(str(part) for part in parts) or str(_("No score is invalidated."))
