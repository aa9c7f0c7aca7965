"""Pages of the idea portal: lists, the idea page, writing, supporting, commenting, screening."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from portal.accounts import signed_in_user
from portal.accounts.models import Role
from portal.accounts.services import org_units_tree
from portal.core.access import allow
from portal.core.arguments import enum_arg, int_arg, page_number, page_size, text_arg
from portal.core.confirm import Confirmation, ask, confirmed
from portal.core.errors import DomainError, Forbidden
from portal.core.forms import ActionForm
from portal.core.urls import as_key
from portal.ideas import queries
from portal.ideas.forms import (
    AttachmentForm,
    CommentEditForm,
    CommentForm,
    FieldOfActionForm,
    FollowForm,
    IdeaForm,
    MergeForm,
    TransitionForm,
)
from portal.ideas.models import FieldOfAction, Idea, IdeaState
from portal.ideas.services import (
    access,
    attachments,
    authoring,
    discussion,
    feed,
    lifecycle,
    page,
    search,
)
from portal.ideas.services.fields import (
    fields_of_action,
    get_field_of_action,
    save_field_of_action,
)

bp = Blueprint("ideas", __name__, template_folder="templates")

#: Who reads ideas: all staff; moderators also when they hold no employee role.
READERS = (Role.EMPLOYEE, Role.MODERATOR)


@bp.route("/")
@allow(*READERS)
def index() -> ResponseReturnValue:
    criteria = queries.IdeaFilter(
        text=text_arg("q", 200),
        state=enum_arg(IdeaState, "state"),
        field_of_action_id=int_arg("field"),
        org_unit_id=int_arg("org_unit"),
        tag=text_arg("tag", 60).lower(),
        sort=enum_arg(queries.Sort, "sort") or queries.Sort.NEWEST,
    )
    found = queries.list_ideas(
        criteria,
        page_size(),
        after=request.args.get("after", ""),
        before=request.args.get("before", ""),
    )
    return render_template(
        "ideas/index.html",
        page=found,
        criteria=criteria,
        may_write=signed_in_user().has_role(Role.EMPLOYEE),
        options={
            "state": [(s.value, s.label) for s in IdeaState if s is not IdeaState.DRAFT],
            "field": [(f.id, f.name) for f in fields_of_action()],
            "org_unit": _org_unit_choices(),
            "sort": queries.Sort.choices(),
        },
    )


@bp.route("/mine", methods=["GET", "POST"])
@allow(Role.EMPLOYEE)
def mine() -> ResponseReturnValue:
    follow = FollowForm()
    follow.field_ids.choices = [(f.id, f.name) for f in fields_of_action()]
    if follow.validate_on_submit():
        feed.follow_fields(signed_in_user(), follow.field_ids.data or [])
        flash(_("Your newsfeed now follows the chosen fields of action."), "success")
        return redirect(url_for("ideas.mine"))
    if request.method == "GET":
        follow.field_ids.data = sorted(feed.followed_field_ids(signed_in_user()))
    show = enum_arg(queries.Mine, "show") or queries.Mine.ALL
    found = queries.my_ideas(signed_in_user(), page_number(), page_size(), show)
    return render_template(
        "ideas/mine.html", page=found, follow=follow, show=show, shows=list(queries.Mine)
    )


def _org_unit_choices() -> list[tuple[int, str]]:
    return [(unit.id, unit.display_name) for _depth, unit in org_units_tree()]


def _prepare(form: IdeaForm, idea: Idea | None = None) -> None:
    offered = fields_of_action(only_active=True)
    if idea is not None and idea.field_of_action and not idea.field_of_action.active:
        offered.append(idea.field_of_action)
    form.set_choices([(f.id, f.name) for f in offered], _org_unit_choices())
    if idea is not None and request.method == "GET":
        # Unticked check boxes are not sent at all, so only a fresh form shows the stored ones.
        form.org_unit_ids.data = [unit.id for unit in idea.org_units]


def _idea_data(form: IdeaForm) -> authoring.IdeaData:
    # Only the author's form has the check box; without it the setting stays as it is.
    public = form.author_public.data if "author_public" in form else None
    return authoring.IdeaData(
        title=form.title.data or "",
        problem=form.problem.data or "",
        proposal=form.proposal.data or "",
        benefit_citizens=form.benefit_citizens.data or "",
        benefit_staff=form.benefit_staff.data or "",
        field_of_action_id=form.field_of_action_id.data,
        org_unit_ids=frozenset(form.org_unit_ids.data or []),
        tags=authoring.parse_tags(form.tags.data or ""),
        effort_days=form.effort_days.data,
        cost_euros=form.cost_euros.data,
        author_public=None if public is None else bool(public),
    )


def _saved_message(idea: Idea) -> str:
    if idea.state is IdeaState.DRAFT:
        return str(_("Your draft has been saved. Only you can see it until you submit it."))
    return str(_("Your idea has been saved and is visible to all staff."))


def _idea_form(idea: Idea | None) -> ResponseReturnValue:
    """Show the form of a new idea (*idea* None) or of *idea*, and save it when sent."""
    if idea is not None and not access.may_edit(idea, signed_in_user()):
        raise Forbidden(_("You may not change this idea in its current state."))
    form = IdeaForm(obj=idea)
    if not access.may_set_author_public(idea, signed_in_user()):
        del form.author_public
    _prepare(form, idea)
    if form.validate_on_submit():
        submit = request.form.get("action") == "submit"
        try:
            if idea is None:
                idea = authoring.create_idea(_idea_data(form), signed_in_user(), submit=submit)
            else:
                authoring.update_idea(idea, _idea_data(form), signed_in_user(), submit=submit)
        except lifecycle.IncompleteIdea as error:
            for name in error.missing:
                form[name].errors = [_("Please fill this in to submit the idea.")]
            flash(error.message, "danger")
        except DomainError as error:
            flash(error.message, "danger")
        else:
            flash(_saved_message(idea), "success")
            return redirect(url_for("ideas.detail", idea_id=idea.id))
    status = 422 if request.method == "POST" else 200
    return render_template("ideas/form.html", form=form, idea=idea), status


@bp.route("/new", methods=["GET", "POST"])
@allow(Role.EMPLOYEE)
def new() -> ResponseReturnValue:
    return _idea_form(None)


@bp.route("/<int:idea_id>/edit", methods=["GET", "POST"])
@allow(*READERS)
def edit(idea_id: int) -> ResponseReturnValue:
    return _idea_form(access.get_idea(idea_id, signed_in_user()))


def _render_detail(idea: Idea, status: int = 200, **forms: Any) -> ResponseReturnValue:
    forms.setdefault("comment_form", CommentForm())
    forms.setdefault("edit_form", None)
    forms.setdefault("editing", None)
    forms.setdefault("attachment_form", AttachmentForm())
    forms.setdefault("transition_form", TransitionForm())
    forms.setdefault("merge_form", MergeForm())
    return render_template(
        "ideas/detail.html",
        page=page.idea_page(idea, signed_in_user()),
        idea=idea,
        threads_shown=discussion.THREADS_SHOWN,
        action_form=ActionForm(),
        **forms,
    ), status


@bp.route("/<int:idea_id>")
@allow(*READERS)
def detail(idea_id: int) -> ResponseReturnValue:
    return _render_detail(access.get_idea(idea_id, signed_in_user()))


def _idea_url(idea: Idea, anchor: str | None = None) -> str:
    return url_for("ideas.detail", idea_id=idea.id, _anchor=anchor)


def _confirm_decline(idea: Idea, reason: str) -> ResponseReturnValue:
    return ask(
        Confirmation(
            _("Really decline idea no. %(id)s?", id=idea.id),
            _("Decline idea"),
            _idea_url(idea),
            details=(
                _(
                    "“%(title)s” will be declined with this reason, which the author reads:",
                    title=idea.title,
                ),
            ),
            quote=reason,
        )
    )


@bp.route("/<int:idea_id>/state", methods=["POST"])
@allow(*READERS)
def change_state(idea_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    form = TransitionForm()
    target = form.target.data if form.validate_on_submit() else None
    if target is None or target not in {state.value for state in IdeaState}:
        return _render_detail(idea, 422, transition_form=form)
    reason = form.reason.data or ""
    try:
        transition = lifecycle.check_transition(idea, IdeaState(target), signed_in_user(), reason)
        if transition.irreversible and not confirmed():
            return _confirm_decline(idea, reason.strip())
        lifecycle.change_state(idea, IdeaState(target), signed_in_user(), reason)
    except DomainError as error:
        if error.status_code != 400:
            raise
        if _needs_reason(idea, target):
            form.reason.errors = [error.message]
        else:
            form.target.errors = [error.message]
        return _render_detail(idea, 422, transition_form=form)
    flash(_("The idea is now: %(state)s.", state=idea.state.label), "success")
    return redirect(_idea_url(idea))


def _needs_reason(idea: Idea, target: str) -> bool:
    # The step's form on the idea page shows a reason field, where its error belongs.
    step = lifecycle.TRANSITIONS.get((idea.state, IdeaState(target)))
    return step is not None and step.needs_reason


@bp.route("/<int:idea_id>/delete", methods=["POST"])
@allow(Role.EMPLOYEE)
def delete(idea_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    if not ActionForm().validate_on_submit():
        return redirect(url_for("ideas.mine"))
    if not access.may_delete(idea, signed_in_user()):
        raise Forbidden(_("Only the author can delete a draft."))
    if not confirmed():
        return ask(
            Confirmation(
                _("Really delete the draft “%(title)s”?", title=idea.title),
                _("Delete draft"),
                _idea_url(idea),
                details=(_("The draft and its attached files will be deleted."),),
            )
        )
    authoring.delete_draft(idea, signed_in_user())
    flash(_("Your draft has been deleted."), "success")
    return redirect(url_for("ideas.mine"))


def _toggle_support(idea_id: int, *, give: bool) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    if ActionForm().validate_on_submit():
        if give:
            discussion.support(idea, signed_in_user())
            flash(_("Thank you for your support."), "success")
        else:
            discussion.withdraw_support(idea, signed_in_user())
            flash(_("Your support has been withdrawn."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id))


@bp.route("/<int:idea_id>/support", methods=["POST"])
@allow(Role.EMPLOYEE)
def support(idea_id: int) -> ResponseReturnValue:
    return _toggle_support(idea_id, give=True)


@bp.route("/<int:idea_id>/withdraw", methods=["POST"])
@allow(Role.EMPLOYEE)
def withdraw(idea_id: int) -> ResponseReturnValue:
    return _toggle_support(idea_id, give=False)


@bp.route("/<int:idea_id>/comments", methods=["POST"])
@allow(*READERS)
def comment(idea_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    form = CommentForm()
    if not form.validate_on_submit():
        return _render_detail(idea, 422, comment_form=form)
    parent = form.parent_id.data
    # A reply to something that names no comment (0) is refused as a reply to a lost comment.
    parent_id = (as_key(parent) or 0) if parent else None
    created = discussion.add_comment(idea, signed_in_user(), form.body.data or "", parent_id)
    flash(_("Your comment has been published."), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor=f"comment-{created.id}"))


@bp.route("/<int:idea_id>/attachments", methods=["POST"])
@allow(*READERS)
def attach(idea_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _render_detail(idea, 422, attachment_form=form)
    upload = form.file.data
    try:
        attachment = attachments.add_attachment(
            idea, signed_in_user(), upload.stream, upload.filename or ""
        )
    except attachments.UploadRefused as error:
        form.file.errors = [error.message]
        return _render_detail(idea, 422, attachment_form=form)
    flash(_("The file %(name)s has been attached.", name=attachment.filename), "success")
    return redirect(url_for("ideas.detail", idea_id=idea.id, _anchor="attachments"))


@bp.route("/<int:idea_id>/comments/<int:comment_id>/edit", methods=["POST"])
@allow(*READERS)
def edit_comment(idea_id: int, comment_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    comment = discussion.get_comment(idea, comment_id)
    form = CommentEditForm()
    if not access.may_edit_comment(comment, idea, signed_in_user()):
        raise Forbidden(_("You may change only your own comments, while the idea is open."))
    if not form.validate_on_submit():
        return _render_detail(idea, 422, edit_form=form, editing=comment.id)
    discussion.edit_comment(idea, comment, signed_in_user(), form.body.data or "")
    flash(_("Your comment has been changed."), "success")
    return redirect(_idea_url(idea, f"comment-{comment.id}"))


@bp.route("/<int:idea_id>/comments/<int:comment_id>/delete", methods=["POST"])
@allow(*READERS)
def delete_comment(idea_id: int, comment_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    comment = discussion.get_comment(idea, comment_id)
    if not ActionForm().validate_on_submit():
        return redirect(_idea_url(idea, "comments"))
    if not access.may_delete_comment(comment, signed_in_user()):
        raise Forbidden(_("You may delete only your own comments."))
    if not confirmed():
        return ask(
            Confirmation(
                _("Really delete your comment?"),
                _("Delete comment"),
                _idea_url(idea, f"comment-{comment.id}"),
                details=(
                    _(
                        "Its text will be deleted. If colleagues have replied, the thread shows "
                        "“Comment deleted” in its place, without your name."
                    ),
                ),
                quote=comment.body,
            )
        )
    discussion.delete_comment(idea, comment, signed_in_user())
    flash(_("Your comment has been deleted."), "success")
    return redirect(_idea_url(idea, "comments"))


@bp.route("/<int:idea_id>/attachments/<int:attachment_id>/delete", methods=["POST"])
@allow(*READERS)
def remove_attachment(idea_id: int, attachment_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    attachment = attachments.attachment_of(idea, attachment_id)
    if not ActionForm().validate_on_submit():
        return redirect(_idea_url(idea, "attachments"))
    if not access.may_remove_attachment(idea, signed_in_user()):
        raise Forbidden(_("You may not remove files of this idea."))
    if not confirmed():
        return ask(
            Confirmation(
                _("Really remove the file %(name)s?", name=attachment.filename),
                _("Remove file"),
                _idea_url(idea, "attachments"),
                details=(_("The file will be deleted; the idea's history records the removal."),),
            )
        )
    attachments.remove_attachment(idea, attachment.id, signed_in_user())
    flash(_("The file %(name)s has been removed.", name=attachment.filename), "success")
    return redirect(_idea_url(idea, "attachments"))


@bp.route("/<int:idea_id>/attachments/<int:attachment_id>")
@allow(*READERS)
def download(idea_id: int, attachment_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    attachment, path = attachments.get_attachment(idea, attachment_id)
    return file_download(path, attachment.content_type, attachment.filename)


def file_download(path: Path, content_type: str, filename: str) -> Response:
    """Answer with a stored upload as a download that no browser renders or keeps; every module
    that offers uploaded files sends them this way."""
    response = send_file(
        path, mimetype=content_type, as_attachment=True, download_name=filename, max_age=0
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:idea_id>/merge", methods=["POST"])
@allow(Role.MODERATOR)
def merge(idea_id: int) -> ResponseReturnValue:
    idea = access.get_idea(idea_id, signed_in_user())
    form = MergeForm()
    if not form.validate_on_submit():
        return _render_detail(idea, 422, merge_form=form)
    try:
        keep = access.get_idea(form.keep_id.data or 0, signed_in_user())
        lifecycle.check_merge(idea, keep, signed_in_user())
        if not confirmed():
            return _confirm_merge(idea, keep, form.reason.data or "")
        lifecycle.merge(idea, keep, signed_in_user(), form.reason.data or "")
    except DomainError as error:
        if not access.may_merge(idea, signed_in_user()):
            raise  # this idea's page has no merge form to show the message in
        form.keep_id.errors = [error.message]
        return _render_detail(idea, 422, merge_form=form)
    flash(_("The idea has been merged into “%(title)s”.", title=keep.title), "success")
    return redirect(url_for("ideas.detail", idea_id=keep.id))


def _confirm_merge(duplicate: Idea, keep: Idea, note: str) -> ResponseReturnValue:
    return ask(
        Confirmation(
            _(
                "Really merge idea no. %(duplicate)s into idea no. %(keep)s?",
                duplicate=duplicate.id,
                keep=keep.id,
            ),
            _("Merge into idea no. %(keep)s", keep=keep.id),
            _idea_url(duplicate),
            details=(
                _(
                    "Idea no. %(duplicate)s “%(duplicate_title)s” is a duplicate of idea no. "
                    "%(keep)s “%(keep_title)s” — merge it into no. %(keep)s.",
                    duplicate=duplicate.id,
                    duplicate_title=duplicate.title,
                    keep=keep.id,
                    keep_title=keep.title,
                ),
                _(
                    "Its supports, comments and attachments move to no. %(keep)s; no. "
                    "%(duplicate)s then points there.",
                    duplicate=duplicate.id,
                    keep=keep.id,
                ),
            ),
            quote=note.strip(),
        )
    )


@bp.route("/similar")
@allow(*READERS)
def similar() -> ResponseReturnValue:
    ideas = search.similar_ideas(request.args.get("title", "")[:200], int_arg("exclude"))
    return jsonify(
        [
            {
                "id": idea.id,
                "title": idea.title,
                "state": idea.state.label,
                "url": url_for("ideas.detail", idea_id=idea.id),
            }
            for idea in ideas
        ]
    )


@bp.route("/screening")
@allow(Role.MODERATOR)
def screening() -> ResponseReturnValue:
    found = queries.screening_queue(page_number(), page_size())
    return render_template("ideas/screening.html", page=found)


@bp.route("/fields", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def fields() -> ResponseReturnValue:
    return _field_form(None)


@bp.route("/fields/<int:field_id>", methods=["GET", "POST"])
@allow(Role.MODERATOR)
def field_edit(field_id: int) -> ResponseReturnValue:
    return _field_form(get_field_of_action(field_id))


def _field_form(found: FieldOfAction | None) -> ResponseReturnValue:
    form = FieldOfActionForm(obj=found)
    if form.validate_on_submit():
        try:
            saved = save_field_of_action(
                found, form.name.data or "", form.description.data or "", bool(form.active.data)
            )
        except DomainError as error:
            form.name.errors = [error.message]
        else:
            flash(_("The field of action %(name)s has been saved.", name=saved.name), "success")
            return redirect(url_for("ideas.fields"))
    status = 422 if request.method == "POST" else 200
    return render_template(
        "ideas/fields.html", form=form, found=found, fields=fields_of_action()
    ), status
