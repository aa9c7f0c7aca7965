"""Demo ideas of Musterstadt: about 80 ideas in the states the idea portal owns, with supports,
comments (one edited, one deleted with its reply kept), attachments (one removed again) and
history, made through the services at back-dated times.

The texts live in `demo.toml` beside this file.
"""

from __future__ import annotations

import io
import random
import tomllib
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, OrgUnit, Role, User
from portal.core.models import utcnow
from portal.extensions import db
from portal.ideas.models import Comment, Idea, IdeaState
from portal.ideas.services.access import may_discuss
from portal.ideas.services.attachments import add_attachment, remove_attachment
from portal.ideas.services.authoring import IdeaData, create_idea
from portal.ideas.services.discussion import add_comment, delete_comment, edit_comment, support
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
        keep = made.get(entry.get("duplicate_of", ""))
        path = ["submitted", "merged"] if keep else data["paths"][number % len(data["paths"])]
        # Screening asks for the estimates that rounds take cost and effort from.
        unknown = [] if "screening" in path else [None]
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
                effort_days=rng.choice([*unknown, 5, 20, 60, 150]),
                cost_euros=rng.choice([*unknown, 2_000, 15_000, 80_000, 250_000]),
                author_public=number % 3 == 0,
            ),
            author,
            at=at,
        )
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
    create_idea(IdeaData(title=data["title_only_draft"]), authors[0], at=now - timedelta(days=2))
    supports, comments = _discuss(rng, data, open_ideas, users, moderator)
    _attach(data, *open_ideas[0])
    return {"ideas": len(made) + 1, "supports": supports, "comments": comments}


def _pdf(text: str) -> bytes:
    """Return a one-page PDF that shows *text* (ASCII only, as PDF's standard fonts need)."""
    line = text.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + line + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


def _attach(data: dict[str, Any], idea: Idea, at: datetime) -> None:
    """Let the author of *idea* attach the demo files, and remove the outdated one again."""
    for hours, entry in enumerate(data["attachment"], start=1):
        attached = add_attachment(
            idea,
            idea.author,
            io.BytesIO(_pdf(entry["text"])),
            entry["name"],
            at=at + timedelta(hours=hours),
        )
        if entry.get("removed"):
            remove_attachment(idea, attached.id, idea.author, at=at + timedelta(days=1))


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
        # Assessors hold back their support, since it would keep them from assessing the idea.
        supporters = rng.sample(
            [u for u in users if u.id != idea.author_id and not u.has_role(Role.ASSESSOR)],
            rng.randint(0, 25),
        )
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
    # One author adds to their comment later; another takes theirs back after it was answered,
    # so the answer stays under "Comment deleted".
    idea, edited = comments[1]
    assert edited.author is not None
    edit_comment(
        idea,
        edited,
        edited.author,
        f"{edited.body}\n\n{data['edit_addition']}",
        at=edited.created_at + timedelta(hours=5),
    )
    idea, answered = comments[0]
    assert answered.author is not None
    delete_comment(idea, answered, answered.author, at=answered.created_at + timedelta(hours=6))
    return supports, len(comments) + len(replies) - 1
