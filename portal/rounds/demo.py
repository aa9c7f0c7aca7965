"""Demo rounds of Musterstadt, made through the services: "Priorisierung 2027", collecting ideas
with a catalogue drafted from the template, the ideas in screening it accepted, and the board's
weighting of its criteria (`load_weighting`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, Role, User
from portal.extensions import db
from portal.ideas.models import Idea, IdeaEvent, IdeaState
from portal.rounds.models import Criterion, Round, WeightingMethod
from portal.rounds.services import catalogue, weighting
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
    # Six board members have weighted; Stefan Brandt (lenkung@) has saved a draft that
    # contradicts itself, so his start page and the weighting page show what waits for him.
    members = [
        user
        for user in db.session.scalars(select(User).order_by(User.id))
        if user.has_role(Role.BOARD_MEMBER)
    ]
    lenkung = next(user for user in members if user.email == email_of("lenkung"))
    weightings = load_weighting(
        round_, members, round_.created_at, moderator=moderator, open_for=lenkung
    )
    return {"rounds": 1, "accepted": len(accepted), "weightings": weightings}


# --- weighting by the board --------------------------------------------------------------------

#: How much each board member cares about each criterion of the "digital" template, 1 … 9.
#: A member's answer for a pair follows from the difference of the two (see `_answer`).
#: Criteria of other catalogues count 5.
BOARD_PROFILES: dict[str, dict[str, int]] = {
    # Verwaltungsführung und Digitalisierung: the strategy first.
    "lenkung": {
        "nutzen_buerger": 8, "entlastung": 5, "strategie": 9, "pflicht": 7,
        "aufwand": 3, "kosten": 4, "risiko": 3, "umsetzbarkeit": 5,
    },
    # Finanzen: costs and obligations.
    "t.weber": {
        "nutzen_buerger": 8, "entlastung": 4, "strategie": 4, "pflicht": 7,
        "aufwand": 5, "kosten": 9, "risiko": 4, "umsetzbarkeit": 5,
    },
    # Bildung, Jugend und Soziales: citizens and staff.
    "a.fischer": {
        "nutzen_buerger": 9, "entlastung": 7, "strategie": 4, "pflicht": 6,
        "aufwand": 3, "kosten": 3, "risiko": 2, "umsetzbarkeit": 4,
    },
    # Planen und Bauen: what can be done, and safely.
    "m.wagner": {
        "nutzen_buerger": 6, "entlastung": 4, "strategie": 3, "pflicht": 7,
        "aufwand": 5, "kosten": 5, "risiko": 8, "umsetzbarkeit": 9,
    },
    # Kultur, Sport und Wirtschaft: citizens, then money.
    "p.becker": {
        "nutzen_buerger": 9, "entlastung": 4, "strategie": 5, "pflicht": 5,
        "aufwand": 3, "kosten": 6, "risiko": 3, "umsetzbarkeit": 5,
    },
    # Personal und Organisation: relief for staff.
    "h.schulz": {
        "nutzen_buerger": 6, "entlastung": 9, "strategie": 5, "pflicht": 6,
        "aufwand": 6, "kosten": 3, "risiko": 3, "umsetzbarkeit": 5,
    },
    # Informationstechnik: risk and feasibility.
    "g.jung": {
        "nutzen_buerger": 6, "entlastung": 6, "strategie": 7, "pflicht": 6,
        "aufwand": 7, "kosten": 3, "risiko": 8, "umsetzbarkeit": 8,
    },
}  # fmt: skip

#: Answers that do not follow from a member's profile. Markus Wagner rates citizens' benefit
#: far above feasibility in one pair, against all his other answers: his CR is above 0.1.
SLIPS: dict[str, dict[tuple[str, str], str]] = {
    "m.wagner": {("nutzen_buerger", "umsetzbarkeit"): "7"},
}

#: Pairs a member left out; the engine completes them.
SKIPPED: dict[str, set[tuple[str, str]]] = {
    "p.becker": {
        ("pflicht", "aufwand"), ("pflicht", "kosten"), ("pflicht", "risiko"),
        ("entlastung", "strategie"),
    },
}  # fmt: skip

#: A draft not yet finished: pairs still left out and one the wrong way round (strategy against
#: costs), so that its CR is above 0.1 and the page names that pair.
DRAFT_SLIPS: dict[tuple[str, str], str] = {("strategie", "kosten"): "1/5"}
DRAFT_SKIPPED: set[tuple[str, str]] = {
    ("entlastung", "aufwand"), ("aufwand", "kosten"), ("entlastung", "risiko"),
    ("pflicht", "umsetzbarkeit"),
}  # fmt: skip

#: The difference of two importances (0 … 8) as a step of Saaty's scale.
_STEPS = ("1", "1", "3", "3", "5", "5", "7", "7", "9")


def _answer(profile: dict[str, int], first: str, second: str) -> str:
    difference = profile.get(first, 5) - profile.get(second, 5)
    step = _STEPS[min(abs(difference), 8)]
    return f"1/{step}" if difference < 0 and step != "1" else step


def board_answers(
    local_part: str, criteria: list[Criterion], *, draft: bool = False
) -> dict[tuple[int, int], str]:
    """Return the demo answers of the board member *local_part* for *criteria*, or those of an
    unfinished *draft*."""
    profiles = list(BOARD_PROFILES.values())
    profile = BOARD_PROFILES.get(local_part, profiles[len(local_part) % len(profiles)])
    slips, skipped = SLIPS.get(local_part, {}), SKIPPED.get(local_part, set())
    if draft:
        slips, skipped = {**slips, **DRAFT_SLIPS}, skipped | DRAFT_SKIPPED
    answers = {}
    for index, first in enumerate(criteria):
        for second in criteria[index + 1 :]:
            pair = (first.key, second.key)
            if pair in skipped:
                continue
            answers[(first.id, second.id)] = slips.get(pair, _answer(profile, *pair))
    return answers


def load_weighting(
    round_: Round,
    members: list[User],
    at: datetime,
    *,
    moderator: User,
    open_for: User | None = None,
) -> int:
    """Let *members* weight the criteria of *round_*'s draft by AHP, one after the other from
    *at*, as in `BOARD_PROFILES`; Markus Wagner (m.wagner@) is inconsistent. *open_for* only
    saves a draft, itself inconsistent, and the weighting stays open; otherwise it closes (by
    itself, or by *moderator* when not all board members are among *members*). Return how many
    weighted."""
    draft = catalogue.draft(round_)
    assert draft is not None
    weighting.set_method(
        round_,
        WeightingMethod.AHP,
        moderator,
        version=weighting.catalogue_version(draft),
        at=at,
    )
    for number, member in enumerate(members, start=1):
        local_part = member.email.split("@")[0]
        weighting.save_weighting(
            round_,
            member,
            version=weighting.member_version(draft, None),
            submit=member is not open_for,
            answers=board_answers(local_part, draft.criteria, draft=member is open_for),
            at=at + timedelta(minutes=10 * number),
        )
    if open_for is None and draft.weighted_at is None:
        weighting.close(
            round_,
            moderator,
            version=weighting.catalogue_version(draft),
            at=at + timedelta(minutes=10 * (len(members) + 1)),
        )
    return len(members)
