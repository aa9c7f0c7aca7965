"""Demo rounds of Musterstadt, made through the services: "Priorisierung <this year>", scored
and waiting for the board's decisions, and "Priorisierung <next year>" in its score phase; the
board's weighting of their criteria (`load_weighting`) and the assessors' scores."""

from __future__ import annotations

import random
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, Role, User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Idea, IdeaEvent, IdeaState
from portal.rounds.models import (
    Assignment,
    AssignmentState,
    Criterion,
    Round,
    RoundIdea,
    RoundPhase,
    Score,
    WeightingMethod,
)
from portal.rounds.services import catalogue, portfolio, scoring, weighting
from portal.rounds.services.assignment import Scope, bulk_assign
from portal.rounds.services.catalogue import start_from_template
from portal.rounds.services.phases import (
    RoundData,
    accept_into_round,
    create_round,
    move_phase,
)


def load(municipality: Municipality) -> dict[str, int]:
    """Create the demo rounds and take ideas through them; return counts.

    "Priorisierung <this year>" has finished scoring and waits for the board's decisions;
    "Priorisierung <next year>" is in its score phase with part of the assessments done. Ideas
    reached screening one after the other over four months: those screened early joined the
    first round, two of three later ones the second; the others still wait.
    """
    by_email = {user.email: user for user in db.session.scalars(select(User).order_by(User.id))}
    moderator = by_email[email_of("moderation")]
    members = [user for user in by_email.values() if user.has_role(Role.BOARD_MEMBER)]
    now = utcnow()
    screened = _screened_ideas()
    cut = now - timedelta(days=64)
    early = [(idea, at) for idea, at in screened if at <= cut]
    late = [(idea, at) for number, (idea, at) in enumerate(screened) if at > cut and number % 3]
    finished = _round(f"Priorisierung {now.year}", moderator, start=now - timedelta(days=140))
    # The finished round left out the effort: the portfolio's staff-day capacity covers it.
    aufwand = next(c for c in _draft_criteria(finished) if c.key == "aufwand")
    catalogue.remove_criterion(finished, aufwand.id, moderator)
    load_weighting(finished, members, now - timedelta(days=130), moderator=moderator)
    for idea, at in early:
        accept_into_round(idea, finished, moderator, at=at + timedelta(days=2))
    move_phase(finished, RoundPhase.SCREEN, moderator, at=now - timedelta(days=75))
    move_phase(finished, RoundPhase.SCORE, moderator, at=now - timedelta(days=60))
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    rng = random.Random(2026)
    scores = _assess(finished, moderator, data, rng, start=now - timedelta(days=59), share=1.0)
    _revise(finished, data, at=now - timedelta(days=20))
    move_phase(finished, RoundPhase.DECIDE, moderator, at=now - timedelta(days=14))
    # The chatbot answers on the city's website: the portfolio takes it only with the website.
    _dependency(
        finished,
        "Chatbot für häufige Fragen zum Bürgeramt",
        "Barrierefreie Website der Stadt",
        moderator,
    )

    current = _round(f"Priorisierung {now.year + 1}", moderator, start=now - timedelta(days=70))
    load_weighting(current, members, now - timedelta(days=40), moderator=moderator)
    for idea, at in late:
        accept_into_round(idea, current, moderator, at=at + timedelta(days=2))
    move_phase(current, RoundPhase.SCREEN, moderator, at=now - timedelta(days=16))
    move_phase(current, RoundPhase.SCORE, moderator, at=now - timedelta(days=12))
    scores += _assess(current, moderator, data, rng, start=now - timedelta(days=11), share=0.5)
    _declare(current, data)
    # A smaller round for the citizens' services has just begun: Stefan Brandt (lenkung@) has
    # saved a weighting that contradicts itself, so his start page and the weighting page show
    # what waits for him, and ideas in screening may still join it.
    services = _round(
        f"Bürgerdienste digital {now.year + 1}",
        moderator,
        start=now - timedelta(days=6),
        template="kompakt",
    )
    lenkung = by_email[email_of("lenkung")]
    load_weighting(
        services, members, now - timedelta(days=5), moderator=moderator, open_for=lenkung
    )
    return {
        "rounds": 3,
        "accepted": len(early) + len(late),
        "weightings": 3 * len(members) - 1,
        "scores": scores,
    }


def _dependency(round_: Round, title: str, needs: str, moderator: User) -> None:
    """Record that the idea *title* of *round_* needs the idea *needs*."""
    found = dict(
        db.session.execute(
            select(Idea.title, Idea.id)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == round_.id, Idea.title.in_([title, needs]))
        ).all()
    )
    portfolio.add_dependency(round_, moderator, found[title], found[needs])


def _round(name: str, moderator: User, *, start: datetime, template: str = "digital") -> Round:
    """Create the round *name*, set up by *moderator* at *start* from *template*."""
    day = start.date()
    round_ = create_round(
        RoundData(
            name=name,
            description=(
                "Welche Vorhaben der Digitalisierung setzt die Stadt als Nächstes um? "
                "Die Lenkungsgruppe gewichtet die Kriterien, Fachleute aus den Ämtern bewerten "
                "die Ideen, die Lenkungsgruppe entscheidet."
            ),
            budget_euros=900_000,
            staff_days=1_200,
            collect_until=day + timedelta(days=60),
            screen_until=day + timedelta(days=75),
            score_until=day + timedelta(days=120),
            decide_until=day + timedelta(days=150),
            publish_on=day + timedelta(days=160),
        ),
        moderator,
        at=start,
    )
    start_from_template(round_, template, moderator)
    return round_


def _draft_criteria(round_: Round) -> list[Criterion]:
    draft = catalogue.draft(round_)
    assert draft is not None
    return list(draft.criteria)


def _screened_ideas() -> list[tuple[Idea, datetime]]:
    """Return the ideas in screening with the time they got there, oldest first."""
    last_step = (
        select(IdeaEvent.idea_id, func.max(IdeaEvent.at).label("at"))
        .group_by(IdeaEvent.idea_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Idea, last_step.c.at)
        .join(last_step, last_step.c.idea_id == Idea.id)
        .where(Idea.state == IdeaState.SCREENING)
        .order_by(last_step.c.at, Idea.id)
    ).all()
    return [(idea, at) for idea, at in rows]


# --- assessment ---------------------------------------------------------------------------------

DATA = Path(__file__).with_name("demo.toml")
#: The rated criteria of the "digital" template in the order of the profiles in demo.toml.
PROFILE_KEYS = ("nutzen_buerger", "entlastung", "strategie", "pflicht", "risiko", "umsetzbarkeit")


def _assess(
    round_: Round,
    moderator: User,
    data: dict[str, Any],
    rng: random.Random,
    *,
    start: datetime,
    share: float,
) -> int:
    """Assign the assessors to the ideas of *round_* in bulk at *start*, then let them score:
    all assessments when *share* is 1, else about that share submitted and some drafts saved.
    Return how many scores were given."""
    bulk_assign(round_, Scope(), moderator, at=start)
    frozen = catalogue.latest_frozen(round_)
    assert frozen is not None
    rated = [criterion for criterion in frozen.criteria if scoring.is_scored(criterion)]
    texts: dict[str, dict[str, list[str]]] = data["justifications"]
    disagreement = data["disagreement"]
    profiles: dict[int, list[int]] = {}
    seen: set[int] = set()
    given = 0
    open_ = db.session.scalars(
        select(Assignment)
        .where(Assignment.round_id == round_.id, Assignment.state == AssignmentState.OPEN)
        .order_by(Assignment.idea_id, Assignment.assessor_id)
    ).all()
    for number, assignment in enumerate(open_):
        chance = rng.random()
        if chance > share + 0.15:
            continue
        idea = assignment.idea
        profile = profiles.setdefault(
            idea.id,
            data["profile"].get(idea.title) or [_drawn(key, rng) for key in PROFILE_KEYS],
        )
        values: dict[int, float] = {}
        justifications: dict[int, str] = {}
        for criterion in rated:
            wanted = (
                profile[PROFILE_KEYS.index(criterion.key)] if criterion.key in PROFILE_KEYS else 2
            )
            value = wanted + rng.choice((-1, 0, 0, 0, 1))
            if idea.title == disagreement["idea"] and criterion.key == disagreement["criterion"]:
                # The first assessor of the idea sees it far apart from the others.
                first = idea.id not in seen
                value = disagreement["value"] if first else max(value, wanted - 1)
            value = min(max(value, int(criterion.scale_min)), int(criterion.scale_max))
            values[criterion.id] = float(value)
            if scoring.needs_justification(criterion, value) or rng.random() < 0.5:
                choices = texts[criterion.key][str(value)]
                justifications[criterion.id] = choices[number % len(choices)]
        scoring.save_assessment(
            round_,
            idea.id,
            assignment.assessor,
            scoring.Assessment(
                assignment.lock_version, values, justifications, submit=chance <= share
            ),
            at=start + timedelta(hours=6 + 4 * number),
        )
        seen.add(idea.id)
        given += len(values)
    return given


def _drawn(key: str, rng: random.Random) -> int:
    """Draw a level of criterion *key* for an idea without a profile; few ideas are required
    by law, so that the knock-out criterion marks only some of them mandatory."""
    return rng.choice((0, 0, 0, 1)) if key == "pflicht" else rng.randint(0, 4)


def _revise(round_: Round, data: dict[str, Any], *, at: datetime) -> None:
    """Let the assessor far apart from the others revise her score after the review."""
    disagreement = data["disagreement"]
    idea = db.session.scalar(select(Idea).where(Idea.title == disagreement["idea"]))
    assert idea is not None
    score = db.session.scalar(
        select(Score)
        .join(Score.assignment)
        .join(Score.criterion)
        .where(
            Assignment.round_id == round_.id,
            Assignment.idea_id == idea.id,
            Criterion.key == disagreement["criterion"],
            Score.value == disagreement["value"],
        )
    )
    assert score is not None, "the demo's disagreement needs its idea in the round"
    scoring.revise_score(
        round_,
        idea.id,
        score.assignment.assessor,
        scoring.Revision(
            score.assignment.lock_version,
            score.criterion_id,
            float(disagreement["revised"]),
            disagreement["reason"],
        ),
        at=at,
    )


def _declare(round_: Round, data: dict[str, Any]) -> None:
    """Let an assessor declare a conflict of interest on an idea she has not scored yet."""
    assignment = db.session.scalars(
        select(Assignment)
        .where(Assignment.round_id == round_.id, Assignment.state == AssignmentState.OPEN)
        .order_by(Assignment.id)
    ).first()
    assert assignment is not None
    scoring.declare_conflict(
        round_,
        assignment.idea_id,
        assignment.assessor,
        lock_version=assignment.lock_version,
        reason=data["declared"]["reason"],
    )


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
