"""Notifications: in the portal, by e-mail at once or as a daily digest."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from portal.core.jobs import register_jobs
from portal.core.registry import NavItem, add_messages, add_navigation


def init_app(app: Flask) -> None:
    """Serve the notification pages and list them in the navigation, with the unread count."""
    from portal.notifications import queries, services
    from portal.notifications.views import bp

    app.register_blueprint(bp, url_prefix="/notifications")
    add_navigation(
        app,
        NavItem(
            "notifications.index",
            _l("Notifications"),
            ("notifications.",),
            80,
            count=queries.unread_count,
        ),
    )
    register_jobs(
        app,
        [
            services.send_notification_mail,
            services.send_digest,
            services.start_digests_everywhere,
            services.forget_old_notifications,
        ],
    )
    # Notifications written before they were composed on reading keep their text.
    add_messages(app, {"notification.text": lambda params: str(params["text"])})
