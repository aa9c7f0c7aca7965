"""Demo rounds of Musterstadt, made through the services: "Priorisierung 2027", collecting ideas
with a catalogue drafted from the template, and the ideas in screening it accepted."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, User
from portal.extensions import db
from portal.ideas.models import Idea, IdeaEvent, IdeaState
from portal.rounds.services.catalogue import start_from_template
from portal.rounds.services.phases import RoundData, accept_into_round, create_round


def load(municipality: Municipality) -> dict[str, int]:
    """Create the demo rounds and accept ideas into them; return counts."""
    moderator = db.session.scalar(select(User).where(User.email == email_of("moderation")))
    assert moderator is not None
    this_year = date.today().year
    round_ = create_round(
        RoundData(
            name=f"Priorisierung {this_year + 1}",
            description=(
                "Welche Vorhaben der Digitalisierung setzt die Stadt im kommenden Jahr um? "
                "Die Lenkungsgruppe gewichtet die Kriterien, Fachleute aus den Ämtern bewerten "
                "die Ideen, die Lenkungsgruppe entscheidet."
            ),
            budget_euros=900_000,
            staff_days=1_200,
            collect_until=date(this_year + 1, 1, 31),
            screen_until=date(this_year + 1, 2, 28),
            score_until=date(this_year + 1, 4, 15),
            decide_until=date(this_year + 1, 5, 15),
            publish_on=date(this_year + 1, 5, 31),
        ),
        moderator,
    )
    start_from_template(round_, "digital", moderator)
    last_step = (
        select(IdeaEvent.idea_id, func.max(IdeaEvent.at).label("at"))
        .group_by(IdeaEvent.idea_id)
        .subquery()
    )
    waiting = db.session.execute(
        select(Idea, last_step.c.at)
        .join(last_step, last_step.c.idea_id == Idea.id)
        .where(Idea.state == IdeaState.SCREENING)
        .order_by(Idea.id)
    ).all()
    # Two of three ideas in screening were accepted; the others still wait.
    accepted = [(idea, at) for number, (idea, at) in enumerate(waiting) if number % 3]
    for idea, at in accepted:
        accept_into_round(idea, round_, moderator, at=at + timedelta(days=2))
    return {"rounds": 1, "accepted": len(accepted)}
