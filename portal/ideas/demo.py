"""Demo ideas of Musterstadt: about 80 ideas in the states the idea portal owns, with supports,
comments and history, made through the services at back-dated times.

The texts live in `demo.toml` beside this file.
"""

from __future__ import annotations

import random
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, OrgUnit, User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea, IdeaState
from portal.ideas.services.access import may_discuss
from portal.ideas.services.authoring import IdeaData, create_idea
from portal.ideas.services.discussion import add_comment, support
from portal.ideas.services.fields import save_field_of_action
from portal.ideas.services.lifecycle import change_state, merge

DATA = Path(__file__).with_name("demo.toml")


def load(municipality: Municipality) -> dict[str, int]:
    """Create the fields of action and the demo ideas with their history; return counts."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    rng = random.Random(4711)
    users = list(db.session.scalars(select(User).order_by(User.id)))
    by_email = {user.email: user for user in users}
    moderator = by_email[email_of("moderation")]
    units = {unit.code: unit.id for unit in db.session.scalars(select(OrgUnit))}
    fields = {
        entry["key"]: save_field_of_action(None, entry["name"], entry["description"], True).id
        for entry in data["field"]
    }
    authors = [user for user in users if user is not moderator]
    # The demo employee always has ideas of her own in several states.
    authors.insert(0, by_email[email_of("mitarbeiterin")])
    now = utcnow()
    made: dict[str, Idea] = {}
    open_ideas: list[tuple[Idea, datetime]] = []
    for number, entry in enumerate(data["idea"]):
        author = authors[(number * 7) % len(authors)] if number % 9 else authors[0]
        at = now - timedelta(days=120 - number, hours=rng.randint(0, 8))
        idea = create_idea(
            IdeaData(
                title=entry["title"],
                problem=entry["problem"],
                proposal=entry["proposal"],
                benefit_citizens="Kürzere Wege und Wartezeiten." if entry["field"] == "BS" else "",
                benefit_staff="Weniger Rückfragen und Doppelarbeit.",
                field_of_action_id=fields[entry["field"]],
                org_unit_ids=frozenset(units[code] for code in entry["org_units"]),
                tags=tuple(entry["tags"]),
                effort_days=rng.choice([None, 5, 20, 60, 150]),
                cost_euros=rng.choice([None, 2_000, 15_000, 80_000, 250_000]),
                author_public=number % 3 == 0,
            ),
            author,
            at=at,
        )
        keep = made.get(entry.get("duplicate_of", ""))
        path = ["submitted", "merged"] if keep else data["paths"][number % len(data["paths"])]
        for step in path:
            at += timedelta(days=rng.randint(1, 6))
            if step == "merged" and keep is not None:
                merge(idea, keep, moderator, data["merge_note"], at=at)
            else:
                actor = author if step == "submitted" else moderator
                reason = data["decline_reason"] if step == "declined" else ""
                change_state(idea, IdeaState(step), actor, reason, at=at)
        made[idea.title] = idea
        if may_discuss(idea):
            open_ideas.append((idea, at))
    supports, comments = _discuss(rng, data, open_ideas, users, moderator)
    return {"ideas": len(made), "supports": supports, "comments": comments}


def _discuss(
    rng: random.Random,
    data: dict[str, Any],
    ideas: list[tuple[Idea, datetime]],
    users: list[User],
    moderator: User,
) -> tuple[int, int]:
    """Let colleagues support and comment on the open *ideas*; return how many of each."""
    supports = 0
    comments: list[tuple[Idea, Comment]] = []
    for number, (idea, at) in enumerate(ideas):
        supporters = rng.sample([u for u in users if u.id != idea.author_id], rng.randint(0, 25))
        for hours, user in enumerate(supporters):
            support(idea, user, at=at + timedelta(hours=hours))
        supports += len(supporters)
        if number % 2:
            continue
        for hours in range(1 + number % 3):
            comment = add_comment(
                idea,
                rng.choice(users),
                rng.choice(data["comments"]),
                at=at + timedelta(hours=hours),
            )
            comments.append((idea, comment))
    replies = [
        add_comment(
            idea,
            moderator,
            rng.choice(data["replies"]),
            comment.id,
            at=comment.created_at + timedelta(hours=2),
        )
        for idea, comment in comments[::4]
    ]
    return supports, len(comments) + len(replies)
