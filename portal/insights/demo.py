"""The demo's documents: the council paper of the round being decided, generated and released.

The demo renders it at once, in the loading command (the same two job functions the consumer
runs, called directly), so that a fresh `make run` shows a released paper without waiting for
the consumer. The analyses of the round are computed first, likewise at once, so the paper
carries the rank probabilities and the stability sentence.
"""

from __future__ import annotations

from sqlalchemy import select

import reports
from portal.accounts.models import Municipality, Role, User, UserRole
from portal.extensions import db
from portal.insights.models import DocumentKind, DocumentState
from portal.insights.services import documents
from portal.rounds.models import RankingAnalysis, Round, RoundPhase
from portal.rounds.services import analysis


def load(municipality: Municipality) -> dict[str, int]:
    """Generate and release the council paper of the demo round in its decide phase."""
    round_ = db.session.scalar(select(Round).where(Round.phase == RoundPhase.DECIDE).limit(1))
    board = db.session.scalar(
        select(User).join(UserRole).where(UserRole.role == Role.BOARD_MEMBER).order_by(User.id)
    )
    if round_ is None or board is None:
        return {"documents": 0}
    found = analysis.current(round_).analysis
    row_id = db.session.scalar(
        select(RankingAnalysis.id).where(
            RankingAnalysis.round_id == round_.id, RankingAnalysis.digest == found.digest
        )
    )
    for _step in analysis.STEPS:
        analysis.run_analysis_step(row_id, found.digest)
    document = documents.request_document(DocumentKind.COUNCIL_PAPER, round_.id, board)
    try:
        documents.start_document(document.id)
        documents.render_document(document.id)
    finally:
        reports.stop_svg_export()
    if document.state is not DocumentState.READY:
        # Without a browser for the figures the paper fails; the portal says so on its page.
        return {"documents": 0}
    documents.release(document, board, document.lock_version)
    return {"documents": 1}
