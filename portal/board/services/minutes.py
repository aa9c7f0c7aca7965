"""The minutes (Protokoll) of a meeting, generated from what was recorded: attendance, recusals,
each vote's tally (names only in named votes) and the decisions with their reasons.

The text is Markdown, written in the language of the person who closes the meeting; the chair
corrects it, the next meeting approves it, and then it is frozen.
"""

from __future__ import annotations

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select

from portal.board.models import Ballot, Choice, Decision, Meeting, Vote, VoteState
from portal.board.services.votes import present_members
from portal.extensions import db


def _names(ballots: list[Ballot], choice: Choice) -> str:
    return ", ".join(sorted(b.member.user.name for b in ballots if b.choice is choice)) or "—"


def _vote_lines(vote: Vote, decision: Decision | None) -> list[str]:
    lines = [_("Motion: %(motion)s", motion=vote.motion)]
    for recusal in vote.recusals:
        lines.append(
            _(
                "Recused: %(name)s (%(reason)s)",
                name=recusal.member.user.name,
                reason=recusal.reason.label,
            )
        )
    if vote.state is VoteState.REFERRED:
        lines.append(_("Referred to a meeting."))
        return lines
    if vote.result is None:
        return lines
    lines.append(
        _(
            "Vote (%(kind)s): %(yes)s yes, %(no)s no, %(abstain)s abstentions; %(present)s of "
            "%(eligible)s members entitled to vote took part. Result: %(result)s.",
            kind=_("secret") if vote.secret else _("named"),
            yes=vote.yes,
            no=vote.no,
            abstain=vote.abstain,
            present=vote.present,
            eligible=vote.eligible,
            result=vote.result.label,
        )
    )
    if vote.casting_vote_used:
        lines.append(_("The chair's vote decided the tie."))
    if not vote.secret:
        lines.append(_("Yes: %(names)s", names=_names(vote.ballots, Choice.YES)))
        lines.append(_("No: %(names)s", names=_names(vote.ballots, Choice.NO)))
        lines.append(_("Abstained: %(names)s", names=_names(vote.ballots, Choice.ABSTAIN)))
    if decision is not None:
        lines.append(
            _(
                "Decision %(reference)s: %(outcome)s.",
                reference=decision.reference,
                outcome=decision.outcome.label,
            )
        )
        if decision.conditions:
            lines.append(_("Conditions: %(text)s", text=decision.conditions))
        lines.append(_("Reason: %(text)s", text=decision.reason))
        if decision.departs:
            lines.append(
                _("Departure from the ranking, explained: %(text)s", text=decision.explanation)
            )
    return lines


def generate(meeting: Meeting) -> str:
    """Write the minutes of *meeting* from its records."""
    board = meeting.board
    present = present_members(meeting)
    decisions = {
        d.vote_id: d
        for d in db.session.scalars(
            select(Decision).join(Vote).where(Vote.item_id.in_([i.id for i in meeting.items]))
        )
    }
    where = meeting.place or meeting.video_url
    out = [
        f"## {_('Minutes')}: {meeting.title}",
        "",
        f"{board.name}, {format_datetime(meeting.starts_at, 'short')}, {where}",
        "",
        f"### {_('Attendance')}",
        "",
    ]
    for member in board.members:
        state = _("present") if member.id in present else _("absent")
        out.append(f"- {member.user.name} ({member.function.label}): {state}")
    out += ["", f"### {_('Agenda')}", ""]
    for item in meeting.items:
        out += [f"#### {item.position}. {item.title}", "", f"*{item.kind.label}*", ""]
        if item.notes:
            out += [item.notes, ""]
        if item.vote is not None:
            out += [f"- {line}" for line in _vote_lines(item.vote, decisions.get(item.vote.id))]
            out.append("")
    return "\n".join(out).strip() + "\n"
