"""Reminders three days and one day before scoring ends: to each assessor with open assessments,
in the portal and by e-mail, in the reader's language, once per assessor, round and day."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import Role
from portal.core.tenancy import across_tenants
from portal.extensions import db as _db
from portal.notifications import services as notifications
from portal.notifications.models import EmailMode, Notification
from portal.rounds.models import (
    AssessmentReminder,
    AssignmentState,
    RecusalReason,
    RoundIdea,
    RoundPhase,
)
from portal.rounds.services import assignment
from tests import factories
from tests.portal.rounds import round_states

ENDS = date(2027, 4, 15)


@pytest.fixture
def mails(monkeypatch):
    """Collect the e-mails the portal sends instead of sending them."""
    sent = []
    monkeypatch.setattr(notifications, "send_mail", sent.append)
    return sent


@pytest.fixture
def clock(monkeypatch, app):
    """Set the portal's local time the periodic job reads."""
    zone = ZoneInfo(app.config["BABEL_DEFAULT_TIMEZONE"])

    def set_to(day: date, hour: int = 9) -> None:
        moment = datetime(day.year, day.month, day.day, hour, 10, tzinfo=zone)
        monkeypatch.setattr(assignment, "_local_now", lambda: moment)

    return set_to


@pytest.fixture
def scoring(db):
    """A round whose scoring ends on `ENDS`: Anna (English, mails at once) has two open
    assessments, Bernd one open and one submitted, Clara only a submitted one, Dora is recused."""
    moderator = round_states.moderator()
    round_, first = round_states.scoring_round(moderator)
    second = round_states.accept(round_states.round_with_template(moderator), moderator, "Zwei")
    db.session.add(RoundIdea(round_id=round_.id, idea_id=second.id))
    round_.score_until = ENDS
    people = {
        name: factories.user(roles={Role.ASSESSOR}, name=name, locale=locale)
        for name, locale in (("Anna", "en"), ("Bernd", "de"), ("Clara", "de"), ("Dora", "de"))
    }
    notifications.set_email_mode(people["Anna"], EmailMode.IMMEDIATELY)
    for person, idea, state in (
        ("Anna", first, AssignmentState.OPEN),
        ("Anna", second, AssignmentState.OPEN),
        ("Bernd", first, AssignmentState.OPEN),
        ("Bernd", second, AssignmentState.SUBMITTED),
        ("Clara", first, AssignmentState.SUBMITTED),
        ("Dora", second, AssignmentState.RECUSED),
    ):
        made = round_states.scored(round_, idea, submitted=state is AssignmentState.SUBMITTED)
        made.assessor_id = people[person].id
        if state is AssignmentState.RECUSED:
            made.state, made.recusal, made.scores = state, RecusalReason.OWN_ORG_UNIT, []
    db.session.commit()
    return round_, people


def _run(db) -> None:
    """Run the periodic job as the consumer would, and let the jobs it enqueues run."""
    with across_tenants():
        assignment.remind_assessors_everywhere()
    db.session.commit()


def _texts(user):
    found = _db.session.scalars(
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    )
    with force_locale(user.locale):
        return [notifications.message_of(notification) for notification in found]


def test_three_days_before_the_end_each_assessor_with_open_assessments_is_reminded_once(
    db, scoring, clock, mails
):
    _round, people = scoring
    clock(ENDS - timedelta(days=3))
    _run(db)
    assert _texts(people["Anna"]) == ["2 ideas to score in “Priorisierung 2027”, due Apr 15, 2027."]
    assert _texts(people["Bernd"]) == [
        "1 Idee zu bewerten in „Priorisierung 2027“, fällig am 15.04.2027."
    ]
    assert _texts(people["Clara"]) == []
    assert _texts(people["Dora"]) == []
    # Anna wants e-mails at once; Bernd gets his in the daily digest.
    assert [mail.to for mail in mails] == [people["Anna"].email]
    assert f"http://localhost:5000/rounds/{_round.id}/assessments" in mails[0].body
    assert mails[0].subject == (
        "Wandelwerk: 2 ideas to score in “Priorisierung 2027”, due Apr 15, 2027."
    )
    # The job runs every hour: a second run that day sends nothing.
    _run(db)
    assert len(_texts(people["Anna"])) == 1
    assert len(_texts(people["Bernd"])) == 1
    assert len(mails) == 1


def test_reminders_go_out_three_days_and_one_day_before_only(db, scoring, clock, mails):
    round_, people = scoring
    for days in (5, 4, 2, 0):
        clock(ENDS - timedelta(days=days))
        _run(db)
    assert _texts(people["Bernd"]) == []
    clock(ENDS - timedelta(days=1))
    _run(db)
    _run(db)
    assert _texts(people["Bernd"]) == [
        "1 Idee zu bewerten in „Priorisierung 2027“, fällig am 15.04.2027."
    ]
    reminders = _db.session.scalars(
        select(AssessmentReminder).where(AssessmentReminder.round_id == round_.id)
    )
    assert sorted((r.assessor_id, r.days_before, r.open_count) for r in reminders) == sorted(
        [(people["Anna"].id, 1, 2), (people["Bernd"].id, 1, 1)]
    )


def test_no_reminder_before_the_reminder_hour_nor_outside_the_score_phase(
    db, scoring, clock, mails
):
    round_, people = scoring
    clock(ENDS - timedelta(days=3), hour=assignment.REMINDER_HOUR - 1)
    _run(db)
    assert _texts(people["Anna"]) == []
    # Scoring closed early: nobody is asked to score any more.
    round_.phase = RoundPhase.DECIDE
    db.session.commit()
    clock(ENDS - timedelta(days=3))
    _run(db)
    assert _texts(people["Anna"]) == []


def test_a_reminder_missed_at_its_hour_goes_out_later_that_day(db, scoring, clock, mails):
    _round, people = scoring
    clock(ENDS - timedelta(days=3), hour=15)
    _run(db)
    assert len(_texts(people["Bernd"])) == 1


def test_the_database_holds_one_reminder_per_assessor_round_and_day(db, scoring):
    """Two consumers running at once: the second fails on this key before it notifies anybody,
    and its job rolls back."""
    round_, people = scoring
    assert assignment.remind(round_, 3) == 2
    db.session.commit()
    assert assignment.remind(round_, 3) == 0
    _db.session.add(
        AssessmentReminder(
            round_id=round_.id, assessor_id=people["Bernd"].id, days_before=3, open_count=1
        )
    )
    with pytest.raises(IntegrityError):
        _db.session.flush()
    _db.session.rollback()
