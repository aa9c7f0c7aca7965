"""Everything the round page and the catalogue pages show, gathered by one service each so
that the views restate no rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import Role, User
from portal.core.errors import Forbidden, NotFound
from portal.core.pagination import Page
from portal.core.registry import Section, page_sections
from portal.extensions import db
from portal.ideas.models import Idea
from portal.rounds import queries
from portal.rounds.models import Catalogue, Criterion, Round, RoundEvent, RoundPhase
from portal.rounds.services import access, catalogue, phases, ranking
from portal.rounds.services.catalogue import Template

P = RoundPhase

#: The phases in their order, as the step indicator shows them.
ORDER = (P.COLLECT, P.SCREEN, P.SCORE, P.DECIDE, P.PUBLISH, P.CLOSED)


@dataclass(frozen=True)
class PhaseStep:
    """One phase in the step indicator of a round."""

    phase: RoundPhase
    #: The planned last day of the phase (for publishing: the day of publication).
    until: date | None
    done: bool
    current: bool


def phase_steps(round_: Round) -> list[PhaseStep]:
    """Return the phases of *round_* in their order: done, current or still to come."""
    dates = {
        P.COLLECT: round_.collect_until,
        P.SCREEN: round_.screen_until,
        P.SCORE: round_.score_until,
        P.DECIDE: round_.decide_until,
        P.PUBLISH: round_.publish_on,
        P.CLOSED: None,
    }
    here = ORDER.index(round_.phase)
    return [
        PhaseStep(phase, dates[phase], done=number < here, current=number == here)
        for number, phase in enumerate(ORDER)
    ]


def visible_catalogue(round_: Round, user: User) -> Catalogue | None:
    """Return the version of *round_*'s catalogue *user* reads first: moderators and board
    members the draft while there is one, everybody else the latest published version."""
    if not access.may_see_catalogue(round_, user):
        return None
    if access.is_moderator(user) or user.has_role(Role.BOARD_MEMBER):
        return catalogue.draft(round_) or catalogue.latest_frozen(round_)
    return catalogue.latest_frozen(round_)


@dataclass(frozen=True)
class RoundPage:
    """A round as one user sees it."""

    round: Round
    steps: list[PhaseStep]
    ideas: Page[Idea]
    #: The phase moves, oldest first, with who made them.
    events: list[RoundEvent]
    #: The version of the catalogue the user reads first; None if they may not read one yet.
    catalogue: Catalogue | None
    #: The version in force for scoring, once frozen.
    frozen: Catalogue | None
    is_moderator: bool
    may_edit: bool
    #: Moderators: the catalogue draft can be edited now.
    may_edit_catalogue: bool
    #: Moderators: while scoring runs, a new version of the catalogue can be opened.
    may_open_version: bool
    #: Moderators: the next phase and what blocks it; None for everybody else.
    step: phases.NextStep | None
    #: The ranking page is open to the user (board and moderators from scoring on, all staff
    #: once published).
    may_see_ranking: bool
    #: What the other parts of the module add to the page, by place: "main" (below the
    #: catalogue) and "aside" (below the next phase).
    sections: dict[str, list[Section]]


def round_page(round_: Round, user: User, page: int, per_page: int) -> RoundPage:
    """Return what the page of *round_* shows *user*, with page *page* of its ideas."""
    moderator = access.is_moderator(user)
    shown = visible_catalogue(round_, user)
    frozen = catalogue.latest_frozen(round_)
    draft = shown if shown is not None and shown.frozen_at is None else None
    changeable = round_.phase in catalogue.CHANGEABLE
    return RoundPage(
        round=round_,
        steps=phase_steps(round_),
        ideas=queries.round_ideas_page(round_, page, per_page),
        events=list(
            db.session.scalars(
                select(RoundEvent)
                .options(selectinload(RoundEvent.actor))
                .where(RoundEvent.round_id == round_.id)
                .order_by(RoundEvent.at, RoundEvent.id)
            )
        ),
        catalogue=shown,
        frozen=frozen,
        is_moderator=moderator,
        may_edit=moderator and round_.phase is not P.CLOSED,
        may_edit_catalogue=moderator and changeable and draft is not None,
        may_open_version=moderator and round_.phase is P.SCORE and draft is None,
        step=phases.next_step(round_) if moderator and round_.phase is not P.CLOSED else None,
        may_see_ranking=ranking.may_see_ranking(round_, user),
        sections=page_sections("round", round_, user),
    )


@dataclass(frozen=True)
class CataloguePage:
    """A version of a round's catalogue as one user reads it."""

    round: Round
    catalogue: Catalogue
    criteria: list[Criterion]
    #: The versions the user may read, oldest first (the draft last).
    versions: list[Catalogue]
    may_edit: bool
    #: Whether the criteria carry weights the board has given.
    weighted: bool


def _criteria(catalogue_: Catalogue) -> list[Criterion]:
    return list(
        db.session.scalars(
            select(Criterion)
            .options(selectinload(Criterion.levels))
            .where(Criterion.catalogue_id == catalogue_.id)
            .order_by(Criterion.position)
        )
    )


def _readable(round_: Round, found: Catalogue, user: User) -> bool:
    if found.frozen_at is not None:
        return access.may_see_catalogue(round_, user)
    return access.is_moderator(user) or user.has_role(Role.BOARD_MEMBER)


def catalogue_page(round_: Round, version: int | None, user: User) -> CataloguePage:
    """Return version *version* of *round_*'s catalogue (None: the one *user* reads first)."""
    if not access.may_see_catalogue(round_, user):
        raise Forbidden(
            _("The catalogue of this round is published to all staff when scoring starts.")
        )
    versions = [found for found in catalogue.versions(round_) if _readable(round_, found, user)]
    if version is None:
        chosen = visible_catalogue(round_, user)
    else:
        chosen = next((found for found in versions if found.version == version), None)
    if chosen is None:
        raise NotFound(_("This version of the catalogue does not exist."))
    criteria = _criteria(chosen)
    return CataloguePage(
        round=round_,
        catalogue=chosen,
        criteria=criteria,
        versions=versions,
        may_edit=access.is_moderator(user)
        and chosen.frozen_at is None
        and round_.phase in catalogue.CHANGEABLE,
        weighted=chosen.weighted_at is not None and all(c.weight is not None for c in criteria),
    )


@dataclass(frozen=True)
class EditorPage:
    """The catalogue draft as a moderator edits it."""

    round: Round
    catalogue: Catalogue
    criteria: list[Criterion]
    templates: tuple[Template, ...]
    #: The version in force while a new one is drafted during scoring.
    frozen: Catalogue | None
    #: Whether the board has weighted the draft's criteria (freezing needs it).
    weighted: bool


def editor_page(round_: Round, moderator: User) -> EditorPage:
    """Return the draft of *round_*'s catalogue for *moderator* to edit."""
    draft = catalogue.editable_draft(round_, moderator)
    criteria = _criteria(draft)
    return EditorPage(
        round=round_,
        catalogue=draft,
        criteria=criteria,
        templates=catalogue.templates(),
        frozen=catalogue.latest_frozen(round_),
        weighted=draft.weighted_at is not None
        and bool(criteria)
        and all(c.weight is not None for c in criteria),
    )
