"""The notification list and the e-mail preference."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from portal.accounts import signed_in_user
from portal.core.access import SIGNED_IN, allow
from portal.core.arguments import page_number, page_size
from portal.core.forms import ActionForm
from portal.core.templating import link_url
from portal.notifications import queries, services
from portal.notifications.forms import EmailModeForm
from portal.notifications.models import EmailMode

bp = Blueprint("notifications", __name__, template_folder="templates")


@bp.route("/")
@allow(SIGNED_IN)
def index() -> ResponseReturnValue:
    form = EmailModeForm(email_mode=services.email_mode(signed_in_user()).value)
    form.set_choices()
    page = queries.list_notifications(signed_in_user(), page_number(), page_size())
    return render_template(
        "notifications/index.html",
        page=page,
        messages={n.id: services.message_of(n) for n in page.items},
        form=form,
        action_form=ActionForm(),
    )


@bp.route("/preferences", methods=["POST"])
@allow(SIGNED_IN)
def preferences() -> ResponseReturnValue:
    form = EmailModeForm()
    form.set_choices()
    if form.validate_on_submit():
        services.set_email_mode(signed_in_user(), EmailMode(form.email_mode.data))
        flash(_("Your e-mail preference has been saved."), "success")
    else:
        flash(_("Please choose one of the options."), "danger")
    return redirect(url_for("notifications.index"))


@bp.route("/<int:notification_id>/open", methods=["POST"])
@allow(SIGNED_IN)
def open_one(notification_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("notifications.index"))
    notification = services.open_notification(signed_in_user(), notification_id)
    try:
        target = link_url(services.target_of(notification))
    except BuildError:
        # The page it led to is gone (a module was removed); the list is the next best place.
        target = url_for("notifications.index")
    return redirect(target)


@bp.route("/read", methods=["POST"])
@allow(SIGNED_IN)
def read_all() -> ResponseReturnValue:
    if ActionForm().validate_on_submit():
        services.mark_all_read(signed_in_user())
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
