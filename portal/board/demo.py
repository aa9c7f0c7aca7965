"""The demo board of Musterstadt, made through the services: "Lenkungsgruppe Digitale
Verwaltung" of the seven demo board members, two held meetings with approved minutes and a
third whose minutes wait for the next, one planned, and a written procedure in progress.

When the finished round "Priorisierung <this year>" waits for the board's decisions (its decide
phase), the second meeting decides fifteen ideas of its portfolio proposal in rank order: twelve
approved, one deferred, one rejected, and one approved below those two, which departs from the
ranking with its explanation. Members whose idea or org unit is concerned are recused, and one
member declares a conflict of interest.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from portal.accounts.demo import email_of
from portal.accounts.models import Municipality, Role, User
from portal.board.models import (
    AgendaItem,
    Board,
    BoardFunction,
    Choice,
    DecisionOutcome,
    ItemKind,
    Meeting,
)
from portal.board.services import boards, decisions, meetings, votes
from portal.board.services.standing import standings_of
from portal.core.models import utcnow
from portal.extensions import db
from portal.rounds.models import Round, RoundPhase

#: The seven board members in the order of their seats; chair and deputy first.
SEATS = ["lenkung", "t.weber", "a.fischer", "m.wagner", "p.becker", "h.schulz", "g.jung"]

#: The reasons of the approvals, taken in turn.
APPROVALS = (
    "Hoher Nutzen für Bürgerinnen und Bürger bei vertretbarem Aufwand; die Bewertung ist "
    "eindeutig.",
    "Das Vorhaben entlastet die Beschäftigten spürbar; die Mittel sind im Haushalt eingeplant.",
    "Das Vorhaben setzt die Digitalstrategie um und ist mit eigenem Personal umsetzbar.",
    "Geringe Kosten bei schnellem Nutzen; die beteiligten Ämter stehen für den Start bereit.",
)
REASONS = {
    DecisionOutcome.REJECTED: "Der Nutzen rechtfertigt die Kosten derzeit nicht; die Idee kann "
    "in einer späteren Runde erneut eingebracht werden.",
    DecisionOutcome.DEFERRED: "Die Finanzierung hängt vom Haushalt des nächsten Jahres ab; "
    "die Lenkungsgruppe entscheidet nach dem Haushaltsbeschluss.",
}
EXPLANATION = (
    "Das Land fördert das Vorhaben nur bei Antragstellung in diesem Jahr; die Lenkungsgruppe "
    "zieht es deshalb der zurückgestellten Idee vor."
)


def _meeting(board: Board, title: str, start: datetime, moderator: User) -> Meeting:
    return meetings.create_meeting(
        board,
        meetings.MeetingData(
            title, start, start + timedelta(hours=2), place="Rathaus, Sitzungssaal 2.14"
        ),
        moderator,
    )


def _hold(meeting: Meeting, chair: User, at: datetime, *, present: set[int]) -> None:
    meetings.record_attendance(meeting, present, chair, at=at)


#: What the second meeting decides on the portfolio proposal's ideas, taken in rank order: the
#: best-ranked are approved, one is deferred, one rejected, and the last is approved although it
#: ranks below both, with its explanation.
AGENDA = (
    *[DecisionOutcome.APPROVED] * 12,
    DecisionOutcome.DEFERRED,
    DecisionOutcome.REJECTED,
    DecisionOutcome.APPROVED,
)
#: Heike Schulz declares a conflict of interest on the deferred idea.
CONFLICT = "Das Personalamt hat die Idee gemeinsam mit der Urheberin ausgearbeitet."


def _decide_round(
    meeting: Meeting, round_: Round, board: Board, seated: dict[str, User], at: datetime
) -> int:
    """Decide the ideas of the portfolio proposal of *round_* in rank order in *meeting*, as
    `AGENDA` says; return how many decisions."""
    chair = seated["lenkung"]
    # Read once: deciding leaves the ranking and the proposal as they are.
    known = standings_of(board.rounds)
    funded = [
        s
        for s in meetings.suggestions(board, known)
        if s.round.id == round_.id and s.standing.in_portfolio
    ][: len(AGENDA)]
    if len(funded) < len(AGENDA):
        return 0
    items = meetings.add_idea_items(meeting, [(round_.id, s.idea.id) for s in funded], chair)
    seat_of = {m.user_id: m.id for m in board.members}
    count = 0
    for minute, (item, outcome) in enumerate(zip(items, AGENDA, strict=True)):
        when = at + timedelta(minutes=7 * (minute + 1))
        departs = decisions.departure(
            board,
            round_,
            item.idea,  # type: ignore[arg-type]
            outcome,
            known[round_.id],
        )
        vote = votes.open_vote(
            item,
            votes.MotionData(
                f"Die Lenkungsgruppe beschließt: {outcome.label}.",
                outcome=outcome,
                reason=APPROVALS[minute % len(APPROVALS)]
                if outcome is DecisionOutcome.APPROVED
                else REASONS[outcome],
                explanation=EXPLANATION if departs else "",
            ),
            chair,
            at=when,
        )
        recused = {recusal.member_id for recusal in vote.recusals}
        declares = seated["h.schulz"]
        if outcome is DecisionOutcome.DEFERRED and seat_of[declares.id] not in recused:
            votes.declare_conflict(vote, declares, CONFLICT)
            recused.add(seat_of[declares.id])
        for key, user in seated.items():
            if seat_of[user.id] in recused or key == "g.jung":
                continue
            choice = Choice.NO if key == "m.wagner" else Choice.YES
            votes.cast(vote, user, choice, at=when + timedelta(minutes=2))
        votes.close_vote(vote, chair, at=when + timedelta(minutes=5))
        count += 1
    return count


def load(municipality: Municipality) -> dict[str, int]:
    """Create the demo board with its meetings and decisions; return counts."""
    by_email = {user.email: user for user in db.session.scalars(select(User))}
    moderator = by_email[email_of("moderation")]
    seated = {key: by_email[email_of(key)] for key in SEATS}
    now = utcnow().replace(second=0, microsecond=0)
    this_year = now.year
    rounds = list(
        db.session.scalars(
            select(Round).where(
                Round.name.in_([f"Priorisierung {this_year}", f"Priorisierung {this_year + 1}"])
            )
        )
    )
    board = boards.create_board(
        boards.BoardData(
            name="Lenkungsgruppe Digitale Verwaltung",
            code="LG",
            description=(
                "Die Lenkungsgruppe steuert die digitale Transformation der Stadtverwaltung: "
                "Sie gewichtet die Kriterien, entscheidet über die Vorhaben der "
                "Priorisierungsrunden und legt Rechenschaft über ihre Beschlüsse ab."
            ),
            term_start=date(this_year - 1, 1, 1),
            term_end=date(this_year + 3, 12, 31),
            round_ids=frozenset(r.id for r in rounds),
            casting_vote=True,
        ),
        moderator,
    )
    functions = [BoardFunction.CHAIR, BoardFunction.DEPUTY] + [BoardFunction.MEMBER] * 5
    for key, function in zip(SEATS, functions, strict=True):
        assert seated[key].has_role(Role.BOARD_MEMBER)
        boards.add_member(board, seated[key], function, moderator)
    chair = seated["lenkung"]
    everybody = {m.id for m in board.members}

    # First meeting: reports only, held nine weeks ago.
    first = _meeting(board, "1. Sitzung", now - timedelta(days=63), moderator)
    meetings.add_topic(
        first,
        ItemKind.REPORT,
        "Stand der Digitalstrategie",
        "Bericht der Stabsstelle Digitalisierung zu den Handlungsfeldern.",
        moderator,
    )
    meetings.add_topic(
        first,
        ItemKind.OTHER,
        "Geschäftsordnung der Lenkungsgruppe",
        "Beschlussfähigkeit ab der Hälfte der Mitglieder, einfache Mehrheit, Stichentscheid "
        "des Vorsitzes.",
        moderator,
    )
    meetings.invite(first, moderator, at=now - timedelta(days=77))
    _hold(first, chair, now - timedelta(days=63), present=everybody - {board.members[6].id})
    meetings.close_meeting(first, chair, at=now - timedelta(days=63, hours=-2))

    # Second meeting: approves the first one's minutes and decides the finished round.
    second = _meeting(board, "2. Sitzung", now - timedelta(days=14), moderator)
    meetings.add_topic(
        second,
        ItemKind.REPORT,
        "Ergebnis der Priorisierung",
        "Die Rangfolge der abgeschlossenen Runde mit Portfoliovorschlag.",
        moderator,
    )
    finished = next((r for r in rounds if r.name == f"Priorisierung {this_year}"), None)
    meetings.invite(second, moderator, at=now - timedelta(days=28))
    _hold(second, chair, now - timedelta(days=14), present=everybody)
    meetings.approve_minutes(second, first, chair, at=now - timedelta(days=14))
    decided = 0
    if finished is not None and finished.phase is RoundPhase.DECIDE:
        decided = _decide_round(second, finished, board, seated, now - timedelta(days=14))
    meetings.close_meeting(second, chair, at=now - timedelta(days=14, hours=-2))
    decisions.release(decisions.of_meeting(second), chair, at=now - timedelta(days=13))

    # Third meeting, last week: a short one that approved the second one's minutes.
    third = _meeting(board, "3. Sitzung", now - timedelta(days=7), moderator)
    meetings.add_topic(
        third,
        ItemKind.REPORT,
        "Umsetzungsstand der beschlossenen Vorhaben",
        "Kurzbericht der Projektleitungen.",
        moderator,
    )
    meetings.invite(third, moderator, at=now - timedelta(days=12))
    _hold(third, chair, now - timedelta(days=7), present=everybody - {board.members[4].id})
    meetings.approve_minutes(third, second, chair, at=now - timedelta(days=7))
    meetings.close_meeting(third, chair, at=now - timedelta(days=7, hours=-1))

    # Fourth meeting: planned, not yet invited.
    _meeting(board, "4. Sitzung", now + timedelta(days=21), moderator)

    # A written procedure in progress: four of seven have voted.
    topic = AgendaItem(
        board_id=board.id,
        kind=ItemKind.OTHER,
        title="Teilnahme am Förderprogramm „Digitale Kommune“",
        notes="Die Stadt bewirbt sich mit den beschlossenen Vorhaben um Fördermittel des Landes.",
    )
    db.session.add(topic)
    vote = votes.send_written(
        topic,
        votes.MotionData("Die Lenkungsgruppe stimmt der Bewerbung zu."),
        now + timedelta(days=5),
        chair,
        at=now - timedelta(days=2),
    )
    for key in ("lenkung", "t.weber", "a.fischer", "h.schulz"):
        votes.cast(vote, seated[key], Choice.YES, at=now - timedelta(days=1))
    return {"boards": 1, "meetings": 4, "decisions": decided}
