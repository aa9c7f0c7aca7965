"""The demo's documents: the council paper of the round being decided, generated and released,
and the pack of the board's planned meeting, generated for the board but not released.

The demo renders them at once, in the loading command (the same two job functions the consumer
runs, called directly), so that a fresh `make run` shows them without waiting for the consumer.
The analyses of the rounds are computed first, likewise at once, so the documents carry the
rank probabilities and the stability sentences.
"""

from __future__ import annotations

from sqlalchemy import select

import reports
from portal.accounts.models import Municipality, Role, User, UserRole
from portal.board.models import Board, BoardFunction, Meeting, MeetingState
from portal.board.services import meetings
from portal.extensions import db
from portal.insights.models import DocumentKind, DocumentState, GeneratedDocument
from portal.insights.services import documents
from portal.rounds.models import RankingAnalysis, Round, RoundPhase
from portal.rounds.services import analysis

#: How many ideas waiting for a decision the planned meeting takes when its agenda is empty.
PACK_ITEMS = 3


def _analyse(round_: Round) -> None:
    """Compute every analysis of *round_*'s current ranking now, as the jobs would."""
    found = analysis.current(round_).analysis
    if found.done:
        return
    row_id = db.session.scalar(
        select(RankingAnalysis.id).where(
            RankingAnalysis.round_id == round_.id, RankingAnalysis.digest == found.digest
        )
    )
    for _step in analysis.STEPS:
        analysis.run_analysis_step(row_id, found.digest)


def _generate(kind: DocumentKind, subject_id: int | None, user: User) -> GeneratedDocument:
    document = documents.request_document(kind, subject_id, user)
    documents.start_document(document.id)
    documents.render_document(document.id)
    return document


def _planned_meeting() -> tuple[Meeting, User] | None:
    """Return the board's next planned meeting with ideas on its agenda, and its chair.

    The board's demo leaves the planned meeting's agenda empty; the pack puts the ideas still
    waiting for a decision on it, as a moderator preparing the meeting would."""
    meeting = db.session.scalar(
        select(Meeting)
        .where(Meeting.state == MeetingState.PLANNED)
        .order_by(Meeting.starts_at)
        .limit(1)
    )
    if meeting is None:
        return None
    chair = next((m.user for m in meeting.board.members if m.function is BoardFunction.CHAIR), None)
    if chair is None:
        return None
    if not meeting.items:
        board = db.session.get(Board, meeting.board_id)
        assert board is not None
        waiting = [s for s in meetings.suggestions(board) if s.standing.rank is not None]
        if not waiting:
            return None
        chosen = [(s.round.id, s.idea.id) for s in waiting[:PACK_ITEMS]]
        meetings.add_idea_items(meeting, chosen, chair)
        db.session.expire(meeting, ["items"])
    return meeting, chair


def load(municipality: Municipality) -> dict[str, int]:
    """Generate and release the council paper of the demo round in its decide phase, and
    generate the pack of the planned meeting."""
    round_ = db.session.scalar(select(Round).where(Round.phase == RoundPhase.DECIDE).limit(1))
    board = db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == Role.BOARD_MEMBER).order_by(User.id)
    )
    if round_ is None or board is None:
        return {"documents": 0, "packs": 0}
    _analyse(round_)
    planned = _planned_meeting()
    try:
        paper = _generate(DocumentKind.COUNCIL_PAPER, round_.id, board)
        pack = None
        if planned is not None:
            meeting, chair = planned
            for item_round in {item.round for item in meeting.items if item.round}:
                _analyse(item_round)
            pack = _generate(DocumentKind.MEETING_PACK, meeting.id, chair)
    finally:
        reports.stop_svg_export()
    released = 0
    # Without a browser for the figures the paper fails; the portal says so on its page.
    if paper.state is DocumentState.READY:
        documents.release(paper, board, paper.lock_version)
        released = 1
    return {
        "documents": released,
        "packs": int(pack is not None and pack.state is DocumentState.READY),
    }
