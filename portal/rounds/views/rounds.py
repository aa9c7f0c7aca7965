"""Pages of prioritisation rounds: the list, setting a round up, the round page with its phases,
and accepting an idea in screening into a round."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext

# SelectChoice is new in WTForms 3.3; types-WTForms describes 3.2.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.core.access import SIGNED_IN, allow
from portal.core.arguments import page_number, page_size
from portal.core.confirm import Confirmation, ask, confirmed
from portal.core.errors import Conflict, DomainError
from portal.core.forms import sent_version
from portal.ideas.services import access as idea_access
from portal.ideas.services.fields import fields_of_action
from portal.rounds import queries
from portal.rounds.forms import AcceptForm, PhaseForm, RoundForm
from portal.rounds.models import Round, RoundPhase
from portal.rounds.services import access, catalogue, phases, round_page
from portal.rounds.views import bp

P = RoundPhase


@bp.route("/")
@allow(SIGNED_IN)
def index() -> ResponseReturnValue:
    return render_template(
        "rounds/index.html",
        rows=queries.list_rounds(),
        may_create=access.is_moderator(signed_in_user()),
    )


def _prepare(form: RoundForm, round_: Round | None) -> None:
    offered = fields_of_action(only_active=True)
    chosen = round_.fields_of_action if round_ is not None else []
    offered += [field for field in chosen if field not in offered]
    form.field_of_action_ids.choices = [SelectChoice(f.id, f.name) for f in offered]
    if round_ is not None and request.method == "GET":
        # Unticked check boxes are not sent at all, so only a fresh form shows the stored ones.
        form.field_of_action_ids.data = [field.id for field in chosen]
        form.assessors_named.data = "named" if round_.assessors_named else "pseudonymous"
        form.lock_version.data = str(round_.lock_version)
    if round_ is not None and round_.phase in phases.SCORING_SETTLED:
        # Scores were given under these settings; the form shows them and sends none.
        form.blind.data, form.min_assessors.data, form.disagreement_levels.data = (
            phases.scoring_settings(round_)
        )


def _round_data(form: RoundForm) -> phases.RoundData:
    return phases.RoundData(
        name=form.name.data or "",
        description=form.description.data or "",
        field_of_action_ids=frozenset(form.field_of_action_ids.data or []),
        budget_euros=form.budget_euros.data,
        staff_days=form.staff_days.data,
        collect_until=form.collect_until.data,
        screen_until=form.screen_until.data,
        score_until=form.score_until.data,
        decide_until=form.decide_until.data,
        publish_on=form.publish_on.data,
        blind=bool(form.blind.data),
        min_assessors=form.min_assessors.data or 0,
        disagreement_levels=form.disagreement_levels.data or 0,
        assessors_named=form.assessors_named.data == "named",
    )


def _round_form(round_: Round | None) -> ResponseReturnValue:
    form = RoundForm(obj=round_)
    _prepare(form, round_)
    status = 422 if request.method == "POST" else 200
    error, stale = "", False
    if form.validate_on_submit():
        user = signed_in_user()
        try:
            if round_ is None:
                round_ = phases.create_round(_round_data(form), user)
                flash(_("The round “%(name)s” has been created.", name=round_.name), "success")
            else:
                phases.update_round(
                    round_,
                    _round_data(form),
                    user,
                    lock_version=sent_version(form.lock_version.data),
                )
                flash(_("The round has been saved."), "success")
        except Conflict as refused:
            # A stale tab: what was typed stays, with the old version, so that saving again is
            # refused until the page is reloaded.
            error, status, stale = refused.message, refused.status_code, True
        except DomainError as refused:
            error = refused.message
        else:
            return redirect(url_for("rounds.detail", round_id=round_.id))
    elif request.method == "POST":
        error = _("Please correct the fields marked below.")
    return render_template(
        "rounds/form.html",
        form=form,
        round=round_,
        error=error,
        stale=stale,
        settled=round_ is not None and round_.phase in phases.SCORING_SETTLED,
    ), status


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def new() -> ResponseReturnValue:
    return _round_form(None)


@bp.route("/<int:round_id>/edit", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def edit(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    phases.require_changeable(round_)
    return _round_form(round_)


def _render_detail(round_: Round, status: int = 200, **extra: object) -> ResponseReturnValue:
    return render_template(
        "rounds/detail.html",
        round=round_,
        page=round_page.round_page(round_, signed_in_user(), page_number(), page_size()),
        phase_form=extra.pop("phase_form", None) or PhaseForm(),
        **extra,
    ), status


@bp.route("/<int:round_id>")
@allow(SIGNED_IN)
def detail(round_id: int) -> ResponseReturnValue:
    return _render_detail(access.get_round(round_id))


def _what_the_move_does(round_: Round, target: RoundPhase) -> tuple[str, ...]:
    said: list[str] = []
    if target is P.SCREEN:
        said.append(_("The round stops collecting; moderators can still accept ideas into it."))
    if target is P.SCORE:
        draft = catalogue.draft(round_)
        said.append(
            _(
                "The catalogue is frozen as version %(version)s and published to all staff. "
                "From then on it changes only by a new version, which invalidates the scores it "
                "changes.",
                version=draft.version if draft else 1,
            )
        )
        said.append(_("No further idea can join the round. Assessors can start scoring."))
    if target is P.DECIDE:
        count = len(phases.scored_ideas(round_))
        said.append(_("Scoring ends: no score can change any more."))
        said.append(
            ngettext(
                "%(num)s idea with enough submitted assessments becomes “scored”.",
                "%(num)s ideas with enough submitted assessments become “scored”.",
                count,
            )
        )
    if target is P.PUBLISH:
        said.append(_("The round's decisions are published."))
    if target is P.CLOSED:
        said.append(_("The round is closed; nothing in it can change any more."))
    said.append(
        _("The move is recorded and announced in the newsfeed. A round never moves back a phase.")
    )
    return tuple(said)


@bp.route("/<int:round_id>/phase", methods=["POST"])
@allow(Role.MODERATOR)
def move_phase(round_id: int) -> ResponseReturnValue:
    round_ = access.get_round(round_id)
    form = PhaseForm()
    known = {phase.value: phase for phase in RoundPhase}
    if not form.validate_on_submit() or form.target.data not in known:
        return _render_detail(
            round_, 422, phase_error=_("Choose the phase the round moves to."), phase_form=form
        )
    target = known[form.target.data]
    user = signed_in_user()
    version = sent_version(form.lock_version.data)
    phases.check_move(round_, target, user, lock_version=version)
    if not confirmed():
        return ask(
            Confirmation(
                _(
                    "Really move “%(name)s” to the phase “%(phase)s”?",
                    name=round_.name,
                    phase=target.label,
                ),
                _("Move to “%(phase)s”", phase=target.label),
                url_for("rounds.detail", round_id=round_.id),
                details=_what_the_move_does(round_, target),
            )
        )
    phases.move_phase(round_, target, user, lock_version=version)
    flash(_("The round is now in the phase “%(phase)s”.", phase=target.label), "success")
    return redirect(url_for("rounds.detail", round_id=round_.id))


@bp.route("/accept/<int:idea_id>", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def accept(idea_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    idea = idea_access.get_idea(idea_id, user)
    phases.check_accept(idea, user)
    form = AcceptForm()
    open_rounds = phases.rounds_open_for_ideas()
    form.round_id.choices = [
        SelectChoice(found.id, f"{found.name} ({found.phase.label})") for found in open_rounds
    ]
    if form.validate_on_submit():
        joined = phases.accept_into_round(idea, access.get_round(form.round_id.data), user)
        flash(
            _(
                "The idea has been accepted into the round “%(name)s”.",
                name=joined.round.name,
            ),
            "success",
        )
        return redirect(url_for("ideas.detail", idea_id=idea.id))
    status = 422 if request.method == "POST" else 200
    return render_template("rounds/accept.html", idea=idea, form=form, rounds=open_rounds), status
